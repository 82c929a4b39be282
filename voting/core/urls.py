"""Absolute links for mails, exports and the API: always on PODIUM_BASE_URL, inside a request or not."""
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint, **values):
    """The absolute URL of `endpoint` on PODIUM_BASE_URL, never on the Host header a request brings."""
    app = current_app
    base = urlsplit(app.config["PODIUM_BASE_URL"])
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)
