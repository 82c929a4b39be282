"""Podium: a talk-proposal voting and review system."""
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from sqlalchemy import text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.engine import make_url

from voting.config import ConfigError, load_config
from voting.extensions import csrf, db, limiter, login_manager, migrate
# Every model registered before any feature module: loader options built at import configure the mappers.
import voting.models  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the Podium app; `config` overrides settings from the environment."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_mapping(load_config(config))
    _prepare_database_settings(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _trust_proxies(app)
    if app.config["DATABASE_CHECK_ON_START"]:
        check_database(app)
    return app


def _prepare_database_settings(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        url = make_url(uri)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL is not a database URL: {uri!r}") from None
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "postgresql":
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        # A server that vanishes without closing its connections (a dropped network) must not hang a
        # worker: TCP keepalives and a user timeout end such a connection, a statement timeout a stuck query.
        options.setdefault("connect_args", {
            "connect_timeout": 5, "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
            "keepalives_count": 3, "tcp_user_timeout": 30_000,
            "options": f"-c statement_timeout={app.config['DATABASE_STATEMENT_TIMEOUT']}"})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    # Rate limits are shared across workers through Redis when there is one.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")


def _init_extensions(app):
    try:
        db.init_app(app)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(f"DATABASE_URL cannot be used: {exc}") from None
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_message = "Please sign in to see that page."


def _register_blueprints(app):
    from voting.api.routes import bp as api_bp
    from voting.auth import init_auth
    from voting.community.routes import bp as community_bp
    from voting.community.results_routes import bp as results_bp
    from voting.community.stuffing_routes import bp as integrity_bp
    from voting.core import register_core
    from voting.events.invitations import bp as invitations_bp
    from voting.events.routes import bp as events_bp
    from voting.export.routes import bp as export_bp
    from voting.mail.routes import bp as mail_bp
    from voting.proposals.admin import bp as proposal_admin_bp
    from voting.proposals.routes import bp as proposals_bp
    from voting.review.routes import bp as review_bp
    from voting.review.decision_routes import bp as decisions_bp
    from voting.review.selection_routes import bp as selection_bp
    from voting.schedule.routes import bp as schedule_bp

    register_core(app)
    init_auth(app)
    app.register_blueprint(events_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(proposal_admin_bp)
    app.register_blueprint(community_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(export_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(integrity_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(decisions_bp)
    app.register_blueprint(selection_bp)
    app.register_blueprint(schedule_bp)
    if app.config["PODIUM_BENCH_ENDPOINTS"]:
        from voting.core.bench import bp as bench_bp

        app.register_blueprint(bench_bp)


def _register_cli(app):
    from voting.demo import demo_command
    from voting.export.cli import export_command
    from voting.mail.cli import mail_cli

    app.cli.add_command(demo_command)
    app.cli.add_command(export_command)
    app.cli.add_command(mail_cli)


def _trust_proxies(app):
    """Behind nginx, take the client's address and scheme from the trusted proxies' headers."""
    try:
        count = int(app.config["PODIUM_TRUSTED_PROXIES"])
    except ValueError:
        raise ConfigError("PODIUM_TRUSTED_PROXIES must be a whole number") from None
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def check_database(app):
    """Fail with a one-line ConfigError if the configured database cannot be reached."""
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            url = db.engine.url.render_as_string(hide_password=True)
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise ConfigError(f"cannot reach the database at {url}: {reason}") from None
