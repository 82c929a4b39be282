"""Reading and changing events and tracks."""
from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voting.events.models import WINDOWS, ActivityLog, Event, Organiser, RoleInvitation, TrackChair
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


def record_activity(*, event, user, action, details=""):
    """Add a line to the event's activity log: who did what."""
    entry = ActivityLog(event=event, user=user, action=action, details=details)
    db.session.add(entry)
    return entry


def grant_pending_roles(*, user):
    """Turn the role invitations waiting for the user's (verified) email into roles."""
    invitations = db.session.scalars(select(RoleInvitation).where(RoleInvitation.email == user.email)).all()
    for invitation in invitations:
        if invitation.role == "organiser":
            _ensure(Organiser, event_id=invitation.event_id, user_id=user.id)
            details = f"{user.email} became an organiser"
        else:
            _ensure(TrackChair, track_id=invitation.track_id, user_id=user.id)
            details = f"{user.email} became a chair of {invitation.track.name}"
        record_activity(event=invitation.event, user=user, action="role.accepted", details=details)
        db.session.delete(invitation)
    db.session.flush()
    return invitations


def _ensure(model, **keys):
    """The row with these keys, created if missing."""
    row = db.session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys)
        db.session.add(row)
    return row
