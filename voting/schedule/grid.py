"""Reading the schedule back: rooms, the builder's day grid, the talks left to place, the public schedule."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voting.auth.models import User
from voting.enums import SlotKind
from voting.extensions import db
from voting.proposals.models import Proposal, ProposalSpeaker
from voting.proposals.publicity import is_accepted
from voting.schedule.conflicts import PLACEABLE_STATES, SLOT_LOADING, TALK_KINDS, day_bounds, zone_of
from voting.schedule.models import Room, Slot



def _public_loading():
    """What the public schedule shows of each slot, loaded with the slots (built when asked for: loader
    options configure the mappers, which needs every model imported)."""
    return (selectinload(Slot.room), selectinload(Slot.proposal).options(
        selectinload(Proposal.track), selectinload(Proposal.tags),
        selectinload(Proposal.speakers).selectinload(ProposalSpeaker.user).selectinload(User.speaker_profile)))


def list_rooms(event):
    """The event's rooms in their order."""
    query = select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.id)
    return db.session.scalars(query).all()


@dataclass
class GridRow:
    """One start time of a day's grid: the slots across all rooms, and each room's slots by room id."""

    starts_at: datetime
    across: list = field(default_factory=list)
    cells: dict = field(default_factory=dict)


def day_grid(event, day):
    """The event's rooms, and the day's slots as rows by start time (local day, in the event's zone)."""
    rooms = list_rooms(event)
    start, end = day_bounds(event, day)
    slots = db.session.scalars(select(Slot).options(*SLOT_LOADING).where(
        Slot.event_id == event.id, Slot.starts_at >= start, Slot.starts_at < end)
        .order_by(Slot.starts_at, Slot.id))
    rows = {}
    for slot in slots:
        row = rows.setdefault(slot.starts_at, GridRow(slot.starts_at, cells={room.id: [] for room in rooms}))
        (row.across if slot.room_id is None else row.cells[slot.room_id]).append(slot)
    return rooms, list(rows.values())


def unplaced_proposals(event):
    """The event's accepted and confirmed talks not in any slot, by track then most votes."""
    placed = select(Slot.proposal_id).where(Slot.proposal_id.is_not(None))
    return db.session.scalars(select(Proposal).options(selectinload(Proposal.track)).where(
        Proposal.event_id == event.id, Proposal.state.in_(PLACEABLE_STATES), Proposal.id.not_in(placed))
        .order_by(Proposal.track_id, Proposal.vote_count.desc(), Proposal.title)).all()


def open_slots(event):
    """The event's empty session and keynote slots, by time then room order: where a talk may go."""
    slots = db.session.scalars(select(Slot).options(selectinload(Slot.room), selectinload(Slot.event)).where(
        Slot.event_id == event.id, Slot.proposal_id.is_(None), Slot.kind.in_(TALK_KINDS))).all()
    return sorted(slots, key=_slot_order)


def local_day(slot):
    """The day of the event's calendar the slot starts on."""
    return slot.starts_at.astimezone(zone_of(slot.event)).date()


def _slot_order(slot):
    return slot.starts_at, slot.room.position if slot.room else -1, slot.room_id or 0, slot.id


def visible_slots(event, talks_only=False, public=True):
    """What the audience sees, by time then room: placed accepted talks, and breaks, keynotes, others.

    The public sees the talks whose acceptance is published, organisers (`public=False`) the current
    decisions, as in the exports."""
    # Empty session slots, and talks placed but not (or no longer) accepted, stay out of sight.
    slots = db.session.scalars(select(Slot).options(*_public_loading()).where(Slot.event_id == event.id)).all()
    shown = [slot for slot in slots if (is_accepted(slot.proposal, public=public) if slot.proposal is not None
                                        else not talks_only and slot.kind != SlotKind.SESSION)]
    return sorted(shown, key=_slot_order)


@dataclass
class ScheduleDay:
    """A day of the public schedule: its date and its start times, each with its slots in room order."""

    day: object
    times: list = field(default_factory=list)


def public_schedule(event, track_id=None, q=None, public=True):
    """The schedule as the seeds' Sched pages show it: days, then start times, then slots in room order."""
    # A track or a search keeps only the talks that match (and the breaks a search names).
    words = (q or "").casefold().split()
    zone, days = zone_of(event), []
    for slot in visible_slots(event, public=public):
        if (track_id or words) and not _matches(slot, track_id, words):
            continue
        day = slot.starts_at.astimezone(zone).date()
        if not days or days[-1].day != day:
            days.append(ScheduleDay(day))
        times = days[-1].times
        if not times or times[-1][0] != slot.starts_at:
            times.append((slot.starts_at, []))
        times[-1][1].append(slot)
    return days


def _matches(slot, track_id, words):
    proposal = slot.proposal
    if proposal is None:
        return not track_id and all(word in slot.title.casefold() for word in words)
    if track_id and proposal.track_id != track_id:
        return False
    speakers = [user.speaker_profile.display_name if user.speaker_profile else user.name
                for user in proposal.speaker_users]
    room = slot.room.name if slot.room else ""
    text = " ".join([proposal.title, proposal.abstract, proposal.track.name, room, *proposal.tag_names,
                     *speakers]).casefold()
    return all(word in text for word in words)
