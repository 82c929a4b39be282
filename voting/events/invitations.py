"""Role invitations from the invited person's side: the mailed link, accepting and declining."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, user_logged_in

from voting.auth.forms import PostForm
from voting.core.errors import render_error
from voting.errors import RuleViolation
from voting.events import roles
from voting.extensions import db

bp = Blueprint("invitations", __name__, url_prefix="/invitations")


@bp.before_request
@login_required
def require_sign_in():
    """An invitation is answered signed in: who answers is who takes the role."""


@bp.get("")
def mine():
    """The invitations waiting for the signed-in user's verified email."""
    pending = [(invitation, roles.invitation_token(invitation), roles.role_text(invitation))
               for invitation in roles.invitations_for(current_user)]
    return render_template("invitations/list.html", pending=pending)


@bp.get("/<token>")
def show(token):
    """One invitation: what it offers, and whether the signed-in user may take it."""
    invitation = roles.invitation_for_token(token)
    return render_template("invitations/show.html", invitation=invitation, token=token,
                           role=roles.role_text(invitation), form=PostForm(),
                           problem=roles.invitation_addressee_problem(invitation, current_user))


@bp.post("/<token>/<any(accept, decline):answer>")
def respond(token, answer):
    """Accept or decline: only the invited verified address may; then the invitation is gone."""
    invitation = roles.invitation_for_token(token, for_update=True)
    if not PostForm().validate_on_submit():
        abort(400)
    respond_with = roles.accept_invitation if answer == "accept" else roles.decline_invitation
    role, event_slug = roles.role_text(invitation), invitation.event.slug
    try:
        respond_with(invitation=invitation, user=current_user)
    except RuleViolation as exc:
        db.session.rollback()
        return render_error(403, str(exc), "Not your invitation")
    db.session.commit()
    if answer == "decline":
        flash(f"You declined to become {role}.", "success")
        return redirect(url_for(".mine"))
    flash(f"You are now {role}.", "success")
    return redirect(url_for("events.detail", slug=event_slug))


@user_logged_in.connect
def _tell_of_invitations(app, user):
    """At sign-in, say when invitations are waiting for the user's verified email."""
    count = len(roles.invitations_for(user))
    if count:
        flash(f"You have {count} invitation{'s' if count > 1 else ''} to a role waiting: your account page "
              "lists them.", "info")
