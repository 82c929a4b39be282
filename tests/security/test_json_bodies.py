"""A JSON body on any POST route is a clear 400 and changes nothing, never a 500.

Flask-WTF reads a JSON body as a form's data, so a list, a number or an object where a form expects
text would reach the routes. Every POST route of test_csrf's table is posted each body below by the
user allowed to do the action, with a valid CSRF token in the header (what an anonymous visitor can get
from their own session), so the only reason left for the refusal is the body.
"""
import json

import pytest
from flask_wtf.csrf import generate_csrf

from tests.conftest import sign_in
from tests.security.helpers import csrf_token_of, page_text, snapshot
from tests.security.test_csrf import ACTIONS, app_config, post_rules, prepare  # noqa: F401 (app_config)
from tests.test_route_access import World

REFUSAL = "forms send form data, not JSON"
BODIES = {
    "a list": "[1, 2, 3]",
    "a string": json.dumps("title=x"),
    "a number": "42",
    "nested 5,000 deep": "[" * 5000 + "]" * 5000,
    "object values": json.dumps({"title": {"a": 1}, "email": ["x@example.org"], "choice": {"love": True},
                                 "name": None, "direction": ["up", "down"]}),
    "the form's own fields": None,  # filled per route: the data that works as a form, sent as JSON
}


def post_json(client, path, body, content_type="application/json", token=None):
    return client.post(path, data=body, content_type=content_type,
                       headers={"X-CSRFToken": token or csrf_token_of(client, "/")})


@pytest.mark.parametrize("endpoint", sorted(ACTIONS))
def test_a_json_body_on_a_post_route_is_a_400_and_changes_nothing(app, client, endpoint):
    world, path, data = prepare(app, client, endpoint)
    before = snapshot()
    for what, body in BODIES.items():
        body = json.dumps(data) if body is None else body
        for content_type in ("application/json", "application/merge-patch+json"):
            response = post_json(client, path, body, content_type)
            assert response.status_code == 400, f"{what} as {content_type} on POST {path}"
            assert REFUSAL in page_text(response), page_text(response)[:300]
            assert snapshot() == before, f"{what} on POST {path} changed the database"


@pytest.mark.parametrize("endpoint", ["community.cast", "proposals.invitation", "auth.link", "auth.logout"])
def test_an_anonymous_json_body_is_a_400(app, client, endpoint):
    app.add_url_rule("/test-token", "test_token", generate_csrf)  # the token of a visitor's own session
    world = World()
    with app.test_request_context():
        path = app.url_for(endpoint, **world.url_values(post_rules(app)[endpoint]))
    token = client.get("/test-token").get_data(as_text=True)
    for what, body in BODIES.items():
        response = post_json(client, path, body or "{}", token=token)
        assert response.status_code == 400, f"{what} on POST {path}"
        assert REFUSAL in page_text(response)


def test_the_script_asking_for_json_still_sends_a_form(app, client):
    world = World()
    sign_in(client, world.users["user"])
    response = client.post("/events/summit/vote/the-talk", data={"choice": "love"},
                           headers={"Accept": "application/json", "X-CSRFToken": csrf_token_of(client, "/")})
    assert response.status_code == 200 and response.get_json()["ok"] is True
