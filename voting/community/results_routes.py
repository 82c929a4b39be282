"""The community results: the ranking for those allowed to see it, and the organiser's voting dashboard."""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from voting.community import charts, results
from voting.events.services import get_event_or_404, managed_event_or_403
from voting.permissions import can_see_results

bp = Blueprint("results", __name__)
PER_PAGE = 100


@bp.get("/events/<event_slug>/results")
def ranking(event_slug):
    """The event's proposals ranked by Bayesian average, over the event or in one track."""
    event = get_event_or_404(event_slug)
    if not can_see_results(current_user, event):
        return render_template("community/results_hidden.html", event=event), 403
    track = _track_or_404(event, request.args.get("track", type=int))
    outcome = results.proposal_results(event=event, track_id=track.id if track else None)
    page = results.paginate(outcome.rows, request.args.get("page", 1, type=int), PER_PAGE)
    return render_template("community/results.html", event=event, track=track, results=outcome, page=page,
                           bar=charts.distribution_bar)


@bp.get("/events/<event_slug>/manage/voting")
@login_required
def dashboard(event_slug):
    """The organiser's pictures of the voting: per day, per proposal, per track and each distribution."""
    event = managed_event_or_403(event_slug, current_user, "see its voting dashboard")
    figures = results.dashboard(event=event, page=request.args.get("page", 1, type=int))
    return render_template("community/dashboard.html", event=event, figures=figures,
                           charts=charts.dashboard_charts(figures, time_zone=event.timezone))


def _track_or_404(event, track_id):
    """The event's track with this id, None when no track is asked for, a 404 when it is not the event's."""
    if track_id is None:
        return None
    track = next((track for track in event.tracks if track.id == track_id), None)
    if track is None:
        abort(404, description="The event has no such track.")
    return track
