"""What the public knows of a proposal's decision: only what organisers published.

The one home of "is this proposal's acceptance published" (the public schedule page, its talk pages, the
API and every export ask it) and of "is its decision published" (the voting queue asks it). Each rule
has two faces that must agree: a predicate on a loaded proposal and the SQL condition of a query.

`Proposal.published_state` is what the speakers were last told; an unpublished change of decision
(accepted, then rejected but not published) changes nothing publicly. What the speakers do themselves
(withdraw, decline) is public at once: such a talk is gone whatever was published.
"""
from sqlalchemy import and_, or_

from voting.enums import ProposalState
from voting.proposals.models import Proposal

S = ProposalState
# An accepted talk: the speakers' confirmation keeps it accepted.
ACCEPTED_STATES = (S.ACCEPTED, S.CONFIRMED)
# The decisions organisers make and publish, in the order forms offer them.
DECIDED_STATES = (S.ACCEPTED, S.ALTERNATE, S.REJECTED)
# The speakers' own doing, public without a publication: the talk is off the programme.
GONE_STATES = (S.WITHDRAWN, S.DECLINED)
# What the public is told of a published decision, by the published state.
OUTCOMES = {S.ACCEPTED: "Accepted for the programme", S.CONFIRMED: "Accepted for the programme",
            S.ALTERNATE: "Kept as an alternate", S.REJECTED: "Not selected"}


def acceptance_published(proposal):
    """Whether the public was told the proposal is accepted, and its speakers have not withdrawn or declined."""
    return proposal.published_state in ACCEPTED_STATES and proposal.state not in GONE_STATES


def acceptance_published_clause():
    """acceptance_published as an SQL condition on Proposal."""
    return and_(Proposal.published_state.in_(ACCEPTED_STATES), Proposal.state.notin_(GONE_STATES))


def acceptance_unpublished_clause():
    """The negation of acceptance_published_clause (a proposal never published counts as unpublished)."""
    return or_(Proposal.published_state.is_(None), ~acceptance_published_clause())


def is_accepted(proposal, *, public):
    """Accepted as the audience knows it: published for the public, the current decision for organisers."""
    return acceptance_published(proposal) if public else proposal.state in ACCEPTED_STATES


def accepted_clause(*, public):
    """is_accepted as an SQL condition on Proposal."""
    return acceptance_published_clause() if public else Proposal.state.in_(ACCEPTED_STATES)


def decision_published(proposal):
    """Whether a decision on the proposal (accepted, alternate or rejected) was published."""
    return proposal.published_state in DECIDED_STATES


def decision_unpublished_clause():
    """The SQL condition of proposals with no published decision (the negation of decision_published)."""
    return or_(Proposal.published_state.is_(None), Proposal.published_state.notin_(DECIDED_STATES))


def published_outcome(proposal):
    """What became of the proposal, in words for the public, or "" while no decision is published."""
    return OUTCOMES.get(proposal.published_state, "") if decision_published(proposal) else ""
