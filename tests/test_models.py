"""The database itself enforces the domain's invariants."""
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from tests.factories import make_event, make_proposal, make_track, make_user
from voting.db_types import utcnow
from voting.enums import ProposalState, VoteChoice
from voting.extensions import db
from voting.models import Decision, Identity, Review, Room, Slot, Vote
from voting.proposals.models import AppendOnlyError


def refused(statement_fn):
    """Run statement_fn and flush, expecting the database to refuse it."""
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            statement_fn()
            db.session.flush()


def insert_raw(table, **values):
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    db.session.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), values)


def test_second_vote_by_same_user_on_same_proposal_is_refused(app):
    proposal, voter = make_proposal(), make_user()
    db.session.add(Vote(user=voter, proposal=proposal, choice=VoteChoice.LOVE))
    db.session.flush()
    refused(lambda: db.session.add(Vote(user=voter, proposal=proposal, choice=VoteChoice.NOT)))
    assert db.session.query(Vote).count() == 1


def test_vote_choice_outside_the_four_is_refused_by_the_database(app):
    proposal, voter = make_proposal(), make_user()
    now = utcnow().replace(tzinfo=None)
    refused(lambda: insert_raw("votes", user_id=voter.id, proposal_id=proposal.id, choice="meh",
                               created_at=now, updated_at=now))


def test_vote_for_unknown_proposal_is_refused_by_foreign_key(app, backend):
    if backend == "sqlite":
        db.session.execute(text("PRAGMA foreign_keys=ON"))
    voter = make_user()
    now = utcnow().replace(tzinfo=None)
    refused(lambda: insert_raw("votes", user_id=voter.id, proposal_id=987654, choice="love",
                               created_at=now, updated_at=now))


def test_proposal_slug_is_unique_within_an_event_only(app):
    track = make_track()
    make_proposal(track=track, slug="same")
    refused(lambda: make_proposal(track=track, slug="same"))
    other = make_proposal(slug="same")
    assert other.event_id != track.event_id


def test_submitted_proposal_needs_a_submission_time(app):
    refused(lambda: make_proposal(state=ProposalState.SUBMITTED, submitted_at=None))
    assert make_proposal(state=ProposalState.DRAFT, submitted_at=None).id


@pytest.mark.parametrize("minutes", [0, -5, 481])
def test_duration_out_of_range_is_refused(app, minutes):
    refused(lambda: make_proposal(duration_minutes=minutes))


@pytest.mark.parametrize("score", [0, 11])
def test_review_score_out_of_range_is_refused(app, score):
    proposal, chair = make_proposal(), make_user()
    refused(lambda: db.session.add(Review(chair=chair, proposal=proposal, score=score)))


def test_one_review_per_chair_and_proposal(app):
    proposal, chair = make_proposal(), make_user()
    db.session.add(Review(chair=chair, proposal=proposal, score=4))
    db.session.flush()
    refused(lambda: db.session.add(Review(chair=chair, proposal=proposal, score=2)))


def test_identity_is_unique_per_provider_and_subject(app):
    alice, bob = make_user(), make_user()
    db.session.add(Identity(user=alice, provider="github", subject="42"))
    db.session.flush()
    refused(lambda: db.session.add(Identity(user=bob, provider="github", subject="42")))
    db.session.add(Identity(user=bob, provider="google", subject="42"))
    db.session.flush()


def test_user_email_is_unique(app):
    make_user(email="a@example.test")
    refused(lambda: make_user(email="a@example.test"))


def test_track_slug_is_unique_within_an_event(app):
    event = make_event()
    make_track(event=event, slug="cloud")
    refused(lambda: make_track(event=event, slug="cloud"))


def test_window_closing_before_opening_is_refused(app):
    now = utcnow()
    refused(lambda: make_event(voting_opens_at=now, voting_closes_at=now - timedelta(hours=1)))


def test_event_ending_before_it_starts_is_refused(app):
    event = make_event()
    refused(lambda: make_event(starts_on=event.ends_on, ends_on=event.starts_on - timedelta(days=1)))


def test_slot_must_end_after_it_starts_and_hold_a_proposal_once(app):
    proposal = make_proposal()
    room = Room(event=proposal.event, name="Ballroom", capacity=300)
    start = utcnow()
    refused(lambda: db.session.add(Slot(event=proposal.event, room=room, starts_at=start, ends_at=start)))
    db.session.add(Slot(event=proposal.event, room=room, starts_at=start,
                        ends_at=start + timedelta(minutes=40), proposal=proposal))
    db.session.flush()
    refused(lambda: db.session.add(Slot(event=proposal.event, room=room, proposal=proposal,
                                        starts_at=start + timedelta(hours=1),
                                        ends_at=start + timedelta(hours=2))))


def test_decisions_are_append_only(app):
    proposal = make_proposal()
    decision = Decision(proposal=proposal, from_state=ProposalState.SUBMITTED, to_state=ProposalState.ACCEPTED)
    db.session.add(decision)
    db.session.flush()
    decision.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.flush()


def test_timestamps_come_back_as_aware_utc(app):
    opens = utcnow().replace(microsecond=0)
    event = make_event(voting_opens_at=opens, voting_closes_at=opens + timedelta(days=1))
    db.session.expire_all()
    assert event.voting_opens_at == opens
    assert event.voting_opens_at.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused_before_reaching_the_database(app):
    with pytest.raises(StatementError):
        make_event(voting_opens_at=utcnow().replace(tzinfo=None))
