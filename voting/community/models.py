"""Community votes on proposals."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db_types import UTCDateTime, enum_column, utcnow
from voting.enums import VoteChoice
from voting.extensions import db


class Vote(db.Model):
    """A community member's choice on a proposal: one per user and proposal."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("user_id", "proposal_id"),
        Index("ix_votes_proposal_choice", "proposal_id", "choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice, "vote_choice"))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped["User"] = relationship()  # noqa: F821
    proposal: Mapped["Proposal"] = relationship()  # noqa: F821
