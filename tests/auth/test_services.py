"""Finding, creating and linking users from a provider's profile."""
import pytest

from tests.factories import make_event, make_track, make_user
from voting.auth.services import (
    IdentityTaken, Profile, find_verified_user, link_identity, normalise_email, safe_next_path, sign_in,
)
from voting.extensions import db
from voting.models import Identity, Organiser, RoleInvitation, TrackChair, User


def profile(subject="s1", email="ann@example.test", verified=True, provider="idp", name="Ann"):
    return Profile(provider=provider, subject=subject, email=email, email_verified=verified, name=name)


def test_first_sign_in_creates_a_user_with_an_identity(app):
    user = sign_in(profile=profile())
    assert (user.name, user.email, user.email_verified) == ("Ann", "ann@example.test", True)
    assert [(i.provider, i.subject) for i in user.identities] == [("idp", "s1")]


def test_returning_identity_finds_the_same_user_even_if_email_changed(app):
    first = sign_in(profile=profile())
    again = sign_in(profile=profile(email="ann.new@example.test"))
    assert again.id == first.id
    assert db.session.query(User).count() == 1


def test_verified_email_links_a_new_identity_to_the_user_who_verified_it(app):
    existing = make_user(email="ann@example.test", email_verified=True)
    user = sign_in(profile=profile(provider="github", subject="99", email="ANN@example.test"))
    assert user.id == existing.id
    assert {i.provider for i in user.identities} == {"github"}


def test_unverified_email_never_links_nor_takes_the_address(app):
    existing = make_user(email="ann@example.test")
    user = sign_in(profile=profile(verified=False))
    assert user.id != existing.id
    assert user.email is None
    assert existing.identities == []


def test_unverified_new_address_is_kept_but_not_marked_verified(app):
    user = sign_in(profile=profile(email="new@example.test", verified=False))
    assert user.email == "new@example.test" and not user.email_verified


def test_link_identity_adds_a_provider_to_a_signed_in_user(app):
    user = sign_in(profile=profile())
    link_identity(user=user, profile=profile(provider="github", subject="gh-1", email="other@example.test"))
    assert {i.provider for i in user.identities} == {"idp", "github"}


def test_link_identity_refuses_an_identity_of_another_user(app):
    sign_in(profile=profile(subject="taken", email="x@example.test"))
    me = sign_in(profile=profile(subject="mine", email="me@example.test"))
    with pytest.raises(IdentityTaken):
        link_identity(user=me, profile=profile(subject="taken"))
    assert db.session.query(Identity).filter_by(user_id=me.id).count() == 1


def test_signing_in_grants_no_role_even_with_an_invitation_waiting(app):
    event = make_event()
    track = make_track(event=event)
    db.session.add_all([
        RoleInvitation(event=event, email="ann@example.test", role="organiser"),
        RoleInvitation(event=event, track=track, email="ann@example.test", role="track_chair"),
    ])
    sign_in(profile=profile())
    assert db.session.query(Organiser).count() == 0 and db.session.query(TrackChair).count() == 0
    assert db.session.query(RoleInvitation).count() == 2, "they wait for the person to accept"


def test_a_verified_sign_in_never_joins_the_account_that_claimed_the_address_unverified(app):
    squatter = sign_in(profile=profile(subject="attacker", verified=False))
    assert (squatter.email, squatter.email_verified) == ("ann@example.test", False)
    owner = sign_in(profile=profile(subject="the-real-ann"))
    assert owner.id != squatter.id
    assert (owner.email, owner.email_verified) == ("ann@example.test", True)
    assert squatter.email is None, "the unproved claim is given up to the owner"
    assert find_verified_user("ANN@example.test") == owner


def test_podium_admins_ignores_an_unverified_claim_and_the_squatter_never_becomes_admin(app):
    app.config["PODIUM_ADMINS"] = "boss@example.test"
    squatter = sign_in(profile=profile(subject="attacker", email="boss@example.test", verified=False))
    assert not squatter.is_admin
    boss = sign_in(profile=profile(subject="boss", email="boss@example.test"))
    assert boss.is_admin and boss.id != squatter.id
    assert not sign_in(profile=profile(subject="attacker", email="boss@example.test", verified=False)).is_admin


def test_a_later_verified_sign_in_verifies_the_address(app):
    user = sign_in(profile=profile(subject="one", verified=False))
    assert not user.email_verified
    again = link_identity(user=user, profile=profile(provider="google", subject="two"))
    assert again.user_id == user.id and user.email_verified and user.email == "ann@example.test"


def test_an_address_verified_elsewhere_is_not_taken_from_its_owner(app):
    owner = sign_in(profile=profile(subject="owner"))
    other = sign_in(profile=profile(subject="other", email="other@example.test"))
    link_identity(user=other, profile=profile(provider="google", subject="other-google"))
    assert owner.email == "ann@example.test" and other.email == "other@example.test"


def test_admins_named_in_configuration_become_admins_on_verified_sign_in(app):
    app.config["PODIUM_ADMINS"] = "boss@example.test, other@example.test"
    assert sign_in(profile=profile(subject="b", email="Boss@example.test")).is_admin
    assert not sign_in(profile=profile(subject="c", email="nobody@example.test")).is_admin


@pytest.mark.parametrize("target, expected", [
    ("/events/x?tab=1", "/events/x?tab=1"),
    ("/", "/"),
    ("https://evil.example/", None),
    ("//evil.example/x", None),
    ("/\\evil.example", None),
    ("javascript:alert(1)", None),
    ("http:/evil.example", None),
    ("/\tevil", None),
    ("", None),
    (None, None),
])
def test_safe_next_path_allows_only_paths_on_this_site(target, expected):
    assert safe_next_path(target) == expected


def test_an_address_the_provider_no_longer_reports_stops_being_verified(app):
    """Olive's provider now says home.test: corp.test no longer identifies her, and its next owner is
    somebody else."""
    olive = sign_in(profile=profile(subject="olive", email="olive@corp.test"))
    assert sign_in(profile=profile(subject="olive", email="olive@home.test")) == olive
    assert (olive.email, olive.email_verified) == ("olive@home.test", True)
    assert find_verified_user("olive@corp.test") is None
    successor = sign_in(profile=profile(provider="github", subject="new-owner", email="olive@corp.test"))
    assert successor != olive and successor.email_verified


def test_an_address_stays_verified_while_another_identity_vouches_for_it(app):
    olive = sign_in(profile=profile(subject="olive", email="olive@corp.test"))
    link_identity(user=olive, profile=profile(provider="github", subject="gh", email="olive@corp.test"))
    sign_in(profile=profile(subject="olive", email="olive@home.test"))
    assert (olive.email, olive.email_verified) == ("olive@corp.test", True)


@pytest.mark.parametrize("raw, stored", [
    ("  Ann@Example.TEST\t", "ann@example.test"),
    ("\u212aim@example.org", "\u212aim@example.org"),  # a Kelvin sign is not a K
    ("\u00a0kim@example.org", "\u00a0kim@example.org"),  # nor a no-break space nothing
])
def test_only_ascii_is_folded_in_an_address(raw, stored):
    assert normalise_email(raw) == stored


def test_a_look_alike_address_is_not_the_admin(app):
    app.config["PODIUM_ADMINS"] = "kim@example.org"
    assert not sign_in(profile=profile(subject="k", email="\u212aim@example.org")).is_admin
