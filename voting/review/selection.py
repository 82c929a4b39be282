"""Selection lists: each chair's own ordered list of a track's proposals, and the track's shared team list.

Every change to a track's lists first takes a write lock on the track's row, so the concurrent edits of
its chairs run one after another and positions stay 0..n-1; chairs' picks and flags are counted in SQL.
"""
from collections import Counter, namedtuple
from dataclasses import dataclass, field

from sqlalchemy import case, distinct, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from voting.auth.models import User
from voting.community.results import proposal_results
from voting.enums import ProposalState, SelectionMark, SpeakerStatus
from voting.errors import RuleViolation
from voting.events.models import Track
from voting.extensions import db
from voting.permissions import can_chair
from voting.proposals.models import Proposal, ProposalSpeaker, SpeakerProfile
from voting.proposals.speaking import speaks_on, spoken_on_ids
from voting.review.models import ChairSelection, TeamSelection

# What a chair may put in a list: submitted and later states, not drafts, withdrawn or declined talks.
SELECTABLE_STATES = frozenset(ProposalState) - {ProposalState.DRAFT, ProposalState.WITHDRAWN,
                                                ProposalState.DECLINED}
SESSION, ALTERNATE, OVER_QUOTA = "session", "alternate", "over quota"
ALREADY_LISTED = "This proposal is already in the team list."


# One chair's list for a track, in order; a speaker or company flagged in a team list (`key`: the user's id
# or the lower-case company), with how many talks it has there; how full the sessions and alternates are;
# a team list: its rows in order, quota, flags, and the community's picks within the quota left out.
ChairList = namedtuple("ChairList", "chair entries")
Flag = namedtuple("Flag", "kind key name talks")
Quota = namedtuple("Quota", "sessions sessions_filled alternates alternates_filled over under")
TeamList = namedtuple("TeamList", "track rows quota flags left_out")


@dataclass
class TeamRow:
    """One entry of the team list with what the chairs need to judge it."""

    place: int
    entry: TeamSelection
    proposal: Proposal
    selected: int
    maybe: int
    slot: str
    community_rank: int | None = None
    # community rank - team place: positive when the chairs place it higher than the community did.
    difference: int | None = None
    tied: bool = False
    flags: list = field(default_factory=list)


def check_chair(user, track):
    """Refuse unless the user chairs the track (or manages its event)."""
    if not can_chair(user, track):
        raise RuleViolation(f"Only the chairs of {track.name} can change its selection lists.")


def check_can_select(user, proposal):
    """Refuse a selection the rules do not allow: not a chair, the chair's own talk, or not selectable."""
    check_chair(user, proposal.track)
    check_not_own(user, proposal)
    if proposal.state not in SELECTABLE_STATES:
        raise RuleViolation(f"This proposal is {proposal.state.value}: it cannot be selected.")


def check_not_own(user, proposal):
    """Refuse a chair's change to a proposal they speak on."""
    if speaks_on(user, proposal):
        raise RuleViolation("You cannot select a proposal you speak on.")


def track_proposal(track, slug):
    """The track's proposal with this slug, or None."""
    return db.session.scalar(select(Proposal).where(Proposal.track_id == track.id, Proposal.slug == slug))


def selectable_proposals(track):
    """The track's proposals a chair may select, by title, with their speakers."""
    return db.session.scalars(
        select(Proposal).where(Proposal.track_id == track.id, Proposal.state.in_(SELECTABLE_STATES))
        .options(_with_speakers(selectinload(Proposal.speakers))).order_by(Proposal.title, Proposal.id)).all()


def mark_proposal(*, chair, proposal, mark):
    """Mark a proposal selected, maybe or pass in the chair's list; a new entry goes at the end."""
    check_can_select(chair, proposal)
    entries, entry = _locked_my_list(chair, proposal)
    if entry is None:
        entry = ChairSelection(track_id=proposal.track_id, chair_id=chair.id, proposal_id=proposal.id,
                               position=len(entries))
        db.session.add(entry)
    entry.mark = SelectionMark(mark)
    db.session.flush()
    return entry


def unmark_proposal(*, chair, proposal):
    """Take a proposal off the chair's list, the rest closing up; False when it was not there."""
    check_chair(chair, proposal.track)
    entries, entry = _locked_my_list(chair, proposal)
    if entry is not None:
        db.session.delete(entry)
        _renumber([e for e in entries if e is not entry])
    return entry is not None


def move_in_my_list(*, chair, proposal, direction=None, position=None):
    """Move a proposal of the chair's list one place 'up' or 'down', or to `position` (0 is the top)."""
    check_chair(chair, proposal.track)
    entries, entry = _locked_my_list(chair, proposal)
    if entry is None:
        raise RuleViolation("This proposal is not in your list.")
    _renumber(_moved(entries, entry, direction, position))
    return entry


def chair_lists(track, viewer=None):
    """Every chair's list for the track (organisers' too, if kept), chairs by name, to show side by side.

    Shown to `viewer`, the other chairs' marks on the proposals the viewer speaks on are left out.
    """
    entries = db.session.scalars(
        select(ChairSelection).where(ChairSelection.track_id == track.id)
        .options(selectinload(ChairSelection.chair), selectinload(ChairSelection.proposal))
        .order_by(ChairSelection.position, ChairSelection.id)).all()
    hidden = _spoken_on(viewer, track)
    lists = {chair.user_id: ChairList(chair.user, []) for chair in track.chairs}
    for entry in entries:
        if entry.proposal_id in hidden and entry.chair_id != viewer.id:
            continue
        lists.setdefault(entry.chair_id, ChairList(entry.chair, [])).entries.append(entry)
    return sorted(lists.values(), key=lambda each: (each.chair.name.lower(), each.chair.id))


def add_to_team_list(*, track, proposal, by, position=None, note=""):
    """Add a proposal to the track's team list, at the end or at `position` (0 is the top)."""
    _check_in_track(track, proposal)
    check_can_select(by, proposal)
    _lock(track)
    if db.session.scalar(select(TeamSelection.id).where(TeamSelection.proposal_id == proposal.id)):
        raise RuleViolation(ALREADY_LISTED)
    entries = _ordered(TeamSelection, TeamSelection.track_id == track.id)
    entry = TeamSelection(track_id=track.id, proposal_id=proposal.id, position=len(entries),
                          added_by_id=by.id, note=(note or "").strip())
    db.session.add(entry)
    try:
        db.session.flush()
    except IntegrityError:  # the lock orders this track's edits; the unique proposal_id has the last word
        raise RuleViolation(ALREADY_LISTED) from None
    _renumber(_moved([*entries, entry], entry, position=len(entries) if position is None else position))
    return entry


def remove_from_team_list(*, track, proposal, by):
    """Take a proposal off the team list; the rest close up."""
    entries, entry = _locked_team_entry(track, proposal, by)
    db.session.delete(entry)
    _renumber([e for e in entries if e is not entry])
    return entry


def move_in_team_list(*, track, proposal, by, direction=None, position=None):
    """Move a proposal of the team list one place 'up' or 'down', or to `position` (0 is the top)."""
    entries, entry = _locked_team_entry(track, proposal, by)
    _renumber(_moved(entries, entry, direction, position))
    return entry


def team_list(track, viewer=None):
    """The team list in order: picks, slot, community rank and its difference, flags, and the quota.

    Shown to `viewer`, the chairs' picks of the proposals the viewer speaks on are None (hidden).
    """
    picks = _picks(track)
    records = db.session.execute(
        select(TeamSelection, func.coalesce(picks.c.selected, 0), func.coalesce(picks.c.maybe, 0))
        .outerjoin(picks, picks.c.proposal_id == TeamSelection.proposal_id)
        .where(TeamSelection.track_id == track.id)
        .options(_with_speakers(selectinload(TeamSelection.proposal).selectinload(Proposal.speakers)))
        .order_by(TeamSelection.position, TeamSelection.id)).all()
    results = proposal_results(event=track.event, track_id=track.id)
    community = results.rows if results.total_votes else []  # without votes the ranking means nothing
    ranks, tied = {row.id: row.track_rank for row in community}, _tied(community)
    flags = team_flags(track)
    hidden = _spoken_on(viewer, track)
    rows = []
    for place, (entry, selected, maybe) in enumerate(records, start=1):
        if entry.proposal_id in hidden:
            selected = maybe = None
        rank = ranks.get(entry.proposal_id)
        rows.append(TeamRow(place=place, entry=entry, proposal=entry.proposal, selected=selected, maybe=maybe,
                            slot=slot_kind(track, place - 1), community_rank=rank,
                            difference=None if rank is None else rank - place, tied=entry.proposal_id in tied,
                            flags=[flag for flag in flags if _concerns(flag, entry.proposal)]))
    listed, quota_size = {row.proposal.id for row in rows}, track.session_count + track.alternate_count
    left_out = [row for row in community if row.track_rank <= quota_size and row.id not in listed]
    return TeamList(track=track, rows=rows, quota=quota(track, len(rows)), flags=flags, left_out=left_out)


def team_candidates(track, viewer=None):
    """[(proposal, selected, maybe)] of the selectable proposals not in the team list, most picked first.

    Shown to `viewer`, the picks of the proposals the viewer speaks on are None (hidden).
    """
    picks = _picks(track)
    selected, maybe = func.coalesce(picks.c.selected, 0), func.coalesce(picks.c.maybe, 0)
    unlisted = Proposal.id.not_in(select(TeamSelection.proposal_id))
    hidden = _spoken_on(viewer, track)
    records = db.session.execute(
        select(Proposal, selected, maybe).outerjoin(picks, picks.c.proposal_id == Proposal.id)
        .where(Proposal.track_id == track.id, Proposal.state.in_(SELECTABLE_STATES), unlisted)
        .options(_with_speakers(selectinload(Proposal.speakers)))
        .order_by(selected.desc(), maybe.desc(), Proposal.title, Proposal.id)).all()
    return [(proposal, None, None) if proposal.id in hidden else (proposal, chosen, perhaps)
            for proposal, chosen, perhaps in records]


def slot_kind(track, index):
    """What the entry at 0-based `index` fills: a session, an alternate, or nothing (over quota)."""
    if index < track.session_count:
        return SESSION
    return ALTERNATE if index < track.session_count + track.alternate_count else OVER_QUOTA


def quota(track, count):
    """The quota summary of a team list of `count` entries."""
    size = track.session_count + track.alternate_count
    sessions = min(count, track.session_count)
    alternates = min(max(count - track.session_count, 0), track.alternate_count)
    return Quota(sessions=track.session_count, sessions_filled=sessions, alternates=track.alternate_count,
                 alternates_filled=alternates, over=max(count - size, 0), under=size - sessions - alternates)


def team_flags(track):
    """Speakers and companies with more talks in the track's team list than the event's threshold."""
    threshold, talks = track.event.team_list_flag_threshold, func.count(distinct(ProposalSpeaker.proposal_id))
    listed = (ProposalSpeaker.proposal_id.in_(select(TeamSelection.proposal_id)
                                              .where(TeamSelection.track_id == track.id)),
              ProposalSpeaker.status == SpeakerStatus.CONFIRMED)
    name = func.coalesce(func.min(SpeakerProfile.display_name), User.name)
    speakers = (select(User.id, name, talks).join(ProposalSpeaker, ProposalSpeaker.user_id == User.id)
                .outerjoin(SpeakerProfile, SpeakerProfile.user_id == User.id)
                .where(*listed).group_by(User.id, User.name).having(talks > threshold))
    company = func.lower(func.trim(SpeakerProfile.company))
    companies = (select(company, func.min(func.trim(SpeakerProfile.company)), talks)
                 .join(ProposalSpeaker, ProposalSpeaker.user_id == SpeakerProfile.user_id)
                 .where(*listed, company != "").group_by(company).having(talks > threshold))
    return ([Flag("company", *record) for record in db.session.execute(companies.order_by(company))]
            + [Flag("speaker", *record) for record in db.session.execute(speakers.order_by(User.name))])


def _spoken_on(viewer, track):
    """Ids of the track's proposals the viewer speaks on, whose chairs' marks are hidden from them."""
    return spoken_on_ids(viewer, Proposal.track_id == track.id) if viewer is not None else set()


def _picks(track):
    """Per proposal, how many chairs of the track marked it selected and maybe: one GROUP BY."""
    def count(mark):
        return func.sum(case((ChairSelection.mark == mark, 1), else_=0)).label(mark.value)
    return (select(ChairSelection.proposal_id, count(SelectionMark.SELECTED), count(SelectionMark.MAYBE))
            .where(ChairSelection.track_id == track.id).group_by(ChairSelection.proposal_id).subquery())


def _concerns(flag, proposal):
    """Whether a flag names one of the proposal's confirmed speakers or their company."""
    for speaker in proposal.speakers:
        if speaker.status != SpeakerStatus.CONFIRMED or speaker.user is None:
            continue
        profile = speaker.user.speaker_profile
        company = profile.company.strip().lower() if profile and profile.company else None
        if (flag.kind, flag.key) in (("speaker", speaker.user_id), ("company", company)):
            return True
    return False


def _tied(community):
    """Ids of the proposals whose community average equals another's in the track."""
    averages = Counter(round(row.bayesian_average, 9) for row in community if row.votes)
    return {row.id for row in community if row.votes and averages[round(row.bayesian_average, 9)] > 1}


def _with_speakers(loader):
    """Extend a loader of proposals' speakers to their users and profiles, for names, companies and flags."""
    return loader.selectinload(ProposalSpeaker.user).selectinload(User.speaker_profile)


def _lock(track):
    """Take the track's row for writing until the commit, so its chairs' list edits run one at a time.

    A no-op UPDATE: PostgreSQL locks the row, SQLite starts its write transaction (locking the database);
    the reads that follow see every edit committed before.
    """
    table = Track.__table__
    db.session.execute(update(table).where(table.c.id == track.id).values(position=table.c.position))


def _locked_my_list(chair, proposal):
    """The chair's list for the proposal's track, locked, and the proposal's entry in it (or None)."""
    _lock(proposal.track)
    entries = _ordered(ChairSelection, ChairSelection.track_id == proposal.track_id,
                       ChairSelection.chair_id == chair.id)
    return entries, next((e for e in entries if e.proposal_id == proposal.id), None)


def _locked_team_entry(track, proposal, by):
    """The track's team list, locked, and the proposal's entry in it, if `by` may change it."""
    _check_in_track(track, proposal)
    check_chair(by, track)
    check_not_own(by, proposal)
    _lock(track)
    entries = _ordered(TeamSelection, TeamSelection.track_id == track.id)
    entry = next((e for e in entries if e.proposal_id == proposal.id), None)
    if entry is None:
        raise RuleViolation("This proposal is not in the team list.")
    return entries, entry


def _ordered(model, *where):
    """The list's entries in order, read afresh (another chair may have just changed them)."""
    return db.session.scalars(select(model).where(*where).order_by(model.position, model.id)
                              .execution_options(populate_existing=True)).all()


def _check_in_track(track, proposal):
    if proposal.track_id != track.id:
        raise RuleViolation(f"This proposal is not in {track.name}.")


def _moved(entries, entry, direction=None, position=None):
    """`entries` with `entry` moved one place up or down, or to `position` (clamped to the list)."""
    if position is None:
        if direction not in ("up", "down"):
            raise RuleViolation("Move it up, down or to a position.")
        here = entries.index(entry)
        position = here - 1 if direction == "up" else here + 1
    rest = [e for e in entries if e is not entry]
    rest.insert(min(max(position, 0), len(rest)), entry)
    return rest


def _renumber(entries):
    """Positions 0..n-1 in the given order; flushes."""
    for position, entry in enumerate(entries):
        if entry.position != position:
            entry.position = position
    db.session.flush()
