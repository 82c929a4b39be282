"""The mail server is down while an organiser publishes decisions: nothing is lost, nothing sent twice.

Podium runs under gunicorn on PostgreSQL with MAIL_BACKEND=smtp pointing at a port where nothing
listens. Publishing succeeds and queues the mails; the worker (`flask mail send`) fails, counts the
attempt and keeps them; once a real SMTP server listens and the retry is due, each speaker gets
exactly one mail.
"""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_event, make_organiser, make_proposal, make_track, make_user
from tests.realworld.site import Browser, models_on
from tests.support.live import Gunicorn, run_flask
from tests.support.smtp import SMTPServer, free_port
from voting.db_types import utcnow
from voting.enums import SpeakerStatus
from voting.extensions import db
from voting.models import OutboxMail, ProposalSpeaker
from voting.review.decisions import decide

pytestmark = pytest.mark.slow
DECISIONS = ("accepted", "accepted", "alternate", "rejected", "rejected")


def seed_decided_event(url):
    """Five proposals with decisions not yet published (one with a co-speaker) and an organiser."""
    with models_on(url):
        event = make_event()
        track = make_track(event)
        organiser = make_organiser(event)
        talks = [make_proposal(track) for _ in DECISIONS]
        co_speaker = ProposalSpeaker(user=make_user(), position=1, status=SpeakerStatus.CONFIRMED)
        talks[0].speakers.append(co_speaker)
        for talk, to_state in zip(talks, DECISIONS):
            decide(proposal=talk, to_state=to_state, by=organiser)
        db.session.commit()
        speakers = sorted(user.email for talk in talks for user in talk.speaker_users)
        return event.slug, organiser.id, speakers


def mail_settings(port):
    """Send through 127.0.0.1:`port` with a short timeout."""
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_TIMEOUT": 3}


def mail_worker(url, port):
    """One pass of the mail worker, `flask --app app mail send`; its one-line summary."""
    result = run_flask(["mail", "send"], {"DATABASE_URL": url, **mail_settings(port)}, timeout=60)
    return result.stdout.strip()


def outbox(url):
    """(to, status, attempts, last_error, next_attempt_at) of every outbox mail."""
    with models_on(url):
        mails = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id))
        return [(m.to_address, m.status, m.attempts, m.last_error, m.next_attempt_at) for m in mails]


def time_passes(url, delta):
    """Move every waiting mail's next attempt `delta` earlier, as if that much time had passed."""
    with models_on(url):
        for mail in db.session.scalars(select(OutboxMail).where(OutboxMail.status == "queued")):
            mail.next_attempt_at -= delta
        db.session.commit()


def publish(site, app, organiser_id, slug):
    """The organiser presses Publish on the decisions page; the page it lands on."""
    browser = Browser(site.base).sign_in_as(app, organiser_id)
    with browser:
        token = browser.csrf_token(f"/events/{slug}/decisions")
        response = browser.post(f"/events/{slug}/decisions/publish", data={"csrf_token": token})
        assert response.status_code == 302, response.text
        return browser.get(response.headers["Location"])


@pytest.fixture
def smtp():
    """An SMTP server on a port where nothing listens until the test calls .start()."""
    server = SMTPServer(free_port())
    yield server
    server.stop()


def test_publishing_while_the_mail_server_is_down_loses_nothing_and_sends_once(live_database, smtp):
    """Published with SMTP down: queued, a failed attempt kept, then exactly one mail per speaker."""
    url = live_database.url
    slug, organiser_id, speakers = seed_decided_event(url)
    with Gunicorn(url, workers=2, **mail_settings(smtp.port)) as site, models_on(url) as app:
        page = publish(site, app, organiser_id, slug)
    assert page.status_code == 200 and "Published: 2 accepted, 1 alternate, 2 rejected, 6 mails" in page.text
    assert sorted((to, status, attempts) for to, status, attempts, *_ in outbox(url)) == [
        (to, "queued", 0) for to in speakers]

    assert mail_worker(url, smtp.port) == "sent 0, failed 0, retrying 6"
    kept = outbox(url)
    assert all(status == "queued" and attempts == 1 and "refused" in error.lower()
               for _, status, attempts, error, _ in kept), kept
    assert all(due - utcnow() > timedelta(seconds=50) for *_, due in kept), "retried only after a backoff"
    assert mail_worker(url, smtp.port) == "sent 0, failed 0, retrying 0", "not retried before it is due"

    smtp.start()
    time_passes(url, timedelta(minutes=1))
    assert mail_worker(url, smtp.port) == "sent 6, failed 0, retrying 0"
    assert mail_worker(url, smtp.port) == "sent 0, failed 0, retrying 0"
    assert Counter(str(message["To"]) for message in smtp.messages) == Counter(speakers)
    assert len({message["Message-ID"] for message in smtp.messages}) == len(speakers)
    assert [(status, attempts) for _, status, attempts, *_ in outbox(url)] == [("sent", 2)] * len(speakers)
