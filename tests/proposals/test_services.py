"""The call for presentations' rules, tested at the service layer."""
from datetime import timedelta

import pytest

from tests.factories import make_event, make_track, make_user
from voting.db_types import utcnow
from voting.enums import Format, Level, ProposalState, SpeakerStatus
from voting.errors import RuleViolation
from voting.extensions import db
from voting.models import Decision, OutboxMail
from voting.proposals import services, speakers

S = ProposalState


def content(track, title="Scaling Nova", **fields):
    return {"title": title, "abstract": "An abstract.", "description": "", "learning_outcomes": "",
            "track_id": track.id, "format": Format.TALK, "level": Level.BEGINNER, "duration_minutes": 40,
            **fields}


@pytest.fixture
def track(app):
    return make_track(event=make_event(max_proposals_per_speaker=2, max_speakers_per_proposal=3))


def new(track, user, title="Scaling Nova", submit=True, **kwargs):
    return services.create_proposal(event=track.event, user=user, content=content(track, title), submit=submit,
                                    **kwargs)


def test_a_new_proposal_is_a_draft_with_its_submitter_first(track):
    user = make_user()
    proposal = new(track, user, submit=False, tags=["Nova", " nova ", "Scale"])
    assert proposal.state == S.DRAFT and proposal.submitted_at is None
    assert proposal.speaker_users == [user]
    assert proposal.tag_names == ["nova", "scale"]
    assert [(d.from_state, d.to_state) for d in proposal.decisions] == [(None, S.DRAFT)]


def test_submitting_records_the_decision_a_revision_and_queues_mail(track):
    user = make_user(email="ann@example.test")
    proposal = new(track, user)
    assert proposal.state == S.SUBMITTED and proposal.submitted_at is not None
    assert [d.to_state for d in proposal.decisions] == [S.DRAFT, S.SUBMITTED]
    assert [r.number for r in proposal.revisions] == [1]
    mail = db.session.query(OutboxMail).filter_by(to_address="ann@example.test").one()
    assert "Scaling Nova" in mail.subject and mail.kind == "proposal.submitted"


def test_the_slug_is_made_from_the_title_and_kept_unique(track):
    first = new(track, make_user(), "Ceilometer + Heat = Alarming!")
    assert first.slug == "ceilometer-heat-alarming"
    second = new(track, make_user(), "Ceilometer Heat: Alarming")
    assert second.slug == "ceilometer-heat-alarming-2"


def test_titles_are_unique_in_an_event_whatever_the_case(track):
    new(track, make_user(), "Scaling Nova")
    with pytest.raises(RuleViolation) as refused:
        new(track, make_user(), "scaling NOVA ")
    assert refused.value.field == "title"


def test_a_track_of_another_event_is_refused(track):
    other = make_track()
    with pytest.raises(RuleViolation, match="tracks"):
        services.create_proposal(event=track.event, user=make_user(), content=content(other))


def test_submitted_proposals_count_toward_the_speaker_limit_drafts_do_not(track):
    user = make_user()
    one = new(track, user, "One")
    new(track, user, "Two")
    draft = new(track, user, "Three", submit=False)
    with pytest.raises(RuleViolation, match="already has 2 proposals"):
        services.submit_proposal(proposal=draft, user=user)
    assert draft.state == S.DRAFT
    services.withdraw_proposal(proposal=one, user=user)
    services.submit_proposal(proposal=draft, user=user)
    assert draft.state == S.SUBMITTED


@pytest.mark.parametrize("offset, allowed", [(-1, True), (0, False), (1, False)])
def test_the_proposal_window_is_checked_to_the_second_at_closing(track, offset, allowed):
    closes = track.event.cfp_closes_at
    when = closes + timedelta(seconds=offset)
    if allowed:
        assert new(track, make_user(), now=when).state == S.SUBMITTED
    else:
        with pytest.raises(RuleViolation, match="closed"):
            new(track, make_user(), now=when)


@pytest.mark.parametrize("offset, allowed", [(-1, False), (0, True), (1, True)])
def test_the_proposal_window_is_checked_to_the_second_at_opening(track, offset, allowed):
    when = track.event.cfp_opens_at + timedelta(seconds=offset)
    if allowed:
        assert new(track, make_user(), now=when).state == S.SUBMITTED
    else:
        with pytest.raises(RuleViolation, match="not yet open"):
            new(track, make_user(), now=when)


def test_edits_after_submission_are_kept_as_revisions(track):
    user = make_user()
    proposal = new(track, user)
    services.update_proposal(proposal=proposal, user=user, content=content(track, "Scaling Nova, again"),
                             tags=["nova"])
    assert proposal.title == "Scaling Nova, again"
    assert [r.content["title"] for r in proposal.revisions] == ["Scaling Nova", "Scaling Nova, again"]
    assert proposal.revisions[1].content["tags"] == ["nova"]


def test_drafts_are_edited_without_revisions(track):
    user = make_user()
    proposal = new(track, user, submit=False)
    services.update_proposal(proposal=proposal, user=user, content=content(track, "Better title"))
    assert proposal.revisions == []


def test_withdrawn_proposals_cannot_be_edited_or_resubmitted_but_are_kept(track):
    user = make_user()
    proposal = new(track, user)
    services.withdraw_proposal(proposal=proposal, user=user, reason="Changed jobs")
    with pytest.raises(RuleViolation, match="can no longer be edited"):
        services.update_proposal(proposal=proposal, user=user, content=content(track))
    with pytest.raises(RuleViolation, match="cannot become submitted"):
        services.change_state(proposal=proposal, to_state=S.SUBMITTED, by=user)
    assert db.session.query(Decision).filter_by(proposal_id=proposal.id, to_state=S.WITHDRAWN).one().reason \
        == "Changed jobs"


def test_decisions_follow_the_flow_only(track):
    proposal = new(track, make_user())
    with pytest.raises(RuleViolation):
        services.change_state(proposal=proposal, to_state=S.CONFIRMED)
    services.change_state(proposal=proposal, to_state=S.ACCEPTED, reason="Great")
    services.change_state(proposal=proposal, to_state=S.CONFIRMED)
    assert [d.to_state for d in proposal.decisions][-2:] == [S.ACCEPTED, S.CONFIRMED]


def test_co_speaker_invitation_accept_and_leave(track):
    ann, bob = make_user(), make_user(email="bob@example.test", email_verified=True)
    proposal = new(track, ann)
    invited = speakers.invite_co_speaker(proposal=proposal, email="Bob@Example.test", by=ann)
    assert invited.status == SpeakerStatus.INVITED and invited.invited_email == "bob@example.test"
    assert db.session.query(OutboxMail).filter_by(to_address="bob@example.test", kind="speaker.invited").count()
    speakers.accept_invitation(token=speakers.invitation_token(invited), user=bob)
    assert proposal.speaker_users == [ann, bob]
    speakers.leave_proposal(proposal=proposal, user=bob)
    db.session.expire(proposal)
    assert proposal.speaker_users == [ann]


def test_only_the_submitter_manages_speakers_and_cannot_be_removed(track):
    ann, bob = make_user(), make_user()
    proposal = new(track, ann)
    with pytest.raises(RuleViolation, match="Only the speaker who submitted"):
        speakers.invite_co_speaker(proposal=proposal, email="x@example.test", by=bob)
    with pytest.raises(RuleViolation, match="cannot be removed"):
        speakers.remove_speaker(speaker=proposal.speakers[0], by=ann)
    with pytest.raises(RuleViolation, match="cannot leave"):
        speakers.leave_proposal(proposal=proposal, user=ann)


def test_speakers_per_proposal_limit_counts_invitations(track):
    ann = make_user()
    proposal = new(track, ann)
    speakers.invite_co_speaker(proposal=proposal, email="a@example.test", by=ann)
    speakers.invite_co_speaker(proposal=proposal, email="b@example.test", by=ann)
    with pytest.raises(RuleViolation, match="at most 3 speakers"):
        speakers.invite_co_speaker(proposal=proposal, email="c@example.test", by=ann)
    with pytest.raises(RuleViolation, match="already a speaker or invited"):
        speakers.invite_co_speaker(proposal=proposal, email="A@example.test", by=ann)


def test_accepting_counts_toward_the_co_speakers_limit(track):
    ann, bob = make_user(), make_user()
    new(track, bob, "Bob one")
    new(track, bob, "Bob two")
    proposal = new(track, ann)
    invited = speakers.invite_co_speaker(proposal=proposal, email="bob@example.test", by=ann)
    with pytest.raises(RuleViolation, match="already have 2 proposals"):
        speakers.accept_invitation(token=speakers.invitation_token(invited), user=bob, confirmed=True)


def test_tampered_expired_and_withdrawn_invitation_links_are_refused(track, monkeypatch):
    ann = make_user()
    proposal = new(track, ann)
    invited = speakers.invite_co_speaker(proposal=proposal, email="bob@example.test", by=ann)
    token = speakers.invitation_token(invited)
    with pytest.raises(RuleViolation, match="not valid"):
        speakers.accept_invitation(token=token[:-2] + "xx", user=make_user())
    monkeypatch.setattr(speakers, "INVITATION_MAX_AGE", -1)
    with pytest.raises(RuleViolation, match="expired"):
        speakers.accept_invitation(token=token, user=make_user())
    monkeypatch.undo()
    speakers.remove_speaker(speaker=invited, by=ann)
    with pytest.raises(RuleViolation, match="withdrawn"):
        speakers.accept_invitation(token=token, user=make_user())


def test_closed_window_refuses_edits_but_not_withdrawal(track):
    user = make_user()
    proposal = new(track, user)
    track.event.cfp_closes_at = utcnow() - timedelta(seconds=1)
    track.event.cfp_opens_at = utcnow() - timedelta(days=30)
    with pytest.raises(RuleViolation, match="closed"):
        services.update_proposal(proposal=proposal, user=user, content=content(track))
    services.withdraw_proposal(proposal=proposal, user=user)
    assert proposal.state == S.WITHDRAWN
