"""Production mode: cookie flags, error pages without internals, security headers on every kind of response."""

import pytest

from tests.conftest import PRODUCTION, make_app, sign_in
from tests.factories import make_event, make_user
from voting.extensions import db

SECRET = PRODUCTION["SECRET_KEY"]
# Werkzeug's test client spools a large body to a temporary file that it leaves open when the app refuses
# the body (413); its warning comes when it is collected (conftest.py collects after each test).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning",
                                        "ignore::ResourceWarning")


HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


@pytest.fixture
def prod(backend):
    """A production app on the test database, with a signed-in event and a route that fails."""
    app = make_app(backend, **PRODUCTION, DATABASE_CHECK_ON_START=False,
                   TESTING=False, WTF_CSRF_ENABLED=True)

    @app.get("/boom")
    def boom():
        raise RuntimeError(f"internal detail {app.config['SECRET_KEY']}")

    with app.app_context():
        db.create_all()
        make_event(slug="prod")
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all() if backend == "sqlite" else _empty()
        db.engine.dispose()  # no connection left for the garbage collector to find open


def _empty():
    from tests.conftest import empty_tables
    empty_tables()


def test_session_cookie_is_httponly_samesite_lax_and_secure(prod):
    client = prod.test_client()
    user = make_user(email="p@example.org")
    db.session.commit()
    sign_in(client, user)
    client.get("/auth/profile")  # the session is written back
    cookie = client.get_cookie("podium_session")
    assert cookie is not None
    assert cookie.http_only and cookie.secure and cookie.same_site == "Lax"


def test_error_pages_show_no_stack_trace_or_secret(prod):
    client = prod.test_client()
    for path, status in (("/boom", 500), ("/events/nope", 404), ("/events/prod/vote/x?page=1", 404)):
        response = client.get(path)
        text = response.get_data(as_text=True)
        assert response.status_code == status, path
        assert "Traceback" not in text and SECRET not in text and "RuntimeError" not in text
        assert "werkzeug" not in text.lower() and 'File "' not in text
    assert "Something went wrong on our side" in client.get("/boom").get_data(as_text=True)


def test_a_refused_csrf_post_shows_no_internals(prod):
    response = prod.test_client().post("/auth/logout")
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True) and SECRET not in response.get_data(as_text=True)


KINDS = {
    "HTML page": ("GET", "/", 200),
    "JSON API": ("GET", "/api/v1/events", 200),
    "OpenAPI": ("GET", "/api/v1/openapi.json", 200),
    "health check": ("GET", "/healthz", 200),
    "static file": ("GET", "/static/css/podium.css", 200),
    "export (404 before publication)": ("GET", "/events/prod/export/schedule.ics", 404),
    "error page": ("GET", "/nope", 404),
    "JSON error": ("GET", "/api/v1/events/nope/proposals", 404),
    "server error": ("GET", "/boom", 500),
    "redirect": ("GET", "/auth/profile", 302),
    "refused method": ("POST", "/healthz", 405),
    "CSRF refusal": ("POST", "/auth/logout", 400),
    "too large": ("POST", "/auth/logout", 413),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_security_headers_on_every_kind_of_response(prod, kind):
    method, path, status = KINDS[kind]
    body = b"x" * (2 * 1024 * 1024) if kind == "too large" else None
    with prod.test_client().open(path, method=method, data=body) as response:
        assert response.status_code == status
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, f"{name} on {kind}"
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_an_export_has_the_headers_too(prod):
    admin = make_user(email="a@example.org", is_admin=True)
    from voting.models import Event, Organiser
    db.session.add(Organiser(event=Event.query.filter_by(slug="prod").one(), user=admin))
    db.session.commit()
    client = prod.test_client()
    sign_in(client, admin)
    with client.get("/events/prod/export/accepted.csv") as response:
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "Strict-Transport-Security" in response.headers
