"""The export formats: their names on the web and on the command line, media types, file names, writers."""
from dataclasses import dataclass
from typing import Callable

from voting.export import accepted, frab, ics, sched


@dataclass(frozen=True)
class ExportFormat:
    """One export: `name` in its URL, `option` for the CLI's --format, what it writes and how."""

    name: str
    option: str
    mimetype: str
    render: Callable
    size: Callable
    attachment: bool = False
    label: str = ""

    def filename(self, event):
        """The download's file name, with the schedule's version in it."""
        stem, extension = self.name.rsplit(".", 1)
        return f"{event.slug}-{stem}-v{event.schedule_version}.{extension}"


def _talks(data):
    return len(data.talks)


def _items(data):
    return len(data.items)


def _talk_items(data):
    return len(data.talk_items)


FORMATS = (
    ExportFormat("accepted.csv", "accepted-csv", "text/csv", accepted.render_csv, _talks, attachment=True,
                 label="Accepted talks and speakers (CSV)"),
    ExportFormat("accepted.json", "accepted-json", "application/json", accepted.render_json, _talks,
                 label="Accepted talks and speakers (JSON)"),
    ExportFormat("sched.csv", "sched-csv", "text/csv", sched.render_csv, _items, attachment=True,
                 label="Sched import (CSV)"),
    ExportFormat("schedule.xml", "xml", "application/xml", frab.render_xml, _talk_items,
                 label="Schedule, frab XML"),
    ExportFormat("schedule.json", "json", "application/json", frab.render_json, _talk_items,
                 label="Schedule, frab JSON"),
    ExportFormat("schedule.ics", "ics", "text/calendar", ics.render_ics, _talk_items,
                 label="Calendar (iCalendar)"),
)
BY_NAME = {fmt.name: fmt for fmt in FORMATS}
BY_OPTION = {fmt.option: fmt for fmt in FORMATS}
