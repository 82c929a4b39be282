"""Absolute links for mails and exports, inside a request or not (CLI, worker)."""
from flask import current_app, has_request_context, url_for


def external_url(endpoint, **values):
    """The absolute URL of `endpoint`: from the request's host, else from PODIUM_BASE_URL."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["PODIUM_BASE_URL"]):
        return url_for(endpoint, _external=True, **values)
