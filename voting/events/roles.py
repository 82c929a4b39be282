"""Organisers, track chairs and invitations: giving and taking roles by email."""
from flask import abort, current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from voting.auth.models import User
from voting.auth.services import find_verified_user, normalise_email, verified_email
from voting.core.urls import external_url
from voting.db_types import utcnow
from voting.errors import NotFound, RuleViolation
from voting.events.models import ActivityLog, Event, Organiser, RoleInvitation, Track, TrackChair
from voting.events.services import record_activity
from voting.extensions import db
from voting.mail.services import queue_mail


def add_organiser(*, event: Event, email: str, user: User) -> RoleInvitation:
    """Invite the person with this email to become an organiser; they take the role by accepting."""
    email = normalise_email(email)
    person = find_verified_user(email)
    if person is not None and db.session.scalar(select(Organiser).filter_by(event_id=event.id,
                                                                            user_id=person.id)):
        raise RuleViolation(f"{email} is already an organiser.", field="email")
    return _invite(event=event, track=None, email=email, user=user)


def add_chair(*, track: Track, email: str, user: User) -> RoleInvitation:
    """Invite the person with this email to chair the track; they take the role by accepting."""
    email = normalise_email(email)
    person = find_verified_user(email)
    if person is not None and db.session.scalar(select(TrackChair).filter_by(track_id=track.id,
                                                                             user_id=person.id)):
        raise RuleViolation(f"{email} already chairs {track.name}.", field="email")
    return _invite(event=track.event, track=track, email=email, user=user)


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


def cancel_invitation(*, invitation: RoleInvitation, user: User) -> ActivityLog:
    """Withdraw a role offered to an email address: its link stops working."""
    db.session.delete(invitation)
    details = f"Withdrew the invitation of {invitation.email} to become {role_text(invitation)}"
    entry = record_activity(event=invitation.event, user=user, action="invitation.withdrawn", details=details)
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


def describe_grant(invitation: RoleInvitation) -> str:
    """What adding someone did, for a confirmation message."""
    return (f"Invited {invitation.email} to become {role_text(invitation)}. They take the role when they "
            f"accept, signed in with that verified address, by {invitation.expires_at:%d %B %Y}.")


def _invite(*, event, track, email, user):
    role = "organiser" if track is None else "track_chair"
    earlier = db.session.scalar(select(RoleInvitation).filter_by(event_id=event.id, email=email,
                                                                 track_id=track.id if track else None))
    if earlier is not None and not earlier.is_expired():
        raise RuleViolation(f"{email} is already invited.", field="email")
    if earlier is not None:
        db.session.delete(earlier)  # an expired invitation is sent again
        db.session.flush()
    invitation = RoleInvitation(event=event, track=track, email=email, role=role, invited_by=user)
    db.session.add(invitation)
    record_activity(event=event, user=user, action=f"{'chair' if track else 'organiser'}.invited",
                    details=f"Invited {email} to become {role_text(invitation)}")
    db.session.flush()
    _mail_invitation(invitation)
    return invitation


def role_text(invitation: RoleInvitation) -> str:
    """The role offered, in words: "an organiser of X" or "a chair of Y"."""
    if invitation.track is None:
        return f"an organiser of {invitation.event.name}"
    return f"a chair of {invitation.track.name} ({invitation.event.name})"


def _event_id(row):
    return row.track.event_id if isinstance(row, TrackChair) else row.event_id


# Invitations: the mailed link, and accepting or declining it.

def invitation_token(invitation: RoleInvitation) -> str:
    """A signed token naming one invitation and its address."""
    return _serializer().dumps({"invitation": invitation.id, "email": invitation.email,
                                "sent": invitation.created_at.isoformat()})


def invitation_for_token(token: str, *, for_update: bool = False) -> RoleInvitation:
    """The pending invitation a mailed token names; NotFound if it is forged, withdrawn or used.

    Every refusal says the same, so a guessed token tells nothing about any event or address. The
    token also names when the invitation was sent: a later invitation reusing the id is another one.
    `for_update` locks the row, so two answers to one invitation cannot both be taken.
    """
    try:
        data = _serializer().loads(token)
    except BadSignature:
        data = None
    invitation = None
    if isinstance(data, dict) and isinstance(data.get("invitation"), int):
        query = select(RoleInvitation).where(RoleInvitation.id == data["invitation"])
        invitation = db.session.scalar(query.with_for_update() if for_update else query)
    if invitation is None or invitation.email != data.get("email") or \
            invitation.created_at.isoformat() != data.get("sent"):
        raise NotFound("This invitation link is not valid: it may have been withdrawn or used already.")
    return invitation


def invitation_addressee_problem(invitation: RoleInvitation, user: User) -> str | None:
    """Why `user` may not answer the invitation, or None: only its verified addressee may."""
    if invitation.is_expired():
        return "This invitation has expired. Ask the organisers to invite you again."
    if verified_email(user) != invitation.email:
        shown = user.email or "an account with no email"
        if user.email and not user.email_verified:
            shown += " (not verified)"
        return (f"This invitation was sent to {invitation.email}, and you are signed in as {shown}. "
                f"Sign in with an account whose provider has verified {invitation.email} to answer it.")
    return None


def _check_addressee(invitation, user):
    problem = invitation_addressee_problem(invitation, user)
    if problem:
        raise RuleViolation(problem)


def accept_invitation(*, invitation: RoleInvitation, user: User) -> ActivityLog:
    """`user`, signed in with the invited verified address, takes the role offered."""
    _check_addressee(invitation, user)
    if invitation.role == "organiser":
        _ensure(Organiser, event_id=invitation.event_id, user_id=user.id)
    else:
        _ensure(TrackChair, track_id=invitation.track_id, user_id=user.id)
    entry = record_activity(event=invitation.event, user=user, action="invitation.accepted",
                            details=f"{user.email} accepted to become {role_text(invitation)}")
    db.session.delete(invitation)
    db.session.flush()
    return entry


def decline_invitation(*, invitation: RoleInvitation, user: User) -> ActivityLog:
    """The invited person says no; the invitation is gone."""
    _check_addressee(invitation, user)
    entry = record_activity(event=invitation.event, user=user, action="invitation.declined",
                            details=f"{user.email} declined to become {role_text(invitation)}")
    db.session.delete(invitation)
    db.session.flush()
    return entry


def invitations_for(user: User) -> list[RoleInvitation]:
    """Pending, unexpired invitations addressed to the user's verified email."""
    email = verified_email(user)
    if email is None:
        return []
    return db.session.scalars(
        select(RoleInvitation).where(RoleInvitation.email == email, RoleInvitation.expires_at > utcnow())
        .order_by(RoleInvitation.created_at, RoleInvitation.id)
    ).all()


def _ensure(model, **keys):
    """The row with these keys, created if missing."""
    row = db.session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys)
        db.session.add(row)
    return row


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="podium.role-invitation")


def _mail_invitation(invitation):
    link = external_url("invitations.show", token=invitation_token(invitation))
    role = role_text(invitation)
    body = render_template("emails/role.invited.txt", invitation=invitation, role=role, link=link)
    queue_mail(to=invitation.email, subject=f"You are invited to become {role}", body=body,
               kind="role.invited")
