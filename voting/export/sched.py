"""The schedule as a CSV for Sched's session import.

The columns are Sched's session fields, named and ordered as in its API (session_key ... invite_only);
times are "YYYY-MM-DD HH:MM" in the event's time zone. Every slot is a row, breaks included, because a
Sched page shows them (a break across all rooms has no venue). The schedule's version goes in the file
name only: a comment line would break the import.
"""
import csv
import io

from voting.core.spreadsheet import safe_cell
from voting.export.accepted import identity

COLUMNS = ("session_key", "name", "session_start", "session_end", "session_type", "session_subtype",
           "description", "speakers", "moderators", "venue", "seats", "invite_only")
TIME_FORMAT = "%Y-%m-%d %H:%M"
CHUNK_ROWS = 100
KIND_TYPES = {"keynote": "Keynote", "break": "Break", "other": "Other", "session": "Session"}


def render_csv(data, progress=identity):
    """Sched's import CSV as text chunks: the header, then one row per slot."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for n, item in enumerate(progress(data.items), start=1):
        writer.writerow([safe_cell(value) for value in row(item)])  # no cell a spreadsheet runs as a formula
        if n % CHUNK_ROWS == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def row(item):
    """One slot's cells: a talk keeps its key across moves (p<proposal id>), other slots are s<slot id>."""
    talk = item.talk
    return [
        f"p{talk.id}" if talk else f"s{item.id}",
        item.title,
        item.starts_at.strftime(TIME_FORMAT),
        item.ends_at.strftime(TIME_FORMAT),
        session_type(item),
        talk.format_label if talk else "",
        description(item),
        ", ".join(speaker.name for speaker in talk.speakers) if talk else "",
        "",
        item.room or "",
        item.room_capacity or "",
        "N",
    ]


def session_type(item):
    """Sched filters by type: a talk's track (a keynote stays a keynote), else the kind of slot."""
    if item.talk is not None and item.kind != "keynote":
        return item.talk.track
    return KIND_TYPES.get(item.kind, item.kind.capitalize())


def description(item):
    """The talk's abstract, then its description; empty for a break."""
    talk = item.talk
    if talk is None:
        return ""
    return "\n\n".join(part for part in (talk.abstract, talk.description) if part)


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
