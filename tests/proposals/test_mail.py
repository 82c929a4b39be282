"""Speakers' mail reaches a real SMTP server, and survives one that is down."""
from datetime import timedelta

import pytest

from tests.factories import make_event, make_track, make_user
from tests.support.smtp import app_config, smtp_port, smtp_server, smtp_server_down  # noqa: F401
from voting.db_types import utcnow
from voting.extensions import db
from voting.models import SpeakerProfile
from voting.mail.services import send_due_mail


@pytest.fixture
def speaker(app):
    user = make_user(name="Ann Speaker", email="ann@example.org")
    db.session.add(SpeakerProfile(user=user, display_name="Ann"))
    return user


def submit(login, speaker, **fields):
    track = make_track(event=make_event(slug="hk"), slug="storage")
    data = {"title": "Zürich to Tokyo: Ceilometer", "abstract": "Alarming.", "track_id": track.id,
            "format": "talk", "level": "beginner", "submit": "1", **fields}
    response = login(speaker).post("/events/hk/proposals/new", data=data)
    assert response.status_code == 302
    return response.headers["Location"]


def test_submission_and_invitation_mails_arrive(login, speaker, smtp_server, runner):
    path = submit(login, speaker, co_speakers="bob@example.org")
    result = runner.invoke(args=["mail", "send"])
    assert "sent 2" in result.output, result.output
    by_recipient = {message["To"]: message for message in smtp_server.messages}
    received = by_recipient["ann@example.org"]
    assert received["Subject"] == "Proposal received: Zürich to Tokyo: Ceilometer"
    assert path in received.get_content()
    invitation = by_recipient["bob@example.org"].get_content()
    assert "Ann Speaker invites you" in invitation and "/invitations/" in invitation


def test_mail_survives_an_smtp_server_that_is_down(login, speaker, smtp_server_down):
    submit(login, speaker)
    assert send_due_mail()["retrying"] == 1
    smtp_server_down.start()
    assert send_due_mail()["sent"] == 0, "not due again before its backoff"
    assert send_due_mail(now=utcnow() + timedelta(minutes=5))["sent"] == 1
    assert [m["To"] for m in smtp_server_down.messages] == ["ann@example.org"]
