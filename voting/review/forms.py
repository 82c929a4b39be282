"""Forms of the chairs' review: a score with its comment and conflict note, a discussion comment."""
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from voting.review.services import MAX_COMMENT, MAX_NOTE, scale_choices


class ReviewForm(FlaskForm):
    """A chair's score on the event's scale, an optional comment and, for a conflict, a declared note."""

    score = RadioField("Score", coerce=int, validators=[InputRequired(message="Choose a score.")])
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=MAX_COMMENT)],
                            description="For the chairs and the organisers; never shown to the speakers.")
    conflict_note = TextAreaField("Conflict of interest", validators=[Optional(), Length(max=MAX_NOTE)],
                                  description="Needed when a speaker works at your company; chairs see it.")
    save = SubmitField("Save")
    save_and_next = SubmitField("Save and next")

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.score.choices = scale_choices(event)

    def review_data(self):
        """The review's fields as save_review takes them."""
        return {"score": self.score.data, "comment": self.comment.data or "",
                "conflict_note": self.conflict_note.data or ""}


class CommentForm(FlaskForm):
    """A message in the chairs' private discussion."""

    body = TextAreaField("Your comment", validators=[DataRequired(message="Write a comment."),
                                                     Length(max=MAX_COMMENT)])
    submit = SubmitField("Add to the discussion")
