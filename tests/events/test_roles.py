"""Giving and taking roles by email, invitations, and the last organiser."""
from functools import partial

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from tests.factories import make_chair, make_event, make_organiser, make_track, make_user
from voting.auth.services import Profile, sign_in
from voting.events.models import ActivityLog, Organiser, RoleInvitation, TrackChair
from voting.events.roles import (
    add_chair, add_organiser, cancel_invitation, describe_grant, list_people, remove_organiser, remove_role,
)
from voting.errors import RuleViolation
from voting.events.services import grant_pending_roles
from voting.extensions import db
from voting.permissions import can_chair, can_manage_event


def log(event):
    return [(e.action, e.details) for e in db.session.scalars(
        select(ActivityLog).filter_by(event_id=event.id).order_by(ActivityLog.id))]


def test_an_existing_user_becomes_organiser_at_once_whatever_the_case_of_the_email(app):
    event, organiser = make_event(), make_user()
    person = make_user(email="kim@example.org")
    row = add_organiser(event=event, email="  Kim@Example.ORG ", user=organiser)
    assert isinstance(row, Organiser) and can_manage_event(person, event)
    assert describe_grant(row) == "kim@example.org is now an organiser."
    assert log(event) == [("organiser.added", "kim@example.org became an organiser")]


def test_an_unknown_email_is_invited_and_gets_the_role_at_first_sign_in(app):
    event, organiser = make_event(), make_user()
    track = make_track(event, name="Storage")
    add_organiser(event=event, email="New@Example.org", user=organiser)
    invitation = add_chair(track=track, email="new@example.org", user=organiser)
    assert invitation.role == "track_chair" and invitation.invited_by_id == organiser.id
    assert "become a chair of Storage when they first sign in" in describe_grant(invitation)
    person = sign_in(profile=Profile("github", "42", "NEW@example.org", True, "Nia"))
    assert can_manage_event(person, event) and can_chair(person, track)
    assert db.session.scalars(select(RoleInvitation)).all() == []
    assert [action for action, _ in log(event)] == [
        "organiser.invited", "chair.invited", "role.accepted", "role.accepted"]


def test_an_unverified_sign_in_does_not_claim_invitations(app):
    event = make_event()
    add_organiser(event=event, email="new@example.org", user=make_user())
    person = sign_in(profile=Profile("github", "43", "new@example.org", False, "Nia"))
    assert not can_manage_event(person, event)
    assert grant_pending_roles(user=make_user(email="other@example.org")) == []
    assert len(db.session.scalars(select(RoleInvitation)).all()) == 1


@pytest.mark.parametrize("role", ["organiser", "chair"])
@pytest.mark.parametrize("email", ["kim@example.org", "ivy@example.org"], ids=["user", "invitation"])
def test_adding_someone_twice_is_refused(app, role, email):
    track, organiser = make_track(), make_user()
    make_user(email="kim@example.org")
    add = partial(add_organiser, event=track.event)
    if role == "chair":
        add = partial(add_chair, track=track)
    add(email=email, user=organiser)
    with pytest.raises(RuleViolation) as caught:
        add(email=email.upper(), user=organiser)
    assert list(caught.value.errors) == ["email"]


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
        ("invitation.cancelled", "Cancelled the invitation of ivy@example.org to become an organiser"),
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
