"""The track chairs' review: a shared scene (imported as a fixture by both test modules) and helpers."""
from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.factories import make_chair, make_event, make_organiser, make_proposal, make_track, make_user
from tests.support.sql import counted_statements  # noqa: F401  (used by the review tests)
from voting.community.services import recount_votes
from voting.db_types import utcnow
from voting.enums import VoteChoice
from voting.extensions import db
from voting.models import ProposalSpeaker, Review, ReviewComment, SpeakerProfile, TeamSelection, Vote


def person(name, company="", **profile):
    """A user with a speaker profile (job title, photo and bio so anonymity tests can look for them)."""
    user = make_user(name=name, email=f"{name.split()[0].lower()}@example.org")
    first = name.split()[0]
    db.session.add(SpeakerProfile(user=user, display_name=name, company=company,
                                  job_title=profile.get("job_title", f"{first}'s job"),
                                  photo_url=profile.get("photo_url", f"https://img.example.org/{first}.png"),
                                  bio=profile.get("bio", f"{first}'s own biography.")))
    db.session.flush()
    return user


def proposal(track, title, *speakers, **fields):
    """A submitted proposal in the track with these confirmed speakers (a new user when none)."""
    speakers = speakers or (make_user(),)
    slug = fields.pop("slug", title.lower().replace(" ", "-"))
    created = make_proposal(track, speakers[0], title=title, slug=slug, **fields)
    for position, user in enumerate(speakers[1:], start=1):
        created.speakers.append(ProposalSpeaker(user=user, position=position))
    db.session.flush()
    return created


def review(chair, of, score, comment="", note=""):
    """A review row written directly (the services are tested on their own)."""
    row = Review(chair_id=chair.id, proposal_id=of.id, score=score, comment=comment, conflict_note=note)
    db.session.add(row)
    db.session.flush()
    return row


def comment(author, on, body):
    row = ReviewComment(author_id=author.id, proposal_id=on.id, body=body)
    db.session.add(row)
    db.session.flush()
    return row


def votes(on, voters, *choices):
    """One vote per choice on `on`, from the next voters of the pool (added in bulk, then counted)."""
    for user, choice in zip(voters, choices):
        db.session.add(Vote(user=user, proposal=on, choice=choice))
    db.session.flush()
    recount_votes(event=on.event)


def team(track, *proposals):
    for position, each in enumerate(proposals):
        db.session.add(TeamSelection(track_id=track.id, proposal_id=each.id, position=position))
    db.session.flush()


@pytest.fixture
def scene(app):
    """Tokyo, review open: storage (chaired by Chad of Acme and Carla of Globex), networking (Nina).

    Sam (Acme) and Sue (Initech) speak in storage; Carla speaks on "Carla's talk"; Sue has a networking talk.
    """
    now = utcnow()
    event = make_event(name="Tokyo Summit", slug="tokyo", review_opens_at=now - timedelta(days=1),
                       review_closes_at=now + timedelta(days=10))
    storage = make_track(event, name="Storage", slug="storage", position=0)
    networking = make_track(event, name="Networking", slug="networking", position=1)
    s = SimpleNamespace(event=event, storage=storage, networking=networking,
                        chad=make_chair(storage, person("Chad Chair", "ACME ")),
                        carla=make_chair(storage, person("Carla Chair", "Globex")),
                        nina=make_chair(networking, person("Nina Netchair", "Acme")),
                        olive=make_organiser(event, make_user(name="Olive Organiser")),
                        admin=make_user(name="Ada Admin", is_admin=True), user=make_user(name="Uma User"),
                        sam=person("Sam Speaker", "acme"), sue=person("Sue Speaker", "Initech"))
    s.ceph = proposal(storage, "Ceph at scale", s.sam)
    s.zfs = proposal(storage, "ZFS tuning", s.sue)
    s.carlas = proposal(storage, "Carla's talk", s.carla, slug="carlas-talk")
    s.neutron = proposal(networking, "Neutron tips", s.sue)
    s.voters = [make_user() for _ in range(12)]
    db.session.commit()
    return s


LOVE, TRY, MIGHT, NOT = VoteChoice
