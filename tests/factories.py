"""Small helpers that build valid objects; each takes overrides and flushes."""
import itertools
from datetime import date, timedelta

from voting.db_types import utcnow
from voting.enums import ProposalState
from voting.extensions import db
from voting.models import Event, Organiser, Proposal, ProposalSpeaker, Track, TrackChair, User

_counter = itertools.count(1)


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def make_user(**fields):
    """A user with a unique email."""
    n = next(_counter)
    return _add(User(**{"name": f"User {n}", "email": f"user{n}@example.test", **fields}))


def make_event(**fields):
    """An event whose call for proposals and voting are open now."""
    n = next(_counter)
    now = utcnow()
    defaults = {
        "name": f"Summit {n}", "slug": f"summit-{n}", "timezone": "Asia/Tokyo",
        "starts_on": date.today() + timedelta(days=90), "ends_on": date.today() + timedelta(days=93),
        "cfp_opens_at": now - timedelta(days=10), "cfp_closes_at": now + timedelta(days=10),
        "voting_opens_at": now - timedelta(days=5), "voting_closes_at": now + timedelta(days=5),
        "review_opens_at": now + timedelta(days=6), "review_closes_at": now + timedelta(days=30),
    }
    return _add(Event(**{**defaults, **fields}))


def make_track(event=None, **fields):
    """A track of the given (or a new) event."""
    n = next(_counter)
    event = event or make_event()
    return _add(Track(**{"event": event, "name": f"Track {n}", "slug": f"track-{n}", "session_count": 5,
                         **fields}))


def make_organiser(event, user=None):
    """The user (or a new one) as an organiser of the event; returns the user."""
    user = user or make_user()
    _add(Organiser(event=event, user=user))
    return user


def make_chair(track, user=None):
    """The user (or a new one) as a chair of the track; returns the user."""
    user = user or make_user()
    _add(TrackChair(track=track, user=user))
    return user


def make_proposal(track=None, speaker=None, **fields):
    """A submitted proposal in the given (or a new) track, with one confirmed speaker."""
    n = next(_counter)
    track = track or make_track()
    speaker = speaker or make_user()
    defaults = {
        "event": track.event, "track": track, "title": f"Talk {n}", "slug": f"talk-{n}",
        "abstract": "An abstract.", "state": ProposalState.SUBMITTED, "submitted_at": utcnow(),
    }
    proposal = Proposal(**{**defaults, **fields})
    proposal.speakers.append(ProposalSpeaker(user=speaker, position=0))
    return _add(proposal)
