"""What the exports read: plain records of an event's public fields, never a model object.

Every exporter and the API's schedule work from these records only, so nothing private (chairs' scores
and comments, emails, who voted what, decision reasons) can reach an export by accident: it is never
loaded into them. The public sees the decisions organisers have published; organisers see current ones.
"""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from voting.community.results import proposal_results
from voting.core.urls import external_url
from voting.enums import SlotKind, SpeakerStatus
from voting.events.models import Track
from voting.extensions import db
from voting.models import Proposal, ProposalSpeaker, Room, Slot, SpeakerProfile, User
from voting.proposals.publicity import accepted_clause

# uuid5 names hang off this namespace so that guids are stable across exports and machines.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://podium.invalid/schedule")


@dataclass(frozen=True)
class Audience:
    """Who an export is for: the public (published decisions only), and whether community results show."""

    public: bool
    results: bool


@dataclass(frozen=True)
class Speaker:
    """A speaker as the public sees them on a proposal's page."""

    id: int
    name: str
    company: str
    job_title: str
    bio: str
    photo_url: str


@dataclass
class Talk:
    """An accepted proposal's public fields, its community result and (when placed) its slot."""

    id: int
    title: str
    slug: str
    track: str
    track_slug: str
    format: str
    format_label: str
    level: str
    duration_minutes: int
    abstract: str
    description: str
    state: str
    url: str
    speakers: list = field(default_factory=list)
    results: dict | None = None
    slot: "Item | None" = None


@dataclass
class Item:
    """One slot of the schedule in the event's time zone: a placed talk, or a break or other item."""

    id: int
    starts_at: datetime
    ends_at: datetime
    kind: str
    title: str
    room: str | None
    room_id: int | None
    room_capacity: int
    talk: Talk | None = None


@dataclass
class EventInfo:
    """The event's public facts that exports repeat."""

    id: int
    slug: str
    name: str
    timezone: str
    venue: str
    description: str
    starts_on: date
    ends_on: date
    url: str
    version: int
    published_at: datetime | None
    tracks: list
    rooms: list


@dataclass
class Dataset:
    """Everything one export needs: the event, its accepted talks and its schedule's items."""

    event: EventInfo
    talks: list
    items: list

    @property
    def zone(self):
        return ZoneInfo(self.event.timezone)

    @property
    def talk_items(self):
        """The placed talks' items: what a format without a place for breaks lists as its events."""
        return [item for item in self.items if item.talk is not None]

    @property
    def talk_tracks(self):
        """(name, slug) of the tracks with a placed talk, in the event's order: no track without a talk."""
        slugs = {item.talk.track_slug for item in self.talk_items}
        return [(name, slug) for name, slug in self.event.tracks if slug in slugs]


def guid(event_slug, kind, number):
    """A stable uuid5 for one object of the event ('proposal', 'room', 'slot' or 'speaker')."""
    return str(uuid.uuid5(NAMESPACE, f"{event_slug}/{kind}/{number}"))


def load(*, event, audience):
    """The event's accepted talks and its schedule as the audience may see them."""
    info = event_info(event)
    talks = {talk.id: talk for talk in accepted_talks(event=event, audience=audience)}
    items = schedule_items(event=event, talks=talks)
    return Dataset(event=info, talks=list(talks.values()), items=items)


def event_info(event):
    """The event's public facts, its tracks and rooms in their order."""
    rooms = db.session.execute(select(Room.id, Room.name, Room.capacity).where(Room.event_id == event.id)
                               .order_by(Room.position, Room.id)).all()
    tracks = db.session.execute(select(Track.name, Track.slug).where(Track.event_id == event.id)
                                .order_by(Track.position, Track.id)).all()
    return EventInfo(
        id=event.id, slug=event.slug, name=event.name, timezone=event.timezone, venue=event.venue,
        description=event.description, starts_on=event.starts_on, ends_on=event.ends_on,
        url=external_url("events.detail", slug=event.slug), version=event.schedule_version,
        published_at=event.schedule_published_at, tracks=[(name, slug) for name, slug in tracks],
        rooms=[tuple(room) for room in rooms])


def accepted_condition(event, audience):
    """The SQL condition of the event's accepted proposals that the audience may see (voting.proposals.publicity:
    the public's are those whose acceptance is published, whatever changed since without a publication)."""
    return [Proposal.event_id == event.id, accepted_clause(public=audience.public)]


def accepted_talks(*, event, audience):
    """The accepted talks, by track then title, with their speakers and (if shown) community results."""
    # Column queries, not model objects: they name every field read (all public) and load 1,000 talks fast.
    query = (select(Proposal.id, Proposal.title, Proposal.slug, Track.name, Track.slug, Proposal.format,
                    Proposal.level, Proposal.duration_minutes, Proposal.abstract, Proposal.description,
                    Proposal.state)
             .join(Track, Track.id == Proposal.track_id).where(*accepted_condition(event, audience))
             .order_by(Track.position, Proposal.title, Proposal.id))
    speakers = _speakers(event, audience)
    results = _results(event) if audience.results else {}
    link = _link_maker("proposals.detail", event_slug=event.slug)
    return [Talk(id=id_, title=title, slug=slug, track=track, track_slug=track_slug, format=format_.value,
                 format_label=format_.label, level=level.value, duration_minutes=minutes, abstract=abstract,
                 description=description, state=state.value, url=link(slug), speakers=speakers.get(id_, []),
                 results=results.get(id_))
            for id_, title, slug, track, track_slug, format_, level, minutes, abstract, description, state
            in db.session.execute(query)]


def _speakers(event, audience):
    """The accepted talks' confirmed speakers by proposal id, in order: their public profile only."""
    query = (select(ProposalSpeaker.proposal_id, User.id, User.name, SpeakerProfile.display_name,
                    SpeakerProfile.company, SpeakerProfile.job_title, SpeakerProfile.bio,
                    SpeakerProfile.photo_url)
             .join(Proposal, Proposal.id == ProposalSpeaker.proposal_id)
             .join(User, User.id == ProposalSpeaker.user_id)
             .outerjoin(SpeakerProfile, SpeakerProfile.user_id == User.id)
             .where(*accepted_condition(event, audience), ProposalSpeaker.status == SpeakerStatus.CONFIRMED)
             .order_by(ProposalSpeaker.proposal_id, ProposalSpeaker.position))
    speakers = {}
    for row in db.session.execute(query):
        proposal_id, user_id, name, display_name, company, job_title, bio, photo_url = row
        speakers.setdefault(proposal_id, []).append(Speaker(
            user_id, display_name if display_name is not None else name, company or "", job_title or "",
            bio or "", photo_url or ""))
    return speakers


def _link_maker(endpoint, **values):
    """A function of a slug giving its absolute URL: url_for once, not once per talk (slugs are URL-safe)."""
    template = external_url(endpoint, **values, slug="SLUG-PLACEHOLDER")
    return lambda slug: template.replace("SLUG-PLACEHOLDER", slug)


def _results(event):
    """Each votable proposal's community result by id: counts and averages only, never a voter."""
    return {row.id: {"votes": row.votes, "score": row.score, "weighted_mean": _round(row.weighted_mean),
                     "bayesian_average": _round(row.bayesian_average), "rank": row.rank,
                     "track_rank": row.track_rank}
            for row in proposal_results(event=event)}


def _round(value):
    return None if value is None else round(value, 3)


def speaker_records(proposal):
    """The confirmed speakers as the proposal's page shows them (an invited co-speaker is no one yet)."""
    speakers = []
    for link in proposal.speakers:
        if link.status != SpeakerStatus.CONFIRMED or link.user is None:
            continue
        profile = link.user.speaker_profile
        if profile is None:
            speakers.append(Speaker(link.user.id, link.user.name, "", "", "", ""))
        else:
            speakers.append(Speaker(link.user.id, profile.display_name, profile.company, profile.job_title,
                                    profile.bio, profile.photo_url))
    return speakers


def schedule_items(*, event, talks):
    """The event's slots by start and room, each talk's slot set; slots of talks not shown and empty session
    slots are left out (breaks, keynotes and other items without a talk stay, for the formats that list them)."""
    zone = ZoneInfo(event.timezone)
    query = (select(Slot.id, Slot.starts_at, Slot.ends_at, Slot.kind, Slot.title, Slot.proposal_id, Room.id,
                    Room.name, Room.capacity)
             .outerjoin(Room, Room.id == Slot.room_id).where(Slot.event_id == event.id)
             .order_by(Slot.starts_at, Room.position.nulls_first(), Slot.id))
    items = []
    for row in db.session.execute(query):
        slot_id, starts_at, ends_at, kind, title, proposal_id, room_id, room, capacity = row
        talk = talks.get(proposal_id)
        if proposal_id is not None and talk is None:
            continue  # not accepted (any more), or its acceptance not published to this audience
        if talk is None and kind == SlotKind.SESSION:
            continue  # an empty session slot is a place for a talk, not an event
        item = Item(id=slot_id, starts_at=starts_at.astimezone(zone), ends_at=ends_at.astimezone(zone),
                    kind=kind.value, title=talk.title if talk else (title or _kind_label(kind)), room=room,
                    room_id=room_id, room_capacity=capacity or 0, talk=talk)
        if talk is not None:
            talk.slot = item
        items.append(item)
    return items


def _kind_label(kind):
    return {SlotKind.BREAK: "Break", SlotKind.KEYNOTE: "Keynote"}.get(kind, kind.value.capitalize())

