"""The accepted talks as CSV and as JSON, with or without a schedule."""
import csv
import io
import json

from voting.core.spreadsheet import safe_cell

CHUNK_ROWS = 100
SPEAKER_FIELDS = ("name", "company", "job_title", "bio", "photo_url")
RESULT_FIELDS = ("votes", "weighted_mean", "bayesian_average", "rank", "track_rank")
TALK_FIELDS = ("id", "title", "slug", "url", "track", "format", "level", "duration_minutes", "state",
               "abstract", "description")
SLOT_FIELDS = ("starts_at", "ends_at", "room")


def identity(items):
    """The items unchanged: the default progress wrapper (the CLI's moves a bar)."""
    return items


def csv_header(speaker_count):
    """The accepted CSV's columns: the talk, its speakers one numbered group each, results, slot."""
    speakers = [f"speaker{n}_{name}" for n in range(1, speaker_count + 1) for name in SPEAKER_FIELDS]
    return [*TALK_FIELDS, "speakers", *speakers, *RESULT_FIELDS, *SLOT_FIELDS]


def render_csv(data, progress=identity):
    """The accepted talks as CSV text chunks; cells a spreadsheet would run as formulas are quoted."""
    speaker_count = max([len(talk.speakers) for talk in data.talks] + [1])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_header(speaker_count))
    for n, talk in enumerate(progress(data.talks), start=1):
        writer.writerow([safe_cell(value) for value in csv_row(talk, speaker_count)])
        if n % CHUNK_ROWS == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def csv_row(talk, speaker_count):
    """One talk's cells in csv_header's order (blank where a speaker, a result or a slot is missing)."""
    cells = [_talk_value(talk, name) for name in TALK_FIELDS]
    cells.append(", ".join(speaker.name for speaker in talk.speakers))
    for n in range(speaker_count):
        speaker = talk.speakers[n] if n < len(talk.speakers) else None
        cells += [getattr(speaker, name) if speaker else "" for name in SPEAKER_FIELDS]
    results = talk.results or {}
    cells += ["" if results.get(name) is None else results[name] for name in RESULT_FIELDS]
    slot = talk.slot
    cells += [slot.starts_at.isoformat(), slot.ends_at.isoformat(), slot.room or ""] if slot else ["", "", ""]
    return cells


def _talk_value(talk, name):
    return talk.track if name == "track" else getattr(talk, name)


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def render_json(data, progress=identity):
    """The accepted talks as one JSON document, written a talk at a time."""
    head = {"event": event_json(data.event), "schedule_version": data.event.version,
            "includes_community_results": any(talk.results is not None for talk in data.talks)}
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    yield opening + ', "talks": ['
    for n, talk in enumerate(progress(data.talks)):
        yield ("," if n else "") + "\n" + json.dumps(talk_json(talk), ensure_ascii=False)
    yield "\n]}\n"


def event_json(event):
    """The event's public facts as the JSON exports give them."""
    return {"slug": event.slug, "name": event.name, "url": event.url, "timezone": event.timezone,
            "venue": event.venue, "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat()}


def talk_json(talk):
    """One talk's public fields, its speakers, its community result and its slot."""
    body = {name: _talk_value(talk, name) for name in TALK_FIELDS}
    body["track"] = {"name": talk.track, "slug": talk.track_slug}
    body["speakers"] = [speaker_json(speaker) for speaker in talk.speakers]
    body["community_results"] = talk.results
    slot = talk.slot
    body["schedule"] = ({"starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat(),
                         "room": slot.room} if slot else None)
    return body


def speaker_json(speaker):
    """A speaker's public profile."""
    return {name: getattr(speaker, name) for name in SPEAKER_FIELDS}
