"""Site-wide pieces: the home page, health check, error pages, template helpers."""

def register_core(app):
    """Attach the core blueprint, error pages, security headers and template helpers."""
    # Imported here so that the small helpers of voting.core import without the blueprint.
    from voting.core.errors import register_error_handlers
    from voting.core.routes import bp
    from voting.core.templating import register_template_helpers

    app.register_blueprint(bp)
    register_error_handlers(app)
    register_template_helpers(app)
    app.after_request(_security_headers)
    if app.config["PODIUM_ENV"] == "production":
        app.after_request(_strict_transport_security)


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
