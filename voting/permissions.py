"""Who may do what: named predicates used by routes and templates alike."""
from sqlalchemy import exists, select

from voting.enums import ProposalState, SpeakerStatus, WindowState
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


def is_speaker(user, proposal):
    """A confirmed speaker of the proposal."""
    return is_signed_in(user) and any(
        s.user_id == user.id and s.status == SpeakerStatus.CONFIRMED for s in proposal.speakers
    )


def is_submitter(user, proposal):
    """The speaker who submitted the proposal (who manages its co-speakers)."""
    return is_signed_in(user) and bool(proposal.speakers) and proposal.speakers[0].user_id == user.id


def can_view_proposal(user, proposal):
    """Speakers always; chairs and organisers once submitted; everyone once voting has opened."""
    if is_speaker(user, proposal) or (proposal.state != ProposalState.DRAFT
                                      and can_manage_event(user, proposal.event)):
        return True
    if proposal.state in (ProposalState.DRAFT, ProposalState.WITHDRAWN):
        return False
    if can_chair(user, proposal.track):
        return True
    return proposal.event.window_state("voting") in (WindowState.OPEN, WindowState.CLOSED)
