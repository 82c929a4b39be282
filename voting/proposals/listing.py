"""The organiser's list of an event's proposals: filters, sorting, pages and the CSV stream."""
import csv
import io
import math
from dataclasses import dataclass
from datetime import timezone

from sqlalchemy import case, exists, func, literal, or_, select
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from voting.auth.models import User
from voting.core.pagination import PageLinks
from voting.core.spreadsheet import safe_cell
from voting.core.urls import external_url
from voting.enums import Format, ProposalState, SpeakerStatus
from voting.events.models import Track
from voting.extensions import db
from voting.proposals.models import Proposal, ProposalSpeaker, ProposalTag, SpeakerProfile

# Drafts are private to their speakers (see can_view_proposal): the organiser's list leaves them out.
LISTED_STATES = tuple(state for state in ProposalState if state != ProposalState.DRAFT)
STATE_ORDER = case(*((Proposal.state == state, n) for n, state in enumerate(ProposalState)))
SUBMITTED = func.coalesce(Proposal.submitted_at, Proposal.created_at)
SORTS = {
    "newest": (SUBMITTED.desc(), Proposal.id.desc()),
    "oldest": (SUBMITTED.asc(), Proposal.id.asc()),
    "title": (func.lower(Proposal.title), Proposal.id),
    "track": (Track.position, Track.name, SUBMITTED.desc(), Proposal.id.desc()),
    "state": (STATE_ORDER, SUBMITTED.desc(), Proposal.id.desc()),
}
SORT_LABELS = {"newest": "Newest first", "oldest": "Oldest first", "title": "Title", "track": "Track",
               "state": "State"}
MAX_SEARCH_LENGTH = 200
CSV_HEADER = ("id", "title", "slug", "track", "state", "format", "level", "duration_minutes", "speakers",
              "companies", "speaker_emails", "tags", "submitted_at", "public_url")
CSV_CHUNK = 500
CSV_COLUMNS = {
    Proposal: (Proposal.title, Proposal.slug, Proposal.state, Proposal.format, Proposal.level,
               Proposal.duration_minutes, Proposal.submitted_at, Proposal.track_id),
    User: (User.name, User.email),
    SpeakerProfile: (SpeakerProfile.display_name, SpeakerProfile.company),
}


class InvalidFilter(ValueError):
    """A filter value the list does not understand; the route answers 400 with its message."""


@dataclass
class Page(PageLinks):
    """One page of a search: its proposals, the total count and where it stands."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))


def parse_filters(*, event, args):
    """The search's keyword arguments and page number from a query string; InvalidFilter when unknown."""
    track_slug, state, fmt = (args.get(name, "").strip() for name in ("track", "state", "format"))
    tracks = {track.slug: track for track in event.tracks}
    if track_slug and track_slug not in tracks:
        raise InvalidFilter(f"{event.name} has no track called {track_slug!r}.")
    filters = {
        "track": tracks.get(track_slug),
        "state": _choice(ProposalState, state, LISTED_STATES, "state"),
        "format": _choice(Format, fmt, tuple(Format), "format"),
        "speaker": _search_text(args, "speaker"),
        "text": _search_text(args, "text"),
        "sort": args.get("sort", "").strip() or "newest",
    }
    if filters["sort"] not in SORTS:
        raise InvalidFilter(f"Sort by one of: {', '.join(SORTS)}.")
    return filters, _page_number(args.get("page", ""))


def filter_args(filters):
    """The query-string form of parsed filters, without the empty ones: for links that keep them."""
    values = {"track": filters["track"].slug if filters["track"] else None,
              "state": filters["state"].value if filters["state"] else None,
              "format": filters["format"].value if filters["format"] else None,
              "speaker": filters["speaker"], "text": filters["text"],
              "sort": None if filters["sort"] == "newest" else filters["sort"]}
    return {name: value for name, value in values.items() if value}


def _choice(enum_cls, value, allowed, name):
    if not value:
        return None
    if value not in {member.value for member in allowed}:
        raise InvalidFilter(f"Unknown {name} {value!r}: choose one of {', '.join(m.value for m in allowed)}.")
    return enum_cls(value)


def _search_text(args, name):
    value = " ".join(args.get(name, "").split())
    if "\x00" in value:  # PostgreSQL refuses NUL in text: say so rather than fail
        raise InvalidFilter(f"The {name} search cannot contain a NUL character.")
    if len(value) > MAX_SEARCH_LENGTH:
        raise InvalidFilter(f"The {name} search is limited to {MAX_SEARCH_LENGTH} characters.")
    return value or None


def _page_number(value):
    if not value.strip():
        return 1
    try:
        return max(1, int(value))
    except ValueError:
        raise InvalidFilter(f"The page must be a whole number, not {value!r}.") from None


def search_proposals(*, event, track=None, state=None, format=None, speaker=None, text=None, page=1,
                     per_page=50, sort="newest"):
    """One page of the event's proposals matching the filters; the page is clamped to those that exist."""
    query = _filtered(event=event, track=track, state=state, format=format, speaker=speaker, text=text)
    total = db.session.scalar(query.with_only_columns(func.count(Proposal.id)))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    items = db.session.scalars(_ordered(query, sort).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


def iter_proposals_for_csv(*, event, sort="newest", chunk_size=None, **filters):
    """Every proposal matching the filters, read from the database `chunk_size` (CSV_CHUNK) at a time."""
    query = _ordered(_filtered(event=event, **filters), sort, columns=CSV_COLUMNS)
    yield from db.session.scalars(query.execution_options(yield_per=chunk_size or CSV_CHUNK))


def csv_chunks(*, event, **filters):
    """The CSV file of the matching proposals as text chunks: the header, then CSV_CHUNK rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for n, proposal in enumerate(iter_proposals_for_csv(event=event, **filters), start=1):
        writer.writerow(safe_cell(value) for value in csv_row(event, proposal))
        if n % CSV_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_row(event, proposal):
    """The CSV cells of one proposal, in CSV_HEADER's order."""
    speakers = confirmed_speakers(proposal)
    profiles = [user.speaker_profile for user in speakers]
    companies = dict.fromkeys(p.company for p in profiles if p is not None and p.company)
    submitted = proposal.submitted_at
    return (proposal.id, proposal.title, proposal.slug, proposal.track.name, proposal.state.value,
            proposal.format.value, proposal.level.value, proposal.duration_minutes,
            "; ".join(speaker_name(user) for user in speakers), "; ".join(companies),
            "; ".join(user.email for user in speakers if user.email), "; ".join(proposal.tag_names),
            submitted.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if submitted else "",
            external_url("proposals.detail", event_slug=event.slug, slug=proposal.slug))


def confirmed_speakers(proposal):
    """The proposal's confirmed speakers' users, the submitter first (from the eager-loaded rows)."""
    return proposal.speaker_users


def speaker_name(user):
    """The name a speaker shows the public: their profile's display name, else their account name."""
    profile = user.speaker_profile
    return profile.display_name if profile is not None else user.name


def _filtered(*, event, track=None, state=None, format=None, speaker=None, text=None):
    """The one select of the event's listed proposals with the filters applied."""
    query = select(Proposal).where(Proposal.event_id == event.id, Proposal.state.in_(LISTED_STATES))
    if track is not None:
        query = query.where(Proposal.track_id == track.id)
    if state is not None:
        query = query.where(Proposal.state == state)
    if format is not None:
        query = query.where(Proposal.format == format)
    if speaker:
        query = query.where(_speaker_matches(speaker))
    if text:
        query = query.where(or_(_contains(Proposal.title, text), _contains(Proposal.abstract, text),
                                exists().where(ProposalTag.proposal_id == Proposal.id,
                                               _contains(ProposalTag.name, text))))
    return query


def _speaker_matches(needle):
    """A confirmed speaker's name, email, display name or company contains `needle`."""
    return (select(ProposalSpeaker.id)
            .join(User, User.id == ProposalSpeaker.user_id)
            .outerjoin(SpeakerProfile, SpeakerProfile.user_id == User.id)
            .where(ProposalSpeaker.proposal_id == Proposal.id,
                   ProposalSpeaker.status == SpeakerStatus.CONFIRMED,
                   or_(*(_contains(column, needle) for column in (User.name, User.email,
                                                                  SpeakerProfile.display_name,
                                                                  SpeakerProfile.company))))
            .exists())


def _contains(column, needle):
    """Case-insensitive `column contains needle`, with LIKE's wildcards in `needle` taken literally.

    Both sides go through the database's lower() so they fold case the same way (SQLite folds ASCII only).
    """
    escaped = needle.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return func.lower(column).like(func.lower(literal(f"%{escaped}%")), escape="/")


def _ordered(query, sort, columns=None):
    """The query sorted, with its tracks joined and its speakers and tags loaded in two more queries.

    With `columns`, only those columns of proposals, users and profiles are read (the CSV's lean rows).
    """
    users = selectinload(Proposal.speakers).joinedload(ProposalSpeaker.user)
    if columns:
        users = users.options(load_only(*columns[User]),
                              joinedload(User.speaker_profile).load_only(*columns[SpeakerProfile]))
        query = query.options(load_only(*columns[Proposal]))
    else:
        users = users.joinedload(User.speaker_profile)
    return (query.join(Proposal.track).order_by(*SORTS[sort])
            .options(contains_eager(Proposal.track), users, selectinload(Proposal.tags)))
