"""Error pages: a clear page with the right status, never a stack trace."""
from flask import current_app, g, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from voting.extensions import db

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have permission to do that.",
    404: "There is nothing here.",
    405: "That action is not allowed here.",
    413: "What you sent is too large.",
    429: "Too many requests. Please slow down and try again in a moment.",
    500: "Something went wrong on our side. It has been logged.",
    503: "The service is temporarily unavailable. Please try again shortly.",
}


def register_error_handlers(app):
    """Render HTTP errors, CSRF failures and a lost database as friendly pages."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(OperationalError, _database_error)


def render_error(status, message=None, title=None):
    """An error response as JSON for API paths and HTML elsewhere."""
    message = message or MESSAGES.get(status, "Error")
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return make_response(jsonify(error=title or str(status), message=message), status)
    _visitor_if_database_down()
    page = render_template("errors/error.html", status=status, title=title, message=message)
    return make_response(page, status)


def _http_error(exc):
    status = exc.code or 500
    # A 500's description may carry internals; show the generic message instead.
    response = render_error(status, None if status >= 500 else exc.description, exc.name)
    allow = dict(exc.get_headers()).get("Allow")
    if allow:
        response.headers["Allow"] = allow
    return response


def _csrf_error(exc):
    return render_error(400, f"The form was rejected: {exc.description} Reload the page and try again.",
                        "Form expired")


def _database_error(exc):
    db.session.rollback()
    # The page is drawn as for a visitor: the rollback expired the signed-in user, reading it again
    # would need the database that just failed.
    _as_visitor()
    response = render_error(503, MESSAGES[503], ServiceUnavailable().name)
    response.headers["Retry-After"] = "10"
    return response


def _visitor_if_database_down():
    """Load the signed-in user for the page's header; a visitor when the database cannot be reached."""
    try:
        current_user.is_authenticated  # noqa: B018  (loads the user from the database)
    except OperationalError:
        db.session.rollback()
        _as_visitor()


def _as_visitor():
    g._login_user = current_app.login_manager.anonymous_user()  # Flask-Login's user of this request
