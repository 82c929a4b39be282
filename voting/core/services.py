"""The app's own health, and committing for a quick answer."""
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from voting.extensions import db


def database_is_up():
    """True when a trivial query succeeds."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError as exc:
        current_app.logger.warning("health check: database unreachable: %s", exc)
        db.session.rollback()
        return False


def commit_keeping_loaded():
    """Commit without expiring what the session has loaded, for an answer drawn right after the commit.

    Only for writes made through the session or followed by an explicit expire of what they changed:
    the objects are then still true, and drawing the answer need not load them all again.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
