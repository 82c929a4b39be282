"""The home page and the health check."""
from flask import Blueprint, jsonify, render_template

from voting.core.services import database_is_up
from voting.events.services import list_events

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    """List the events, soonest first."""
    return render_template("core/home.html", events=list_events())


@bp.get("/healthz")
def healthz():
    """Report whether the app and its database answer."""
    if database_is_up():
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="error"), 503
