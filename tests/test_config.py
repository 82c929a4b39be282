"""Configuration from the environment, and refusing to start on bad configuration."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sqlalchemy import text

from tests.conftest import POSTGRES_URL, PRODUCTION, database_url
from voting import create_app
from voting.config import ConfigError, load_config
from voting.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def test_default_database_is_a_sqlite_file_under_instance():
    settings = load_config(environ={})
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["SQLALCHEMY_DATABASE_URI"].endswith("instance/podium.sqlite")
    assert settings["PODIUM_ENV"] == "development"


def test_postgres_urls_use_psycopg_3():
    settings = load_config(environ={"DATABASE_URL": "postgres://u@db:5432/podium"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db:5432/podium"


def test_production_requires_a_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(environ={"PODIUM_ENV": "production"})
    settings = load_config(environ=PRODUCTION)
    assert settings["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("key", ["s3cret", "k" * 31, "x" * 32, "=" * 64, "a-fine-looking-key-but-31-chars"])
def test_production_refuses_a_short_or_one_character_secret_key(key):
    with pytest.raises(ConfigError, match="SECRET_KEY must be at least 32 characters, not one repeated"):
        load_config(environ={**PRODUCTION, "SECRET_KEY": key})
    assert load_config(environ={**PRODUCTION, "SECRET_KEY": "ab" * 16})["SECRET_KEY"] == "ab" * 16
    assert load_config(environ={"SECRET_KEY": key})["SECRET_KEY"] == key, "only production refuses it"


def test_production_requires_the_site_address():
    without = {name: value for name, value in PRODUCTION.items() if name != "PODIUM_BASE_URL"}
    with pytest.raises(ConfigError, match="PODIUM_BASE_URL must be set when PODIUM_ENV=production"):
        load_config(environ=without)
    assert load_config(environ={**PRODUCTION, "PODIUM_BASE_URL": "https://cfp.example.org/"})[
        "PODIUM_BASE_URL"] == "https://cfp.example.org"


@pytest.mark.parametrize("url", ["podium.example.org", "ftp://podium.example.org", "https://", "javascript:x",
                                 "https://podium.example.org/?next=x"])
def test_a_base_url_that_is_no_web_address_is_refused(url):
    with pytest.raises(ConfigError, match="PODIUM_BASE_URL must be an http:// or https:// address"):
        load_config(environ={"PODIUM_BASE_URL": url})


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="PODIUM_ENV"):
        load_config(environ={"PODIUM_ENV": "staging"})


def test_redis_url_becomes_the_rate_limit_storage():
    app = create_app({"PODIUM_ENV": "testing", "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_session_cookie_is_httponly_and_lax_with_its_own_name():
    app = create_app({"PODIUM_ENV": "testing"})
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_NAME"] == "podium_session"


def run_flask(env, *args):
    """Run `flask --app app ARGS` in a clean environment plus `env`."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("PODIUM_ENV", "SECRET_KEY", "DATABASE_URL", "PODIUM_BASE_URL")}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                          env={**base, **env}, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("env, message", [
    ({"PODIUM_ENV": "production"}, "podium: SECRET_KEY must be set when PODIUM_ENV=production"),
    ({**PRODUCTION, "SECRET_KEY": "short"}, "podium: SECRET_KEY must be at least 32 characters"),
    ({**PRODUCTION, "PODIUM_BASE_URL": ""}, "podium: PODIUM_BASE_URL must be set when PODIUM_ENV=production"),
    ({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "podium: cannot reach the database at"),
    ({"DATABASE_URL": "not a url"}, "podium: DATABASE_URL is not a database URL"),
    ({"DATABASE_URL": "mysql+nodriver://x@127.0.0.1/x"}, "podium: DATABASE_URL cannot be used"),
])
def test_bad_configuration_stops_with_one_clear_line(env, message):
    result = run_flask(env, "routes")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(message)


def test_trusted_proxies_give_the_client_address():
    app = create_app({"PODIUM_ENV": "testing", "PODIUM_TRUSTED_PROXIES": "1"})

    @app.get("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr

    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "198.51.100.9"},
                                     environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.get_data(as_text=True) == "198.51.100.9"
    plain = create_app({"PODIUM_ENV": "testing"})
    plain.add_url_rule("/whoami", view_func=whoami)
    assert plain.test_client().get("/whoami", headers={"X-Forwarded-For": "198.51.100.9"}).get_data(
        as_text=True) == "127.0.0.1"


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL")
def test_postgresql_connections_time_out_stuck_queries_and_dead_peers():
    app = create_app({"PODIUM_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url("postgresql")})
    with app.app_context():
        timeout = db.session.scalar(text("SELECT current_setting('statement_timeout')"))
        client = db.session.connection().connection.driver_connection.info.get_parameters()
        db.session.remove()
        db.engine.dispose()
    assert timeout == "30s"
    assert (client["keepalives"], client["keepalives_idle"], client["tcp_user_timeout"]) == ("1", "30", "30000")


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL")
def test_the_statement_timeout_is_a_setting_and_migrations_run_without_it(tmp_path):
    url = database_url("postgresql")
    app = create_app({"PODIUM_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "DATABASE_STATEMENT_TIMEOUT": "250ms"})
    with app.app_context():
        with pytest.raises(Exception, match="statement timeout"):
            db.session.execute(text("SELECT pg_sleep(1)"))
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
