"""Who may do what: named predicates used by routes and templates alike."""
from sqlalchemy import exists, select

from voting.events.models import Organiser, Track, TrackChair
from voting.extensions import db


def is_signed_in(user):
    """A real, signed-in user (not Flask-Login's anonymous user)."""
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_admin(user):
    """A site admin: may manage every event."""
    return is_signed_in(user) and bool(user.is_admin)


def can_create_event(user):
    """Only site admins create events."""
    return is_admin(user)


def can_manage_event(user, event):
    """Organisers of the event, and site admins, may change everything about it."""
    if not is_signed_in(user) or event is None:
        return False
    return is_admin(user) or _exists(Organiser.event_id == event.id, Organiser.user_id == user.id)


def can_chair(user, track):
    """Chairs of the track, and whoever manages its event, may review its proposals."""
    if not is_signed_in(user) or track is None:
        return False
    if can_manage_event(user, track.event):
        return True
    return _exists(TrackChair.track_id == track.id, TrackChair.user_id == user.id)


def is_chair_in_event(user, event):
    """Whether the user chairs at least one track of the event."""
    if not is_signed_in(user):
        return False
    return _exists(TrackChair.user_id == user.id, TrackChair.track_id == Track.id, Track.event_id == event.id)


def _exists(*conditions):
    return bool(db.session.scalar(select(exists().where(*conditions))))
