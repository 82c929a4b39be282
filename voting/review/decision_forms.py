"""Forms of the decisions: decide one proposal, press a button, confirm or decline participation."""
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from voting.proposals.publicity import DECIDED_STATES as DECIDED


def _strip(value):
    return value.strip() if isinstance(value, str) else value



class DecideForm(FlaskForm):
    """A decision on one proposal and its optional reason."""

    to_state = SelectField("Decision", choices=[SelectChoice(state.value, state.label) for state in DECIDED],
                           validators=[InputRequired("Choose a decision.")])
    reason = TextAreaField("Reason", description="Optional. A rejection's reason is mailed to its speakers.",
                           filters=[_strip], validators=[Optional(), Length(max=2000)])


class ButtonForm(FlaskForm):
    """A button with a CSRF token (apply a team list, publish)."""


class ParticipationForm(FlaskForm):
    """The speaker's answer to an acceptance: confirm, or decline with an optional reason."""

    reason = TextAreaField("Why you decline (optional)", filters=[_strip],
                           validators=[Optional(), Length(max=2000)])
    confirm = SubmitField("Confirm")
    decline = SubmitField("Decline")

    def validate(self, extra_validators=None):
        """Valid fields and exactly one of the two buttons."""
        if not super().validate(extra_validators):
            return False
        if self.confirm.data == self.decline.data:
            self.form_errors.append("Choose Confirm or Decline.")
            return False
        return True
