"""The organiser's voting-integrity page: suspicious voting, and excluding or reinstating voters."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length

from voting.auth.models import User
from voting.community import exclusions, stuffing
from voting.core.forms import save_form
from voting.events.services import managed_event_or_403
from voting.extensions import db

bp = Blueprint("integrity", __name__)
PAGE = "/events/<event_slug>/manage/voting-integrity"


class IncludeForm(FlaskForm):
    """Which user's votes to count again."""

    user_id = IntegerField(validators=[InputRequired("Choose whose votes to reinstate.")])


class ExcludeForm(IncludeForm):
    """Which user's votes to exclude, and why (the service refuses a blank reason)."""

    reason = TextAreaField("Reason", filters=[lambda value: value.strip() if value else value],
                           validators=[Length(max=2000)])


@bp.before_request
@login_required
def require_sign_in():
    """Every page here needs a signed-in user; anonymous visitors are sent to sign in."""


def _managed_event(event_slug):
    """The event if the user may manage it: a 404 when unknown, a 403 when not theirs."""
    return managed_event_or_403(event_slug, current_user, "review its voting")


def _user_or_404(user_id):
    """The user with this id, or a 404 that says so."""
    return db.session.get(User, user_id) or abort(404, description=f"There is no user {user_id}.")


def _page(event, failed=None):
    """The page; with `failed`, the refused form's messages on top and a 400."""
    html = render_template("community/suspicious.html", event=event, kinds=stuffing.KINDS, failed=failed,
                           flags=stuffing.suspicious_voting(event=event), max_flags=stuffing.MAX_FLAGS,
                           exclusions=exclusions.excluded_voters(event))
    return html, 400 if failed else 200


@bp.get(PAGE)
def index(event_slug):
    """The flags of suspicious voting, grouped by kind, and the voters already excluded."""
    return _page(_managed_event(event_slug))


@bp.post(PAGE + "/exclude")
def exclude(event_slug):
    """Exclude a user's votes from the results, with a reason."""
    event, form = _managed_event(event_slug), ExcludeForm()
    row = save_form(form, lambda: exclusions.exclude_voter(event=event, user=_user_or_404(form.user_id.data),
                                                         reason=form.reason.data, by=current_user))
    if row is None:
        return _page(event, failed=form)
    flash(f"The votes of {row.user.name} are excluded from the results (and kept).", "success")
    return redirect(url_for(".index", event_slug=event.slug))


@bp.post(PAGE + "/include")
def include(event_slug):
    """Count an excluded user's votes again."""
    event, form = _managed_event(event_slug), IncludeForm()
    user = save_form(form, lambda: _reinstate(event, _user_or_404(form.user_id.data)))
    if user is None:
        return _page(event, failed=form)
    flash(f"The votes of {user.name} count again.", "success")
    return redirect(url_for(".index", event_slug=event.slug))


def _reinstate(event, user):
    exclusions.include_voter(event=event, user=user, by=current_user)
    return user
