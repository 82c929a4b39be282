"""Sign-in sessions live on the server: signing out ends them for every copy of the cookie."""
import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_user
from voting.auth.models import UserSession
from voting.extensions import db


def me(client):
    return client.get("/api/v1/me").status_code


def copy_cookie(app, source, target):
    """Give `target` the session cookie `source` holds, as a thief copying it would."""
    cookie = source.get_cookie(app.config["SESSION_COOKIE_NAME"])
    target.set_cookie(cookie.key, cookie.value)


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, client):
    user = make_user(email_verified=True)
    sign_in(client, user)
    thief = app.test_client()
    copy_cookie(app, client, thief)
    assert me(client) == 200 and me(thief) == 200
    assert client.post("/auth/logout").status_code == 302
    assert me(client) == 401 and me(thief) == 401
    assert db.session.scalar(select(UserSession.ended_at)) is not None


def test_signing_out_one_browser_leaves_the_others_signed_in(app, client):
    user = make_user(email_verified=True)
    sign_in(client, user)
    laptop = app.test_client()
    sign_in(laptop, user)
    client.post("/auth/logout")
    assert me(client) == 401 and me(laptop) == 200


def test_sign_out_everywhere_ends_every_session_of_the_user_only(app, client):
    user, other = make_user(email_verified=True), make_user(email_verified=True)
    browsers = [app.test_client() for _ in range(3)]
    for browser in browsers:
        sign_in(browser, user)
    sign_in(client, other)
    page = browsers[0].get("/auth/profile").get_data(as_text=True)
    assert "Sign out everywhere" in page and page.count("(this browser)") == 1
    response = browsers[0].post("/auth/sessions/end-all", follow_redirects=True)
    assert "You are signed out everywhere (3 sessions ended)." in response.get_data(as_text=True)
    assert [me(browser) for browser in browsers] == [401, 401, 401]
    assert me(client) == 200


def test_a_session_past_its_lifetime_is_refused(app, client):
    sign_in(client, make_user())
    row = db.session.scalar(select(UserSession))
    row.created_at -= app.permanent_session_lifetime
    db.session.commit()
    assert me(client) == 401


def test_a_forged_user_id_without_a_session_row_is_refused(app, client):
    user = make_user()
    db.session.commit()
    with client.session_transaction() as session:
        session.update({"_user_id": str(user.id), "_fresh": True})
    assert me(client) == 401
    with client.session_transaction() as session:
        session.update({"_user_id": str(user.id), "podium_sid": "made-up"})
    assert me(client) == 401


@pytest.mark.parametrize("app_config", [{"PODIUM_DEV_LOGIN": True}])
def test_every_sign_in_starts_a_new_session(app, client):
    """Nothing planted in the cookie before sign-in survives it (no session fixation)."""
    user = make_user(email_verified=True)
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = client.post("/auth/dev-login", data={"user_id": user.id})
    assert response.status_code == 302 and me(client) == 200
    with client.session_transaction() as session:
        assert "planted" not in session and session["podium_sid"]
    assert db.session.scalar(select(UserSession.user_id)) == user.id
