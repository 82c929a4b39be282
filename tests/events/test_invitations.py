"""Role invitations from the invited person's side, through the routes: the mailed link, accept, decline."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_event, make_organiser, make_track, make_user
from voting.db_types import utcnow
from voting.events.models import RoleInvitation, TrackChair
from voting.events.roles import add_chair, add_organiser
from voting.extensions import db
from voting.mail.models import OutboxMail
from voting.permissions import can_chair, can_manage_event

LINK = re.compile(r"https?://[^/\s]+(/invitations/\S+)")


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def invited(app):
    """Tokyo's organiser has invited kim@example.org to chair Storage; the path of the mailed link."""
    event = make_event(name="Tokyo Summit", slug="tokyo")
    track = make_track(event, name="Storage", slug="storage")
    organiser = make_organiser(event, make_user(name="Olive", email="olive@example.org", email_verified=True))
    add_chair(track=track, email="kim@example.org", user=organiser)
    db.session.commit()
    mail = db.session.scalar(select(OutboxMail).filter_by(to_address="kim@example.org", kind="role.invited"))
    return track, LINK.search(mail.body).group(1)


def test_the_verified_addressee_accepts_from_the_mailed_link(app, client, login, invited):
    track, link = invited
    kim = make_user(name="Kim", email="kim@example.org", email_verified=True)
    login(kim)
    page = text(client.get(link))
    assert "You are invited to become a chair of Storage (Tokyo Summit)" in page and "Accept" in page
    response = client.post(link + "/accept", follow_redirects=True)
    assert response.status_code == 200 and "You are now a chair of Storage (Tokyo Summit)." in text(response)
    assert can_chair(kim, track) and db.session.scalars(select(RoleInvitation)).all() == []
    assert client.get(link).status_code == 404, "a used link is dead"


def test_the_link_asks_anonymous_visitors_to_sign_in(client, invited):
    _, link = invited
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")


@pytest.mark.parametrize("email, verified, shown", [
    ("kim@example.org", False, "kim@example.org (not verified)"),
    ("other@example.org", True, "other@example.org"),
])
def test_anyone_but_the_verified_addressee_is_refused(app, client, login, invited, email, verified, shown):
    track, link = invited
    user = make_user(email=email, email_verified=verified)
    login(user)
    page = text(client.get(link))
    assert f"you are signed in as {shown}" in page and 'action="' + link + '/accept"' not in page
    for answer in ("accept", "decline"):
        response = client.post(f"{link}/{answer}")
        assert response.status_code == 403 and "This invitation was sent to kim@example.org" in text(response)
    assert not can_chair(user, track) and len(db.session.scalars(select(RoleInvitation)).all()) == 1


def test_declining_ends_the_invitation(app, client, login, invited):
    track, link = invited
    kim = make_user(email="kim@example.org", email_verified=True)
    login(kim)
    response = client.post(link + "/decline", follow_redirects=True)
    assert "You declined to become a chair of Storage (Tokyo Summit)." in text(response)
    assert not can_chair(kim, track) and db.session.scalars(select(RoleInvitation)).all() == []


def test_an_expired_invitation_cannot_be_accepted(app, client, login, invited):
    track, link = invited
    db.session.scalar(select(RoleInvitation)).expires_at = utcnow() - timedelta(minutes=1)
    kim = make_user(email="kim@example.org", email_verified=True)
    login(kim)
    assert "This invitation has expired" in text(client.get(link))
    response = client.post(link + "/accept")
    assert response.status_code == 403 and "expired" in text(response)
    assert db.session.scalars(select(TrackChair)).all() == []


def test_a_wrong_token_says_the_same_whatever_it_names(app, client, login, invited):
    _, link = invited
    login(make_user(email_verified=True))
    bodies = set()
    for path in ("/invitations/garbage", link[:-3] + "abc", "/invitations/" + "x" * 300):
        response = client.get(path)
        assert response.status_code == 404
        bodies.add(text(response))
        assert client.post(path + "/accept").status_code == 404
    assert len(bodies) == 1 and "Tokyo" not in bodies.pop()


def test_the_invitations_page_lists_what_waits_for_the_verified_address(app, client, login):
    event = make_event(name="Paris Summit", slug="paris")
    organiser = make_organiser(event)
    add_organiser(event=event, email="kim@example.org", user=organiser)
    db.session.commit()
    kim = make_user(email="kim@example.org", email_verified=True)
    login(kim)
    page = text(client.get("/invitations"))
    assert "An organiser of Paris Summit" in page
    token_path = re.search(r'action="(/invitations/[^"]+/accept)"', page).group(1)
    client.post(token_path)
    assert can_manage_event(kim, event)
    assert "No invitations are waiting for you." in text(client.get("/invitations"))


def test_an_unverified_address_sees_no_invitation(app, client, login):
    event = make_event(name="Paris Summit")
    add_organiser(event=event, email="kim@example.org", user=make_organiser(event))
    db.session.commit()
    login(make_user(email="kim@example.org"))
    page = text(client.get("/invitations"))
    assert "Paris Summit" not in page and "Your address is not verified" in page
