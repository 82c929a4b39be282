"""Shared helpers of the security tests: database snapshots, CSRF tokens, HTML inspection."""
from flask import g, has_app_context
from lxml import html as lxml_html
from sqlalchemy import select

from voting.extensions import db


def snapshot():
    """Every row of every table, as sorted tuples of strings: equal snapshots mean nothing changed.

    Sign-in sessions are left out: signing the test's actor in opens one, and that is not what a
    refused request may not change (tests/auth/test_sessions.py holds sessions to their own rules).
    """
    db.session.expire_all()
    tables = {}
    for table in db.metadata.sorted_tables:
        if table.name == "user_sessions":
            continue
        rows = db.session.execute(select(table)).all()
        tables[table.name] = sorted(tuple(map(str, row)) for row in rows)
    db.session.rollback()
    return tables


def csrf_token_of(client, path):
    """The CSRF token of the first form on the page at `path`, as a browser would send it."""
    if has_app_context():  # the tests' shared app context would hand out the last client's token
        g.pop("csrf_token", None)
    response = client.get(path)
    tokens = lxml_html.fromstring(response.get_data(as_text=True)).xpath("//input[@name='csrf_token']/@value")
    assert tokens, f"no form with a CSRF token on {path}"
    return tokens[0]


def page_text(response):
    """The visible text of an HTML response, whitespace collapsed."""
    return " ".join(lxml_html.fromstring(response.get_data(as_text=True)).text_content().split())


def errors_of(response):
    """The error messages a refused form shows (for failure messages)."""
    if not response.content_type.startswith("text/html"):
        return response.get_data(as_text=True)[:300]
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    found = tree.xpath("//*[contains(@class, 'error') or contains(@class, 'flash')]")
    return [" ".join(node.text_content().split()) for node in found] or page_text(response)[:300]
