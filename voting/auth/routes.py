"""Sign-in through OAuth / OpenID Connect, linking providers, logout, the profile page."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from requests import RequestException

from voting.auth.flow import SIGN_IN_ERRORS, finish_sign_in, start_sign_in
from voting.auth.forms import PostForm
from voting.auth.services import safe_next_path
from voting.auth.sessions import end_session, is_current, open_sessions, start_session
from voting.core.errors import render_error
from voting.extensions import db

bp = Blueprint("auth", __name__, url_prefix="/auth")


def providers():
    """The configured sign-in providers, by name."""
    return current_app.extensions["podium_providers"]


def provider_or_404(name):
    provider = providers().get(name)
    if provider is None:
        abort(404, description=f"There is no sign-in provider called {name!r}.")
    return provider


@bp.get("/login")
def login():
    """The sign-in page: one button per configured provider."""
    next_path = safe_next_path(request.args.get("next"))
    return render_template("auth/login.html", providers=providers().values(), next=next_path,
                           dev_login=current_app.config["PODIUM_DEV_LOGIN"])


@bp.get("/login/<name>")
def login_with(name):
    """Send the browser to the provider's sign-in page."""
    provider = provider_or_404(name)
    session["podium_next"] = safe_next_path(request.args.get("next"))
    session.pop("podium_link", None)
    return _start(provider)


@bp.post("/link/<name>")
@login_required
def link(name):
    """Start signing in through a further provider, to link it to this account."""
    provider = provider_or_404(name)
    if not PostForm().validate_on_submit():
        abort(400)
    session["podium_link"] = current_user.id
    session["podium_next"] = url_for("auth.profile")
    return _start(provider)


def _start(provider):
    try:
        return start_sign_in(provider)
    except RequestException as exc:
        current_app.logger.warning("sign-in provider %s unreachable: %r", provider.name, exc)
        return render_error(503, f"{provider.label} cannot be reached right now. Please try again shortly.",
                            "Sign-in unavailable")


@bp.get("/callback/<name>")
def callback(name):
    """The redirect URI: check the provider's answer, then sign the user in (or link)."""
    provider = provider_or_404(name)
    try:
        user, linked = finish_sign_in(provider)
    except SIGN_IN_ERRORS as exc:
        db.session.rollback()
        current_app.logger.info("sign-in through %s refused: %r", name, exc)
        return render_error(400, f"Signing in through {provider.label} did not work: {_describe(exc)}",
                            "Sign-in failed")
    db.session.commit()
    if linked:
        flash(f"{provider.label} is now linked to your account.", "success")
    else:
        start_session(user)
        db.session.commit()
    return redirect(session.pop("podium_next", None) or url_for("core.home"))


def _describe(exc):
    text = (getattr(exc, "description", None) or str(exc) or "").strip().rstrip(":. ")
    if not text:
        text = f"its ID token could not be verified ({getattr(exc, 'error', type(exc).__name__)})"
    return f"{text}. Please try again."


@bp.post("/logout")
def logout():
    """Sign out (POST with a CSRF token only)."""
    if not PostForm().validate_on_submit():
        abort(400)
    end_session()
    db.session.commit()
    flash("You are signed out.", "success")
    return redirect(url_for("core.home"))


@bp.post("/sessions/end-all")
@login_required
def sign_out_everywhere():
    """End every session of the user, on every browser, this one included."""
    if not PostForm().validate_on_submit():
        abort(400)
    count = end_session(everywhere_for=current_user)
    db.session.commit()
    flash(f"You are signed out everywhere ({count} session{'s' if count != 1 else ''} ended).", "success")
    return redirect(url_for("core.home"))


@bp.get("/profile")
@login_required
def profile():
    """The account page: the user's identities, providers they can still link, and open sessions."""
    linked = {identity.provider for identity in current_user.identities}
    sessions = [(row, is_current(row)) for row in open_sessions(current_user)]
    return render_template("auth/profile.html", linked=linked, providers=providers().values(),
                           form=PostForm(), sessions=sessions)
