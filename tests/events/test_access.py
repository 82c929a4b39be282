"""Who may use each console route: every route against every role."""
import pytest
from sqlalchemy import func, select

from tests.events import event_form, track_form
from voting.events.models import ActivityLog, Organiser, TrackChair
from voting.extensions import db

ROLES = ("anonymous", "user", "chair", "organiser", "other_organiser", "admin")
#          anonymous  user  chair  organiser  other event's organiser  admin
ADMIN_PAGE = (302, 403, 403, 403, 403, 200)
ADMIN_POST = (302, 403, 403, 403, 403, 302)
MANAGE_PAGE = (302, 403, 403, 200, 403, 200)
MANAGE_POST = (302, 403, 403, 302, 403, 302)
CONSOLE = "/events/tokyo/manage"

ROUTES = [
    ("GET", "/events/new", None, ADMIN_PAGE),
    ("POST", "/events/new", event_form(), ADMIN_POST),
    ("GET", CONSOLE, None, MANAGE_PAGE),
    ("POST", CONSOLE, event_form(name="Tokyo 2031", slug="tokyo"), MANAGE_POST),
    ("GET", f"{CONSOLE}/tracks", None, MANAGE_PAGE),
    ("GET", f"{CONSOLE}/tracks/new", None, MANAGE_PAGE),
    ("POST", f"{CONSOLE}/tracks/new", track_form(), MANAGE_POST),
    ("GET", f"{CONSOLE}/tracks/storage", None, MANAGE_PAGE),
    ("POST", f"{CONSOLE}/tracks/storage", track_form(name="Storage", slug="storage", session_count="9"),
     MANAGE_POST),
    ("POST", f"{CONSOLE}/tracks/networking/move", {"direction": "up"}, MANAGE_POST),
    ("GET", f"{CONSOLE}/people", None, MANAGE_PAGE),
    ("POST", f"{CONSOLE}/people/organisers", {"organiser-email": "new@example.org"}, MANAGE_POST),
    ("POST", f"{CONSOLE}/people/chairs", {"chair-email": "new@example.org", "chair-track": "{storage}"},
     MANAGE_POST),
    ("POST", f"{CONSOLE}/people/organisers/{{co_organiser}}/remove", {}, MANAGE_POST),
    ("POST", f"{CONSOLE}/people/chairs/{{chair}}/remove", {}, MANAGE_POST),
    ("POST", f"{CONSOLE}/people/invitations/{{invitation}}/remove", {}, MANAGE_POST),
    ("GET", f"{CONSOLE}/activity", None, MANAGE_PAGE),
]


def _ids(scene):
    co_organiser = db.session.scalar(select(Organiser.id).filter_by(user_id=scene.co_organiser.id))
    chair = db.session.scalar(select(TrackChair.id).filter_by(user_id=scene.chair.id))
    return {"storage": scene.storage.id, "invitation": scene.invitation.id, "co_organiser": co_organiser,
            "chair": chair}


def _activity_count():
    return db.session.scalar(select(func.count()).select_from(ActivityLog))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, data, statuses", ROUTES,
                         ids=[f"{method} {path}" for method, path, _, _ in ROUTES])
def test_each_role_gets_the_expected_status(scene, client, login, role, method, path, data, statuses):
    ids = _ids(scene)
    if role != "anonymous":
        login(getattr(scene, role))
    before = _activity_count()
    data = {key: value.format(**ids) for key, value in (data or {}).items()}
    response = client.open(path.format(**ids), method=method, data=data)
    expected = statuses[ROLES.index(role)]
    assert response.status_code == expected
    if expected == 302:
        assert response.headers["Location"].startswith("/auth/login") == (role == "anonymous")
    db.session.rollback()
    changed = method == "POST" and expected == 302 and role != "anonymous"
    assert (_activity_count() > before) == changed
