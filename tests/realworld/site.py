"""Helpers for tests against a served Podium: seed its database, and browse it signed in.

Seeding uses the models through a testing app bound to the live database's URL; browsers are
requests sessions carrying a session cookie signed with the served app's SECRET_KEY.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from types import SimpleNamespace
from urllib.parse import urljoin

import requests
from sqlalchemy import func, select

from tests.factories import make_event, make_organiser, make_proposal, make_track, make_user
from tests.support.live import LIVE_SECRET
from voting import create_app
from voting.auth.sessions import cookie_values, open_session
from voting.extensions import db
from voting.models import Proposal, User, Vote

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
COUNTERS = ("love", "try", "might", "not")


@contextmanager
def models_on(url: str):
    """An app context of a testing app bound to `url`, to read and write the models there."""
    app = create_app({"PODIUM_ENV": "testing", "SECRET_KEY": LIVE_SECRET, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def seed_voting_event(url: str, proposals: int = 10, voters: int = 3) -> SimpleNamespace:
    """An event in its voting window with one track, `proposals` talks, `voters` voters and an organiser."""
    with models_on(url):
        event = make_event()
        track = make_track(event)
        talks = [make_proposal(track) for _ in range(proposals)]
        people = [make_user() for _ in range(voters)]
        organiser = make_organiser(event)
        db.session.commit()
        return SimpleNamespace(slug=event.slug, event_id=event.id, talks=[t.slug for t in talks],
                               voters=[u.id for u in people], organiser=organiser.id)


def session_cookie(app, data: dict) -> str:
    """A session cookie value holding `data`, signed the way the app's session interface signs it."""
    return app.session_interface.get_signing_serializer(app).dumps(data)


class Browser(requests.Session):
    """A requests session that reaches a site by path (absolute URLs go where they say); no redirects."""

    def __init__(self, base: str, timeout: float = 10.0):
        super().__init__()
        self.base, self.timeout = base, timeout

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, urljoin(self.base + "/", url), *args, **kwargs)

    def get(self, url, **kwargs):
        kwargs.setdefault("allow_redirects", False)  # requests.Session.get would follow them
        return super().get(url, **kwargs)

    def sign_in_as(self, app, user_id: int) -> "Browser":
        """Carry a new session of the user, opened in the site's database as a real sign-in opens it."""
        with app.app_context():
            user = db.session.get(User, user_id)
            values = cookie_values(user, open_session(user))
            db.session.commit()
        self.cookies.set(app.config["SESSION_COOKIE_NAME"], session_cookie(app, values),
                         domain="127.0.0.1", path="/")
        return self

    def csrf_token(self, path: str) -> str:
        """The CSRF token of the first form on the page at `path`."""
        response = self.get(path)
        response.raise_for_status()
        return CSRF_INPUT.search(response.text).group(1)


def vote_path(slug: str, talk: str) -> str:
    return f"/events/{slug}/vote/{talk}"


def post_vote(browser: Browser, slug: str, talk: str, choice: str, token: str, **kwargs):
    """Vote with the shareable page's form; a saved vote is a 303 back to that page."""
    data = {"csrf_token": token, "choice": choice, "return": "proposal"}
    return browser.post(vote_path(slug, talk), data=data, **kwargs)


def stored_votes(event_id: int) -> dict:
    """{(user id, proposal slug): choice} of the event's votes, read from the database."""
    rows = db.session.execute(select(Vote.user_id, Proposal.slug, Vote.choice).join(Vote.proposal)
                              .where(Proposal.event_id == event_id))
    return {(user, slug): choice.value for user, slug, choice in rows}


def counter_mismatches(event_id: int) -> list:
    """Proposals whose kept per-choice counters differ from their rows in the votes table."""
    counted = dict(db.session.execute(
        select(Vote.proposal_id, func.count()).group_by(Vote.proposal_id)).all())
    wrong = []
    for proposal in db.session.scalars(select(Proposal).where(Proposal.event_id == event_id)):
        kept = {name: getattr(proposal, f"{name}_count") for name in COUNTERS}
        real = dict(db.session.execute(select(Vote.choice, func.count())
                                       .where(Vote.proposal_id == proposal.id).group_by(Vote.choice)).all())
        real = {name: sum(n for choice, n in real.items() if choice.value == name) for name in COUNTERS}
        if kept != real or proposal.vote_count != counted.get(proposal.id, 0):
            wrong.append((proposal.slug, kept, real, proposal.vote_count))
    return wrong
