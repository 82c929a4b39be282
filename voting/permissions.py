"""Who may do what: named predicates used by routes and templates alike."""
from sqlalchemy import exists, select

from voting.enums import ProposalState, WindowState
from voting.events.models import Organiser, Track, TrackChair
from voting.extensions import db
from voting.proposals.publicity import acceptance_published
from voting.proposals.speaking import is_confirmed_speaker, speaks_on
from voting.schedule.models import Slot


def is_signed_in(user):
    """A real, signed-in user (not Flask-Login's anonymous user)."""
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_admin(user):
    """A site admin: may manage every event."""
    return is_signed_in(user) and bool(user.is_admin)


def can_create_event(user):
    """Only site admins create events."""
    return is_admin(user)


def can_manage_event(user, event):
    """Organisers of the event, and site admins, may change everything about it."""
    if not is_signed_in(user) or event is None:
        return False
    return is_admin(user) or _exists(Organiser.event_id == event.id, Organiser.user_id == user.id)


def can_chair(user, track):
    """Chairs of the track, and whoever manages its event, may review its proposals."""
    if not is_signed_in(user) or track is None:
        return False
    if can_manage_event(user, track.event):
        return True
    return _exists(TrackChair.track_id == track.id, TrackChair.user_id == user.id)


def is_chair_in_event(user, event):
    """Whether the user chairs at least one track of the event."""
    if not is_signed_in(user):
        return False
    return _exists(TrackChair.user_id == user.id, TrackChair.track_id == Track.id, Track.event_id == event.id)


def _exists(*conditions):
    return bool(db.session.scalar(select(exists().where(*conditions))))


def is_speaker(user, proposal):
    """A confirmed speaker of the proposal: edits it and sees it as theirs."""
    return is_signed_in(user) and is_confirmed_speaker(user, proposal)


def speaks_on_proposal(user, proposal):
    """A confirmed or invited speaker of the proposal (voting.proposals.speaking has the rule)."""
    return is_signed_in(user) and speaks_on(user, proposal)


def is_submitter(user, proposal):
    """The speaker who submitted the proposal (who manages its co-speakers)."""
    return is_signed_in(user) and bool(proposal.speakers) and proposal.speakers[0].user_id == user.id


def can_view_proposal(user, proposal):
    """Speakers always; chairs and organisers once submitted; everyone once voting has opened or the
    talk is in the published schedule."""
    if is_speaker(user, proposal) or (proposal.state != ProposalState.DRAFT
                                      and can_manage_event(user, proposal.event)):
        return True
    if proposal.state in (ProposalState.DRAFT, ProposalState.WITHDRAWN):
        return False
    if can_chair(user, proposal.track):
        return True
    return (proposal.event.window_state("voting") in (WindowState.OPEN, WindowState.CLOSED)
            or is_in_published_schedule(proposal))


def is_in_published_schedule(proposal):
    """A talk whose acceptance is published, placed in a slot of its event's published schedule (which
    links to it)."""
    return (proposal.event.schedule_published_at is not None and acceptance_published(proposal)
            and _exists(Slot.proposal_id == proposal.id))


def can_see_results(user, event, now=None):
    """Organisers and the event's chairs always; others once voting has closed, if the event says so."""
    if can_manage_event(user, event) or is_chair_in_event(user, event):
        return True
    return event.results_public_after_close and event.window_state("voting", now) == WindowState.CLOSED


def is_track_chair(user, track):
    """A chair of this very track (organisers who do not chair it are not)."""
    return is_signed_in(user) and track is not None and _exists(TrackChair.track_id == track.id,
                                                                 TrackChair.user_id == user.id)


def can_score(user, proposal):
    """The track's chairs score its proposals, except those they speak on; organisers read and discuss."""
    return is_track_chair(user, proposal.track) and not speaks_on_proposal(user, proposal)


def can_see_reviews(user, proposal):
    """The track's chairs and the organisers see its scores and discussion; never the proposal's speakers."""
    return can_chair(user, proposal.track) and not speaks_on_proposal(user, proposal)


def can_see_speakers(user, event):
    """Under anonymous review only the organisers see who the speakers are; otherwise whoever sees the page."""
    return not event.anonymous_review or can_manage_event(user, event)


def can_decide(user, event, track=None):
    """Organisers; chairs too when the event allows it (of `track`, or of any track of the event)."""
    if can_manage_event(user, event):
        return True
    if event is None or not event.chairs_can_decide:
        return False
    return can_chair(user, track) if track is not None else is_chair_in_event(user, event)


def can_see_decision(user, proposal):
    """Who sees a proposal's decision before it is published: its chairs and organisers, not its speakers."""
    return can_chair(user, proposal.track) and not speaks_on_proposal(user, proposal)


def can_select(user, proposal):
    """Chairs of the proposal's track (and its organisers) may put it in their lists, unless they speak on it."""
    return can_chair(user, proposal.track) and not speaks_on_proposal(user, proposal)


def can_view_schedule(user, event):
    """Everyone once the event's schedule is published; its organisers (a preview) before."""
    return event.schedule_published_at is not None or can_manage_event(user, event)
