"""Browser journeys: Debian's Chromium driven by Playwright against Podium under gunicorn, signing in
through the real OpenID Connect test provider.

Skipped (with the reason) when Chromium, Playwright or TEST_DATABASE_URL is missing, unless
PODIUM_REQUIRE_BROWSER=1, which turns the skip into a failure.
"""
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PROVIDER = "testidp"
ORGANISER = "olga"  # a site admin through PODIUM_ADMINS
DOMAIN = "example.org"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _missing():
    """Why the journeys cannot run here, or None."""
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    if not os.environ.get("TEST_DATABASE_URL"):
        return "TEST_DATABASE_URL is not set (the journeys run on PostgreSQL under gunicorn)"
    if not shutil.which("node"):
        return "node is not installed (the OpenID Connect test provider needs it)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    return None


def require_browser():
    """Skip with the reason the journeys cannot run, or fail when PODIUM_REQUIRE_BROWSER=1."""
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("PODIUM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PODIUM_REQUIRE_BROWSER=1 but the browser journeys cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser journeys skipped: {reason}")


@dataclass
class Site:
    """The running app and what the journeys need to reach it."""

    base: str
    database: object
    browser: object
    contexts: dict = field(default_factory=dict)

    def email(self, name):
        """The person's address: the provider makes it from the login name when it holds an @ (Podium's
        email checks refuse the reserved .test domain the provider gives other names)."""
        return f"{name}@{DOMAIN}"

    def sql(self, statement, **params):
        """Rows of a read-only query on the app's database."""
        from sqlalchemy import text

        engine = self.database.engine()
        try:
            with engine.connect() as connection:
                return connection.execute(text(statement), params).all()
        finally:
            engine.dispose()

    def mail_link(self, to, pattern):
        """The newest link matching `pattern` in the mails kept in the outbox for `to`."""
        rows = self.sql("SELECT body FROM outbox WHERE to_address = :to ORDER BY id DESC", to=self.email(to))
        for (body,) in rows:
            match = re.search(pattern, body)
            if match:
                return match.group(0)
        raise AssertionError(f"no mail to {self.email(to)} has a link like {pattern!r}; "
                             f"{len(rows)} mail(s) in the outbox for them")

    def page(self, name):
        """A page in `name`'s own browser context (a fresh profile), signed in on first use."""
        if name not in self.contexts:
            context = self.browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
            context.set_default_timeout(15_000)
            page = context.new_page()
            sign_in(page, self.base, self.email(name))
            self.contexts[name] = page
        return self.contexts[name]


def sign_in(page, base, email):
    """Sign in through the app's sign-in page and the provider's login form, as a person would."""
    from playwright.sync_api import expect

    page.goto(base + "/auth/login")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    page.wait_for_url(base + "/**")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(email.split("@")[0].title())


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, started once for the run."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(chromium):
    """PostgreSQL, the OpenID Connect provider and Podium under gunicorn; one browser context per person."""
    from tests.support.live import Gunicorn, LiveDatabase
    from tests.support.oidc_provider import OIDCProvider, free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with LiveDatabase() as database, \
            OIDCProvider(redirect_uris=[f"{base}/auth/callback/{PROVIDER}"]) as idp:
        prefix = f"PODIUM_OAUTH_{PROVIDER.upper()}_"
        env = {prefix + "CLIENT_ID": idp.client_id, prefix + "CLIENT_SECRET": idp.client_secret,
               prefix + "DISCOVERY_URL": idp.discovery_url, prefix + "LABEL": "Test IdP",
               "PODIUM_ADMINS": f"{ORGANISER}@{DOMAIN}", "MAIL_BACKEND": "outbox", "PODIUM_BASE_URL": base}
        with Gunicorn(database.url, workers=2, port=port, **env):
            site = Site(base=base, database=database, browser=chromium)
            try:
                yield site
            finally:
                for page in site.contexts.values():
                    page.context.close()
