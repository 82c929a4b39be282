"""Track chairs' reviews, their private discussion, and their selection lists."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db_types import UTCDateTime, enum_column, utcnow
from voting.enums import SelectionMark
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
    # A chair scoring a proposal from their own company declares it; the other chairs see the note.
    conflict_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    chair: Mapped["User"] = relationship()  # noqa: F821
    proposal: Mapped["Proposal"] = relationship()  # noqa: F821


class ReviewComment(db.Model):
    """A message in the chairs' private discussion of a proposal (its track's chairs and organisers)."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped["User | None"] = relationship()  # noqa: F821


class ChairSelection(db.Model):
    """One entry of a chair's own ordered list for a track: selected, maybe or pass."""

    __tablename__ = "chair_selections"
    __table_args__ = (
        UniqueConstraint("track_id", "chair_id", "proposal_id"),
        CheckConstraint("position >= 0", name="position_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    mark: Mapped[SelectionMark] = mapped_column(enum_column(SelectionMark, "selection_mark"))
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    chair: Mapped["User"] = relationship()  # noqa: F821
    proposal: Mapped["Proposal"] = relationship()  # noqa: F821


class TeamSelection(db.Model):
    """One entry of a track's shared team list, in order: the sessions first, then the alternates."""

    __tablename__ = "team_selections"
    __table_args__ = (
        UniqueConstraint("proposal_id"),
        CheckConstraint("position >= 0", name="position_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    proposal: Mapped["Proposal"] = relationship()  # noqa: F821
