"""Every export of the demo event, its accepted talks placed in a published schedule, validated."""
import csv
import io
import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.export.test_formats import SCHED_HEADER, parse_ics, validate_json, validate_xml
from voting.db_types import utcnow
from voting.demo.event import DEMO_SLUG
from voting.enums import ProposalState, SlotKind
from voting.export.data import guid
from voting.extensions import db
from voting.models import Event, Proposal, Room, Slot

pytestmark = pytest.mark.slow


def schedule_demo():
    """Publish the demo's acceptances and place them (unless the demo has a schedule), then publish it."""
    event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    accepted = db.session.scalars(select(Proposal).where(
        Proposal.event_id == event.id, Proposal.state.in_([ProposalState.ACCEPTED, ProposalState.CONFIRMED]))
        .order_by(Proposal.id)).all()
    for proposal in accepted:
        proposal.published_state = proposal.published_state or proposal.state
    if not db.session.scalar(select(func.count()).select_from(Slot).where(Slot.event_id == event.id)):
        place(event, accepted)
    event.schedule_published_at = event.schedule_published_at or utcnow()
    event.schedule_version = max(event.schedule_version, 1)
    db.session.commit()
    return event


def place(event, proposals):
    """Each talk in turn in the next room at 10:00 of the event's days; lunch across rooms every day."""
    zone = ZoneInfo(event.timezone)
    rooms = db.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position)).all()
    days = (event.ends_on - event.starts_on).days + 1
    for n, proposal in enumerate(proposals):
        day = event.starts_on + timedelta(n % days)
        starts = datetime.combine(day, time(10), zone) + timedelta(hours=n // (days * len(rooms)))
        db.session.add(Slot(event=event, room=rooms[n % len(rooms)], starts_at=starts,
                            ends_at=starts + timedelta(minutes=proposal.duration_minutes), proposal=proposal))
    for n in range(days):
        lunch = datetime.combine(event.starts_on + timedelta(n), time(12, 30), zone)
        db.session.add(Slot(event=event, starts_at=lunch, ends_at=lunch + timedelta(hours=1),
                            kind=SlotKind.BREAK, title="Lunch"))


def test_every_export_of_the_demo_is_valid(app, client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    event = schedule_demo()
    talks = db.session.scalars(select(Slot).where(Slot.event_id == event.id,
                                                  Slot.proposal_id.is_not(None))).all()
    # Sched lists the breaks and other items too, never an empty session slot.
    items = db.session.scalar(select(func.count()).select_from(Slot).where(
        Slot.event_id == event.id, (Slot.proposal_id.is_not(None)) | (Slot.kind != SlotKind.SESSION)))
    assert talks, "the demo has accepted talks to place"
    base = f"/events/{DEMO_SLUG}/export/"

    document = validate_xml(client.get(base + "schedule.xml").get_data())
    events = document.findall("day/room/event")
    assert len(events) == len(talks)
    assert all(e.findall("persons/person") and e.findtext("track") for e in events)
    frab = validate_json(client.get(base + "schedule.json").get_data())
    days = frab["schedule"]["conference"]["days"]
    events = [e for day in days for room in day["rooms"].values() for e in room]
    assert len(events) == len(talks) and all(e["persons"] and e["track"] for e in events)

    calendar, events = parse_ics(client.get(base + "schedule.ics").get_data())
    assert len(events) == len(talks)
    starts = {str(e["UID"]): (e.decoded("DTSTART"), e.decoded("DTEND")) for e in events}
    assert starts == {guid(DEMO_SLUG, "proposal", s.proposal_id): (s.starts_at, s.ends_at) for s in talks}

    rows = list(csv.reader(io.StringIO(client.get(base + "sched.csv").get_data(as_text=True))))
    assert rows[0] == SCHED_HEADER and len(rows) == items + 1
    accepted = json.loads(client.get(base + "accepted.json").get_data())
    assert len(accepted["talks"]) == len(talks)
    rows = csv.DictReader(io.StringIO(client.get(base + "accepted.csv").get_data(as_text=True)))
    assert len(list(rows)) == len(talks)
