"""Inputs past the limits get a clear 400, 404 or 413, never a 500, and lose nothing already saved.

Every text field of every form must have a maximum length (checked on the form classes, so a new
field without one fails); the routes are then posted 10x the maximum. Bodies over MAX_CONTENT_LENGTH,
too many form fields, bad UTF-8, NUL bytes (PostgreSQL refuses them in text), malformed multipart
bodies and absurd query-string values are sent to the routes that read them.
"""
import importlib
import inspect
import pkgutil

import pytest

# Werkzeug's test client spools a large body to a temporary file that it leaves open when the app refuses
# the body (413); its warning comes when it is collected (conftest.py collects after each test).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning",
                                        "ignore::ResourceWarning")

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import AnyOf, Length

import voting
from tests.conftest import sign_in
from tests.security.helpers import page_text, snapshot
from tests.security.test_csrf import ACTIONS
from tests.test_route_access import World

# Text fields that are never stored, so need no maximum length.
NOT_STORED = {
    ("FilterForm", "q"): "a search, cut to 200 characters before use",
    ("DevLoginForm", "next"): "a path checked by safe_next_path (development sign-in only)",
}


def form_classes():
    """Every FlaskForm subclass defined in Podium's modules."""
    for info in pkgutil.walk_packages(voting.__path__, "voting."):
        if ".demo" not in info.name:
            importlib.import_module(info.name)
    seen, todo = set(), [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("voting.") and sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return seen


def text_fields(cls):
    """(name, validators) of the form's text fields."""
    for name, value in inspect.getmembers(cls):
        if isinstance(value, UnboundField) and issubclass(value.field_class, StringField):
            yield name, value.kwargs.get("validators") or []


def test_every_text_field_has_a_maximum_length():
    missing = [f"{cls.__name__}.{name}" for cls in form_classes() for name, validators in text_fields(cls)
               if (cls.__name__, name) not in NOT_STORED
               and not any(isinstance(v, (Length, AnyOf)) for v in validators)]
    assert len(form_classes()) > 20
    assert sorted(missing) == []


# endpoint: the text fields of its form and their maximum lengths (the other fields from test_csrf's data).
LONG = {
    "proposals.new": {"title": 200, "abstract": 1000, "tags": 300},
    "proposals.edit": {"title": 200, "abstract": 1000},
    "proposals.speaker_profile": {"display_name": 200, "company": 200},
    "proposals.invite": {"email": 320},
    "review.comment": {"body": 5000},
    "decisions.decide": {"reason": 2000},
    "integrity.exclude": {"reason": 2000},
    "selection.team_add": {"note": 500},
    "schedule.rooms": {"name": 120},
    "schedule.edit_room": {"name": 120},
    "schedule.publish": {"summary": 500},
    "schedule.add_slot": {"slot-title": 200},
    "events.console.new_event": {"name": 200, "venue": 200, "description": 10000},
    "events.console.edit_event": {"name": 200, "slug": 80, "description": 10000},
    "events.console.new_track": {"name": 120, "description": 5000},
    "events.console.edit_track": {"name": 120, "description": 5000},
    "events.console.add_organiser": {"organiser-email": 320},
}


def post_as_actor(app, client, world, endpoint, data=None, **kwargs):
    """POST the route as the user test_csrf names for it, with its working data unless `data` is given."""
    from tests.security.test_csrf import post_rules

    role, make_data, _, _ = ACTIONS[endpoint]
    sign_in(client, world.users[role])
    with app.test_request_context():
        path = app.url_for(endpoint, **world.url_values(post_rules(app)[endpoint]))
    return path, client.post(path, data=make_data(world) if data is None else data, **kwargs)


@pytest.mark.parametrize("endpoint", sorted(LONG))
def test_ten_times_the_maximum_length_is_refused_and_keeps_the_old_text(app, client, endpoint):
    world = World()
    role, make_data, _, _ = ACTIONS[endpoint]
    for field, maximum in LONG[endpoint].items():
        data = {**make_data(world), field: "x" * (10 * maximum)}
        before = snapshot()
        path, response = post_as_actor(app, client, world, endpoint, data=data)
        assert response.status_code == 400, f"{field} of {path}"
        assert f"longer than {maximum} characters" in page_text(response) or "too long" in page_text(response)
        assert snapshot() == before, f"{field} of {path}: something changed"


def test_a_body_over_the_limit_is_a_clear_413_and_keeps_the_old_text(app, client):
    world = World()
    before = snapshot()
    data = {"title": "New", "abstract": "x" * (2 * 1024 * 1024), "track_id": world.track.id}
    path, response = post_as_actor(app, client, world, "proposals.edit", data=data)
    assert response.status_code == 413
    assert "too large" in page_text(response)
    assert snapshot() == before


def test_a_file_over_the_limit_is_a_clear_413(app, client):
    import io

    world = World()
    data = {"title": "New", "photo": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.png")}
    _, response = post_as_actor(app, client, world, "proposals.speaker_profile", data=data,
                                content_type="multipart/form-data")
    assert response.status_code == 413 and "too large" in page_text(response)


def test_too_many_multipart_fields_are_a_413(app, client):
    world = World()
    before = snapshot()
    data = {**ACTIONS["review.comment"][1](world), **{f"f{n}": "x" for n in range(5000)}}
    _, response = post_as_actor(app, client, world, "review.comment", data=data, content_type="multipart/form-data")
    assert response.status_code == 413 and "too large" in page_text(response)
    assert snapshot() == before


def test_some_unknown_urlencoded_fields_are_ignored(app, client):
    world = World()
    data = {**ACTIONS["review.comment"][1](world), **{f"f{n}": "<b>x</b>" for n in range(900)}}
    _, response = post_as_actor(app, client, world, "review.comment", data=data)
    assert response.status_code == 302
    assert "<b>x</b>" not in str(snapshot())


@pytest.mark.parametrize("app_config", [{"PODIUM_OAUTH_GITHUB_CLIENT_ID": "id",  # auth.link's provider
                                         "PODIUM_OAUTH_GITHUB_CLIENT_SECRET": "secret"}])
@pytest.mark.parametrize("endpoint", sorted(ACTIONS))
def test_more_urlencoded_fields_than_any_form_has_are_a_413(app, client, endpoint):
    world = World()
    data = MultiDict(ACTIONS[endpoint][1](world))  # may change the world first
    data.setlist("f", ["x"] * (app.config["MAX_FORM_PARTS"] + 1))
    before = snapshot()
    path, response = post_as_actor(app, client, world, endpoint, data=data)
    assert response.status_code == 413, path
    assert "too large" in page_text(response) and "1,000 fields or files" in page_text(response)
    assert snapshot() == before


def test_bad_utf8_is_not_a_500(app, client):
    world = World()
    _, response = post_as_actor(app, client, world, "review.comment", data=b"body=ok\xff\xfe\xc3(",
                                content_type="application/x-www-form-urlencoded")
    assert response.status_code in (302, 400)


def test_malformed_multipart_is_a_400(app, client):
    world = World()
    before = snapshot()
    _, response = post_as_actor(app, client, world, "review.comment", data=b"--zz\r\nContent-Disp",
                                content_type="multipart/form-data; boundary=zz")
    assert response.status_code == 400
    assert snapshot() == before


NUL_TEXT = {"proposals.edit": "title", "review.comment": "body", "proposals.speaker_profile": "display_name",
            "events.console.edit_event": "description", "schedule.rooms": "name", "decisions.decide": "reason"}


@pytest.mark.parametrize("endpoint", sorted(NUL_TEXT))
def test_a_nul_byte_in_a_field_is_a_clear_400_and_keeps_the_old_text(app, client, endpoint):
    world = World()
    data = {**ACTIONS[endpoint][1](world), NUL_TEXT[endpoint]: "before\x00after"}
    before = snapshot()
    path, response = post_as_actor(app, client, world, endpoint, data=data)
    assert response.status_code == 400, path
    assert "NUL" in page_text(response)
    assert snapshot() == before


# Every route that reads numbers or text from the query string, and the names it reads.
QUERIES = {
    "/events/summit/results": ("page", "track"),
    "/events/summit/manage/voting": ("page",),
    "/events/summit/my-votes": ("page",),
    "/events/summit/vote": ("n", "track", "q", "page"),
    "/events/summit/vote/the-talk": ("n", "track", "q"),
    "/events/summit/review/storage": ("page", "sort", "q", "state", "format", "min_votes"),
    "/events/summit/manage/activity": ("page",),
    "/events/summit/schedule": ("track", "q"),
    "/events/summit/manage/schedule/days/{day}": ("slot", "move"),
    "/events/summit/manage/proposals": ("page", "q", "sort", "state", "track", "format", "level"),
    "/events/summit/manage/proposals.csv": ("q", "sort", "state", "track"),
    "/api/v1/events/summit/proposals": ("page", "per_page", "state"),
    "/auth/login": ("next",),
    "/auth/profile": ("next",),
}
ODD_VALUES = ("99999999999999999999", "-1", "0", "-99999999999999999999", "1e9", "abc", "\x00", "%00",
              "x" * 20000, "\udcff", "../../etc/passwd", "javascript:alert(1)")


@pytest.mark.parametrize("path", sorted(QUERIES))
def test_odd_query_values_are_never_a_500(app, client, path):
    world = World()
    sign_in(client, world.users["admin"])
    path = path.format(day=world.event.starts_on.isoformat())
    for name in QUERIES[path if path in QUERIES else next(p for p in QUERIES if "{day}" in p)]:
        for value in ODD_VALUES:
            with client.get(path, query_string={name: value.encode("utf-8", "surrogateescape")}) as response:
                response.get_data()
            assert response.status_code in (200, 302, 400, 404), f"{path}?{name}={value[:30]!r}"
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/"), "no redirect off the site"


FOREIGN_DIGITS = ("²", "¹", "①", "٣", "３", "١٢", "-٣", "1²", "٣_٣", "Ⅻ", "½")


@pytest.mark.parametrize("path", sorted(QUERIES))
def test_numbers_not_written_with_the_digits_0_to_9_are_a_clear_400(app, client, path):
    world = World()
    sign_in(client, world.users["admin"])
    names = QUERIES[path]
    path = path.format(day=world.event.starts_on.isoformat())
    for name in {*names, "page", "min_votes", "max_rank"}:
        for value in FOREIGN_DIGITS:
            response = client.get(path, query_string={name: value})
            assert response.status_code == 400, f"{path}?{name}={value}"
            assert "Write numbers with the digits 0-9" in page_text(response) or "digits 0-9" in str(
                response.get_json()), f"{path}?{name}={value}"


def test_a_search_with_digits_among_words_is_still_a_search(app, client):
    world = World()
    sign_in(client, world.users["admin"])
    for value in ("talk ②", "٣ talks", "x²"):
        assert client.get("/events/summit/manage/proposals", query_string={"q": value}).status_code == 200
        assert client.get("/events/summit/vote", query_string={"q": value}).status_code == 200


@pytest.mark.parametrize("path", ["/admin/mail/{mail}/retry",
                                  "/events/summit/manage/schedule/rooms/{room}/delete"])
def test_an_id_in_the_address_in_other_digits_is_a_404(app, client, path):
    world = World()
    sign_in(client, world.users["admin"])
    ids = {"mail": world.mail.id, "room": world.room.id}
    arabic_indic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    foreign = {name: str(number).translate(arabic_indic) for name, number in ids.items()}
    assert client.post(path.format(**foreign)).status_code == 404


@pytest.mark.parametrize("path", ["/admin/mail/-1/retry", "/events/summit/manage/schedule/rooms/-1/delete",
                                  "/events/summit/manage/schedule/slots/99999999999999999999/delete",
                                  "/events/summit/proposals/the-talk/speakers/-5/remove"])
def test_negative_and_huge_ids_are_a_404(app, client, path):
    world = World()
    sign_in(client, world.users["admin"])
    assert client.post(path).status_code == 404
