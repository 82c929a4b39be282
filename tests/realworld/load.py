"""A vote load client for the live tests and bench/vote_throughput.py.

seed_voting() fills a live database with an event whose voting is open, its proposals and voters;
signed_session() signs a Flask session cookie for a voter with the key the live gunicorn uses (production
mode has no development sign-in); open_voting_page() is the voter's first GET, which yields the CSRF token;
cast() posts a vote the way static/js/vote.js does (JSON back, with the next proposal).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import requests
from flask import session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text

from tests.support.live import LIVE_SECRET
from voting import create_app
from voting.auth.sessions import SESSION_KEY, open_session
from voting.db_types import utcnow
from voting.enums import ProposalState
from voting.extensions import db, login_manager
from voting.models import Event, Proposal, Track, User

SECRET_KEY = LIVE_SECRET  # what tests/support/live.py gives gunicorn
COOKIE_NAME = "podium_session"
USER_AGENT = "podium-load/1"
LOOPBACK = "127.0.0.1"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
SHOWN = re.compile(r'action="/events/[^/"]+/vote/([^"?/]+)')


@dataclass
class VotingData:
    """What seed_voting() made: the event's slug, the voters' ids, the proposals' (id, slug) and each
    voter's session secret (a session row opened in the database, as at sign-in)."""

    event_slug: str
    user_ids: list[int]
    proposals: list[tuple[int, str]]
    session_tokens: dict[int, str]


@dataclass
class Voter:
    """A signed-in voter: the session cookie (kept up to date like a browser) and the form's CSRF token."""

    user_id: int
    cookie: str
    csrf: str = ""
    shown: str | None = None  # the slug of the proposal the page shows next
    statuses: list[int] = field(default_factory=list)


def seed_voting(database_url, *, users, proposals, tracks=4, slug="load"):
    """An event with voting open now, `proposals` submitted proposals and `users` voters; its VotingData."""
    app = create_app({"PODIUM_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        try:
            return _seed(users, proposals, tracks, slug)
        finally:
            db.session.remove()
            db.engine.dispose()


def _seed(users, proposals, tracks, slug):
    now, today = utcnow(), date.today()
    event = Event(name="Load Summit", slug=slug, starts_on=today + timedelta(days=60),
                  ends_on=today + timedelta(days=62), voting_opens_at=now - timedelta(days=1),
                  voting_closes_at=now + timedelta(days=2))
    rows = [Track(event=event, name=f"Track {n}", slug=f"track-{n}", position=n) for n in range(tracks)]
    voters = [User(name=f"Voter {n}", email=f"voter{n}@load.test", email_verified=True) for n in range(users)]
    talks = [Proposal(event=event, track=rows[n % tracks], title=f"Talk number {n}", slug=f"talk-{n}",
                      abstract=f"What talk {n} is about, in a sentence or two.",
                      state=ProposalState.SUBMITTED, submitted_at=now) for n in range(proposals)]
    db.session.add_all([event, *rows, *voters, *talks])
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))  # planner statistics, as autovacuum keeps them in production
        db.session.commit()
    tokens = {user.id: open_session(user) for user in voters}
    db.session.commit()
    return VotingData(slug, [user.id for user in voters], [(talk.id, talk.slug) for talk in talks], tokens)


def signed_session(user_id, session_token, csrf=False, secret_key=SECRET_KEY, user_agent=USER_AGENT, remote_addr=LOOPBACK):
    """(session cookie, CSRF form token or "") signing `user_id` in, as Flask-Login's login_user() leaves it.

    Made without a request to the server, with the server's key; `csrf` adds the token a page would hold.
    """
    app = _signing_app(secret_key)
    environ = {"REMOTE_ADDR": remote_addr}
    with app.test_request_context(environ_base=environ, headers={"User-Agent": user_agent}):
        session.update({"_user_id": str(user_id), "_fresh": True, SESSION_KEY: session_token,
                        "_id": login_manager._session_identifier_generator()})
        token = generate_csrf() if csrf else ""
        return app.session_interface.get_signing_serializer(app).dumps(dict(session)), token


_apps = {}


def _signing_app(secret_key):
    """A testing Podium app (no database touched) with the live server's key: the same session and CSRF."""
    if secret_key not in _apps:
        _apps[secret_key] = create_app({"PODIUM_ENV": "testing", "SECRET_KEY": secret_key})
    return _apps[secret_key]


def open_voting_page(base, event_slug, voter, timeout=30):
    """GET the voting page as the voter: keep the new cookie, the CSRF token and the proposal shown."""
    response = requests.get(f"{base}/events/{event_slug}/vote", headers=_headers(voter), timeout=timeout,
                            allow_redirects=False)
    _keep(voter, response)
    token = CSRF_INPUT.search(response.text) if response.status_code == 200 else None
    if token is None:
        raise AssertionError(f"voter {voter.user_id} got no vote form: {response.status_code} "
                             f"{response.text[:300]}")
    voter.csrf = token.group(1)
    shown = SHOWN.search(response.text)
    voter.shown = shown.group(1) if shown else None
    return response


def cast(base, event_slug, proposal_slug, choice, voter, timeout=30, keep=True):
    """POST a vote as static/js/vote.js does; the response (the voter's cookie follows it if `keep`)."""
    headers = {**_headers(voter), "Accept": "application/json", "X-Requested-With": "fetch"}
    data = {"csrf_token": voter.csrf, "return": "next", "choice": choice}
    response = requests.post(f"{base}/events/{event_slug}/vote/{proposal_slug}", data=data, headers=headers,
                             timeout=timeout, allow_redirects=False)
    if keep:
        _keep(voter, response)
    return response


def _headers(voter):
    return {"Cookie": f"{COOKIE_NAME}={voter.cookie}", "User-Agent": USER_AGENT}


def _keep(voter, response):
    voter.statuses.append(response.status_code)
    if response.cookies.get(COOKIE_NAME):
        voter.cookie = response.cookies[COOKIE_NAME]
