"""The schedule's tests share one scene: a Tokyo event of three days with rooms, tracks and an organiser.

Test modules import the `scene` fixture from here (`from tests.schedule import scene_fixture`).
"""
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_event, make_organiser, make_proposal, make_track, make_user
from voting.enums import ProposalState, SlotKind
from voting.extensions import db
from voting.models import Room, Slot

FIRST_DAY = date(2030, 10, 28)
TOKYO = ZoneInfo("Asia/Tokyo")


def at(hhmm, day=0):
    """An aware time on the event's day number `day`, in Tokyo."""
    return datetime.combine(FIRST_DAY + timedelta(days=day), time.fromisoformat(hhmm), TOKYO)


def make_room(event, name, capacity=100, position=0):
    """A room of the event."""
    room = Room(event=event, name=name, capacity=capacity, position=position)
    db.session.add(room)
    db.session.flush()
    return room


def make_slot(event, room, start="09:00", minutes=40, day=0, kind=SlotKind.SESSION, title="", proposal=None):
    """A slot written directly (no rule checked), for setting scenes up."""
    starts_at = at(start, day)
    slot = Slot(event=event, room=room, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes),
                kind=kind, title=title, proposal=proposal)
    db.session.add(slot)
    db.session.flush()
    return slot


def make_talk(track, title=None, state=ProposalState.ACCEPTED, **fields):
    """An accepted talk of 40 minutes (unless told otherwise) with one new speaker; an accepted or confirmed
    talk's acceptance is published unless `published_state` says otherwise."""
    named = {"title": title, "slug": title.lower().replace(" ", "-")} if title else {}
    if state in (ProposalState.ACCEPTED, ProposalState.CONFIRMED):
        fields.setdefault("published_state", ProposalState.ACCEPTED)
    return make_proposal(track, state=state, **named, **fields)


@pytest.fixture(name="scene")
def scene_fixture(app):
    """Tokyo Summit, 28 to 30 October 2030: two tracks, three rooms, an organiser; Paris with its own."""
    event = make_event(name="Tokyo Summit", slug="tokyo", timezone="Asia/Tokyo", starts_on=FIRST_DAY,
                       ends_on=FIRST_DAY + timedelta(days=2))
    paris = make_event(name="Paris Summit", slug="paris", timezone="Europe/Paris")
    return SimpleNamespace(
        event=event, paris=paris,
        storage=make_track(event, name="Storage", slug="storage", position=0),
        networking=make_track(event, name="Networking", slug="networking", position=1),
        big=make_room(event, "Ogyoku", 1200, 0), mid=make_room(event, "Aoba", 400, 1),
        small=make_room(event, "Heian", 120, 2),
        organiser=make_organiser(event, make_user(name="Olive Organiser")),
        other_organiser=make_organiser(paris), user=make_user(name="Uma User"),
    )
