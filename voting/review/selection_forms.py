"""Forms of the selection lists: small button forms, each with a CSRF token."""
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from voting.enums import SelectionMark


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MarkForm(FlaskForm):
    """Mark a proposal in my list: one of the three buttons."""

    mark = SelectField(choices=[SelectChoice(mark.value, mark.label) for mark in SelectionMark],
                       validators=[InputRequired("Choose selected, maybe or pass.")])


class MoveForm(FlaskForm):
    """Move an entry one place up or down (the buttons), or to a 0-based position (drag and drop)."""

    direction = StringField(filters=[_strip], validators=[Optional(), AnyOf(("up", "down"))])
    position = IntegerField(validators=[Optional(), NumberRange(min=0)])

    def validate(self, extra_validators=None):
        """Exactly one of a direction and a position."""
        if not super().validate(extra_validators):
            return False
        if bool(self.direction.data) == (self.position.data is not None):
            self.form_errors.append("Move it up, down or to a position.")
            return False
        return True

    def target(self):
        """The keyword arguments of a move service."""
        return {"direction": self.direction.data or None, "position": self.position.data}


class TeamAddForm(FlaskForm):
    """Add a proposal to the team list, at the end or at a 0-based position, with an optional note."""

    position = IntegerField(validators=[Optional(), NumberRange(min=0)])
    note = StringField("Note", filters=[_strip], validators=[Optional(), Length(max=500)])
