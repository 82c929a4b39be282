"""The outbox: queueing with the caller's transaction, sending over real SMTP, retries and claims."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from tests.mail.conftest import reload
from voting.db_types import utcnow
from voting.extensions import db
from voting.mail import services
from voting.mail.models import OutboxMail
from voting.mail.services import backoff, mail_state, queue_mail, send_due_mail

NOTHING = {"sent": 0, "failed": 0, "retrying": 0, "shown": 0}


def queue(to="ann@example.test", subject="Your proposal", body="Thank you.\n", **fields):
    return queue_mail(to=to, subject=subject, body=body, **fields)


def test_queued_mail_arrives_with_its_headers_and_utf8_body(app, smtp_server):
    subject = "Ваш доклад «Zürich» принят ✓"
    body = "Grüße, Ann!\nСпасибо за доклад 🎤 — see you in Zürich.\n"
    mail = queue(subject=subject, body=body, kind="proposal.submitted")
    db.session.commit()
    assert send_due_mail() == {**NOTHING, "sent": 1}
    [message] = smtp_server.messages
    assert message["To"] == "ann@example.test"
    assert message["From"] == "Podium <podium@localhost>"
    assert message["Subject"] == subject
    assert message.get_content().replace("\r\n", "\n") == body
    assert message.get_content_charset() == "utf-8"
    assert message["Message-ID"] == f"<outbox.{mail.id}.{int(mail.created_at.timestamp())}@localhost>"
    assert message["Date"] and message["Auto-Submitted"] == "auto-generated"
    mail = reload(mail)
    assert (mail.status, mail.attempts, mail.locked_until) == ("sent", 1, None)
    assert mail.sent_at is not None


def test_sent_mail_is_not_sent_again(app, smtp_server):
    queue()
    db.session.commit()
    send_due_mail()
    assert send_due_mail() == NOTHING
    assert len(smtp_server.messages) == 1


def test_a_rolled_back_change_sends_nothing(app, smtp_server):
    queue()
    db.session.rollback()
    assert send_due_mail() == NOTHING
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0
    assert smtp_server.messages == []


def test_queue_mail_refuses_header_injection_and_tidies_the_subject(app):
    with pytest.raises(ValueError):
        queue(to="ann@example.test\nBcc: everyone@example.test")
    mail = queue(subject="Line one\r\nBcc: x@example.test  " + "x" * 400)
    assert mail.subject.startswith("Line one Bcc: x@example.test x") and len(mail.subject) == 300


def test_server_down_loses_nothing_and_each_mail_goes_once_it_is_back(app, smtp_server_down):
    first, second = queue(to="ann@example.test"), queue(to="bob@example.test")
    db.session.commit()
    now = utcnow()
    assert send_due_mail(now=now) == {**NOTHING, "retrying": 2}
    for mail in (reload(first), reload(second)):
        assert (mail.status, mail.attempts, mail.locked_until) == ("queued", 1, None)
        assert mail.next_attempt_at == now + timedelta(minutes=1)
        assert "ConnectionRefusedError" in mail.last_error
    assert send_due_mail(now=now + timedelta(seconds=30)) == NOTHING
    smtp_server_down.start()
    assert send_due_mail(now=now + timedelta(minutes=2)) == {**NOTHING, "sent": 2}
    assert send_due_mail(now=now + timedelta(hours=5)) == NOTHING
    assert sorted(m["To"] for m in smtp_server_down.messages) == ["ann@example.test", "bob@example.test"]


def test_a_refused_recipient_fails_only_its_own_mail(app, smtp_server):
    smtp_server.inbox.refused.add("gone@example.test")
    queue(to="ann@example.test")
    gone = queue(to="gone@example.test")
    queue(to="bob@example.test")
    db.session.commit()
    assert send_due_mail() == {**NOTHING, "sent": 2, "retrying": 1}
    assert sorted(m["To"] for m in smtp_server.messages) == ["ann@example.test", "bob@example.test"]
    gone = reload(gone)
    assert (gone.status, gone.attempts) == ("queued", 1)
    assert "gone@example.test refused: 550" in gone.last_error


def test_after_max_attempts_the_mail_is_failed_and_left_alone(app, smtp_server_down):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    mail = queue()
    db.session.commit()
    now = utcnow()
    outcomes = [send_due_mail(now=now + timedelta(hours=hour)) for hour in range(4)]
    assert [o["retrying"] for o in outcomes] == [1, 1, 0, 0]
    assert [o["failed"] for o in outcomes] == [0, 0, 1, 0]
    mail = reload(mail)
    assert (mail.status, mail.attempts, mail_state(mail)) == ("failed", 3, "failed")


def test_backoff_doubles_from_a_minute_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 6, 7, 20)] == [timedelta(minutes=m) for m in (1, 2, 4, 32, 60, 60)]


def test_a_mail_under_a_live_lease_is_left_to_its_worker(app, smtp_server):
    mail = queue()
    db.session.commit()
    now = utcnow()
    mail.locked_until = now + timedelta(minutes=5)
    db.session.commit()
    assert send_due_mail(now=now) == NOTHING
    assert smtp_server.messages == []
    # The worker holding the lease died: once the lease runs out another one sends the mail.
    assert send_due_mail(now=now + timedelta(minutes=6)) == {**NOTHING, "sent": 1}


def test_a_second_worker_does_not_send_what_the_first_has_claimed(app, smtp_server, monkeypatch):
    for n in range(3):
        queue(to=f"speaker{n}@example.test")
    db.session.commit()
    rival = {}
    real_connection = services.smtp_connection

    @contextmanager
    def connection_after_a_rival_pass(config):
        with app.app_context():  # another worker, with its own session, while the first holds its claim
            rival.update(send_due_mail())
        with real_connection(config) as connection:
            yield connection

    monkeypatch.setattr(services, "smtp_connection", connection_after_a_rival_pass)
    assert send_due_mail() == {**NOTHING, "sent": 3}
    assert rival == NOTHING
    assert len(smtp_server.messages) == 3


def test_postgresql_claims_skip_rows_another_worker_has_locked(app, backend, smtp_server):
    if backend != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite serialises writers")
    locked, free = queue(to="locked@example.test"), queue(to="free@example.test")
    db.session.commit()
    with db.engine.connect() as other, other.begin():
        other.execute(text("SELECT id FROM outbox WHERE id = :id FOR UPDATE"), {"id": locked.id})
        assert send_due_mail() == {**NOTHING, "sent": 1}
    assert [m["To"] for m in smtp_server.messages] == ["free@example.test"]
    assert reload(locked).status == "queued" and reload(free).status == "sent"


def test_the_sender_logs_in_when_a_username_is_set(app, smtp_server):
    app.config.update(MAIL_USERNAME="podium", MAIL_PASSWORD="s3cret",
                      MAIL_DEFAULT_SENDER="Summit <cfp@summit.test>")
    mail = queue()
    db.session.commit()
    assert send_due_mail()["sent"] == 1
    assert smtp_server.inbox.logins == ["podium"]
    assert smtp_server.messages[0]["Message-ID"].endswith("@summit.test>")
    assert reload(mail).status == "sent"


def test_a_wrong_password_fails_the_batch_without_losing_it(app, smtp_server):
    app.config.update(MAIL_USERNAME="podium", MAIL_PASSWORD="wrong")
    mail = queue()
    db.session.commit()
    assert send_due_mail() == {**NOTHING, "retrying": 1}
    assert "SMTPAuthenticationError: 535" in reload(mail).last_error


def test_outbox_backend_keeps_mail_and_never_sends_it(app, smtp_server):
    waiting = queue(to="early@example.test")  # queued while mail was still sent over SMTP
    db.session.commit()
    app.config["MAIL_BACKEND"] = "outbox"
    kept = queue(to="later@example.test")
    db.session.commit()
    assert mail_state(kept) == "shown"
    assert send_due_mail() == {**NOTHING, "shown": 1}
    assert mail_state(reload(waiting)) == "shown"
    assert send_due_mail() == NOTHING
    assert smtp_server.messages == []
