"""The voter's pages: one proposal at a time, the shareable proposal page, my votes, and casting a vote.

Every page works with plain forms; static/js/vote.js asks the same POST for JSON and swaps the next
proposal in without a reload.
"""
from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session,
                   url_for)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from voting.community import services
from voting.community.forms import FilterForm, VoteForm
from voting.community.models import Vote
from voting.enums import VoteChoice, WindowState
from voting.core.services import commit_keeping_loaded
from voting.errors import RuleViolation
from voting.events.services import get_event_or_404
from voting.extensions import db, limiter
from voting.permissions import can_view_proposal, is_signed_in
from voting.proposals.models import Proposal
from voting.proposals.publicity import published_outcome
from voting.proposals.services import get_proposal_or_404
from voting.proposals.speaking import speaks_on

bp = Blueprint("community", __name__)
VOTE = "/events/<event_slug>/vote"
VOTES_PER_PAGE = 50
SLOW_DOWN = "You are voting faster than we allow. Wait a minute, then go on: your earlier votes are saved."
SAVED = {"skip": "Skipped: it will not be shown to you again.", "clear": "Your vote was cleared."}
SHOWN_KEY = "vote_shown"  # the session's {event id: the proposal shown}, so a reload shows the same one


def _user_limit():
    return current_app.config["VOTE_RATE_LIMIT_USER"]


def _ip_limit():
    return current_app.config["VOTE_RATE_LIMIT_IP"]


def _user_key():
    return f"voter:{current_user.id}"


@bp.get(VOTE)
def vote(event_slug):
    """The voting page: the voter's next proposal, or (for visitors and after the vote) a reading list."""
    event = get_event_or_404(event_slug)
    filters = FilterForm(event=event)
    mode = _mode(event)
    if mode == "next":
        context = _next_context(event, filters)
    elif mode == "browse":
        context = _browse_context(event, filters)
    else:
        context = _region(event, None, mode)
    return render_template("community/vote.html", filters=filters, **context)


@bp.get(VOTE + "/<slug>", endpoint="proposal")
def shareable(event_slug, slug):
    """One proposal's voting page, the link to share: the voter's choice marked, to change or clear."""
    return _proposal_page(_votable_or_404(event_slug, slug))


@bp.post(VOTE + "/<slug>")
@login_required
@limiter.limit(_user_limit, key_func=_user_key, error_message=SLOW_DOWN)
@limiter.limit(_ip_limit, key_func=get_remote_address, error_message=SLOW_DOWN)
def cast(event_slug, slug):
    """Save a vote, a skip or a clear; then the next proposal as JSON (the script) or a redirect (forms)."""
    proposal = _votable_or_404(event_slug, slug)
    form = VoteForm()
    try:
        if not form.validate_on_submit():
            raise RuleViolation(next(iter(form.choice.errors), "The vote could not be read."))
        _apply(form.choice.data, proposal)
    except RuleViolation as exc:
        db.session.rollback()
        return _refused(proposal, exc.message)
    commit_keeping_loaded()
    return _answer(proposal, form.choice.data, form.target())


@bp.get("/events/<event_slug>/my-votes")
@login_required
def my_votes(event_slug):
    """My votes in the event, newest first, each changeable while voting is open."""
    event = get_event_or_404(event_slug)
    votes = db.paginate(_votes_of(current_user, event), page=request.args.get("page", 1, type=int),
                        per_page=VOTES_PER_PAGE, error_out=False)
    return render_template("community/my_votes.html", votes=votes, **_region(event, None, "mine"))


def _mode(event):
    """'next' for a voter while voting is open; 'browse' to read only; 'closed' before voting opens."""
    state = event.window_state("voting")
    if state == WindowState.OPEN:
        return "next" if is_signed_in(current_user) else "browse"
    return "browse" if state == WindowState.CLOSED else "closed"


def _next_context(event, filters, voted_on=None):
    """The voter's next proposal; `voted_on`, just voted on or skipped, is no longer one to keep showing."""
    shown = _shown(event)
    keep_id = None if shown == voted_on else shown
    proposal = services.next_proposal(user=current_user, event=event, keep_id=keep_id, **filters.values())
    _remember(event, proposal)
    return _region(event, proposal, "next", filters.query())


def _browse_context(event, filters):
    """One proposal of the filtered list at a time, by position `n` in a stable order."""
    query = services.votable_proposals(event=event, **filters.values())
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    position = min(max(request.args.get("n", 1, type=int), 1), max(total, 1))
    proposal = db.session.scalar(query.order_by(Proposal.id).offset(position - 1).limit(1))
    return _region(event, proposal, "browse", filters.query(), position=position, total=total)


def _region(event, proposal, mode, query=None, **extra):
    """What the voting templates show around (and in) the proposal region."""
    signed_in = is_signed_in(current_user)
    voted, total = services.progress(user=current_user, event=event) if signed_in else (None, None)
    # The next proposal is one the voter neither speaks on nor voted on (services.waiting_proposals).
    ask = signed_in and proposal is not None and mode != "next"
    return {
        "event": event, "proposal": proposal, "mode": mode, "query": query or {}, "choices": list(VoteChoice),
        "is_open": event.window_state("voting") == WindowState.OPEN,
        "heading_level": 1 if mode == "proposal" else 2,
        "outcome": published_outcome(proposal) if proposal is not None else "",
        "own": bool(ask and speaks_on(current_user, proposal)),
        "current": services.vote_of(current_user, proposal) if ask else None,
        "voted": voted, "votable": total, "progress_text": _progress_text(voted, total) if signed_in else "",
        **extra,
    }


def _progress_text(voted, total):
    return f"You have voted on {voted} of {total} proposal{'' if total == 1 else 's'}."


def _shown(event):
    return session.get(SHOWN_KEY, {}).get(str(event.id))


def _remember(event, proposal):
    shown = dict(session.get(SHOWN_KEY, {}))
    shown[str(event.id)] = proposal.id if proposal else None
    session[SHOWN_KEY] = shown


def _votable_or_404(event_slug, slug):
    """The proposal if it is open to votes; drafts, withdrawn and declined proposals are not found."""
    proposal = get_proposal_or_404(event_slug, slug)
    if proposal.state not in services.VOTABLE_STATES:
        abort(404, description="There is no such proposal.")
    return proposal


def _proposal_page(proposal, error=None, status=200):
    context = _region(proposal.event, proposal, "proposal", error=error,
                      visible=can_view_proposal(current_user, proposal))
    return render_template("community/vote_proposal.html", **context), status


def _apply(choice, proposal):
    """Call the service the pressed button stands for."""
    if choice == "clear":
        services.clear_vote(user=current_user, proposal=proposal)
    elif choice == "skip":
        services.check_can_vote(user=current_user, proposal=proposal)
        services.skip_proposal(user=current_user, proposal=proposal)
    else:
        services.cast_vote(user=current_user, proposal=proposal, choice=VoteChoice(choice),
                           ip=request.remote_addr)


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


def _refused(proposal, message):
    """A refused vote: 400 with the reason, as JSON for the script or on the proposal's voting page."""
    if _wants_json():
        return jsonify(ok=False, error="Vote not saved", message=message), 400
    return _proposal_page(proposal, error=message, status=400)


def _saved_message(choice, proposal):
    return SAVED.get(choice) or f"Vote saved: {VoteChoice(choice).label}."


def _answer(proposal, choice, target):
    """After a saved vote: JSON with what comes next, or a 303 to the page the form came from."""
    event = proposal.event
    if _wants_json():
        return _json_answer(proposal, choice, target)
    flash(_saved_message(choice, proposal), "success")
    if target == "mine":
        page = request.args.get("page", type=int)
        return redirect(url_for(".my_votes", event_slug=event.slug, page=page), 303)
    if target == "proposal" and choice != "skip":
        return redirect(url_for(".proposal", event_slug=event.slug, slug=proposal.slug), 303)
    return redirect(url_for(".vote", event_slug=event.slug, **FilterForm(event=event).query()), 303)


def _json_answer(proposal, choice, target):
    """The script's answer: the rendered region to swap in, and the voter's progress."""
    event = proposal.event
    if target == "proposal" and choice != "skip":
        context = _region(event, proposal, "proposal", visible=True)
    else:
        context = _next_context(event, FilterForm(event=event), voted_on=proposal.id)
    shown = context["proposal"]
    return jsonify(
        ok=True, message=_saved_message(choice, proposal),
        next={"html": render_template("community/vote_region.html", **context), "done": shown is None,
              "title": shown.title if shown else None, "slug": shown.slug if shown else None},
        progress={"voted": context["voted"], "total": context["votable"], "text": context["progress_text"]},
    )


def _votes_of(user, event):
    """A select of the user's votes on the event's proposals that are open to votes, newest first."""
    return (select(Vote).join(Vote.proposal).options(contains_eager(Vote.proposal))
            .where(Vote.user_id == user.id, Proposal.event_id == event.id,
                   Proposal.state.in_(services.VOTABLE_STATES))
            .order_by(Vote.created_at.desc(), Vote.id.desc()))
