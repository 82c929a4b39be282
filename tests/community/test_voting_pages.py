"""The voter's pages over HTTP: one proposal at a time, the shareable page, my votes, limits and refusals."""
import html
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.factories import make_event, make_proposal, make_track, make_user
from tests.support.sql import counted_statements
from voting.community import services
from voting.db_types import utcnow
from voting.enums import ProposalState, VoteChoice
from voting.extensions import db
from voting.models import Proposal, ProposalTag, Vote, VoteSkip

JSON = {"Accept": "application/json"}
TITLE = re.compile(r'id="proposal-title"[^>]*>\s*(?:<a [^>]*>)?([^<]*)<')


@pytest.fixture
def track(app):
    return make_track(event=make_event(slug="summit"), name="Storage")


@pytest.fixture
def talks(track):
    return [make_proposal(track=track, title=f"Talk {n}", slug=f"talk-{n}") for n in range(3)]


@pytest.fixture
def voter(app, login):
    user = make_user(name="Vera Voter")
    login(user)
    return user


def vote_url(slug=None, **args):
    path = "/events/summit/vote" + (f"/{slug}" if slug else "")
    return path + ("?" + "&".join(f"{k}={v}" for k, v in args.items()) if args else "")


def shown_title(response):
    match = TITLE.search(response.get_data(as_text=True))
    return html.unescape(match.group(1)).strip() if match else None


def slug_of(title):
    return db.session.scalar(select(Proposal.slug).where(Proposal.title == title))


def votes(**where):
    return db.session.scalar(select(func.count()).select_from(Vote).filter_by(**where))


def count_of(slug):
    return db.session.scalar(select(Proposal.vote_count).where(Proposal.slug == slug))


def post_vote(client, slug, choice, **form):
    return client.post(vote_url(slug), data={"choice": choice, **form})


def test_the_whole_flow_shows_the_next_proposal_until_done(client, talks, voter):
    seen = []
    for n in range(3):
        page = client.get(vote_url())
        assert page.status_code == 200
        assert f"You have voted on {n} of 3 proposals." in page.get_data(as_text=True)
        title = shown_title(page)
        assert title not in seen
        seen.append(title)
        response = post_vote(client, slug_of(title), "love")
        assert response.status_code == 303 and response.headers["Location"] == vote_url()
    done = client.get(vote_url()).get_data(as_text=True)
    assert "You are done" in done and "You have voted on 3 of 3 proposals." in done
    assert sorted(seen) == ["Talk 0", "Talk 1", "Talk 2"] and votes(user_id=voter.id) == 3


def test_a_reload_shows_the_same_proposal_even_when_counts_change(client, talks, voter):
    first = shown_title(client.get(vote_url()))
    for proposal in talks:
        if proposal.title != first:
            services.cast_vote(user=make_user(), proposal=db.session.merge(proposal), choice=VoteChoice.TRY)
    db.session.commit()
    assert shown_title(client.get(vote_url())) == first


def test_skip_hides_the_proposal_without_a_vote(client, talks, voter):
    first = shown_title(client.get(vote_url()))
    assert post_vote(client, slug_of(first), "skip").status_code == 303
    assert shown_title(client.get(vote_url())) not in (first, None)
    for _ in range(2):
        post_vote(client, slug_of(shown_title(client.get(vote_url()))), "skip")
    page = client.get(vote_url()).get_data(as_text=True)
    assert "You are done" in page and "You have voted on 0 of 3" in page
    assert votes() == 0 and db.session.scalar(select(func.count()).select_from(VoteSkip)) == 3


def test_the_shareable_page_changes_and_clears_a_vote(client, talks, voter):
    page = client.get(vote_url("talk-1")).get_data(as_text=True)
    assert "<h1" in page and "Talk 1" in page and 'aria-pressed="true"' not in page
    response = post_vote(client, "talk-1", "love", **{"return": "proposal"})
    assert response.status_code == 303 and response.headers["Location"] == vote_url("talk-1")
    page = client.get(vote_url("talk-1")).get_data(as_text=True)
    assert re.search(r'value="love"[^>]*\s+aria-pressed="true"', page) and "Clear my vote" in page
    post_vote(client, "talk-1", "try", **{"return": "proposal"})
    assert votes(choice=VoteChoice.TRY) == 1 and votes() == 1 and count_of("talk-1") == 1
    post_vote(client, "talk-1", "clear", **{"return": "proposal"})
    assert votes() == 0 and count_of("talk-1") == 0
    assert "Clear my vote" not in client.get(vote_url("talk-1")).get_data(as_text=True)


def test_speakers_cannot_vote_on_their_own_proposal(client, track, login):
    speaker = make_user()
    make_proposal(track=track, speaker=speaker, slug="mine")
    login(speaker)
    page = client.get(vote_url("mine")).get_data(as_text=True)
    assert "cannot vote on it" in page and 'name="choice"' not in page
    for choice in ("love", "skip"):
        response = post_vote(client, "mine", choice)
        assert response.status_code == 400 and "you speak on" in response.get_data(as_text=True)
    assert votes() == 0 and count_of("mine") == 0


def test_a_vote_one_second_after_closing_is_refused(client, talks, voter):
    db.session.merge(talks[0].event).voting_closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = post_vote(client, "talk-0", "love")
    assert response.status_code == 400 and "closed" in response.get_data(as_text=True)
    assert votes() == 0
    page = client.get(vote_url()).get_data(as_text=True)
    assert "Voting closed on" in page and 'name="choice"' not in page


def test_before_opening_the_page_says_when_voting_opens(client, talks, voter):
    event = db.session.merge(talks[0].event)
    event.voting_opens_at = utcnow() + timedelta(days=2)
    opens = event.voting_opens_at.astimezone(ZoneInfo("Asia/Tokyo"))
    db.session.commit()
    page = client.get(vote_url()).get_data(as_text=True)
    assert f"Voting opens on {opens:%a %d %b %Y, %H:%M} JST" in page
    assert "Talk 0" not in page and 'name="choice"' not in page
    assert post_vote(client, "talk-0", "love").status_code == 400 and votes() == 0
    assert "can be read here once voting opens" in client.get(vote_url("talk-0")).get_data(as_text=True)


def test_visitors_read_proposals_and_are_asked_to_sign_in(client, talks):
    page = client.get(vote_url()).get_data(as_text=True)
    assert "Talk 0" in page and "An abstract." in page and 'name="choice"' not in page
    assert 'href="/auth/login?next=/events/summit/vote"' in page and "Proposal 1 of 3" in page
    assert "Talk 1" in client.get(vote_url(n=2)).get_data(as_text=True)
    assert "Sign in to vote" in client.get(vote_url("talk-2")).get_data(as_text=True)
    response = post_vote(client, "talk-0", "love")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
    assert votes() == 0


def test_the_script_gets_the_next_proposal_as_json(client, talks, voter):
    first = shown_title(client.get(vote_url()))
    response = client.post(vote_url(slug_of(first)), data={"choice": "might"}, headers=JSON)
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] and body["message"] == "Vote saved: Might see it."
    assert body["progress"] == {"voted": 1, "total": 3, "text": "You have voted on 1 of 3 proposals."}
    assert body["next"]["title"] != first and body["next"]["title"] in body["next"]["html"]
    assert 'data-vote-form' in body["next"]["html"] and not body["next"]["done"]
    assert shown_title(client.get(vote_url())) == body["next"]["title"], "the session remembers it"
    refused = client.post(vote_url(slug_of(first)), data={"choice": "nope"}, headers=JSON)
    assert refused.status_code == 400 and refused.get_json()["ok"] is False


def test_a_vote_and_the_next_proposal_take_a_bounded_number_of_statements(client, track, voter):
    # The vote-and-next request is the hot path of the voting window: its statements do not grow with the
    # event, and the answer is drawn from what the write already loaded.
    for n in range(30):
        talk = make_proposal(track=track, title=f"Talk {n}", slug=f"talk-{n}")
        db.session.add_all([ProposalTag(proposal=talk, name="ceph"), ProposalTag(proposal=talk, name="nova")])
    db.session.commit()
    shown = slug_of(shown_title(client.get(vote_url())))
    with counted_statements() as statements:
        body = client.post(vote_url(shown), data={"choice": "love"}, headers=JSON).get_json()
    assert body["ok"] and body["next"]["title"]
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 3, writes  # the lock, the vote, the counts
    assert len(statements) <= 13, "\n".join(statements)


def test_the_json_answer_says_when_the_voter_is_done(client, track, voter):
    make_proposal(track=track, slug="only")
    body = client.post(vote_url("only"), data={"choice": "love"}, headers=JSON).get_json()
    assert body["next"]["done"] and body["next"]["title"] is None and "You are done" in body["next"]["html"]


def test_my_votes_lists_and_changes_votes(client, talks, voter):
    for slug in ("talk-0", "talk-2"):
        post_vote(client, slug, "love")
    page = client.get("/events/summit/my-votes").get_data(as_text=True)
    assert "Talk 0" in page and "Talk 2" in page and "Talk 1" not in page and "Would love to see it" in page
    response = post_vote(client, "talk-2", "not", **{"return": "mine"})
    assert response.status_code == 303 and response.headers["Location"] == "/events/summit/my-votes"
    assert votes(choice=VoteChoice.NOT) == 1 and votes() == 2
    post_vote(client, "talk-0", "clear", **{"return": "mine"})
    assert votes() == 1 and count_of("talk-0") == 0


def test_my_votes_are_paginated(client, track, voter):
    for n in range(52):
        services.cast_vote(user=voter, proposal=make_proposal(track=track, title=f"Many {n:02}"),
                           choice=VoteChoice.MIGHT)
    db.session.commit()
    first = client.get("/events/summit/my-votes").get_data(as_text=True)
    second = client.get("/events/summit/my-votes?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count('name="return"') == 50
    assert second.count('name="return"') == 2 and "Page 2 of 2" in second


def test_my_votes_are_read_only_after_closing(client, talks, voter):
    post_vote(client, "talk-0", "love")
    db.session.merge(talks[0].event).voting_closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = client.get("/events/summit/my-votes").get_data(as_text=True)
    assert "Talk 0" in page and "Voting closed" in page and 'name="choice"' not in page


def test_filters_by_track_and_by_title_speaker_or_tag(client, track, voter):
    other = make_track(event=track.event, name="Networking")
    speaker = make_user(name="Grace Hopper")
    make_proposal(track=track, title="Storage at scale")
    make_proposal(track=other, title="Routing tables")
    make_proposal(track=other, title="Compilers", speaker=speaker)
    tagged = make_proposal(track=track, title="Quiet talk")
    db.session.add(ProposalTag(proposal=tagged, name="kubernetes"))
    db.session.commit()
    cases = {f"track={other.id}&q=routing": "Routing tables", "q=SCALE": "Storage at scale",
             "q=hopper": "Compilers", "q=kubern": "Quiet talk"}
    for args, title in cases.items():
        assert shown_title(client.get(vote_url() + "?" + args)) == title, args
    page = client.get(vote_url() + "?q=nothing-like-this").get_data(as_text=True)
    assert "Nothing left with these filters" in page and "Clear filters" in page
    assert shown_title(client.get(vote_url() + f"?track={other.id}")) in ("Routing tables", "Compilers")
    assert client.get(vote_url() + "?track=banana").status_code == 200
    response = client.post(vote_url(slug_of("Compilers")) + "?q=hopper", data={"choice": "love"})
    assert response.headers["Location"] == vote_url(q="hopper"), "the next proposal keeps the filters"


@pytest.mark.parametrize("app_config", [{"VOTE_RATE_LIMIT_USER": "3 per minute"}])
def test_the_fourth_write_in_a_minute_is_refused(client, talks, voter, login):
    for choice in ("love", "try", "might"):
        assert post_vote(client, "talk-0", choice).status_code == 303
    response = post_vote(client, "talk-1", "love")
    assert response.status_code == 429 and "faster than we allow" in response.get_data(as_text=True)
    assert votes() == 1 and votes(proposal_id=talks[1].id) == 0
    limited = client.post(vote_url("talk-1"), data={"choice": "love"}, headers=JSON)
    assert limited.status_code == 429 and "faster than we allow" in limited.get_json()["message"]
    login(make_user())
    assert post_vote(client, "talk-1", "love").status_code == 303, "the limit is the voter's own"


def test_a_person_voting_quickly_is_not_limited(client, track, voter):
    slugs = [make_proposal(track=track).slug for _ in range(25)]
    db.session.commit()
    assert [post_vote(client, slug, "try").status_code for slug in slugs] == [303] * 25


@pytest.mark.parametrize("app_config", [{"VOTE_RATE_LIMIT_IP": "2 per minute"}])
def test_the_ip_limit_counts_every_voter_behind_one_address(client, talks, login):
    for n, user in enumerate([make_user(), make_user(), make_user()]):
        login(user)
        assert post_vote(client, "talk-0", "love").status_code == (303 if n < 2 else 429)
    assert votes() == 2


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_vote_needs_the_csrf_token(client, talks, voter):
    assert post_vote(client, "talk-0", "love").status_code == 400 and votes() == 0
    page = client.get(vote_url("talk-0")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert post_vote(client, "talk-0", "love", csrf_token=token.group(1)).status_code == 303 and votes() == 1


@pytest.mark.parametrize("form", [{"choice": "awesome"}, {"choice": ""}, {}])
def test_an_unknown_choice_is_refused(client, talks, voter, form):
    response = client.post(vote_url("talk-0"), data=form)
    assert response.status_code == 400
    assert "Choose one of the voting buttons" in response.get_data(as_text=True)
    assert votes() == 0


def test_the_ip_is_kept_only_as_a_salted_hash(client, talks, voter):
    client.post(vote_url("talk-0"), data={"choice": "love"}, environ_base={"REMOTE_ADDR": "198.51.100.4"})
    stored = db.session.scalar(select(Vote.ip_hash))
    assert stored == services.hash_ip("198.51.100.4") and "198.51.100.4" not in stored


@pytest.mark.parametrize("state", [ProposalState.DRAFT, ProposalState.WITHDRAWN])
def test_proposals_not_open_to_votes_are_not_found(client, track, voter, state):
    make_proposal(track=track, slug="hidden", state=state)
    assert client.get(vote_url("hidden")).status_code == 404
    assert post_vote(client, "hidden", "skip").status_code == 404
    assert client.get(vote_url("no-such-talk")).status_code == 404
    assert post_vote(client, "no-such-talk", "love").status_code == 404


def test_proposal_text_is_escaped(client, track, voter):
    make_proposal(track=track, slug="xss", title="<script>alert(1)</script>",
                  abstract="<img src=x onerror=y>")
    page = client.get(vote_url()).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    body = client.post(vote_url("xss"), data={"choice": "skip"}, headers=JSON).get_json()
    assert "<script>alert" not in body["next"]["html"]


def test_event_and_proposal_pages_link_to_voting_while_open(client, talks):
    event_page = client.get("/events/summit").get_data(as_text=True)
    assert 'href="/events/summit/vote">Vote for presentations' in event_page
    page = client.get("/events/summit/proposals/talk-0").get_data(as_text=True)
    assert 'href="/events/summit/vote/talk-0">Vote on this proposal' in page
    db.session.merge(talks[0].event).voting_closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "Vote for presentations" not in client.get("/events/summit").get_data(as_text=True)
    assert "Vote on this proposal" not in client.get("/events/summit/proposals/talk-0").get_data(as_text=True)
