"""The home page, event pages, health check and error pages."""
from datetime import timedelta

from tests.conftest import PRODUCTION, make_app
from tests.factories import make_event, make_track
from voting.db_types import utcnow
from voting.extensions import db


def test_home_lists_events_with_links(client):
    event = make_event(name="OpenStack Summit Tokyo", slug="tokyo")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "OpenStack Summit Tokyo" in page
    assert f'href="/events/{event.slug}"' in page


def test_home_without_events_says_so(client):
    assert "No events yet." in client.get("/").get_data(as_text=True)


def test_event_page_shows_tracks_and_the_state_of_each_window(client):
    now = utcnow()
    event = make_event(
        slug="hk", cfp_opens_at=now - timedelta(days=20), cfp_closes_at=now - timedelta(days=1),
        voting_opens_at=now - timedelta(hours=1), voting_closes_at=now + timedelta(days=3),
        review_opens_at=now + timedelta(days=4), review_closes_at=now + timedelta(days=9),
    )
    make_track(event=event, name="Storage", slug="storage", session_count=12, alternate_count=3)
    db.session.commit()
    page = client.get("/events/hk").get_data(as_text=True)
    assert "Storage" in page and "12 sessions, 3 alternates" in page
    rows = {label: page.split(f'<th scope="row">{label}</th>', 1)[1].split("</tr>", 1)[0]
            for label in ("Call for proposals", "Community voting", "Track chair review")}
    assert "closed" in rows["Call for proposals"]
    assert ">open<" in rows["Community voting"]
    assert "not yet open" in rows["Track chair review"]


def test_event_page_shows_times_in_the_event_time_zone(client):
    opens = utcnow().replace(year=2030, month=1, day=10, hour=0, minute=0, second=0, microsecond=0)
    make_event(slug="tz", timezone="Asia/Tokyo", voting_opens_at=opens, voting_closes_at=opens + timedelta(days=1))
    db.session.commit()
    assert "10 Jan 2030, 09:00 JST" in client.get("/events/tz").get_data(as_text=True)


def test_event_user_text_is_escaped(client):
    make_event(slug="xss", name="<script>alert(1)</script>")
    db.session.commit()
    page = client.get("/events/xss").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_unknown_event_is_a_clear_404(client):
    response = client.get("/events/nope")
    assert response.status_code == 404
    assert "No event is called" in response.get_data(as_text=True)


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_503_when_the_database_is_unreachable():
    app = make_app("sqlite", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


def test_pages_needing_the_database_give_503_not_500_when_it_is_down():
    app = make_app("sqlite", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "temporarily unavailable" in response.get_data(as_text=True)


def test_wrong_method_is_405_with_allow_header(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_security_headers_on_every_response(client):
    for path in ("/", "/healthz", "/nope"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]


def test_stylesheet_is_served_locally(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/static/css/podium.css"' in page
    with client.get("/static/css/podium.css") as response:
        assert response.status_code == 200


def test_hsts_only_in_production(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    app = make_app("sqlite", **PRODUCTION, DATABASE_CHECK_ON_START=False)
    with app.test_client().get("/static/css/podium.css") as response:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_errors_show_no_internals():
    app = make_app("sqlite", **PRODUCTION, DATABASE_CHECK_ON_START=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in page and "Traceback" not in page
    assert "Something went wrong on our side" in page
