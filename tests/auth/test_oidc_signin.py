"""End-to-end sign-in through a real OpenID Connect provider, with the app served over HTTP on 127.0.0.1."""
import html
import json
import re
import threading
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import joserfc._rfc7519.claims as joserfc_claims
import pytest
import requests
from authlib.integrations.flask_client import FlaskOAuth2App
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from joserfc.jws import extract_compact
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests.support.oidc_provider import OIDCProvider
from voting import create_app
from voting.auth.models import Identity, User
from voting.extensions import db

CLIENT_ID = "podium-test"
PROVIDERS = {"testidp": "Test IdP", "otheridp": "Other IdP"}  # two names, one real provider
ATTACKER_KEY = RSAKey.generate_key(2048, parameters={"alg": "RS256", "kid": "attacker"})
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
ERROR_MESSAGE = re.compile(r'<div class="error-page">.*?<p>(.*?)</p>', re.S)


class Browser(requests.Session):
    """A requests session that reaches the app by path (absolute URLs go where they say)."""

    def __init__(self, site):
        super().__init__()
        self.site = site

    def request(self, method, url, *args, **kwargs):
        return super().request(method, urljoin(self.site.base + "/", url), *args, **kwargs)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The provider and the app, each serving on its own port of 127.0.0.1."""
    holder = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: holder["app"](environ, start), threaded=True)
    base = f"http://127.0.0.1:{server.port}"
    database = tmp_path_factory.mktemp("oidc") / "podium.sqlite"
    config = {"PODIUM_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "WTF_CSRF_ENABLED": True,
              "PODIUM_BASE_URL": base}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    redirect_uris = [f"{base}/auth/callback/{name}" for name in PROVIDERS]
    with server, OIDCProvider(redirect_uris=redirect_uris, client_id=CLIENT_ID) as idp:  # closed whatever happens
        for name, label in PROVIDERS.items():
            prefix = f"PODIUM_OAUTH_{name.upper()}_"
            config.update({prefix + "CLIENT_ID": idp.client_id, prefix + "CLIENT_SECRET": idp.client_secret,
                           prefix + "DISCOVERY_URL": idp.discovery_url, prefix + "LABEL": label})
        app = holder["app"] = create_app(config)
        with app.app_context():
            db.create_all()
        thread.start()
        try:
            yield SimpleNamespace(app=app, idp=idp, base=base)
        finally:
            server.shutdown()
            thread.join(5)
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def browser(site):
    """A fresh browser: no app session, no provider session."""
    with Browser(site) as session:
        yield session


def start(browser, provider="testidp", next=None):
    """GET /auth/login/<provider>: the app's redirect to the provider."""
    resp = browser.get(f"/auth/login/{provider}", params={"next": next} if next else None, allow_redirects=False)
    assert resp.status_code == 302, resp.text
    return resp.headers["Location"]


def at_provider(browser, authorize_url, username):
    """Sign in at the provider; the URL it sends the browser back to."""
    resp = browser.site.idp.login(browser, authorize_url, username=username)
    assert resp.is_redirect, resp.text
    return resp.headers["Location"]


def sign_in(browser, username, next=None, provider="testidp"):
    """Sign in end to end; the app's response to the callback."""
    callback = at_provider(browser, start(browser, provider, next), username)
    return browser.get(callback, allow_redirects=False)


def with_query(url, **changes):
    """`url` with query parameters replaced (None removes one)."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query = {key: value for key, value in {**query, **changes}.items() if value is not None}
    return urlunsplit(parts._replace(query=urlencode(query)))


def landing(browser, resp):
    """The absolute URL a redirect of the app points at."""
    assert resp.status_code == 302, resp.text
    return urljoin(browser.site.base + "/", resp.headers["Location"])


def me(browser):
    """GET /api/v1/me."""
    return browser.get("/api/v1/me")


def csrf_token(browser, path="/"):
    """The CSRF token of a form on a page of the app."""
    return CSRF_INPUT.search(browser.get(path).text).group(1)


def assert_refused(browser, resp, *words):
    """A clear 400 page, and nobody signed in."""
    assert resp.status_code == 400
    message = html.unescape(ERROR_MESSAGE.search(resp.text).group(1))
    assert "did not work" in message and all(word in message for word in words), message
    assert me(browser).status_code == 401


def add_user(site, email, verified=True):
    """Create a user directly in the database; its id."""
    with site.app.app_context():
        user = User(name=email.split("@")[0].title(), email=email, email_verified=verified)
        db.session.add(user)
        db.session.commit()
        return user.id


def identities(site, user_id):
    """(provider, subject) of a user's identities."""
    with site.app.app_context():
        rows = db.session.execute(select(Identity.provider, Identity.subject).where(Identity.user_id == user_id))
        return sorted(tuple(row) for row in rows)


def test_full_sign_in(site, browser):
    """Code flow with state, nonce and PKCE, back to `next`, then /api/v1/me."""
    anonymous = me(browser)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "Unauthorized"
    authorize = start(browser, next="/auth/profile?tab=1")
    params = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(site.idp.issuer + "/")
    assert params["response_type"] == ["code"] and params["code_challenge_method"] == ["S256"]
    assert params["state"][0] and params["nonce"][0] and len(params["code_challenge"][0]) >= 43
    assert params["redirect_uri"] == [f"{site.base}/auth/callback/testidp"]
    resp = browser.get(at_provider(browser, authorize, "alice"), allow_redirects=False)
    assert landing(browser, resp) == f"{site.base}/auth/profile?tab=1"
    body = me(browser).json()
    assert (body["name"], body["email"]) == ("Alice", "alice@example.test")
    assert body["roles"] == {"admin": False, "organiser_of": [], "chair_of": []}
    assert identities(site, body["id"]) == [("testidp", "alice")]


def test_returning_user_is_found_by_subject(site):
    """A second sign-in maps to the same user, with no duplicate."""
    ids = []
    for _ in range(2):
        with Browser(site) as browser:
            assert sign_in(browser, "erin").status_code == 302
            ids.append(me(browser).json()["id"])
    assert ids[0] == ids[1]
    with site.app.app_context():
        assert db.session.scalar(select(func.count()).where(User.email == "erin@example.test")) == 1
    assert identities(site, ids[0]) == [("testidp", "erin")]


def test_state_mismatch_and_missing_state_are_refused(browser):
    """A tampered or missing state gives a 400; the genuine callback still works afterwards."""
    callback = at_provider(browser, start(browser), "grace")
    state = parse_qs(urlsplit(callback).query)["state"][0]
    tampered = browser.get(with_query(callback, state=state[::-1] + "x"), allow_redirects=False)
    assert_refused(browser, tampered, "Test IdP", "State not equal")
    assert_refused(browser, browser.get(with_query(callback, state=None), allow_redirects=False))
    assert browser.get(callback, allow_redirects=False).status_code == 302
    assert me(browser).json()["email"] == "grace@example.test"


def test_provider_error_is_refused(browser):
    """error=access_denied from the provider gives a clear 400."""
    callback = at_provider(browser, start(browser), "error")
    assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
    assert_refused(browser, browser.get(callback, allow_redirects=False), "Signing in through Test IdP")


def test_expired_id_token_is_refused(browser, monkeypatch):
    """An ID token checked a day after it was issued has expired."""
    callback = at_provider(browser, start(browser), "henry")
    now = joserfc_claims._generate_now()
    with monkeypatch.context() as patch:  # joserfc's JWTClaimsRegistry reads the time from here
        patch.setattr(joserfc_claims, "_generate_now", lambda: now + 86400)
        resp = browser.get(callback, allow_redirects=False)
    assert_refused(browser, resp, "expired")


def replace_id_token(monkeypatch, trust_attacker=False, **changes):
    """Re-sign the provider's ID token with the attacker's key, with some claims changed."""
    real_fetch = FlaskOAuth2App.fetch_access_token

    def fetch_access_token(self, *args, **kwargs):
        token = real_fetch(self, *args, **kwargs)
        signed = extract_compact(token["id_token"].encode())
        header = {"alg": "RS256", "kid": "attacker"} if trust_attacker else signed.headers()  # else: the real kid
        token["id_token"] = jwt.encode(header, {**json.loads(signed.payload), **changes}, ATTACKER_KEY)
        return token

    monkeypatch.setattr(FlaskOAuth2App, "fetch_access_token", fetch_access_token)
    if trust_attacker:  # as if the provider published the attacker's key: only the claims are at fault
        jwks = KeySet([ATTACKER_KEY]).as_dict(private=False)
        monkeypatch.setattr(FlaskOAuth2App, "fetch_jwk_set", lambda self, force=False: jwks)


def test_id_token_signed_by_another_key_is_refused(browser, monkeypatch):
    """An ID token with the provider's claims and kid but the attacker's signature."""
    replace_id_token(monkeypatch)
    assert_refused(browser, sign_in(browser, "ivan"))


@pytest.mark.parametrize("changes, words", [
    ({"aud": "someone-else"}, ["aud"]),
    ({"aud": "someone-else", "azp": CLIENT_ID}, ["aud"]),
    ({"aud": ["someone-else", "another"], "azp": CLIENT_ID}, ["aud"]),
    ({"iss": "http://evil.example"}, ["iss"]),
    ({"nonce": "replayed"}, ["nonce"]),
    ({"sub": "judy"}, ["does not match"]),
])
def test_id_token_with_wrong_claims_is_refused(browser, monkeypatch, changes, words):
    """Validly signed (by a trusted key) but for another audience, issuer, nonce or subject."""
    replace_id_token(monkeypatch, trust_attacker=True, **changes)
    assert_refused(browser, sign_in(browser, "mallory"), *words)


@pytest.mark.parametrize("changes", [{}, {"aud": ["another", CLIENT_ID], "azp": CLIENT_ID}])
def test_id_token_with_trusted_key_and_right_claims_signs_in(browser, monkeypatch, changes):
    """The control for the test above: the swap itself (or a second audience) does not break sign-in."""
    replace_id_token(monkeypatch, trust_attacker=True, **changes)
    assert sign_in(browser, "mallory").status_code == 302
    assert me(browser).json()["email"] == "mallory@example.test"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "/\\/evil.example", "javascript:alert(1)", "http:/evil.example"])
def test_next_never_leaves_the_site(browser, target):
    """An off-site `next` lands on the app's home page instead."""
    assert landing(browser, sign_in(browser, "oscar", next=target)) == f"{browser.site.base}/"
    assert me(browser).status_code == 200


def test_verified_email_links_existing_user(site, browser):
    """A verified email matching an existing user signs in as that user."""
    bob = add_user(site, "bob@example.test")
    sign_in(browser, "bob")
    assert me(browser).json()["id"] == bob
    assert identities(site, bob) == [("testidp", "bob")]


def test_unverified_email_never_links_or_takes_an_address(site, browser):
    """An unverified email someone owns creates a new user without that email."""
    carol = add_user(site, "unverified-carol@example.test", verified=False)
    sign_in(browser, "unverified-carol@example.test")
    body = me(browser).json()
    assert body["id"] != carol and body["email"] is None
    assert identities(site, carol) == []
    assert identities(site, body["id"]) == [("testidp", "unverified-carol@example.test")]


def sign_out(browser):
    resp = browser.post("/auth/logout", data={"csrf_token": csrf_token(browser)}, allow_redirects=False)
    assert resp.status_code == 302 and me(browser).status_code == 401


@pytest.mark.parametrize("claim", ["unverified", "unclaimed"])
def test_an_unverified_copy_of_an_admins_address_never_becomes_the_admin(site, claim):
    """The attack: claim the admin's address unverified first; the real admin's sign-in must not join it."""
    site.app.config["PODIUM_ADMINS"] = f"boss-{claim}@example.org"
    with Browser(site) as attacker, Browser(site) as boss:
        sign_in(attacker, f"{claim}:boss-{claim}@example.org")
        squatter = me(attacker).json()
        assert not squatter["roles"]["admin"] and not squatter["email_verified"]
        assert "(not verified)" in attacker.get("/auth/profile").text
        sign_in(boss, f"boss-{claim}@example.org")
        owner = me(boss).json()
        assert owner["id"] != squatter["id"] and owner["roles"]["admin"] and owner["email_verified"]
        assert owner["email"] == f"boss-{claim}@example.org"
        again = me(attacker).json()
        assert again["id"] == squatter["id"] and not again["roles"]["admin"] and again["email"] is None
        sign_out(attacker)
        sign_in(attacker, f"{claim}:boss-{claim}@example.org")
        assert me(attacker).json() == again, "signing in again gains the attacker nothing"


def test_a_copied_cookie_is_refused_after_sign_out(site, browser):
    """A cookie copied before sign-out stops working: the session ended on the server."""
    sign_in(browser, "rita")
    with Browser(site) as thief:
        thief.cookies.set("podium_session", browser.cookies.get("podium_session"))
        assert me(thief).status_code == 200
        sign_out(browser)
        assert me(thief).status_code == 401


def test_each_sign_in_gets_a_new_session(site, browser):
    sign_in(browser, "sam")
    first = browser.cookies.get("podium_session")
    forget_provider(browser)
    sign_in(browser, "sam")
    assert browser.cookies.get("podium_session") != first
    with Browser(site) as thief:
        thief.cookies.set("podium_session", first)
        assert me(thief).status_code == 401, "the session replaced at sign-in is over"


def test_logout_needs_post_and_csrf(browser):
    """GET is 405, POST without a token 400, POST with the token signs out."""
    sign_in(browser, "paul")
    assert browser.get("/auth/logout", allow_redirects=False).status_code == 405
    assert browser.post("/auth/logout", allow_redirects=False).status_code == 400
    assert me(browser).status_code == 200
    resp = browser.post("/auth/logout", data={"csrf_token": csrf_token(browser)}, allow_redirects=False)
    assert landing(browser, resp) == f"{browser.site.base}/"
    assert me(browser).status_code == 401


def link(browser, provider, username):
    """POST /auth/link/<provider> from the profile page and complete it at the provider."""
    resp = browser.post(f"/auth/link/{provider}", data={"csrf_token": csrf_token(browser, "/auth/profile")},
                        allow_redirects=False)
    assert resp.status_code == 302, resp.text
    return browser.get(at_provider(browser, resp.headers["Location"], username), allow_redirects=False)


def forget_provider(browser):
    """Drop the provider's cookies (they share 127.0.0.1 with the app's): signed out there only."""
    for cookie in [c for c in browser.cookies if c.name != "podium_session"]:
        browser.cookies.clear(cookie.domain, cookie.path, cookie.name)


def test_link_second_provider_from_profile(site, browser):
    """Linking otheridp adds an identity to the signed-in user."""
    sign_in(browser, "dave")
    dave = me(browser).json()["id"]
    assert "Link Other IdP" in browser.get("/auth/profile").text
    assert landing(browser, link(browser, "otheridp", "dave")) == f"{site.base}/auth/profile"
    page = browser.get("/auth/profile").text
    assert "Other IdP is now linked" in page and "Link Other IdP" not in page
    assert "<td>testidp</td>" in page and "<td>otheridp</td>" in page
    assert me(browser).json()["id"] == dave
    assert identities(site, dave) == [("otheridp", "dave"), ("testidp", "dave")]


def test_link_refuses_identity_of_another_user(site, browser):
    """An otheridp identity that belongs to someone else is not linked."""
    with Browser(site) as owner:
        sign_in(owner, "kate", provider="otheridp")
        kate = me(owner).json()["id"]
    sign_in(browser, "liam")
    liam = me(browser).json()["id"]
    forget_provider(browser)
    resp = link(browser, "otheridp", "kate")
    assert resp.status_code == 400 and "already belongs to another Podium user" in resp.text
    assert me(browser).json()["id"] == liam
    assert identities(site, liam) == [("testidp", "liam")]
    assert identities(site, kate) == [("otheridp", "kate")]
