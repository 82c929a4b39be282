"""Forms of the voting pages: the vote (a CSRF token and the button pressed) and the filters."""
from flask import request
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, StringField
from wtforms.validators import AnyOf

from voting.enums import VoteChoice

# What the vote form's buttons send as `choice`: the four votes, then the two actions that are not votes.
ACTIONS = (*(choice.value for choice in VoteChoice), "skip", "clear")
# Where the vote form goes back to: the next proposal, the shareable proposal page, or my votes.
RETURNS = ("next", "proposal", "mine")
MAX_SEARCH_LENGTH = 200


class VoteForm(FlaskForm):
    """One vote: the CSRF token and which of the buttons was pressed."""

    choice = StringField(validators=[AnyOf(ACTIONS, message="Choose one of the voting buttons.")])

    def target(self):
        """Where the form asked to go afterwards (the field is named `return`, a Python keyword)."""
        value = request.form.get("return", "next")
        return value if value in RETURNS else "next"


class FilterForm(FlaskForm):
    """The voting page's filters, read from the query string: a track and a search text."""

    class Meta:
        csrf = False

    track = SelectField("Track", coerce=int, default=0)
    q = SearchField("Search", description="A word of the title, a speaker's name or a tag.")

    def __init__(self, *, event, **kwargs):
        super().__init__(formdata=request.args, **kwargs)
        self.track.choices = [(0, "All tracks"), *((track.id, track.name) for track in event.tracks)]

    def values(self):
        """The filters as next_proposal's keyword arguments; a value that makes no sense is ignored."""
        track_ids = {value for value, _ in self.track.choices}
        track_id = self.track.data if self.track.data in track_ids else 0
        text = (self.q.data or "").strip()[:MAX_SEARCH_LENGTH]
        return {"track_id": track_id or None, "text": text or None}

    def query(self):
        """The filters as query-string arguments, to keep them in links and forms."""
        values = self.values()
        return {key: value for key, value in (("track", values["track_id"]), ("q", values["text"])) if value}
