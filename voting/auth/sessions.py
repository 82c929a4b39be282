"""Server-side sign-in sessions: the cookie names a session row, so signing out really ends it.

The signed cookie alone would stay valid for as long as its signature does; copied before sign-out,
it would keep working. Here the cookie carries a random secret, the database keeps its hash, and a
session is valid only while its row is open and young enough.
"""
import hashlib
import secrets
from datetime import datetime

from flask import current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from voting.auth.models import User, UserSession
from voting.db_types import utcnow
from voting.extensions import db

SESSION_KEY = "podium_sid"  # the key of the session secret inside Flask's signed cookie


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User, user_agent: str = "") -> str:
    """A new session row for `user`; the secret the cookie must carry to use it."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user=user, token_hash=_hash(token), user_agent=user_agent[:200]))
    db.session.flush()
    return token


def cookie_values(user: User, token: str) -> dict:
    """What Flask's session holds for a signed-in user (the shape Flask-Login's login_user leaves)."""
    return {"_user_id": str(user.id), "_fresh": True, SESSION_KEY: token}


def start_session(user: User) -> None:
    """Sign `user` in on this browser with a brand-new session: nothing of the old cookie survives."""
    next_path = session.get("podium_next")
    _end(session.get(SESSION_KEY))  # a session this browser had is over, not merely forgotten
    session.clear()
    if next_path:
        session["podium_next"] = next_path
    session[SESSION_KEY] = open_session(user, request.headers.get("User-Agent", ""))
    login_user(user)


def end_session(everywhere_for: User | None = None) -> int:
    """Sign out this browser, or every browser of `everywhere_for`; how many sessions were ended.

    The session rows are closed, so a copy of a cookie is refused too.
    """
    if everywhere_for is not None:
        count = _close(UserSession.user_id == everywhere_for.id)
    else:
        count = _end(session.get(SESSION_KEY))
    logout_user()
    session.clear()
    return count


def _end(token):
    return _close(UserSession.token_hash == _hash(token)) if token else 0


def _close(which):
    """End the open sessions `which` selects; how many there were."""
    return db.session.execute(update(UserSession).where(which, UserSession.ended_at.is_(None))
                              .values(ended_at=utcnow())).rowcount


def _oldest_valid() -> datetime:
    return utcnow() - current_app.permanent_session_lifetime


def load_session_user(user_id: str) -> User | None:
    """The user of this request's session, if its row is open and not past the session lifetime."""
    token = session.get(SESSION_KEY)
    if not token or not user_id.isascii() or not user_id.isdigit() or len(user_id) > 18:
        return None
    return db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(user_id), UserSession.token_hash == _hash(token),
               UserSession.ended_at.is_(None), UserSession.created_at > _oldest_valid())
    )


def open_sessions(user: User) -> list[UserSession]:
    """The user's sessions still open, newest first."""
    return db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                  UserSession.created_at > _oldest_valid())
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())
    ).all()


def is_current(user_session: UserSession) -> bool:
    """Whether `user_session` is the one of this browser."""
    token = session.get(SESSION_KEY)
    return bool(token) and user_session.token_hash == _hash(token)
