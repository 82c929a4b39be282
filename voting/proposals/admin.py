"""The organiser's list of every proposal of an event, and its CSV download."""
from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user, login_required

from voting.enums import Format
from voting.events.services import managed_event_or_403
from voting.proposals import listing

bp = Blueprint("proposal_admin", __name__)
LIST = "/events/<event_slug>/manage/proposals"


def _managed_event(event_slug):
    """The event if the user may manage it: a 404 when unknown, a 403 when not theirs."""
    return managed_event_or_403(event_slug, current_user, "see all its proposals")


def _filters(event):
    """The filters and page number of the query string, or a 400 saying which value is wrong."""
    try:
        return listing.parse_filters(event=event, args=request.args)
    except listing.InvalidFilter as exc:
        abort(400, description=str(exc))


@bp.get(LIST)
@login_required
def index(event_slug):
    """Every proposal of the event, filtered and sorted, fifty to a page."""
    event = _managed_event(event_slug)
    filters, page = _filters(event)
    result = listing.search_proposals(event=event, page=page, **filters)
    return render_template("proposals/admin_list.html", event=event, result=result, filters=filters,
                           query=listing.filter_args(filters), states=listing.LISTED_STATES,
                           formats=tuple(Format), sorts=listing.SORT_LABELS)


@bp.get(LIST + ".csv")
@login_required
def export_csv(event_slug):
    """The filtered proposals as a CSV file, streamed a chunk of rows at a time."""
    event = _managed_event(event_slug)
    filters, _ = _filters(event)
    chunks = stream_with_context(listing.csv_chunks(event=event, **filters))
    response = Response(chunks, mimetype="text/csv")  # Werkzeug adds "; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-proposals.csv"'
    response.headers["Cache-Control"] = "private, no-store"  # it holds the speakers' emails
    return response
