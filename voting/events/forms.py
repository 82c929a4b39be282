"""Forms of the organiser's console; the services check the event's rules, the forms the input's shape."""
from datetime import UTC
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (
    DateField, DateTimeLocalField, EmailField, IntegerField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import AnyOf, Email, InputRequired, Length, Optional, ValidationError

from voting.enums import DEFAULT_VOTE_WEIGHTS, VoteChoice
from voting.events.services import EVENT_FIELDS, TRACK_FIELDS, WINDOW_FIELDS, is_time_zone, time_zones

def _strip(value):
    """Trim the text; a field missing from the POST is empty text, not None (the columns are NOT NULL)."""
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


def _text(label, max_length, **kwargs):
    return StringField(label, filters=[_strip], validators=[Length(max=max_length)], **kwargs)


def _number(label, default, **kwargs):
    return IntegerField(label, default=default, validators=[Optional()], **kwargs)


def _when(label):
    return DateTimeLocalField(label, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], validators=[Optional()])


def _weight(choice):
    return _number(f"“{choice.label}” counts", DEFAULT_VOTE_WEIGHTS[choice], description="From -10 to 10.")


class EventForm(FlaskForm):
    """An event's settings: identity, dates, the three windows, limits and vote weights."""

    name = _text("Name", 200)
    slug = _text("Slug", 80, description="Used in addresses: lower-case letters, digits and hyphens.")
    timezone = SelectField("Time zone", default="UTC", validate_choice=False)
    venue = _text("Venue", 200)
    description = TextAreaField("Description", filters=[_strip], validators=[Length(max=10000)])
    starts_on = DateField("First day", validators=[Optional()])
    ends_on = DateField("Last day", validators=[Optional()])
    cfp_opens_at = _when("Call for proposals opens")
    cfp_closes_at = _when("Call for proposals closes")
    voting_opens_at = _when("Community voting opens")
    voting_closes_at = _when("Community voting closes")
    review_opens_at = _when("Track chair review opens")
    review_closes_at = _when("Track chair review closes")
    max_proposals_per_speaker = _number("Proposals per speaker, at most", 3)
    max_speakers_per_proposal = _number("Speakers per proposal, at most", 4)
    weight_love = _weight(VoteChoice.LOVE)
    weight_try = _weight(VoteChoice.TRY)
    weight_might = _weight(VoteChoice.MIGHT)
    weight_not = _weight(VoteChoice.NOT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = time_zones()

    @classmethod
    def for_event(cls, event):
        """The form filled with the event's settings, its window times shown in its own zone."""
        zone = ZoneInfo(event.timezone)
        data = {name: getattr(event, name) for name in EVENT_FIELDS}
        for name in WINDOW_FIELDS:
            if data[name] is not None:
                data[name] = data[name].astimezone(zone).replace(tzinfo=None)
        return cls(data=data)

    def validate_timezone(self, field):
        """Only a zone of the list: the window times are read in it."""
        if not is_time_zone(field.data):
            raise ValidationError("Choose a time zone from the list.")

    def settings(self):
        """The settings as the services take them: window times converted to UTC."""
        zone = ZoneInfo(self.timezone.data)
        values = {name: self[name].data for name in EVENT_FIELDS}
        for name in WINDOW_FIELDS:
            if values[name] is not None:
                values[name] = values[name].replace(tzinfo=zone).astimezone(UTC)
        return values


class TrackForm(FlaskForm):
    """A track's name, slug, description, and how many sessions and alternates it gets."""

    name = _text("Name", 120)
    slug = _text("Slug", 80, description="Lower-case letters, digits and hyphens; unique within the event.")
    description = TextAreaField("Description", filters=[_strip], validators=[Length(max=5000)])
    session_count = _number("Sessions", 0, description="How many sessions the chairs select.")
    alternate_count = _number("Alternates", 0, description="How many alternates they keep in reserve.")

    def values(self):
        """The fields as the services take them."""
        return {name: self[name].data for name in TRACK_FIELDS}


class OrganiserForm(FlaskForm):
    """Add an organiser by email."""

    email = EmailField("Email", filters=[_strip], validators=[
        InputRequired(), Length(max=320), Email(message="Enter an email address, such as ada@example.org."),
    ])


class ChairForm(OrganiserForm):
    """Add a chair to one of the event's tracks by email."""

    track = SelectField("Track", coerce=int)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.tracks = {track.id: track for track in event.tracks}
        self.track.choices = [(track.id, track.name) for track in event.tracks]

    def chosen_track(self):
        """The track chosen (valid once the form is)."""
        return self.tracks[self.track.data]


class MoveForm(FlaskForm):
    """Move a track up or down the list."""

    direction = StringField(validators=[AnyOf(("up", "down"))])
