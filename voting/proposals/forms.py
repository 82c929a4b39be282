"""Forms of the speaker's side: the proposal, the speaker profile, co-speaker invitations."""
import re

from email_validator import EmailNotValidError, validate_email

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, EmailField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField,
)
from wtforms.validators import URL, DataRequired, Email, Length, Optional, ValidationError

from voting.enums import Format, Level

MAX_TAGS = 10
EMAIL_SPLIT = re.compile(r"[\s,;]+")


def _split_tags(text):
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]


class ProposalForm(FlaskForm):
    """Title, abstract, description (Markdown), what attendees learn, track, format, level, tags."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    abstract = TextAreaField("Abstract", description="A short summary, shown on the voting page (1,000 characters).",
                             validators=[DataRequired(), Length(max=1000)])
    description = TextAreaField("Description", description="The full description. Markdown is welcome.",
                                validators=[Optional(), Length(max=10000)])
    learning_outcomes = TextAreaField("What attendees will learn", description="One point a line.",
                                      validators=[Optional(), Length(max=2000)])
    track_id = SelectField("Track", coerce=int, validators=[DataRequired(message="Choose a track.")])
    format = SelectField("Format", choices=[SelectChoice(f.value, f"{f.label} ({f.default_duration} min)") for f in Format],
                         default=Format.TALK.value)
    level = SelectField("Level", choices=[SelectChoice(lv.value, lv.label) for lv in Level], default=Level.INTERMEDIATE.value)
    tags = StringField("Tags", description=f"Up to {MAX_TAGS}, separated by commas.",
                       validators=[Optional(), Length(max=300)])
    save_draft = SubmitField("Save as draft")
    submit = SubmitField("Submit proposal")

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_id.choices = [SelectChoice(0, "Choose a track")] + [SelectChoice(t.id, t.name)
                                                                       for t in event.tracks]

    def validate_tags(self, field):
        tags = _split_tags(field.data)
        if len(tags) > MAX_TAGS:
            raise ValidationError(f"At most {MAX_TAGS} tags.")
        if any(len(tag) > 50 for tag in tags):
            raise ValidationError("A tag may have at most 50 characters.")

    def content(self):
        """The proposal's fields as the services take them."""
        chosen = Format(self.format.data)
        return {
            "title": self.title.data.strip(), "abstract": self.abstract.data.strip(),
            "description": (self.description.data or "").strip(),
            "learning_outcomes": "\n".join(line.strip() for line in (self.learning_outcomes.data or "").splitlines()
                                           if line.strip()),
            "track_id": self.track_id.data, "format": chosen, "level": Level(self.level.data),
            "duration_minutes": chosen.default_duration,
        }

    def tag_names(self):
        return _split_tags(self.tags.data)


class CreateProposalForm(ProposalForm):
    """The first version of a proposal also names co-speakers to invite."""

    co_speakers = TextAreaField("Co-speakers", description="Email addresses of people to invite, one a line.",
                                validators=[Optional(), Length(max=2000)])

    def validate_co_speakers(self, field):
        for address in self.co_speaker_emails():
            try:
                validate_email(address, check_deliverability=False)
            except EmailNotValidError:
                raise ValidationError(f"{address} is not an email address.") from None

    def co_speaker_emails(self):
        return [a for a in EMAIL_SPLIT.split(self.co_speakers.data or "") if a]


class SpeakerProfileForm(FlaskForm):
    """The public speaker profile, as the seeds' schedule pages show speakers."""

    display_name = StringField("Name as shown", validators=[DataRequired(), Length(max=200)])
    job_title = StringField("Job title", validators=[Optional(), Length(max=200)])
    company = StringField("Company", validators=[Optional(), Length(max=200)])
    bio = TextAreaField("Biography", description="Markdown is welcome.", validators=[Optional(), Length(max=5000)])
    photo_url = StringField("Photo URL", validators=[Optional(), URL(message="Give a full https:// address."),
                                                     Length(max=500)])
    links = TextAreaField("Links", description="One URL a line (blog, GitHub, ...).",
                          validators=[Optional(), Length(max=2000)])


class InviteSpeakerForm(FlaskForm):
    """Invite one co-speaker by email."""

    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=320)])


class AcceptInvitationForm(FlaskForm):
    """Accept a co-speaker invitation; `confirm` says so when it was sent to another or unverified address."""

    confirm = BooleanField("Yes, accept this invitation under the account I am signed in with")


class ConfirmForm(FlaskForm):
    """A button with a CSRF token (withdraw, leave, accept, remove)."""
