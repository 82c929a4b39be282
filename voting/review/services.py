"""The chairs' review: scores, the private discussion, conflicts of interest, and what a review page shows.

Scoring is for the track's chairs only: organisers (and site admins) read everything and join the
discussion, but a score is a chair's judgement. Nobody scores or discusses a proposal they speak on.
"""
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import joinedload

from voting.auth.models import User
from voting.community.results import proposal_results
from voting.enums import ProposalState, SpeakerStatus, WindowState
from voting.errors import RuleViolation
from voting.events.models import TrackChair
from voting.extensions import db
from voting.permissions import (
    can_manage_event, can_score, can_see_reviews, can_see_speakers, is_track_chair, speaks_on_proposal,
)
from voting.proposals.listing import speaker_name
from voting.proposals.models import Proposal, ProposalSpeaker, SpeakerProfile
from voting.proposals.services import revision_history
from voting.proposals.speaking import speaks_on_clause
from voting.review.models import Review, ReviewComment

S = ProposalState
# What the chairs review: everything submitted, decided or not; never drafts or withdrawn proposals.
PANEL_STATES = (S.SUBMITTED, S.ACCEPTED, S.ALTERNATE, S.REJECTED, S.CONFIRMED, S.DECLINED)
MAX_COMMENT, MAX_NOTE = 5000, 1000


def get_panel_proposal_or_404(*, track, slug):
    """The track's proposal under review with this slug, or a 404 (other tracks' proposals included)."""
    proposal = db.session.scalar(select(Proposal).where(
        Proposal.track_id == track.id, Proposal.slug == slug, Proposal.state.in_(PANEL_STATES)))
    if proposal is None:
        abort(404, description=f"{track.name} has no proposal under review called {slug!r}.")
    return proposal


def chaired_tracks(*, user, event):
    """(track, proposals under review, proposals I scored) for each of the event's tracks I may review."""
    if can_manage_event(user, event):
        tracks = list(event.tracks)
    else:
        mine = set(db.session.scalars(select(TrackChair.track_id).where(TrackChair.user_id == user.id)))
        tracks = [track for track in event.tracks if track.id in mine]
    counts = db.session.execute(
        select(Proposal.track_id, func.count(Proposal.id), func.count(Review.id))
        .outerjoin(Review, and_(Review.proposal_id == Proposal.id, Review.chair_id == user.id))
        .where(Proposal.event_id == event.id, Proposal.state.in_(PANEL_STATES))
        .group_by(Proposal.track_id))
    figures = {track_id: (total, scored) for track_id, total, scored in counts}
    return [(track, *figures.get(track.id, (0, 0))) for track in tracks]


def scale_choices(event):
    """[(score, label)] from 1 to the event's maximum, each with its label line when the event gives one."""
    labels = [line.strip() for line in (event.review_scale_labels or "").splitlines()]
    return [(n, f"{n} — {labels[n - 1]}" if n <= len(labels) and labels[n - 1] else str(n))
            for n in range(1, event.review_scale_max + 1)]


def speaker_match(proposal_id, *conditions):
    """EXISTS a confirmed speaker of the proposal (its user and profile joined) meeting `conditions`."""
    return (select(ProposalSpeaker.id)
            .join(User, User.id == ProposalSpeaker.user_id)
            .outerjoin(SpeakerProfile, SpeakerProfile.user_id == User.id)
            .where(ProposalSpeaker.proposal_id == proposal_id,
                   ProposalSpeaker.status == SpeakerStatus.CONFIRMED, *conditions)
            .exists())


def company_is(company):
    """The profile's company is `company`, ignoring case and surrounding blanks (the database folds both)."""
    return func.lower(func.trim(SpeakerProfile.company)) == func.lower(literal(company.strip()))


def own_company(user):
    """The company of the user's speaker profile, or None."""
    profile = user.speaker_profile
    return profile.company.strip() if profile is not None and profile.company.strip() else None


def company_conflict(chair, proposal):
    """The chair's company when another confirmed speaker of the proposal works there too, else None."""
    company = own_company(chair)
    if company is None:
        return None
    clash = speaker_match(proposal.id, company_is(company), ProposalSpeaker.user_id != chair.id)
    return company if db.session.scalar(select(clash)) else None


def review_of(chair, proposal):
    """The chair's review of the proposal, or None."""
    return db.session.scalar(select(Review).where(Review.chair_id == chair.id,
                                                  Review.proposal_id == proposal.id))


def save_review(*, chair, proposal, score, comment="", conflict_note="", now=None):
    """Give or change the chair's score and comment while the review window is open; one review per chair."""
    _check_may_score(chair, proposal, now)
    top = proposal.event.review_scale_max
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= top:
        raise RuleViolation(f"Give a score from 1 to {top}.", field="score")
    comment, note = (comment or "").strip(), (conflict_note or "").strip()
    if len(comment) > MAX_COMMENT or len(note) > MAX_NOTE:
        raise RuleViolation(f"Comments are limited to {MAX_COMMENT} characters and notes to {MAX_NOTE}.")
    company = company_conflict(chair, proposal)
    if company and not note:
        raise RuleViolation(f"A speaker of this proposal works at {company}, like you: declare the conflict "
                            "in a note (the other chairs will see it) to score it.", field="conflict_note")
    review = review_of(chair, proposal) or Review(chair_id=chair.id, proposal_id=proposal.id)
    review.score, review.comment, review.conflict_note = score, comment, note
    db.session.add(review)
    db.session.flush()
    return review


def _check_may_score(chair, proposal, now):
    """Refuse a score from anyone but the track's chairs, on one's own proposal, or outside the window."""
    if not is_track_chair(chair, proposal.track):
        raise RuleViolation(f"Only the chairs of {proposal.track.name} score its proposals.")
    if speaks_on_proposal(chair, proposal):
        raise RuleViolation("You speak on this proposal: you cannot score it.")
    if proposal.state not in PANEL_STATES:
        raise RuleViolation(f"A {proposal.state.value} proposal is not under review.")
    state = proposal.event.window_state("review", now)
    if state != WindowState.OPEN:
        raise RuleViolation(f"The review window of {proposal.event.name} is {state.value}: "
                            "scores cannot change.")


def add_comment(*, proposal, author, body):
    """Add a message to the chairs' private discussion of a proposal."""
    if not can_see_reviews(author, proposal):
        raise RuleViolation("Only the track's chairs and the organisers who do not speak on it discuss it.")
    body = (body or "").strip()
    if not body or len(body) > MAX_COMMENT:
        raise RuleViolation(f"Write a comment of at most {MAX_COMMENT} characters.", field="body")
    comment = ReviewComment(proposal_id=proposal.id, author_id=author.id, body=body)
    db.session.add(comment)
    db.session.flush()
    return comment


def next_unreviewed(*, chair, track, after=None):
    """The track's next proposal the chair has neither scored nor speaks on: least reviewed, then oldest."""
    counts = (select(Review.proposal_id, func.count(Review.id).label("reviews"))
              .join(Proposal, Proposal.id == Review.proposal_id).where(Proposal.track_id == track.id)
              .group_by(Review.proposal_id).subquery())
    scored = select(Review.id).where(Review.proposal_id == Proposal.id, Review.chair_id == chair.id).exists()
    query = (select(Proposal).outerjoin(counts, counts.c.proposal_id == Proposal.id)
             .where(Proposal.track_id == track.id, Proposal.state.in_(PANEL_STATES), ~scored,
                    ~speaks_on_clause(chair))
             .order_by(func.coalesce(counts.c.reviews, 0), Proposal.id).limit(1))
    if after is not None:
        query = query.where(Proposal.id != after.id)
    return db.session.scalar(query)


@dataclass
class SpeakerCard:
    """What a review page shows of one speaker (nothing at all under anonymous review)."""

    name: str
    job_title: str = ""
    company: str = ""
    bio: str = ""
    photo_url: str = ""


@dataclass
class ReviewView:
    """Everything a review page may show its viewer, already anonymised and filtered."""

    proposal: Proposal
    show_speakers: bool
    speaker_count: int
    own: bool
    can_score: bool
    see_reviews: bool
    window: WindowState
    scale: list
    speakers: list = field(default_factory=list)
    history: list = field(default_factory=list)
    results: object = None
    ranked: int = 0
    conflict: str | None = None
    reviews: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    my_review: Review | None = None

    @property
    def panel_mean(self):
        return sum(r.score for r in self.reviews) / len(self.reviews) if self.reviews else None

    @property
    def labels(self):
        return dict(self.scale)


def review_view(proposal, viewer, now=None):
    """What the viewer's review page shows: the speakers, scores and discussion only if allowed."""
    event, show = proposal.event, can_see_speakers(viewer, proposal.event)
    confirmed = proposal.speaker_users
    see = can_see_reviews(viewer, proposal)
    view = ReviewView(proposal=proposal, show_speakers=show, speaker_count=len(confirmed),
                      own=speaks_on_proposal(viewer, proposal), can_score=can_score(viewer, proposal),
                      see_reviews=see,
                      window=event.window_state("review", now), scale=scale_choices(event),
                      speakers=[_card(user) for user in confirmed] if show else [],
                      history=[(revision, changed, _author(revision, show))
                               for revision, changed in revision_history(proposal)],
                      conflict=company_conflict(viewer, proposal))
    track_rows = proposal_results(event=event, track_id=proposal.track_id).rows
    view.results, view.ranked = next((r for r in track_rows if r.id == proposal.id), None), len(track_rows)
    if see:
        view.reviews = db.session.scalars(
            select(Review).where(Review.proposal_id == proposal.id)
            .options(joinedload(Review.chair)).order_by(Review.created_at, Review.id)).all()
        view.comments = db.session.scalars(
            select(ReviewComment).where(ReviewComment.proposal_id == proposal.id)
            .options(joinedload(ReviewComment.author))
            .order_by(ReviewComment.created_at, ReviewComment.id)).all()
        view.my_review = next((r for r in view.reviews if r.chair_id == viewer.id), None)
    return view


def _card(user):
    profile = user.speaker_profile
    if profile is None:
        return SpeakerCard(name=user.name)
    return SpeakerCard(name=speaker_name(user), job_title=profile.job_title, company=profile.company,
                       bio=profile.bio, photo_url=profile.photo_url)


def _author(revision, show_speakers):
    """Who made a revision: hidden under anonymous review (the authors are speakers)."""
    if not show_speakers:
        return None
    return speaker_name(revision.author) if revision.author is not None else "—"
