"""Fixtures in the style of Flask's tutorial: app, client, runner, for every database backend.

Every test runs on SQLite (in memory, a fresh schema per test). When TEST_DATABASE_URL is set
(a PostgreSQL URL), every test runs again against it: the schema is built once per session and
every table is emptied after each test.
"""
import os

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from voting import create_app
from voting.config import normalise_database_url
from voting.extensions import db

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
# What production refuses to start without: a strong SECRET_KEY and the site's address.
PRODUCTION = {"PODIUM_ENV": "production", "SECRET_KEY": "production-test-secret-b3c1e0a9f7d2c8e4",
              "PODIUM_BASE_URL": "https://podium.example.org"}
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
_schema_ready = set()


def database_url(backend):
    """The URL the tests use for a backend."""
    return "sqlite://" if backend == "sqlite" else normalise_database_url(POSTGRES_URL)


class PodiumTestClient(FlaskClient):
    """A client whose every request starts afresh although the test keeps an app context open.

    Requests share the test's app context, so without this Flask-Login's user cached in `g`
    and objects loaded by earlier requests would leak into the next request.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
            db.session.flush()
            db.session.expire_all()
        response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()  # what the request wrote is read afresh by the test
        return response


def make_app(backend, **overrides):
    """A testing app on the given backend."""
    app = create_app({"PODIUM_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url(backend),
                      "WTF_CSRF_ENABLED": False, **overrides})
    app.test_client_class = PodiumTestClient
    return app


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The database backend of this run of the test: 'sqlite' or 'postgresql'."""
    return request.param


@pytest.fixture
def app_config():
    """Settings the `app` fixture adds; override with @pytest.mark.parametrize("app_config", [{...}])."""
    return {}


@pytest.fixture
def app(backend, app_config):
    """An app with an empty schema, inside an app context."""
    app = make_app(backend, **app_config)
    with app.app_context():
        _prepare_schema(backend)
        yield app
        db.session.remove()
        if backend == "postgresql":
            empty_tables()
        db.engine.dispose()


def _prepare_schema(backend):
    if backend == "sqlite":
        db.create_all()
    elif backend not in _schema_ready:
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        _schema_ready.add(backend)


def empty_tables():
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


def sign_in(client, user):
    """Sign `user` in on `client` the way Flask-Login's session does, without a provider."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


@pytest.fixture
def login(client):
    """`login(user)` signs the user in on the test client; returns the client."""
    def _login(user):
        from voting.extensions import db

        db.session.commit()
        sign_in(client, user)
        return client
    return _login


def pytest_report_header(config):
    """Say which database backends the run covers."""
    return f"database backends: {', '.join(BACKENDS)}"


def pytest_terminal_summary(terminalreporter):
    """How many tests passed on each database backend."""
    passed = terminalreporter.stats.get("passed", [])
    counts = {name: sum(f"[{name}" in report.nodeid for report in passed) for name in BACKENDS}
    terminalreporter.write_line("passed per backend: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
