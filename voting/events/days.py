"""An event's days: at most PODIUM_MAX_EVENT_DAYS of them, whatever dates an older row holds."""
from datetime import date, timedelta

from flask import current_app


def max_event_days() -> int:
    """How many days an event may last (PODIUM_MAX_EVENT_DAYS)."""
    return int(current_app.config["PODIUM_MAX_EVENT_DAYS"])


def event_length(starts_on: date, ends_on: date) -> int:
    """How many days an event from `starts_on` to `ends_on` (both included) lasts."""
    return (ends_on - starts_on).days + 1


def event_days(event) -> list[date]:
    """Every day of the event, first to last; an event stored before the limit gets its first days only."""
    count = min(event_length(event.starts_on, event.ends_on), max_event_days())
    return [event.starts_on + timedelta(days=n) for n in range(max(count, 0))]
