"""Rooms, a day's slots at once, publishing with a change log, and the public schedule's order and filters."""
from datetime import time
from itertools import pairwise

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.schedule import FIRST_DAY, TOKYO, make_slot, make_talk, scene_fixture  # noqa: F401
from voting.enums import ProposalState, SlotKind
from voting.errors import RuleViolation
from voting.extensions import db
from voting.models import ActivityLog, ProposalTag, Slot, SpeakerProfile
from voting.proposals.services import change_state
from voting.schedule import grid, services


def room_names(event):
    return [room.name for room in grid.list_rooms(event)]


def test_rooms_are_added_renamed_reordered_and_removed(scene):
    hall = services.create_room(event=scene.event, by=scene.organiser, name="  Sakura ", capacity=350)
    assert (hall.name, hall.position) == ("Sakura", 3)
    services.update_room(room=hall, by=scene.organiser, name="Sakura Hall", capacity=300)
    services.move_room(room=hall, by=scene.organiser, direction="up")
    assert room_names(scene.event) == ["Ogyoku", "Aoba", "Sakura Hall", "Heian"]
    make_slot(scene.event, hall)
    services.delete_room(room=hall, by=scene.organiser)
    assert room_names(scene.event) == ["Ogyoku", "Aoba", "Heian"]
    actions = db.session.scalars(select(ActivityLog.action).order_by(ActivityLog.id)).all()
    assert actions == ["schedule.room_added", "schedule.room_changed", "schedule.room_moved",
                       "schedule.room_deleted"]


@pytest.mark.parametrize("name, capacity, field, message", [
    ("ogyoku", 10, "name", "already has a room called ogyoku"),
    ("  ", 10, "name", "Give the room a name"),
    ("Sakura", -1, "capacity", r"from 0 \(unknown\) to 100000"),
])
def test_a_room_needs_a_unique_name_and_a_capacity(scene, name, capacity, field, message):
    with pytest.raises(RuleViolation, match=message) as refused:
        services.create_room(event=scene.event, by=scene.organiser, name=name, capacity=capacity)
    assert refused.value.field == field


def test_a_room_with_placed_talks_is_not_removed(scene):
    make_slot(scene.event, scene.small, proposal=make_talk(scene.storage))
    with pytest.raises(RuleViolation, match="Talks are placed in Heian"):
        services.delete_room(room=scene.small, by=scene.organiser)


def test_a_day_of_slots_at_once_with_breaks_resuming_after_lunch(scene):
    make_slot(scene.event, None, "12:30", minutes=60, kind=SlotKind.BREAK, title="Lunch")
    make_slot(scene.event, scene.small, "16:20", minutes=70, kind=SlotKind.OTHER, title="Lightning talks")
    created, skipped = services.create_day_slots(
        event=scene.event, by=scene.organiser, day=FIRST_DAY, starts=time(9), ends=time(17, 30), length=40,
        gap=10, break_after=2, break_length=30, break_title="Coffee Break")
    _, rows = grid.day_grid(scene.event, FIRST_DAY)
    shape = [(f"{row.starts_at.astimezone(TOKYO):%H:%M}", [slot.title for slot in row.across],
              sum(len(cells) for cells in row.cells.values())) for row in rows]
    assert shape == [("09:00", [], 3), ("09:50", [], 3), ("10:30", ["Coffee Break"], 0), ("11:00", [], 3),
                     ("11:50", [], 3), ("12:30", ["Lunch"], 0), ("13:30", [], 3), ("14:20", [], 3),
                     ("15:00", ["Coffee Break"], 0), ("15:30", [], 3), ("16:20", [], 3)]
    assert skipped == 1 and len(created) == 8 * 3 + 2 - 1  # Heian at 16:20 is taken by the lightning talks
    assert db.session.scalar(select(ActivityLog.details)) == "Added 25 slots on Mon 28 Oct"


def test_a_day_grid_in_the_events_zone(scene):
    services.create_day_slots(event=scene.event, by=scene.organiser, day=FIRST_DAY, starts=time(9),
                              ends=time(11), length=50, gap=10, break_after=1, break_length=10)
    _, rows = grid.day_grid(scene.event, FIRST_DAY)
    assert [f"{row.starts_at.astimezone(TOKYO):%H:%M}" for row in rows] == ["09:00", "09:50", "10:00"]
    assert [len(row.across) for row in rows] == [0, 1, 0]
    assert all(len(cells) == 1 for cells in rows[0].cells.values())


def test_a_day_grid_needs_rooms_and_room_for_a_session(scene):
    with pytest.raises(RuleViolation, match="no session fits"):
        services.create_day_slots(event=scene.event, by=scene.organiser, day=FIRST_DAY, starts=time(9),
                                  ends=time(9, 30), length=40)


def test_an_empty_slot_is_removed_but_not_one_holding_a_talk(scene):
    slot = make_slot(scene.event, scene.big, proposal=make_talk(scene.storage, "Kept"))
    with pytest.raises(RuleViolation, match="holds “Kept”"):
        services.delete_slot(slot=slot, by=scene.organiser)
    services.unplace_proposal(slot=slot, by=scene.organiser)
    services.delete_slot(slot=slot, by=scene.organiser)
    assert grid.day_grid(scene.event, FIRST_DAY)[1] == []


def test_publishing_versions_and_the_change_log(scene):
    with pytest.raises(RuleViolation, match="Place at least one talk"):
        services.publish_schedule(event=scene.event, by=scene.organiser)
    first, second = make_talk(scene.storage, "First"), make_talk(scene.storage, "Second")
    slot = make_slot(scene.event, scene.big)
    services.place_proposal(slot=slot, proposal=first, by=scene.organiser)
    change = services.publish_schedule(event=scene.event, by=scene.organiser)
    assert (scene.event.schedule_version, change.summary) == (1, "First publication: 1 talk.")
    assert scene.event.schedule_published_at is not None and services.pending_changes(scene.event) == []
    with pytest.raises(RuleViolation, match="Nothing changed since version 1"):
        services.publish_schedule(event=scene.event, by=scene.organiser)

    services.move_proposal(slot=slot, to_slot=make_slot(scene.event, scene.mid), by=scene.organiser)
    services.place_proposal(slot=make_slot(scene.event, scene.big, "11:00"), proposal=second,
                            by=scene.organiser)
    change = services.publish_schedule(event=scene.event, by=scene.organiser)
    assert change.version == 2 and change.summary == (
        "Moved “First” from Ogyoku, Mon 28 Oct 09:00–09:40 to Aoba, Mon 28 Oct 09:00–09:40; "
        "Placed “Second” in Ogyoku, Mon 28 Oct 11:00–11:40.")
    services.unplace_proposal(slot=db.session.scalar(select(Slot).where(Slot.proposal_id == first.id)),
                              by=scene.organiser)
    services.publish_schedule(event=scene.event, by=scene.organiser, summary="Aoba is closed for repairs.")
    log = services.schedule_changes(scene.event)
    assert (log[0].version, log[0].summary, log[0].user.name) == (3, "Aoba is closed for repairs.",
                                                                  "Olive Organiser")
    assert [c.version for c in log] == [3, 2, 1]


def test_a_long_change_list_is_cut_to_fit(scene):
    talk = make_talk(scene.storage, "A talk with a rather long title that is moved back and forth")
    slots = [make_slot(scene.event, scene.big, f"{9 + n:02}:00") for n in range(8)]
    services.place_proposal(slot=slots[0], proposal=talk, by=scene.organiser)
    services.publish_schedule(event=scene.event, by=scene.organiser)
    for here, there in pairwise(slots):
        services.move_proposal(slot=here, to_slot=there, by=scene.organiser)
    change = services.publish_schedule(event=scene.event, by=scene.organiser)
    assert len(change.summary) == 500 and change.summary.endswith("…")


def public_rows(event, **filters):
    """The public schedule as (day, HH:MM, [what, where]) rows."""
    return [(day.day.isoformat(), f"{starts_at.astimezone(TOKYO):%H:%M}",
             [(slot.proposal.title if slot.proposal else slot.title, slot.room.name if slot.room else "all")
              for slot in slots])
            for day in grid.public_schedule(event, **filters) for starts_at, slots in day.times]


def test_the_public_schedule_is_by_day_then_time_then_room(scene):
    make_slot(scene.event, scene.small, "09:00", day=1, proposal=make_talk(scene.storage, "Day two small"))
    make_slot(scene.event, scene.big, "09:00", day=1, proposal=make_talk(scene.storage, "Day two big"))
    make_slot(scene.event, scene.mid, "11:00", proposal=make_talk(scene.networking, "Late morning"))
    make_slot(scene.event, None, "10:30", minutes=30, kind=SlotKind.BREAK, title="Coffee Break")
    make_slot(scene.event, scene.big, "09:00", proposal=make_talk(scene.storage, "Opening"))
    make_slot(scene.event, scene.mid, "09:00")  # empty: not shown
    gone = make_talk(scene.storage, "Gone")
    make_slot(scene.event, scene.small, "11:00", proposal=gone)
    change_state(proposal=gone, to_state=ProposalState.DECLINED)  # still placed, but no longer shown
    assert public_rows(scene.event) == [
        ("2030-10-28", "09:00", [("Opening", "Ogyoku")]),
        ("2030-10-28", "10:30", [("Coffee Break", "all")]),
        ("2030-10-28", "11:00", [("Late morning", "Aoba")]),
        ("2030-10-29", "09:00", [("Day two big", "Ogyoku"), ("Day two small", "Heian")]),
    ]


def test_the_public_schedule_by_track_and_by_search(scene):
    speaker = make_user(name="Kenji Kato")
    db.session.add(SpeakerProfile(user=speaker, display_name="Kenji K.", company="Example Corp"))
    ceph = make_talk(scene.storage, "Ceph in production", speaker=speaker)
    ceph.tags.append(ProposalTag(name="rados"))
    make_slot(scene.event, scene.big, "09:00", proposal=ceph)
    make_slot(scene.event, scene.mid, "09:00", proposal=make_talk(scene.networking, "Neutron routers"))
    make_slot(scene.event, None, "12:30", minutes=60, kind=SlotKind.BREAK, title="Lunch")
    rows = public_rows(scene.event, track_id=scene.networking.id)
    talks = [title for _, _, slots in rows for title, _ in slots]
    assert talks == ["Neutron routers"]
    for q in ("CEPH", "kenji k.", "rados", "production ceph", "Ogyoku"):
        assert [t for _, _, s in public_rows(scene.event, q=q) for t, _ in s] == ["Ceph in production"], q
    assert [t for _, _, s in public_rows(scene.event, q="lunch") for t, _ in s] == ["Lunch"]
    assert public_rows(scene.event, q="kubernetes") == []
