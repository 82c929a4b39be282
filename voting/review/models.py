"""Track chairs' reviews of proposals."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db_types import UTCDateTime, utcnow
from voting.extensions import db


class Review(db.Model):
    """A track chair's private score and comment on a proposal: one per chair and proposal."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("chair_id", "proposal_id"),
        CheckConstraint("score >= 1 AND score <= 10", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    chair: Mapped["User"] = relationship()  # noqa: F821
    proposal: Mapped["Proposal"] = relationship()  # noqa: F821
