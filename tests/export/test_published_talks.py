"""What the public sees is what was published: the schedule page, its talk pages, the API and every export
list the same talks (those whose acceptance is published), and the exports carry talks, not empty slots."""
import csv
import io
import json
import re

import pytest

from tests.conftest import sign_in
from tests.export.test_formats import NAMES, parse_ics, validate_json, validate_xml
from tests.factories import make_event, make_organiser, make_proposal, make_track
from tests.schedule import FIRST_DAY, make_room, make_slot
from voting.db_types import utcnow
from voting.enums import SlotKind
from voting.extensions import db

SLUG = "pub"
TITLES = {"alpha": "Alpha talk", "beta": "Beta talk", "gamma": "Gamma talk"}
TALK_LINK = re.compile(r'class="schedule-title" href="/events/pub/proposals/([\w-]+)"')


@pytest.fixture
def scene(app):
    """An event with a published schedule (voting never opened, so talk pages are public only through it),
    three submitted talks in two tracks, a track without talks, a lunch, a keynote slot without a talk and
    an empty session slot."""
    event = make_event(slug=SLUG, name="Pub Summit", timezone="Asia/Tokyo", starts_on=FIRST_DAY,
                       ends_on=FIRST_DAY, voting_opens_at=None, voting_closes_at=None,
                       schedule_published_at=utcnow(), schedule_version=1)
    storage = make_track(event=event, name="Storage", slug="storage")
    networking = make_track(event=event, name="Networking", slug="networking")
    make_track(event=event, name="Nobody here", slug="empty")
    talks = {key: make_proposal(networking if key == "beta" else storage, title=title, slug=key)
             for key, title in TITLES.items()}
    return event, make_organiser(event), talks


@pytest.fixture
def organiser(app, scene):
    client = app.test_client()
    sign_in(client, scene[1])
    return client


def decide(organiser, slug, to_state):
    response = organiser.post(f"/events/{SLUG}/decisions/proposals/{slug}", data={"to_state": to_state})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def publish(organiser):
    assert organiser.post(f"/events/{SLUG}/decisions/publish").status_code == 302


def place_everything(scene):
    """The talks placed (by their current acceptance), a lunch, a keynote slot without a talk, an empty slot."""
    event, _, talks = scene
    hall, small = make_room(event, "Hall", position=0), make_room(event, "Small", position=1)
    make_slot(event, hall, "09:00", minutes=30, kind=SlotKind.KEYNOTE, title="Welcome")
    make_slot(event, hall, "10:00", proposal=talks["alpha"])
    make_slot(event, small, "10:00", proposal=talks["beta"])
    make_slot(event, None, "12:00", minutes=60, kind=SlotKind.BREAK, title="Lunch")
    make_slot(event, hall, "13:00", proposal=talks["gamma"])
    make_slot(event, small, "13:00")  # an empty session slot
    db.session.commit()


def get(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def frab_json_events(body):
    days = validate_json(body)["schedule"]["conference"]["days"]
    return [event for day in days for room in day["rooms"].values() for event in room]


def talks_seen(client, scene):
    """The talks (by slug) each public view lists: the page, talk pages, the API and the six exports."""
    talks = scene[2]
    by_title = {proposal.title: slug for slug, proposal in talks.items()}
    base = f"/events/{SLUG}/export/"
    sched = csv.DictReader(io.StringIO(get(client, base + "sched.csv")))
    seen = {
        "page": set(TALK_LINK.findall(get(client, f"/events/{SLUG}/schedule"))),
        "talk pages": {slug for slug in talks
                       if client.get(f"/events/{SLUG}/proposals/{slug}").status_code == 200},
        "api": {slot["proposal"]["slug"] for slot in json.loads(get(client, f"/api/v1/events/{SLUG}/schedule"))
                ["slots"] if slot["proposal"]},
        "accepted.csv": {row["slug"] for row in csv.DictReader(io.StringIO(get(client, base + "accepted.csv")))},
        "accepted.json": {talk["slug"] for talk in json.loads(get(client, base + "accepted.json"))["talks"]},
        "sched.csv": {by_title[row["name"]] for row in sched if row["session_key"].startswith("p")},
        "schedule.xml": {by_title[e.findtext("title")]
                         for e in validate_xml(get(client, base + "schedule.xml").encode())
                         .findall("day/room/event")},
        "schedule.json": {by_title[e["title"]] for e in frab_json_events(get(client, base + "schedule.json"))},
        "schedule.ics": {by_title[str(e["SUMMARY"])] for e in parse_ics(get(client, base + "schedule.ics"))[1]},
    }
    assert {"page", "talk pages", "api"} | set(NAMES) == set(seen)
    return seen


def test_every_public_view_lists_the_talks_whose_acceptance_is_published(client, organiser, scene):
    for slug in TITLES:
        decide(organiser, slug, "accepted")
    place_everything(scene)
    assert set(TALK_LINK.findall(get(organiser, f"/events/{SLUG}/schedule"))) == set(TITLES), \
        "organisers see the current decisions, as in their exports"

    unpublished = talks_seen(client, scene)
    assert unpublished == {view: set() for view in unpublished}

    publish(organiser)
    published = talks_seen(client, scene)
    assert published == {view: set(TITLES) for view in published}

    decide(organiser, "beta", "rejected")  # not published: the public still knows it accepted
    assert talks_seen(client, scene) == published
    assert "beta" not in TALK_LINK.findall(get(organiser, f"/events/{SLUG}/schedule"))

    publish(organiser)
    rejected = talks_seen(client, scene)
    assert rejected == {view: {"alpha", "gamma"} for view in rejected}


def test_a_withdrawn_talk_leaves_every_public_view_at_once(app, client, organiser, scene):
    for slug in TITLES:
        decide(organiser, slug, "accepted")
    place_everything(scene)
    publish(organiser)
    speaker = app.test_client()
    sign_in(speaker, scene[2]["gamma"].speaker_users[0])
    assert speaker.post(f"/events/{SLUG}/proposals/gamma/withdraw").status_code in (302, 303)
    seen = talks_seen(client, scene)
    assert seen == {view: {"alpha", "beta"} for view in seen}


def test_exports_and_the_api_carry_talks_each_with_its_track_and_speakers(client, organiser, scene):
    for slug in TITLES:
        decide(organiser, slug, "accepted")
    place_everything(scene)
    publish(organiser)
    base = f"/events/{SLUG}/export/"
    tracks = {"Storage", "Networking"}

    xml = validate_xml(get(client, base + "schedule.xml").encode())
    events = xml.findall("day/room/event")
    assert len(events) == len(TITLES)
    assert all(e.findall("persons/person") and e.findtext("track") in tracks for e in events)
    assert {t.get("name") for t in xml.findall("conference/track")} == tracks, "no track without a talk"

    document = get(client, base + "schedule.json")
    events = frab_json_events(document)
    assert len(events) == len(TITLES)
    assert all(e["persons"] and e["track"] in tracks for e in events)
    assert {t["name"] for t in json.loads(document)["schedule"]["conference"]["tracks"]} == tracks

    events = parse_ics(get(client, base + "schedule.ics"))[1]
    assert len(events) == len(TITLES) and all(str(e["CATEGORIES"].cats[0]) in tracks for e in events)

    rows = list(csv.DictReader(io.StringIO(get(client, base + "sched.csv"))))
    talks = [row for row in rows if row["session_key"].startswith("p")]
    assert len(talks) == len(TITLES) and all(row["speakers"] and row["session_type"] in tracks for row in talks)
    assert sorted((row["name"], row["session_type"]) for row in rows if row not in talks) == [
        ("Lunch", "Break"), ("Welcome", "Keynote")], "the breaks stay; the empty slot is no session"

    slots = json.loads(get(client, f"/api/v1/events/{SLUG}/schedule"))["slots"]
    talks = [slot for slot in slots if slot["proposal"]]
    assert len(talks) == len(TITLES)
    assert all(s["proposal"]["speakers"] and s["proposal"]["track"]["name"] in tracks for s in talks)
    assert sorted((s["kind"], s["title"]) for s in slots if not s["proposal"]) == [
        ("break", "Lunch"), ("keynote", "Welcome")], "no empty session slot"
