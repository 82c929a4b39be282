"""A small event with a published schedule, and the private data that no export may carry."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.factories import make_chair, make_event, make_organiser, make_proposal, make_track, make_user
from voting.db_types import utcnow
from voting.enums import ProposalState, SlotKind, SpeakerStatus, VoteChoice
from voting.extensions import db
from voting.models import (
    Decision,
    ProposalSpeaker,
    Review,
    ReviewComment,
    Room,
    Slot,
    SpeakerProfile,
    TeamSelection,
    Vote,
)

TOKYO = ZoneInfo("Asia/Tokyo")
# Strings that live only in private fields: none may appear in any export or API response.
SECRETS = {
    "review comment": "SECRET-REVIEW-COMMENT", "discussion": "SECRET-CHAIR-DISCUSSION",
    "conflict note": "SECRET-CONFLICT-NOTE", "decision reason": "SECRET-DECISION-REASON",
    "team note": "SECRET-TEAM-NOTE", "speaker email": "speaker.secret@example.org",
    "co-speaker email": "invited.secret@example.org", "voter email": "voter.secret@example.org",
    "voter name": "Valentina Voter-Secret", "vote ip hash": "SECRETIPHASH",
    "chair email": "chair.secret@example.org",
}


@dataclass
class World:
    """The event, its organiser and chair, and its proposals by role in the tests."""

    event: object
    organiser: object
    chair: object
    talks: dict
    rooms: dict


def at(day, hour, minute=0):
    """A time on the event's `day` (0 or 1) in Tokyo."""
    return datetime(2031, 5, 12 + day, hour, minute, tzinfo=TOKYO)


def build_world(*, published=True, version=2):
    """An event in Tokyo over two days with accepted talks placed in two rooms, a break, and private data."""
    now = utcnow()
    windows = {f"{name}_{edge}_at": now - timedelta(days=days)
               for name, (opens, closes) in {"cfp": (60, 40), "voting": (39, 20), "review": (19, 10)}.items()
               for edge, days in (("opens", opens), ("closes", closes))}
    event = make_event(slug="expo", name="Expo Summit", timezone="Asia/Tokyo", starts_on=date(2031, 5, 12),
                       ends_on=date(2031, 5, 13), schedule_version=version,
                       schedule_published_at=now if published else None, **windows)
    storage, networking = make_track(event=event, slug="storage", name="Storage"), make_track(
        event=event, slug="networking", name="Networking")
    organiser, chair = make_organiser(event), make_chair(storage, make_user(email=SECRETS["chair email"]))
    speaker = make_user(name="Sam Speaker", email=SECRETS["speaker email"])
    db.session.add(SpeakerProfile(user=speaker, display_name="Sam Speaker", company="Acme Cloud",
                                  job_title="Engineer", bio="Sam builds clouds.", photo_url="https://img.test/sam.png"))
    accepted = {"state": ProposalState.ACCEPTED, "published_state": ProposalState.ACCEPTED}
    talks = {
        "placed": make_proposal(storage, speaker, title="Ceph at scale", slug="ceph-at-scale",
                                abstract="Ceph, big.", description="All about *Ceph*.", **accepted),
        "confirmed": make_proposal(networking, title="Neutron deep dive", slug="neutron-deep-dive",
                                   state=ProposalState.CONFIRMED, published_state=ProposalState.ACCEPTED),
        "keynote": make_proposal(storage, title="The future of clouds", slug="future", **accepted),
        "unplaced": make_proposal(networking, title="Unplaced but accepted", slug="unplaced", **accepted),
        "unpublished": make_proposal(storage, title="Accepted quietly", slug="quiet",
                                     state=ProposalState.ACCEPTED),
        "declined": make_proposal(storage, title="Declined talk", slug="declined",
                                  state=ProposalState.DECLINED, published_state=ProposalState.ACCEPTED),
        "submitted": make_proposal(storage, title="Still waiting", slug="waiting"),
    }
    rooms = {"hall": Room(event=event, name="Big Hall", capacity=500, position=0),
             "small": Room(event=event, name="Small Room", capacity=40, position=1)}
    db.session.add_all([
        *rooms.values(),
        Slot(event=event, room=rooms["hall"], starts_at=at(0, 10), ends_at=at(0, 10, 40),
             proposal=talks["placed"]),
        Slot(event=event, room=rooms["small"], starts_at=at(0, 10), ends_at=at(0, 10, 40),
             proposal=talks["confirmed"]),
        Slot(event=event, room=None, starts_at=at(0, 12), ends_at=at(0, 13), kind=SlotKind.BREAK,
             title="Lunch"),
        Slot(event=event, room=rooms["hall"], starts_at=at(1, 9), ends_at=at(1, 10), kind=SlotKind.KEYNOTE,
             proposal=talks["keynote"]),
        Slot(event=event, room=rooms["small"], starts_at=at(1, 11), ends_at=at(1, 11, 40),
             proposal=talks["unpublished"]),
        Slot(event=event, room=rooms["small"], starts_at=at(1, 14), ends_at=at(1, 14, 40),
             proposal=talks["declined"]),
    ])
    add_private_data(talks["placed"], chair, organiser)
    db.session.commit()
    return World(event=event, organiser=organiser, chair=chair, talks=talks, rooms=rooms)


def add_private_data(proposal, chair, organiser):
    """A chair's review and discussion, a decision's reason, a team note, a vote and an invited co-speaker."""
    voter = make_user(name=SECRETS["voter name"], email=SECRETS["voter email"])
    db.session.add_all([
        Review(chair=chair, proposal=proposal, score=4, comment=SECRETS["review comment"],
               conflict_note=SECRETS["conflict note"]),
        ReviewComment(proposal_id=proposal.id, author=chair, body=SECRETS["discussion"]),
        Decision(proposal=proposal, from_state=ProposalState.SUBMITTED, to_state=ProposalState.ACCEPTED,
                 decided_by=organiser, reason=SECRETS["decision reason"]),
        TeamSelection(track_id=proposal.track_id, proposal_id=proposal.id, note=SECRETS["team note"]),
        Vote(user=voter, proposal=proposal, choice=VoteChoice.LOVE, ip_hash=SECRETS["vote ip hash"]),
        ProposalSpeaker(proposal=proposal, invited_email=SECRETS["co-speaker email"], position=1,
                        status=SpeakerStatus.INVITED),
    ])
    proposal.vote_count = proposal.love_count = 1
