"""A small event with every role, shared by the console's tests."""
from types import SimpleNamespace

import pytest

from tests.factories import make_chair, make_event, make_organiser, make_track, make_user
from voting.events.models import RoleInvitation
from voting.extensions import db


@pytest.fixture
def scene(app):
    """Tokyo with two tracks, two organisers, a chair and an invitation; Paris with its own organiser."""
    event = make_event(name="Tokyo Summit", slug="tokyo", timezone="Asia/Tokyo")
    storage = make_track(event, name="Storage", slug="storage", position=0)
    networking = make_track(event, name="Networking", slug="networking", position=1)
    paris = make_event(name="Paris Summit", slug="paris", timezone="Europe/Paris")
    people = SimpleNamespace(
        event=event, storage=storage, networking=networking, paris=paris,
        user=make_user(name="Uma User", email="uma@example.org", email_verified=True),
        chair=make_chair(storage, make_user(name="Chad Chair", email="chad@example.org", email_verified=True)),
        organiser=make_organiser(event, make_user(name="Olive Organiser", email="olive@example.org", email_verified=True)),
        co_organiser=make_organiser(event, make_user(name="Cora Organiser", email="cora@example.org", email_verified=True)),
        other_organiser=make_organiser(paris, make_user(name="Otto Organiser", email="otto@example.org", email_verified=True)),
        admin=make_user(name="Ada Admin", email="ada@example.org", is_admin=True, email_verified=True),
        invitation=RoleInvitation(event=event, email="ivy@example.org", role="organiser"),
    )
    db.session.add(people.invitation)
    db.session.commit()
    return people
