"""Building the schedule: rooms, slots, placing talks, publishing (voting.schedule.grid reads it back)."""
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from voting.core.ordering import move_next_to_neighbour
from voting.db_types import utcnow
from voting.enums import SlotKind
from voting.errors import RuleViolation
from voting.events.models import ActivityLog
from voting.events.services import record_activity
from voting.extensions import db
from voting.schedule.conflicts import describe_slot, new_slot_reasons, overlapping_slots, placement_reasons, zone_of
from voting.schedule.grid import list_rooms, visible_slots
from voting.schedule.models import Room, ScheduleChange, Slot

PUBLISHED, SUMMARY_LENGTH = "schedule.published", 500


def find_in_event(model, object_id, *, event, what):
    """The event's room, slot or proposal with this id, or a refusal asking to choose one of the event's."""
    found = db.session.get(model, object_id) if isinstance(object_id, int) else None
    if found is None or found.event_id != event.id:
        raise RuleViolation(f"Choose a {what} of {event.name}.")
    return found


def create_room(*, event, by, name, capacity):
    """A new room, placed after the others."""
    name = _check_room(event, name, capacity)
    position = max((room.position for room in list_rooms(event)), default=-1) + 1
    room = Room(event=event, name=name, capacity=capacity, position=position)
    db.session.add(room)
    record_activity(event=event, user=by, action="schedule.room_added",
                    details=f"Added room {name} ({capacity} seats)")
    db.session.flush()
    return room


def update_room(*, room, by, name, capacity):
    """Rename a room or change how many it seats."""
    room.name = _check_room(room.event, name, capacity, room)
    room.capacity = capacity
    record_activity(event=room.event, user=by, action="schedule.room_changed",
                    details=f"Changed room {room.name} ({capacity} seats)")
    db.session.flush()
    return room


def move_room(*, room, by, direction):
    """Swap the room with its neighbour ('up' or 'down'); positions become 0, 1, 2 ... in order."""
    if move_next_to_neighbour(list_rooms(room.event), room, direction):
        record_activity(event=room.event, user=by, action="schedule.room_moved",
                        details=f"Moved room {room.name} {direction}")
    db.session.flush()
    return room


def delete_room(*, room, by):
    """Remove a room and its empty slots; refused while a talk is placed in it."""
    slots = db.session.scalars(select(Slot).where(Slot.room_id == room.id)).all()
    if any(slot.proposal_id for slot in slots):
        raise RuleViolation(f"Talks are placed in {room.name}: unplace or move them first.")
    for slot in slots:
        db.session.delete(slot)
    record_activity(event=room.event, user=by, action="schedule.room_deleted",
                    details=f"Removed room {room.name}")
    db.session.delete(room)
    db.session.flush()


def _check_room(event, name, capacity, room=None):
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise RuleViolation("Give the room a name of at most 120 characters.", field="name")
    if any(other.name.lower() == name.lower() and other is not room for other in list_rooms(event)):
        raise RuleViolation(f"{event.name} already has a room called {name}.", field="name")
    if not isinstance(capacity, int) or not 0 <= capacity <= 100_000:
        raise RuleViolation("The capacity is a whole number from 0 (unknown) to 100000.", field="capacity")
    return name


def create_slot(*, event, by, room, starts_at, ends_at, kind=SlotKind.SESSION, title=""):
    """One slot in a room (None: across every room, as breaks are); refused when it breaks a rule."""
    reasons = new_slot_reasons(event=event, room=room, starts_at=starts_at, ends_at=ends_at)
    if reasons:
        raise RuleViolation(" ".join(reasons))
    slot = Slot(event=event, room=room, starts_at=starts_at, ends_at=ends_at, kind=kind,
                title=(title or "").strip())
    db.session.add(slot)
    db.session.flush()
    record_activity(event=event, user=by, action="schedule.slot_added", details=f"Added {_label(slot)}")
    return slot


def create_day_slots(*, event, by, day, starts, ends, length, gap=0, break_after=0, break_length=30,
                     break_title="Coffee Break"):
    """A day's sessions in every room at once, with breaks across all rooms: (slots added, slots skipped)."""
    # Times are local to the event: sessions of `length` minutes from `starts` to `ends`, `gap` minutes apart,
    # a break after every `break_after` sessions; they resume after a break already there (lunch), and a
    # session overlapping another slot in its room is skipped.
    rooms = list_rooms(event)
    if not rooms:
        raise RuleViolation("Add the event's rooms first.")
    wanted = _day_plan(event, rooms, day, starts, ends, timedelta(minutes=length), timedelta(minutes=gap),
                       break_after, timedelta(minutes=break_length), break_title)
    added = [_add_if_free(event, *spec) for spec in wanted]
    created = [slot for slot in added if slot is not None]
    if not created:
        raise RuleViolation("No slot was added: no session fits those times, or every one overlaps a slot.")
    record_activity(event=event, user=by, action="schedule.slots_added",
                    details=f"Added {len(created)} slots on {day:%a %d %b}")
    return created, len(added) - len(created)


def _day_plan(event, rooms, day, starts, ends, session, gap, break_after, pause, break_title):
    """The (room, starts_at, ends_at, kind, title) of each slot a day's grid asks for."""
    zone = zone_of(event)
    moment, end = datetime.combine(day, starts, zone), datetime.combine(day, ends, zone)
    across = [slot for slot in overlapping_slots(event, moment, end) if slot.room_id is None]

    def blocking(since, until):
        return next((slot for slot in across if slot.starts_at < until and since < slot.ends_at), None)

    wanted, count = [], 0
    while moment + session <= end:
        if (taken := blocking(moment, moment + session)) is not None:
            moment = taken.ends_at  # lunch is there already: carry on after it
            continue
        wanted += [(room, moment, moment + session, SlotKind.SESSION, "") for room in rooms]
        moment, count = moment + session, count + 1
        if (break_after and count % break_after == 0 and moment + pause + session <= end
                and blocking(moment, moment + pause) is None):
            wanted.append((None, moment, moment + pause, SlotKind.BREAK, break_title))
            moment += pause
        else:
            moment += gap
    return wanted


def _add_if_free(event, room, starts_at, ends_at, kind, title):
    if new_slot_reasons(event=event, room=room, starts_at=starts_at, ends_at=ends_at):
        return None
    slot = Slot(event=event, room=room, starts_at=starts_at, ends_at=ends_at, kind=kind, title=title)
    db.session.add(slot)
    db.session.flush()
    return slot


def delete_slot(*, slot, by):
    """Remove an empty slot; one holding a talk is refused."""
    if slot.proposal is not None:
        raise RuleViolation(f"The slot holds “{slot.proposal.title}”: unplace or move it first.")
    record_activity(event=slot.event, user=by, action="schedule.slot_deleted",
                    details=f"Removed {_label(slot)}")
    db.session.delete(slot)
    db.session.flush()


def place_proposal(*, slot, proposal, by):
    """Put an accepted or confirmed talk in an empty slot; refused with every reason it cannot go there."""
    current = db.session.scalar(select(Slot).where(Slot.proposal_id == proposal.id))
    if current is not None:
        raise RuleViolation(f"“{proposal.title}” is already placed ({describe_slot(current)}): "
                            "move it instead.")
    _check_placement(slot, proposal)
    slot.proposal = proposal
    record_activity(event=slot.event, user=by, action="schedule.placed",
                    details=f"Placed “{proposal.title}” in {describe_slot(slot)}")
    db.session.flush()
    return slot


def unplace_proposal(*, slot, by):
    """Take the talk out of its slot; it goes back to the unplaced talks."""
    proposal = slot.proposal
    if proposal is None:
        raise RuleViolation("The slot holds no talk.")
    slot.proposal = None
    record_activity(event=slot.event, user=by, action="schedule.unplaced",
                    details=f"Unplaced “{proposal.title}” from {describe_slot(slot)}")
    db.session.flush()
    return proposal


def move_proposal(*, slot, to_slot, by):
    """Move the talk of `slot` to the empty `to_slot`, checked as a placement there."""
    proposal = slot.proposal
    if proposal is None:
        raise RuleViolation("The slot holds no talk to move.")
    if to_slot is slot or to_slot.event_id != slot.event_id:
        raise RuleViolation("Choose another empty slot of the event to move the talk to.")
    _check_placement(to_slot, proposal)
    slot.proposal = None
    db.session.flush()  # the proposal's slot is unique: free it before taking the other
    to_slot.proposal = proposal
    record_activity(event=slot.event, user=by, action="schedule.moved",
                    details=f"Moved “{proposal.title}” from {describe_slot(slot)} "
                            f"to {describe_slot(to_slot)}")
    db.session.flush()
    return to_slot


def _check_placement(slot, proposal):
    reasons = placement_reasons(slot=slot, proposal=proposal)
    if reasons:
        raise RuleViolation(" ".join(reasons))


def _label(slot):
    kind = slot.title or slot.kind.value
    return f"{kind} slot ({describe_slot(slot)})"


def pending_changes(event):
    """The schedule's changes (activity log entries) since it was last published, oldest first."""
    last = db.session.scalar(select(func.max(ActivityLog.id)).where(
        ActivityLog.event_id == event.id, ActivityLog.action == PUBLISHED))
    return db.session.scalars(select(ActivityLog).options(selectinload(ActivityLog.user)).where(
        ActivityLog.event_id == event.id, ActivityLog.action.like("schedule.%"),
        ActivityLog.action != PUBLISHED, ActivityLog.id > (last or 0)).order_by(ActivityLog.id)).all()


def publish_schedule(*, event, by, summary="", now=None):
    """Make the schedule public as its next version, with a summary of what changed since the last."""
    placed = select(Slot.id).where(Slot.event_id == event.id, Slot.proposal_id.is_not(None)).limit(1)
    if db.session.scalar(placed) is None:
        raise RuleViolation("Place at least one talk before publishing the schedule.")
    summary = (summary or "").strip() or _summary(event)
    event.schedule_published_at = now or utcnow()
    event.schedule_version += 1
    change = ScheduleChange(event_id=event.id, version=event.schedule_version,
                            summary=summary[:SUMMARY_LENGTH], user=by)
    db.session.add(change)
    record_activity(event=event, user=by, action=PUBLISHED,
                    details=f"Published version {event.schedule_version}")
    db.session.flush()
    return change


def _summary(event):
    if event.schedule_version == 0:
        count = len(visible_slots(event, talks_only=True, public=False))
        return f"First publication: {count} talk{'' if count == 1 else 's'}."
    changes = [entry.details for entry in pending_changes(event)]
    if not changes:
        raise RuleViolation(f"Nothing changed since version {event.schedule_version}; say what is new to "
                            "publish it again.", field="summary")
    text = "; ".join(changes) + "."
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 1] + "…"


def schedule_changes(event):
    """The change log: each published version, newest first."""
    return db.session.scalars(select(ScheduleChange).options(selectinload(ScheduleChange.user))
                              .where(ScheduleChange.event_id == event.id)
                              .order_by(ScheduleChange.version.desc(), ScheduleChange.id.desc())).all()
