"""Casting votes, and choosing which proposal a voter sees next.

Writes are atomic upserts that hold under concurrent requests on SQLite and PostgreSQL alike, and
keep Proposal.vote_count, which the fair ordering reads instead of counting votes every time.
"""
import hashlib
import hmac

from flask import current_app
from sqlalchemy import BigInteger, cast, delete, exists, func, literal, or_, select, update
from sqlalchemy.orm import selectinload

from voting.auth.models import User
from voting.community.models import Vote, VoteSkip
from voting.db_types import conflict_insert, utcnow
from voting.enums import ProposalState, VoteChoice, WindowState
from voting.errors import RuleViolation
from voting.extensions import db
from voting.proposals.models import Proposal, ProposalSpeaker, ProposalTag
from voting.proposals.publicity import decision_published, decision_unpublished_clause, published_outcome
from voting.proposals.speaking import speaks_on, speaks_on_clause

# Proposals the community votes on: everything submitted that was not withdrawn or declined, until a
# decision on it is published (an unpublished decision changes nothing publicly: see open_to_votes).
VOTABLE_STATES = set(ProposalState) - {ProposalState.DRAFT, ProposalState.WITHDRAWN, ProposalState.DECLINED}
# Multiplier and modulus of a per-voter shuffle that SQL computes on both backends (fits in 64 bits).
SHUFFLE_MULTIPLIER, SHUFFLE_MODULUS = 2654435761, 4294967311


def check_voting_open(event, now=None):
    """Refuse unless the event's community voting is open at `now`."""
    state = event.window_state("voting", now)
    if state != WindowState.OPEN:
        raise RuleViolation(f"Voting for {event.name} is {state.value}.")


def open_to_votes():
    """The SQL conditions of proposals open to votes: a votable state and no published decision."""
    return (Proposal.state.in_(VOTABLE_STATES), decision_unpublished_clause())


def check_open_to_votes(proposal):
    """Refuse a vote, skip or clear on a proposal not open to votes, saying what became of it if decided."""
    if decision_published(proposal):
        raise RuleViolation(f"“{proposal.title}” is decided ({published_outcome(proposal).lower()}): "
                            "votes on it are closed.")
    if proposal.state not in VOTABLE_STATES:
        raise RuleViolation("This proposal is not open to votes.")


def check_can_vote(*, user, proposal, now=None):
    """Refuse a vote the rules do not allow: window, proposal state, or the voter's own proposal."""
    check_voting_open(proposal.event, now)
    check_open_to_votes(proposal)
    if speaks_on(user, proposal):
        raise RuleViolation("You cannot vote on a proposal you speak on.")


def cast_vote(*, user, proposal, choice, ip=None, now=None):
    """Record the user's choice on the proposal, replacing an earlier one.

    The rules are checked under the proposal's row lock, which accepting an invitation takes too: a
    voter who has just become a speaker of the proposal cannot slip a vote in.
    """
    lock_vote_counts(proposal)
    check_can_vote(user=user, proposal=proposal, now=now)
    now = now or utcnow()
    changes = {"choice": choice, "ip_hash": hash_ip(ip), "updated_at": now}
    previous = vote_of(user, proposal)
    if previous is None:
        statement = (conflict_insert(Vote)
                     .values(user_id=user.id, proposal_id=proposal.id, created_at=now, **changes)
                     .on_conflict_do_nothing(index_elements=["user_id", "proposal_id"]))
        db.session.execute(statement)
        _add_to_counts(proposal, {choice: 1})
    elif previous.choice != choice:
        old = previous.choice
        db.session.execute(update(Vote).where(Vote.id == previous.id).values(**changes))
        _add_to_counts(proposal, {old: -1, choice: 1})
    else:
        db.session.execute(update(Vote).where(Vote.id == previous.id).values(**changes))
    _expire_counts(proposal)


def clear_vote(*, user, proposal, now=None):
    """Take the user's vote on the proposal back (while voting is open)."""
    check_voting_open(proposal.event, now)
    lock_vote_counts(proposal)
    check_open_to_votes(proposal)
    _drop_vote(user, proposal)


def drop_vote_of_new_speaker(*, user, proposal):
    """The user now speaks on the proposal: their vote on it goes, and its counts with it (any time).

    Under the row lock every vote takes, so the counts stay exact against a vote cast at the same moment.
    """
    lock_vote_counts(proposal)
    _drop_vote(user, proposal)


def _drop_vote(user, proposal):
    """Delete the user's vote on the proposal, if any, and take it off the counts (the lock is held)."""
    previous = vote_of(user, proposal)
    if previous is not None:
        db.session.execute(delete(Vote).where(Vote.id == previous.id))
        _add_to_counts(proposal, {previous.choice: -1})
    _expire_counts(proposal)


def skip_proposal(*, user, proposal, now=None):
    """Pass over a proposal without voting: it is not shown to this voter again."""
    check_can_vote(user=user, proposal=proposal, now=now)
    statement = conflict_insert(VoteSkip).values(user_id=user.id, proposal_id=proposal.id,
                                                 created_at=now or utcnow())
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["user_id", "proposal_id"]))


def vote_of(user, proposal):
    """The user's current vote on the proposal, or None."""
    return db.session.scalar(select(Vote).where(Vote.user_id == user.id, Vote.proposal_id == proposal.id))


def next_proposal(*, user, event, track_id=None, text=None, keep_id=None):
    """The proposal the voter sees next: `keep_id` if still waiting, else the fewest votes first.

    Among proposals with equally few votes the order is a shuffle of the voter's own, so a reload
    shows the same proposal and different voters see different ones.
    """
    waiting = (waiting_proposals(user=user, event=event, track_id=track_id, text=text)
               .options(*_shown_loading()))
    if keep_id is not None:
        kept = db.session.scalar(waiting.where(Proposal.id == keep_id))
        if kept is not None:
            return kept
    shuffle = _shuffle(voter_seed(user, event))
    return db.session.scalar(waiting.order_by(Proposal.vote_count, shuffle, Proposal.id).limit(1))


def _shown_loading():
    """What the voting page shows of a proposal besides its own columns, loaded with it in two statements."""
    # Built when asked for: loader options configure the mappers, which needs every model imported.
    return (selectinload(Proposal.speakers).joinedload(ProposalSpeaker.user).joinedload(User.speaker_profile),
            selectinload(Proposal.tags))


def _shuffle(seed):
    """A per-seed permutation of proposal ids, in 64-bit integer SQL on both backends."""
    big = cast(Proposal.id, BigInteger) * literal(SHUFFLE_MULTIPLIER, BigInteger) + literal(seed, BigInteger)
    return big % literal(SHUFFLE_MODULUS, BigInteger)


def waiting_proposals(*, user, event, track_id=None, text=None):
    """A select of the proposals the user has neither voted on, skipped, nor speaks on."""
    query = votable_proposals(event=event, track_id=track_id, text=text).where(
        ~exists().where(Vote.proposal_id == Proposal.id, Vote.user_id == user.id),
        ~exists().where(VoteSkip.proposal_id == Proposal.id, VoteSkip.user_id == user.id),
        ~speaks_on_clause(user),
    )
    return query


def votable_proposals(*, event, track_id=None, text=None):
    """A select of the event's proposals open to votes, optionally in one track or matching `text`."""
    query = select(Proposal).where(Proposal.event_id == event.id, *open_to_votes())
    if track_id:
        query = query.where(Proposal.track_id == track_id)
    if text:
        query = query.where(_matches(text))
    return query


def progress(*, user, event):
    """(how many proposals the user voted on, how many they can vote on) in the event."""
    votable = votable_proposals(event=event).with_only_columns(Proposal.id)
    not_own = ~speaks_on_clause(user)
    total = select(func.count()).select_from(votable.where(not_own).subquery()).scalar_subquery()
    voted = (select(func.count()).select_from(Vote).join(Proposal)
             .where(Vote.user_id == user.id, Proposal.event_id == event.id, *open_to_votes())
             .scalar_subquery())
    return tuple(db.session.execute(select(voted, total)).one())


def recount_votes(*, event):
    """Set every proposal's vote counts of the event from its votes (after bulk loads)."""
    def counted(*conditions):
        return select(func.count()).where(Vote.proposal_id == Proposal.id, *conditions).scalar_subquery()

    per_choice = {choice_count_column(c).key: counted(Vote.choice == c) for c in VoteChoice}
    db.session.execute(update(Proposal).where(Proposal.event_id == event.id)
                       .values(vote_count=counted(), **per_choice))


def voter_seed(user, event):
    """A number of the voter's own for this event, the same on every request."""
    digest = hmac.new(_secret(), f"order:{event.id}:{user.id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def hash_ip(ip):
    """A salted hash of the voter's IP address: enough to group votes, not to recover the address."""
    if not ip:
        return None
    return hmac.new(_secret(), f"ip:{ip}".encode(), hashlib.sha256).hexdigest()


def _secret():
    return current_app.config["SECRET_KEY"].encode()


def _matches(text):
    pattern = "%" + text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    speaker_names = select(ProposalSpeaker.proposal_id).join(ProposalSpeaker.user).where(
        func.lower(ProposalSpeaker.user.property.mapper.class_.name).like(pattern, escape="\\"))
    tags = select(ProposalTag.proposal_id).where(ProposalTag.name.like(pattern, escape="\\"))
    return or_(func.lower(Proposal.title).like(pattern, escape="\\"), Proposal.id.in_(speaker_names),
               Proposal.id.in_(tags))


def lock_vote_counts(proposal):
    """Take the proposal's row lock (PostgreSQL) or the write lock (SQLite) before reading its vote.

    Every writer of a vote on this proposal takes it first, so the read-then-write below is never
    raced and the counts stay exact under concurrent requests. A vote is no edit of the proposal:
    its updated_at is kept (it would otherwise take the column's onupdate).
    """
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id)
                       .values(vote_count=Proposal.vote_count, updated_at=Proposal.updated_at))


def _add_to_counts(proposal, deltas):
    changes = {"vote_count": Proposal.vote_count + sum(deltas.values()), "updated_at": Proposal.updated_at}
    for choice, delta in deltas.items():
        column = choice_count_column(choice)
        changes[column.key] = column + delta
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(**changes))


def _expire_counts(proposal):
    """The counts were changed in SQL: read afresh when next asked for (the rest of the proposal holds)."""
    db.session.expire(proposal, ["vote_count", *(choice_count_column(choice).key for choice in VoteChoice)])


def choice_count_column(choice):
    """The Proposal column that counts votes of this choice."""
    return getattr(Proposal, f"{VoteChoice(choice).value}_count")

