"""Speakers of a proposal: profiles, co-speaker invitations by email, removing and leaving."""
from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from voting.auth.services import normalise_email, verified_email
from voting.community.services import drop_vote_of_new_speaker, lock_vote_counts
from voting.core.urls import external_url
from voting.db_types import utcnow
from voting.enums import SpeakerStatus
from voting.errors import RuleViolation
from voting.extensions import db
from voting.mail.services import queue_mail
from voting.proposals.models import ProposalSpeaker, SpeakerProfile
from voting.proposals.services import COUNTED_STATES, count_counted_proposals, create_proposal, submit_proposal

INVITATION_MAX_AGE = 60 * 60 * 24 * 30  # an invitation link works for 30 days
INVALID_LINK = "This invitation link is not valid."
PROFILE_FIELDS = ("display_name", "job_title", "company", "bio", "photo_url", "links")


def save_speaker_profile(*, user, data):
    """Create or update the user's public speaker profile."""
    profile = user.speaker_profile or SpeakerProfile(user=user)
    for name in PROFILE_FIELDS:
        setattr(profile, name, data.get(name) or "")
    db.session.add(profile)
    db.session.flush()
    return profile


def create_proposal_with_co_speakers(*, event, user, content, tags, co_speakers, submit, now=None):
    """A new proposal with its co-speakers invited, submitted at once if `submit`."""
    proposal = create_proposal(event=event, user=user, content=content, tags=tags, now=now)
    for email in co_speakers:
        invite_co_speaker(proposal=proposal, email=email, by=user)
    if submit:
        submit_proposal(proposal=proposal, user=user, now=now)
    return proposal


def invite_co_speaker(*, proposal, email, by):
    """Invite someone by email to speak on the proposal; they accept from the mailed link."""
    _check_submitter(proposal, by)
    email = normalise_email(email)
    if any(email in (s.invited_email, s.user and s.user.email) for s in proposal.speakers):
        raise RuleViolation(f"{email} is already a speaker or invited.", field="email")
    if len(proposal.speakers) >= proposal.event.max_speakers_per_proposal:
        raise RuleViolation(f"A proposal may have at most {proposal.event.max_speakers_per_proposal} speakers.",
                            field="email")
    speaker = ProposalSpeaker(proposal=proposal, invited_email=email, status=SpeakerStatus.INVITED,
                              position=max(s.position for s in proposal.speakers) + 1, invited_at=utcnow())
    db.session.add(speaker)
    db.session.flush()
    _mail_invitation(speaker, by)
    return speaker


def is_addressee(speaker: ProposalSpeaker, user) -> bool:
    """Whether the user's verified email is the one the invitation was sent to."""
    return speaker.invited_email is not None and verified_email(user) == speaker.invited_email


def addressee_mismatch(speaker: ProposalSpeaker, user) -> str | None:
    """Why the signed-in user may not be the person invited, in words; None when they are."""
    if is_addressee(speaker, user):
        return None
    if user.email == speaker.invited_email:
        return (f"This invitation was sent to {speaker.invited_email}; you are signed in with that address, "
                "but your sign-in provider has not verified it.")
    return (f"This invitation was sent to {speaker.invited_email}; you are signed in as "
            f"{user.email or 'an account without an email address'}.")


def accept_invitation(*, token: str, user, confirmed: bool = False) -> ProposalSpeaker:
    """Make the signed-in user the co-speaker the invitation token names.

    Someone who is not its verified addressee accepts only with `confirmed` (they were shown why). The
    new speaker's vote on the proposal stops counting, and the submitter is told who accepted.
    """
    speaker = _locked_invitation(token)
    if speaker.status != SpeakerStatus.INVITED:
        raise RuleViolation("This invitation has already been accepted.")
    mismatch = addressee_mismatch(speaker, user)
    if mismatch and not confirmed:
        raise RuleViolation(f"{mismatch} Confirm that you accept it under this account.", field="confirm")
    proposal = speaker.proposal
    if any(s.user_id == user.id for s in proposal.speakers):
        raise RuleViolation("You are already a speaker of this proposal.")
    if proposal.state in COUNTED_STATES and \
            count_counted_proposals(user, proposal.event) >= proposal.event.max_proposals_per_speaker:
        raise RuleViolation(f"You already have {proposal.event.max_proposals_per_speaker} proposals in "
                            f"{proposal.event.name}, the most a speaker may have.")
    drop_vote_of_new_speaker(user=user, proposal=proposal)
    speaker.user = user
    speaker.status = SpeakerStatus.CONFIRMED
    db.session.flush()
    _mail_acceptance(speaker)
    return speaker


def remove_speaker(*, speaker, by):
    """The submitter takes a co-speaker (or an open invitation) off the proposal."""
    _check_submitter(speaker.proposal, by)
    if speaker.position == 0:
        raise RuleViolation("The submitter cannot be removed; withdraw the proposal instead.")
    db.session.delete(speaker)
    db.session.flush()


def leave_proposal(*, proposal, user):
    """A co-speaker takes themselves off the proposal."""
    speaker = next((s for s in proposal.speakers if s.user_id == user.id), None)
    if speaker is None:
        raise RuleViolation("You are not a speaker of this proposal.")
    if speaker.position == 0:
        raise RuleViolation("The submitter cannot leave; withdraw the proposal instead.")
    db.session.delete(speaker)
    db.session.flush()


def _locked_invitation(token):
    """The token's invitation read afresh under its proposal's row lock, which every vote on it takes too:
    votes and other acceptances wait until the commit, and one committed a moment ago shows."""
    proposal = speaker_for_token(token).proposal
    lock_vote_counts(proposal)
    db.session.expire(proposal, ["speakers"])
    return speaker_for_token(token, populate_existing=True)


def invitation_at(*, event_slug: str, slug: str, token: str) -> ProposalSpeaker:
    """The invitation of the link /events/<event_slug>/proposals/<slug>/invitations/<token>.

    The token is checked before anything is read of the proposal, and a link whose token names another
    proposal gets the very message of a forged one: a wrong link tells nothing about what exists.
    """
    speaker = speaker_for_token(token)
    proposal = speaker.proposal
    if proposal.slug != slug or proposal.event.slug != event_slug:
        raise RuleViolation(INVALID_LINK)
    return speaker


def invitation_token(speaker):
    """A signed, expiring token naming one invitation."""
    return _serializer().dumps({"speaker": speaker.id, "email": speaker.invited_email})


def speaker_for_token(token, populate_existing=False):
    """The invitation a token names (read afresh with `populate_existing`); RuleViolation if it is forged,
    expired or withdrawn."""
    try:
        data = _serializer().loads(token, max_age=INVITATION_MAX_AGE)
    except SignatureExpired:
        raise RuleViolation("This invitation link has expired; ask the speaker to invite you again.") from None
    except BadSignature:
        raise RuleViolation(INVALID_LINK) from None
    speaker = db.session.get(ProposalSpeaker, data.get("speaker"), populate_existing=populate_existing)
    if speaker is None or speaker.invited_email != data.get("email"):
        raise RuleViolation("This invitation was withdrawn.")
    return speaker


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="podium.co-speaker-invitation")


def _check_submitter(proposal, user):
    if not proposal.speakers or proposal.speakers[0].user_id != user.id:
        raise RuleViolation("Only the speaker who submitted the proposal can change its speakers.")


def _mail_acceptance(speaker):
    """Tell the submitter which account accepted the invitation (and to which address it went)."""
    proposal, submitter = speaker.proposal, speaker.proposal.speakers[0].user
    if submitter is None or not submitter.email:
        return
    link = external_url("proposals.detail", event_slug=proposal.event.slug, slug=proposal.slug)
    body = render_template("emails/speaker.accepted.txt", speaker=speaker, user=speaker.user,
                           addressee=is_addressee(speaker, speaker.user), submitter=submitter,
                           proposal=proposal, link=link)
    queue_mail(to=submitter.email, subject=f"{speaker.user.name} accepted to speak: {proposal.title}",
               body=body, kind="speaker.accepted")


def _mail_invitation(speaker, by):
    proposal = speaker.proposal
    link = external_url("proposals.invitation", event_slug=proposal.event.slug, slug=proposal.slug,
                        token=invitation_token(speaker))
    body = render_template("emails/speaker.invited.txt", inviter=by, proposal=proposal, link=link)
    queue_mail(to=speaker.invited_email, subject=f"{by.name} invites you to speak: {proposal.title}", body=body,
               kind="speaker.invited")
