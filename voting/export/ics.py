"""The schedule as an iCalendar file (RFC 5545): one VEVENT per scheduled talk, in the event's time zone.

Made with the icalendar library: the calendar carries a VTIMEZONE for the event's zone (built from the tz
database over the event's dates), and its schedule version as X-PODIUM-SCHEDULE-VERSION.
"""
from datetime import date, timedelta

from icalendar import Calendar, Event, Timezone, vText

from voting.db_types import utcnow
from voting.events.days import event_days, max_event_days
from voting.export.accepted import identity
from voting.export.data import guid

PRODID = "-//Podium//Schedule export//EN"
END = "END:VCALENDAR"
ONE_DAY = timedelta(days=1)
LAST_ZONE_DAY = date(9998, 12, 31)  # icalendar's VTIMEZONE builder overflows on dates near 9999-12-31


def calendar(data):
    """The VCALENDAR with its properties and time zone, without events."""
    event = data.event
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(event.name))  # an X- property is not escaped unless it is text
    cal.add("x-wr-timezone", event.timezone)
    cal.add("x-podium-schedule-version", str(event.version))
    cal.add("url", event.url)
    cal.add_component(Timezone.from_tzid(event.timezone, **zone_span(data)))
    return cal


def zone_span(data):
    """The dates the VTIMEZONE covers: the event's days and its slots' with a day either side, at most
    PODIUM_MAX_EVENT_DAYS (and the margin) long, inside the dates the icalendar library can handle."""
    days = event_days(data.event)
    first = min(days[:1] + [item.starts_at.date() for item in data.items])
    last = max(days[-1:] + [item.ends_at.date() for item in data.items])
    first = min(max(first, date.min + ONE_DAY) - ONE_DAY, LAST_ZONE_DAY - ONE_DAY)
    last = min(min(last, LAST_ZONE_DAY - ONE_DAY) + ONE_DAY, first + timedelta(days=max_event_days() + 2))
    return {"first_date": first, "last_date": last}


def vevent(data, item, stamp):
    """One talk as a VEVENT: title, times in the event's zone, room, track, speakers, abstract, link."""
    talk = item.talk
    entry = Event()
    entry.add("uid", guid(data.event.slug, "proposal", talk.id))
    entry.add("dtstamp", stamp)
    entry.add("dtstart", item.starts_at)
    entry.add("dtend", item.ends_at)
    entry.add("summary", talk.title)
    speakers = ", ".join(speaker.name for speaker in talk.speakers)
    entry.add("description", "\n\n".join(part for part in (speakers, talk.abstract, talk.url) if part))
    if item.room:
        entry.add("location", item.room)
    entry.add("categories", [talk.track])
    entry.add("url", talk.url)
    return entry


def render_ics(data, progress=identity):
    """The .ics file, written a talk at a time between the calendar's head and its end line."""
    head = calendar(data).to_ical().decode()
    yield head[:head.rindex(END)]
    stamp = data.event.published_at or utcnow()
    for item in progress(data.talk_items):  # breaks and other slots are not in the calendar
        yield vevent(data, item, stamp).to_ical().decode()
    yield END + "\r\n"
