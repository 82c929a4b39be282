"""Who may download the exports: organisers always; everyone else once the schedule is published."""
import pytest

from tests.conftest import sign_in
from tests.export import build_world
from tests.export.test_formats import NAMES
from tests.factories import make_event, make_organiser, make_user

ROLES = ("anonymous", "user", "chair", "organiser", "other_organiser", "admin")


def user_for(role, world):
    """The user who plays `role` for the world's event (None: a visitor)."""
    if role == "anonymous":
        return None
    return {"user": make_user, "chair": lambda: world.chair, "organiser": lambda: world.organiser,
            "other_organiser": lambda: make_organiser(make_event(slug="other")),
            "admin": lambda: make_user(is_admin=True)}[role]()


@pytest.mark.parametrize("published", [True, False], ids=["published", "unpublished"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_status_for_every_export(app, client, role, published):
    world = build_world(published=published)
    user = user_for(role, world)
    if user is not None:
        sign_in(client, user)
    expected = 200 if published or role in ("organiser", "admin") else 404
    for name in NAMES:
        response = client.get(f"/events/expo/export/{name}")
        assert response.status_code == expected, (role, name)
        response.close()


def test_before_publication_the_public_is_told_why(app, client):
    build_world(published=False)
    response = client.get("/events/expo/export/schedule.ics")
    assert response.status_code == 404
    assert "not published yet" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/events/expo/export/schedule.pdf", "/events/nowhere/export/schedule.xml"])
def test_unknown_exports_and_events_are_404(app, client, path):
    build_world()
    assert client.get(path).status_code == 404


def test_a_nul_character_in_the_address_is_a_clear_400(app, client):
    build_world()
    response = client.get("/events/no%00where/export/schedule.xml")
    assert response.status_code == 400 and "cannot contain NUL characters" in response.get_data(as_text=True)


def test_the_public_export_may_be_cached_briefly(app, client):
    build_world()
    response = client.get("/events/expo/export/schedule.json")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Content-Disposition"] == 'inline; filename="expo-schedule-v2.json"'
    assert response.mimetype == "application/json"
