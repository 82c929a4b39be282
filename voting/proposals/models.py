"""Proposals, their speakers and tags, and the audit trail of their states."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db_types import UTCDateTime, enum_column, utcnow
from voting.enums import Format, Level, ProposalState, SpeakerStatus
from voting.extensions import db


class SpeakerProfile(db.Model):
    """What the public sees of a speaker: name, job title, company, bio, photo, links."""

    __tablename__ = "speaker_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    photo_url: Mapped[str] = mapped_column(String(500), default="")
    links: Mapped[str] = mapped_column(Text, default="")  # one URL a line
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped["User"] = relationship(backref=db.backref("speaker_profile", uselist=False))  # noqa: F821


class Proposal(db.Model):
    """A talk, panel, workshop or lightning talk submitted to an event."""

    __tablename__ = "proposals"
    __table_args__ = (
        UniqueConstraint("event_id", "slug"),
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 480", name="duration_range"),
        CheckConstraint(
            "submitted_at IS NOT NULL OR state IN ('draft', 'withdrawn')", name="submitted_has_timestamp"
        ),
        CheckConstraint("vote_count >= 0", name="vote_count_positive"),
        Index("ix_proposals_event_state_votes", "event_id", "state", "vote_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120))
    abstract: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    learning_outcomes: Mapped[str] = mapped_column(Text, default="")  # one item a line
    format: Mapped[Format] = mapped_column(enum_column(Format, "proposal_format"), default=Format.TALK)
    level: Mapped[Level] = mapped_column(enum_column(Level, "proposal_level"), default=Level.INTERMEDIATE)
    duration_minutes: Mapped[int] = mapped_column(default=40)
    state: Mapped[ProposalState] = mapped_column(
        enum_column(ProposalState, "proposal_state"), default=ProposalState.DRAFT, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many community votes it has, in all and per choice: kept by the voting service in the same
    # transaction as each vote, so the fair order and the results read them instead of counting votes.
    vote_count: Mapped[int] = mapped_column(default=0, server_default="0")
    love_count: Mapped[int] = mapped_column(default=0, server_default="0")
    try_count: Mapped[int] = mapped_column(default=0, server_default="0")
    might_count: Mapped[int] = mapped_column(default=0, server_default="0")
    not_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Decisions stay private until an organiser publishes them: the state speakers were last told.
    published_state: Mapped[ProposalState | None] = mapped_column(
        enum_column(ProposalState, "proposal_published_state"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped["Event"] = relationship()  # noqa: F821
    track: Mapped["Track"] = relationship()  # noqa: F821
    speakers: Mapped[list["ProposalSpeaker"]] = relationship(
        back_populates="proposal", order_by="ProposalSpeaker.position", cascade="all, delete-orphan"
    )
    tags: Mapped[list["ProposalTag"]] = relationship(
        back_populates="proposal", order_by="ProposalTag.name", cascade="all, delete-orphan"
    )
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="proposal", order_by="Decision.id", cascade="all, delete-orphan"
    )
    revisions: Mapped[list["ProposalRevision"]] = relationship(
        back_populates="proposal", order_by="ProposalRevision.number", cascade="all, delete-orphan"
    )

    @property
    def speaker_users(self):
        """The confirmed speakers' users, the submitter first."""
        return [s.user for s in self.speakers if s.status == SpeakerStatus.CONFIRMED]

    @property
    def tag_names(self):
        return [t.name for t in self.tags]

    def __repr__(self):
        return f"<Proposal {self.slug} {self.state.value}>"


class ProposalSpeaker(db.Model):
    """A speaker of a proposal, in order: position 0 is the submitter.

    A co-speaker invited by email is a row with status 'invited' and the invited address; the user
    is set when they accept from the invitation link after signing in.
    """

    __tablename__ = "proposal_speakers"
    __table_args__ = (
        UniqueConstraint("proposal_id", "user_id"),
        UniqueConstraint("proposal_id", "invited_email"),
        CheckConstraint("position >= 0", name="position_positive"),
        CheckConstraint("status = 'invited' OR user_id IS NOT NULL", name="confirmed_has_user"),
        CheckConstraint("user_id IS NOT NULL OR invited_email IS NOT NULL", name="someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_email: Mapped[str | None] = mapped_column(String(320))
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[SpeakerStatus] = mapped_column(
        enum_column(SpeakerStatus, "speaker_status"), default=SpeakerStatus.CONFIRMED
    )
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[Proposal] = relationship(back_populates="speakers")
    user: Mapped["User"] = relationship()  # noqa: F821


class ProposalRevision(db.Model):
    """A snapshot of a proposal's content after an edit once submitted; chairs see the history."""

    __tablename__ = "proposal_revisions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="revisions")
    author: Mapped["User | None"] = relationship()  # noqa: F821


class ProposalTag(db.Model):
    """A free-text tag on a proposal, stored lower-case."""

    __tablename__ = "proposal_tags"
    __table_args__ = (UniqueConstraint("proposal_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50), index=True)

    proposal: Mapped[Proposal] = relationship(back_populates="tags")


class Decision(db.Model):
    """One change of a proposal's state: who, when, from, to, why. Append-only."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[ProposalState | None] = mapped_column(enum_column(ProposalState, "decision_from_state"))
    to_state: Mapped[ProposalState] = mapped_column(enum_column(ProposalState, "decision_to_state"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="decisions")
    decided_by: Mapped["User | None"] = relationship()  # noqa: F821


class AppendOnlyError(RuntimeError):
    """Raised when code tries to rewrite the audit trail."""


@event.listens_for(Decision, "before_update")
def _refuse_decision_update(mapper, connection, target):
    raise AppendOnlyError("decisions are append-only")
