"""Downloads of an event's exports: /events/<event-slug>/export/<name>."""
from flask import Blueprint, Response, abort, stream_with_context
from flask_login import current_user

from voting.export.formats import BY_NAME
from voting.export.services import audience_for, export_chunks, exportable_event_or_404

bp = Blueprint("export", __name__)


@bp.get("/events/<event_slug>/export/<export_name>")
def download(event_slug, export_name):
    """One export of the event: for its organisers always, for everyone once the schedule is published."""
    fmt = BY_NAME.get(export_name) or abort(404, description=f"There is no export called {export_name!r}.")
    event, audience = exportable_event_or_404(current_user, event_slug)
    chunks = export_chunks(fmt, event=event, audience=audience)
    response = Response(stream_with_context(chunks), mimetype=fmt.mimetype)
    disposition = "attachment" if fmt.attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{fmt.filename(event)}"'
    response.headers["X-Schedule-Version"] = str(event.schedule_version)
    # An organiser's export may hold decisions not yet published, a chair's the community results: only
    # what every visitor gets may sit in a shared cache.
    shared = audience == audience_for(None, event)
    response.headers["Cache-Control"] = "public, max-age=300" if shared else "private, no-store"
    return response
