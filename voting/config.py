"""Configuration from the environment, one class per PODIUM_ENV."""
import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Config

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """Configuration that the app refuses to start with."""


class BaseConfig:
    """Settings shared by every environment."""

    PODIUM_ENV = "development"
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'podium.sqlite'}"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = None
    SESSION_COOKIE_NAME = "podium_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 1 * 1024 * 1024
    DATABASE_CHECK_ON_START = True
    # PostgreSQL ends a web request's query running longer than this ("0": no limit); migrations have none.
    DATABASE_STATEMENT_TIMEOUT = "30s"
    PODIUM_DEV_LOGIN = False
    PODIUM_BENCH_ENDPOINTS = False  # bench/'s bare endpoint (voting/core/bench.py); not for a real site
    PODIUM_ADMINS = ""  # comma-separated emails of site admins
    # The site's address: every absolute link (mail, exports, the API) starts with it, never with the Host
    # header a request brings. Required in production.
    PODIUM_BASE_URL = "http://127.0.0.1:5000"
    # How many reverse proxies (nginx ...) stand in front of the app and set X-Forwarded-*; 0 = none.
    PODIUM_TRUSTED_PROXIES = 0
    MAIL_BACKEND = "smtp"  # "smtp": the worker sends; "outbox": mails are only kept, for the browser
    MAIL_OUTBOX_VIEW = False
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USE_SSL = False  # TLS from the first byte (usually port 465)
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Podium <podium@localhost>"
    MAIL_TIMEOUT = 10
    MAIL_MAX_ATTEMPTS = 8
    MAIL_LEASE_SECONDS = 600  # how long a worker's claim on a batch lasts
    # Vote writes (votes, skips, clears) allowed per signed-in user and per client IP; a person reading
    # proposals stays far below these, a script does not. The IP limit is higher: conference Wi-Fi shares IPs.
    VOTE_RATE_LIMIT_USER = "30 per minute; 600 per hour"
    VOTE_RATE_LIMIT_IP = "300 per minute"
    # How many days an event may last; the schedule's pages and exports never go past so many days.
    PODIUM_MAX_EVENT_DAYS = 60


class DevelopmentConfig(BaseConfig):
    """Local development: a fixed secret key, the demo sign-in."""

    PODIUM_ENV = "development"
    SECRET_KEY = "development-only-not-secret"
    PODIUM_DEV_LOGIN = True
    MAIL_BACKEND = "outbox"
    MAIL_OUTBOX_VIEW = True


class TestingConfig(BaseConfig):
    """The test suite: an in-memory SQLite database unless told otherwise."""

    PODIUM_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    DATABASE_CHECK_ON_START = False
    PODIUM_BASE_URL = "http://localhost"  # the test client's own host


class ProductionConfig(BaseConfig):
    """Production: secrets must come from the environment, cookies are Secure."""

    PODIUM_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PODIUM_BASE_URL = None  # the site's own address must be given: links never come from a Host header


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def normalise_database_url(url):
    """Point postgres URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


TRUE_WORDS = ("1", "true", "yes", "on")
MAIL_TEXT = ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER")
MAIL_NUMBERS = ("MAIL_PORT", "MAIL_TIMEOUT", "MAIL_MAX_ATTEMPTS", "MAIL_LEASE_SECONDS")
NUMBERS = (*MAIL_NUMBERS, "PODIUM_MAX_EVENT_DAYS")
# On/off settings: from the environment (or podium.cfg) as words, read as booleans once merged. Secure
# cookies are on in production; a deployment tested over plain HTTP on loopback turns them off.
FLAGS = ("PODIUM_DEV_LOGIN", "PODIUM_BENCH_ENDPOINTS", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_OUTBOX_VIEW",
         "SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")


def load_config(overrides=None, environ=None, instance_file=INSTANCE_DIR / "podium.cfg"):
    """Build create_app's settings: class defaults, then the instance file, the environment, overrides."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    env = overrides.get("PODIUM_ENV") or environ.get("PODIUM_ENV", "development")
    if env not in CONFIGS:
        raise ConfigError(f"PODIUM_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    cls = CONFIGS[env]
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    if env != "testing":
        settings.update(_instance_settings(instance_file))
        settings.update(_environment_settings(environ))
    settings.update(overrides)
    settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(settings["SQLALCHEMY_DATABASE_URI"])
    settings.update({name: str(settings[name]).lower() in TRUE_WORDS for name in FLAGS if name in settings})
    _refuse_unsafe(env, settings)
    _check_base_url(settings)
    _check_event_days(settings)
    _check_mail(settings)
    return settings


def _instance_settings(path):
    config = Config(str(Path(path).parent))
    if Path(path).is_file():
        config.from_pyfile(str(path))
    return dict(config)


def _environment_settings(environ):
    settings = {name: environ[name] for name in ("SECRET_KEY", "REDIS_URL", "DATABASE_STATEMENT_TIMEOUT")
                if environ.get(name)}
    if environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    for name, value in environ.items():
        if name.startswith("PODIUM_OAUTH_") or name in ("PODIUM_ADMINS", "PODIUM_BASE_URL",
                                                          "PODIUM_TRUSTED_PROXIES", "VOTE_RATE_LIMIT_USER",
                                                          "VOTE_RATE_LIMIT_IP"):
            settings[name] = value
    settings.update({name: environ[name] for name in FLAGS if environ.get(name)})
    settings.update(_mail_and_number_settings(environ))
    return settings


def _mail_and_number_settings(environ):
    """The MAIL_* texts as given, the numbers (MAIL_PORT, PODIUM_MAX_EVENT_DAYS ...) as integers."""
    settings = {name: environ[name] for name in MAIL_TEXT if environ.get(name)}
    for name in NUMBERS:
        if environ.get(name):
            try:
                settings[name] = int(environ[name])
            except ValueError:
                raise ConfigError(f"{name} must be a whole number, not {environ[name]!r}") from None
    return settings


def _check_event_days(settings):
    value = settings["PODIUM_MAX_EVENT_DAYS"]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"PODIUM_MAX_EVENT_DAYS must be a whole number of days from 1, not {value!r}")


def _check_mail(settings):
    if settings["MAIL_BACKEND"] not in ("smtp", "outbox"):
        raise ConfigError(f"MAIL_BACKEND must be smtp or outbox, not {settings['MAIL_BACKEND']!r}")
    if settings["MAIL_USE_TLS"] and settings["MAIL_USE_SSL"]:
        raise ConfigError("MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL cannot both be on")


MIN_SECRET_KEY_LENGTH = 32


def _refuse_unsafe(env, settings):
    if env != "production":
        return
    key = settings.get("SECRET_KEY")
    if not key:
        raise ConfigError("SECRET_KEY must be set when PODIUM_ENV=production")
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) == 1:
        raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters, not one "
                          "repeated, when PODIUM_ENV=production: anyone who guesses it can sign sessions "
                          "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    if settings["PODIUM_DEV_LOGIN"]:
        raise ConfigError("PODIUM_DEV_LOGIN cannot be enabled when PODIUM_ENV=production")
    if not settings.get("PODIUM_BASE_URL"):
        raise ConfigError("PODIUM_BASE_URL must be set when PODIUM_ENV=production (the site's address, such "
                          "as https://podium.example.org): links in mail, exports and the API start with it")


def _check_base_url(settings):
    """PODIUM_BASE_URL, when set, is an http(s) address with a host: links are built on it."""
    url = settings.get("PODIUM_BASE_URL")
    if not url:
        return
    parts = urlsplit(str(url))
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"PODIUM_BASE_URL must be an http:// or https:// address such as "
                          f"https://podium.example.org, not {url!r}")
    settings["PODIUM_BASE_URL"] = str(url).rstrip("/")
