"""The organiser's console over HTTP: forms, time zones, reordering, people and the activity log."""
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import make_app, sign_in
from tests.events import event_form, track_form
from tests.factories import make_event, make_organiser, make_user
from voting.events.models import ActivityLog, Event, Organiser, RoleInvitation
from voting.extensions import db
from voting.mail.models import OutboxMail
from voting.permissions import can_manage_event

CONSOLE = "/events/tokyo/manage"


def text(response):
    return response.get_data(as_text=True)


def test_an_admin_creates_an_event_with_times_in_its_own_zone(scene, login):
    client = login(scene.admin)
    response = client.post("/events/new", data=event_form())
    assert response.status_code == 302 and response.headers["Location"] == "/events/osaka/manage"
    event = db.session.scalar(select(Event).filter_by(slug="osaka"))
    assert event.cfp_opens_at == datetime(2031, 1, 5, 0, 0, tzinfo=UTC)
    assert db.session.scalar(select(Organiser).filter_by(event_id=event.id)).user_id == scene.admin.id
    page = text(client.get("/events/osaka/manage"))
    assert 'value="2031-01-05T09:00"' in page and "is created" in page


def test_the_settings_page_shows_and_saves_times_in_the_events_zone(scene, login):
    client = login(scene.organiser)
    response = client.post(CONSOLE, data=event_form(slug="tokyo", timezone="Europe/Paris"))
    assert response.status_code == 302
    db.session.expire_all()
    assert scene.event.cfp_opens_at == datetime(2031, 1, 5, 8, 0, tzinfo=UTC)
    page = text(client.get(CONSOLE))
    assert 'value="2031-01-05T09:00"' in page and "The settings are saved." in page
    assert '<option selected value="Europe/Paris">' in page


@pytest.mark.parametrize("overrides, message", [
    ({"cfp_closes_at": "2031-01-05T08:00"}, "must close after it opens"),
    ({"review_opens_at": "2031-01-01T09:00"}, "must open after the call for proposals opens"),
    ({"voting_closes_at": ""}, "or neither"),
    ({"ends_on": "2031-05-01"}, "cannot end before it starts"),
    ({"slug": "Tokyo 2031"}, "lower-case letters"),
    ({"slug": "paris"}, "already taken"),
    ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list."),
    ({"max_proposals_per_speaker": "0"}, "from 1 to 100"),
    ({"max_speakers_per_proposal": "lots"}, "Not a valid integer value."),
    ({"weight_love": "11"}, "from -10 to 10"),
    ({"starts_on": "tomorrow"}, "Not a valid date value."),
    ({"voting_opens_at": "soon"}, "Not a valid datetime value."),
    ({"name": "x" * 201}, "cannot be longer than 200 characters"),
])
def test_refused_settings_are_shown_on_the_form_with_what_was_typed(scene, login, overrides, message):
    typed = {"slug": "tokyo", "name": "Tokyo Renamed", **overrides}
    response = login(scene.organiser).post(CONSOLE, data=event_form(**typed))
    page = text(response)
    assert response.status_code == 400
    assert message in page and 'role="alert"' in page
    assert all(f'value="{value}"' in page for name, value in typed.items() if name != "timezone")
    db.session.expire_all()
    assert scene.event.name == "Tokyo Summit"
    assert db.session.scalars(select(ActivityLog)).all() == []


def test_a_refused_new_event_is_a_400_and_creates_nothing(scene, login):
    response = login(scene.admin).post("/events/new", data=event_form(slug="new"))
    assert response.status_code == 400 and "already taken" in text(response)
    assert db.session.scalar(select(Event).filter_by(name="Osaka Summit")) is None


def test_tracks_are_added_edited_and_refused_with_messages(scene, login):
    client = login(scene.organiser)
    assert client.post(f"{CONSOLE}/tracks/new", data=track_form()).status_code == 302
    response = client.post(f"{CONSOLE}/tracks/new", data=track_form(name="Other", slug="storage"))
    assert response.status_code == 400 and "already taken" in text(response)
    response = client.post(f"{CONSOLE}/tracks/edge", data=track_form(session_count="-1"))
    assert response.status_code == 400 and "from 0 to 1000" in text(response)
    client.post(f"{CONSOLE}/tracks/edge", data=track_form(name="Edge computing", slug="edge-computing"))
    page = text(client.get(f"{CONSOLE}/tracks"))
    assert "The track Edge computing is saved." in page
    rows = page.split("<tbody>")[1]
    assert rows.index("Storage") < rows.index("Networking") < rows.index("Edge computing")


def test_tracks_move_up_and_down_without_javascript(scene, login):
    client = login(scene.organiser)
    page = text(client.get(f"{CONSOLE}/tracks"))
    assert 'aria-label="Move Storage up" disabled' in page
    assert 'aria-label="Move Networking down" disabled' in page
    response = client.post(f"{CONSOLE}/tracks/networking/move", data={"direction": "up"})
    assert response.headers["Location"] == f"{CONSOLE}/tracks"
    rows = text(client.get(f"{CONSOLE}/tracks")).split("<tbody>")[1]
    assert rows.index("Networking") < rows.index("Storage")
    assert client.post(f"{CONSOLE}/tracks/storage/move", data={"direction": "left"}).status_code == 400


@pytest.mark.parametrize("path", ["/events/nowhere/manage", "/events/nowhere/manage/people",
                                  f"{CONSOLE}/tracks/nowhere", f"{CONSOLE}/activity?page=5"])
def test_unknown_objects_are_404(scene, login, path):
    assert login(scene.organiser).get(path).status_code == 404


def test_roles_of_another_event_cannot_be_removed_through_this_one(scene, login):
    row = db.session.scalar(select(Organiser).filter_by(user_id=scene.other_organiser.id))
    response = login(scene.organiser).post(f"{CONSOLE}/people/organisers/{row.id}/remove")
    assert response.status_code == 404
    assert db.session.get(Organiser, row.id) is not None


def test_the_people_page_lists_roles_and_adds_people_by_email(scene, login):
    client = login(scene.organiser)
    page = text(client.get(f"{CONSOLE}/people"))
    people = ("Olive Organiser", "Cora Organiser", "Chad Chair", "ivy@example.org")
    assert all(name in page for name in people)
    response = client.post(f"{CONSOLE}/people/organisers", data={"organiser-email": "Uma@example.org"},
                           follow_redirects=True)
    assert "Invited uma@example.org to become an organiser of Tokyo Summit." in text(response)
    assert not can_manage_event(scene.user, scene.event), "Uma has an account, yet the role waits for her answer"
    response = client.post(f"{CONSOLE}/people/chairs", follow_redirects=True,
                           data={"chair-email": "zed@example.org", "chair-track": scene.networking.id})
    assert "Invited zed@example.org to become a chair of Networking (Tokyo Summit)." in text(response)
    invitation = db.session.scalar(select(RoleInvitation).filter_by(email="zed@example.org"))
    assert invitation.track_id == scene.networking.id
    assert {"uma@example.org", "zed@example.org"} <= set(
        db.session.scalars(select(OutboxMail.to_address).filter_by(kind="role.invited")))
    page = text(client.get(f"{CONSOLE}/people"))
    assert "zed@example.org" in page and "by Olive Organiser" in page


@pytest.mark.parametrize("data, message", [
    ({"organiser-email": "not an email"}, "Enter an email address"),
    ({"organiser-email": "chad@example.org "}, "chad@example.org is already an organiser."),
])
def test_a_refused_organiser_is_shown_on_its_form(scene, login, data, message):
    make_organiser(scene.event, scene.chair)
    response = login(scene.organiser).post(f"{CONSOLE}/people/organisers", data=data)
    assert response.status_code == 400 and message in text(response)


def test_a_chair_needs_a_track_of_this_event(scene, login):
    data = {"chair-email": "zed@example.org", "chair-track": make_event().id}
    response = login(scene.organiser).post(f"{CONSOLE}/people/chairs", data=data)
    assert response.status_code == 400 and "Not a valid choice" in text(response)


def test_the_last_organiser_stays_with_a_clear_message(app, login):
    event = make_event(slug="solo")
    only = make_organiser(event)
    row = db.session.scalar(select(Organiser).filter_by(user_id=only.id))
    path = f"/events/solo/manage/people/organisers/{row.id}/remove"
    response = login(only).post(path, follow_redirects=True)
    assert "is the last organiser of" in text(response)
    assert db.session.get(Organiser, row.id) is not None


def test_an_organiser_who_removes_themselves_goes_back_to_the_event_page(scene, login):
    row = db.session.scalar(select(Organiser).filter_by(user_id=scene.organiser.id))
    response = login(scene.organiser).post(f"{CONSOLE}/people/organisers/{row.id}/remove")
    assert response.headers["Location"] == "/events/tokyo"


def test_the_activity_log_shows_who_did_what_when_in_the_events_zone(scene, login):
    for n in range(30):
        db.session.add(ActivityLog(event=scene.event, user=scene.organiser, action="event.updated",
                                   details=f"change {n}",
                                   created_at=datetime(2031, 1, 1, n % 24, tzinfo=UTC)))
    db.session.add(ActivityLog(event=scene.paris, user=scene.admin, action="event.updated",
                               details="in Paris"))
    client = login(scene.organiser)
    page = text(client.get(f"{CONSOLE}/activity"))
    assert page.index("change 29") < page.index("change 28")
    assert "Wed 01 Jan 2031, 14:00 JST" in page and "Olive Organiser" in page
    assert "in Paris" not in page and "change 0<" not in page and "Page 1 of 2" in page
    assert "change 0<" in text(client.get(f"{CONSOLE}/activity?page=2"))


@pytest.mark.parametrize("role, manage, new_event", [
    ("chair", False, False), ("other_organiser", False, False),
    ("organiser", True, False), ("admin", True, True),
])
def test_manage_and_new_event_links_only_for_those_who_may(scene, login, role, manage, new_event):
    client = login(getattr(scene, role))
    assert (f'href="{CONSOLE}"' in text(client.get("/events/tokyo"))) is manage
    assert ('href="/events/new"' in text(client.get("/"))) is new_event


def test_a_console_post_without_a_csrf_token_is_refused():
    app = make_app("sqlite", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        event = make_event(slug="tokyo", name="Tokyo Summit")
        organiser = make_organiser(event, make_user())
        db.session.commit()
        client = app.test_client()
        sign_in(client, organiser)
        response = client.post(CONSOLE, data=event_form(slug="tokyo", name="Renamed"))
        assert response.status_code == 400 and "The form was rejected" in text(response)
        db.session.expire_all()
        assert event.name == "Tokyo Summit" and db.session.scalars(select(ActivityLog)).all() == []
        page = text(client.get(CONSOLE))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(CONSOLE, data=event_form(slug="tokyo", name="Renamed", csrf_token=token))
        assert response.status_code == 302
        db.session.remove()
