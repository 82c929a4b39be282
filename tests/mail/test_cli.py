"""`flask --app app mail send [--watch]` and `flask --app app mail retry`."""
import pytest

from tests.mail.conftest import reload
from voting.extensions import db
from voting.mail import cli
from voting.mail.services import queue_mail


def queue(to="ann@example.test", **fields):
    return queue_mail(to=to, subject=fields.pop("subject", "Your proposal"), body="Thank you.\n", **fields)


def failed_mail(to="ann@example.test"):
    mail = queue(to=to)
    mail.status, mail.attempts, mail.last_error = "failed", 8, "ConnectionRefusedError: [Errno 111]"
    db.session.commit()
    return mail


def test_send_makes_one_pass_and_prints_the_counts(app, runner, smtp_server):
    smtp_server.inbox.refused.add("gone@example.test")
    for to in ("ann@example.test", "gone@example.test", "bob@example.test"):
        queue(to=to)
    db.session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert result.output == "sent 2, failed 0, retrying 1\n"
    assert len(smtp_server.messages) == 2


def test_send_with_nothing_due_says_so(app, runner):
    assert runner.invoke(args=["mail", "send"]).output == "sent 0, failed 0, retrying 0\n"


def test_watch_keeps_sending_until_it_is_stopped(app, runner, smtp_server, monkeypatch):
    queue()
    db.session.commit()
    sleeps = []
    monkeypatch.setattr(cli.time, "sleep", sleeps.append)
    result = runner.invoke(args=["mail", "send", "--watch", "--interval", "7", "--max-loops", "3"])
    assert result.exit_code == 0, result.output
    assert result.output == "sent 1, failed 0, retrying 0\n"  # quiet passes print nothing
    assert sleeps == [7, 7]
    assert len(smtp_server.messages) == 1


def test_watch_stops_cleanly_on_ctrl_c(app, runner, monkeypatch):
    def interrupt(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.time, "sleep", interrupt)
    result = runner.invoke(args=["mail", "send", "--watch"])
    assert (result.exit_code, result.output) == (0, "stopped\n")


def test_watch_sends_mail_queued_after_it_started(app, runner, smtp_server, monkeypatch):
    def queue_during_the_pause(seconds):
        queue(to="late@example.test")
        db.session.commit()

    monkeypatch.setattr(cli.time, "sleep", queue_during_the_pause)
    result = runner.invoke(args=["mail", "send", "--watch", "--interval", "0", "--max-loops", "2"])
    assert result.output == "sent 1, failed 0, retrying 0\n"
    assert [m["To"] for m in smtp_server.messages] == ["late@example.test"]


def test_retry_requeues_one_failed_mail_which_is_then_sent(app, runner, smtp_server):
    mail, other = failed_mail(), failed_mail(to="bob@example.test")
    result = runner.invoke(args=["mail", "retry", str(mail.id)])
    assert (result.exit_code, result.output) == (0, "requeued 1 mail\n")
    mail = reload(mail)
    assert (mail.status, mail.attempts) == ("queued", 0)
    assert reload(other).status == "failed"
    assert runner.invoke(args=["mail", "send"]).output == "sent 1, failed 0, retrying 0\n"
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.test"]


def test_retry_all_failed_requeues_every_failed_mail(app, runner):
    mails = [failed_mail(to=f"s{n}@example.test") for n in range(3)]
    result = runner.invoke(args=["mail", "retry", "--all-failed"])
    assert (result.exit_code, result.output) == (0, "requeued 3 mails\n")
    assert {reload(mail).status for mail in mails} == {"queued"}


@pytest.mark.parametrize("args, message", [
    ([], "give either a MAIL_ID or --all-failed"),
    (["1", "--all-failed"], "give either a MAIL_ID or --all-failed"),
    (["999"], "there is no mail 999 in the outbox"),
])
def test_retry_explains_what_it_cannot_do(app, runner, args, message):
    result = runner.invoke(args=["mail", "retry", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_retry_leaves_sent_mail_alone(app, runner, smtp_server):
    mail = queue()
    db.session.commit()
    runner.invoke(args=["mail", "send"])
    result = runner.invoke(args=["mail", "retry", str(mail.id)])
    assert result.exit_code == 1 and f"mail {mail.id} was already sent" in result.output
