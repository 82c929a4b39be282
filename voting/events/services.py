"""Reading and changing events and tracks."""
import re
from functools import cache
from zoneinfo import available_timezones

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voting.enums import VoteChoice
from voting.events.days import event_length, max_event_days
from voting.events.models import WINDOWS, ActivityLog, Event, Organiser, Track
from voting.core.ordering import move_next_to_neighbour
from voting.errors import RuleViolation
from voting.extensions import db
from voting.permissions import can_manage_event

WINDOW_LABELS = {"cfp": "Call for proposals", "voting": "Community voting", "review": "Track chair review"}
WINDOW_FIELDS = tuple(f"{name}_{edge}_at" for name in WINDOWS for edge in ("opens", "closes"))
LIMIT_FIELDS = ("max_proposals_per_speaker", "max_speakers_per_proposal")
WEIGHT_FIELDS = tuple(f"weight_{choice.value}" for choice in VoteChoice)
EVENT_FIELDS = ("name", "slug", "timezone", "venue", "description", "starts_on", "ends_on",
                *WINDOW_FIELDS, *LIMIT_FIELDS, *WEIGHT_FIELDS)
TRACK_FIELDS = ("name", "slug", "description", "session_count", "alternate_count")
# Upper bounds keep typed numbers inside the integer columns, and the scores meaningful.
LIMIT_RANGE, WEIGHT_RANGE, COUNT_RANGE = range(1, 101), range(-10, 11), range(0, 1001)
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HOST_ZONES = {"localtime", "posixrules", "Factory"}  # files of the tz database that name no place
RESERVED_SLUGS = {"new"}  # /events/new and .../tracks/new are console pages


def list_events():
    """Every event, most recent first."""
    return db.session.scalars(select(Event).order_by(Event.starts_on.desc())).all()


def get_event_or_404(slug):
    """The event with this slug, its tracks loaded, or a 404 (a slug no event could have: without a query)."""
    event = None
    if SLUG_PATTERN.fullmatch(slug or ""):
        event = db.session.scalar(select(Event).where(Event.slug == slug).options(selectinload(Event.tracks)))
    if event is None:
        abort(404, description=f"No event is called {slug!r}.")
    return event


def get_track_or_404(event, slug):
    """The event's track with this slug, or a 404."""
    track = next((track for track in event.tracks if track.slug == slug), None)
    if track is None:
        abort(404, description=f"{event.name} has no track called {slug!r}.")
    return track


def managed_event_or_403(slug, user, doing="manage it"):
    """The event with this slug if `user` may manage it: a 404 when unknown, a 403 saying who may."""
    event = get_event_or_404(slug)
    if not can_manage_event(user, event):
        abort(403, description=f"Only the organisers of {event.name} can {doing}.")
    return event


def event_windows(event, now=None):
    """The event's three windows as (label, opens, closes, state) rows, in flow order."""
    return [(WINDOW_LABELS[name], *event.window(name), event.window_state(name, now)) for name in WINDOWS]


def record_activity(*, event, user, action, details=""):
    """Add a line to the event's activity log: who did what."""
    entry = ActivityLog(event=event, user=user, action=action, details=details)
    db.session.add(entry)
    return entry


@cache
def time_zones():
    """The IANA time zone names, sorted (read once: listing them walks the tz database)."""
    return tuple(sorted(available_timezones() - HOST_ZONES))


def is_time_zone(name):
    """Whether `name` is an IANA time zone, such as Europe/Paris."""
    return name in time_zones()


def create_event(*, user, **fields):
    """A new event from its settings; the user who creates it becomes its first organiser."""
    _check_event(fields)
    event = Event(**_known(fields, EVENT_FIELDS))
    db.session.add(event)
    db.session.add(Organiser(event=event, user=user))
    record_activity(event=event, user=user, action="event.created", details=f"Created {event.name}")
    db.session.flush()
    return event


def update_event(*, event, user, **fields):
    """Change the event's settings, checked as a whole before any is applied."""
    _check_event({**_values(event, EVENT_FIELDS), **fields}, event=event)
    changed = _assign(event, _known(fields, EVENT_FIELDS))
    if changed:
        record_activity(event=event, user=user, action="event.updated", details=f"Changed {_names(changed)}")
    db.session.flush()
    return event


def create_track(*, event, user, **fields):
    """A new track, placed after the event's other tracks."""
    _check_track(event, fields)
    position = max((track.position for track in event.tracks), default=-1) + 1
    track = Track(event=event, position=position, **_known(fields, TRACK_FIELDS))
    db.session.add(track)
    record_activity(event=event, user=user, action="track.created", details=f"Created track {track.name}")
    db.session.flush()
    return track


def update_track(*, track, user, **fields):
    """Change a track's name, slug, description, or its session and alternate counts."""
    _check_track(track.event, {**_values(track, TRACK_FIELDS), **fields}, track=track)
    changed = _assign(track, _known(fields, TRACK_FIELDS))
    if changed:
        record_activity(event=track.event, user=user, action="track.updated",
                        details=f"Changed {_names(changed)} of track {track.name}")
    db.session.flush()
    return track


def move_track(*, track, user, direction):
    """Swap the track with its neighbour ('up' or 'down'); positions become 0, 1, 2 ... in order."""
    if direction not in ("up", "down"):
        raise ValueError(f"unknown direction {direction!r}")
    tracks = sorted(track.event.tracks, key=lambda t: (t.position, t.id))
    if move_next_to_neighbour(tracks, track, direction):
        record_activity(event=track.event, user=user, action="track.moved",
                        details=f"Moved track {track.name} {direction}")
    db.session.flush()
    return track


def list_activity(*, event, page=1, per_page=25):
    """One page of the event's activity log, newest first."""
    query = (select(ActivityLog).where(ActivityLog.event_id == event.id)
             .options(selectinload(ActivityLog.user))
             .order_by(ActivityLog.created_at.desc(), ActivityLog.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, max_per_page=per_page)


def _check_event(values, event=None):
    errors = {}
    if not (values.get("name") or "").strip():
        errors["name"] = "Give the event a name."
    _check_slug(errors, values.get("slug"), taken=_event_slug_taken(values.get("slug"), event))
    if not is_time_zone(values.get("timezone")):
        errors["timezone"] = "Choose a time zone by its IANA name, such as Europe/Paris."
    _check_dates(errors, values.get("starts_on"), values.get("ends_on"))
    _check_windows(errors, values)
    _check_range(errors, values, LIMIT_FIELDS, LIMIT_RANGE, "A limit")
    _check_range(errors, values, WEIGHT_FIELDS, WEIGHT_RANGE, "A vote weight")
    if errors:
        raise RuleViolation(errors=errors)


def _check_dates(errors, starts_on, ends_on):
    if starts_on is None:
        errors["starts_on"] = "Give the first day of the event."
    if ends_on is None:
        errors["ends_on"] = "Give the last day of the event."
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The event cannot end before it starts."
    elif starts_on is not None and event_length(starts_on, ends_on) > max_event_days():
        errors["ends_on"] = (f"An event lasts at most {max_event_days()} days; this one would last "
                             f"{event_length(starts_on, ends_on):,}.")


def _check_windows(errors, values):
    for name in WINDOWS:
        opens, closes = values.get(f"{name}_opens_at"), values.get(f"{name}_closes_at")
        label = WINDOW_LABELS[name]
        if (opens is None) != (closes is None):
            missing = f"{name}_opens_at" if opens is None else f"{name}_closes_at"
            errors[missing] = f"Give both the opening and the closing time of \"{label}\", or neither."
        elif opens is not None and closes <= opens:
            errors[f"{name}_closes_at"] = f"\"{label}\" must close after it opens."
    cfp_opens, review_opens = values.get("cfp_opens_at"), values.get("review_opens_at")
    if cfp_opens is not None and review_opens is not None and review_opens <= cfp_opens:
        errors.setdefault("review_opens_at",
                          "Track chair review must open after the call for proposals opens.")


def _check_track(event, values, track=None):
    errors = {}
    name = (values.get("name") or "").strip()
    others = [other for other in event.tracks if other is not track]
    if not name:
        errors["name"] = "Give the track a name."
    elif any(other.name == name for other in others):
        errors["name"] = f"{event.name} already has a track called {name!r}."
    _check_slug(errors, values.get("slug"), taken=any(other.slug == values.get("slug") for other in others))
    _check_range(errors, values, ("session_count", "alternate_count"), COUNT_RANGE, "A count")
    if errors:
        raise RuleViolation(errors=errors)


def _check_slug(errors, slug, *, taken):
    if not slug or not SLUG_PATTERN.fullmatch(slug):
        errors["slug"] = "Use lower-case letters, digits and single hyphens, such as tokyo-2025."
    elif taken or slug in RESERVED_SLUGS:
        errors["slug"] = f"The slug {slug!r} is already taken."


def _check_range(errors, values, names, allowed, what):
    for name in names:
        value = values.get(name)
        if not isinstance(value, int) or value not in allowed:
            errors[name] = f"{what} must be a whole number from {allowed[0]} to {allowed[-1]}."


def _event_slug_taken(slug, event):
    query = select(Event.id).where(Event.slug == slug)
    if event is not None:
        query = query.where(Event.id != event.id)
    return db.session.scalar(query) is not None


def _values(obj, names):
    return {name: getattr(obj, name) for name in names}


def _known(fields, names):
    unknown = set(fields) - set(names)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    return fields


def _names(fields):
    return ", ".join(name.replace("_", " ") for name in fields)


def _assign(obj, fields):
    """Set the fields that differ; the names of those changed."""
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    return changed
