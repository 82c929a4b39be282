"""Creating and changing events and tracks: the rules, and the activity log they leave."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_event, make_track, make_user
from voting.events.models import ActivityLog, Organiser
from voting.errors import RuleViolation
from voting.events.services import (
    create_event, create_track, list_activity, move_track, update_event, update_track,
)
from voting.extensions import db

T0 = datetime(2031, 1, 5, 0, 0, tzinfo=UTC)


def settings(**overrides):
    """Valid settings for create_event."""
    return {
        "name": "Osaka Summit", "slug": "osaka", "timezone": "Asia/Tokyo",
        "starts_on": date(2031, 5, 10), "ends_on": date(2031, 5, 12),
        "cfp_opens_at": T0, "cfp_closes_at": T0 + timedelta(days=30),
        "voting_opens_at": T0 + timedelta(days=31), "voting_closes_at": T0 + timedelta(days=45),
        "review_opens_at": T0 + timedelta(days=46), "review_closes_at": T0 + timedelta(days=60),
        "max_proposals_per_speaker": 3, "max_speakers_per_proposal": 4,
        "weight_love": 3, "weight_try": 2, "weight_might": 1, "weight_not": -1, **overrides,
    }


def refusal(change, **kwargs):
    """The errors of a change that must be refused."""
    with pytest.raises(RuleViolation) as caught:
        change(**kwargs)
    return caught.value.errors


def actions(event):
    return [entry.action for entry in db.session.scalars(select(ActivityLog).filter_by(event_id=event.id))]


def test_create_event_makes_the_creator_an_organiser_and_logs_it(app):
    admin = make_user(is_admin=True)
    event = create_event(user=admin, **settings())
    assert db.session.scalar(select(Organiser).filter_by(event_id=event.id)).user is admin
    entry = db.session.scalar(select(ActivityLog).filter_by(event_id=event.id))
    assert (entry.user, entry.action, entry.details) == (admin, "event.created", "Created Osaka Summit")


@pytest.mark.parametrize("overrides, field", [
    ({"cfp_closes_at": T0}, "cfp_closes_at"),
    ({"voting_closes_at": T0 + timedelta(days=30)}, "voting_closes_at"),
    ({"review_closes_at": None}, "review_closes_at"),
    ({"voting_opens_at": None}, "voting_opens_at"),
    ({"review_opens_at": T0 - timedelta(days=1), "review_closes_at": T0 + timedelta(days=1)},
     "review_opens_at"),
    ({"ends_on": date(2031, 5, 9)}, "ends_on"),
    ({"starts_on": None}, "starts_on"),
    ({"slug": "Osaka 2031"}, "slug"),
    ({"slug": "osaka--2031"}, "slug"),
    ({"slug": "new"}, "slug"),
    ({"name": "  "}, "name"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"max_proposals_per_speaker": 0}, "max_proposals_per_speaker"),
    ({"max_speakers_per_proposal": None}, "max_speakers_per_proposal"),
    ({"max_speakers_per_proposal": 10**12}, "max_speakers_per_proposal"),
    ({"weight_love": 11}, "weight_love"),
    ({"weight_not": -11}, "weight_not"),
])
def test_create_event_refuses_broken_rules_with_a_message_on_the_field(app, overrides, field):
    errors = refusal(create_event, user=make_user(), **settings(**overrides))
    assert list(errors) == [field] and errors[field]
    assert db.session.scalars(select(ActivityLog)).all() == []


def test_windows_may_be_left_unset(app):
    unset = {name: None for name in settings() if name.endswith("_at")}
    assert create_event(user=make_user(), **settings(**unset)).window("cfp") == (None, None)


def test_event_slugs_are_unique(app):
    make_event(slug="osaka")
    assert "already taken" in refusal(create_event, user=make_user(), **settings())["slug"]


def test_update_event_logs_what_changed_and_keeps_its_own_slug(app):
    organiser = make_user()
    event = make_event(slug="osaka")
    update_event(event=event, user=organiser, slug="osaka", name="Osaka 2031", weight_love=5)
    assert (event.name, event.weight_love) == ("Osaka 2031", 5)
    entry = db.session.scalar(select(ActivityLog).filter_by(event_id=event.id))
    assert entry.details == "Changed name, weight love"
    update_event(event=event, user=organiser, name="Osaka 2031")
    assert actions(event) == ["event.updated"]


def test_update_event_checks_the_windows_as_a_whole_and_changes_nothing_when_refused(app):
    event = make_event()
    opens = event.review_opens_at
    errors = refusal(update_event, event=event, user=make_user(), review_opens_at=event.cfp_opens_at,
                     name="Renamed")
    assert list(errors) == ["review_opens_at"]
    assert event.review_opens_at == opens and event.name != "Renamed"


def test_update_event_refuses_unknown_fields(app):
    with pytest.raises(TypeError):
        update_event(event=make_event(), user=make_user(), id=99)


def test_create_track_goes_last_and_is_logged(app):
    event = make_event()
    make_track(event, position=4)
    track = create_track(event=event, user=make_user(), name="Edge", slug="edge", session_count=6,
                         alternate_count=2)
    assert track.position == 5 and track.event is event
    assert actions(event) == ["track.created"]


@pytest.mark.parametrize("overrides, field", [
    ({"slug": "storage"}, "slug"),
    ({"name": "Storage"}, "name"),
    ({"slug": "Edge!"}, "slug"),
    ({"name": ""}, "name"),
    ({"session_count": -1}, "session_count"),
    ({"alternate_count": None}, "alternate_count"),
])
def test_track_rules(app, overrides, field):
    event = make_event()
    make_track(event, name="Storage", slug="storage")
    fields = {"name": "Edge", "slug": "edge", "session_count": 6, "alternate_count": 2, **overrides}
    assert list(refusal(create_track, event=event, user=make_user(), **fields)) == [field]


def test_track_slugs_are_unique_within_an_event_only(app):
    make_track(slug="storage")
    event = make_event()
    track = make_track(event, slug="edge")
    update_track(track=track, user=make_user(), slug="storage", session_count=3)
    assert (track.slug, track.session_count) == ("storage", 3)
    assert actions(event) == ["track.updated"]


def test_move_track_swaps_neighbours_and_renumbers(app):
    event = make_event()
    a, b, c = (make_track(event, position=0) for _ in range(3))
    move_track(track=c, user=make_user(), direction="up")
    assert [t.position for t in (a, b, c)] == [0, 2, 1]
    move_track(track=a, user=make_user(), direction="up")
    move_track(track=b, user=make_user(), direction="down")
    assert [t.position for t in (a, b, c)] == [0, 2, 1]
    assert actions(event) == ["track.moved"]
    with pytest.raises(ValueError):
        move_track(track=a, user=make_user(), direction="sideways")


def test_list_activity_is_newest_first_and_paginated(app):
    event = make_event()
    user = make_user()
    for n in range(30):
        db.session.add(ActivityLog(event=event, user=user, action="event.updated", details=f"change {n}",
                                   created_at=T0 + timedelta(minutes=n)))
    db.session.add(ActivityLog(event=make_event(), user=user, action="event.updated"))
    first = list_activity(event=event)
    assert first.total == 30 and first.pages == 2
    assert [e.details for e in first.items[:2]] == ["change 29", "change 28"]
    assert list_activity(event=event, page=2).items[-1].details == "change 0"
