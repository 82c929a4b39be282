"""The schedule in the frab/pretalx formats that conference apps read: schedule.xml and schedule.json.

Both follow the c3voc schemas (validator/xsd/schedule.xml.xsd and validator/json/schema.json). Their
events are the placed talks only, each with its track: breaks and empty slots are not events, and the
conference lists only the tracks of its talks. Days run from the event's first to its last date; every
room is listed each day, and a talk across all rooms (a keynote) sits in an "All rooms" room. A talk's
guid is a uuid5 of the event's slug and the proposal's id, so it stays the same when the talk moves; the
schedule's version is the event's schedule_version.
"""
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime, time

from flask import current_app

from voting.events.days import event_days
from voting.export.accepted import identity
from voting.export.data import guid

ALL_ROOMS = "All rooms"
TIMESLOT = "00:05"
GENERATOR = "Podium"
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
# The JSON schema's patterns, to leave out a value it would refuse rather than write an invalid file.
TIME_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]+")
# Where the days go in schedule.json, written one at a time: no name or text can contain it.
DAYS_HOLE = f"days-{uuid.uuid4().hex}"
XML_ILLEGAL = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def acronym(slug):
    """The event's slug as both schemas' acronym: no hyphens, at least four characters."""
    return slug.replace("-", "_").ljust(4, "_")


def hhmm(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def days(data):
    """(index, date, start, end, {room name: [talk items]}) for every day of the event and any day a talk is on."""
    by_day = defaultdict(list)
    for item in data.talk_items:
        by_day[item.starts_at.date()].append(item)
    zone = data.zone
    for index, day in enumerate(day_dates(data), start=1):
        items = by_day.get(day, [])
        start = min((i.starts_at for i in items), default=datetime.combine(day, time(0), zone))
        end = max((i.ends_at for i in items), default=datetime.combine(day, time(23, 59), zone))
        yield index, day, start, end, rooms_of(data, items)


def day_dates(data):
    """Every date from the event's first to its last, and any other date a talk starts on, in order."""
    return sorted(set(event_days(data.event)) | {item.starts_at.date() for item in data.talk_items})


def rooms_of(data, items):
    """The day's items by room: every room of the event in order, then "All rooms" if a slot spans them."""
    rooms = {name: [] for _, name, _ in data.event.rooms}
    for item in items:
        rooms.setdefault(item.room or ALL_ROOMS, []).append(item)
    return rooms


def room_guids(data):
    """Each room's guid by name ("All rooms" included)."""
    guids = {name: guid(data.event.slug, "room", room_id) for room_id, name, _ in data.event.rooms}
    guids[ALL_ROOMS] = guid(data.event.slug, "room", "all")
    return guids


def item_fields(data, item):
    """The fields both formats share for one placed talk."""
    event, talk = data.event, item.talk
    minutes = int((item.ends_at - item.starts_at).total_seconds() // 60)
    return {
        "guid": guid(event.slug, "proposal", talk.id), "id": item.id, "date": item.starts_at.isoformat(),
        "start": item.starts_at.strftime("%H:%M"), "end": item.ends_at.isoformat(), "duration": hhmm(minutes),
        "room": item.room or ALL_ROOMS, "slug": f"{acronym(event.slug)}-{talk.id}-{talk.slug}", "url": talk.url,
        "title": item.title, "subtitle": "", "track": talk.track,
        "type": "keynote" if item.kind == "keynote" else talk.format,
        "language": current_app.config.get("PODIUM_SCHEDULE_LANGUAGE", "en"),
        "abstract": talk.abstract, "description": talk.description, "persons": talk.speakers,
    }


def render_json(data, progress=identity):
    """schedule.json, written a day at a time."""
    event, guids = data.event, room_guids(data)
    conference = {"acronym": acronym(event.slug), "title": event.name, "description": event.description,
                  "start": event.starts_on.isoformat(), "end": event.ends_on.isoformat(), "daysCount": 0,
                  "timeslot_duration": TIMESLOT, "url": event.url,
                  "tracks": [{"name": name, "slug": slug} for name, slug in data.talk_tracks],
                  "rooms": [{"name": name, "guid": guids[name], "capacity": capacity or None}
                            for _, name, capacity in event.rooms],
                  "days": DAYS_HOLE}
    if TIME_ZONE_NAME.search(event.timezone):
        conference["time_zone_name"] = event.timezone
    day_list = list(days(data))
    conference["daysCount"] = len(day_list)
    if any(ALL_ROOMS in rooms for *_, rooms in day_list):
        conference["rooms"].append({"name": ALL_ROOMS, "guid": guids[ALL_ROOMS], "capacity": None})
    document = {"$schema": SCHEMA_URL, "generator": {"name": GENERATOR},
                "schedule": {"version": str(event.version), "conference": conference}}
    head, tail = json.dumps(document, ensure_ascii=False).split(json.dumps(DAYS_HOLE))
    yield head + "["
    for n, (index, day, start, end, rooms) in enumerate(day_list):
        body = {"index": index, "date": day.isoformat(), "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": {name: [event_json(data, item) for item in progress(items)]
                          for name, items in rooms.items()}}
        yield ("," if n else "") + json.dumps(body, ensure_ascii=False)
    yield "]" + tail + "\n"


def event_json(data, item):
    """One slot as a frab JSON event."""
    fields = item_fields(data, item)
    fields["persons"] = [{"guid": guid(data.event.slug, "speaker", speaker.id), "name": speaker.name,
                          "biography": speaker.bio or None, "avatar": speaker.photo_url or None}
                         for speaker in fields["persons"]]
    fields["links"] = []
    return fields


def render_xml(data, progress=identity):
    """schedule.xml, written a day at a time."""
    event = data.event
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<schedule>\n'
    head = [_element("generator", name=GENERATOR), _element("version", str(event.version)),
            conference_xml(data)]
    yield "".join(ET.tostring(element, encoding="unicode") for element in head) + "\n"
    guids = room_guids(data)
    for index, day, start, end, rooms in days(data):
        element = _element("day", index=str(index), date=day.isoformat(), start=start.isoformat(),
                           end=end.isoformat())
        for name, items in rooms.items():
            room = ET.SubElement(element, "room", name=_clean(name), guid=guids[name])
            room.extend(event_xml(data, item) for item in progress(items))
        yield ET.tostring(element, encoding="unicode") + "\n"
    yield "</schedule>\n"


def conference_xml(data):
    """The <conference> element: title, acronym, dates, time zone and tracks."""
    event = data.event
    conference = _element("conference")
    day_count = len(day_dates(data))
    for tag, text in (("title", event.name), ("acronym", acronym(event.slug)),
                      ("start", event.starts_on.isoformat()), ("end", event.ends_on.isoformat()),
                      ("days", str(day_count)), ("timeslot_duration", TIMESLOT), ("url", event.url),
                      ("time_zone_name", event.timezone)):
        conference.append(_element(tag, text))
    for name, slug in data.talk_tracks:
        track = _element("track", name=_clean(name))
        if TRACK_SLUG.fullmatch(slug):
            track.set("slug", slug)
        conference.append(track)
    return conference


def event_xml(data, item):
    """One slot as a frab <event> element."""
    fields = item_fields(data, item)
    element = _element("event", guid=fields["guid"], id=str(fields["id"]))
    for tag in ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract", "slug",
                "language", "description", "url"):
        element.append(_element(tag, fields[tag]))
    element.append(_element("track", fields["track"]))
    persons = ET.SubElement(element, "persons")
    for speaker in fields["persons"]:
        persons.append(_element("person", speaker.name, id=str(speaker.id),
                                guid=guid(data.event.slug, "speaker", speaker.id)))
    ET.SubElement(element, "links")
    return element


def _element(tag, text=None, **attributes):
    element = ET.Element(tag, attributes)
    if text is not None:
        element.text = _clean(text)
    return element


def _clean(text):
    """The text without the control characters XML cannot hold."""
    return XML_ILLEGAL.sub("", text)
