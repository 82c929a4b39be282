"""The schedule's rules: what a change would break (refused) and what the schedule breaks now (flagged).

Refused, before a change is made: a room used twice at once, a slot outside the event's days (in its
time zone), a talk longer than its slot, a talk that is not accepted or confirmed, a speaker in two
overlapping sessions. Flagged, allowed but shown: more expected attendees than the room seats, and
every refused rule that became true later (a placed talk declined, a co-speaker who joined, new dates).

Expected attendees are the proposal's community votes (`vote_count`, any choice): the only estimate
the app has before registration; a room of capacity 0 has no known size and is never flagged.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voting.enums import SlotKind
from voting.events.days import event_days
from voting.extensions import db
from voting.proposals.models import Proposal, ProposalSpeaker
from voting.proposals.publicity import ACCEPTED_STATES
from voting.schedule.models import Slot

PLACEABLE_STATES = ACCEPTED_STATES  # organisers place talks by their current decision
TALK_KINDS = frozenset({SlotKind.SESSION, SlotKind.KEYNOTE})
SLOT_LOADING = (selectinload(Slot.room), selectinload(Slot.proposal).selectinload(Proposal.speakers)
                .selectinload(ProposalSpeaker.user))


@dataclass(frozen=True)
class Conflict:
    """One broken rule of a slot: `rule` names it (room, days, kind, state, length, speaker, capacity)."""

    slot: Slot
    rule: str
    reason: str


def zone_of(event):
    """The event's time zone."""
    return ZoneInfo(event.timezone)


def day_bounds(event, day):
    """The UTC start and end of a day of the event's calendar (a local midnight to the next)."""
    zone = zone_of(event)
    return (datetime.combine(day, time.min, zone).astimezone(ZoneInfo("UTC")),
            datetime.combine(day + timedelta(days=1), time.min, zone).astimezone(ZoneInfo("UTC")))


def describe_slot(slot, event=None):
    """'Ogyoku, Wed 28 Oct 09:00–09:40' in the event's time zone."""
    zone = zone_of(event or slot.event)
    start, end = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
    place = slot.room.name if slot.room is not None else "all rooms"
    return f"{place}, {start:%a %d %b %H:%M}–{end:%H:%M}"


def overlaps(a, b):
    """Whether two slots (or anything with starts_at and ends_at) share a moment; touching is fine."""
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def speaker_ids(proposal):
    """The user ids of the proposal's confirmed speakers."""
    return {user.id for user in proposal.speaker_users}


def overlapping_slots(event, starts_at, ends_at):
    """The event's slots that share a moment with starts_at..ends_at, rooms and talks loaded."""
    return db.session.scalars(select(Slot).options(*SLOT_LOADING).where(
        Slot.event_id == event.id, Slot.starts_at < ends_at, Slot.ends_at > starts_at)).all()


def time_reasons(event, starts_at, ends_at):
    """Why a slot at these times cannot be: its end before its start, or a time outside the event's days."""
    if ends_at <= starts_at:
        return ["A slot must end after it starts."]
    zone = zone_of(event)
    first = starts_at.astimezone(zone).date()
    last = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()  # ending at midnight: the day before
    if first < event.starts_on or last > event.ends_on:
        days = f"{event.starts_on:%d %b} to {event.ends_on:%d %b %Y}, {event.timezone}"
        return [f"The slot is outside the event's days ({days})."]
    return []


def room_reasons(room, candidate, others, event):
    """Why the room (None: every room) is already taken while `candidate` runs."""
    reasons = []
    for other in others:
        if other is candidate or not overlaps(candidate, other):
            continue
        if room is None or other.room_id is None or other.room_id == room.id:
            what = f" ({other.title})" if other.title else ""
            reasons.append(f"{room.name if room else 'Every room'} is already used then: "
                           f"{describe_slot(other, event)}{what}.")
    return reasons


def talk_problems(slot, proposal, others):
    """(rule, reason) pairs why `proposal` cannot be in `slot`: state, the slot's kind, length, a speaker."""
    problems = []
    if proposal.state not in PLACEABLE_STATES:
        problems.append(("state", (f"“{proposal.title}” is {proposal.state.value}: only accepted or "
                                   "confirmed talks can be placed.")))
    if slot.kind not in TALK_KINDS:
        problems.append(("kind", f"The slot is a {slot.kind.value}: talks go in session or keynote slots."))
    minutes = (slot.ends_at - slot.starts_at).total_seconds() / 60
    if proposal.duration_minutes > minutes:
        problems.append(("length", (f"“{proposal.title}” lasts {proposal.duration_minutes} minutes, "
                                    f"longer than the {minutes:g}-minute slot.")))
    return problems + [("speaker", reason) for reason in speaker_reasons(slot, proposal, others)]


def speaker_reasons(slot, proposal, others):
    """A confirmed speaker of `proposal` who speaks in another slot overlapping `slot`."""
    speakers = speaker_ids(proposal)
    reasons = []
    for other in others:
        if other is slot or other.proposal is None or other.proposal is proposal or not overlaps(slot, other):
            continue
        for user in other.proposal.speaker_users:
            if user.id in speakers:
                reasons.append(f"{user.name} also speaks in “{other.proposal.title}” at the same "
                               f"time ({describe_slot(other, slot.event)}).")
    return reasons


def capacity_reason(slot, proposal):
    """A flag when more people are expected than the room seats; None when they fit or the size is unknown."""
    room = slot.room
    if room is None or room.capacity == 0 or proposal.vote_count <= room.capacity:
        return None
    return (f"{proposal.vote_count} expected attendees (community votes) for “{proposal.title}”, but "
            f"{room.name} seats {room.capacity}.")


def new_slot_reasons(*, event, room, starts_at, ends_at):
    """Why a new slot in `room` (None: every room) from starts_at to ends_at is refused; [] if fine."""
    reasons = time_reasons(event, starts_at, ends_at)
    if reasons:
        return reasons
    candidate = Slot(starts_at=starts_at, ends_at=ends_at)
    return room_reasons(room, candidate, overlapping_slots(event, starts_at, ends_at), event)


def placement_reasons(*, slot, proposal):
    """Why putting `proposal` in `slot` is refused; [] when it may go there (its own slot ignored)."""
    if proposal.event_id != slot.event_id:
        return ["The talk belongs to another event."]
    if slot.proposal is not None and slot.proposal is not proposal:
        return [f"The slot already holds “{slot.proposal.title}”: unplace or move it first."]
    others = overlapping_slots(slot.event, slot.starts_at, slot.ends_at)
    return [reason for _rule, reason in talk_problems(slot, proposal, others)]


def schedule_conflicts(event):
    """Every broken rule of the event's schedule as it is now, in time order, for the builder's grid."""
    slots = db.session.scalars(select(Slot).options(*SLOT_LOADING).where(Slot.event_id == event.id)
                               .order_by(Slot.starts_at, Slot.id)).all()
    conflicts = []
    for index, slot in enumerate(slots):
        conflicts += [Conflict(slot, "days", r) for r in time_reasons(event, slot.starts_at, slot.ends_at)]
        neighbours = _neighbours(slots, index)
        conflicts += [Conflict(slot, "room", r) for r in room_reasons(slot.room, slot, neighbours, event)]
        if slot.proposal is not None:
            conflicts += _talk_conflicts(slot, neighbours)
    return conflicts


def _neighbours(slots, index):
    """The slots (sorted by start) overlapping slots[index]: earlier ones still on, later ones starting."""
    slot = slots[index]
    before = [other for other in slots[:index] if other.ends_at > slot.starts_at]
    after = []
    for other in slots[index + 1:]:
        if other.starts_at >= slot.ends_at:
            break
        after.append(other)
    return before + after


def _talk_conflicts(slot, neighbours):
    proposal = slot.proposal
    conflicts = []
    for rule, reason in talk_problems(slot, proposal, neighbours):
        if rule == "state":  # the talk was placed while accepted, and its state changed since
            reason = f"{proposal.state.value.capitalize()} talk still placed: “{proposal.title}”."
        conflicts.append(Conflict(slot, rule, reason))
    capacity = capacity_reason(slot, proposal)
    if capacity:
        conflicts.append(Conflict(slot, "capacity", capacity))
    return conflicts


def conflicts_by_slot(conflicts):
    """The conflicts grouped by slot id, for the grid's cells."""
    grouped = {}
    for conflict in conflicts:
        grouped.setdefault(conflict.slot.id, []).append(conflict)
    return grouped
