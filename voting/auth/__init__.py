"""Users, identities and sign-in."""
from flask import request, url_for, redirect

from voting.auth.sessions import load_session_user
from voting.extensions import login_manager


@login_manager.user_loader
def load_user(user_id):
    """Flask-Login's loader: the user behind a session that is still open on the server."""
    return load_session_user(user_id)


@login_manager.unauthorized_handler
def unauthorized():
    """401 for the API; elsewhere, the sign-in page, coming back here afterwards."""
    from voting.core.errors import render_error

    if request.path.startswith("/api/"):
        return render_error(401, "Sign in first.", "Unauthorized")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_auth(app):
    """Register the providers, the sign-in blueprints and the users CLI."""
    from voting.auth.cli import users_cli
    from voting.auth.providers import register_providers
    from voting.auth.routes import bp

    register_providers(app)
    app.register_blueprint(bp)
    if app.config["PODIUM_DEV_LOGIN"]:
        from voting.auth.dev import bp as dev_bp

        app.register_blueprint(dev_bp)
    app.cli.add_command(users_cli)
