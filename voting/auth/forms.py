"""Forms of the sign-in pages: most carry only a CSRF token."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import DataRequired


class PostForm(FlaskForm):
    """A button that POSTs with a CSRF token and nothing else (logout, link a provider)."""


class DevLoginForm(FlaskForm):
    """Sign in as a chosen user (development only)."""

    user_id = IntegerField(validators=[DataRequired()])
    next = HiddenField()
