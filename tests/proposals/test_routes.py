"""The speaker's flow over HTTP: profile, submit, edit, withdraw, co-speakers, public page."""
from datetime import timedelta

import pytest

from tests.factories import make_event, make_proposal, make_track, make_user
from voting.db_types import utcnow
from voting.enums import ProposalState
from voting.extensions import db
from voting.models import OutboxMail, Proposal, SpeakerProfile, TrackChair


@pytest.fixture
def track(app):
    event = make_event(slug="hk")
    return make_track(event=event, name="Storage", slug="storage")


@pytest.fixture
def speaker(app):
    user = make_user(name="Ann Speaker", email="ann@example.test")
    db.session.add(SpeakerProfile(user=user, display_name="Ann S.", company="Red Hat", job_title="Engineer"))
    return user


def form(track, **fields):
    return {"title": "Ceilometer + Heat", "abstract": "Alarming for autoscaling.", "description": "",
            "learning_outcomes": "Alarms\nAutoscaling", "track_id": track.id, "format": "talk",
            "level": "beginner", "tags": "heat, ceilometer", "co_speakers": "", "submit": "1", **fields}


def test_first_submission_asks_for_the_speaker_profile_and_comes_back(track, login):
    client = login(make_user(name="Newbie"))
    response = client.get("/events/hk/proposals/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/speaker-profile?next=/events/hk/proposals/new"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Newbie"' in page
    saved = client.post("/me/speaker-profile?next=/events/hk/proposals/new",
                        data={"display_name": "New Bie", "company": "ACME", "photo_url": ""})
    assert saved.headers["Location"] == "/events/hk/proposals/new"
    assert client.get("/events/hk/proposals/new").status_code == 200


def test_speaker_profile_refuses_a_bad_photo_url_and_keeps_what_was_typed(track, login):
    client = login(make_user())
    response = client.post("/me/speaker-profile", data={"display_name": "Kept Name", "photo_url": "not a url"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give a full https:// address." in page and 'value="Kept Name"' in page


def test_submit_a_proposal_with_a_co_speaker(track, speaker, login):
    client = login(speaker)
    response = client.post("/events/hk/proposals/new", data=form(track, co_speakers="bob@example.org"))
    assert response.status_code == 302
    proposal = db.session.query(Proposal).one()
    assert response.headers["Location"] == f"/events/hk/proposals/{proposal.slug}"
    assert proposal.state == ProposalState.SUBMITTED and proposal.tag_names == ["ceilometer", "heat"]
    assert {m.kind for m in db.session.query(OutboxMail)} == {"proposal.submitted", "speaker.invited"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ceilometer + Heat" in page and "bob@example.org" in page and "invited" in page


def test_save_as_draft(track, speaker, login):
    client = login(speaker)
    data = form(track)
    del data["submit"]
    data["save_draft"] = "1"
    client.post("/events/hk/proposals/new", data=data)
    assert db.session.query(Proposal).one().state == ProposalState.DRAFT


def test_refusals_are_shown_on_the_form_with_what_was_typed(track, speaker, login):
    make_proposal(track=track, title="Taken Title")
    client = login(speaker)
    response = client.post("/events/hk/proposals/new", data=form(track, title="taken title",
                                                                  abstract="My typed abstract"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "already has this title" in page and "My typed abstract" in page
    response = client.post("/events/hk/proposals/new", data=form(track, title="x" * 201))
    assert response.status_code == 400 and "Field cannot be longer than 200 characters." in \
        response.get_data(as_text=True)
    response = client.post("/events/hk/proposals/new", data=form(track, co_speakers="not-an-email"))
    assert response.status_code == 400 and "not-an-email is not an email address." in \
        response.get_data(as_text=True)
    assert db.session.query(Proposal).count() == 1


def test_a_closed_call_for_proposals_refuses_with_a_message(track, speaker, login):
    track.event.cfp_opens_at = utcnow() - timedelta(days=9)
    track.event.cfp_closes_at = utcnow() - timedelta(seconds=1)
    response = login(speaker).post("/events/hk/proposals/new", data=form(track))
    assert response.status_code == 400
    assert "The call for proposals of" in response.get_data(as_text=True)
    assert db.session.query(Proposal).count() == 0


def test_edit_keeps_a_revision_and_only_speakers_may_edit(track, speaker, login, client):
    proposal = make_proposal(track=track, speaker=speaker, title="Old title")
    url = f"/events/hk/proposals/{proposal.slug}/edit"
    page = login(speaker).get(url).get_data(as_text=True)
    assert 'value="Old title"' in page
    response = client.post(url, data=form(track, title="New title"))
    assert response.status_code == 302
    assert proposal.title == "New title" and proposal.revisions[-1].content["title"] == "New title"
    login(make_user())
    assert client.get(url).status_code == 403
    assert client.post(url, data=form(track, title="Hijack")).status_code == 403


def test_withdraw_needs_post_and_keeps_the_proposal(track, speaker, login):
    proposal = make_proposal(track=track, speaker=speaker)
    client = login(speaker)
    assert client.get(f"/events/hk/proposals/{proposal.slug}/withdraw").status_code == 405
    client.post(f"/events/hk/proposals/{proposal.slug}/withdraw")
    assert db.session.get(Proposal, proposal.id).state == ProposalState.WITHDRAWN


def test_invitation_link_accept_flow(track, speaker, login, client):
    proposal = make_proposal(track=track, speaker=speaker)
    login(speaker).post(f"/events/hk/proposals/{proposal.slug}/speakers", data={"email": "bob@example.org"})
    mail = db.session.query(OutboxMail).filter_by(kind="speaker.invited").one()
    link = next(line for line in mail.body.splitlines() if "/invitations/" in line).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    bob = make_user(name="Bob", email="bob@example.org", email_verified=True)
    login(bob)
    assert "Accept the invitation" in client.get("/" + path).get_data(as_text=True)
    assert client.post("/" + path).status_code == 302
    db.session.expire_all()
    assert [u.name for u in db.session.get(Proposal, proposal.id).speaker_users] == ["Ann Speaker", "Bob"]
    assert client.post("/" + path).status_code == 400


def test_a_forged_invitation_link_is_refused(track, speaker, login):
    proposal = make_proposal(track=track, speaker=speaker)
    response = login(make_user()).post(f"/events/hk/proposals/{proposal.slug}/invitations/forged.token")
    assert response.status_code == 404 and "not valid" in response.get_data(as_text=True)


def test_public_page_only_once_voting_opens(track, speaker, login, client):
    proposal = make_proposal(track=track, speaker=speaker)
    url = f"/events/hk/proposals/{proposal.slug}"
    assert client.get(url).status_code == 200
    track.event.voting_opens_at = utcnow() + timedelta(days=1)
    track.event.voting_closes_at = utcnow() + timedelta(days=2)
    db.session.commit()
    assert client.get(url).status_code == 404
    assert login(speaker).get(url).status_code == 200


def test_drafts_are_private_to_their_speakers(track, speaker, login, client):
    proposal = make_proposal(track=track, speaker=speaker, state=ProposalState.DRAFT, submitted_at=None)
    db.session.commit()
    assert client.get(f"/events/hk/proposals/{proposal.slug}").status_code == 404
    assert login(speaker).get(f"/events/hk/proposals/{proposal.slug}").status_code == 200


def test_markdown_is_sanitised_and_plain_fields_escaped(track, speaker, client):
    proposal = make_proposal(
        track=track, speaker=speaker, title="<img src=x onerror=alert(1)>",
        description="**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://openstack.org)",
        learning_outcomes="<b>not bold</b>",
    )
    db.session.commit()
    page = client.get(f"/events/hk/proposals/{proposal.slug}").get_data(as_text=True)
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)" not in page and "onerror=alert" not in page.replace("&lt;img src=x onerror=", "")
    assert 'href="javascript:' not in page
    assert '<a href="https://openstack.org" rel="nofollow noopener noreferrer">ok</a>' in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page


def test_my_proposals_lists_mine_with_their_state(track, speaker, login):
    make_proposal(track=track, speaker=speaker, title="Mine")
    make_proposal(track=track, title="Not mine")
    page = login(speaker).get("/me/proposals").get_data(as_text=True)
    assert "Mine" in page and "Not mine" not in page and "Submitted" in page


@pytest.mark.parametrize("path", ["/events/hk/proposals/new", "/me/proposals", "/me/speaker-profile"])
def test_speaker_pages_need_sign_in(track, client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")


def test_chairs_see_the_revision_history_the_public_does_not(track, speaker, login, client):
    login(speaker).post("/events/hk/proposals/new", data=form(track, title="First"))
    proposal = db.session.query(Proposal).one()
    login(speaker).post(f"/events/hk/proposals/{proposal.slug}/edit", data=form(track, title="Second",
                                                                                 abstract="Changed."))
    chair = make_user()
    db.session.add(TrackChair(track=track, user=chair))
    page = login(chair).get(f"/events/hk/proposals/{proposal.slug}").get_data(as_text=True)
    assert "Revisions" in page and "title, abstract" in page
    login(make_user())
    assert "Revisions" not in client.get(f"/events/hk/proposals/{proposal.slug}").get_data(as_text=True)
