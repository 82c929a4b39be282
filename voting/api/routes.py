"""JSON endpoints under /api/v1: the signed-in user, the public read-only API and its OpenAPI document."""
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required

from voting.api import services
from voting.api.openapi import openapi_document
from voting.api.services import describe_user
from voting.events.services import get_event_or_404

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/me")
@login_required
def me():
    """The signed-in user: name, email and roles (401 when anonymous)."""
    response = jsonify(describe_user(current_user))
    response.headers["Cache-Control"] = "private, no-store"  # the user's email and roles
    return response


@bp.get("/events")
def events():
    """Every event's public facts."""
    return jsonify(services.list_events_json())


@bp.get("/events/<event_slug>/proposals")
def proposals(event_slug):
    """The event's proposals, public fields only, a page at a time (?state=, ?page=, ?per_page= up to 200)."""
    event = get_event_or_404(event_slug)
    try:
        state, page, per_page = services.parse_listing(request.args)
    except services.BadQuery as exc:
        abort(400, description=str(exc))
    return jsonify(services.proposals_page(event=event, state=state, page=page, per_page=per_page))


@bp.get("/events/<event_slug>/schedule")
def schedule(event_slug):
    """The event's published schedule (404 until it is published)."""
    event = get_event_or_404(event_slug)
    if event.schedule_published_at is None:
        abort(404, description=f"The schedule of {event.name} is not published yet.")
    return jsonify(services.schedule_json(event))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document of this API."""
    return jsonify(openapi_document(current_app.config["SESSION_COOKIE_NAME"]))
