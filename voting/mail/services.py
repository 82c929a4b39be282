"""The outbox: queue mail with the change that causes it, and send what is due exactly once.

A worker claims due mail by setting a lease (locked_until) and committing it before it talks to the
SMTP server; on PostgreSQL the claim skips rows another worker is claiming (FOR UPDATE SKIP LOCKED),
so several workers or instances never send the same mail. A worker that dies mid-batch loses its
lease when it runs out, and the mail is sent by the next one.
"""
from datetime import timedelta

from flask import abort, current_app
from sqlalchemy import func, or_, select, update

from voting.db_types import utcnow
from voting.extensions import db
from voting.mail.models import OutboxMail
from voting.mail.smtp import MESSAGE_ERRORS, build_message, describe_error, smtp_connection

QUEUED, SENT, SHOWN, FAILED = "queued", "sent", "shown", "failed"
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)
SUBJECT_LENGTH = 300


def queue_mail(*, to, subject, body, kind=""):
    """Add a mail to the outbox; it is sent only if the caller's transaction commits."""
    to = to.strip()
    if "@" not in to or "\r" in to or "\n" in to:
        raise ValueError(f"not a mail address: {to!r}")
    now = utcnow()
    mail = OutboxMail(to_address=to, subject=" ".join(subject.split())[:SUBJECT_LENGTH], body=body,
                      kind=kind, status=QUEUED, attempts=0, last_error="", created_at=now,
                      next_attempt_at=now)
    if keeps_mail_only():
        _mark_shown(mail, now)
    db.session.add(mail)
    db.session.flush()
    return mail


def keeps_mail_only():
    """Whether mail is kept in the outbox for the browser (MAIL_BACKEND=outbox) rather than sent."""
    return current_app.config["MAIL_BACKEND"] == "outbox"


def send_due_mail(*, limit=100, now=None):
    """Claim due mail, send it over one SMTP connection and record each outcome; commits twice."""
    now = now or utcnow()
    mails = _claim_due_mail(limit=limit, now=now)
    counts = {"sent": 0, "failed": 0, "retrying": 0, "shown": 0}
    if not mails:
        return counts
    if keeps_mail_only():
        for mail in mails:
            _mark_shown(mail, now)
    else:
        _deliver(mails, now)
    for mail in mails:
        counts[mail_state(mail)] += 1
    db.session.commit()
    return counts


def _claim_due_mail(*, limit, now):
    due = (select(OutboxMail.id).where(*_due(now))
           .order_by(OutboxMail.next_attempt_at, OutboxMail.id).limit(limit)
           .with_for_update(skip_locked=True))
    ids = list(db.session.scalars(due))
    if ids:
        # The conditions again: on SQLite another worker may have claimed a row since the SELECT.
        lease = now + timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
        claim = (update(OutboxMail).where(OutboxMail.id.in_(ids), *_due(now))
                 .values(locked_until=lease).returning(OutboxMail.id)
                 .execution_options(synchronize_session=False))
        ids = list(db.session.scalars(claim))
    db.session.commit()
    if not ids:
        return []
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.id.in_(ids)).order_by(OutboxMail.id)))


def _due(now):
    return (OutboxMail.status == QUEUED, OutboxMail.next_attempt_at <= now,
            or_(OutboxMail.locked_until.is_(None), OutboxMail.locked_until <= now))


def _deliver(mails, now):
    config = current_app.config
    pending = list(mails)
    try:
        with smtp_connection(config) as connection:
            while pending:
                mail = pending[0]
                try:
                    connection.send_message(build_message(mail, sender=config["MAIL_DEFAULT_SENDER"]))
                except MESSAGE_ERRORS as exc:
                    _record_failure(mail, describe_error(exc), now)
                else:
                    _record_sent(mail, now)
                pending.pop(0)
    except OSError as exc:
        current_app.logger.warning("mail: SMTP connection failed: %s", describe_error(exc))
        for mail in pending:
            _record_failure(mail, describe_error(exc), now)


def _record_sent(mail, now):
    mail.status, mail.sent_at, mail.locked_until = SENT, now, None
    mail.attempts += 1


def _record_failure(mail, error, now):
    mail.attempts += 1
    mail.last_error = error[:2000]
    mail.locked_until = None
    if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = FAILED
    else:
        mail.next_attempt_at = now + backoff(mail.attempts)


def _mark_shown(mail, now):
    mail.status, mail.sent_at, mail.locked_until = SHOWN, now, None


def backoff(attempts):
    """How long to wait after the given number of failed attempts: 1 min doubling, at most 1 h."""
    return min(FIRST_BACKOFF * 2 ** (attempts - 1), MAX_BACKOFF)


def mail_state(mail):
    """What became of a mail: queued, retrying, sent, shown (kept for the browser) or failed."""
    if mail.status in (SENT, SHOWN):
        return mail.status
    if mail.status == QUEUED:
        return "retrying" if mail.attempts else "queued"
    return "failed"


def retry_mail(*, mail, now=None):
    """Make a failed or waiting mail due now; a failed one starts its attempts afresh."""
    if mail.status == SENT:
        return False
    if mail.status == FAILED:
        mail.attempts = 0
    mail.status, mail.next_attempt_at = QUEUED, now or utcnow()
    db.session.flush()
    return True


def retry_failed_mail(*, now=None):
    """Requeue every failed mail; returns how many."""
    mails = list(db.session.scalars(select(OutboxMail).where(OutboxMail.status == FAILED)))
    for mail in mails:
        retry_mail(mail=mail, now=now)
    return len(mails)


def undelivered_mail(*, limit=500):
    """Failed mails and mails waiting for another attempt, failed first."""
    stuck = or_(OutboxMail.status == FAILED, (OutboxMail.status == QUEUED) & (OutboxMail.attempts > 0))
    order = (OutboxMail.status != FAILED, OutboxMail.next_attempt_at, OutboxMail.id)
    return list(db.session.scalars(select(OutboxMail).where(stuck).order_by(*order).limit(limit)))


def outbox_mail(*, limit=500):
    """The newest mails in the outbox, whatever their state."""
    return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)))


def count_mail():
    """How many mails the outbox holds in each status."""
    rows = db.session.execute(select(OutboxMail.status, func.count()).group_by(OutboxMail.status))
    return {QUEUED: 0, SENT: 0, FAILED: 0, **dict(rows.all())}


def get_mail_or_404(mail_id):
    """The outbox mail with this id, or a 404."""
    return db.session.get(OutboxMail, mail_id) or abort(404)
