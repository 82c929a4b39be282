"""The organiser's console: an event's settings, tracks, people and activity log."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from voting.auth.forms import PostForm
from voting.core.forms import save_form
from voting.errors import RuleViolation
from voting.events import roles
from voting.events.forms import ChairForm, EventForm, MoveForm, OrganiserForm, TrackForm
from voting.events.services import (
    create_event, create_track, get_track_or_404, list_activity, managed_event_or_403, move_track,
    update_event, update_track,
)
from voting.extensions import db
from voting.permissions import can_create_event, can_manage_event

bp = Blueprint("console", __name__)


@bp.before_request
@login_required
def require_sign_in():
    """Every console page needs a signed-in user; anonymous visitors are sent to sign in."""


def managed_event(slug):
    """The event if the user may manage it: a 404 when unknown, a 403 when not theirs."""
    return managed_event_or_403(slug, current_user, "manage it")


def page(template, **context):
    """Render a console page: a 400 when it shows a form whose POST was refused."""
    return render_template(template, **context), 400 if request.method == "POST" else 200


def done(message, endpoint, **values):
    """Flash the confirmation and go back to a console page."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


@bp.route("/new", methods=["GET", "POST"])
def new_event():
    """Create an event (site admins only); its creator becomes its first organiser."""
    if not can_create_event(current_user):
        abort(403, description="Only site admins can create events.")
    form = EventForm()
    event = save_form(form, lambda: create_event(user=current_user, **form.settings()))
    if event:
        return done(f"{event.name} is created: add its tracks and people next.", ".edit_event",
                    slug=event.slug)
    return page("events/console/event.html", form=form, event=None)


@bp.route("/<slug>/manage", methods=["GET", "POST"])
def edit_event(slug):
    """The event's settings: name, dates, windows, limits and vote weights."""
    event = managed_event(slug)
    form = EventForm.for_event(event) if request.method == "GET" else EventForm()
    if save_form(form, lambda: update_event(event=event, user=current_user, **form.settings())):
        return done("The settings are saved.", ".edit_event", slug=event.slug)
    return page("events/console/event.html", form=form, event=event)


@bp.get("/<slug>/manage/tracks")
def tracks(slug):
    """The event's tracks in order, with buttons to reorder them."""
    return render_template("events/console/tracks.html", event=managed_event(slug))


@bp.route("/<slug>/manage/tracks/new", methods=["GET", "POST"])
def new_track(slug):
    """Add a track to the event."""
    event = managed_event(slug)
    form = TrackForm()
    track = save_form(form, lambda: create_track(event=event, user=current_user, **form.values()))
    if track:
        return done(f"The track {track.name} is added.", ".tracks", slug=slug)
    return page("events/console/track.html", form=form, event=event, track=None)


@bp.route("/<slug>/manage/tracks/<track_slug>", methods=["GET", "POST"])
def edit_track(slug, track_slug):
    """Change a track, its sessions and alternates."""
    event = managed_event(slug)
    track = get_track_or_404(event, track_slug)
    form = TrackForm(obj=track if request.method == "GET" else None)
    if save_form(form, lambda: update_track(track=track, user=current_user, **form.values())):
        return done(f"The track {track.name} is saved.", ".tracks", slug=slug)
    return page("events/console/track.html", form=form, event=event, track=track)


@bp.post("/<slug>/manage/tracks/<track_slug>/move")
def move(slug, track_slug):
    """Move a track one place up or down the list."""
    track = get_track_or_404(managed_event(slug), track_slug)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400, description="Move a track either up or down.")
    move_track(track=track, user=current_user, direction=form.direction.data)
    db.session.commit()
    return redirect(url_for(".tracks", slug=slug))


@bp.get("/<slug>/manage/people")
def people(slug):
    """The organisers, the chairs of each track and the pending invitations, with forms to change them."""
    return people_page(managed_event(slug))


def people_page(event, organiser_form=None, chair_form=None):
    """The people page, showing the refusal of whichever form was just sent."""
    organisers, invitations = roles.list_people(event)
    return page("events/console/people.html", event=event, organisers=organisers, invitations=invitations,
                organiser_form=organiser_form or OrganiserForm(prefix="organiser"),
                chair_form=chair_form or ChairForm(prefix="chair", event=event))


@bp.post("/<slug>/manage/people/organisers")
def add_organiser(slug):
    """Make someone an organiser by email, inviting them if they have no account yet."""
    event = managed_event(slug)
    form = OrganiserForm(prefix="organiser")
    row = save_form(form, lambda: roles.add_organiser(event=event, email=form.email.data,
                                                         user=current_user))
    if row:
        return done(roles.describe_grant(row), ".people", slug=slug)
    return people_page(event, organiser_form=form)


@bp.post("/<slug>/manage/people/chairs")
def add_chair(slug):
    """Make someone a chair of a track by email, inviting them if they have no account yet."""
    event = managed_event(slug)
    form = ChairForm(prefix="chair", event=event)
    row = save_form(form, lambda: roles.add_chair(track=form.chosen_track(), email=form.email.data,
                                                     user=current_user))
    if row:
        return done(roles.describe_grant(row), ".people", slug=slug)
    return people_page(event, chair_form=form)


@bp.post("/<slug>/manage/people/<any(organisers, chairs, invitations):kind>/<int:role_id>/remove")
def remove_role(slug, kind, role_id):
    """Take a role away or cancel an invitation; the last organiser cannot be removed."""
    event = managed_event(slug)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        entry = roles.remove_role(event=event, kind=kind, role_id=role_id, user=current_user)
    except RuleViolation as exc:
        flash(str(exc), "error")
        return redirect(url_for(".people", slug=slug))
    db.session.commit()
    endpoint = ".people" if can_manage_event(current_user, event) else "events.detail"
    return done(f"{entry.details}.", endpoint, slug=slug)


@bp.get("/<slug>/manage/activity")
def activity(slug):
    """The event's activity log: who changed what, and when; newest first."""
    event = managed_event(slug)
    entries = list_activity(event=event, page=request.args.get("page", 1, type=int))
    return render_template("events/console/activity.html", event=event, entries=entries)
