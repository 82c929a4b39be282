"""A published decision takes a proposal off the voting page; an unpublished one changes nothing publicly."""
import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_event, make_organiser, make_proposal, make_track, make_user
from tests.community.test_voting_pages import JSON, count_of, shown_title, vote_url, votes
from voting.extensions import db
from voting.models import Proposal

OUTCOMES = {"accepted": "Accepted for the programme", "alternate": "Kept as an alternate",
            "rejected": "Not selected"}


@pytest.fixture
def scene(app, client):
    """Voting open on three proposals; a voter signed in on `client`, an organiser on a client of their own."""
    event = make_event(slug="summit")
    track = make_track(event=event, name="Storage")
    talks = {slug: make_proposal(track=track, title=f"Talk {slug}", slug=slug) for slug in ("a", "b", "c")}
    organiser = app.test_client()
    sign_in(organiser, make_organiser(event))
    sign_in(client, make_user(name="Vera Voter"))
    return talks, organiser


def decide(organiser, slug, to_state):
    response = organiser.post(f"/events/summit/decisions/proposals/{slug}", data={"to_state": to_state})
    assert response.status_code == 302


def publish(organiser):
    assert organiser.post("/events/summit/decisions/publish").status_code == 302


def vote(client, slug, choice="love", **kwargs):
    return client.post(vote_url(slug), data={"choice": choice}, **kwargs)


def page(client, slug):
    response = client.get(vote_url(slug))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def queue(client):
    """Every proposal the voting queue offers the voter, skipping each in turn."""
    offered = []
    while (title := shown_title(client.get(vote_url()))) not in (None, "You are done"):
        offered.append(title)
        slug = db.session.scalar(select(Proposal.slug).where(Proposal.title == title))
        assert vote(client, slug, "skip").status_code in (302, 303)
    return offered


def test_an_unpublished_decision_changes_nothing_for_voters(client, scene):
    _, organiser = scene
    decide(organiser, "a", "accepted")
    decide(organiser, "b", "rejected")
    text = page(client, "b")
    assert 'class="vote-form"' in text and "Not selected" not in text
    assert vote(client, "b").status_code in (302, 303) and count_of("b") == 1
    assert "You have voted on 1 of 3 proposals." in client.get(vote_url()).get_data(as_text=True)
    assert sorted(queue(client)) == ["Talk a", "Talk c"]


@pytest.mark.parametrize("decision", list(OUTCOMES))
def test_a_published_decision_shows_what_became_of_it_instead_of_asking_for_a_vote(client, scene, decision):
    _, organiser = scene
    decide(organiser, "b", decision)
    publish(organiser)
    text = page(client, "b")
    assert OUTCOMES[decision] in text and 'class="vote-form"' not in text
    refused = vote(client, "b")
    assert refused.status_code == 400
    message = refused.get_data(as_text=True)
    assert "Talk b” is decided" in message and "votes on it are closed" in message
    assert count_of("b") == 0 and votes() == 0
    assert sorted(queue(client)) == ["Talk a", "Talk c"]


def test_a_published_decision_refuses_votes_skips_and_clears_and_keeps_the_counters(client, scene):
    _, organiser = scene
    assert vote(client, "a").status_code in (302, 303)
    decide(organiser, "a", "accepted")
    decide(organiser, "b", "rejected")
    publish(organiser)
    for slug, choice in (("a", "clear"), ("a", "might"), ("b", "skip"), ("b", "love")):
        refused = vote(client, slug, choice, headers=JSON)
        assert refused.status_code == 400, (slug, choice)
        assert "votes on it are closed" in refused.get_json()["message"]
    assert (count_of("a"), count_of("b"), votes()) == (1, 0, 1)
    assert "You have voted on 0 of 1 proposal." in client.get(vote_url()).get_data(as_text=True)
    assert queue(client) == ["Talk c"]
    # A later change of mind, unpublished, does not bring it back.
    decide(organiser, "b", "accepted")
    assert "Not selected" in page(client, "b") and vote(client, "b").status_code == 400
