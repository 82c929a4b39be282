"""The one way routes save a form: validate, call a service, commit once, or show what went wrong."""
from flask import request

from voting.errors import RuleViolation
from voting.extensions import db


def save_form(form, action):
    """Validate `form`, run `action()` and commit; on a RuleViolation put its message on the form.

    Returns what `action` returned, or None when the form is to be shown again.
    """
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except RuleViolation as exc:
        db.session.rollback()
        attach_error(form, exc)
        return None
    db.session.commit()
    return result


def attach_error(form, violation):
    """Show each message of a RuleViolation next to its field, or above the form."""
    for name, message in violation.errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def form_status(form):
    """400 when a posted form is shown again with errors, 200 otherwise."""
    return 400 if request.method == "POST" and (form.errors or form.form_errors) else 200
