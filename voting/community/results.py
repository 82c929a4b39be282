"""Community results: counts, weighted means and Bayesian averages per proposal, and the dashboard's figures.

Every figure over votes is counted by SQL aggregates; Python only sorts and ranks the per-proposal rows
(one per proposal, a few thousand at most). Votes of excluded voters are kept but never counted.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, case, cast, distinct, exists, func, join, literal, select

from voting.community.models import Vote, VoterExclusion
from voting.community.services import VOTABLE_STATES, choice_count_column
from voting.core.pagination import PageLinks
from voting.enums import VoteChoice
from voting.events.models import Track
from voting.extensions import db
from voting.proposals.models import Proposal

CHOICES = tuple(VoteChoice)
# Every time zone's offset from UTC is a whole number of quarter hours: votes are counted per quarter
# hour in SQL (portable), and the quarters are folded into the event's local days exactly.
QUARTER_SECONDS = 900


@dataclass
class ResultRow:
    """One proposal's community result."""

    id: int
    title: str
    slug: str
    track_id: int
    track_name: str
    votes: int
    counts: dict
    score: int
    weighted_mean: float | None
    bayesian_average: float | None = None
    rank: int = 0
    track_rank: int = 0


@dataclass
class Results:
    """An event's ranking (optionally one track's rows) and the figures it was computed from."""

    rows: list
    event_mean: float | None
    median_votes: float
    prior_votes: float
    total_votes: int
    excluded_votes: int = 0
    excluded_voters: int = 0

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


@dataclass
class Page(PageLinks):
    """One page of a list."""

    items: list
    page: int
    pages: int


@dataclass
class Dashboard:
    """The figures of the organiser's voting dashboard."""

    results: Results
    days: list = field(default_factory=list)
    histogram: list = field(default_factory=list)
    tracks: list = field(default_factory=list)
    distributions: Page | None = None


def proposal_results(*, event, track_id=None):
    """Every votable proposal of the event ranked by Bayesian average (only `track_id`'s rows if given)."""
    weights = event.vote_weights()
    rows = [_row(record, weights) for record in db.session.execute(_tally_query(event))]
    total = sum(row.votes for row in rows)
    event_mean = sum(row.score for row in rows) / total if total else None
    median_votes = median(row.votes for row in rows) if rows else 0
    prior = event.bayes_prior_votes if event.bayes_prior_votes is not None else median_votes
    for row in rows:
        row.bayesian_average = bayesian_average(row.score, row.votes, event_mean, prior)
    _rank(rows)
    excluded, voters = excluded_summary(event=event)
    if track_id is not None:
        rows = [row for row in rows if row.track_id == track_id]
    return Results(rows=rows, event_mean=event_mean, median_votes=median_votes, prior_votes=prior,
                   total_votes=total, excluded_votes=excluded, excluded_voters=voters)


def bayesian_average(score, votes, mean, prior_votes):
    """(C·m + Σscores) / (C + n): the mean pulled towards the event's mean `m` by `C` imaginary votes."""
    if mean is None:
        return None
    if prior_votes + votes == 0:
        return mean
    return (prior_votes * mean + score) / (prior_votes + votes)


def excluded_summary(*, event):
    """(votes, voters) on the event's votable proposals that are kept but not counted."""
    query = (select(func.count(), func.count(distinct(Vote.user_id))).select_from(_excluded_votes(event))
             .join(Proposal, Proposal.id == Vote.proposal_id).where(*_votable(event)))
    votes, voters = db.session.execute(query).one()
    return votes, voters


def excluded_vote_count(event):
    """How many votes on the event's proposals come from excluded voters."""
    return excluded_summary(event=event)[0]


def votes_per_day(*, event):
    """(local date, counted votes) for every day from the first vote to the last, in the event's zone."""
    quarter = _quarter_hour(Vote.created_at)
    # EXISTS rather than a join: SQLite then reads the votes in one pass instead of by proposal.
    votable = exists().where(Proposal.id == Vote.proposal_id, *_votable(event))
    every = select(quarter, func.count()).select_from(Vote).where(votable).group_by(quarter)
    excluded = (select(quarter, -func.count()).select_from(_excluded_votes(event)).where(votable)
                .group_by(quarter))
    zone, days = ZoneInfo(event.timezone), {}
    for number, count in db.session.execute(every.union_all(excluded)):
        day = datetime.fromtimestamp(int(number) * QUARTER_SECONDS, timezone.utc).astimezone(zone).date()
        days[day] = days.get(day, 0) + count
    days = {day: count for day, count in days.items() if count}
    if not days:
        return []
    first, last = min(days), max(days)
    return [(first + timedelta(n), days.get(first + timedelta(n), 0)) for n in range((last - first).days + 1)]


def participation_by_track(*, event):
    """(track name, counted votes, distinct voters) for every track of the event, in the tracks' order."""
    figures = dict.fromkeys([track.id for track in event.tracks], (0, 0))
    columns = (Proposal.track_id, func.count(), func.count(distinct(Vote.user_id)))
    every = select(*columns).select_from(Vote).join(Proposal, Proposal.id == Vote.proposal_id)
    excluded = (select(*columns).select_from(_excluded_votes(event))
                .join(Proposal, Proposal.id == Vote.proposal_id))
    query = (every.add_columns(literal(1)).where(*_votable(event)).group_by(Proposal.track_id)
             .union_all(excluded.add_columns(literal(-1)).where(*_votable(event)).group_by(Proposal.track_id)))
    for track_id, votes, voters, sign in db.session.execute(query):
        # An excluded voter is one of the track's distinct voters: their part is taken off both figures.
        figures[track_id] = tuple(total + sign * part
                                  for total, part in zip(figures.get(track_id, (0, 0)), (votes, voters)))
    return [(track.name, *figures[track.id]) for track in event.tracks]


def histogram(values, bin_count=12):
    """[(low, high, how many values)] in equal whole-number bins from 0 to the largest value."""
    values = list(values)
    if not values:
        return []
    width = max(1, math.ceil((max(values) + 1) / bin_count))
    bins = [0] * math.ceil((max(values) + 1) / width)
    for value in values:
        bins[value // width] += 1
    return [(n * width, (n + 1) * width - 1, count) for n, count in enumerate(bins)]


def paginate(items, page, per_page):
    """The `page`-th slice of `items` (clamped to the pages there are)."""
    pages = max(1, math.ceil(len(items) / per_page))
    page = min(max(1, page or 1), pages)
    return Page(items=items[(page - 1) * per_page:page * per_page], page=page, pages=pages)


def dashboard(*, event, page=1, per_page=40):
    """Everything the organiser's dashboard draws: per day, per proposal, per track, each distribution."""
    results = proposal_results(event=event)
    by_votes = sorted(results.rows, key=lambda row: (-row.votes, row.rank))
    return Dashboard(results=results, days=votes_per_day(event=event),
                     histogram=histogram(row.votes for row in results.rows),
                     tracks=participation_by_track(event=event),
                     distributions=paginate(by_votes, page, per_page))


def _tally_query(event):
    """One row per votable proposal: its fields and its counted votes per choice.

    The per-choice counts are kept on each proposal by the voting service, so no vote is read here but
    the few of excluded voters (found through their user ids), which are subtracted.
    """
    excluded = _per_choice(_excluded_votes(event)).subquery("excluded")
    fields = (Proposal.id, Proposal.title, Proposal.slug, Proposal.track_id, Track.name.label("track_name"))
    query = (select(*fields).join(Track, Track.id == Proposal.track_id)
             .outerjoin(excluded, excluded.c.proposal_id == Proposal.id).where(*_votable(event)))
    return query.add_columns(*[(choice_count_column(choice) - func.coalesce(excluded.c[choice.value], 0))
                               .label(choice.value) for choice in CHOICES])


def _per_choice(source, *conditions):
    """(proposal_id, and a count per choice) of the votes in `source`: one grouped aggregate."""
    per_choice = [func.sum(case((Vote.choice == choice, 1), else_=0)).label(choice.value)
                  for choice in CHOICES]
    return (select(Vote.proposal_id, *per_choice).select_from(source).where(*conditions)
            .group_by(Vote.proposal_id))


def _excluded_votes(event):
    """Votes joined to their voter's exclusion from the event: only excluded voters' votes."""
    return join(Vote, VoterExclusion,
                and_(VoterExclusion.user_id == Vote.user_id, VoterExclusion.event_id == event.id))


def _row(record, weights):
    """A result row from a tally record; its score weighs each choice's count by the event's weights."""
    counts = {choice: int(getattr(record, choice.value)) for choice in CHOICES}
    votes, score = sum(counts.values()), sum(weights[choice] * count for choice, count in counts.items())
    return ResultRow(id=record.id, title=record.title, slug=record.slug, track_id=record.track_id,
                     track_name=record.track_name, votes=votes, counts=counts, score=score,
                     weighted_mean=score / votes if votes else None)


def _rank(rows):
    """Sort `rows` best first (ties: more votes, then the older id) and number them overall and per track."""
    rows.sort(key=lambda row: (-_or_lowest(row.bayesian_average), -row.votes, row.id))
    per_track = {}
    for position, row in enumerate(rows, start=1):
        row.rank = position
        per_track[row.track_id] = row.track_rank = per_track.get(row.track_id, 0) + 1


def _or_lowest(value):
    return float("-inf") if value is None else value


def _votable(event):
    return Proposal.event_id == event.id, Proposal.state.in_(VOTABLE_STATES)


def _quarter_hour(column):
    """The number of the quarter hour since 1970 (UTC) a timestamp falls in, on either backend."""
    if db.session.get_bind().dialect.name == "sqlite":
        seconds = cast(func.strftime("%s", column), BigInteger)
    else:
        seconds = cast(func.floor(func.extract("epoch", column)), BigInteger)
    return (seconds // QUARTER_SECONDS).label("quarter")
