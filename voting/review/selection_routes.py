"""The chairs' selection lists: my own list beside every chair's, and the track's shared team list.

Every change is a small POST form: a malformed one is a 400, a refused one is flashed, and both a refusal
and a success go back to the list with a 303, so the buttons work without JavaScript.
"""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from voting.auth.forms import PostForm
from voting.core.forms import save_form
from voting.enums import SelectionMark
from voting.events.services import get_event_or_404, get_track_or_404
from voting.permissions import can_chair, can_select
from voting.review import selection
from voting.review.selection_forms import MarkForm, MoveForm, TeamAddForm

bp = Blueprint("selection", __name__)
LIST = "/events/<event_slug>/review/<track_slug>/selection"
TEAM = LIST + "/team"


@bp.before_request
@login_required
def require_sign_in():
    """Every page here needs a signed-in user; anonymous visitors are sent to sign in."""


@bp.get(LIST)
def mine(event_slug, track_slug):
    """My list for the track, the proposals I have not marked yet, and every chair's list."""
    track = _chaired_track(event_slug, track_slug)
    lists = selection.chair_lists(track, current_user)
    own = next((each for each in lists if each.chair.id == current_user.id), None)
    return render_template("review/selection.html", track=track, event=track.event, lists=lists, mine=own,
                           proposals=selection.selectable_proposals(track), can_select=can_select,
                           marks=SelectionMark)


@bp.post(LIST + "/<slug>/mark")
def mark(event_slug, track_slug, slug):
    """Mark a proposal selected, maybe or pass in my list."""
    track, proposal = _chaired_proposal(event_slug, track_slug, slug)
    form = MarkForm()
    return _change(form, lambda: selection.mark_proposal(chair=current_user, proposal=proposal,
                                                         mark=form.mark.data),
                   f"“{proposal.title}” is marked {form.mark.data} in your list.", _back(".mine", track))


@bp.post(LIST + "/<slug>/unmark")
def unmark(event_slug, track_slug, slug):
    """Take a proposal off my list."""
    track, proposal = _chaired_proposal(event_slug, track_slug, slug)
    return _change(PostForm(), lambda: selection.unmark_proposal(chair=current_user, proposal=proposal),
                   f"“{proposal.title}” is off your list.", _back(".mine", track))


@bp.post(LIST + "/<slug>/move")
def move(event_slug, track_slug, slug):
    """Move a proposal up or down my list, or to a position."""
    track, proposal = _chaired_proposal(event_slug, track_slug, slug)
    form = MoveForm()
    return _change(form, lambda: selection.move_in_my_list(chair=current_user, proposal=proposal,
                                                           **form.target()),
                   f"“{proposal.title}” is moved.", _back(".mine", track))


@bp.get(TEAM)
def team(event_slug, track_slug):
    """The track's team list: sessions, alternates, picks, community ranks, flags and the quota."""
    track = _chaired_track(event_slug, track_slug)
    return render_template("review/team_list.html", track=track, event=track.event,
                           team=selection.team_list(track, current_user),
                           candidates=selection.team_candidates(track, current_user),
                           can_select=can_select)


@bp.post(TEAM + "/<slug>/add")
def team_add(event_slug, track_slug, slug):
    """Add a proposal to the team list."""
    track, proposal = _chaired_proposal(event_slug, track_slug, slug)
    form = TeamAddForm()
    return _change(form, lambda: selection.add_to_team_list(track=track, proposal=proposal, by=current_user,
                                                            position=form.position.data, note=form.note.data),
                   f"“{proposal.title}” is in the team list.", _back(".team", track))


@bp.post(TEAM + "/<slug>/remove")
def team_remove(event_slug, track_slug, slug):
    """Take a proposal off the team list."""
    track, proposal = _chaired_proposal(event_slug, track_slug, slug)
    return _change(PostForm(), lambda: selection.remove_from_team_list(track=track, proposal=proposal,
                                                                       by=current_user),
                   f"“{proposal.title}” is off the team list.", _back(".team", track))


@bp.post(TEAM + "/<slug>/move")
def team_move(event_slug, track_slug, slug):
    """Move a proposal up or down the team list, or to a position."""
    track, proposal = _chaired_proposal(event_slug, track_slug, slug)
    form = MoveForm()
    return _change(form, lambda: selection.move_in_team_list(track=track, proposal=proposal, by=current_user,
                                                             **form.target()),
                   f"“{proposal.title}” is moved.", _back(".team", track))


def _chaired_track(event_slug, track_slug):
    """The track if the user chairs it (or manages its event): a 404 when unknown, a 403 otherwise."""
    track = get_track_or_404(get_event_or_404(event_slug), track_slug)
    if not can_chair(current_user, track):
        abort(403, description=f"Only the chairs of {track.name} can see its selection lists.")
    return track


def _chaired_proposal(event_slug, track_slug, slug):
    """The chaired track and its proposal with this slug (a 404 when it is not the track's)."""
    track = _chaired_track(event_slug, track_slug)
    proposal = selection.track_proposal(track, slug)
    if proposal is None:
        abort(404, description=f"{track.name} has no proposal called {slug!r}.")
    return track, proposal


def _back(endpoint, track):
    return url_for(endpoint, event_slug=track.event.slug, track_slug=track.slug)


def _change(form, action, done, back):
    """Save a list change through save_form: 400 when malformed; flash the outcome; back with a 303."""
    if not form.validate_on_submit():
        abort(400, description=" ".join(_messages(form)) or "The form was incomplete.")
    # save_form returns None on a refusal: `or True` tells a success whose service returned nothing.
    if save_form(form, lambda: action() or True):
        flash(done, "success")
    else:
        for message in _messages(form):
            flash(message, "error")
    return redirect(back, code=303)


def _messages(form):
    return [message for errors in form.errors.values() for message in errors]
