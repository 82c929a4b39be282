"""Error pages: a clear page with the right status, never a stack trace."""
import time

from flask import current_app, g, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from voting.errors import NotFound
from voting.extensions import db, limiter

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
    app.register_error_handler(NotFound, lambda exc: render_error(404, str(exc), "Not found"))
    app.register_error_handler(OperationalError, _database_error)
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (teardowns run in reverse).
    app.teardown_appcontext(_end_database_session)
    # A number from the request too large for the database (a page 10^20): the input is wrong, not the app.
    app.register_error_handler(DataError, _out_of_range)
    app.register_error_handler(OverflowError, _out_of_range)


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
    response = render_error(status, _message(status, exc), exc.name)
    allow = dict(exc.get_headers()).get("Allow")
    if allow:
        response.headers["Allow"] = allow
    if status == 429:
        response.headers["Retry-After"] = str(_seconds_until_allowed())
    return response


def _seconds_until_allowed():
    """When the rate limit that refused the request lets it through again, in whole seconds (at least 1)."""
    limit = limiter.current_limit
    if limit is None:  # a 429 not from Flask-Limiter
        return 60
    return max(1, int(limit.reset_at - time.time()))


def _message(status, exc):
    """What to tell the user: a 500's description may carry internals, a 413's is Werkzeug's jargon."""
    if status == 413:
        size, parts = current_app.config.get("MAX_CONTENT_LENGTH") or 0, current_app.config["MAX_FORM_PARTS"]
        return f"{MESSAGES[413]} A form may send at most {size // 1024:,} KB and {parts:,} fields or files."
    return None if status >= 500 else exc.description


def _csrf_error(exc):
    return render_error(400, f"The form was rejected: {exc.description} Reload the page and try again.",
                        "Form expired")


def _out_of_range(exc):
    db.session.rollback()
    return render_error(400, "A number or text in the request is out of range.", "Bad request")


def _database_error(exc):
    db.session.rollback()
    # The page is drawn as for a visitor: the rollback expired the signed-in user, reading it again
    # would need the database that just failed.
    _as_visitor()
    response = render_error(503, MESSAGES[503], ServiceUnavailable().name)
    response.headers["Retry-After"] = "10"
    return response


def _end_database_session(exc):
    """End the request's database session; a connection the server dropped meanwhile is no error.

    The answer is ready by now (a vote committed, say): if the server went away since, the rollback
    that ends the session fails. The broken connection is discarded and the answer stands, not a 500.
    """
    try:
        db.session.remove()
    except OperationalError as error:
        current_app.logger.warning("database connection lost at the end of a request: %s", error.orig)
        db.session.remove()  # the connection was invalidated by the failure: this closes cleanly


def _visitor_if_database_down():
    """Load the signed-in user for the page's header; a visitor when the database cannot be reached."""
    try:
        current_user.is_authenticated  # noqa: B018  (loads the user from the database)
    except OperationalError:
        db.session.rollback()
        _as_visitor()


def _as_visitor():
    g._login_user = current_app.login_manager.anonymous_user()  # Flask-Login's user of this request
