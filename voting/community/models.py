"""Community votes on proposals, skips, and votes excluded from the results."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db_types import UTCDateTime, enum_column, utcnow
from voting.enums import VoteChoice
from voting.extensions import db


class Vote(db.Model):
    """A community member's choice on a proposal: one per user and proposal."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("user_id", "proposal_id"),
        # Covers the results' aggregates (and their exclusions) without reading the table.
        Index("ix_votes_proposal_choice_user", "proposal_id", "choice", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice, "vote_choice"))
    ip_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped["User"] = relationship()  # noqa: F821
    proposal: Mapped["Proposal"] = relationship()  # noqa: F821


class VoteSkip(db.Model):
    """A proposal the voter passed over: not shown to them again, not a vote."""

    __tablename__ = "vote_skips"
    __table_args__ = (UniqueConstraint("user_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoterExclusion(db.Model):
    """An organiser's decision that a user's votes in an event do not count; reversible, votes kept."""

    __tablename__ = "voter_exclusions"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    excluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    excluded_by: Mapped["User | None"] = relationship(foreign_keys=[excluded_by_id])  # noqa: F821
