"""Forms of the schedule builder; the services check the schedule's rules, the forms the input's shape."""
from datetime import datetime, time

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from voting.enums import SlotKind
from voting.schedule.conflicts import zone_of

KIND_LABELS = {SlotKind.SESSION: "Session (a talk)", SlotKind.KEYNOTE: "Keynote",
               SlotKind.BREAK: "Break (coffee, lunch)", SlotKind.OTHER: "Other (no talk)"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _minutes(label, default, low, high, **kwargs):
    return IntegerField(label, default=default, validators=[InputRequired(), NumberRange(low, high)],
                        **kwargs)


class RoomForm(FlaskForm):
    """A room's name and how many it seats."""

    name = StringField("Name", filters=[_strip], validators=[InputRequired(), Length(max=120)])
    capacity = IntegerField("Seats", default=0, validators=[InputRequired(), NumberRange(0, 100_000)],
                            description="0 if unknown: talks expected to overflow a room are flagged.")


class SlotForm(FlaskForm):
    """One slot: a room or all rooms, a day and times in the event's zone, a kind and a title."""

    room = SelectField("Room", coerce=int, default=0)
    day = DateField("Day", validators=[InputRequired()])
    starts = TimeField("Starts", validators=[InputRequired()])
    ends = TimeField("Ends", validators=[InputRequired()])
    kind = SelectField("Kind", choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
                       default=SlotKind.SESSION.value)
    title = StringField("Title", filters=[_strip], validators=[Length(max=200)],
                        description="For slots without a talk, such as Coffee Break or Lunch.")

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.rooms = {room.id: room for room in rooms}
        self.room.choices = [SelectChoice(0, "All rooms"),
                             *(SelectChoice(room.id, room.name) for room in rooms)]

    def values(self, event):
        """The slot as create_slot takes it: its local times made aware in the event's zone."""
        zone = zone_of(event)
        return {"room": self.rooms.get(self.room.data), "kind": SlotKind(self.kind.data),
                "title": self.title.data,
                "starts_at": datetime.combine(self.day.data, self.starts.data, zone),
                "ends_at": datetime.combine(self.day.data, self.ends.data, zone)}


class GridForm(FlaskForm):
    """A day's slots at once: sessions in every room between two times, with breaks across all rooms."""

    starts = TimeField("First session starts", default=time(9, 0), validators=[InputRequired()])
    ends = TimeField("Last session ends by", default=time(17, 30), validators=[InputRequired()])
    length = _minutes("Session length (minutes)", 40, 5, 480)
    gap = _minutes("Gap between sessions (minutes)", 10, 0, 120)
    break_after = _minutes("A break after every … sessions", 2, 0, 20, description="0 for no breaks.")
    break_length = _minutes("Break length (minutes)", 30, 5, 240)
    break_title = StringField("Break title", default="Coffee Break", filters=[_strip],
                              validators=[Length(max=200)])

    def values(self, day):
        """The grid as create_day_slots takes it."""
        return {"day": day, "starts": self.starts.data, "ends": self.ends.data, "length": self.length.data,
                "gap": self.gap.data, "break_after": self.break_after.data,
                "break_length": self.break_length.data, "break_title": self.break_title.data or "Break"}


class PlaceForm(FlaskForm):
    """Put an unplaced talk in an empty slot; the ids are checked against the event's by the route."""

    proposal = SelectField("Talk", coerce=int, validate_choice=False, validators=[InputRequired()])
    slot = SelectField("Slot", coerce=int, validate_choice=False, validators=[InputRequired()])


class MoveForm(FlaskForm):
    """Move the talk of one slot to an empty slot."""

    from_slot = SelectField("Talk", coerce=int, validate_choice=False, validators=[InputRequired()])
    to_slot = SelectField("To", coerce=int, validate_choice=False, validators=[InputRequired()])


class DirectionForm(FlaskForm):
    """Move a room up or down the list."""

    direction = SelectField(choices=[SelectChoice("up"), SelectChoice("down")])


class PublishForm(FlaskForm):
    """Publish the schedule, saying what changed (or letting the app list it)."""

    summary = TextAreaField("What changed", filters=[_strip], validators=[Optional(), Length(max=500)],
                            description="Leave empty to list the changes made since the last version.")

