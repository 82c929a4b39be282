"""Organisers, track chairs and invitations: giving and taking roles by email."""
from flask import abort
from sqlalchemy import func, select

from voting.auth.services import find_user_by_email, normalise_email
from voting.events.models import Organiser, RoleInvitation, TrackChair
from voting.errors import RuleViolation
from voting.events.services import record_activity
from voting.extensions import db


def add_organiser(*, event, email, user):
    """Make the person with this email an organiser now, or invite them if they have no account."""
    email = normalise_email(email)
    person = find_user_by_email(email)
    if person is None:
        return _invite(event=event, track=None, email=email, user=user)
    if db.session.scalar(select(Organiser).filter_by(event_id=event.id, user_id=person.id)):
        raise RuleViolation(f"{email} is already an organiser.", field="email")
    organiser = Organiser(event=event, user=person)
    db.session.add(organiser)
    record_activity(event=event, user=user, action="organiser.added", details=f"{email} became an organiser")
    db.session.flush()
    return organiser


def add_chair(*, track, email, user):
    """Make the person with this email a chair of the track now, or invite them."""
    email = normalise_email(email)
    person = find_user_by_email(email)
    if person is None:
        return _invite(event=track.event, track=track, email=email, user=user)
    if db.session.scalar(select(TrackChair).filter_by(track_id=track.id, user_id=person.id)):
        raise RuleViolation(f"{email} already chairs {track.name}.", field="email")
    chair = TrackChair(track=track, user=person)
    db.session.add(chair)
    record_activity(event=track.event, user=user, action="chair.added",
                    details=f"{email} became a chair of {track.name}")
    db.session.flush()
    return chair


def remove_organiser(*, organiser, user):
    """Take the organiser role away; an event always keeps at least one organiser."""
    event = organiser.event
    if db.session.scalar(select(func.count()).where(Organiser.event_id == event.id)) <= 1:
        raise RuleViolation(errors={None: f"{organiser.user.email} is the last organiser of {event.name}: "
                                   "add another organiser before removing them."})
    db.session.delete(organiser)
    entry = record_activity(event=event, user=user, action="organiser.removed",
                            details=f"{organiser.user.email} is no longer an organiser")
    db.session.flush()
    return entry


def remove_chair(*, chair, user):
    """Take a track chair role away."""
    db.session.delete(chair)
    entry = record_activity(event=chair.track.event, user=user, action="chair.removed",
                            details=f"{chair.user.email} no longer chairs {chair.track.name}")
    db.session.flush()
    return entry


def cancel_invitation(*, invitation, user):
    """Withdraw a role promised to an email address."""
    db.session.delete(invitation)
    details = f"Cancelled the invitation of {invitation.email} to become {_role_text(invitation)}"
    entry = record_activity(event=invitation.event, user=user, action="invitation.cancelled", details=details)
    db.session.flush()
    return entry


ROLE_KINDS = {
    "organisers": (Organiser, remove_organiser, "organiser"),
    "chairs": (TrackChair, remove_chair, "chair"),
    "invitations": (RoleInvitation, cancel_invitation, "invitation"),
}


def remove_role(*, event, kind, role_id, user):
    """Remove the event's organiser, chair or invitation `role_id` (else a 404); the activity entry."""
    model, remove, argument = ROLE_KINDS[kind]
    row = db.session.get(model, role_id)
    if row is None or _event_id(row) != event.id:
        abort(404, description=f"{event.name} has no such {argument}.")
    return remove(**{argument: row, "user": user})


def list_people(event):
    """The event's organisers and its pending invitations (chairs are read from each track)."""
    organisers = db.session.scalars(
        select(Organiser).where(Organiser.event_id == event.id).order_by(Organiser.created_at, Organiser.id)
    ).all()
    invitations = db.session.scalars(
        select(RoleInvitation).where(RoleInvitation.event_id == event.id)
        .order_by(RoleInvitation.created_at, RoleInvitation.id)
    ).all()
    return organisers, invitations


def describe_grant(row):
    """What adding someone did, for a confirmation message."""
    if isinstance(row, RoleInvitation):
        return (f"{row.email} has no account yet: they become {_role_text(row)} "
                "when they first sign in with that address.")
    if isinstance(row, Organiser):
        return f"{row.user.email} is now an organiser."
    return f"{row.user.email} now chairs {row.track.name}."


def _invite(*, event, track, email, user):
    role = "organiser" if track is None else "track_chair"
    query = select(RoleInvitation).filter_by(event_id=event.id, email=email, role=role,
                                             track_id=track.id if track else None)
    if db.session.scalar(query) is not None:
        raise RuleViolation(f"{email} is already invited.", field="email")
    invitation = RoleInvitation(event=event, track=track, email=email, role=role, invited_by_id=user.id)
    db.session.add(invitation)
    record_activity(event=event, user=user, action=f"{'chair' if track else 'organiser'}.invited",
                    details=f"Invited {email} to become {_role_text(invitation)}")
    db.session.flush()
    return invitation


def _role_text(invitation):
    return "an organiser" if invitation.track is None else f"a chair of {invitation.track.name}"


def _event_id(row):
    return row.track.event_id if isinstance(row, TrackChair) else row.event_id
