"""The track chairs' pages: their tracks, a track's panel, a proposal's review page and its discussion."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from voting.community.charts import distribution_bar
from voting.core.forms import form_status, save_form
from voting.enums import VoteChoice
from voting.events.services import get_event_or_404, get_track_or_404
from voting.permissions import can_chair, can_score, can_see_reviews
from voting.proposals.listing import InvalidFilter
from voting.review import panel as panels, services
from voting.review.forms import CommentForm, ReviewForm

bp = Blueprint("review", __name__)
TRACK = "/events/<event_slug>/review/<track_slug>"
PROPOSAL = TRACK + "/<slug>"


def _chaired_track(event_slug, track_slug):
    event = get_event_or_404(event_slug)
    track = get_track_or_404(event, track_slug)
    if not can_chair(current_user, track):
        abort(403, description=f"Only the chairs of {track.name} and the organisers of {event.name} "
                               "review its proposals.")
    return track


def _reviewable(event_slug, track_slug, slug):
    return services.get_panel_proposal_or_404(track=_chaired_track(event_slug, track_slug), slug=slug)


def _path(proposal, **values):
    return {"event_slug": proposal.event.slug, "track_slug": proposal.track.slug, "slug": proposal.slug,
            **values}


@bp.get("/events/<event_slug>/review")
@login_required
def index(event_slug):
    """The event's tracks I review, with how many of their proposals I have scored."""
    event = get_event_or_404(event_slug)
    tracks = services.chaired_tracks(user=current_user, event=event)
    if not tracks:
        abort(403, description=f"You review no track of {event.name}.")
    return render_template("review/panel.html", event=event, track=None, tracks=tracks)


@bp.get(TRACK)
@login_required
def panel(event_slug, track_slug):
    """The track's proposals, community figures, the chairs' scores, status and flags: sorted, filtered."""
    track = _chaired_track(event_slug, track_slug)
    try:
        sort, filters, page = panels.parse_panel_args(request.args)
        rows = panels.panel_rows(track=track, user=current_user, sort=sort, filters=filters, page=page)
    except InvalidFilter as exc:
        abort(400, description=str(exc))
    return render_template("review/panel.html", event=track.event, track=track, page=rows,
                           formats=panels.Format, levels=panels.Level, states=services.PANEL_STATES)


@bp.route(PROPOSAL, methods=["GET", "POST"])
@login_required
def proposal(event_slug, track_slug, slug):
    """A proposal's review page; posting saves my score ("save and next" goes on to my next unscored one)."""
    proposal = _reviewable(event_slug, track_slug, slug)
    if request.method == "POST" and not can_score(current_user, proposal):
        abort(403, description="Only the track's chairs score its proposals, and not those they speak on.")
    form = ReviewForm(event=proposal.event,
                      obj=services.review_of(current_user, proposal) if request.method == "GET" else None)
    if save_form(form, lambda: services.save_review(chair=current_user, proposal=proposal,
                                                    **form.review_data())):
        flash("Your review was saved.", "success")
        return redirect(_after_saving(proposal, form.save_and_next.data))
    return _review_page(proposal, form, CommentForm(formdata=None), form_status(form))


@bp.post(PROPOSAL + "/comments")
@login_required
def comment(event_slug, track_slug, slug):
    """Add a message to the chairs' private discussion of the proposal."""
    proposal = _reviewable(event_slug, track_slug, slug)
    if not can_see_reviews(current_user, proposal):
        abort(403, description="You speak on this proposal: its discussion is hidden from you.")
    form = CommentForm()
    if save_form(form, lambda: services.add_comment(proposal=proposal, author=current_user,
                                                    body=form.body.data)):
        flash("Your comment was added to the discussion.", "success")
        return redirect(url_for("review.proposal", **_path(proposal), _anchor="discussion"))
    review_form = ReviewForm(formdata=None, event=proposal.event,
                             obj=services.review_of(current_user, proposal))
    return _review_page(proposal, review_form, form, form_status(form))


def _review_page(proposal, form, comment_form, status):
    view = services.review_view(proposal, current_user)
    return render_template("review/proposal.html", view=view, proposal=proposal, event=proposal.event,
                           track=proposal.track, form=form, comment_form=comment_form,
                           choices=list(VoteChoice), bar=distribution_bar), status


def _after_saving(proposal, go_next):
    """This page again, or with "save and next" my next unscored proposal (the panel when none is left)."""
    if not go_next:
        return url_for("review.proposal", **_path(proposal))
    following = services.next_unreviewed(chair=current_user, track=proposal.track, after=proposal)
    if following is None:
        flash(f"You have scored every proposal of {proposal.track.name} you can score.", "info")
        return url_for("review.panel", event_slug=proposal.event.slug, track_slug=proposal.track.slug)
    return url_for("review.proposal", **_path(following))
