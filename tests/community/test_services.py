"""Casting votes and the fair order of proposals, at the service layer."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import POSTGRES_URL, empty_tables, make_app
from tests.factories import make_event, make_proposal, make_track, make_user
from voting.community import services
from voting.db_types import utcnow
from voting.enums import ProposalState, VoteChoice
from voting.errors import RuleViolation
from voting.extensions import db
from voting.models import Proposal, Vote, VoteSkip


@pytest.fixture
def track(app):
    return make_track(event=make_event())


def votes_on(proposal):
    return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.proposal_id == proposal.id))


def count_of(proposal):
    db.session.expire(proposal)
    return proposal.vote_count


def test_a_vote_is_recorded_changed_and_cleared(track):
    proposal, voter = make_proposal(track=track), make_user()
    services.cast_vote(user=voter, proposal=proposal, choice=VoteChoice.LOVE, ip="192.0.2.7")
    services.cast_vote(user=voter, proposal=proposal, choice=VoteChoice.MIGHT)
    vote = services.vote_of(voter, proposal)
    assert vote.choice == VoteChoice.MIGHT and votes_on(proposal) == 1 and count_of(proposal) == 1
    assert (proposal.love_count, proposal.might_count) == (0, 1)
    services.clear_vote(user=voter, proposal=proposal)
    assert services.vote_of(voter, proposal) is None and count_of(proposal) == 0
    services.clear_vote(user=voter, proposal=proposal)
    assert count_of(proposal) == 0


def test_votes_keep_the_proposals_last_edit_time(track):
    proposal, voter = make_proposal(track=track), make_user()
    proposal.updated_at = edited = utcnow() - timedelta(days=3)
    db.session.commit()
    services.cast_vote(user=voter, proposal=proposal, choice=VoteChoice.LOVE)
    services.cast_vote(user=voter, proposal=proposal, choice=VoteChoice.TRY)
    services.clear_vote(user=voter, proposal=proposal)
    db.session.commit()
    db.session.expire(proposal)
    assert proposal.updated_at == edited and proposal.vote_count == 0


def test_the_ip_is_kept_only_as_a_salted_hash(track):
    proposal, voter = make_proposal(track=track), make_user()
    services.cast_vote(user=voter, proposal=proposal, choice=VoteChoice.TRY, ip="192.0.2.7")
    stored = services.vote_of(voter, proposal).ip_hash
    assert stored and "192.0.2.7" not in stored and len(stored) == 64
    assert stored == services.hash_ip("192.0.2.7") != services.hash_ip("192.0.2.8")


def test_speakers_cannot_vote_on_their_own_proposal(track):
    speaker = make_user()
    proposal = make_proposal(track=track, speaker=speaker)
    with pytest.raises(RuleViolation, match="you speak on"):
        services.cast_vote(user=speaker, proposal=proposal, choice=VoteChoice.LOVE)
    assert votes_on(proposal) == 0


@pytest.mark.parametrize("state", [ProposalState.DRAFT, ProposalState.WITHDRAWN])
def test_drafts_and_withdrawn_proposals_take_no_votes(track, state):
    proposal = make_proposal(track=track, state=state, submitted_at=utcnow())
    with pytest.raises(RuleViolation, match="not open to votes"):
        services.cast_vote(user=make_user(), proposal=proposal, choice=VoteChoice.LOVE)


@pytest.mark.parametrize("offset, allowed", [(-1, True), (0, False), (1, False)])
def test_the_window_is_checked_at_the_moment_of_the_write(track, offset, allowed):
    proposal = make_proposal(track=track)
    when = track.event.voting_closes_at + timedelta(seconds=offset)
    if allowed:
        services.cast_vote(user=make_user(), proposal=proposal, choice=VoteChoice.LOVE, now=when)
        assert votes_on(proposal) == 1
    else:
        with pytest.raises(RuleViolation, match="closed"):
            services.cast_vote(user=make_user(), proposal=proposal, choice=VoteChoice.LOVE, now=when)
        assert votes_on(proposal) == 0


def test_before_opening_no_vote_is_taken(track):
    proposal = make_proposal(track=track)
    with pytest.raises(RuleViolation, match="not yet open"):
        services.cast_vote(user=make_user(), proposal=proposal, choice=VoteChoice.LOVE,
                           now=track.event.voting_opens_at - timedelta(seconds=1))


def test_next_proposal_prefers_the_fewest_votes_and_skips_what_the_voter_did(track):
    popular, quiet = make_proposal(track=track), make_proposal(track=track)
    own = make_proposal(track=track, speaker=(voter := make_user()))
    popular.vote_count = 5
    db.session.flush()
    assert services.next_proposal(user=voter, event=track.event) == quiet
    services.skip_proposal(user=voter, proposal=quiet)
    services.skip_proposal(user=voter, proposal=quiet)
    assert db.session.scalar(select(func.count()).select_from(VoteSkip)) == 1
    assert services.next_proposal(user=voter, event=track.event) == popular
    services.cast_vote(user=voter, proposal=popular, choice=VoteChoice.TRY)
    assert services.next_proposal(user=voter, event=track.event) is None
    assert own.id not in {popular.id, quiet.id}
    assert services.progress(user=voter, event=track.event) == (1, 2)


def test_the_order_among_equals_is_the_voters_own_and_stable(track):
    proposals = [make_proposal(track=track) for _ in range(30)]
    voters = [make_user() for _ in range(5)]
    firsts = [services.next_proposal(user=v, event=track.event) for v in voters]
    assert firsts == [services.next_proposal(user=v, event=track.event) for v in voters]
    assert len({p.id for p in firsts}) > 1, "different voters start at different proposals"
    assert all(p in proposals for p in firsts)


def test_a_remembered_proposal_is_kept_while_it_still_waits(track):
    first, second = make_proposal(track=track), make_proposal(track=track)
    voter = make_user()
    shown = services.next_proposal(user=voter, event=track.event)
    other = second if shown == first else first
    other.vote_count = 0
    shown.vote_count = 9
    db.session.flush()
    assert services.next_proposal(user=voter, event=track.event, keep_id=shown.id) == shown
    services.skip_proposal(user=voter, proposal=shown)
    assert services.next_proposal(user=voter, event=track.event, keep_id=shown.id) == other


def test_filters_by_track_and_by_title_speaker_or_tag(track):
    other_track = make_track(event=track.event)
    titled = make_proposal(track=track, title="Neutron deep dive")
    by_name = make_proposal(track=other_track, speaker=make_user(name="Zoë Quux"))
    voter = make_user()
    assert services.next_proposal(user=voter, event=track.event, track_id=other_track.id) == by_name
    assert services.next_proposal(user=voter, event=track.event, text="NEUTRON") == titled
    assert services.next_proposal(user=voter, event=track.event, text="quux") == by_name
    assert services.next_proposal(user=voter, event=track.event, text="100%") is None


def test_recount_sets_every_count_from_the_votes(track):
    proposal = make_proposal(track=track)
    db.session.add_all([Vote(user=make_user(), proposal=proposal, choice=VoteChoice.LOVE) for _ in range(3)])
    db.session.flush()
    services.recount_votes(event=track.event)
    assert count_of(proposal) == 3 and proposal.love_count == 3 and proposal.try_count == 0


def concurrent_app(tmp_path, backend):
    if backend == "postgresql":
        return make_app("postgresql")
    return make_app("sqlite", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'concurrent.sqlite'}")


def run_together(app, work, count):
    """Run work(i) in `count` threads that start at the same moment, each with its own session."""
    barrier, errors = threading.Barrier(count), []

    def run(i):
        with app.app_context():
            try:
                barrier.wait()
                work(i)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported by the test below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.parametrize("backend", ["sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def test_concurrent_double_submission_leaves_one_vote(tmp_path, backend):
    app = concurrent_app(tmp_path, backend)
    with app.app_context():
        db.create_all()
        proposal, voter = make_proposal(), make_user()
        others = [make_user() for _ in range(6)]
        db.session.commit()
        ids = proposal.id, voter.id, [u.id for u in others]
    try:
        def same_user(i):
            user, target = db.session.get(type(voter), ids[1]), db.session.get(Proposal, ids[0])
            services.cast_vote(user=user, proposal=target, choice=list(VoteChoice)[i % 4])

        def many_users(i):
            user, target = db.session.get(type(voter), ids[2][i]), db.session.get(Proposal, ids[0])
            services.cast_vote(user=user, proposal=target, choice=VoteChoice.LOVE)

        run_together(app, same_user, 8)
        run_together(app, many_users, 6)
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.user_id == ids[1])) == 1
            assert db.session.scalar(select(func.count()).select_from(Vote)) == 7
            counted = db.session.get(Proposal, ids[0])
            assert counted.vote_count == 7
            assert sum(getattr(counted, f"{c.value}_count") for c in VoteChoice) == 7
            assert counted.love_count == 6 + (services.vote_of(db.session.get(type(voter), ids[1]), counted)
                                              .choice == VoteChoice.LOVE)
    finally:
        with app.app_context():
            db.session.remove()
            if backend == "postgresql":
                empty_tables()
            db.engine.dispose()
