"""Fixtures in the style of Flask's tutorial: app, client, runner, for every database backend.

Every test runs on SQLite (in memory, a fresh schema per test). When TEST_DATABASE_URL is set
(a PostgreSQL URL), every test runs again against it: the schema is built once per session and
every table is emptied after each test.

In parallel (pytest-xdist: `make test`, `make test-fast`) each worker has its own PostgreSQL database,
TEST_DATABASE_URL's name with the worker's id (`test_gw0`, `test_gw1`), created when missing. The tests
on real parts (tests/browser, tests/realworld: gunicorn, fixed Redis databases, nginx, a browser, load)
never run in parallel: a worker leaves them out, and `make test` runs them afterwards in a second,
serial run with `--real-parts-only`.
"""
import os
from pathlib import Path

import psycopg
import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from voting import create_app
from voting.config import normalise_database_url
from voting.extensions import db


def worker_database_url(url, worker=os.environ.get("PYTEST_XDIST_WORKER")):
    """TEST_DATABASE_URL for this process: under pytest-xdist its database name gets the worker's id."""
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


POSTGRES_URL = worker_database_url(os.environ.get("TEST_DATABASE_URL"))
# What production refuses to start without: a strong SECRET_KEY and the site's address.
PRODUCTION = {"PODIUM_ENV": "production", "SECRET_KEY": "production-test-secret-b3c1e0a9f7d2c8e4",
              "PODIUM_BASE_URL": "https://podium.example.org"}
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
# The tests on real parts: fixed Redis databases, gunicorn, nginx, a browser, heavy load.
REAL_PARTS = tuple(str(Path(__file__).parent / name) for name in ("browser", "realworld"))
_schema_ready = set()


def create_database_if_missing(url):
    """Create the URL's PostgreSQL database through the server's maintenance database when it is missing."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone():
            return
        try:
            connection.execute(f'CREATE DATABASE "{parsed.database}"')
        except psycopg.errors.DuplicateDatabase:  # another run made it meanwhile
            pass


def pytest_configure(config):
    """A worker's own PostgreSQL database exists before any test reaches it."""
    if POSTGRES_URL and os.environ.get("PYTEST_XDIST_WORKER"):
        create_database_if_missing(POSTGRES_URL)


def pytest_addoption(parser):
    parser.addoption("--real-parts-only", action="store_true",
                     help="run only the tests on real parts (tests/browser, tests/realworld)")


def is_real_part(item):
    return str(item.path).startswith(REAL_PARTS)


def pytest_collection_modifyitems(config, items):
    """Leave out the tests on real parts under pytest-xdist (they must not run two at once), or keep only
    them with --real-parts-only."""
    only = config.getoption("real_parts_only")
    if not only and not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    dropped = [item for item in items if is_real_part(item) != only]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if is_real_part(item) == only]
    if hasattr(config, "workeroutput"):
        config.workeroutput["real_parts_left_out"] = len(dropped)


_left_out = {}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: how many tests on real parts each worker left out, for the summary."""
    _left_out[node.gateway.id] = getattr(node, "workeroutput", {}).get("real_parts_left_out", 0)


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
    """Sign `user` in on `client` with a new server-side session, as a real sign-in leaves it."""
    from voting.auth.sessions import cookie_values, open_session

    values = cookie_values(user, open_session(user))
    db.session.commit()  # as a real sign-in commits: the user and their session survive a rollback
    with client.session_transaction() as session:
        session.update(values)


@pytest.fixture
def login(client):
    """`login(user)` signs the user in on the test client; returns the client."""
    def _login(user):
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
    if any(_left_out.values()):  # every worker collects the same tests
        terminalreporter.write_line(f"{max(_left_out.values())} tests on real parts (tests/browser, "
                                    "tests/realworld) left out in parallel: `make test` runs them afterwards, "
                                    "serially")
