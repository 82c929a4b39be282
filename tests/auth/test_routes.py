"""Sign-in pages, the development sign-in, logout, /api/v1/me and the users CLI."""
import pytest

from tests.conftest import PRODUCTION, make_app
from tests.factories import make_event, make_track, make_user
from voting.config import ConfigError
from voting.extensions import db
from voting.models import Organiser, TrackChair, User


def test_sign_in_page_lists_each_configured_provider(backend):
    app = make_app(backend, PODIUM_OAUTH_GITHUB_CLIENT_ID="id", PODIUM_OAUTH_GITHUB_CLIENT_SECRET="s",
                   PODIUM_OAUTH_OPENSTACKID_CLIENT_ID="id2", PODIUM_OAUTH_OPENSTACKID_CLIENT_SECRET="s2",
                   PODIUM_OAUTH_OPENSTACKID_DISCOVERY_URL="https://id.example/.well-known/openid-configuration",
                   PODIUM_OAUTH_OPENSTACKID_LABEL="OpenStackID")
    page = app.test_client().get("/auth/login?next=/events/x").get_data(as_text=True)
    assert "Sign in with GitHub" in page and "Sign in with OpenStackID" in page
    assert "/auth/login/github?next=/events/x" in page


def test_oidc_provider_without_discovery_url_is_a_configuration_error(backend):
    with pytest.raises(ConfigError, match="PODIUM_OAUTH_KEYCLOAK_DISCOVERY_URL"):
        make_app(backend, PODIUM_OAUTH_KEYCLOAK_CLIENT_ID="id", PODIUM_OAUTH_KEYCLOAK_CLIENT_SECRET="s")


def test_unknown_provider_is_404(client):
    assert client.get("/auth/login/nowhere").status_code == 404
    assert client.get("/auth/callback/nowhere").status_code == 404


def test_github_sign_in_starts_with_pkce_and_state(backend):
    app = make_app(backend, PODIUM_OAUTH_GITHUB_CLIENT_ID="id", PODIUM_OAUTH_GITHUB_CLIENT_SECRET="s")
    response = app.test_client().get("/auth/login/github?next=/x")
    location = response.headers["Location"]
    assert response.status_code == 302 and location.startswith("https://github.com/login/oauth/authorize")
    assert "code_challenge_method=S256" in location and "state=" in location


def test_me_is_401_json_when_anonymous(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"] == "Unauthorized"


def test_me_describes_the_user_and_their_roles(app, login):
    user = make_user(name="Ann", email="ann@example.test", email_verified=True)
    event = make_event(slug="tokyo")
    track = make_track(event=event, slug="storage")
    db.session.add_all([Organiser(event=event, user=user), TrackChair(track=track, user=user)])
    body = login(user).get("/api/v1/me").get_json()
    assert body == {"id": user.id, "name": "Ann", "email": "ann@example.test", "email_verified": True, "roles": {
        "admin": False, "organiser_of": ["tokyo"], "chair_of": [{"event": "tokyo", "track": "storage"}]}}


def test_pages_that_need_sign_in_redirect_to_it_with_the_way_back(client):
    response = client.get("/auth/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/auth/profile"


def test_profile_lists_identities(app, login):
    user = make_user(name="Ann")
    page = login(user).get("/auth/profile").get_data(as_text=True)
    assert "Your account" in page and "Ann" in page


def test_logout_is_post_only(app, login):
    client = login(make_user())
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_logout_without_csrf_token_is_refused(app, login):
    client = login(make_user())
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("app_config", [{"PODIUM_DEV_LOGIN": True}])
def test_dev_sign_in_lists_demo_users_and_signs_in(client):
    voter = make_user(name="Demo Voter", email="voter@example.org")
    make_user(name="Someone Else")
    db.session.commit()
    page = client.get("/auth/dev-login").get_data(as_text=True)
    assert "Demo Voter" in page and "Someone Else" not in page
    response = client.post("/auth/dev-login", data={"user_id": voter.id, "next": "/events/x"})
    assert response.status_code == 302 and response.headers["Location"] == "/events/x"
    assert client.get("/api/v1/me").get_json()["email"] == "voter@example.org"
    assert client.post("/auth/dev-login", data={"user_id": 999999}).status_code == 404
    assert client.post("/auth/dev-login", data={"user_id": "x"}).status_code == 400


@pytest.mark.parametrize("app_config", [{"PODIUM_DEV_LOGIN": True, "WTF_CSRF_ENABLED": True}])
def test_dev_sign_in_needs_a_csrf_token(client):
    voter = make_user(email="voter@example.org")
    db.session.commit()
    assert client.post("/auth/dev-login", data={"user_id": voter.id}).status_code == 400
    assert client.get("/api/v1/me").status_code == 401


def test_dev_sign_in_route_does_not_exist_unless_enabled(client, app):
    assert "dev_auth.choose" not in {rule.endpoint for rule in app.url_map.iter_rules()}
    assert client.get("/auth/dev-login").status_code == 404


def test_production_refuses_to_start_with_the_dev_sign_in():
    with pytest.raises(ConfigError, match="PODIUM_DEV_LOGIN cannot be enabled"):
        make_app("sqlite", **PRODUCTION, PODIUM_DEV_LOGIN=True)


def test_grant_admin_cli(app, runner):
    make_user(email="ann@example.test", email_verified=True)
    make_user(email="claim@example.test")
    db.session.commit()
    result = runner.invoke(args=["users", "grant-admin", "ANN@example.test"])
    assert result.exit_code == 0, result.output
    assert "ann@example.test is now a site admin" in result.output
    assert db.session.query(User).filter_by(email="ann@example.test").one().is_admin
    for email in ("nobody@example.test", "claim@example.test"):  # the second only claims it, unverified
        result = runner.invoke(args=["users", "grant-admin", email])
        assert result.exit_code != 0 and "no user has the email" in result.output
    assert not db.session.query(User).filter_by(email="claim@example.test").one().is_admin


@pytest.mark.parametrize("app_config", [{
    "PODIUM_OAUTH_DOWN_CLIENT_ID": "id", "PODIUM_OAUTH_DOWN_CLIENT_SECRET": "s",
    "PODIUM_OAUTH_DOWN_DISCOVERY_URL": "http://127.0.0.1:1/.well-known/openid-configuration"}])
def test_an_unreachable_provider_is_a_clear_503(client):
    response = client.get("/auth/login/down")
    assert response.status_code == 503
    assert "cannot be reached right now" in response.get_data(as_text=True)
