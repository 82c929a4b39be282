"""Site admins' view of mail that did not go out, and the development outbox."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from voting.extensions import db, login_manager
from voting.mail.services import (
    count_mail, get_mail_or_404, keeps_mail_only, mail_state, outbox_mail, retry_failed_mail, retry_mail,
    undelivered_mail,
)
from voting.permissions import is_admin, is_signed_in

bp = Blueprint("mail", __name__)


@bp.before_request
def admins_only():
    """Mail is site-wide: every page here is for site admins."""
    if not is_signed_in(current_user):
        return login_manager.unauthorized()
    if not is_admin(current_user):
        abort(403)
    return None


@bp.get("/admin/mail")
def problems():
    """Mails that failed or wait for another attempt, with a way to retry them now."""
    return render_template("mail/problems.html", mails=undelivered_mail(), counts=count_mail(),
                           mail_state=mail_state, kept_only=keeps_mail_only())


@bp.post("/admin/mail/<int:mail_id>/retry")
def retry(mail_id):
    """Make one mail due now; the worker sends it on its next pass."""
    mail = get_mail_or_404(mail_id)
    if retry_mail(mail=mail):
        flash(f"Mail to {mail.to_address} will be sent on the worker's next pass.", "success")
    else:
        flash("That mail was already sent.", "info")
    db.session.commit()
    return redirect(url_for("mail.problems"))


@bp.post("/admin/mail/retry-failed")
def retry_failed():
    """Requeue every failed mail."""
    count = retry_failed_mail()
    db.session.commit()
    flash(f"{count} failed mail{'' if count == 1 else 's'} requeued.", "success")
    return redirect(url_for("mail.problems"))


@bp.get("/dev/outbox")
def outbox():
    """Development: every mail in the outbox, newest first."""
    _outbox_view_or_404()
    return render_template("mail/outbox.html", mails=outbox_mail(), mail_state=mail_state,
                           kept_only=keeps_mail_only())


@bp.get("/dev/outbox/<int:mail_id>")
def outbox_message(mail_id):
    """Development: one mail as its recipient would read it."""
    _outbox_view_or_404()
    mail = get_mail_or_404(mail_id)
    return render_template("mail/message.html", mail=mail, state=mail_state(mail),
                           sender=current_app.config["MAIL_DEFAULT_SENDER"])


def _outbox_view_or_404():
    config = current_app.config
    if not (config["MAIL_OUTBOX_VIEW"] or config["PODIUM_ENV"] == "development"):
        abort(404)
