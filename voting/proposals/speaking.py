"""Who speaks on a proposal: the one rule for conflicts of interest.

A person speaks on a proposal when a speaker row of it is theirs: a confirmed row of their user, or an
open invitation accepted by them or sent to their *verified* email address. An unverified address
identifies nobody, so it never matches an invitation. Votes, scores, the chairs' discussion, selection
lists and decisions all ask this one rule (read from the database, so it holds under the vote's row
lock); editing a proposal is for its confirmed speakers only.

`user` is a signed-in user throughout: voting.permissions turns the anonymous visitor away first.
Emails compare as stored, lower-case (User.email and ProposalSpeaker.invited_email both are).
"""
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.sql import ColumnElement

from voting.auth.services import verified_email
from voting.enums import SpeakerStatus
from voting.extensions import db
from voting.proposals.models import Proposal, ProposalSpeaker


def speaker_row_of(user) -> ColumnElement[bool]:
    """SQL: the ProposalSpeaker row is the user's, confirmed as them or an open invitation to them."""
    invited = [ProposalSpeaker.user_id == user.id]
    email = verified_email(user)
    if email is not None:
        invited.append(ProposalSpeaker.invited_email == email)
    return or_(and_(ProposalSpeaker.status == SpeakerStatus.CONFIRMED, ProposalSpeaker.user_id == user.id),
               and_(ProposalSpeaker.status == SpeakerStatus.INVITED, or_(*invited)))


def speaks_on_clause(user, proposal_id=Proposal.id) -> ColumnElement[bool]:
    """SQL: EXISTS a speaker row of the user on the proposal `proposal_id` (a column, or an id)."""
    return exists().where(ProposalSpeaker.proposal_id == proposal_id, speaker_row_of(user))


def speaks_on(user, proposal: Proposal) -> bool:
    """Whether the user is a confirmed or invited speaker of the proposal."""
    return bool(db.session.scalar(select(speaks_on_clause(user, proposal.id))))


def is_confirmed_speaker(user, proposal: Proposal) -> bool:
    """Whether the user is a confirmed speaker of the proposal (who may edit it and sees it as theirs)."""
    return any(s.status == SpeakerStatus.CONFIRMED and s.user_id == user.id for s in proposal.speakers)


def spoken_on_ids(user, *where) -> set[int]:
    """The ids of the proposals (meeting `where`) the user speaks on."""
    return set(db.session.scalars(select(Proposal.id).where(speaks_on_clause(user), *where)))
