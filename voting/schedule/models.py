"""Rooms and the slots of the schedule."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db_types import UTCDateTime, enum_column, utcnow
from voting.enums import SlotKind
from voting.extensions import db


class Room(db.Model):
    """A room of the venue, with how many people it seats."""

    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("event_id", "name"),
        CheckConstraint("capacity >= 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped["Event"] = relationship()  # noqa: F821


class Slot(db.Model):
    """A time in a room (or across all rooms, for breaks), holding a proposal or a non-talk item."""

    __tablename__ = "slots"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="time_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[SlotKind] = mapped_column(enum_column(SlotKind, "slot_kind"), default=SlotKind.SESSION)
    title: Mapped[str] = mapped_column(String(200), default="")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"), unique=True)

    event: Mapped["Event"] = relationship()  # noqa: F821
    room: Mapped[Room | None] = relationship()
    proposal: Mapped["Proposal | None"] = relationship()  # noqa: F821


class ScheduleChange(db.Model):
    """A change to a published schedule, listed in its change log; each publication is a version."""

    __tablename__ = "schedule_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    summary: Mapped[str] = mapped_column(String(500))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped["User | None"] = relationship()  # noqa: F821
