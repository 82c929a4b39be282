"""Shaping data for the JSON API."""
from sqlalchemy import select

from voting.events.models import Event, Organiser, Track, TrackChair
from voting.extensions import db


def user_roles(user):
    """The user's roles: site admin, organiser of events, chair of tracks."""
    organiser_of = db.session.scalars(
        select(Event.slug).join(Organiser, Organiser.event_id == Event.id).where(Organiser.user_id == user.id)
    ).all()
    chairs = db.session.execute(
        select(Event.slug, Track.slug).join(Track, Track.event_id == Event.id)
        .join(TrackChair, TrackChair.track_id == Track.id).where(TrackChair.user_id == user.id)
    ).all()
    return {
        "admin": bool(user.is_admin),
        "organiser_of": sorted(organiser_of),
        "chair_of": [{"event": event, "track": track} for event, track in sorted(chairs)],
    }


def describe_user(user):
    """The signed-in user as the API shows them."""
    return {"id": user.id, "name": user.name, "email": user.email, "roles": user_roles(user)}
