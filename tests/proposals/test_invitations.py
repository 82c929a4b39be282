"""Co-speaker invitations through the routes: the addressee, who accepted, the vote that stops counting,
and links whose token is wrong."""
import re

import pytest
from sqlalchemy import select

from tests.community.test_services import concurrent_app, run_together
from tests.conftest import POSTGRES_URL, empty_tables
from tests.factories import make_event, make_proposal, make_track, make_user
from voting.community.services import cast_vote, recount_votes
from voting.enums import ProposalState, SpeakerStatus, VoteChoice
from voting.errors import RuleViolation
from voting.extensions import db
from voting.models import OutboxMail, Proposal, ProposalSpeaker, User, Vote
from voting.proposals.speakers import accept_invitation, invitation_token

TALK = "/events/kyoto/proposals/ann-talk"
INVITED = "bob@example.org"


@pytest.fixture
def talk(app):
    """Ann's submitted talk at Kyoto, with bob@example.org invited to speak on it."""
    track = make_track(make_event(slug="kyoto"), slug="storage")
    ann = make_user(name="Ann", email="ann@example.org", email_verified=True)
    proposal = make_proposal(track, ann, title="Ann's talk", slug="ann-talk")
    proposal.speakers.append(ProposalSpeaker(invited_email=INVITED, position=1, status=SpeakerStatus.INVITED))
    db.session.commit()
    return proposal


def link(proposal):
    return f"/events/kyoto/proposals/{proposal.slug}/invitations/{invitation_token(proposal.speakers[1])}"


def accepted_by(proposal):
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id).speakers[1].user


def test_the_verified_addressee_accepts_at_once_and_the_submitter_is_told(talk, login):
    bob = make_user(name="Bob", email=INVITED, email_verified=True)
    client = login(bob)
    page = client.get(link(talk)).get_data(as_text=True)
    assert "This invitation was sent to" not in page and 'name="confirm"' not in page
    assert client.post(link(talk)).status_code == 302 and accepted_by(talk) == bob
    mail = db.session.scalars(select(OutboxMail).filter_by(kind="speaker.accepted")).one()
    assert mail.to_address == "ann@example.org" and "Bob (bob@example.org) accepted" in mail.body
    assert "this account's verified address is not that one" not in mail.body


@pytest.mark.parametrize("email, verified, says", [
    ("robert@example.net", True, "This invitation was sent to bob@example.org; you are signed in as "
                                 "robert@example.net."),
    (INVITED, False, "This invitation was sent to bob@example.org; you are signed in with that address, "
                     "but your sign-in provider has not verified it."),
])
def test_anyone_else_is_told_and_must_confirm(talk, login, email, verified, says):
    robert = make_user(name="Robert", email=email, email_verified=verified)
    client = login(robert)
    page = client.get(link(talk)).get_data(as_text=True)
    assert says in page and 'name="confirm"' in page
    refused = client.post(link(talk))
    assert refused.status_code == 400 and says in refused.get_data(as_text=True)
    assert accepted_by(talk) is None
    assert client.post(link(talk), data={"confirm": "y"}).status_code == 302 and accepted_by(talk) == robert
    mail = db.session.scalars(select(OutboxMail).filter_by(kind="speaker.accepted")).one()
    assert f"Robert ({email}) accepted" in mail.body
    assert "The invitation was sent to bob@example.org" in mail.body
    page = login(talk.speakers[0].user).get(TALK).get_data(as_text=True)
    assert f"Robert &lt;{email}&gt;" in page


def test_the_speakers_see_who_accepted(talk, login):
    robert = make_user(name="Robert", email="robert@example.net", email_verified=True)
    login(robert).post(link(talk), data={"confirm": "y"})
    page = login(robert).get(TALK).get_data(as_text=True)
    assert "Robert &lt;robert@example.net&gt;" in page and "(invited as bob@example.org)" in page


def test_a_vote_of_someone_who_becomes_a_speaker_stops_counting(talk, login):
    bob = make_user(name="Bob", email=INVITED, email_verified=False)
    client = login(bob)
    assert client.post("/events/kyoto/vote/ann-talk", data={"choice": "love"}).status_code == 303
    db.session.expire_all()
    assert (talk.vote_count, talk.love_count) == (1, 1)
    client.post(link(talk), data={"confirm": "y"})
    db.session.expire_all()
    assert (talk.vote_count, talk.love_count) == (0, 0)
    assert db.session.scalar(select(Vote.id).filter_by(user_id=bob.id)) is None
    recount_votes(event=talk.event)  # the counters are exactly what the votes say
    db.session.expire_all()
    assert (talk.vote_count, talk.love_count) == (0, 0)
    refused = client.post("/events/kyoto/vote/ann-talk", data={"choice": "love"})
    assert refused.status_code == 400 and "speak on" in refused.get_data(as_text=True)


def test_an_invited_verified_addressee_cannot_vote_before_accepting(talk, login):
    bob = make_user(name="Bob", email=INVITED, email_verified=True)
    assert login(bob).post("/events/kyoto/vote/ann-talk", data={"choice": "love"}).status_code == 400
    db.session.expire_all()
    assert talk.vote_count == 0


def _body(response):
    """The page without the per-request CSRF token."""
    return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))


def test_a_wrong_token_reveals_nothing_of_the_proposal(talk, login):
    track = talk.track
    for state in (ProposalState.DRAFT, ProposalState.WITHDRAWN):
        make_proposal(track, title=f"Secret {state.value}", slug=state.value, state=state, submitted_at=None)
    other = make_proposal(track, title="Another talk", slug="another")
    other.speakers.append(ProposalSpeaker(invited_email="cat@example.org", position=1,
                                          status=SpeakerStatus.INVITED))
    client = login(make_user())
    other_token = invitation_token(other.speakers[1])
    answers = []
    for slug in ("draft", "withdrawn", "ann-talk", "no-such-talk"):
        for token in ("forged.token", other_token):
            url = f"/events/kyoto/proposals/{slug}/invitations/{token}"
            answers += [client.get(url), client.post(url, data={"confirm": "y"})]
    assert {response.status_code for response in answers} == {404}
    bodies = {_body(response) for response in answers}
    assert len(bodies) == 1
    assert "Secret" not in (body := bodies.pop()) and "Another talk" not in body
    invitation = select(ProposalSpeaker.user_id).filter_by(invited_email="cat@example.org")
    assert db.session.scalar(invitation) is None


BOTH_BACKENDS = pytest.mark.parametrize("backend", ["sqlite"] + (["postgresql"] if POSTGRES_URL else []))


def invited_world(app):
    """A talk with bob@example.org invited, Bob (unverified) and two other users: their ids and the token."""
    with app.app_context():
        db.create_all()
        proposal = make_proposal(make_track(make_event()))
        invited = ProposalSpeaker(invited_email=INVITED, position=1, status=SpeakerStatus.INVITED)
        proposal.speakers.append(invited)
        bob, others = make_user(email=INVITED, email_verified=False), [make_user(), make_user()]
        db.session.commit()
        ids = {"proposal": proposal.id, "bob": bob.id, "others": [u.id for u in others]}
        with app.test_request_context():
            return ids, invitation_token(invited)


def accept_as(app, token, user_id):
    with app.test_request_context():
        accept_invitation(token=token, user=db.session.get(User, user_id), confirmed=True)


@BOTH_BACKENDS
def test_two_accepting_one_invitation_at_once_make_one_speaker(tmp_path, backend):
    app = concurrent_app(tmp_path, backend)
    ids, token = invited_world(app)
    refused = []
    try:
        def work(i):
            try:
                accept_as(app, token, ids["others"][i])
            except RuleViolation as exc:
                db.session.rollback()
                refused.append(exc.message)

        run_together(app, work, 2)
        with app.app_context():
            assert refused == ["This invitation has already been accepted."]
            accepted = db.session.scalars(select(ProposalSpeaker.user_id).filter_by(invited_email=INVITED)).all()
            assert len(accepted) == 1 and accepted[0] in ids["others"]
    finally:
        dispose(app, backend)


@BOTH_BACKENDS
def test_votes_racing_an_acceptance_leave_exact_counts(tmp_path, backend):
    """Bob votes again and again while he accepts; two others vote: only theirs count, exactly."""
    app = concurrent_app(tmp_path, backend)
    ids, token = invited_world(app)
    try:
        def work(i):
            target = db.session.get(Proposal, ids["proposal"])
            if i == 0:
                return accept_as(app, token, ids["bob"])
            voter = ids["others"][i - 1] if i <= 2 else ids["bob"]
            try:
                cast_vote(user=db.session.get(User, voter), proposal=target, choice=list(VoteChoice)[i % 4])
            except RuleViolation:  # Bob, once he speaks on it
                db.session.rollback()

        run_together(app, work, 8)
        with app.app_context():
            counted = db.session.get(Proposal, ids["proposal"])
            assert db.session.scalar(select(Vote.id).filter_by(user_id=ids["bob"])) is None
            assert counted.vote_count == 2 == sum(getattr(counted, f"{c.value}_count") for c in VoteChoice)
    finally:
        dispose(app, backend)


def dispose(app, backend):
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            empty_tables()
        db.engine.dispose()
