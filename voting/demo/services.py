"""Loading the demo event: plan everything from a fixed seed, then write it in one transaction."""
import random
import zlib
from datetime import timedelta

from sqlalchemy import func, insert, select

from voting.db_types import utcnow
from voting.demo.activity import make_reviews, make_roles, make_votes
from voting.demo.event import DEMO_SLUG, make_event, make_rooms
from voting.demo.people import DOMAIN, make_people
from voting.demo.reset import reset_demo
from voting.demo.schedule import make_schedule
from voting.demo.talks import load_seed_talks, make_proposals
from voting.demo.timeline import add_history, assign_states
from voting.enums import SpeakerStatus
from voting.community.services import recount_votes
from voting.extensions import db
from voting.models import (
    Decision, Event, Organiser, Proposal, ProposalSpeaker, ProposalTag, Review, RoleInvitation, Room,
    SpeakerProfile, Track, TrackChair, User, Vote,
)

SEED = 20131105


def load_demo(*, reset=False, now=None):
    """Load the demo event unless it is there already; return its counts and whether it was created."""
    try:
        if reset:
            reset_demo()
        event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
        created = event is None
        if created:
            event = build_demo(now or utcnow())
        counts = demo_counts(event)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {**counts, "created": created}


def build_demo(now):
    """Plan the whole demo (no database involved, so the same seed gives the same data), then write it."""
    rng = random.Random(SEED)
    seed_talks = load_seed_talks()
    people = make_people(rng, seed_talks, now)
    proposals = make_proposals(rng, seed_talks, people)
    assign_states(rng, proposals)
    add_history(rng, proposals, now)
    organisers, chairs = make_roles(rng, people)
    votes = make_votes(rng, proposals, people.emails, now)
    reviews = make_reviews(rng, proposals, chairs, now)

    role_holders = {*organisers, *(email for emails in chairs.values() for email in emails)}
    user_ids = insert_users(people.people, role_holders)
    event = make_event(now)
    db.session.add(event)
    db.session.add_all(make_rooms(event))
    db.session.flush()
    add_roles(event, organisers, chairs, user_ids, now)
    insert_profiles(people, proposals, user_ids)
    proposal_ids = insert_proposals(event, proposals)
    insert_proposal_parts(proposals, proposal_ids, user_ids)
    insert_activity(votes, reviews, proposal_ids, user_ids)
    recount_votes(event=event)
    make_schedule(event, now)
    return event


def insert_users(people, role_holders=frozenset()):
    """Insert the demo users not already there; return every demo user's id by email."""
    demo_users = select(User.email, User.id).where(User.email.like(f"%@{DOMAIN}"))
    existing = dict(db.session.execute(demo_users).all())
    rows = [{"name": p["name"], "email": p["email"], "created_at": p["created_at"],
             "email_verified": p["email"] in role_holders or not _signed_in_unverified(p)}
            for p in people if p["email"] not in existing]
    if rows:
        ids = db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), rows).all()
        existing.update(zip((row["email"] for row in rows), ids))
    return existing


def _signed_in_unverified(person):
    """One community member in 25 signed in through a provider that did not verify their email
    (never one who holds a role: roles go only to verified addresses)."""
    return person["role"] == "community" and zlib.crc32(person["email"].encode()) % 25 == 0


def add_roles(event, organisers, chairs, user_ids, now):
    """The event's organisers and its tracks' chairs, and invitations still out: one waiting, one expired."""
    since = now - timedelta(days=40)
    db.session.add_all(Organiser(event=event, user_id=user_ids[e], created_at=since) for e in organisers)
    for track in event.tracks:
        db.session.add_all(TrackChair(track=track, user_id=user_ids[e], created_at=since)
                           for e in chairs[track.slug])
    inviter, track = user_ids[organisers[0]], event.tracks[0]
    db.session.add_all([
        RoleInvitation(event=event, track=track, role="track_chair", email=f"new.chair@{DOMAIN}",
                       invited_by_id=inviter, created_at=now - timedelta(days=3),
                       expires_at=now + timedelta(days=11)),
        RoleInvitation(event=event, role="organiser", email=f"late.organiser@{DOMAIN}", invited_by_id=inviter,
                       created_at=now - timedelta(days=20), expires_at=now - timedelta(days=6)),
    ])


def insert_profiles(people, proposals, user_ids):
    """A speaker profile for everyone on a proposal who has none yet."""
    speaking = {s["email"] for p in proposals for s in p["speakers"]}
    have = set(db.session.scalars(select(SpeakerProfile.user_id).where(SpeakerProfile.user_id.in_(
        select(User.id).where(User.email.like(f"%@{DOMAIN}"))))))
    rows = [{**person["profile"], "user_id": user_ids[person["email"]], "updated_at": person["created_at"]}
            for person in people.people
            if person["email"] in speaking and user_ids[person["email"]] not in have]
    if rows:
        db.session.execute(insert(SpeakerProfile), rows)


def insert_proposals(event, proposals):
    """Insert the proposals; return their ids in plan order."""
    track_ids = {track.slug: track.id for track in event.tracks}
    rows = [{
        "event_id": event.id, "track_id": track_ids[p["track"]], "title": p["title"], "slug": p["slug"],
        "abstract": p["abstract"], "description": p["description"],
        "learning_outcomes": "\n".join(p["outcomes"]), "format": p["format"], "level": p["level"],
        "duration_minutes": p["format"].default_duration, "state": p["state"], "created_at": p["created_at"],
        "updated_at": p["updated_at"], "submitted_at": p["submitted_at"],
    } for p in proposals]
    statement = insert(Proposal).returning(Proposal.id, sort_by_parameter_order=True)
    return db.session.scalars(statement, rows).all()


def insert_proposal_parts(proposals, proposal_ids, user_ids):
    """Each proposal's speakers, tags and Decision history."""
    speakers, tags, decisions = [], [], []
    for proposal, proposal_id in zip(proposals, proposal_ids):
        speakers += [speaker_row(proposal, proposal_id, position, user_ids)
                     for position in range(len(proposal["speakers"]))]
        tags += [{"proposal_id": proposal_id, "name": name} for name in proposal["tags"]]
        decisions += [{"proposal_id": proposal_id, "from_state": before, "to_state": after,
                       "decided_by_id": user_ids[by], "reason": reason, "created_at": at}
                      for before, after, by, reason, at in proposal["history"]]
    db.session.execute(insert(ProposalSpeaker), speakers)
    db.session.execute(insert(ProposalTag), tags)
    db.session.execute(insert(Decision), decisions)


def speaker_row(proposal, proposal_id, position, user_ids):
    """A ProposalSpeaker row: an invited co-speaker is known by email only until they accept."""
    speaker = proposal["speakers"][position]
    row = {"proposal_id": proposal_id, "position": position, "status": speaker["status"]}
    if speaker["status"] == SpeakerStatus.INVITED:
        return {**row, "user_id": None, "invited_email": speaker["email"], "invited_at": proposal["created_at"]}
    return {**row, "user_id": user_ids[speaker["email"]], "invited_email": None, "invited_at": None}


def insert_activity(votes, reviews, proposal_ids, user_ids):
    """The community's votes and the chairs' reviews."""
    db.session.execute(insert(Vote), [
        {"user_id": user_ids[email], "proposal_id": proposal_ids[index], "choice": choice, "ip_hash": ip,
         "created_at": at, "updated_at": at}
        for email, index, choice, ip, at in votes])
    db.session.execute(insert(Review), [
        {"chair_id": user_ids[email], "proposal_id": proposal_ids[index], "score": score, "comment": comment,
         "created_at": at, "updated_at": at}
        for email, index, score, comment, at in reviews])


def demo_counts(event):
    """How many users, tracks, rooms, proposals, votes, reviews and decisions the demo has."""
    proposal_ids = select(Proposal.id).where(Proposal.event_id == event.id)

    def count(model, condition):
        return db.session.scalar(select(func.count()).select_from(model).where(condition))

    return {
        "users": count(User, User.email.like(f"%@{DOMAIN}")),
        "tracks": count(Track, Track.event_id == event.id),
        "rooms": count(Room, Room.event_id == event.id),
        "proposals": count(Proposal, Proposal.event_id == event.id),
        "votes": count(Vote, Vote.proposal_id.in_(proposal_ids)),
        "reviews": count(Review, Review.proposal_id.in_(proposal_ids)),
        "decisions": count(Decision, Decision.proposal_id.in_(proposal_ids)),
    }
