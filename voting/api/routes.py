"""JSON endpoints under /api/v1."""
from flask import Blueprint, jsonify
from flask_login import current_user, login_required

from voting.api.services import describe_user

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/me")
@login_required
def me():
    """The signed-in user: name, email and roles (401 when anonymous)."""
    return jsonify(describe_user(current_user))
