"""The chair's panel: one track's proposals with community figures, the chairs' scores, status and flags.

One SQL statement reads every matching proposal's fields (the chairs' scores aggregated with GROUP BY,
mine joined, the team list numbered, the flags as EXISTS); the community figures come from one results
computation; Python sorts these lean rows (a few thousand at most). The speakers' sort keys are read in one
more query only when sorting by them, and only the page's speakers are loaded: the query count does not
grow with the number of proposals.
"""
import math
from dataclasses import dataclass, field

from sqlalchemy import and_, false, func, literal, not_, or_, select
from sqlalchemy.orm import aliased, joinedload

from voting.auth.models import User
from voting.community.results import proposal_results
from voting.core.pagination import PageLinks
from voting.enums import Format, Level, ProposalState, SpeakerStatus
from voting.extensions import db
from voting.permissions import can_see_speakers
from voting.proposals.listing import InvalidFilter, speaker_name
from voting.proposals.models import Proposal, ProposalSpeaker, SpeakerProfile
from voting.proposals.speaking import speaks_on_clause
from voting.review.models import Review, TeamSelection
from voting.review.services import PANEL_STATES, company_is, own_company, speaker_match

PER_PAGE = 50
DEFAULT_SORT = "rank"
MAX_TEXT = 200
SPEAKER_KEYS = ("speaker", "company")  # neither sorted nor searched under anonymous review
LABELS = {"mine": "my score", "team": "team list", "min_votes": "minimum votes", "min_mean": "minimum mean",
          "max_rank": "maximum rank", "min_panel": "minimum panel mean"}


def _order(member):
    """An enum member's position: formats, levels and states sort in the order they are declared."""
    return list(type(member)).index(member)


SORTS = {
    "title": lambda r: r.title.casefold(), "speaker": lambda r: r.speaker_key,
    "company": lambda r: r.company_key, "format": lambda r: _order(r.format),
    "level": lambda r: _order(r.level), "votes": lambda r: r.votes,
    "mean": lambda r: r.mean, "rank": lambda r: r.rank, "mine": lambda r: r.my_score,
    "panel": lambda r: r.panel_mean,
    "status": lambda r: (r.team_number is None, r.team_number or 0, _order(r.state)),
    "flagged": lambda r: not r.flags,
}


def _text(value, name):
    value = " ".join(value.split())
    if "\x00" in value or len(value) > MAX_TEXT:
        raise InvalidFilter(f"The {name} filter takes at most {MAX_TEXT} characters (and no NUL).")
    return value


def _member(allowed):
    def parse(value, name):
        for member in allowed:
            if value == getattr(member, "value", member):
                return member
        raise InvalidFilter(f"Unknown {name} {value!r}: choose one of "
                            f"{', '.join(getattr(m, 'value', m) for m in allowed)}.")
    return parse


def _whole(minimum):
    def parse(value, name):
        if not value.isdigit() or int(value) < minimum:
            raise InvalidFilter(f"The {name} filter must be a whole number from {minimum}, not {value!r}.")
        return int(value)
    return parse


def _number(value, name):
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InvalidFilter(f"The {name} filter must be a number, not {value!r}.")
    return number


FILTERS = {
    "title": _text, "speaker": _text, "company": _text, "format": _member(tuple(Format)),
    "level": _member(tuple(Level)), "state": _member(PANEL_STATES), "team": _member(("yes", "no")),
    "flagged": _member(("yes", "no")), "mine": _member(("scored", "unscored")), "min_votes": _whole(0),
    "min_mean": _number, "max_rank": _whole(1), "min_panel": _number,
}


def parse_panel_args(args):
    """(sort, filters, page) from the panel's query string; InvalidFilter names what is wrong."""
    filters = {}
    for name, parse in FILTERS.items():
        value = args.get(name, "").strip()
        if value:
            filters[name] = parse(value, LABELS.get(name, name))
    sort = args.get("sort", "").strip() or DEFAULT_SORT
    if sort.removeprefix("-") not in SORTS:
        raise InvalidFilter(f"Sort by one of {', '.join(SORTS)} ('-' first: descending), not {sort!r}.")
    page = args.get("page", "").strip() or "1"
    if not page.isdigit() or int(page) < 1:
        raise InvalidFilter(f"The page must be a whole number from 1, not {page!r}.")
    return sort, filters, int(page)


def filter_args(filters):
    """The query-string form of parsed filters: for links that keep them."""
    return {name: getattr(value, "value", value) for name, value in filters.items()}


@dataclass
class PanelRow:
    """One proposal of the panel as the viewing chair may see it."""

    id: int
    slug: str
    title: str
    format: Format
    level: Level
    state: ProposalState
    team_number: int | None
    my_score: int | None
    panel_mean: float | None
    review_count: int
    own: bool
    conflict: bool
    declared: bool
    speaker_key: str | None = None
    company_key: str | None = None
    votes: int | None = None
    mean: float | None = None
    bayesian: float | None = None
    rank: int | None = None
    speakers: list = field(default_factory=list)

    @property
    def flags(self):
        """Why to look twice: the viewer speaks on it, it is from their company, a conflict was declared."""
        named = (("own", self.own), ("company", self.conflict), ("declared", self.declared))
        return [name for name, flagged in named if flagged]


@dataclass
class PanelPage(PageLinks):
    """One page of the panel with the sort and filters that produced it."""

    rows: list
    total: int
    page: int
    pages: int
    sort: str
    args: dict
    show_speakers: bool


def panel_rows(*, track, user, sort, filters, page):
    """One page (PER_PAGE rows) of the track's panel for `user`, filtered and sorted on any column."""
    show = can_see_speakers(user, track.event)
    if not show and any(key in filters or sort.removeprefix("-") == key for key in SPEAKER_KEYS):
        raise InvalidFilter("The speakers are hidden during this event's anonymous review: "
                            "their names and companies can be neither searched nor sorted.")
    records = db.session.execute(_panel_query(track, user, filters)).all()
    community = {row.id: row for row in proposal_results(event=track.event, track_id=track.id).rows}
    rows = [row for row in (_row(record, community.get(record.id)) for record in records)
            if _community_match(row, filters)]
    if sort.removeprefix("-") in SPEAKER_KEYS:
        _attach_sort_keys(rows, track)
    rows = _sorted(rows, sort)
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    page = min(page, pages)
    items = rows[(page - 1) * PER_PAGE:page * PER_PAGE]
    if show:
        _attach_speakers(items)
    return PanelPage(rows=items, total=len(rows), page=page, pages=pages, sort=sort,
                     args=filter_args(filters), show_speakers=show)


def _panel_query(track, user, filters):
    """Every proposal of the track under review with its sortable fields, the SQL filters applied.

    The chairs' scores are aggregated by the outer GROUP BY (not a joined aggregate that a planner without
    statistics might run once per proposal); the flags are indexed per-proposal lookups.
    """
    scored, mine = aliased(Review), aliased(Review)
    team = (select(TeamSelection.proposal_id, func.row_number().over(
                order_by=(TeamSelection.position, TeamSelection.id)).label("number"))
            .where(TeamSelection.track_id == track.id).subquery())
    company = own_company(user)
    own = speaks_on_clause(user)
    conflict = (speaker_match(Proposal.id, company_is(company), ProposalSpeaker.user_id != user.id)
                if company else false())
    declared = select(Review.id).where(Review.proposal_id == Proposal.id, Review.conflict_note != "").exists()
    columns = {"team": team.c.number, "mine": mine.score, "flagged": or_(own, conflict, declared)}
    query = (select(Proposal.id, Proposal.slug, Proposal.title, Proposal.format, Proposal.level,
                    Proposal.state, team.c.number.label("team_number"), mine.score.label("my_score"),
                    func.avg(scored.score).label("panel_mean"), func.count(scored.id).label("review_count"),
                    own.label("own"), conflict.label("conflict"), declared.label("declared"))
             .outerjoin(scored, scored.proposal_id == Proposal.id)
             .outerjoin(mine, and_(mine.proposal_id == Proposal.id, mine.chair_id == user.id))
             .outerjoin(team, team.c.proposal_id == Proposal.id)
             .where(Proposal.track_id == track.id, Proposal.state.in_(PANEL_STATES))
             .group_by(Proposal.id, Proposal.slug, Proposal.title, Proposal.format, Proposal.level,
                       Proposal.state, team.c.number, mine.score))
    return query.where(*_conditions(filters, columns))


def _conditions(filters, columns):
    """The SQL conditions of the filters (those on figures computed in Python are applied there)."""
    yes = {"yes": True, "scored": True, "no": False, "unscored": False}
    conditions = {
        "title": lambda v: _contains(Proposal.title, v),
        "speaker": lambda v: speaker_match(Proposal.id, or_(_contains(User.name, v),
                                                            _contains(SpeakerProfile.display_name, v))),
        "company": lambda v: speaker_match(Proposal.id, _contains(SpeakerProfile.company, v)),
        "format": lambda v: Proposal.format == v, "level": lambda v: Proposal.level == v,
        "state": lambda v: Proposal.state == v,
        "team": lambda v: columns["team"].is_not(None) if yes[v] else columns["team"].is_(None),
        "flagged": lambda v: columns["flagged"] if yes[v] else not_(columns["flagged"]),
        "mine": lambda v: columns["mine"].is_not(None) if yes[v] else columns["mine"].is_(None),
    }
    return [conditions[name](value) for name, value in filters.items() if name in conditions]


def _community_match(row, filters):
    """The filters on the community's figures and on the panel's mean (never matched where hidden)."""
    checks = (("min_votes", row.votes), ("min_mean", row.mean), ("min_panel", row.panel_mean))
    if any(name in filters and (value is None or value < filters[name]) for name, value in checks):
        return False
    return "max_rank" not in filters or (row.rank is not None and row.rank <= filters["max_rank"])


def _row(record, result):
    """A panel row from a query record and the proposal's community result (None when not votable)."""
    fields = ("id", "slug", "title", "format", "level", "state", "team_number", "my_score", "review_count")
    row = PanelRow(**{name: getattr(record, name) for name in fields}, own=bool(record.own),
                   panel_mean=None if record.panel_mean is None else float(record.panel_mean),
                   conflict=bool(record.conflict), declared=bool(record.declared))
    if row.own:  # a speaker never sees the chairs' scores of their own proposal
        row.panel_mean, row.review_count, row.declared = None, 0, False
    if result is not None:
        row.votes, row.mean, row.bayesian, row.rank = (result.votes, result.weighted_mean,
                                                       result.bayesian_average, result.track_rank)
    return row


def _sorted(rows, sort):
    """Rows sorted by the key (descending with a leading '-'); ties by title; missing values always last."""
    key = SORTS[sort.removeprefix("-")]
    rows.sort(key=lambda r: (r.title.casefold(), r.id))
    present = sorted((r for r in rows if key(r) is not None), key=key, reverse=sort.startswith("-"))
    return present + [r for r in rows if key(r) is None]


def _attach_speakers(rows):
    """Each row's confirmed speakers as (name, job title, company), read in one query for the page."""
    by_id = {row.id: row for row in rows}
    if not by_id:
        return
    speakers = db.session.scalars(
        select(ProposalSpeaker).where(ProposalSpeaker.proposal_id.in_(by_id),
                                      ProposalSpeaker.status == SpeakerStatus.CONFIRMED)
        .options(joinedload(ProposalSpeaker.user).joinedload(User.speaker_profile))
        .order_by(ProposalSpeaker.proposal_id, ProposalSpeaker.position))
    for speaker in speakers:
        profile = speaker.user.speaker_profile
        job, company = (profile.job_title, profile.company) if profile else ("", "")
        by_id[speaker.proposal_id].speakers.append((speaker_name(speaker.user), job, company))


def _attach_sort_keys(rows, track):
    """The speaker and company columns' sort keys: the first speaker's name, the first company A to Z."""
    by_id = {row.id: row for row in rows}
    names = db.session.execute(
        select(ProposalSpeaker.proposal_id, func.coalesce(SpeakerProfile.display_name, User.name),
               SpeakerProfile.company)
        .join(User, User.id == ProposalSpeaker.user_id)
        .outerjoin(SpeakerProfile, SpeakerProfile.user_id == User.id)
        .join(Proposal, Proposal.id == ProposalSpeaker.proposal_id)
        .where(Proposal.track_id == track.id, ProposalSpeaker.status == SpeakerStatus.CONFIRMED)
        .order_by(ProposalSpeaker.proposal_id, ProposalSpeaker.position))
    for proposal_id, name, company in names:
        row = by_id.get(proposal_id)
        if row is not None:
            row.speaker_key = row.speaker_key or name.casefold()
            if company and company.strip():
                row.company_key = min(filter(None, (row.company_key, company.strip().casefold())))


def _contains(column, needle):
    """Case-insensitive `column contains needle`, LIKE's wildcards in `needle` taken literally."""
    escaped = needle.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return func.lower(column).like(func.lower(literal(f"%{escaped}%")), escape="/")
