"""The speaker's pages: submit, edit, withdraw, co-speakers, my proposals, the public proposal page."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from voting.auth.services import safe_next_path
from voting.core.forms import form_status, save_form
from voting.errors import RuleViolation
from voting.events.services import get_event_or_404
from voting.permissions import can_chair, can_view_proposal, is_speaker
from voting.proposals import services, speakers
from voting.proposals.forms import (
    AcceptInvitationForm, ConfirmForm, CreateProposalForm, InviteSpeakerForm, ProposalForm,
    SpeakerProfileForm,
)

bp = Blueprint("proposals", __name__)
PROPOSAL = "/events/<event_slug>/proposals/<slug>"


def _own_proposal(event_slug, slug):
    proposal = services.get_proposal_or_404(event_slug, slug)
    if not is_speaker(current_user, proposal):
        abort(403, description="Only the proposal's speakers can do that.")
    return proposal


def _to_detail(proposal):
    return redirect(url_for("proposals.detail", event_slug=proposal.event.slug, slug=proposal.slug))


@bp.route("/events/<event_slug>/proposals/new", methods=["GET", "POST"])
@login_required
def new(event_slug):
    """Submit a proposal (asks for the speaker profile first)."""
    event = get_event_or_404(event_slug)
    if current_user.speaker_profile is None:
        flash("First, tell the audience who you are.", "info")
        return redirect(url_for("proposals.speaker_profile", next=request.path))
    form = CreateProposalForm(event=event)
    proposal = save_form(form, lambda: speakers.create_proposal_with_co_speakers(
        event=event, user=current_user, content=form.content(), tags=form.tag_names(),
        co_speakers=form.co_speaker_emails(), submit=form.submit.data))
    if proposal:
        flash("Your proposal was submitted." if form.submit.data else "Your draft was saved.", "success")
        return _to_detail(proposal)
    return render_template("proposals/form.html", form=form, event=event, proposal=None), form_status(form)


@bp.get(PROPOSAL)
def detail(event_slug, slug):
    """A proposal's page: public once voting opens, before that for its speakers, chairs and organisers."""
    proposal = services.get_proposal_or_404(event_slug, slug)
    if not can_view_proposal(current_user, proposal):
        abort(404, description="There is no such proposal.")
    return _detail_page(proposal, InviteSpeakerForm())


def _detail_page(proposal, invite_form, status=200):
    history = services.revision_history(proposal) if can_chair(current_user, proposal.track) else None
    return render_template("proposals/detail.html", proposal=proposal, event=proposal.event, history=history,
                           confirm=ConfirmForm(), invite=invite_form), status


@bp.route(PROPOSAL + "/edit", methods=["GET", "POST"])
@login_required
def edit(event_slug, slug):
    """Change a draft or submitted proposal while the call for proposals is open."""
    proposal = _own_proposal(event_slug, slug)
    form = ProposalForm(event=proposal.event, data=_form_data(proposal) if request.method == "GET" else None)
    if save_form(form, lambda: services.update_proposal(proposal=proposal, user=current_user,
                                                        content=form.content(), tags=form.tag_names())):
        flash("Your changes were saved.", "success")
        return _to_detail(proposal)
    return render_template("proposals/form.html", form=form, event=proposal.event, proposal=proposal), \
        form_status(form)


def _form_data(proposal):
    data = {name: getattr(proposal, name) for name in ("title", "abstract", "description", "learning_outcomes",
                                                       "track_id")}
    return {**data, "tags": ", ".join(proposal.tag_names), "format": proposal.format.value,
            "level": proposal.level.value}


def _post_action(event_slug, slug, action, message):
    proposal = _own_proposal(event_slug, slug)
    form = ConfirmForm()
    if save_form(form, lambda: action(proposal) or True):
        flash(message, "success")
    else:
        for error in form.form_errors or ["The form expired; please try again."]:
            flash(error, "error")
    return _to_detail(proposal)


@bp.post(PROPOSAL + "/submit")
@login_required
def submit(event_slug, slug):
    """Submit a draft."""
    return _post_action(event_slug, slug, lambda p: services.submit_proposal(proposal=p, user=current_user),
                        "Your proposal was submitted.")


@bp.post(PROPOSAL + "/withdraw")
@login_required
def withdraw(event_slug, slug):
    """Withdraw a proposal: it leaves voting and review; nothing is deleted."""
    return _post_action(event_slug, slug, lambda p: services.withdraw_proposal(proposal=p, user=current_user),
                        "Your proposal was withdrawn.")


@bp.post(PROPOSAL + "/leave")
@login_required
def leave(event_slug, slug):
    """A co-speaker leaves the proposal."""
    return _post_action(event_slug, slug, lambda p: speakers.leave_proposal(proposal=p, user=current_user),
                        "You are no longer a speaker of this proposal.")


@bp.post(PROPOSAL + "/speakers")
@login_required
def invite(event_slug, slug):
    """Invite a co-speaker by email."""
    proposal = _own_proposal(event_slug, slug)
    form = InviteSpeakerForm()
    if save_form(form, lambda: speakers.invite_co_speaker(proposal=proposal, email=form.email.data,
                                                          by=current_user)):
        flash(f"{form.email.data} was invited.", "success")
        return _to_detail(proposal)
    return _detail_page(proposal, form, 400)


@bp.post(PROPOSAL + "/speakers/<int:speaker_id>/remove")
@login_required
def remove_speaker(event_slug, slug, speaker_id):
    """The submitter removes a co-speaker or an open invitation."""
    def action(proposal):
        speaker = next((s for s in proposal.speakers if s.id == speaker_id), None) or abort(404)
        speakers.remove_speaker(speaker=speaker, by=current_user)
    return _post_action(event_slug, slug, action, "The speaker was removed.")


@bp.route(PROPOSAL + "/invitations/<token>", methods=["GET", "POST"])
@login_required
def invitation(event_slug, slug, token):
    """Accept an invitation to speak, from the mailed link; someone not its verified addressee confirms."""
    try:
        speaker = speakers.invitation_at(event_slug=event_slug, slug=slug, token=token)
    except RuleViolation as exc:  # the token is checked first: a wrong one learns nothing of the proposal
        abort(404, description=exc.message)
    form = AcceptInvitationForm()
    if save_form(form, lambda: speakers.accept_invitation(token=token, user=current_user,
                                                          confirmed=form.confirm.data)):
        flash("You are now a speaker of this proposal.", "success")
        return _to_detail(speaker.proposal)
    return render_template("proposals/invitation.html", proposal=speaker.proposal, speaker=speaker, form=form,
                           mismatch=speakers.addressee_mismatch(speaker, current_user)), form_status(form)


@bp.get("/me/proposals")
@login_required
def mine():
    """Every proposal of mine, its state, and what I can do next."""
    return render_template("proposals/mine.html", proposals=services.proposals_of(current_user))


@bp.route("/me/speaker-profile", methods=["GET", "POST"])
@login_required
def speaker_profile():
    """Create or edit my public speaker profile."""
    profile = current_user.speaker_profile
    initial = {"obj": profile, "data": None if profile else {"display_name": current_user.name}}
    form = SpeakerProfileForm(**(initial if request.method == "GET" else {}))
    if save_form(form, lambda: speakers.save_speaker_profile(user=current_user, data=form.data)):
        flash("Your speaker profile was saved.", "success")
        return redirect(safe_next_path(request.args.get("next")) or url_for("proposals.mine"))
    return render_template("proposals/speaker_profile.html", form=form), form_status(form)
