"""`flask --app app mail ...`: the outbox worker and requeueing failed mail."""
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from voting.extensions import db
from voting.mail.models import OutboxMail
from voting.mail.services import retry_failed_mail, retry_mail, send_due_mail

mail_cli = AppGroup("mail", help="Send outbox mail and requeue failed mail.")


@mail_cli.command("send")
@click.option("--watch", is_flag=True, help="Keep sending until interrupted (Ctrl-C).")
@click.option("--interval", type=click.FloatRange(min=0), default=10.0, show_default=True,
              help="Seconds between passes with --watch.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True, help="Mails per pass.")
@click.option("--max-loops", type=click.IntRange(min=1), default=None, hidden=True)
def send_command(watch, interval, limit, max_loops):
    """Send the mail that is due: one pass, or a loop with --watch."""
    if not watch:
        click.echo(_summary(send_due_mail(limit=limit)))
        return
    try:
        _watch(interval=interval, limit=limit, max_loops=max_loops)
    except KeyboardInterrupt:
        click.echo("stopped")


def _watch(*, interval, limit, max_loops):
    loops = 0
    while max_loops is None or loops < max_loops:
        loops += 1
        counts = _send_pass(limit)
        if any(counts.values()):
            click.echo(_summary(counts))
        # A full batch suggests more is due: go again at once.
        if sum(counts.values()) < limit and loops != max_loops:
            time.sleep(interval)


def _send_pass(limit):
    try:
        return send_due_mail(limit=limit)
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("mail: database error, trying again later: %s", exc)
        click.echo(f"database error, trying again later: {type(exc).__name__}", err=True)
        return {}


def _summary(counts):
    text = f"sent {counts['sent']}, failed {counts['failed']}, retrying {counts['retrying']}"
    return text + (f", kept in the outbox {counts['shown']}" if counts["shown"] else "")


@mail_cli.command("retry")
@click.argument("mail_id", type=int, required=False)
@click.option("--all-failed", is_flag=True, help="Requeue every failed mail.")
def retry_command(mail_id, all_failed):
    """Requeue the mail with MAIL_ID, or every failed mail with --all-failed."""
    if (mail_id is None) == (not all_failed):
        raise click.UsageError("give either a MAIL_ID or --all-failed")
    if all_failed:
        count = retry_failed_mail()
    else:
        mail = db.session.get(OutboxMail, mail_id)
        if mail is None:
            raise click.ClickException(f"there is no mail {mail_id} in the outbox")
        if not retry_mail(mail=mail):
            raise click.ClickException(f"mail {mail_id} was already sent")
        count = 1
    db.session.commit()
    click.echo(f"requeued {count} mail{'' if count == 1 else 's'}")
