"""Every POST route refuses a request without a valid CSRF token, and changes nothing.

The routes come from `app.url_map`: a POST route missing from ACTIONS fails
`test_every_post_route_is_checked`. Each route is posted by a user allowed to do the action, with the
form data that does it, so the only reason left for a refusal is the token. The same POST with the
page's own token must get through (`test_a_valid_token_gets_through`), so the refusals cannot come
from anything else. The World and its URLs come from tests/test_route_access.py.
"""
from datetime import timedelta

import pytest

from tests.conftest import sign_in
from voting.db_types import utcnow
from voting.enums import ProposalState
from voting.extensions import db
from voting.models import Slot
from tests.test_route_access import World, app_routes
from tests.security.helpers import csrf_token_of, errors_of, page_text, snapshot


def _talk(world):
    return {"title": "A new talk", "abstract": "An abstract.", "track_id": world.track.id, "format": "talk",
            "level": "intermediate", "submit": "Submit proposal"}


def _slot(world):
    return {"slot-room": world.room.id, "slot-day": world.event.starts_on.isoformat(), "slot-starts": "11:00",
            "slot-ends": "11:40", "slot-kind": "session", "slot-title": ""}


def _grid(world):
    return {"grid-starts": "13:00", "grid-ends": "15:00", "grid-length": "40", "grid-gap": "10",
            "grid-break_after": "0", "grid-break_length": "30"}


def _review(world):
    world.event.review_opens_at = utcnow() - timedelta(days=1)
    db.session.commit()
    return {"score": "3", "comment": "Fine.", "save": "Save"}


def _accepted(world, placed=False):
    """The world's talk accepted, and placed in its slot if asked; a second, empty slot beside it."""
    world.proposal.state = ProposalState.ACCEPTED
    world.slot.proposal = world.proposal if placed else None
    later = world.slot.ends_at + timedelta(minutes=20)
    world.empty_slot = Slot(event=world.event, room=world.room, starts_at=later, ends_at=later + timedelta(minutes=40))
    db.session.add(world.empty_slot)
    db.session.commit()
    return world


def _place(world):
    _accepted(world)
    return {"place-proposal": world.proposal.id, "place-slot": world.slot.id}


def _move(world):
    _accepted(world, placed=True)
    return {"move-from_slot": world.slot.id, "move-to_slot": world.empty_slot.id}


def _publish(world):
    _accepted(world, placed=True)
    return {"summary": "First version"}


# endpoint: (who posts it, the form data that does the action, its status with a valid token,
#            whether that success changes the database).
ACTIONS = {
    "auth.link": ("user", lambda w: {}, 302, False),  # goes to the provider
    # End sessions only (not in the snapshot): tests/auth/test_sessions.py checks they end.
    "auth.logout": ("user", lambda w: {}, 302, False),
    "auth.sign_out_everywhere": ("user", lambda w: {}, 302, False),
    "invitations.respond": ("invitee", lambda w: {}, 302, True),  # accepts: the invitee becomes organiser
    "proposals.new": ("speaker", _talk, 302, True),
    "proposals.edit": ("speaker", _talk, 302, True),
    "proposals.submit": ("speaker", lambda w: {}, 302, False),  # already submitted: flashed
    "proposals.withdraw": ("speaker", lambda w: {}, 302, True),
    "proposals.leave": ("speaker", lambda w: {}, 302, False),  # the last speaker cannot leave: flashed
    "proposals.invite": ("speaker", lambda w: {"email": "new@example.org"}, 302, True),
    "proposals.remove_speaker": ("speaker", lambda w: {}, 302, True),
    "proposals.invitation": ("user", lambda w: {"confirm": "y"}, 302, True),
    "proposals.speaker_profile": ("speaker", lambda w: {"display_name": "Ada"}, 302, True),
    "community.cast": ("user", lambda w: {"choice": "love"}, 303, True),
    "integrity.exclude": ("organiser", lambda w: {"user_id": w.users["user"].id, "reason": "A bot."}, 302, True),
    "integrity.include": ("organiser", lambda w: {"user_id": w.users["user"].id}, 400, False),  # not excluded
    "decisions.decide": ("organiser", lambda w: {"to_state": "accepted", "reason": "Good."}, 302, True),
    "decisions.apply": ("organiser", lambda w: {}, 302, True),
    "decisions.publish": ("organiser", lambda w: {}, 302, False),  # nothing to publish: flashed
    "decisions.participation": ("speaker", lambda w: {"confirm": "Confirm"}, 400, False),  # not accepted yet
    "selection.mark": ("chair", lambda w: {"mark": "selected"}, 303, True),
    "selection.unmark": ("chair", lambda w: {}, 303, False),  # not marked: flashed
    "selection.move": ("chair", lambda w: {"direction": "up"}, 303, False),  # not in the list: flashed
    "selection.team_add": ("chair", lambda w: {"note": "Yes"}, 303, True),
    "selection.team_remove": ("chair", lambda w: {}, 303, False),  # not in the list: flashed
    "selection.team_move": ("chair", lambda w: {"direction": "up"}, 303, False),  # not in the list
    "review.proposal": ("chair", _review, 302, True),
    "review.comment": ("chair", lambda w: {"body": "Let us take it."}, 302, True),
    "schedule.publish": ("organiser", _publish, 302, True),
    "schedule.rooms": ("organiser", lambda w: {"name": "Room B", "capacity": "50"}, 302, True),
    "schedule.edit_room": ("organiser", lambda w: {"name": "Hall A", "capacity": "80"}, 302, True),
    "schedule.move_room": ("organiser", lambda w: {"direction": "down"}, 302, False),  # the only room
    "schedule.delete_room": ("organiser", lambda w: {}, 302, True),
    "schedule.add_slot": ("organiser", _slot, 302, True),
    "schedule.add_grid": ("organiser", _grid, 302, True),
    "schedule.place": ("organiser", _place, 302, True),
    "schedule.move": ("organiser", _move, 302, True),
    "schedule.unplace": ("organiser", lambda w: {}, 302, False),  # an empty slot: flashed
    "schedule.delete_slot": ("organiser", lambda w: {}, 302, True),
    "events.console.new_event": ("admin", lambda w: {"name": "New", "slug": "brand-new", "timezone": "UTC",
                                                     "starts_on": "2031-01-01", "ends_on": "2031-01-02"}, 302, True),
    "events.console.edit_event": ("organiser", lambda w: {"name": "Renamed", "slug": w.event.slug, "timezone": "UTC",
                                                          "starts_on": "2031-01-01", "ends_on": "2031-01-02"},
                                  302, True),
    "events.console.new_track": ("organiser", lambda w: {"name": "Compute", "slug": "compute"}, 302, True),
    "events.console.edit_track": ("organiser", lambda w: {"name": "Storage+", "slug": "storage"}, 302, True),
    "events.console.move": ("organiser", lambda w: {"direction": "down"}, 302, True),
    "events.console.add_organiser": ("organiser", lambda w: {"organiser-email": "new@example.org"}, 302, True),
    "events.console.add_chair": ("organiser", lambda w: {"chair-email": "new@example.org",
                                                          "chair-track": w.track.id}, 302, True),
    "events.console.remove_role": ("organiser", lambda w: {}, 302, True),
    "mail.retry": ("admin", lambda w: {}, 302, True),
    "mail.retry_failed": ("admin", lambda w: {}, 302, True),
}

BAD_TOKENS = ("missing", "garbage", "other session", "in a header, wrong")


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "PODIUM_OAUTH_GITHUB_CLIENT_ID": "id",
            "PODIUM_OAUTH_GITHUB_CLIENT_SECRET": "secret"}


def post_rules(app):
    """endpoint -> rule of every route accepting POST."""
    return {endpoint: rule for endpoint, method, rule in app_routes(app) if method == "POST"}


def test_every_post_route_is_checked(app):
    assert sorted(set(post_rules(app)) - set(ACTIONS)) == [], "POST routes with no CSRF check"
    assert sorted(set(ACTIONS) - set(post_rules(app))) == [], "checks of POST routes that do not exist"


def test_csrf_is_on_for_the_tested_app(app):
    assert app.config["WTF_CSRF_ENABLED"] and app.extensions["csrf"]


def prepare(app, client, endpoint):
    """The world, the path of the route and its form data, with the client signed in as its actor."""
    world = World()
    role, data, _, _ = ACTIONS[endpoint]
    sign_in(client, world.users[role])
    with app.test_request_context():
        path = app.url_for(endpoint, **world.url_values(post_rules(app)[endpoint]))
    return world, path, data(world)


def foreign_token(app, world):
    """A real token, minted for someone else's session."""
    other = app.test_client()
    sign_in(other, world.users["other_organiser"])
    return csrf_token_of(other, "/")


def bad_request(client, path, data, how, foreign):
    """POST with the token missing or wrong in the way `how` names (`foreign`: another session's token)."""
    headers = {}
    if how == "garbage":
        data["csrf_token"] = "not-a-token"
    elif how == "other session":
        data["csrf_token"] = foreign
    elif how == "in a header, wrong":
        headers["X-CSRFToken"] = "IjVmZjA0ZDZiMzEi.Zz.bad"
    return client.post(path, data=data, headers=headers)


@pytest.mark.parametrize("endpoint", sorted(ACTIONS))
def test_a_post_without_a_valid_token_is_refused_and_changes_nothing(app, client, endpoint):
    world, path, data = prepare(app, client, endpoint)
    csrf_token_of(client, "/")  # the session has its own token, as in a browser
    foreign = foreign_token(app, world)  # signing the other client in opens a session: before the snapshot
    before = snapshot()
    for how in BAD_TOKENS:
        response = bad_request(client, path, dict(data), how, foreign)
        assert response.status_code == 400, f"{how} token on POST {path}"
        text = page_text(response)
        assert "Form expired" in text and "CSRF token" in text and "Reload the page" in text, text[:300]
        assert snapshot() == before, f"POST {path} with a {how} token changed the database"
    assert client.get("/api/v1/me").status_code == 200, "still signed in"


@pytest.mark.parametrize("endpoint", sorted(ACTIONS))
def test_a_valid_token_gets_through(app, client, endpoint):
    world, path, data = prepare(app, client, endpoint)
    _, _, status, changes = ACTIONS[endpoint]
    data["csrf_token"] = csrf_token_of(client, "/")
    before = snapshot()
    response = client.post(path, data=data)
    assert "CSRF" not in response.get_data(as_text=True)
    assert response.status_code == status, f"POST {path}: {errors_of(response)}"
    assert (snapshot() != before) == changes, f"POST {path} should {'' if changes else 'not '}change the database"


def test_a_valid_token_in_the_header_gets_through(app, client):
    world, path, data = prepare(app, client, "review.comment")
    response = client.post(path, data=data, headers={"X-CSRFToken": csrf_token_of(client, "/")})
    assert response.status_code == 302
    assert "Let us take it." in client.get(response.headers["Location"]).get_data(as_text=True)
