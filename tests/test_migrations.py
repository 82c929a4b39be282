"""The Alembic migrations build the models' schema exactly, on every backend."""
import os
import subprocess
import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import MetaData, Table, create_engine, text
from sqlalchemy import types as sa_types
from sqlalchemy.engine import make_url

from voting.config import normalise_database_url

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def flask_db(database_url, *args):
    env = {**os.environ, "PODIUM_ENV": "development", "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def assert_upgrade_then_no_drift(database_url):
    upgrade = flask_db(database_url, "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    check = flask_db(database_url, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    downgrade = flask_db(database_url, "downgrade", "base")
    assert downgrade.returncode == 0, downgrade.stderr


def test_sqlite_upgrade_from_empty_has_no_drift(tmp_path):
    assert_upgrade_then_no_drift(f"sqlite:///{tmp_path / 'fresh.sqlite'}")


@pytest.fixture
def scratch_postgres_url():
    """A new, empty PostgreSQL database next to TEST_DATABASE_URL, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    url = make_url(POSTGRES_URL)
    name = f"podium_migrations_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_postgresql_upgrade_from_empty_has_no_drift(scratch_postgres_url):
    assert_upgrade_then_no_drift(scratch_postgres_url)


FILLERS = {sa_types.Boolean: False, sa_types.Integer: 1, sa_types.DateTime: datetime(2026, 11, 1, 9),
           sa_types.Date: date(2027, 1, 1), sa_types.String: "x"}


def insert_row(connection, table, **values):
    """Insert into a table as the database has it now: required columns not given get a plain value."""
    table = Table(table, MetaData(), autoload_with=connection)
    for column in table.columns:
        if column.name not in values and not column.nullable and column.server_default is None \
                and not column.primary_key:
            values[column.name] = next(v for kind, v in FILLERS.items() if isinstance(column.type, kind))
    connection.execute(table.insert().values(**values))


def seed_roles_granted_by_matching(database_url):
    """At the revision before invitations: an event with roles held by unverified and verified accounts."""
    engine = create_engine(normalise_database_url(database_url))
    with engine.begin() as connection:
        insert_row(connection, "events", id=1, slug="summit", timezone="UTC")
        insert_row(connection, "tracks", id=1, event_id=1, slug="storage")
        for user_id, email, verified in ((1, "real@example.org", True), (2, "claim@example.org", False)):
            insert_row(connection, "users", id=user_id, email=email, email_verified=verified, is_admin=True)
            insert_row(connection, "organisers", event_id=1, user_id=user_id)
            insert_row(connection, "track_chairs", track_id=1, user_id=user_id)
    return engine


def assert_unverified_roles_become_invitations(database_url):
    assert flask_db(database_url, "upgrade", "f43bdc84464c").returncode == 0
    engine = seed_roles_granted_by_matching(database_url)
    upgrade = flask_db(database_url, "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    with engine.connect() as connection:
        rows = lambda sql: sorted(tuple(row) for row in connection.execute(text(sql)))  # noqa: E731
        assert rows("SELECT user_id FROM organisers") == [(1,)]
        assert rows("SELECT user_id FROM track_chairs") == [(1,)]
        assert rows("SELECT email, role, track_id FROM role_invitations") == [
            ("claim@example.org", "organiser", None), ("claim@example.org", "track_chair", 1)]
        assert rows("SELECT id, is_admin FROM users") == [(1, True), (2, False)]
    engine.dispose()


def test_sqlite_roles_of_unverified_addresses_become_invitations(tmp_path):
    assert_unverified_roles_become_invitations(f"sqlite:///{tmp_path / 'roles.sqlite'}")


def test_postgresql_roles_of_unverified_addresses_become_invitations(scratch_postgres_url):
    assert_unverified_roles_become_invitations(scratch_postgres_url)
