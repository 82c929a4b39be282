"""Events (summits), their tracks, and who runs them."""
from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db_types import UTCDateTime, utcnow
from voting.enums import DEFAULT_VOTE_WEIGHTS, VoteChoice, WindowState
from voting.extensions import db

WINDOWS = ("cfp", "voting", "review")


def _window_order(name):
    return CheckConstraint(
        f"{name}_opens_at IS NULL OR {name}_closes_at IS NULL OR {name}_closes_at > {name}_opens_at",
        name=f"{name}_window_order",
    )


class Event(db.Model):
    """A summit with its call for proposals, community voting and review windows."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_order"),
        CheckConstraint("max_proposals_per_speaker >= 1", name="proposal_limit_positive"),
        CheckConstraint("max_speakers_per_proposal >= 1", name="speaker_limit_positive"),
        CheckConstraint("review_scale_max >= 2 AND review_scale_max <= 10", name="review_scale_range"),
        *(_window_order(name) for name in WINDOWS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    venue: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    cfp_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cfp_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_proposals_per_speaker: Mapped[int] = mapped_column(default=3)
    max_speakers_per_proposal: Mapped[int] = mapped_column(default=4)
    weight_love: Mapped[int] = mapped_column(default=DEFAULT_VOTE_WEIGHTS[VoteChoice.LOVE])
    weight_try: Mapped[int] = mapped_column(default=DEFAULT_VOTE_WEIGHTS[VoteChoice.TRY])
    weight_might: Mapped[int] = mapped_column(default=DEFAULT_VOTE_WEIGHTS[VoteChoice.MIGHT])
    weight_not: Mapped[int] = mapped_column(default=DEFAULT_VOTE_WEIGHTS[VoteChoice.NOT])
    # Community results: shown to everyone once voting closes (if set); how many votes the Bayesian
    # average's prior weighs (None: the median number of votes per proposal).
    results_public_after_close: Mapped[bool] = mapped_column(default=True, server_default=true())
    bayes_prior_votes: Mapped[int | None]
    # Track chairs' review: the score scale (1..max) and its labels (one a line), anonymous review,
    # whether chairs (not only organisers) may decide, and how many talks of one company or speaker
    # in a team list are flagged.
    review_scale_max: Mapped[int] = mapped_column(default=5, server_default="5")
    review_scale_labels: Mapped[str] = mapped_column(Text, default="", server_default="")
    anonymous_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    chairs_can_decide: Mapped[bool] = mapped_column(default=False, server_default=false())
    team_list_flag_threshold: Mapped[int] = mapped_column(default=2, server_default="2")
    # The schedule: public once published; every publication after the first is a new version.
    schedule_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    schedule_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tracks: Mapped[list["Track"]] = relationship(
        back_populates="event", order_by="Track.position", cascade="all, delete-orphan"
    )
    organisers: Mapped[list["Organiser"]] = relationship(back_populates="event", cascade="all, delete-orphan")

    def window(self, name):
        """The (opens, closes) pair of the 'cfp', 'voting' or 'review' window."""
        return getattr(self, f"{name}_opens_at"), getattr(self, f"{name}_closes_at")

    def window_state(self, name, now=None):
        """Whether the named window is not set, not yet open, open or closed at `now`."""
        opens, closes = self.window(name)
        if opens is None or closes is None:
            return WindowState.NOT_SET
        now = now or utcnow()
        if now < opens:
            return WindowState.NOT_YET_OPEN
        return WindowState.OPEN if now < closes else WindowState.CLOSED

    def vote_weights(self):
        """The score each vote choice counts for in this event."""
        return {choice: getattr(self, f"weight_{choice.value}") for choice in VoteChoice}

    def __repr__(self):
        return f"<Event {self.slug}>"


class Track(db.Model):
    """A category of an event with its own chairs and a number of sessions to fill."""

    __tablename__ = "tracks"
    __table_args__ = (
        UniqueConstraint("event_id", "slug"),
        UniqueConstraint("event_id", "name"),
        CheckConstraint("session_count >= 0", name="session_count_positive"),
        CheckConstraint("alternate_count >= 0", name="alternate_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    session_count: Mapped[int] = mapped_column(default=0)
    alternate_count: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="tracks")
    chairs: Mapped[list["TrackChair"]] = relationship(back_populates="track", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<Track {self.slug}>"


class Organiser(db.Model):
    """A user who runs an event: can do everything for it."""

    __tablename__ = "organisers"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="organisers")
    user: Mapped["User"] = relationship()  # noqa: F821


class TrackChair(db.Model):
    """A user who reviews and selects the proposals of one track."""

    __tablename__ = "track_chairs"
    __table_args__ = (UniqueConstraint("track_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    track: Mapped[Track] = relationship(back_populates="chairs")
    user: Mapped["User"] = relationship()  # noqa: F821


INVITATION_LIFETIME = timedelta(days=14)  # how long a role invitation can be accepted


class RoleInvitation(db.Model):
    """A role offered to an email address: taken when someone signed in with that verified address
    accepts it, before `expires_at`. Accepted, declined and withdrawn invitations are deleted (the
    activity log keeps them)."""

    __tablename__ = "role_invitations"
    __table_args__ = (
        UniqueConstraint("event_id", "track_id", "email"),
        CheckConstraint("role IN ('organiser', 'track_chair')", name="role_known"),
        CheckConstraint("(role = 'track_chair') = (track_id IS NOT NULL)", name="chair_has_track"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(20))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: utcnow() + INVITATION_LIFETIME)

    event: Mapped[Event] = relationship()
    track: Mapped[Track | None] = relationship()
    invited_by: Mapped["User | None"] = relationship()  # noqa: F821

    def is_expired(self, now=None):
        """Whether the invitation can no longer be accepted."""
        return (now or utcnow()) >= self.expires_at


class ActivityLog(db.Model):
    """One organiser action on an event: who did what, when. Append-only."""

    __tablename__ = "activity_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped["User | None"] = relationship()  # noqa: F821
