"""The public read-only API: events, their proposals a page at a time, published schedules."""
import pytest

from tests.conftest import sign_in
from tests.export import build_world
from voting.extensions import db


@pytest.fixture
def world(app):
    return build_world()


def get(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, (path, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def test_events_lists_every_event_with_its_links(client, world):
    [event] = get(client, "/api/v1/events")["events"]
    assert (event["slug"], event["timezone"], event["starts_on"]) == ("expo", "Asia/Tokyo", "2031-05-12")
    assert (event["schedule_published"], event["schedule_version"]) == (True, 2)
    assert event["links"]["proposals"] == "http://localhost/api/v1/events/expo/proposals"


def test_proposals_give_public_states_and_hide_declined_drafts(client, world):
    body = get(client, "/api/v1/events/expo/proposals")
    states = {item["slug"]: item["state"] for item in body["items"]}
    assert states == {"ceph-at-scale": "accepted", "neutron-deep-dive": "confirmed", "future": "accepted",
                      "unplaced": "accepted", "quiet": "submitted", "waiting": "submitted"}
    ceph = next(item for item in body["items"] if item["slug"] == "ceph-at-scale")
    assert ceph["speakers"] == [{"name": "Sam Speaker", "company": "Acme Cloud", "job_title": "Engineer",
                                 "bio": "Sam builds clouds.", "photo_url": "https://img.test/sam.png"}]
    assert ceph["track"] == {"slug": "storage", "name": "Storage"}


@pytest.mark.parametrize("state, slugs", [
    ("accepted", {"ceph-at-scale", "neutron-deep-dive", "future", "unplaced"}),
    ("confirmed", {"neutron-deep-dive"}),
    ("submitted", {"quiet", "waiting"}),
])
def test_proposals_filter_by_public_state(client, world, state, slugs):
    body = get(client, f"/api/v1/events/expo/proposals?state={state}")
    assert {item["slug"] for item in body["items"]} == slugs
    assert body["links"]["self"].endswith(f"state={state}")


def test_proposals_come_a_page_at_a_time_with_links(client, world):
    first = get(client, "/api/v1/events/expo/proposals?per_page=4")
    assert (first["total"], first["pages"], first["page"], len(first["items"])) == (6, 2, 1, 4)
    assert first["links"]["prev"] is None
    second = get(client, first["links"]["next"].replace("http://localhost", ""))
    assert (second["page"], len(second["items"]), second["links"]["next"]) == (2, 2, None)
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})
    beyond = get(client, "/api/v1/events/expo/proposals?per_page=4&page=9")
    assert beyond["items"] == [] and beyond["links"]["prev"].endswith("page=2&per_page=4")


@pytest.mark.parametrize("query", ["per_page=201", "per_page=0", "page=0", "page=x", "state=rejected",
                                   "page=%C2%B2", "page=1000001", "page=99999999999999999999999"])
def test_bad_queries_are_400_with_a_reason(client, world, query):
    body = get(client, f"/api/v1/events/expo/proposals?{query}", status=400)
    assert body["error"] == "Bad Request" and body["message"]


def test_unknown_events_are_404_in_json(client, world):
    for path in ("/api/v1/events/nowhere/proposals", "/api/v1/events/nowhere/schedule"):
        assert get(client, path, status=404)["error"] == "Not Found"


def test_before_voting_opens_only_published_acceptances_show(client, world):
    world.event.voting_opens_at, world.event.voting_closes_at = None, None
    db.session.commit()
    assert {i["slug"] for i in get(client, "/api/v1/events/expo/proposals")["items"]} == {
        "ceph-at-scale", "neutron-deep-dive", "future", "unplaced"}
    world.event.schedule_published_at = None
    db.session.commit()
    assert get(client, "/api/v1/events/expo/proposals")["items"] == []


def test_anonymous_review_hides_the_speakers_of_undecided_proposals(client, world):
    world.event.anonymous_review = True
    db.session.commit()
    items = {item["slug"]: item for item in get(client, "/api/v1/events/expo/proposals")["items"]}
    assert items["waiting"]["speakers"] == []
    assert items["ceph-at-scale"]["speakers"][0]["name"] == "Sam Speaker"


def test_the_schedule_lists_published_slots_in_the_events_zone(client, world):
    body = get(client, "/api/v1/events/expo/schedule")
    assert (body["version"], body["timezone"]) == (2, "Asia/Tokyo")
    assert [slot["title"] for slot in body["slots"]] == ["Ceph at scale", "Neutron deep dive", "Lunch",
                                                         "The future of clouds"]
    lunch = body["slots"][2]
    assert (lunch["room"], lunch["kind"], lunch["proposal"], lunch["starts_at"]) == (
        None, "break", None, "2031-05-12T12:00:00+09:00")
    assert body["slots"][0]["proposal"]["speakers"] == ["Sam Speaker"]


def test_an_unpublished_schedule_is_404_even_for_organisers(client, app):
    world = build_world(published=False)
    sign_in(client, world.organiser)
    assert "not published" in get(client, "/api/v1/events/expo/schedule", status=404)["message"]
