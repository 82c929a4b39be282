"""Decisions: accept, keep as alternate or reject; publish them to the speakers; speakers confirm or decline.

Every change of state goes through change_state, which leaves a Decision row (who, when, from, to, why).
Decisions stay private until an organiser publishes them: Proposal.published_state is what the speakers
were last told.
"""
from collections import namedtuple

from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from voting.auth.models import User
from voting.core.urls import external_url
from voting.db_types import utcnow
from voting.enums import ProposalState
from voting.errors import RuleViolation
from voting.events.models import TrackChair
from voting.events.services import record_activity
from voting.extensions import db
from voting.mail.services import queue_mail
from voting.permissions import can_see_decision
from voting.proposals.models import Proposal
from voting.proposals.publicity import DECIDED_STATES as DECIDED
from voting.proposals.services import change_state
from voting.proposals.speaking import speaks_on
from voting.review.models import TeamSelection

S = ProposalState
REVIEWABLE = (S.SUBMITTED, *DECIDED)
BOARD_STATES = (*REVIEWABLE, S.CONFIRMED, S.DECLINED)
# A team list entry keeps its place while its proposal is still in play (not withdrawn or declined).
IN_PLAY = (*REVIEWABLE, S.CONFIRMED)
# States speakers know without a publication: before any decision, or of their own doing.
SPEAKER_STATES = {S.DRAFT, S.SUBMITTED, S.WITHDRAWN, S.CONFIRMED, S.DECLINED}
CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 21  # a confirm-or-decline link works for 21 days
CONFIRMATION_SALT = "podium.decision-confirmation"
# Reasons written by apply_team_list start with this; they are for the audit, not for the speakers' mail.
TEAM_LIST_REASON = "Team list: "
SUBJECTS = {S.ACCEPTED: "Accepted: {title} (please confirm)", S.ALTERNATE: "Alternate: {title}",
            S.REJECTED: "Not accepted: {title}"}

# `own`: the viewer speaks on it, so its decision and the decide form are hidden from them.
BoardRow = namedtuple("BoardRow", "proposal place unpublished own")


def check_not_own(user, proposal):
    """Refuse a decision on a proposal the user speaks on (confirmed or invited)."""
    if speaks_on(user, proposal):
        raise RuleViolation(f"You speak on “{proposal.title}”: someone who does not must decide it.")


def decide(*, proposal, to_state, by, reason=""):
    """Accept, keep as alternate or reject one proposal, with an optional reason."""
    check_not_own(by, proposal)
    if to_state not in {state.value for state in DECIDED}:
        raise RuleViolation("Choose accepted, alternate or rejected.", field="to_state")
    to_state = S(to_state)
    if proposal.state == to_state:
        raise RuleViolation(f"“{proposal.title}” is already {to_state.value}.", field="to_state")
    change_state(proposal=proposal, to_state=to_state, by=by, reason=(reason or "").strip())
    return proposal


def team_list(track):
    """The track's team list entries whose proposals are still in play, in order."""
    return list(db.session.scalars(
        select(TeamSelection).join(Proposal, TeamSelection.proposal_id == Proposal.id)
        .where(TeamSelection.track_id == track.id, Proposal.track_id == track.id, Proposal.state.in_(IN_PLAY))
        .order_by(TeamSelection.position, TeamSelection.id)))


def team_places(track):
    """{proposal id: (order, label)}: "Session 1" ..., then "Alternate 1" ..., then "Listed"."""
    places = {}
    for index, entry in enumerate(team_list(track)):
        if index < track.session_count:
            label = f"Session {index + 1}"
        elif index < track.session_count + track.alternate_count:
            label = f"Alternate {index - track.session_count + 1}"
        else:
            label = "Listed (beyond the alternates)"
        places[entry.proposal_id] = (index, label)
    return places


def apply_team_list(*, track, by):
    """The team list's sessions accepted, its alternates alternate, the track's other proposals rejected."""
    places = team_places(track)
    counts = {"accepted": 0, "alternate": 0, "rejected": 0, "unchanged": 0}
    proposals = _proposals_of(track, REVIEWABLE)
    for proposal in proposals:
        check_not_own(by, proposal)
    for proposal in proposals:
        index, label = places.get(proposal.id, (None, "not selected"))
        to_state = _team_state(track, index)
        if proposal.state == to_state:
            counts["unchanged"] += 1
            continue
        change_state(proposal=proposal, to_state=to_state, by=by, reason=TEAM_LIST_REASON + label)
        counts[to_state.value] += 1
    record_activity(event=track.event, user=by, action="decisions.team_list_applied",
                    details=f"Applied the team list of {track.name}: " + describe(counts))
    db.session.flush()
    return counts


def _team_state(track, index):
    if index is not None and index < track.session_count:
        return S.ACCEPTED
    if index is not None and index < track.session_count + track.alternate_count:
        return S.ALTERNATE
    return S.REJECTED


def _proposals_of(track, states):
    return list(db.session.scalars(select(Proposal).where(Proposal.track_id == track.id,
                                                          Proposal.state.in_(states)).order_by(Proposal.id)))


def track_board(track, viewer):
    """Each decided or decidable proposal of the track, the team list first and in its order."""
    places = team_places(track)
    proposals = sorted(_proposals_of(track, BOARD_STATES),
                       key=lambda p: (p.id not in places, places.get(p.id, (0,))[0], p.title.lower()))
    return [BoardRow(p, places.get(p.id, (None, ""))[1], is_unpublished(p), speaks_on(viewer, p))
            for p in proposals]


def is_unpublished(proposal):
    """Whether the proposal's decision differs from what its speakers were last told."""
    return proposal.state in DECIDED and proposal.state != proposal.published_state


def _unpublished_query(event):
    return (select(Proposal).where(Proposal.event_id == event.id, Proposal.state.in_(DECIDED),
                                   Proposal.published_state.is_distinct_from(Proposal.state))
            .order_by(Proposal.track_id, Proposal.id))


def unpublished_changes(event):
    """The proposals whose decision the speakers have not been told yet."""
    return list(db.session.scalars(_unpublished_query(event)))


def publish_decisions(*, event, by, now=None):
    """Mail every speaker whose decision changed since the last publication, and mark it published."""
    now = now or utcnow()
    # Locked, and read afresh: two organisers publishing at once must not mail anyone twice.
    query = _unpublished_query(event).with_for_update(of=Proposal).execution_options(populate_existing=True)
    counts = {"accepted": 0, "alternate": 0, "rejected": 0, "mails": 0}
    for proposal in db.session.scalars(query).all():
        counts["mails"] += _mail_decision(proposal)
        counts[proposal.state.value] += 1
        proposal.published_state, proposal.published_at = proposal.state, now
    if any(counts[state.value] for state in DECIDED):
        record_activity(event=event, user=by, action="decisions.published",
                        details="Published " + describe(counts))
    db.session.flush()
    return counts


def describe(counts):
    """Counts in words, zeros left out: "2 accepted, 1 rejected, 3 mails"."""
    return ", ".join(f"{number} {name}" for name, number in counts.items() if number) or "nothing changed"


def _mail_decision(proposal):
    kind = f"decision.{proposal.state.value}"
    reason = speaker_reason(proposal) if proposal.state == S.REJECTED else ""
    page = external_url("proposals.detail", event_slug=proposal.event.slug, slug=proposal.slug)
    sent = 0
    for speaker in proposal.speaker_users:
        if not speaker.email:
            continue
        link = confirm_url(proposal, speaker) if proposal.state == S.ACCEPTED else None
        body = render_template(f"emails/{kind}.txt", user=speaker, proposal=proposal, link=link, page=page,
                               reason=reason, max_days=CONFIRMATION_MAX_AGE // 86400)
        queue_mail(to=speaker.email, subject=SUBJECTS[proposal.state].format(title=proposal.title), body=body,
                   kind=kind)
        sent += 1
    return sent


def speaker_reason(proposal):
    """The reason of the proposal's latest decision, if a person gave one (not the team list's note)."""
    reason = proposal.decisions[-1].reason if proposal.decisions else ""
    return "" if reason.startswith(TEAM_LIST_REASON) else reason


def visible_state(user, proposal):
    """The state the user may see: the current one for its chairs and organisers, else what was published."""
    if proposal.state in SPEAKER_STATES or can_see_decision(user, proposal):
        return proposal.state
    return proposal.published_state or S.SUBMITTED


def confirm_token(proposal, speaker):
    """A signed, expiring token naming one proposal and one of its speakers."""
    return _serializer().dumps({"proposal": proposal.id, "speaker": speaker.id})


def confirm_url(proposal, speaker):
    """The absolute address of the speaker's confirm-or-decline page."""
    return external_url("decisions.participation", event_slug=proposal.event.slug, slug=proposal.slug,
                        token=confirm_token(proposal, speaker))


def proposal_for_token(token, *, lock=False):
    """(proposal, speaker) a token names; RuleViolation if it is forged, expired or no longer theirs."""
    try:
        data = _serializer().loads(token, max_age=CONFIRMATION_MAX_AGE)
    except SignatureExpired:
        raise RuleViolation("This link has expired; sign in and open “My proposals” for a new one.") from None
    except BadSignature:
        raise RuleViolation("This link is not valid.") from None
    lock_options = {"with_for_update": True, "populate_existing": True} if lock else {}
    proposal = db.session.get(Proposal, data.get("proposal"), **lock_options)
    speakers = proposal.speaker_users if proposal else []
    speaker = next((user for user in speakers if user.id == data.get("speaker")), None)
    if speaker is None:
        raise RuleViolation("This link is no longer valid: you are not a speaker of this proposal.")
    return proposal, speaker


def awaiting_answer(proposal):
    """Whether the speakers were told it is accepted and have not confirmed or declined yet."""
    return proposal.state == S.ACCEPTED and proposal.published_state == S.ACCEPTED


def confirm_participation(*, token):
    """The speaker confirms an accepted, published proposal; confirming twice changes nothing."""
    proposal, speaker = proposal_for_token(token, lock=True)
    if proposal.state == S.CONFIRMED:
        return "Your participation was already confirmed."
    if not awaiting_answer(proposal):
        raise RuleViolation("This proposal is not waiting for your confirmation.")
    change_state(proposal=proposal, to_state=S.CONFIRMED, by=speaker)
    return "Thank you: your participation is confirmed."


def decline_participation(*, token, reason=""):
    """The speaker declines an accepted or confirmed proposal; the chairs hear which alternate is next."""
    proposal, speaker = proposal_for_token(token, lock=True)
    if proposal.state == S.DECLINED:
        return "You had already declined."
    if not (awaiting_answer(proposal) or proposal.state == S.CONFIRMED):
        raise RuleViolation("This proposal is not waiting for your answer.")
    change_state(proposal=proposal, to_state=S.DECLINED, by=speaker, reason=(reason or "").strip())
    _tell_chairs(proposal, speaker, next_alternate(proposal.track))
    return "You declined. Thank you for telling us."


def next_alternate(track):
    """The first alternate of the track's team list not accepted yet, or None."""
    return next((e.proposal for e in team_list(track) if e.proposal.state == S.ALTERNATE), None)


def _tell_chairs(proposal, speaker, alternate):
    track = proposal.track
    details = (f"{speaker.name} declined “{proposal.title}” ({track.name}); next alternate: "
               + (f"“{alternate.title}”" if alternate else "none left"))
    record_activity(event=proposal.event, user=speaker, action="decisions.declined", details=details)
    chairs = db.session.scalars(select(User).join(TrackChair, TrackChair.user_id == User.id)
                                .where(TrackChair.track_id == track.id).order_by(User.id))
    link = external_url("decisions.index", event_slug=proposal.event.slug)
    for chair in chairs:
        if chair.email:
            body = render_template("emails/alternate_next.txt", chair=chair, proposal=proposal,
                                   speaker=speaker, alternate=alternate, link=link)
            queue_mail(to=chair.email, subject=f"Declined in {track.name}: {proposal.title}", body=body,
                       kind="decision.alternate_next")
    db.session.flush()


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRMATION_SALT)
