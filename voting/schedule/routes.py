"""The schedule builder (rooms, a grid per day, placing talks, publishing) and the public schedule."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from voting.auth.forms import PostForm
from voting.core.forms import save_form
from voting.errors import RuleViolation
from voting.events.services import get_event_or_404, get_track_or_404, managed_event_or_403
from voting.export.formats import FORMATS
from voting.export.services import audience_for
from voting.extensions import db
from voting.permissions import can_view_schedule
from voting.proposals.models import Proposal
from voting.schedule import grid, services
from voting.events.days import event_days
from voting.schedule.conflicts import capacity_reason, conflicts_by_slot, schedule_conflicts
from voting.schedule.forms import (
    DirectionForm, GridForm, MoveForm, PlaceForm, PublishForm, RoomForm, SlotForm,
)
from voting.schedule.models import Room, Slot

bp = Blueprint("schedule", __name__)
MANAGE = "/events/<event_slug>/manage/schedule"
ROOM, SLOT = MANAGE + "/rooms/<int:room_id>", MANAGE + "/slots/<int:slot_id>"
DAY = MANAGE + "/days/<day>"  # YYYY-MM-DD, a day of the event
MAX_SEARCH = 200


@bp.get("/events/<event_slug>/schedule")
def public(event_slug):
    """The published schedule by day, start time and room, in the event's zone; by track, or searched."""
    event = get_event_or_404(event_slug)
    if not can_view_schedule(current_user, event):
        return render_template("schedule/unpublished.html", event=event), 404
    track = get_track_or_404(event, request.args["track"]) if request.args.get("track") else None
    q = request.args.get("q", "").strip()[:MAX_SEARCH]
    days = grid.public_schedule(event, track_id=track.id if track else None, q=q,
                                public=audience_for(current_user, event).public)
    return render_template("schedule/public.html", event=event, days=days, track=track, q=q, exports=FORMATS)


@bp.get(MANAGE)
@login_required
def index(event_slug):
    """The builder's overview: the days, every conflict, publishing and the change log."""
    return _overview(_managed_event(event_slug), PublishForm(formdata=None))


@bp.post(MANAGE + "/publish")
@login_required
def publish(event_slug):
    """Publish the schedule as its next version; the public page and the exports show it."""
    event = _managed_event(event_slug)
    form = PublishForm()
    change = save_form(form, lambda: services.publish_schedule(event=event, by=current_user,
                                                                 summary=form.summary.data))
    if change:
        return _done(f"Version {change.version} of the schedule is published.", ".index",
                     event_slug=event_slug)
    return _overview(event, form)


@bp.route(MANAGE + "/rooms", methods=["GET", "POST"])
@login_required
def rooms(event_slug):
    """The event's rooms in order, and a form to add one."""
    event = _managed_event(event_slug)
    form = RoomForm()
    room = save_form(form, lambda: services.create_room(event=event, by=current_user, name=form.name.data,
                                                          capacity=form.capacity.data))
    if room:
        return _done(f"The room {room.name} is added.", ".rooms", event_slug=event_slug)
    return _page("schedule/rooms.html", event=event, days=event_days(event), rooms=grid.list_rooms(event),
                 form=form)


@bp.route(ROOM, methods=["GET", "POST"])
@login_required
def edit_room(event_slug, room_id):
    """Rename a room or change how many it seats."""
    event = _managed_event(event_slug)
    room = _room(event, room_id)
    form = RoomForm(obj=room if request.method == "GET" else None)
    if save_form(form, lambda: services.update_room(room=room, by=current_user, name=form.name.data,
                                                      capacity=form.capacity.data)):
        return _done(f"The room {room.name} is saved.", ".rooms", event_slug=event_slug)
    return _page("schedule/room.html", event=event, days=event_days(event), room=room, form=form)


@bp.post(ROOM + "/move")
@login_required
def move_room(event_slug, room_id):
    """Move a room one place up or down: the grid's columns follow this order."""
    room = _room(_managed_event(event_slug), room_id)
    form = DirectionForm()
    if not form.validate_on_submit():
        abort(400, description="Move a room either up or down.")
    services.move_room(room=room, by=current_user, direction=form.direction.data)
    db.session.commit()
    return redirect(url_for(".rooms", event_slug=event_slug))


@bp.post(ROOM + "/delete")
@login_required
def delete_room(event_slug, room_id):
    """Remove a room and its empty slots; refused while talks are placed in it."""
    room = _room(_managed_event(event_slug), room_id)
    return _button(lambda: services.delete_room(room=room, by=current_user),
                   f"The room {room.name} is removed.", ".rooms", event_slug=event_slug)


@bp.get(DAY)
@login_required
def day(event_slug, day):
    """A day's grid (start times × rooms) with the unplaced talks beside it and the forms to fill it."""
    event = _managed_event(event_slug)
    return _day_page(event, _day(event, day))


@bp.post(DAY + "/slots")
@login_required
def add_slot(event_slug, day):
    """Add one slot: in a room or across all rooms, a session, keynote, break or other item."""
    event = _managed_event(event_slug)
    form = SlotForm(prefix="slot", rooms=grid.list_rooms(event))
    slot = save_form(form, lambda: services.create_slot(event=event, by=current_user, **form.values(event)))
    if slot:
        return _done("The slot is added.", ".day", event_slug=event_slug, day=form.day.data.isoformat())
    return _day_page(event, _day(event, day), slot_form=form)


@bp.post(DAY + "/grid")
@login_required
def add_grid(event_slug, day):
    """Add the day's sessions in every room at once, with breaks across all rooms."""
    event = _managed_event(event_slug)
    the_day = _day(event, day)
    form = GridForm(prefix="grid")
    added = save_form(form, lambda: services.create_day_slots(event=event, by=current_user,
                                                                **form.values(the_day)))
    if added:
        created, skipped = added
        note = f"; {skipped} overlapped existing slots and were skipped." if skipped else "."
        return _done(f"{len(created)} slots added{note}", ".day", event_slug=event_slug, day=day)
    return _day_page(event, the_day, grid_form=form)


@bp.post(DAY + "/place")
@login_required
def place(event_slug, day):
    """Put an unplaced accepted talk in an empty slot; refused with the reason when a rule forbids it."""
    return _placement(event_slug, day, PlaceForm, "place", "is placed", lambda event, form: (
        services.place_proposal(
            slot=services.find_in_event(Slot, form.slot.data, event=event, what="slot"),
            proposal=services.find_in_event(Proposal, form.proposal.data, event=event, what="talk"),
            by=current_user)))


@bp.post(DAY + "/move")
@login_required
def move(event_slug, day):
    """Move a placed talk to an empty slot, checked like a placement."""
    return _placement(event_slug, day, MoveForm, "move", "is moved", lambda event, form: (
        services.move_proposal(
            slot=services.find_in_event(Slot, form.from_slot.data, event=event, what="placed talk"),
            to_slot=services.find_in_event(Slot, form.to_slot.data, event=event, what="slot"),
            by=current_user)))


@bp.post(SLOT + "/unplace")
@login_required
def unplace(event_slug, slot_id):
    """Take a talk out of its slot; it goes back to the unplaced talks."""
    slot = _slot(_managed_event(event_slug), slot_id)
    return _button(lambda: services.unplace_proposal(slot=slot, by=current_user), "The talk is unplaced.",
                   ".day", event_slug=event_slug, day=_slot_day(slot))


@bp.post(SLOT + "/delete")
@login_required
def delete_slot(event_slug, slot_id):
    """Remove an empty slot."""
    slot = _slot(_managed_event(event_slug), slot_id)
    return _button(lambda: services.delete_slot(slot=slot, by=current_user), "The slot is removed.",
                   ".day", event_slug=event_slug, day=_slot_day(slot))


def _managed_event(event_slug):
    """The event if the user may manage it: a 404 when unknown, a 403 when not theirs."""
    return managed_event_or_403(event_slug, current_user, "build its schedule")


def _room(event, room_id):
    room = db.session.get(Room, room_id)
    return room if room is not None and room.event_id == event.id else abort(404, description="No such room.")


def _slot(event, slot_id):
    slot = db.session.get(Slot, slot_id)
    return slot if slot is not None and slot.event_id == event.id else abort(404, description="No such slot.")


def _day(event, text):
    """The event's day named YYYY-MM-DD in the address, or a 404."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404, description="Give a day as YYYY-MM-DD.")
    if day not in event_days(event):
        abort(404, description=f"{day:%d %b %Y} is not a day of {event.name}.")
    return day


def _slot_day(slot):
    """The slot's day in the event's zone, as the day page's address names it."""
    return grid.local_day(slot).isoformat()


def _page(template, **context):
    """Render a builder page: a 400 when it shows a form whose POST was refused."""
    return render_template(template, **context), 400 if request.method == "POST" else 200


def _done(message, endpoint, **values):
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def _button(action, message, endpoint, **values):
    """A POST button with nothing to fill in: a refusal is flashed, success committed; both go back."""
    if not PostForm().validate_on_submit():
        abort(400, description="The form was incomplete.")
    try:
        action()
    except RuleViolation as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(endpoint, **values))
    db.session.commit()
    return _done(message, endpoint, **values)


def _placement(event_slug, day, form_class, prefix, verb, action):
    """Run a placement form's `action(event, form)`; back to the day, or the day showing the refusal."""
    event = _managed_event(event_slug)
    the_day = _day(event, day)
    form = form_class(prefix=prefix)
    slot = save_form(form, lambda: action(event, form))
    if slot:
        return _placed(slot, verb)
    return _day_page(event, the_day, **{f"{prefix}_form": form})


def _placed(slot, verb):
    """Back to the slot's day, saying what the grid now flags about it (more people than seats)."""
    flag = capacity_reason(slot, slot.proposal)
    if flag:
        flash(f"Flagged: {flag}", "warning")
    return _done(f"“{slot.proposal.title}” {verb}.", ".day", event_slug=slot.event.slug, day=_slot_day(slot))


def _overview(event, form):
    return _page("schedule/index.html", event=event, days=event_days(event), form=form,
                 conflicts=schedule_conflicts(event), changes=services.schedule_changes(event),
                 pending=services.pending_changes(event), rooms=grid.list_rooms(event), exports=FORMATS)


def _day_page(event, day, **sent):
    """The day's grid and forms, showing the refusal of whichever form was just sent."""
    rooms, rows = grid.day_grid(event, day)
    forms = {"slot_form": SlotForm(formdata=None, prefix="slot", rooms=rooms, day=day),
             "grid_form": GridForm(formdata=None, prefix="grid"),
             "place_form": PlaceForm(formdata=None, prefix="place"),
             "move_form": MoveForm(formdata=None, prefix="move"), **sent}
    preselect = {name: request.args.get(name, type=int) for name in ("slot", "move")}
    return _page("schedule/day.html", event=event, day=day, days=event_days(event), rooms=rooms, rows=rows,
                 unplaced=grid.unplaced_proposals(event), open_slots=grid.open_slots(event),
                 flags=conflicts_by_slot(schedule_conflicts(event)), preselect=preselect, **forms)
