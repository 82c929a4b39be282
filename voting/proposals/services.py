"""The call for presentations: creating, editing, submitting and withdrawing proposals.

Every change of a proposal's state goes through change_state, which leaves a Decision row.
"""
import re
import unicodedata

from flask import abort, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from voting.core.urls import external_url
from voting.db_types import utcnow
from voting.enums import ProposalState, SpeakerStatus, WindowState
from voting.errors import RuleViolation
from voting.events.models import Event
from voting.extensions import db
from voting.mail.services import queue_mail
from voting.proposals.models import Decision, Proposal, ProposalRevision, ProposalSpeaker, ProposalTag

S = ProposalState
TRANSITIONS = {
    None: {S.DRAFT},
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.WITHDRAWN, S.ACCEPTED, S.ALTERNATE, S.REJECTED},
    S.ACCEPTED: {S.CONFIRMED, S.DECLINED, S.ALTERNATE, S.REJECTED, S.WITHDRAWN},
    S.ALTERNATE: {S.ACCEPTED, S.REJECTED, S.WITHDRAWN},
    S.REJECTED: {S.ACCEPTED, S.ALTERNATE, S.WITHDRAWN},
    S.CONFIRMED: {S.DECLINED, S.WITHDRAWN},
    S.WITHDRAWN: set(),
    S.DECLINED: set(),
}
# Proposals that count toward a speaker's limit: everything but drafts and withdrawn ones.
COUNTED_STATES = set(S) - {S.DRAFT, S.WITHDRAWN}
EDITABLE_STATES = {S.DRAFT, S.SUBMITTED}
CONTENT_FIELDS = ("title", "abstract", "description", "learning_outcomes", "track_id", "format", "level",
                  "duration_minutes")


def change_state(*, proposal, to_state, by=None, reason=""):
    """Move a proposal to `to_state` if the flow allows it, recording who, when and why."""
    from_state = proposal.state if proposal.id is not None else None
    if to_state not in TRANSITIONS[from_state]:
        was = from_state.value if from_state else "new"
        raise RuleViolation(f"A {was} proposal cannot become {to_state.value}.")
    proposal.state = to_state
    db.session.add(Decision(proposal=proposal, from_state=from_state, to_state=to_state, decided_by=by,
                            reason=reason))
    db.session.flush()


def check_cfp_open(event, now=None):
    """Refuse unless the event's call for proposals is open at `now`."""
    state = event.window_state("cfp", now)
    if state != WindowState.OPEN:
        raise RuleViolation(f"The call for proposals of {event.name} is {state.value}.")


def create_proposal(*, event, user, content, tags=(), submit=False, now=None):
    """A new draft by `user` (its first speaker), submitted at once if `submit`."""
    check_cfp_open(event, now)
    _check_track(event, content.get("track_id"))
    _check_title_free(event, content["title"])
    proposal = Proposal(event=event, slug=unique_slug(event, content["title"]), **content)
    proposal.speakers.append(ProposalSpeaker(user=user, position=0, status=SpeakerStatus.CONFIRMED))
    set_tags(proposal, tags)
    db.session.add(proposal)
    change_state(proposal=proposal, to_state=S.DRAFT, by=user)
    if submit:
        submit_proposal(proposal=proposal, user=user, now=now)
    return proposal


def update_proposal(*, proposal, user, content, tags=(), now=None):
    """Change a draft or submitted proposal; an edit after submission is kept as a revision."""
    check_cfp_open(proposal.event, now)
    if proposal.state not in EDITABLE_STATES:
        # Says nothing of the (maybe unpublished) decision that made it final.
        raise RuleViolation("This proposal can no longer be edited.")
    _check_title_free(proposal.event, content["title"], proposal)
    _check_track(proposal.event, content.get("track_id"))
    for name, value in content.items():
        setattr(proposal, name, value)
    set_tags(proposal, tags)
    proposal.updated_at = utcnow()
    db.session.flush()
    if proposal.state == S.SUBMITTED:
        record_revision(proposal=proposal, author=user)
    return proposal


def submit_proposal(*, proposal, user, now=None):
    """Send a draft to the community and the chairs, within every speaker's limit."""
    check_cfp_open(proposal.event, now)
    for speaker in proposal.speaker_users:
        _check_within_limit(speaker, proposal)
    proposal.submitted_at = now or utcnow()
    change_state(proposal=proposal, to_state=S.SUBMITTED, by=user)
    record_revision(proposal=proposal, author=user)
    for speaker in proposal.speaker_users:
        _mail_speaker(speaker, proposal, "proposal.submitted", f"Proposal received: {proposal.title}")
    return proposal


def withdraw_proposal(*, proposal, user, reason=""):
    """Take a proposal out of voting and review; nothing is deleted."""
    change_state(proposal=proposal, to_state=S.WITHDRAWN, by=user, reason=reason)
    return proposal


def record_revision(*, proposal, author):
    """Keep a snapshot of the proposal's content as its next revision."""
    number = len(proposal.revisions) + 1
    content = {name: _plain(getattr(proposal, name)) for name in CONTENT_FIELDS}
    content["tags"] = proposal.tag_names
    revision = ProposalRevision(proposal=proposal, number=number, author=author, content=content)
    db.session.add(revision)
    db.session.flush()
    return revision


def set_tags(proposal, names):
    """Replace the proposal's tags with `names` (lower-cased, de-duplicated)."""
    wanted = sorted({name.strip().lower() for name in names if name.strip()})
    proposal.tags = [tag for tag in proposal.tags if tag.name in wanted]
    have = {tag.name for tag in proposal.tags}
    proposal.tags.extend(ProposalTag(name=name) for name in wanted if name not in have)


def count_counted_proposals(user, event, exclude=None):
    """How many of the user's proposals in the event count toward their limit."""
    query = (select(func.count()).select_from(Proposal).join(ProposalSpeaker)
             .where(Proposal.event_id == event.id, ProposalSpeaker.user_id == user.id,
                    ProposalSpeaker.status == SpeakerStatus.CONFIRMED, Proposal.state.in_(COUNTED_STATES)))
    if exclude is not None and exclude.id is not None:
        query = query.where(Proposal.id != exclude.id)
    return db.session.scalar(query)


def _check_within_limit(user, proposal):
    limit = proposal.event.max_proposals_per_speaker
    if count_counted_proposals(user, proposal.event, exclude=proposal) >= limit:
        raise RuleViolation(f"{user.name} already has {limit} proposals in {proposal.event.name}, "
                            "the most a speaker may have.")


def _check_track(event, track_id):
    if not any(track.id == track_id for track in event.tracks):
        raise RuleViolation("Choose one of the event's tracks.", field="track_id")


def _check_title_free(event, title, proposal=None):
    query = select(Proposal.id).where(Proposal.event_id == event.id,
                                      func.lower(Proposal.title) == title.strip().lower())
    if proposal is not None and proposal.id is not None:
        query = query.where(Proposal.id != proposal.id)
    if db.session.scalar(query) is not None:
        raise RuleViolation("Another proposal of this event already has this title.", field="title")


def slugify(text, max_length=100):
    """A URL-safe lower-case slug of `text`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "proposal"


def unique_slug(event, title):
    """A slug for `title` not yet used in the event (suffixed -2, -3 ... when taken)."""
    base = slugify(title)
    taken = set(db.session.scalars(select(Proposal.slug).where(Proposal.event_id == event.id,
                                                              Proposal.slug.startswith(base))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _plain(value):
    return value.value if hasattr(value, "value") else value


def _mail_speaker(user, proposal, kind, subject):
    if not user.email:
        return
    link = external_url("proposals.detail", event_slug=proposal.event.slug, slug=proposal.slug)
    body = render_template(f"emails/{kind}.txt", user=user, proposal=proposal, link=link)
    queue_mail(to=user.email, subject=subject, body=body, kind=kind)


def get_proposal_or_404(event_slug, slug):
    """The proposal with this slug in the event with this slug, or a 404."""
    proposal = db.session.scalar(select(Proposal).join(Event).options(contains_eager(Proposal.event))
                                 .where(Event.slug == event_slug, Proposal.slug == slug))
    if proposal is None:
        abort(404, description="There is no such proposal.")
    return proposal


def proposals_of(user):
    """Every proposal the user speaks on (or was invited to), newest first."""
    return db.session.scalars(
        select(Proposal).join(ProposalSpeaker).where(ProposalSpeaker.user_id == user.id)
        .order_by(Proposal.created_at.desc())
    ).all()


def revision_history(proposal):
    """Each revision with the fields it changed from the one before, newest first."""
    history, previous = [], None
    for revision in proposal.revisions:
        changed = [name for name, value in revision.content.items()
                   if previous is None or previous.get(name) != value]
        history.append((revision, changed if previous is not None else ["first submission"]))
        previous = revision.content
    return history[::-1]
