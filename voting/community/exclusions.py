"""Excluding a voter's votes from an event's results, and counting them again: kept, reversible, logged."""
from sqlalchemy import delete, func, select

from voting.community.models import Vote, VoterExclusion
from voting.db_types import conflict_insert, utcnow
from voting.errors import RuleViolation
from voting.events.services import record_activity
from voting.extensions import db
from voting.proposals.models import Proposal


def exclude_voter(*, event, user, reason, by):
    """Exclude the user's votes in the event from its results, kept in the database; logged."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Say why these votes are excluded.", field="reason")
    inserted = db.session.scalar(conflict_insert(VoterExclusion).values(
        event_id=event.id, user_id=user.id, reason=reason, excluded_by_id=by.id, created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["event_id", "user_id"]).returning(VoterExclusion.id))
    if inserted is None:  # the unique key refused it: excluded already, perhaps a moment ago
        raise RuleViolation(f"The votes of {user.name} are already excluded.")
    record_activity(event=event, user=by, action="votes.excluded",
                    details=f"Excluded the {_vote_count(event, user)} votes of {user.email}: {reason}")
    db.session.flush()
    return _exclusion(event, user)


def include_voter(*, event, user, by):
    """Count the user's excluded votes in the event's results again; logged with the old reason."""
    exclusion = _exclusion(event, user)
    if exclusion is None or not db.session.execute(delete(VoterExclusion).where(
            VoterExclusion.event_id == event.id, VoterExclusion.user_id == user.id)).rowcount:
        raise RuleViolation(f"The votes of {user.name} are not excluded.")
    record_activity(event=event, user=by, action="votes.included",
                    details=f"Counted the votes of {user.email} again (excluded for: {exclusion.reason})")
    db.session.flush()


def excluded_voters(event):
    """The event's exclusions, newest first, each as (exclusion, how many votes it holds back)."""
    votes = (select(func.count()).select_from(Vote).join(Proposal, Proposal.id == Vote.proposal_id)
             .where(Vote.user_id == VoterExclusion.user_id, Proposal.event_id == event.id).scalar_subquery())
    return db.session.execute(select(VoterExclusion, votes).where(VoterExclusion.event_id == event.id)
                              .order_by(VoterExclusion.created_at.desc(), VoterExclusion.id.desc())).all()


def _exclusion(event, user):
    return db.session.scalar(select(VoterExclusion).where(VoterExclusion.event_id == event.id,
                                                          VoterExclusion.user_id == user.id))


def _vote_count(event, user):
    return db.session.scalar(select(func.count()).select_from(Vote)
                             .join(Proposal, Proposal.id == Vote.proposal_id)
                             .where(Vote.user_id == user.id, Proposal.event_id == event.id))

