"""Site-wide pieces: the home page, health check, error pages, template helpers."""
from flask import abort, request
from werkzeug.routing import IntegerConverter

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def register_core(app):
    """Attach the core blueprint, error pages, security headers and template helpers."""
    # Imported here so that the small helpers of voting.core import without the blueprint.
    from voting.core.errors import register_error_handlers
    from voting.core.routes import bp
    from voting.core.templating import register_template_helpers

    app.url_map.converters["int"] = DatabaseInteger  # before any route is added
    app.register_blueprint(bp)
    register_error_handlers(app)
    register_template_helpers(app)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
    if app.config["PODIUM_ENV"] == "production":
        app.after_request(_strict_transport_security)


class DatabaseInteger(IntegerConverter):
    """An <int:...> in a route matches only what an integer column holds; a larger number is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _refuse_nul_characters():
    """A clear 400 for a NUL character in the address, query or form: PostgreSQL cannot store or match it."""
    values = [request.path, *(text for pair in request.args.items(multi=True) for text in pair)]
    if request.method == "POST" and request.mimetype in FORM_TYPES:
        values += [text for pair in request.form.items(multi=True) for text in pair]
    if any("\x00" in text for text in values):
        abort(400, description="Text cannot contain NUL characters (\\0). Remove them and try again.")


def _strict_transport_security(response):
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    )
    return response
