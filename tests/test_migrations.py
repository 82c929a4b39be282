"""The Alembic migrations build the models' schema exactly, on every backend."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

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
