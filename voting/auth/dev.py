"""Development sign-in: pick a demo user. Registered only when PODIUM_DEV_LOGIN is on (never in production)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from voting.auth.forms import DevLoginForm
from voting.auth.models import User
from voting.auth.services import safe_next_path
from voting.auth.sessions import start_session
from voting.events.models import Organiser, TrackChair
from voting.extensions import db

bp = Blueprint("dev_auth", __name__, url_prefix="/auth/dev-login")

DEMO_EMAILS = ("speaker@example.org", "voter@example.org", "chair@example.org", "organiser@example.org")


def dev_users(limit=30):
    """The demo users first, then organisers, chairs and admins."""
    has_role = or_(User.is_admin, User.id.in_(select(Organiser.user_id)), User.id.in_(select(TrackChair.user_id)))
    users = db.session.scalars(
        select(User).where(or_(User.email.in_(DEMO_EMAILS), has_role)).order_by(User.name).limit(limit)
    ).all()
    demo = [user for email in DEMO_EMAILS for user in users if user.email == email]
    return demo + [user for user in users if user.email not in DEMO_EMAILS]


@bp.get("")
def choose():
    """List users to sign in as."""
    form = DevLoginForm(next=safe_next_path(request.args.get("next")) or "")
    return render_template("auth/dev_login.html", users=dev_users(), form=form)


@bp.post("")
def sign_in_as():
    """Sign in as the chosen user."""
    form = DevLoginForm()
    if not form.validate_on_submit():
        abort(400, description="Choose a user to sign in as.")
    user = db.session.get(User, form.user_id.data)
    if user is None:
        abort(404, description="There is no such user.")
    start_session(user)
    db.session.commit()
    flash(f"Signed in as {user.name} (development sign-in).", "success")
    return redirect(safe_next_path(form.next.data) or url_for("core.home"))
