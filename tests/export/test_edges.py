"""Every export, and the schedule's pages, of events at the calendar's edges: a whole file, never a 500.

An event name with line breaks; dates in year 1 and in 9999 (in zones ahead of and behind UTC); a slot
across a DST gap; an event stored before PODIUM_MAX_EVENT_DAYS ending in 9999, whose days the exports
and pages must not walk one by one.
"""
import csv
import io
import json
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from lxml import etree
from sqlalchemy import select

from tests.conftest import sign_in
from tests.export import build_world
from voting.extensions import db
from voting.models import Slot

NAMES = ("accepted.csv", "accepted.json", "sched.csv", "schedule.xml", "schedule.json", "schedule.ics")
PAGES = ("/events/expo/schedule", "/events/expo/manage/schedule", "/events/expo/manage/schedule/rooms",
         "/api/v1/events/expo/schedule", "/events/expo")
UTC = ZoneInfo("UTC")
# name: (event name, time zone, first day, last day, the slots' first start in UTC)
EDGES = {
    "line breaks in the name": ("Expo\nSummit\r\n2031\rTokyo", "Asia/Tokyo", date(2031, 5, 12),
                                date(2031, 5, 13), datetime(2031, 5, 12, 1, tzinfo=UTC)),
    "year 1, ahead of UTC": ("Expo", "Asia/Tokyo", date(1, 1, 1), date(1, 1, 2),
                             datetime(1, 1, 1, 3, tzinfo=UTC)),
    "year 1, behind UTC": ("Expo", "America/Los_Angeles", date(1, 1, 1), date(1, 1, 2),
                           datetime(1, 1, 1, 18, tzinfo=UTC)),
    "year 9999, ahead of UTC": ("Expo", "Asia/Tokyo", date(9999, 12, 30), date(9999, 12, 31),
                                datetime(9999, 12, 30, 1, tzinfo=UTC)),
    "year 9999, behind UTC": ("Expo", "America/Los_Angeles", date(9999, 12, 30), date(9999, 12, 31),
                              datetime(9999, 12, 30, 17, tzinfo=UTC)),
    "across a DST gap": ("Expo", "Europe/Berlin", date(2031, 3, 30), date(2031, 3, 31),
                         datetime(2031, 3, 30, 0, 30, tzinfo=UTC)),  # 01:30 CET, until 03:30 CEST
}


def move_event(world, name, zone, first, last, start):
    """The world's event renamed and moved to the dates, its slots one after the other from `start`."""
    event = world.event
    event.name, event.timezone, event.starts_on, event.ends_on = name, zone, first, last
    slots = db.session.scalars(select(Slot).where(Slot.event_id == event.id).order_by(Slot.id)).all()
    for n, slot in enumerate(slots):
        slot.starts_at = start + timedelta(minutes=70 * n)
        slot.ends_at = slot.starts_at + timedelta(minutes=60)
    db.session.commit()


def parse(name, body):
    """The export read back by a parser of its format (fails on a broken file)."""
    if name.endswith(".csv"):
        return list(csv.reader(io.StringIO(body)))
    if name.endswith(".json"):
        return json.loads(body)
    if name.endswith(".xml"):
        return etree.fromstring(body.encode())
    return Calendar.from_ical(body)


def download(client, path):
    started = time.monotonic()
    with client.get(path) as response:
        body = response.get_data(as_text=True)
    return response.status_code, body, time.monotonic() - started


@pytest.mark.parametrize("edge", sorted(EDGES))
@pytest.mark.parametrize("who", ["public", "organiser"])
def test_every_export_of_an_event_at_the_edges_is_a_whole_file(app, client, edge, who):
    world = build_world()
    move_event(world, *EDGES[edge])
    if who == "organiser":
        sign_in(client, world.organiser)
    for name in NAMES:
        status, body, _ = download(client, f"/events/expo/export/{name}")
        assert status == 200, f"{name}: {body[:300]}"
        parse(name, body)
    body = download(client, "/events/expo/export/schedule.ics")[1]
    escaped = EDGES[edge][0].replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    assert f"\r\nX-WR-CALNAME:{escaped}\r\n" in body, "the name's line breaks escaped"
    assert len(Calendar.from_ical(body).walk("VEVENT")) == (3 if who == "public" else 4)


@pytest.mark.parametrize("edge", sorted(EDGES))
def test_the_schedule_pages_of_an_event_at_the_edges_are_no_500(app, client, edge):
    world = build_world()
    move_event(world, *EDGES[edge])
    sign_in(client, world.organiser)
    for day in (EDGES[edge][2], EDGES[edge][3]):
        status, body, _ = download(client, f"/events/expo/manage/schedule/days/{day.isoformat()}")
        assert status in (200, 400), f"{day}: {body[:300]}"
    for path in PAGES:
        status, body, _ = download(client, path)
        assert status == 200, f"{path}: {body[:300]}"


def test_an_event_stored_before_the_limit_ending_in_9999_is_quick_everywhere(app, client):
    world = build_world()
    world.event.ends_on = date(9999, 12, 31)  # as a row from before PODIUM_MAX_EVENT_DAYS may hold
    db.session.commit()
    sign_in(client, world.organiser)
    for path in [*(f"/events/expo/export/{name}" for name in NAMES), *PAGES]:
        status, body, seconds = download(client, path)
        assert status == 200, f"{path}: {body[:300]}"
        assert seconds < 3, f"{path} took {seconds:.1f} s"  # under a second on a quiet machine
    schedule = json.loads(download(client, "/events/expo/export/schedule.json")[1])
    assert schedule["schedule"]["conference"]["daysCount"] == 60
    day = (world.event.starts_on + timedelta(days=60)).isoformat()
    assert download(client, f"/events/expo/manage/schedule/days/{day}")[0] == 404, "past the 60 days walked"
