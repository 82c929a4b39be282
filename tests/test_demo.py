"""`flask --app app demo` loads a full demo event once, and only once."""
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from tests.factories import make_event, make_proposal, make_user
from voting.demo import services
from voting.demo.event import DEMO_SLUG
from voting.enums import ProposalState, SlotKind, VoteChoice, WindowState
from voting.extensions import db
from voting.models import Event, Proposal, Room, ScheduleChange, Slot, User, Vote
from voting.schedule.conflicts import schedule_conflicts
from voting.schedule.grid import public_schedule, unplaced_proposals

pytestmark = pytest.mark.slow

CHECKS = {
    "events": "SELECT count(*) FROM events",
    "tracks": "SELECT count(*) FROM tracks",
    "users": "SELECT count(*) FROM users",
    "proposals": "SELECT count(*) FROM proposals",
    "titles": "SELECT count(DISTINCT title) FROM proposals",
    "votes": "SELECT count(*) FROM votes",
    "reviews": "SELECT count(*) FROM reviews",
    "decisions": "SELECT count(*) FROM decisions",
    "own_votes": "SELECT count(*) FROM votes v JOIN proposal_speakers s"
                 " ON s.proposal_id = v.proposal_id AND s.user_id = v.user_id",
    "undecided": "SELECT count(*) FROM proposals p WHERE p.state <> 'draft'"
                 " AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.proposal_id = p.id)",
    "votes_on_drafts": "SELECT count(*) FROM votes v JOIN proposals p ON p.id = v.proposal_id"
                       " WHERE p.state IN ('draft', 'withdrawn')",
}


def snapshot():
    """Every count the checks below look at."""
    return {name: db.session.scalar(text(sql)) for name, sql in CHECKS.items()}


def run_demo(runner, *args):
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_loads_a_full_event_and_a_second_run_changes_nothing(runner):
    first_output = run_demo(runner)
    first = snapshot()
    second_output = run_demo(runner)

    assert "Loaded demo event summit-demo" in first_output
    assert "already loaded" in second_output
    assert snapshot() == first
    assert first["events"] == 1 and first["tracks"] == 6
    assert 250 <= first["proposals"] <= 350 and first["titles"] == first["proposals"]
    assert first["users"] >= 500 and first["votes"] >= 20000 and first["reviews"] > 0
    assert first["own_votes"] == first["undecided"] == first["votes_on_drafts"] == 0


def test_demo_windows_are_open_and_well_known_users_exist(runner):
    run_demo(runner)
    event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    assert all(event.window_state(name) == WindowState.OPEN for name in ("cfp", "voting", "review"))
    emails = set(db.session.scalars(select(User.email)))
    assert {"speaker@example.org", "voter@example.org", "chair@example.org",
            "organiser@example.org"} <= emails
    choices = set(db.session.scalars(select(Vote.choice).distinct()))
    assert choices == set(VoteChoice)


def test_reset_reloads_the_same_data_and_keeps_other_events(runner):
    other = make_proposal(speaker=make_user(), title="Not part of the demo")
    db.session.commit()
    run_demo(runner)
    before = snapshot()
    run_demo(runner, "--reset")

    assert snapshot() == before
    assert db.session.get(Proposal, other.id).title == "Not part of the demo"
    demo_event = select(Event.id).where(Event.slug == DEMO_SLUG)
    assert db.session.scalar(select(func.count()).select_from(Proposal)
                             .where(Proposal.event_id.in_(demo_event))) == before["proposals"] - 1


def test_a_demo_user_who_signed_in_before_the_load_is_reused(runner):
    early = make_user(email="voter@example.org", name="Early Voter")
    db.session.commit()
    run_demo(runner)
    assert db.session.scalar(select(User).where(User.email == "voter@example.org")).id == early.id
    assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.user_id == early.id)) > 0


def test_a_failing_load_leaves_nothing_behind(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "insert_activity", broken)
    with pytest.raises(RuntimeError):
        services.load_demo()
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_if_empty_skips_a_database_that_already_has_events(runner):
    make_event(slug="real-event")
    db.session.commit()
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0 and "already has events" in result.output
    assert db.session.query(Event).count() == 1


def test_every_proposal_knows_its_vote_count(runner):
    runner.invoke(args=["demo"])
    counted = dict(db.session.execute(select(Vote.proposal_id, func.count()).group_by(Vote.proposal_id)).all())
    for proposal in db.session.scalars(select(Proposal)):
        assert proposal.vote_count == counted.get(proposal.id, 0)


def test_the_demo_schedule_is_published_placed_and_conflict_free(runner):
    run_demo(runner)
    event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    assert event.schedule_version == 1 and event.schedule_published_at is not None
    assert [change.version for change in db.session.scalars(select(ScheduleChange))] == [1]
    assert schedule_conflicts(event) == []
    placed = db.session.scalars(select(Slot).where(Slot.event_id == event.id,
                                                   Slot.proposal_id.is_not(None))).all()
    accepted = db.session.scalars(select(Proposal).where(
        Proposal.event_id == event.id,
        Proposal.state.in_([ProposalState.ACCEPTED, ProposalState.CONFIRMED]))).all()
    assert len(placed) == len(accepted) >= 30 and unplaced_proposals(event) == []
    days = public_schedule(event)
    assert len(days) == 3
    for day in days:
        titles = {slot.title for _, slots in day.times for slot in slots if slot.kind == SlotKind.BREAK}
        assert {"Coffee Break", "Lunch"} <= titles
        assert max(sum(slot.proposal is not None for slot in slots) for _, slots in day.times) >= 3
    keynote = db.session.scalar(select(Slot).where(Slot.event_id == event.id, Slot.kind == SlotKind.KEYNOTE))
    biggest = db.session.scalar(select(Room).where(Room.event_id == event.id).order_by(Room.capacity.desc()))
    assert keynote.room_id == biggest.id and keynote.starts_at.astimezone(ZoneInfo(event.timezone)).hour == 9


def test_the_public_sees_the_same_demo_talks_on_the_schedule_page_and_in_the_api(runner, client):
    run_demo(runner)
    placed = set(db.session.scalars(select(Proposal.slug).join(Slot, Slot.proposal_id == Proposal.id)))
    page = client.get(f"/events/{DEMO_SLUG}/schedule").get_data(as_text=True)
    linked = set(re.findall(rf'class="schedule-title" href="/events/{DEMO_SLUG}/proposals/([\w-]+)"', page))
    api = client.get(f"/api/v1/events/{DEMO_SLUG}/schedule").get_json()
    listed = {slot["proposal"]["slug"] for slot in api["slots"] if slot["proposal"]}
    assert len(placed) >= 30 and linked == listed == placed
