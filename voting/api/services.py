"""Shaping data for the JSON API."""
import math

from sqlalchemy import false, func, select
from sqlalchemy.orm import joinedload, selectinload

from voting.core.urls import external_url
from voting.enums import ProposalState, WindowState
from voting.events.models import Event, Organiser, Track, TrackChair
from voting.events.services import list_events
from voting.export.data import Audience, load, speaker_records
from voting.extensions import db
from voting.models import Proposal, ProposalSpeaker, User
from voting.proposals.publicity import (acceptance_published, acceptance_published_clause,
                                        acceptance_unpublished_clause)


def user_roles(user):
    """The user's roles: site admin, organiser of events, chair of tracks."""
    organiser_of = db.session.scalars(
        select(Event.slug).join(Organiser, Organiser.event_id == Event.id).where(Organiser.user_id == user.id)
    ).all()
    chairs = db.session.execute(
        select(Event.slug, Track.slug).join(Track, Track.event_id == Event.id)
        .join(TrackChair, TrackChair.track_id == Track.id).where(TrackChair.user_id == user.id)
    ).all()
    return {
        "admin": bool(user.is_admin),
        "organiser_of": sorted(organiser_of),
        "chair_of": [{"event": event, "track": track} for event, track in sorted(chairs)],
    }


def describe_user(user):
    """The signed-in user as the API shows them."""
    return {"id": user.id, "name": user.name, "email": user.email, "email_verified": bool(user.email_verified),
            "roles": user_roles(user)}


# The public, read-only API: events, their proposals (public fields only) and published schedules.

PUBLIC_STATES = ("submitted", "accepted", "confirmed")
MAX_PER_PAGE, DEFAULT_PER_PAGE = 200, 50
MAX_PAGE = 1_000_000  # keeps the offset inside a database integer
HIDDEN_STATES = (ProposalState.DRAFT, ProposalState.WITHDRAWN, ProposalState.DECLINED)


class BadQuery(ValueError):
    """A query-string value the API cannot use; its message says which and why."""


def event_json(event):
    """An event's public facts and the links to its proposals and schedule."""
    return {
        "slug": event.slug, "name": event.name, "url": external_url("events.detail", slug=event.slug),
        "timezone": event.timezone, "venue": event.venue, "description": event.description,
        "starts_on": event.starts_on.isoformat(), "ends_on": event.ends_on.isoformat(),
        "schedule_published": event.schedule_published_at is not None,
        "schedule_version": event.schedule_version,
        "links": {"proposals": external_url("api.proposals", event_slug=event.slug),
                  "schedule": external_url("api.schedule", event_slug=event.slug)},
    }


def list_events_json():
    """Every event, most recent first."""
    return {"events": [event_json(event) for event in list_events()]}


def parse_listing(args):
    """(state, page, per_page) from the query string, or BadQuery."""
    state = args.get("state")
    if state is not None and state not in PUBLIC_STATES:
        raise BadQuery(f"state must be one of {', '.join(PUBLIC_STATES)}.")
    page = _whole(args, "page", 1, MAX_PAGE)
    per_page = _whole(args, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    return state, page, per_page


def _whole(args, name, default, highest):
    text = args.get(name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= highest:
        raise BadQuery(f"{name} must be a whole number from 1 to {highest}.")
    return int(text)


def _visible(event, state):
    """The SQL condition of the event's proposals the public may list, in the given public state."""
    conditions = [Proposal.event_id == event.id, Proposal.state.notin_(HIDDEN_STATES)]
    if event.window_state("voting") not in (WindowState.OPEN, WindowState.CLOSED):
        # Before voting opens proposals are private; published acceptances show with the schedule.
        conditions.append(acceptance_published_clause() if event.schedule_published_at else false())
    if state == "submitted":
        conditions.append(acceptance_unpublished_clause())
    elif state in ("accepted", "confirmed"):
        conditions.append(acceptance_published_clause())
        if state == "confirmed":
            conditions.append(Proposal.state == ProposalState.CONFIRMED)
    return conditions


def proposals_page(*, event, state, page, per_page):
    """One page of the event's public proposals, with the total and links to the other pages."""
    conditions = _visible(event, state)
    total = db.session.scalar(select(func.count()).select_from(Proposal).where(*conditions))
    query = (select(Proposal).where(*conditions).order_by(Proposal.id).limit(per_page)
             .offset((page - 1) * per_page)
             .options(joinedload(Proposal.track), selectinload(Proposal.speakers)
                      .joinedload(ProposalSpeaker.user).joinedload(User.speaker_profile)))
    pages = max(1, math.ceil(total / per_page))
    items = [proposal_json(event, proposal) for proposal in db.session.scalars(query)]

    def link(number):
        return external_url("api.proposals", event_slug=event.slug, page=number, per_page=per_page,
                            **({"state": state} if state else {}))
    return {"items": items, "page": page, "per_page": per_page, "total": total, "pages": pages,
            "links": {"self": link(page), "first": link(1), "last": link(pages),
                      "prev": link(min(page - 1, pages)) if page > 1 else None,
                      "next": link(page + 1) if page < pages else None}}


def public_state(proposal):
    """The public's view of a proposal's state: accepted (or confirmed) once published, else submitted."""
    if acceptance_published(proposal):
        return "confirmed" if proposal.state == ProposalState.CONFIRMED else "accepted"
    return "submitted"


def proposal_json(event, proposal):
    """A proposal's public fields (its speakers hidden under anonymous review until it is accepted)."""
    state = public_state(proposal)
    speakers = speaker_records(proposal) if not event.anonymous_review or state != "submitted" else []
    return {
        "id": proposal.id, "slug": proposal.slug, "title": proposal.title,
        "url": external_url("proposals.detail", event_slug=event.slug, slug=proposal.slug),
        "track": {"slug": proposal.track.slug, "name": proposal.track.name},
        "format": proposal.format.value, "level": proposal.level.value,
        "duration_minutes": proposal.duration_minutes, "abstract": proposal.abstract,
        "description": proposal.description, "state": state,
        "speakers": [{"name": s.name, "company": s.company, "job_title": s.job_title, "bio": s.bio,
                      "photo_url": s.photo_url} for s in speakers],
    }


def schedule_json(event):
    """The event's published schedule: its rooms and every slot in the event's time zone."""
    data = load(event=event, audience=Audience(public=True, results=False))
    return {
        "event": event.slug, "timezone": event.timezone, "version": event.schedule_version,
        "published_at": event.schedule_published_at.isoformat(),
        "rooms": [{"name": name, "capacity": capacity} for _, name, capacity in data.event.rooms],
        "slots": [slot_json(item) for item in data.items],
    }


def slot_json(item):
    """One slot: its times, room (null across all rooms), kind, title and talk."""
    talk = item.talk
    return {
        "id": item.id, "starts_at": item.starts_at.isoformat(), "ends_at": item.ends_at.isoformat(),
        "room": item.room, "kind": item.kind, "title": item.title,
        "proposal": None if talk is None else {
            "id": talk.id, "slug": talk.slug, "title": talk.title, "url": talk.url,
            "track": {"slug": talk.track_slug, "name": talk.track}, "format": talk.format,
            "speakers": [speaker.name for speaker in talk.speakers]},
    }
