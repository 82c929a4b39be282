"""Reading and changing events and tracks."""
from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voting.events.models import WINDOWS, Event
from voting.extensions import db

WINDOW_LABELS = {"cfp": "Call for proposals", "voting": "Community voting", "review": "Track chair review"}


def list_events():
    """Every event, most recent first."""
    return db.session.scalars(select(Event).order_by(Event.starts_on.desc())).all()


def get_event_or_404(slug):
    """The event with this slug, its tracks loaded, or a 404."""
    event = db.session.scalar(select(Event).where(Event.slug == slug).options(selectinload(Event.tracks)))
    if event is None:
        abort(404, description=f"No event is called {slug!r}.")
    return event


def event_windows(event, now=None):
    """The event's three windows as (label, opens, closes, state) rows, in flow order."""
    return [(WINDOW_LABELS[name], *event.window(name), event.window_state(name, now)) for name in WINDOWS]
