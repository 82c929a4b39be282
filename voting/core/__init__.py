"""Site-wide pieces: the home page, health check, error pages, template helpers."""
from flask import abort, request
from werkzeug.routing import IntegerConverter

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
NUMBER_MARKS = frozenset("+-_.,' \t")  # what may stand beside the digits of a number int() or float() reads


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
    app.before_request(_refuse_unreadable_forms)
    app.before_request(_refuse_nul_characters)
    app.before_request(_refuse_foreign_digits)
    app.after_request(_security_headers)
    if app.config["PODIUM_ENV"] == "production":
        app.after_request(_strict_transport_security)


class DatabaseInteger(IntegerConverter):
    """An <int:...> in a route matches only what an integer column holds; a larger number is a 404.

    Only the digits 0-9: Python's \\d (and int()) also read ٣ or ３ as 3, another address for the same page.
    """

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _refuse_unreadable_forms():
    """A clear 400 for a JSON body, a 413 for more fields than any form has, on every state-changing request.

    Every form of the site sends form data; Flask-WTF would read a JSON body as the form's data instead,
    and a list, a number or a nested object where a form expects text fails deep inside a route.
    Werkzeug counts the fields of a multipart body (MAX_FORM_PARTS); a urlencoded one is counted here.
    """
    if request.method in SAFE_METHODS or request.routing_exception is not None:  # a 404 or 405 comes first
        return
    if request.is_json:
        abort(400, description="This site's forms send form data, not JSON: use the form on the page.")
    limit = request.max_form_parts
    if request.mimetype == FORM_TYPES[0] and limit is not None and _field_count(request.form) > limit:
        abort(413)


def _field_count(form):
    return sum(len(values) for values in form.listvalues())


def _refuse_nul_characters():
    """A clear 400 for a NUL character in the address, query or form: PostgreSQL cannot store or match it."""
    values = [request.path, *(text for pair in request.args.items(multi=True) for text in pair)]
    if request.method == "POST" and request.mimetype in FORM_TYPES:
        values += [text for pair in request.form.items(multi=True) for text in pair]
    if any("\x00" in text for text in values):
        abort(400, description="Text cannot contain NUL characters (\\0). Remove them and try again.")


def _is_number_like(text):
    """Whether `text` is written as a number (digits of any script, signs, separators): int() may read it."""
    return (any(char.isnumeric() for char in text)
            and all(char.isnumeric() or char in NUMBER_MARKS for char in text))


def _refuse_foreign_digits():
    """A clear 400 for a number in the query string not written with the digits 0-9 (², ①, ٣, ３).

    Every page reads its numbers (page, n, track, min_votes, max_rank ...) with int() or isdigit(), which
    take these characters differently: one might read ٣ as 3, another fail on ². Refused here, once.
    """
    for name, value in request.args.items(multi=True):
        if _is_number_like(value) and not value.isascii():
            abort(400, description=f"Write numbers with the digits 0-9: {name}={value!r} is not a number "
                                   "this site reads.")


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
