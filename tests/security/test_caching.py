"""Answers holding non-public data are never kept by a shared cache; a refused burst says when to retry."""
import pytest

from tests.conftest import sign_in
from tests.export import build_world
from tests.test_route_access import World
from voting.extensions import db

NAMES = ("accepted.csv", "accepted.json", "sched.csv", "schedule.xml", "schedule.json", "schedule.ics")
PRIVATE = "private, no-store"


def cache_control(client, path):
    with client.get(path) as response:
        assert response.status_code == 200, path
        return response.headers.get("Cache-Control")


@pytest.mark.parametrize("name", NAMES)
def test_exports_are_shared_only_when_everyone_gets_the_same(app, client, name):
    world = build_world()
    world.event.results_public_after_close = False
    db.session.commit()
    path = f"/events/expo/export/{name}"
    assert cache_control(client, path) == "public, max-age=300", "what every visitor gets"
    sign_in(client, world.chair)  # sees the community results, hidden from the public
    assert cache_control(client, path) == PRIVATE
    sign_in(client, world.organiser)  # sees decisions not yet published
    assert cache_control(client, path) == PRIVATE


def test_the_organisers_proposal_list_and_the_signed_in_user_are_private(app, client):
    world = build_world()
    sign_in(client, world.organiser)
    assert cache_control(client, "/events/expo/manage/proposals.csv") == PRIVATE
    assert cache_control(client, "/api/v1/me") == PRIVATE


@pytest.mark.parametrize("app_config", [{"VOTE_RATE_LIMIT_USER": "2 per minute"}])
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_rate_limited_vote_says_when_to_retry(app, client, accept):
    world = World()
    sign_in(client, world.users["user"])
    statuses = [client.post("/events/summit/vote/the-talk", data={"choice": choice},
                            headers={"Accept": accept}) for choice in ("love", "try", "might")]
    assert [response.status_code for response in statuses[:2]] != [429, 429]
    refused = statuses[2]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
