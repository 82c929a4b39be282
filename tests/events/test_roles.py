"""Giving and taking roles by email, invitations, and the last organiser."""
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from tests.factories import make_chair, make_event, make_organiser, make_track, make_user
from voting.auth.services import Profile, sign_in
from voting.db_types import utcnow
from voting.errors import NotFound as DomainNotFound
from voting.errors import RuleViolation
from voting.events.models import ActivityLog, Organiser, RoleInvitation, TrackChair
from voting.events.roles import (
    accept_invitation, add_chair, add_organiser, cancel_invitation, decline_invitation, describe_grant,
    invitation_addressee_problem, invitation_for_token, invitation_token, invitations_for, list_people,
    remove_organiser, remove_role,
)
from voting.mail.models import OutboxMail
from voting.extensions import db
from voting.permissions import can_chair, can_manage_event


def log(event):
    return [(e.action, e.details) for e in db.session.scalars(
        select(ActivityLog).filter_by(event_id=event.id).order_by(ActivityLog.id))]


def test_adding_an_organiser_invites_them_by_mail_even_with_an_account(app):
    event, organiser = make_event(name="Tokyo"), make_user(name="Olive")
    person = make_user(email="kim@example.org", email_verified=True)
    invitation = add_organiser(event=event, email="  Kim@Example.ORG ", user=organiser)
    assert isinstance(invitation, RoleInvitation) and invitation.email == "kim@example.org"
    assert not can_manage_event(person, event), "the role waits for their answer"
    assert describe_grant(invitation).startswith("Invited kim@example.org to become an organiser of Tokyo.")
    assert log(event) == [("organiser.invited", "Invited kim@example.org to become an organiser of Tokyo")]
    mail = db.session.scalar(select(OutboxMail).filter_by(kind="role.invited"))
    assert mail.to_address == "kim@example.org" and "Olive invites you to become an organiser of Tokyo" in mail.body
    assert "/invitations/" + invitation_token(invitation) in mail.body


def test_the_verified_addressee_takes_the_role_by_accepting(app):
    event, organiser = make_event(name="Tokyo"), make_user()
    track = make_track(event, name="Storage")
    chair_invitation = add_chair(track=track, email="new@example.org", user=organiser)
    assert chair_invitation.role == "track_chair" and chair_invitation.invited_by_id == organiser.id
    person = sign_in(profile=Profile("github", "42", "NEW@example.org", True, "Nia"))
    assert not can_chair(person, track), "signing in alone grants nothing"
    assert invitations_for(person) == [chair_invitation]
    accept_invitation(invitation=chair_invitation, user=person)
    assert can_chair(person, track) and db.session.scalars(select(RoleInvitation)).all() == []
    assert log(event)[-1] == ("invitation.accepted", "new@example.org accepted to become a chair of Storage (Tokyo)")


def test_an_unverified_or_other_address_cannot_answer(app):
    event = make_event()
    invitation = add_organiser(event=event, email="new@example.org", user=make_user())
    claimant = sign_in(profile=Profile("github", "43", "new@example.org", False, "Nia"))
    assert claimant.email == "new@example.org" and not claimant.email_verified
    assert invitations_for(claimant) == []
    other = make_user(email="other@example.org", email_verified=True)
    for user in (claimant, other):
        for answer in (accept_invitation, decline_invitation):
            with pytest.raises(RuleViolation) as caught:
                answer(invitation=invitation, user=user)
            assert "was sent to new@example.org" in str(caught.value)
    assert "(not verified)" in invitation_addressee_problem(invitation, claimant)
    assert not can_manage_event(claimant, event)
    assert len(db.session.scalars(select(RoleInvitation)).all()) == 1


def test_an_expired_invitation_cannot_be_accepted_and_can_be_sent_again(app):
    event, organiser = make_event(), make_user()
    person = make_user(email="kim@example.org", email_verified=True)
    invitation = add_organiser(event=event, email="kim@example.org", user=organiser)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    assert invitations_for(person) == []
    with pytest.raises(RuleViolation, match="expired"):
        accept_invitation(invitation=invitation, user=person)
    again = add_organiser(event=event, email="kim@example.org", user=organiser)
    assert not again.is_expired() and db.session.scalars(select(RoleInvitation)).all() == [again]


def test_declining_removes_the_invitation(app):
    event = make_event(name="Tokyo")
    person = make_user(email="kim@example.org", email_verified=True)
    invitation = add_organiser(event=event, email="kim@example.org", user=make_user())
    decline_invitation(invitation=invitation, user=person)
    assert not can_manage_event(person, event) and db.session.scalars(select(RoleInvitation)).all() == []
    assert log(event)[-1] == ("invitation.declined", "kim@example.org declined to become an organiser of Tokyo")


@pytest.mark.parametrize("token", ["", "garbage", "eyJpbnZpdGF0aW9uIjoxfQ.bad"])
def test_a_forged_token_names_no_invitation(app, token):
    add_organiser(event=make_event(), email="kim@example.org", user=make_user())
    with pytest.raises(DomainNotFound):
        invitation_for_token(token)


def test_a_withdrawn_invitations_token_is_dead(app):
    event = make_event()
    organiser = make_organiser(event)
    invitation = add_organiser(event=event, email="kim@example.org", user=organiser)
    token = invitation_token(invitation)
    assert invitation_for_token(token) == invitation
    cancel_invitation(invitation=invitation, user=organiser)
    with pytest.raises(DomainNotFound):
        invitation_for_token(token)


@pytest.mark.parametrize("role", ["organiser", "chair"])
@pytest.mark.parametrize("email", ["kim@example.org", "ivy@example.org"], ids=["user", "invitation"])
def test_adding_someone_twice_is_refused(app, role, email):
    track, organiser = make_track(), make_user()
    make_user(email="kim@example.org", email_verified=True)
    add = partial(add_organiser, event=track.event)
    if role == "chair":
        add = partial(add_chair, track=track)
    add(email=email, user=organiser)
    with pytest.raises(RuleViolation) as caught:
        add(email=email.upper(), user=organiser)
    assert list(caught.value.errors) == ["email"]


def test_inviting_someone_who_has_the_role_is_refused(app):
    event = make_event()
    track = make_track(event, name="Storage")
    kim = make_user(email="kim@example.org", email_verified=True)
    make_organiser(event, kim)
    make_chair(track, kim)
    with pytest.raises(RuleViolation, match="already an organiser"):
        add_organiser(event=event, email="kim@example.org", user=kim)
    with pytest.raises(RuleViolation, match="already chairs Storage"):
        add_chair(track=track, email="kim@example.org", user=kim)


def test_the_last_organiser_cannot_be_removed(app):
    event = make_event()
    only = make_organiser(event, make_user(email="olive@example.org"))
    row = db.session.scalar(select(Organiser).filter_by(user_id=only.id))
    with pytest.raises(RuleViolation) as caught:
        remove_organiser(organiser=row, user=only)
    assert "last organiser" in str(caught.value)
    assert can_manage_event(only, event) and log(event) == []


def test_removing_roles_and_cancelling_invitations_is_logged(app):
    event = make_event()
    track = make_track(event, name="Storage")
    first, second = make_organiser(event), make_organiser(event, make_user(email="sam@example.org"))
    chair = make_chair(track, make_user(email="chad@example.org"))
    invitation = add_organiser(event=event, email="ivy@example.org", user=first)
    ids = {kind: db.session.scalar(select(model.id).filter_by(user_id=user.id))
           for kind, model, user in (("organisers", Organiser, second), ("chairs", TrackChair, chair))}
    for kind, role_id in (*ids.items(), ("invitations", invitation.id)):
        remove_role(event=event, kind=kind, role_id=role_id, user=first)
    assert not can_manage_event(second, event) and not can_chair(chair, track)
    assert log(event)[1:] == [
        ("organiser.removed", "sam@example.org is no longer an organiser"),
        ("chair.removed", "chad@example.org no longer chairs Storage"),
        ("invitation.withdrawn", f"Withdrew the invitation of ivy@example.org to become an organiser of {event.name}"),
    ]


def test_remove_role_only_reaches_the_events_own_rows(app):
    event, other = make_event(), make_event()
    make_organiser(event)
    stranger = make_organiser(other)
    row = db.session.scalar(select(Organiser).filter_by(user_id=stranger.id))
    with pytest.raises(NotFound):
        remove_role(event=event, kind="organisers", role_id=row.id, user=make_user())
    with pytest.raises(NotFound):
        remove_role(event=event, kind="invitations", role_id=999, user=make_user())


def test_list_people_and_cancel_invitation(app):
    event = make_event()
    organiser = make_organiser(event)
    invitation = add_organiser(event=event, email="ivy@example.org", user=organiser)
    organisers, invitations = list_people(event)
    assert [o.user for o in organisers] == [organiser] and invitations == [invitation]
    cancel_invitation(invitation=invitation, user=organiser)
    assert list_people(event)[1] == []


def test_a_token_names_one_invitation_even_when_its_id_is_reused(app):
    event = make_event()
    organiser = make_organiser(event)
    first = add_organiser(event=event, email="kim@example.org", user=organiser)
    old_token = invitation_token(first)
    cancel_invitation(invitation=first, user=organiser)
    again = add_chair(track=make_track(event), email="kim@example.org", user=organiser)
    again.id = first.id if again.id != first.id else again.id  # SQLite hands a deleted id out again
    db.session.flush()
    with pytest.raises(DomainNotFound):
        invitation_for_token(old_token)
    assert invitation_for_token(invitation_token(again)) == again
