"""Public event pages; the organiser's console is nested under them."""
from flask import Blueprint, render_template

from voting.events.console import bp as console_bp
from voting.events.services import event_windows, get_event_or_404

bp = Blueprint("events", __name__, url_prefix="/events")
bp.register_blueprint(console_bp)


@bp.get("/<slug>")
def detail(slug):
    """An event: its dates, tracks and the state of its windows."""
    event = get_event_or_404(slug)
    return render_template("events/detail.html", event=event, windows=event_windows(event))
