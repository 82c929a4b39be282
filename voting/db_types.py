"""Column types shared by the models, and an INSERT that knows ON CONFLICT on either backend."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

from voting.extensions import db


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC on every backend and read back as an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


def utcnow():
    """The current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def enum_column(enum_cls, name):
    """A string column limited to enum_cls's values by a CHECK constraint (portable, no native enum)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


def conflict_insert(model):
    """An INSERT for the session's backend (PostgreSQL or SQLite), which both know ON CONFLICT."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)
