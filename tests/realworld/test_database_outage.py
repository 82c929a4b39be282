"""The database goes away mid-run and comes back, under gunicorn, while voters keep voting.

A private PostgreSQL cluster (the shared server is never stopped) is stopped in fast mode while two
voters post votes without pause: every answer meanwhile is a quick 503 page, nothing is half written,
and once PostgreSQL is back the same gunicorn serves and saves votes again.
"""
import itertools
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
import requests
from sqlalchemy import text

from tests.realworld.private_postgres import PrivatePostgres, postgres_bin
from tests.realworld.site import (Browser, counter_mismatches, models_on, post_vote, seed_voting_event,
                                  stored_votes, vote_path)
from tests.support.live import POSTGRES_URL, Gunicorn, run_flask, wait_until
from voting import create_app
from voting.extensions import db

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL (CI does)"),
    pytest.mark.skipif(postgres_bin() is None, reason="needs Debian's PostgreSQL binaries"),
]
QUICK = 5.0  # seconds: no answer may take longer, whatever the database does
RECOVERY = 15.0  # seconds for the same gunicorn to serve again once PostgreSQL is back
BACK_OFF = 0.1  # seconds a voter waits after a refused vote before the next one
CHOICES = ("love", "try", "might", "not")
NO_LIMITS = {"VOTE_RATE_LIMIT_USER": "100000 per minute", "VOTE_RATE_LIMIT_IP": "100000 per minute"}


@dataclass
class Sent:
    """One vote request and what came of it."""

    voter: int
    talk: str
    choice: str
    started: float
    ended: float
    status: object  # the HTTP status, or the exception's name when no answer came


class Voter(threading.Thread):
    """A voter voting on one proposal after another as fast as answers come, each request recorded."""

    def __init__(self, browser, user_id, slug, talks):
        super().__init__(daemon=True)
        self.browser, self.user_id, self.slug, self.talks = browser, user_id, slug, talks
        self.token = browser.csrf_token(vote_path(slug, talks[0]))
        self.sent: list[Sent] = []
        self.stopping = threading.Event()

    def run(self):
        for talk, choice in zip(self.talks, itertools.cycle(CHOICES)):
            if self.stopping.is_set():
                return
            started = time.monotonic()
            try:
                status = post_vote(self.browser, self.slug, talk, choice, self.token).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            self.sent.append(Sent(self.user_id, talk, choice, started, time.monotonic(), status))
            if status != 303:
                time.sleep(BACK_OFF)

    def saved_since(self, moment):
        return sum(1 for sent in list(self.sent) if sent.status == 303 and sent.started > moment)

    def refused_since(self, moment):
        return sum(1 for sent in list(self.sent) if sent.status == 503 and sent.started > moment)


@pytest.fixture(scope="module")
def outage():
    """A private PostgreSQL, migrated and seeded, served by gunicorn (2 workers); everything stopped after."""
    with PrivatePostgres() as pg:
        run_flask(["db", "upgrade"], {"DATABASE_URL": pg.url})
        world = seed_voting_event(pg.url, proposals=200, voters=3)
        with models_on(pg.url) as app, Gunicorn(pg.url, workers=2, **NO_LIMITS) as site:
            browsers = [Browser(site.base, timeout=2 * QUICK).sign_in_as(app, uid) for uid in world.voters]
            yield SimpleNamespace(pg=pg, site=site, app=app, world=world, browsers=browsers)
            for browser in browsers:
                browser.close()


@contextmanager
def voting(outage):
    """Two voters voting without pause on disjoint halves of the proposals; stopped on leaving."""
    talks, slug = outage.world.talks, outage.world.slug
    halves = (talks[: len(talks) // 2], talks[len(talks) // 2:])
    voters = [Voter(browser, uid, slug, half)
              for browser, uid, half in zip(outage.browsers, outage.world.voters, halves)]
    for voter in voters:
        voter.start()
    try:
        yield voters
    finally:
        for voter in voters:
            voter.stopping.set()
        for voter in voters:
            voter.join(4 * QUICK)


def timed(call):
    """(the response, the seconds it took)."""
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def assert_unavailable_page(response, elapsed):
    """A quick 503 HTML page that says the service is temporarily unavailable."""
    assert response.status_code == 503 and elapsed < QUICK, (response.status_code, elapsed)
    assert response.headers["Content-Type"].startswith("text/html")
    assert "temporarily unavailable" in response.text and "Traceback" not in response.text


def assert_down(outage):
    """While PostgreSQL is stopped: pages, the health check, the API and a vote are all quick 503s."""
    browser, slug, talk = outage.browsers[2], outage.world.slug, outage.world.talks[0]
    for path in ("/", f"/events/{slug}/vote", vote_path(slug, talk)):
        assert_unavailable_page(*timed(lambda: browser.get(path)))
    health, elapsed = timed(lambda: browser.get("/healthz"))
    assert health.status_code == 503 and health.json()["database"] == "error" and elapsed < QUICK
    api, elapsed = timed(lambda: browser.get(f"/api/v1/events/{slug}/proposals"))
    assert api.status_code == 503 and api.json()["error"] == "Service Unavailable" and elapsed < QUICK


def test_the_database_goes_away_mid_run_and_comes_back(outage):
    """Votes keep coming while PostgreSQL stops and starts: 303 or a quick 503, never a 500 or a hang."""
    browser, slug, talks = outage.browsers[2], outage.world.slug, outage.world.talks
    token = browser.csrf_token(vote_path(slug, talks[0]))
    assert post_vote(browser, slug, talks[0], "love", token).status_code == 303
    with voting(outage) as voters:
        wait_until(lambda: all(v.saved_since(0) >= 3 for v in voters), 10, what="votes before the outage")
        outage.pg.stop("fast")
        down_at = time.monotonic()
        assert_down(outage)
        refused, elapsed = timed(lambda: post_vote(browser, slug, talks[1], "try", token))
        assert_unavailable_page(refused, elapsed)
        wait_until(lambda: all(v.refused_since(down_at) >= 10 for v in voters), 2 * QUICK,
                   what="votes refused during the outage")
        up_from = time.monotonic()
        outage.pg.start()
        wait_until(lambda: browser.get("/healthz").status_code == 200, RECOVERY, what="health after restart")
        wait_until(lambda: all(v.saved_since(up_from) >= 3 for v in voters), RECOVERY,
                   what="votes saved after the restart")
    assert not any(voter.is_alive() for voter in voters), "a voter's request hung"
    sent = [sent for voter in voters for sent in voter.sent]
    assert post_vote(browser, slug, talks[1], "try", token).status_code == 303
    assert_outcomes(outage, sent, down_at, up_from)


def assert_outcomes(outage, sent, down_at, up_from):
    """Each answer was a 303 or a quick 503; the database holds exactly the saved votes, counters agree."""
    statuses = {s.status for s in sent}
    assert statuses == {303, 503}, (sorted(map(str, statuses)), outage.site.output()[-5000:])
    assert max(s.ended - s.started for s in sent) < QUICK
    while_down = [s for s in sent if s.started > down_at and s.ended < up_from]
    assert while_down and all(s.status == 503 for s in while_down)
    with models_on(outage.pg.url):
        stored = stored_votes(outage.world.event_id)
        assert not [s for s in while_down if (s.voter, s.talk) in stored], "a refused vote was written"
        saved = {(s.voter, s.talk): s.choice for s in sent if s.status == 303}
        assert {key: stored.get(key) for key in saved} == saved
        assert counter_mismatches(outage.world.event_id) == []
    log = outage.site.output()
    assert "Exception on" not in log and "Error handling request" not in log, "an unhandled error was logged"


def test_a_connection_lost_at_the_end_of_a_request_is_no_error(outage):
    """PostgreSQL stops between a request's last query and its end: ending the request raises nothing."""
    app = create_app({"PODIUM_ENV": "testing", "SQLALCHEMY_DATABASE_URI": outage.pg.url})
    context = app.app_context()
    context.push()
    try:
        db.session.execute(text("SELECT 1"))  # the request's transaction is open on a pooled connection
        outage.pg.stop("fast")
        context.pop()  # the teardown's rollback fails on the dropped connection, and is absorbed
    finally:
        outage.pg.start()
        with app.app_context():
            db.engine.dispose()
