"""The demo's schedule, as the seeds' Sched pages show one: three days of parallel rooms with coffee
breaks and lunch across all rooms, an opening keynote, the most voted talks accepted (their acceptance
published, so the public schedule shows them) and placed, published."""
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voting.demo.people import ORGANISER, SPEAKER
from voting.enums import ProposalState, SlotKind
from voting.extensions import db
from voting.models import Proposal, ProposalSpeaker, Room, Slot, User
from voting.proposals.services import change_state
from voting.schedule.conflicts import PLACEABLE_STATES, capacity_reason, overlaps, speaker_ids, zone_of
from voting.schedule.services import place_proposal, publish_schedule

DAYS, TALKS, PER_ROW, SESSION_MINUTES = 3, 40, 3, 40
SESSIONS = ("09:00", "09:50", "11:00", "11:50", "13:30", "14:20", "15:30", "16:20")
ACROSS = (("10:30", "11:00", SlotKind.BREAK, "Coffee Break"), ("12:30", "13:30", SlotKind.BREAK, "Lunch"),
          ("15:00", "15:30", SlotKind.BREAK, "Coffee Break"),
          ("17:00", "17:30", SlotKind.OTHER, "Marketplace Mixer"))
KEYNOTE = "Opening keynote: the state of the open infrastructure community"
# Which session rows fill first: mornings and afternoons alike, so every day has talks throughout.
ROW_ORDER = (0, 4, 2, 6, 1, 5, 3, 7)
ACCEPT_REASON = "Among the most voted by the community: accepted for the demo schedule."


def make_schedule(event, now):
    """Accept the most voted talks up to TALKS, lay out the days, place the talks, publish version 1."""
    organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
    accept_most_voted(event, organiser)
    publish_acceptances(event, now)
    rooms = db.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position)).all()
    rows = make_slots(event, rooms)
    place_talks(event, rows, organiser)
    publish_schedule(event=event, by=organiser, summary="First publication of the demo schedule.", now=now)


def accept_most_voted(event, organiser):
    """Accept the most voted submitted talks that fit a session, through change_state (a Decision each)."""
    # The well-known demo speaker's proposals stay as they are, so their pages still show editing.
    placeable = db.session.scalars(select(Proposal.id).where(
        Proposal.event_id == event.id, Proposal.state.in_(PLACEABLE_STATES))).all()
    demo_speaker = select(ProposalSpeaker.proposal_id).join(User).where(User.email == SPEAKER)
    candidates = db.session.scalars(select(Proposal).where(
        Proposal.event_id == event.id, Proposal.state == ProposalState.SUBMITTED,
        Proposal.duration_minutes <= SESSION_MINUTES, Proposal.id.not_in(demo_speaker))
        .order_by(Proposal.vote_count.desc(), Proposal.slug).limit(max(0, TALKS - len(placeable)))).all()
    for proposal in candidates:
        change_state(proposal=proposal, to_state=ProposalState.ACCEPTED, by=organiser, reason=ACCEPT_REASON)


def publish_acceptances(event, now):
    """The accepted talks' decisions as published earlier, without mail: the public schedule shows only
    published acceptances. The demo's alternates and rejections stay unpublished for the decisions page."""
    for proposal in db.session.scalars(select(Proposal).where(Proposal.event_id == event.id,
                                                              Proposal.state.in_(PLACEABLE_STATES))):
        proposal.published_state, proposal.published_at = ProposalState.ACCEPTED, now
    db.session.flush()


def make_slots(event, rooms):
    """Every day's slots; returns the session rows as {(row, day): [slots in room order]}."""
    zone, rows = zone_of(event), {}
    for day_index in range(DAYS):
        day = event.starts_on + timedelta(days=day_index)

        for row, start in enumerate(SESSIONS):
            starts_at = _at(day, start, zone)
            ends_at = starts_at + timedelta(minutes=SESSION_MINUTES)
            if day_index == 0 and row == 0:  # the opening keynote, alone, in the biggest room
                db.session.add(Slot(event=event, room=rooms[0], starts_at=starts_at, ends_at=ends_at,
                                    kind=SlotKind.KEYNOTE, title=KEYNOTE))
                continue
            rows[row, day_index] = [Slot(event=event, room=room, starts_at=starts_at, ends_at=ends_at)
                                    for room in rooms]
            db.session.add_all(rows[row, day_index])
        db.session.add_all(Slot(event=event, room=None, starts_at=_at(day, start, zone),
                                ends_at=_at(day, end, zone), kind=kind, title=title)
                           for start, end, kind, title in ACROSS)
    db.session.flush()
    return rows


def place_talks(event, rows, organiser):
    """Place the talks, most voted first, PER_ROW a start time, in the biggest rooms they fit."""
    # No speaker twice at once, no room too small: the schedule is conflict-free, which place_proposal
    # checks again.
    talks = db.session.scalars(select(Proposal).options(selectinload(Proposal.speakers)).where(
        Proposal.event_id == event.id, Proposal.state.in_(PLACEABLE_STATES))
        .order_by(Proposal.vote_count.desc(), Proposal.slug)).all()
    order = [(row, day) for row in ROW_ORDER for day in range(DAYS) if (row, day) in rows]
    busy = {}  # speaker id -> the slots they already speak in
    for talk in talks:
        slot = next((slot for key in order if sum(s.proposal is not None for s in rows[key]) < PER_ROW
                     for slot in rows[key] if _fits(slot, talk, busy)), None)
        if slot is not None:
            place_proposal(slot=slot, proposal=talk, by=organiser)
            for speaker in speaker_ids(talk):
                busy.setdefault(speaker, []).append(slot)


def _fits(slot, talk, busy):
    elsewhere = (other for speaker in speaker_ids(talk) for other in busy.get(speaker, ()))
    return (slot.proposal is None and capacity_reason(slot, talk) is None
            and not any(overlaps(slot, other) for other in elsewhere))


def _at(day, text, zone):
    return datetime.combine(day, time.fromisoformat(text), zone)
