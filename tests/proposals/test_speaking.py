"""Who speaks on a proposal, through the routes: a chair who is a confirmed or an invited co-speaker of a talk
neither votes on, scores, selects nor decides it, and does not see the other chairs' marks on it."""
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tests.factories import make_chair, make_event, make_organiser, make_proposal, make_track, make_user
from voting.db_types import utcnow
from voting.enums import ProposalState, SelectionMark, SpeakerStatus
from voting.extensions import db
from voting.models import ChairSelection, Proposal, ProposalSpeaker, Review, TeamSelection, Vote
from voting.review import decisions

TALK = "/events/kyoto/proposals/ann-talk"
REVIEW = "/events/kyoto/review/storage"
DECISIONS = "/events/kyoto/decisions"
# The team list's picks of Ann's talk (selected, maybe), hidden and shown.
HIDDEN_PICKS = r'<td class="num">—</td>\s*<td class="num">—</td>'
CHADS_PICK = r'<td class="num">1</td>\s*<td class="num">0</td>'


@pytest.fixture(params=["confirmed", "invited"])
def w(request, app):
    """Kyoto: Ann's talk in Storage, with chair Cleo as its confirmed or invited co-speaker; chair Chad has
    scored, commented on and selected it, and an organiser accepted it with a reason."""
    now = utcnow()
    event = make_event(slug="kyoto", chairs_can_decide=True, review_opens_at=now - timedelta(days=1),
                       review_closes_at=now + timedelta(days=10))
    track = make_track(event, name="Storage", slug="storage")
    ann = make_user(name="Ann", email="ann@example.org", email_verified=True)
    talk = make_proposal(track, ann, title="Ann's talk", slug="ann-talk")
    cleo = make_chair(track, make_user(name="Cleo", email="cleo@example.org", email_verified=True))
    chad = make_chair(track, make_user(name="Chad", email="chad@example.org", email_verified=True))
    organiser = make_organiser(event)
    if request.param == "confirmed":
        talk.speakers.append(ProposalSpeaker(user=cleo, position=1, status=SpeakerStatus.CONFIRMED))
    else:
        talk.speakers.append(ProposalSpeaker(invited_email="cleo@example.org", position=1,
                                             status=SpeakerStatus.INVITED, invited_at=now))
    db.session.flush()
    db.session.add_all([
        Review(chair_id=chad.id, proposal_id=talk.id, score=4, comment="A private comment by Chad"),
        ChairSelection(track_id=track.id, chair_id=chad.id, proposal_id=talk.id, position=0,
                       mark=SelectionMark.SELECTED),
        TeamSelection(track_id=track.id, proposal_id=talk.id, position=0, added_by_id=chad.id),
    ])
    decisions.decide(proposal=talk, to_state="accepted", by=organiser, reason="A reason from the organiser")
    db.session.commit()
    return SimpleNamespace(event=event, track=track, talk=talk, ann=ann, cleo=cleo, chad=chad,
                           organiser=organiser)


def count(model, **filters):
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


def test_a_co_speaker_cannot_vote_on_it(w, login):
    response = login(w.cleo).post("/events/kyoto/vote/ann-talk", data={"choice": "love"})
    assert response.status_code == 400 and "speak on" in response.get_data(as_text=True)
    assert count(Vote, user_id=w.cleo.id) == 0
    assert login(w.chad).post("/events/kyoto/vote/ann-talk", data={"choice": "love"}).status_code == 303


def test_a_co_speaker_cannot_score_it(w, login):
    response = login(w.cleo).post(f"{REVIEW}/ann-talk", data={"score": "5", "save": "Save"})
    assert response.status_code == 403
    assert count(Review, chair_id=w.cleo.id) == 0
    assert login(w.chad).post(f"{REVIEW}/ann-talk", data={"score": "2", "save": "Save"}).status_code == 302


def test_a_co_speaker_cannot_select_it(w, login):
    client = login(w.cleo)
    response = client.post(f"{REVIEW}/selection/ann-talk/mark", data={"mark": "selected"})
    assert response.status_code == 303 and count(ChairSelection, chair_id=w.cleo.id) == 0
    flashed = client.get(response.location).get_data(as_text=True)
    assert "You cannot select a proposal you speak on." in flashed
    client.post(f"{REVIEW}/selection/team/ann-talk/remove")
    assert count(TeamSelection, proposal_id=w.talk.id) == 1
    assert login(w.chad).post(f"{REVIEW}/selection/ann-talk/mark", data={"mark": "maybe"}).status_code == 303
    assert db.session.scalar(select(ChairSelection.mark).filter_by(chair_id=w.chad.id)) == SelectionMark.MAYBE


def test_a_co_speaker_cannot_decide_it_even_where_chairs_decide(w, login):
    client = login(w.cleo)
    response = client.post(f"{DECISIONS}/proposals/ann-talk", data={"to_state": "rejected"})
    assert response.status_code == 400 and "You speak on" in response.get_data(as_text=True)
    assert client.post(f"{DECISIONS}/tracks/storage/apply").status_code == 400
    db.session.expire_all()
    assert db.session.get(Proposal, w.talk.id).state == ProposalState.ACCEPTED
    decided = login(w.chad).post(f"{DECISIONS}/proposals/ann-talk", data={"to_state": "rejected"})
    assert decided.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, w.talk.id).state == ProposalState.REJECTED


def test_a_co_speaker_does_not_see_the_other_chairs_marks(w, login):
    client = login(w.cleo)
    review = client.get(f"{REVIEW}/ann-talk").get_data(as_text=True)
    assert "A private comment by Chad" not in review
    assert client.get(f"{REVIEW}/selection").get_data(as_text=True).count("Nothing marked yet.") == 2
    team = client.get(f"{REVIEW}/selection/team").get_data(as_text=True)
    assert re.search(HIDDEN_PICKS, team) and not re.search(CHADS_PICK, team)
    board = client.get(DECISIONS).get_data(as_text=True)
    assert "A reason from the organiser" not in board and "You speak on this one" in board
    assert "→ <strong>accepted</strong>" not in board
    # The very pages show all of it to an organiser who does not speak on the talk.
    other = login(w.organiser)
    assert "A private comment by Chad" in other.get(f"{REVIEW}/ann-talk").get_data(as_text=True)
    assert other.get(f"{REVIEW}/selection").get_data(as_text=True).count("Nothing marked yet.") == 1
    assert re.search(CHADS_PICK, other.get(f"{REVIEW}/selection/team").get_data(as_text=True))
    board = other.get(DECISIONS).get_data(as_text=True)
    assert "A reason from the organiser" in board and "→ <strong>accepted</strong>" in board


def test_an_invitation_to_an_unverified_address_names_nobody(app, login):
    now = utcnow()
    event = make_event(slug="kyoto", review_opens_at=now - timedelta(days=1),
                       review_closes_at=now + timedelta(days=10))
    track = make_track(event, name="Storage", slug="storage")
    talk = make_proposal(track, title="Ann's talk", slug="ann-talk")
    cleo = make_chair(track, make_user(email="cleo@example.org", email_verified=False))
    talk.speakers.append(ProposalSpeaker(invited_email="cleo@example.org", position=1,
                                         status=SpeakerStatus.INVITED, invited_at=now))
    client = login(cleo)
    assert client.post(f"{REVIEW}/ann-talk", data={"score": "5", "save": "Save"}).status_code == 302
    cleo.email_verified = True
    db.session.commit()
    assert client.post(f"{REVIEW}/ann-talk", data={"score": "4", "save": "Save"}).status_code == 403
