"""Every schedule conflict is refused or flagged, with its reason."""
from datetime import UTC, timedelta

import pytest

from tests.factories import make_user
from tests.schedule import at, make_slot, make_talk, scene_fixture  # noqa: F401
from voting.enums import ProposalState, SlotKind
from voting.errors import RuleViolation
from voting.extensions import db
from voting.models import ProposalSpeaker
from voting.proposals.services import change_state
from voting.schedule import services
from voting.schedule.conflicts import schedule_conflicts


def rules(event):
    """The current conflicts as (rule, reason) pairs."""
    return [(conflict.rule, conflict.reason) for conflict in schedule_conflicts(event)]


def place(scene, slot, talk):
    return services.place_proposal(slot=slot, proposal=talk, by=scene.organiser)


def new_slot(scene, room, start, minutes=40, day=0, kind=SlotKind.SESSION, title=""):
    return services.create_slot(event=scene.event, by=scene.organiser, room=room, starts_at=at(start, day),
                                ends_at=at(start, day) + timedelta(minutes=minutes), kind=kind, title=title)


def test_a_room_used_twice_at_once_is_refused(scene):
    new_slot(scene, scene.big, "09:00")
    with pytest.raises(RuleViolation, match=r"Ogyoku is already used then: Ogyoku, Mon 28 Oct 09:00–09:40"):
        new_slot(scene, scene.big, "09:30")


def test_slots_that_touch_or_are_in_other_rooms_are_fine(scene):
    new_slot(scene, scene.big, "09:00")
    new_slot(scene, scene.big, "09:40")
    new_slot(scene, scene.mid, "09:00")
    assert rules(scene.event) == []


def test_a_break_across_all_rooms_takes_every_room(scene):
    new_slot(scene, None, "12:30", minutes=60, kind=SlotKind.BREAK, title="Lunch")
    with pytest.raises(RuleViolation, match=r"Heian is already used then: all rooms, Mon 28 Oct 12:30–13:30"):
        new_slot(scene, scene.small, "13:00")
    new_slot(scene, scene.small, "11:00")
    with pytest.raises(RuleViolation, match="Every room is already used then: Heian"):
        new_slot(scene, None, "11:30", kind=SlotKind.BREAK, title="Coffee Break")


@pytest.mark.parametrize("start, day", [("09:00", -1), ("09:00", 3), ("23:30", 2)])
def test_a_slot_outside_the_events_days_is_refused(scene, start, day):
    with pytest.raises(RuleViolation, match=r"outside the event's days \(28 Oct to 30 Oct 2030, Asia/Tokyo"):
        new_slot(scene, scene.big, start, day=day)


def test_the_days_are_the_events_own_time_zone(scene):
    # 08:00 on the first day in Tokyo is the day before in UTC: fine; 00:30 the day after the last is not.
    slot = new_slot(scene, scene.big, "08:00")
    assert slot.starts_at.astimezone(UTC).day == 27
    with pytest.raises(RuleViolation, match="outside the event's days"):
        new_slot(scene, scene.big, "00:30", day=3)


def test_a_slot_that_ends_before_it_starts_is_refused(scene):
    with pytest.raises(RuleViolation, match="must end after it starts"):
        services.create_slot(event=scene.event, by=scene.organiser, room=scene.big, starts_at=at("10:00"),
                             ends_at=at("09:00"))


def test_a_talk_longer_than_its_slot_is_refused(scene):
    slot = make_slot(scene.event, scene.big, "09:00", minutes=40)
    workshop = make_talk(scene.storage, "Hands on Ceph", duration_minutes=90)
    with pytest.raises(RuleViolation, match="“Hands on Ceph” lasts 90 minutes, longer than the 40-minute"):
        place(scene, slot, workshop)
    assert slot.proposal is None


@pytest.mark.parametrize("state", [ProposalState.DECLINED, ProposalState.WITHDRAWN, ProposalState.REJECTED,
                                   ProposalState.SUBMITTED, ProposalState.ALTERNATE])
def test_only_accepted_or_confirmed_talks_are_placed(scene, state):
    slot = make_slot(scene.event, scene.big)
    with pytest.raises(RuleViolation, match=f"is {state.value}: only accepted or confirmed talks can be"):
        place(scene, slot, make_talk(scene.storage, state=state))


def test_a_confirmed_talk_is_placed(scene):
    slot = make_slot(scene.event, scene.big)
    place(scene, slot, make_talk(scene.storage, state=ProposalState.CONFIRMED))
    assert slot.proposal is not None and rules(scene.event) == []


def test_a_talk_declined_after_placing_is_flagged(scene):
    talk = make_talk(scene.storage, "Ceph at scale")
    place(scene, make_slot(scene.event, scene.big), talk)
    change_state(proposal=talk, to_state=ProposalState.DECLINED, by=scene.organiser)
    assert rules(scene.event) == [("state", "Declined talk still placed: “Ceph at scale”.")]


def test_a_speaker_in_two_overlapping_sessions_is_refused(scene):
    speaker = make_user(name="Sam Speaker")
    first = make_talk(scene.storage, "First", speaker=speaker)
    place(scene, make_slot(scene.event, scene.big, "09:00"), first)
    second = make_talk(scene.networking, "Second", speaker=speaker)
    with pytest.raises(RuleViolation, match="Sam Speaker also speaks in “First” at the same time "
                                            r"\(Ogyoku, Mon 28 Oct 09:00–09:40\)"):
        place(scene, make_slot(scene.event, scene.mid, "09:20"), second)
    place(scene, make_slot(scene.event, scene.mid, "09:40"), second)  # right after is fine


def test_a_co_speaker_counts_and_one_who_joins_later_is_flagged(scene):
    co = make_user(name="Cora Cospeaker")
    first = make_talk(scene.storage, "First")
    first.speakers.append(ProposalSpeaker(user=co, position=1))
    place(scene, make_slot(scene.event, scene.big), first)
    with pytest.raises(RuleViolation, match="Cora Cospeaker also speaks"):
        place(scene, make_slot(scene.event, scene.mid), make_talk(scene.storage, speaker=co))
    second = make_talk(scene.networking, "Second")
    place(scene, make_slot(scene.event, scene.small), second)
    second.speakers.append(ProposalSpeaker(user=co, position=1))  # accepts an invitation afterwards
    db.session.flush()
    assert [rule for rule, _ in rules(scene.event)] == ["speaker", "speaker"]


def test_more_expected_attendees_than_seats_is_flagged_not_refused(scene):
    talk = make_talk(scene.storage, "Popular", vote_count=300)
    place(scene, make_slot(scene.event, scene.small), talk)
    assert rules(scene.event) == [
        ("capacity", "300 expected attendees (community votes) for “Popular”, but Heian seats 120.")]


def test_a_room_of_unknown_size_is_never_flagged(scene):
    scene.small.capacity = 0
    place(scene, make_slot(scene.event, scene.small), make_talk(scene.storage, vote_count=300))
    assert rules(scene.event) == []


def test_talks_go_in_session_or_keynote_slots_only(scene):
    lunch = make_slot(scene.event, None, "12:30", minutes=60, kind=SlotKind.BREAK, title="Lunch")
    with pytest.raises(RuleViolation, match="The slot is a break: talks go in session or keynote slots."):
        place(scene, lunch, make_talk(scene.storage))
    keynote = make_slot(scene.event, scene.big, "09:00", kind=SlotKind.KEYNOTE)
    place(scene, keynote, make_talk(scene.storage))


def test_a_full_slot_or_a_talk_already_placed_is_refused(scene):
    talk, other = make_talk(scene.storage, "Placed"), make_talk(scene.storage, "Other")
    slot = make_slot(scene.event, scene.big)
    place(scene, slot, talk)
    with pytest.raises(RuleViolation, match="already holds “Placed”: unplace or move it first"):
        place(scene, slot, other)
    with pytest.raises(RuleViolation, match="“Placed” is already placed .*: move it instead"):
        place(scene, make_slot(scene.event, scene.mid), talk)


def test_every_reason_is_given_at_once(scene):
    speaker = make_user(name="Busy Bee")
    place(scene, make_slot(scene.event, scene.big), make_talk(scene.storage, speaker=speaker))
    talk = make_talk(scene.storage, "Late", state=ProposalState.DECLINED, duration_minutes=60,
                     speaker=speaker)
    with pytest.raises(RuleViolation) as refused:
        place(scene, make_slot(scene.event, scene.mid), talk)
    reasons = ("is declined", "lasts 60 minutes", "Busy Bee also speaks")
    assert all(reason in refused.value.message for reason in reasons)


def test_new_event_dates_flag_the_slots_left_outside(scene):
    place(scene, make_slot(scene.event, scene.big, day=2), make_talk(scene.storage))
    scene.event.ends_on = scene.event.starts_on + timedelta(days=1)
    db.session.flush()
    assert [rule for rule, _ in rules(scene.event)] == ["days"]


def test_a_talk_of_another_event_is_refused(scene):
    from tests.factories import make_track
    elsewhere = make_talk(make_track(scene.paris))
    with pytest.raises(RuleViolation, match="belongs to another event"):
        place(scene, make_slot(scene.event, scene.big), elsewhere)


def test_moving_is_checked_like_placing(scene):
    speaker = make_user(name="Mo Mover")
    place(scene, make_slot(scene.event, scene.big, "09:00"), make_talk(scene.storage, speaker=speaker))
    here = make_slot(scene.event, scene.mid, "11:00")
    place(scene, here, make_talk(scene.storage, "Mover", speaker=speaker))
    with pytest.raises(RuleViolation, match="Mo Mover also speaks"):
        services.move_proposal(slot=here, to_slot=make_slot(scene.event, scene.small, "09:00"),
                               by=scene.organiser)
    short = make_slot(scene.event, scene.small, "11:00", minutes=20)
    with pytest.raises(RuleViolation, match="longer than the 20-minute slot"):
        services.move_proposal(slot=here, to_slot=short, by=scene.organiser)
    with pytest.raises(RuleViolation, match="Choose another empty slot"):
        services.move_proposal(slot=here, to_slot=here, by=scene.organiser)
    there = make_slot(scene.event, scene.small, "11:40")
    services.move_proposal(slot=here, to_slot=there, by=scene.organiser)
    assert here.proposal is None and there.proposal.title == "Mover" and rules(scene.event) == []
