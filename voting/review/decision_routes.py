"""The decisions page (organisers; chairs when the event allows it), publishing, and the speakers' answer."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from voting.core.forms import form_status, save_form
from voting.errors import RuleViolation
from voting.events.services import get_event_or_404, get_track_or_404
from voting.permissions import can_decide, can_manage_event
from voting.proposals.services import get_proposal_or_404
from voting.proposals.speaking import speaks_on
from voting.review import decisions
from voting.review.decision_forms import ButtonForm, DecideForm, ParticipationForm

bp = Blueprint("decisions", __name__)
PAGE = "/events/<event_slug>/decisions"
bp.add_app_template_global(decisions.visible_state, "visible_state")


@bp.app_template_global()
def participation_link(proposal, user):
    """The address of the user's confirm-or-decline page for an accepted proposal."""
    return url_for("decisions.participation", event_slug=proposal.event.slug, slug=proposal.slug,
                   token=decisions.confirm_token(proposal, user))


def _require(allowed, event):
    if not allowed:
        abort(403, description=f"Only the organisers of {event.name} (and its chairs, if allowed) decide.")


def _page(event, failed=None):
    """The page; with `failed`, the refused form's messages on top and a 400."""
    tracks = [track for track in event.tracks if can_decide(current_user, event, track)]
    shown = {track.id for track in tracks}
    html = render_template(
        "review/decisions.html", event=event, failed=failed, button=ButtonForm(),
        boards=[(track, decisions.track_board(track, current_user)) for track in tracks],
        unpublished=[(p, speaks_on(current_user, p)) for p in decisions.unpublished_changes(event)
                     if p.track_id in shown],
        may_publish=can_manage_event(current_user, event))
    return html, 400 if failed else 200


def _done(event, message):
    flash(message, "success")
    return redirect(url_for(".index", event_slug=event.slug))


@bp.get(PAGE)
@login_required
def index(event_slug):
    """Per track: the team list beside the current decisions, what is unpublished, and the decide forms."""
    event = get_event_or_404(event_slug)
    _require(can_decide(current_user, event), event)
    return _page(event)


@bp.post(PAGE + "/proposals/<slug>")
@login_required
def decide(event_slug, slug):
    """Accept, keep as alternate or reject one proposal, with an optional reason."""
    proposal = get_proposal_or_404(event_slug, slug)
    _require(can_decide(current_user, proposal.event, proposal.track), proposal.event)
    form = DecideForm()
    if save_form(form, lambda: decisions.decide(proposal=proposal, to_state=form.to_state.data,
                                                by=current_user, reason=form.reason.data)):
        return _done(proposal.event, f"“{proposal.title}” is now {proposal.state.value} (not yet published).")
    return _page(proposal.event, failed=form)


@bp.post(PAGE + "/tracks/<track_slug>/apply")
@login_required
def apply(event_slug, track_slug):
    """Turn the track's team list into decisions: sessions accepted, alternates alternate, others rejected."""
    event = get_event_or_404(event_slug)
    track = get_track_or_404(event, track_slug)
    _require(can_decide(current_user, event, track), event)
    form = ButtonForm()
    counts = save_form(form, lambda: decisions.apply_team_list(track=track, by=current_user))
    if counts:
        return _done(event, f"The team list of {track.name} is applied: {decisions.describe(counts)}.")
    return _page(event, failed=form)


@bp.post(PAGE + "/publish")
@login_required
def publish(event_slug):
    """Mail the speakers whose decision changed since the last publication (organisers only)."""
    event = get_event_or_404(event_slug)
    if not can_manage_event(current_user, event):
        abort(403, description=f"Only the organisers of {event.name} publish its decisions.")
    form = ButtonForm()
    counts = save_form(form, lambda: decisions.publish_decisions(event=event, by=current_user))
    if counts:
        return _done(event, f"Published: {decisions.describe(counts)}.")
    return _page(event, failed=form)


@bp.route("/events/<event_slug>/proposals/<slug>/participation/<token>", methods=["GET", "POST"])
def participation(event_slug, slug, token):
    """Confirm or decline an accepted proposal from the mailed link: the signed link is the proof."""
    proposal = get_proposal_or_404(event_slug, slug)
    speaker = _linked_speaker(proposal, token)
    form = ParticipationForm()
    message = save_form(form, lambda: _answer(form, token))
    if message:
        flash(message, "success")
        return redirect(request.path)
    return render_template("review/confirm.html", proposal=proposal, speaker=speaker, form=form,
                           state=decisions.visible_state(speaker, proposal)), form_status(form)


def _linked_speaker(proposal, token):
    """The speaker the link names for this proposal, or a 400 page that says why not."""
    try:
        linked, speaker = decisions.proposal_for_token(token)
    except RuleViolation as exc:
        abort(400, description=exc.message)
    if linked.id != proposal.id:
        abort(400, description="This link is not valid.")
    return speaker


def _answer(form, token):
    if form.confirm.data:
        return decisions.confirm_participation(token=token)
    return decisions.decline_participation(token=token, reason=form.reason.data)
