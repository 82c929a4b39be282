"""The domain's enumerations: a leaf module that imports nothing of Podium."""
import enum


class ProposalState(str, enum.Enum):
    """Where a proposal stands in the flow: draft -> submitted -> decided -> confirmed."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    ALTERNATE = "alternate"
    REJECTED = "rejected"
    CONFIRMED = "confirmed"
    DECLINED = "declined"

    @property
    def label(self):
        return self.value.capitalize()


class Format(str, enum.Enum):
    """The kinds of session a speaker can propose."""

    TALK = "talk"
    PANEL = "panel"
    WORKSHOP = "workshop"
    LIGHTNING = "lightning"

    @property
    def label(self):
        return FORMAT_LABELS[self]

    @property
    def default_duration(self):
        """Minutes a session of this format lasts unless the speaker says otherwise."""
        return FORMAT_DURATIONS[self]


FORMAT_LABELS = {
    Format.TALK: "Talk",
    Format.PANEL: "Panel",
    Format.WORKSHOP: "Workshop / hands-on lab",
    Format.LIGHTNING: "Lightning talk",
}
FORMAT_DURATIONS = {Format.TALK: 40, Format.PANEL: 40, Format.WORKSHOP: 90, Format.LIGHTNING: 5}


class Level(str, enum.Enum):
    """The audience a proposal is aimed at."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"

    @property
    def label(self):
        return self.value.capitalize()


class VoteChoice(str, enum.Enum):
    """The four choices of the OpenStack voting page; a skip is not a vote."""

    LOVE = "love"
    TRY = "try"
    MIGHT = "might"
    NOT = "not"

    @property
    def label(self):
        return VOTE_LABELS[self]

    @property
    def default_weight(self):
        return DEFAULT_VOTE_WEIGHTS[self]


VOTE_LABELS = {
    VoteChoice.LOVE: "Would love to see it",
    VoteChoice.TRY: "Would try to see it",
    VoteChoice.MIGHT: "Might see it",
    VoteChoice.NOT: "Would not see it",
}
DEFAULT_VOTE_WEIGHTS = {VoteChoice.LOVE: 3, VoteChoice.TRY: 2, VoteChoice.MIGHT: 1, VoteChoice.NOT: -1}


class SpeakerStatus(str, enum.Enum):
    """A speaker's place on a proposal: the submitter and accepted co-speakers are confirmed."""

    INVITED = "invited"
    CONFIRMED = "confirmed"


class SelectionMark(str, enum.Enum):
    """A chair's mark on a proposal in their own selection list."""

    SELECTED = "selected"
    MAYBE = "maybe"
    PASS = "pass"

    @property
    def label(self):
        return self.value.capitalize()


class SlotKind(str, enum.Enum):
    """What fills a slot of the schedule."""

    SESSION = "session"
    KEYNOTE = "keynote"
    BREAK = "break"
    OTHER = "other"


class WindowState(str, enum.Enum):
    """Whether a window (proposals, voting, review) is before, during or after its dates."""

    NOT_SET = "not set"
    NOT_YET_OPEN = "not yet open"
    OPEN = "open"
    CLOSED = "closed"
