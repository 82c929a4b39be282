"""The vote-stuffing defence: patterns of suspicious voting (voting.community.exclusions acts on them).

Each detector aggregates in SQL (GROUP BY / HAVING), so an event with a million votes is read
without loading its votes. The thresholds are the same for every event:

- MIN_VOTES: a new account needs at least this many votes in the event to be judged on them.
- LOVE_SHARE, FOCUS_SHARE: "nearly only top votes" means at least 9/10 of its votes are "love",
  and at least 4/5 of those are for one speaker's (or one company's) proposals.
- BURST_MIN, BURST_WINDOW: that many votes on one proposal within that time from new accounts, and
  at least BURST_FACTOR times the proposal's usual hourly number of them (steady traffic is no burst).
- NEW_BEFORE_OPENING: for bursts, accounts created this long before voting opened count as new.
- SHARED_IP_MIN: that many distinct accounts voting from one IP hash (shown for review only).
- MAX_FLAGS, USERS_SHOWN: at most this many flags of each kind, and users listed on a shared-IP flag.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from math import ceil
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, case, cast, extract, false, func, or_, select, union_all
from sqlalchemy.orm import aliased

from voting.auth.models import User
from voting.community.models import Vote, VoterExclusion
from voting.db_types import utcnow
from voting.enums import SpeakerStatus, VoteChoice
from voting.extensions import db
from voting.proposals.models import Proposal, ProposalSpeaker, SpeakerProfile

MIN_VOTES = 3
LOVE_SHARE = (9, 10)
FOCUS_SHARE = (4, 5)
BURST_MIN = 5
BURST_WINDOW = timedelta(hours=1)
NEW_BEFORE_OPENING = timedelta(days=1)
BURST_FACTOR = 4
SHARED_IP_MIN = 5
MAX_FLAGS, USERS_SHOWN = 100, 50
KINDS = {
    "single_speaker": "New accounts that voted only for one speaker",
    "top_votes": "New accounts giving nearly only top votes to one speaker or company",
    "burst": "Bursts of votes on one proposal from new accounts",
    "shared_ip": "Many accounts voting from one network address (for review: shared Wi-Fi is common)",
}


@dataclass
class FlaggedUser:
    """A user named by a flag, and whether their votes are already excluded."""

    id: int
    name: str
    email: str | None
    created_at: datetime
    excluded: bool = False


@dataclass
class Flag:
    """One suspicious pattern: its kind, why, the users involved and what it concerns."""

    kind: str
    reason: str
    user_ids: list[int]
    users: list[FlaggedUser] = field(default_factory=list)
    proposal_id: int | None = None
    proposal_title: str | None = None
    speaker: str | None = None
    company: str | None = None
    window: tuple[datetime, datetime] | None = None
    ip_hash: str | None = None


def suspicious_voting(*, event, now=None):
    """The event's flags, ordered by kind; new-account patterns only once voting has opened at `now`."""
    opens, now, flags = event.voting_opens_at, now or utcnow(), []
    if opens is not None and opens <= now:
        single = _single_speaker(event, opens)
        flags += single + _top_votes(event, opens, skip={f.user_ids[0] for f in single})
        flags += _bursts(event, opens, now)
    flags += _shared_ips(event, opens)
    _attach_users(event, flags)
    return flags


def _event_votes(*columns):
    """A select of `columns` over the votes joined to their proposals and voters."""
    return (select(*columns).select_from(Vote).join(Proposal, Proposal.id == Vote.proposal_id)
            .join(User, User.id == Vote.user_id))


def _voter_totals(event, opens):
    """Per new account with at least MIN_VOTES votes: its total and its "love" votes."""
    loves = func.sum(case((Vote.choice == VoteChoice.LOVE, 1), else_=0))
    return (_event_votes(Vote.user_id, User.created_at, func.count().label("total"), loves.label("loves"))
            .where(Proposal.event_id == event.id, User.created_at > opens)
            .group_by(Vote.user_id, User.created_at).having(func.count() >= MIN_VOTES))


def _by_speaker(event, voters, conditions=(), by_company=False):
    """Votes of `voters` counted per voter and speaker (or speaker's company), with its name as `label`."""
    speaker = aliased(User)
    key = func.lower(func.trim(SpeakerProfile.company)) if by_company else ProposalSpeaker.user_id
    label = SpeakerProfile.company if by_company else func.coalesce(SpeakerProfile.display_name, speaker.name)
    # A vote counts once per company even when several of the proposal's speakers work there.
    count = func.count(Vote.id.distinct()) if by_company else func.count()
    return (select(voters.c.user_id, voters.c.created_at, voters.c.total, voters.c.loves,
                   func.min(label).label("label"), count.label("n"))
            .select_from(Vote).join(voters, voters.c.user_id == Vote.user_id)
            .join(Proposal, Proposal.id == Vote.proposal_id)
            .join(ProposalSpeaker, ProposalSpeaker.proposal_id == Vote.proposal_id)
            .join(speaker, speaker.id == ProposalSpeaker.user_id)
            .outerjoin(SpeakerProfile, SpeakerProfile.user_id == ProposalSpeaker.user_id)
            .where(Proposal.event_id == event.id, ProposalSpeaker.status == SpeakerStatus.CONFIRMED,
                   *conditions)
            .group_by(voters.c.user_id, voters.c.created_at, voters.c.total, voters.c.loves, key)
            .order_by(voters.c.total.desc(), voters.c.user_id).limit(MAX_FLAGS)), count


def _single_speaker(event, opens):
    """New accounts whose every vote (at least MIN_VOTES) is on proposals of one speaker."""
    voters = _voter_totals(event, opens).subquery()
    query, count = _by_speaker(event, voters)
    speakers = defaultdict(list)
    for row in db.session.execute(query.having(count == voters.c.total)):  # co-speakers: a row each
        speakers[(row.user_id, row.created_at, row.total)].append(row.label)
    return [Flag("single_speaker", f"{_age(created, opens)}; all {total} of its votes are for proposals by "
                 f"{' and '.join(sorted(who))}.", [user_id], speaker=", ".join(sorted(who)))
            for (user_id, created, total), who in speakers.items()]


def _top_votes(event, opens, skip=()):
    """New accounts with nearly only "love" votes, most of them for one speaker or one company."""
    loves = func.sum(case((Vote.choice == VoteChoice.LOVE, 1), else_=0))
    voters = (_voter_totals(event, opens)
              .having(loves * LOVE_SHARE[1] >= func.count() * LOVE_SHARE[0]).subquery())
    flags, seen = [], set(skip)
    for by_company in (False, True):  # one flag a voter: for a speaker, else for a company
        has_company = [func.trim(SpeakerProfile.company) != ""] if by_company else []
        query, count = _by_speaker(event, voters, [Vote.choice == VoteChoice.LOVE, *has_company], by_company)
        focused = count * FOCUS_SHARE[1] >= voters.c.loves * FOCUS_SHARE[0]
        for row in db.session.execute(query.having(focused)):
            if row.user_id not in seen:
                seen.add(row.user_id)
                flags.append(_top_flag(row, opens, by_company))
    return flags[:MAX_FLAGS]


def _top_flag(row, opens, by_company):
    target = f"speakers from {row.label}" if by_company else f"proposals by {row.label}"
    reason = (f"{_age(row.created_at, opens)}; {row.loves} of its {row.total} votes are top votes, "
              f"{row.n} of them for {target}.")
    return Flag("top_votes", reason, [row.user_id], **{"company" if by_company else "speaker": row.label})


def _hour(column):
    """The whole hour since 1970 a timestamp falls in, computed by the database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(extract("epoch", column) // 3600, BigInteger)
    return cast(func.strftime("%s", column), BigInteger) // 3600


def _bursts(event, opens, now):
    """Windows of BURST_WINDOW with enough votes on one proposal from accounts new around the opening.

    Enough is BURST_MIN, and BURST_FACTOR times the proposal's usual number of such votes an hour,
    so that the steady traffic of a large event is not a burst.
    """
    hour, hours = _hour(Vote.created_at), _hours_open(event, opens, now)
    recent = [Proposal.event_id == event.id, User.created_at > opens - NEW_BEFORE_OPENING]
    per_hour = (_event_votes(Vote.proposal_id, hour.label("hour"), func.count().label("n"))
                .where(*recent).group_by(Vote.proposal_id, hour).cte("per_hour"))
    totals = (select(per_hour.c.proposal_id, func.sum(per_hour.c.n).label("total"))
              .group_by(per_hour.c.proposal_id).subquery())
    # Every window of an hour lies within some pair of consecutive hours: count the pairs.
    pairs = union_all(select(per_hour.c.proposal_id, per_hour.c.hour, per_hour.c.n),
                      select(per_hour.c.proposal_id, per_hour.c.hour - 1, per_hour.c.n)).subquery()
    found = func.sum(pairs.c.n)
    candidates = db.session.execute(
        select(pairs.c.proposal_id, pairs.c.hour, totals.c.total)
        .join(totals, totals.c.proposal_id == pairs.c.proposal_id)
        .group_by(pairs.c.proposal_id, pairs.c.hour, totals.c.total)
        .having(found >= BURST_MIN, found * hours >= totals.c.total * BURST_FACTOR)
        .order_by(found.desc()).limit(MAX_FLAGS)).all()
    if not candidates:
        return []
    spans = [and_(Vote.proposal_id == row.proposal_id, Vote.created_at >= _from_hour(row.hour),
                  Vote.created_at < _from_hour(row.hour + 2)) for row in candidates]
    votes = db.session.execute(_event_votes(Vote.proposal_id, Vote.user_id, Vote.created_at, Proposal.title)
                               .where(*recent, or_(*spans)).order_by(Vote.proposal_id, Vote.created_at)).all()
    least = {row.proposal_id: max(BURST_MIN, ceil(BURST_FACTOR * row.total / hours)) for row in candidates}
    by_proposal = defaultdict(list)
    for vote in votes:
        by_proposal[vote.proposal_id].append(vote)
    return [_burst_flag(event, run) for proposal_id, rows in by_proposal.items()
            for run in _windows(rows, least[proposal_id])]


def _hours_open(event, opens, now):
    """Whole hours voting has been open at `now` (at least one)."""
    end = min(now, event.voting_closes_at or now)
    return max(1, ceil((end - opens) / timedelta(hours=1)))


def _from_hour(hour):
    return datetime.fromtimestamp(hour * 3600, timezone.utc)


def _windows(votes, least):
    """The runs of time-ordered votes where `least` fall within BURST_WINDOW, overlapping runs merged."""
    runs, start = [], 0
    for end in range(len(votes)):
        while votes[end].created_at - votes[start].created_at > BURST_WINDOW:
            start += 1
        if end - start + 1 >= least:
            if runs and start <= runs[-1][1]:
                runs[-1][1] = end
            else:
                runs.append([start, end])
    return [votes[first:last + 1] for first, last in runs]


def _burst_flag(event, burst):
    """A flag for one run of votes on a proposal."""
    head, first, last = burst[0], burst[0].created_at, burst[-1].created_at
    minutes = max(1, round((last - first).total_seconds() / 60))
    reason = (f"{len(burst)} votes on “{head.title}” within {minutes} minutes ({_local(first, event)} to "
              f"{_local(last, event, '%H:%M %Z')}), all from accounts created after voting opened "
              "or less than a day before.")
    return Flag("burst", reason, [vote.user_id for vote in burst], proposal_id=head.proposal_id,
                proposal_title=head.title, window=(first, last))


def _shared_ips(event, opens):
    """IP hashes from which at least SHARED_IP_MIN distinct accounts voted, most accounts first."""
    voters = (_event_votes(Vote.ip_hash, Vote.user_id, User.created_at).distinct()
              .where(Proposal.event_id == event.id, Vote.ip_hash.is_not(None)).subquery())
    is_new = voters.c.created_at > opens if opens is not None else false()
    shared = db.session.execute(
        select(voters.c.ip_hash, func.count().label("accounts"),
               func.sum(case((is_new, 1), else_=0)).label("new"))
        .group_by(voters.c.ip_hash).having(func.count() >= SHARED_IP_MIN)
        .order_by(func.count().desc(), voters.c.ip_hash).limit(MAX_FLAGS)).all()
    if not shared:
        return []
    newest = func.row_number().over(partition_by=voters.c.ip_hash, order_by=voters.c.created_at.desc())
    shown = (select(voters.c.ip_hash, voters.c.user_id, newest.label("rank"))
             .where(voters.c.ip_hash.in_([row.ip_hash for row in shared])).subquery())
    users = defaultdict(list)
    for ip_hash, user_id in db.session.execute(select(shown.c.ip_hash, shown.c.user_id)
                                               .where(shown.c.rank <= USERS_SHOWN).order_by(shown.c.rank)):
        users[ip_hash].append(user_id)
    return [Flag("shared_ip", _shared_reason(row), users[row.ip_hash], ip_hash=row.ip_hash) for row in shared]


def _shared_reason(row):
    listed = f"; the {USERS_SHOWN} newest accounts are listed" if row.accounts > USERS_SHOWN else ""
    return (f"{row.accounts} accounts voted from the same network address (hashed), {row.new or 0} of them "
            f"created after voting opened. Shared Wi-Fi is common: review before excluding{listed}.")


def _attach_users(event, flags):
    """Fill each flag's users, one query for all of them and one for their exclusions."""
    ids = {user_id for flag in flags for user_id in flag.user_ids}
    if not ids:
        return
    users = {u.id: u for u in db.session.execute(
        select(User.id, User.name, User.email, User.created_at).where(User.id.in_(ids))).all()}
    excluded = set(db.session.scalars(select(VoterExclusion.user_id).where(
        VoterExclusion.event_id == event.id, VoterExclusion.user_id.in_(ids))))
    for flag in flags:
        flag.users = [FlaggedUser(*users[i], excluded=i in excluded) for i in flag.user_ids]


def _age(created, opens):
    """'Account created 2 days after voting opened', in the largest whole unit."""
    seconds = (created - opens).total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"Account created {count} {unit}{'s' if count > 1 else ''} after voting opened"
    return "Account created less than a minute after voting opened"


def _local(moment, event, fmt="%a %d %b, %H:%M"):
    return moment.astimezone(ZoneInfo(event.timezone)).strftime(fmt)
