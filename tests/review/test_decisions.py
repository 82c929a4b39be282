"""Decisions: the audit trail, who may decide, publishing by mail, the speakers' confirm-or-decline links."""
import re
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.factories import make_chair, make_event, make_organiser, make_proposal, make_track, make_user
from tests.support.smtp import app_config, smtp_port, smtp_server, smtp_server_down  # noqa: F401
from voting.db_types import utcnow
from voting.enums import ProposalState, SpeakerStatus
from voting.errors import RuleViolation
from voting.extensions import db
from voting.mail.services import send_due_mail
from voting.models import ActivityLog, Decision, OutboxMail, ProposalSpeaker, TeamSelection
from voting.permissions import can_decide
from voting.proposals.speakers import invitation_token
from voting.review import decisions

S = ProposalState
DAN = "/events/tokyo/decisions/proposals/dan-talk"


@pytest.fixture
def w(app):
    """Tokyo: storage (2 sessions, 1 alternate) with a team list ann, bob, cat; dan is not listed."""
    event = make_event(name="Tokyo Summit", slug="tokyo")
    storage = make_track(event, name="Storage", slug="storage", session_count=2, alternate_count=1)
    networking = make_track(event, name="Networking", slug="networking")
    people = {name: make_user(name=name.title(), email=f"{name}@example.org")
              for name in ("ann", "bob", "cat", "dan", "eve")}
    talks = {name: make_proposal(storage, people[name], title=f"{name.title()}'s talk", slug=f"{name}-talk")
             for name in ("ann", "bob", "cat", "dan")}
    talks["ann"].speakers.append(ProposalSpeaker(user=people["eve"], position=1,
                                                  status=SpeakerStatus.CONFIRMED))
    for position, name in enumerate(("ann", "bob", "cat")):
        db.session.add(TeamSelection(track_id=storage.id, proposal_id=talks[name].id, position=position))
    world = SimpleNamespace(
        event=event, storage=storage, networking=networking, talks=talks, **people,
        chair=make_chair(storage, make_user(name="Chad", email="chad@example.org")),
        co_chair=make_chair(storage, make_user(name="Cleo", email="cleo@example.org")),
        other_chair=make_chair(networking, make_user(name="Nina", email="nina@example.org")),
        organiser=make_organiser(event, make_user(name="Olive", email="olive@example.org")))
    db.session.commit()
    return world


def mails(**filters):
    return db.session.scalars(select(OutboxMail).filter_by(**filters).order_by(OutboxMail.id)).all()


def activity(action):
    return db.session.scalars(select(ActivityLog.details).where(ActivityLog.action == action)).all()


def decided(w):
    """The team list applied and published."""
    decisions.apply_team_list(track=w.storage, by=w.organiser)
    decisions.publish_decisions(event=w.event, by=w.organiser)
    db.session.commit()


def page_of(w, name, speaker=None):
    token = decisions.confirm_token(w.talks[name], speaker or getattr(w, name))
    return f"/events/tokyo/proposals/{name}-talk/participation/{token}"


def test_a_decision_records_who_when_from_to_and_why(w):
    talk = w.talks["dan"]
    decisions.decide(proposal=talk, to_state="accepted", by=w.organiser, reason=" A fresh topic ")
    decisions.decide(proposal=talk, to_state=S.REJECTED, by=w.organiser)
    rows = talk.decisions[-2:]
    assert [(d.decided_by, d.from_state, d.to_state, d.reason) for d in rows] == [
        (w.organiser, S.SUBMITTED, S.ACCEPTED, "A fresh topic"), (w.organiser, S.ACCEPTED, S.REJECTED, "")]
    assert all(utcnow() - d.created_at < timedelta(minutes=1) for d in rows)
    with pytest.raises(RuleViolation, match="already rejected"):
        decisions.decide(proposal=talk, to_state=S.REJECTED, by=w.organiser)
    with pytest.raises(RuleViolation, match="accepted, alternate or rejected"):
        decisions.decide(proposal=talk, to_state=S.CONFIRMED, by=w.organiser)


def test_applying_the_team_list_decides_every_proposal_of_the_track_once(w):
    counts = decisions.apply_team_list(track=w.storage, by=w.chair)
    assert counts == {"accepted": 2, "alternate": 1, "rejected": 1, "unchanged": 0}
    assert {n: t.state for n, t in w.talks.items()} == {"ann": S.ACCEPTED, "bob": S.ACCEPTED,
                                                        "cat": S.ALTERNATE, "dan": S.REJECTED}
    last = {n: t.decisions[-1] for n, t in w.talks.items()}
    assert {n: (d.decided_by, d.from_state, d.reason) for n, d in last.items()} == {
        "ann": (w.chair, S.SUBMITTED, "Team list: Session 1"),
        "bob": (w.chair, S.SUBMITTED, "Team list: Session 2"),
        "cat": (w.chair, S.SUBMITTED, "Team list: Alternate 1"),
        "dan": (w.chair, S.SUBMITTED, "Team list: not selected")}
    before = db.session.scalar(select(db.func.count()).select_from(Decision))
    assert decisions.apply_team_list(track=w.storage, by=w.chair)["unchanged"] == 4
    assert db.session.scalar(select(db.func.count()).select_from(Decision)) == before, "nothing rewritten"
    assert activity("decisions.team_list_applied")[0] == \
        "Applied the team list of Storage: 2 accepted, 1 alternate, 1 rejected"


def test_a_withdrawn_proposal_leaves_its_place_in_the_team_list(w):
    w.talks["bob"].state = S.WITHDRAWN
    decisions.apply_team_list(track=w.storage, by=w.organiser)
    assert (w.talks["cat"].state, w.talks["bob"].state) == (S.ACCEPTED, S.WITHDRAWN)


def test_chairs_decide_only_when_the_event_allows_it(w, login):
    assert can_decide(w.organiser, w.event) and not can_decide(w.chair, w.event, w.storage)
    client = login(w.chair)
    assert client.get("/events/tokyo/decisions").status_code == 403
    assert client.post(DAN, data={"to_state": "accepted"}).status_code == 403
    w.event.chairs_can_decide = True
    db.session.commit()
    page = client.get("/events/tokyo/decisions")
    assert page.status_code == 200 and "Apply the team list of Storage" in page.text
    assert "Networking" not in page.text, "only the tracks the chair decides"
    response = client.post(DAN, data={"to_state": "alternate", "reason": "Close"})
    assert response.status_code == 302 and w.talks["dan"].state == S.ALTERNATE
    assert w.talks["dan"].decisions[-1].decided_by == w.chair
    assert client.post("/events/tokyo/decisions/tracks/storage/apply").status_code == 302
    assert client.post("/events/tokyo/decisions/publish").status_code == 403, "only organisers publish"
    other = login(w.other_chair)
    assert other.post(DAN, data={"to_state": "rejected"}).status_code == 403
    assert other.post("/events/tokyo/decisions/tracks/storage/apply").status_code == 403


def test_the_routes_refuse_clearly(w, login):
    client = login(w.organiser)
    assert client.post(DAN, data={}).status_code == 400
    refused = client.post(DAN, data={"to_state": "submitted"})
    assert refused.status_code == 400
    client.post(DAN, data={"to_state": "rejected"})
    again = client.post(DAN, data={"to_state": "rejected"})
    assert again.status_code == 400 and "already rejected" in again.text
    assert client.post("/events/tokyo/decisions/proposals/nope/").status_code == 404
    assert client.post("/events/tokyo/decisions/proposals/nope").status_code == 404
    assert client.post("/events/tokyo/decisions/tracks/nope/apply").status_code == 404
    assert client.get("/events/nope/decisions").status_code == 404
    page = client.get("/events/tokyo/decisions")
    assert "Dan&#39;s talk (Storage): not told yet → <strong>rejected</strong>" in page.text


def test_publishing_mails_each_speaker_once_and_republishing_only_the_changed(w, login):
    decisions.apply_team_list(track=w.storage, by=w.organiser)
    assert len(decisions.unpublished_changes(w.event)) == 4
    response = login(w.organiser).post("/events/tokyo/decisions/publish")
    assert response.status_code == 302
    sent = {m.to_address: m for m in mails()}
    assert {a: m.kind for a, m in sent.items()} == {
        "ann@example.org": "decision.accepted", "eve@example.org": "decision.accepted",
        "bob@example.org": "decision.accepted", "cat@example.org": "decision.alternate",
        "dan@example.org": "decision.rejected"}
    assert "/participation/" in sent["eve@example.org"].body
    assert "/participation/" not in sent["cat@example.org"].body
    assert "reason" not in sent["dan@example.org"].body, "the team list's note is not mailed as a reason"
    assert decisions.unpublished_changes(w.event) == [] and w.talks["ann"].published_state == S.ACCEPTED
    assert w.talks["ann"].published_at is not None and activity("decisions.published")
    assert decisions.publish_decisions(event=w.event, by=w.organiser)["mails"] == 0
    decisions.decide(proposal=w.talks["cat"], to_state=S.REJECTED, by=w.organiser,
                     reason="Too close to the keynote.")
    counts = decisions.publish_decisions(event=w.event, by=w.organiser)
    assert counts == {"accepted": 0, "alternate": 0, "rejected": 1, "mails": 1}
    latest = mails()[-1]
    assert (latest.to_address, latest.kind) == ("cat@example.org", "decision.rejected")
    assert "Too close to the keynote." in latest.body and latest.subject == "Not accepted: Cat's talk"


def test_decision_mails_arrive_with_links_that_work(w, login, smtp_server):
    decisions.apply_team_list(track=w.storage, by=w.organiser)
    login(w.organiser).post("/events/tokyo/decisions/publish")
    assert send_due_mail()["sent"] == 5
    received = {m["To"]: m for m in smtp_server.messages}
    assert received["ann@example.org"]["Subject"] == "Accepted: Ann's talk (please confirm)"
    assert received["cat@example.org"]["Subject"] == "Alternate: Cat's talk"
    link = re.search(r"http\S+/participation/\S+", received["bob@example.org"].get_content()).group(0)
    path = urlsplit(link).path
    client = login(w.chair)  # whoever opens the link: the signed link is the proof
    page = client.get(path)
    assert page.status_code == 200 and "Confirm" in page.text and "Decline" in page.text
    assert client.post(path, data={"confirm": "Confirm"}).status_code == 302
    assert w.talks["bob"].state == S.CONFIRMED and w.talks["bob"].decisions[-1].decided_by == w.bob


def test_confirming_from_the_link(w, client):
    decided(w)
    path = page_of(w, "ann")
    assert client.get(path).status_code == 200 and w.talks["ann"].state == S.ACCEPTED, "a GET changes nothing"
    response = client.post(path, data={"confirm": "Confirm"})
    assert response.status_code == 302 and response.headers["Location"] == path
    row = w.talks["ann"].decisions[-1]
    assert (row.decided_by, row.from_state, row.to_state) == (w.ann, S.ACCEPTED, S.CONFIRMED)
    again = client.post(path, data={"confirm": "Confirm"}, follow_redirects=True)
    assert "already confirmed" in again.text
    assert [d.to_state for d in w.talks["ann"].decisions].count(S.CONFIRMED) == 1
    assert client.post(path, data={}).status_code == 400, "neither button"


def test_declining_frees_the_slot_and_tells_the_chairs_the_next_alternate(w, client):
    decided(w)
    response = client.post(page_of(w, "bob"), data={"decline": "Decline", "reason": "No visa."})
    assert response.status_code == 302
    row = w.talks["bob"].decisions[-1]
    assert (row.decided_by, row.from_state, row.to_state) == (w.bob, S.ACCEPTED, S.DECLINED)
    assert row.reason == "No visa."
    told = mails(kind="decision.alternate_next")
    assert [m.to_address for m in told] == ["chad@example.org", "cleo@example.org"]
    assert "Cat's talk" in told[0].body and "/events/tokyo/decisions" in told[0].body
    assert activity("decisions.declined") == [
        "Bob declined “Bob's talk” (Storage); next alternate: “Cat's talk”"]
    assert w.talks["cat"].state == S.ALTERNATE, "the alternate is not accepted on its own"
    assert decisions.next_alternate(w.storage) == w.talks["cat"]


def test_a_confirmed_speaker_can_still_decline_and_without_alternates_the_chairs_hear_so(w, client):
    decided(w)
    w.talks["cat"].state = S.REJECTED  # no alternate left
    db.session.commit()
    client.post(page_of(w, "ann", w.eve), data={"confirm": "Confirm"})
    client.post(page_of(w, "ann"), data={"decline": "Decline"})
    assert [d.to_state for d in w.talks["ann"].decisions[-2:]] == [S.CONFIRMED, S.DECLINED]
    assert w.talks["ann"].decisions[-2].decided_by == w.eve
    assert "no alternate left" in mails(kind="decision.alternate_next")[0].body


def test_tampered_expired_and_foreign_links_are_refused(w, client, monkeypatch):
    decided(w)
    token = decisions.confirm_token(w.talks["ann"], w.ann)
    with pytest.raises(RuleViolation, match="not valid"):
        decisions.confirm_participation(token=token[:-3] + "abc")
    with pytest.raises(RuleViolation, match="not valid"):
        decisions.proposal_for_token(invitation_token(w.talks["ann"].speakers[1]))
    tampered = client.get(f"/events/tokyo/proposals/ann-talk/participation/{token[:-3]}abc")
    assert tampered.status_code == 400 and "This link is not valid." in tampered.text
    assert client.get(f"/events/tokyo/proposals/bob-talk/participation/{token}").status_code == 400
    assert client.get(f"/events/tokyo/proposals/nope/participation/{token}").status_code == 404
    monkeypatch.setattr(decisions, "CONFIRMATION_MAX_AGE", -1)
    with pytest.raises(RuleViolation, match="expired"):
        decisions.decline_participation(token=token)
    expired = client.post(page_of(w, "ann"), data={"confirm": "Confirm"})
    assert expired.status_code == 400 and "expired" in expired.text
    monkeypatch.undo()
    db.session.delete(w.talks["ann"].speakers[1])
    db.session.commit()
    with pytest.raises(RuleViolation, match="not a speaker"):
        decisions.confirm_participation(token=decisions.confirm_token(w.talks["ann"], w.eve))
    assert w.talks["ann"].state == S.ACCEPTED


def test_only_a_published_acceptance_can_be_confirmed(w):
    decisions.apply_team_list(track=w.storage, by=w.organiser)
    with pytest.raises(RuleViolation, match="not waiting"):
        decisions.confirm_participation(token=decisions.confirm_token(w.talks["ann"], w.ann))
    decisions.publish_decisions(event=w.event, by=w.organiser)
    for name in ("cat", "dan"):
        with pytest.raises(RuleViolation, match="not waiting"):
            decisions.decline_participation(token=decisions.confirm_token(w.talks[name], getattr(w, name)))
    decisions.decide(proposal=w.talks["bob"], to_state=S.REJECTED, by=w.organiser)
    with pytest.raises(RuleViolation, match="not waiting"):
        decisions.confirm_participation(token=decisions.confirm_token(w.talks["bob"], w.bob))


def test_speakers_never_see_an_unpublished_decision(w, login):
    decisions.decide(proposal=w.talks["ann"], to_state=S.ACCEPTED, by=w.organiser)
    decisions.decide(proposal=w.talks["dan"], to_state=S.REJECTED, by=w.organiser)
    db.session.commit()
    assert decisions.visible_state(w.ann, w.talks["ann"]) == S.SUBMITTED
    assert decisions.visible_state(w.chair, w.talks["ann"]) == S.ACCEPTED
    mine = login(w.ann).get("/me/proposals").text
    assert "Accepted" not in mine and "Submitted" in mine and "/participation/" not in mine
    assert "/participation/" not in login(w.ann).get("/events/tokyo/proposals/ann-talk").text
    assert "Withdraw" in login(w.dan).get("/events/tokyo/proposals/dan-talk").text, "as before any decision"
    assert "Accepted" in login(w.organiser).get("/events/tokyo/proposals/ann-talk").text
    decisions.publish_decisions(event=w.event, by=w.organiser)
    db.session.commit()
    for path in ("/me/proposals", "/events/tokyo/proposals/ann-talk"):
        text = login(w.ann).get(path).text
        assert "Accepted" in text and "/participation/" in text, path
    assert "Withdraw" not in login(w.dan).get("/events/tokyo/proposals/dan-talk").text


def test_the_proposal_page_badge_shows_speakers_only_the_published_decision(w, login):
    decisions.decide(proposal=w.talks["ann"], to_state=S.ACCEPTED, by=w.organiser)
    db.session.commit()
    assert "Accepted" not in login(w.ann).get("/events/tokyo/proposals/ann-talk").text
