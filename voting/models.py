"""Every model, imported in one place so the metadata (and Alembic) sees the whole schema."""
from voting.auth.models import Identity, User, UserSession
from voting.community.models import Vote, VoterExclusion, VoteSkip
from voting.events.models import ActivityLog, Event, Organiser, RoleInvitation, Track, TrackChair
from voting.mail.models import OutboxMail
from voting.proposals.models import (
    Decision, Proposal, ProposalRevision, ProposalSpeaker, ProposalTag, SpeakerProfile,
)
from voting.review.models import ChairSelection, Review, ReviewComment, TeamSelection
from voting.schedule.models import Room, ScheduleChange, Slot

__all__ = [
    "ActivityLog", "ChairSelection", "Decision", "Event", "Identity", "Organiser", "OutboxMail", "Proposal",
    "ProposalRevision", "ProposalSpeaker", "ProposalTag", "Review", "ReviewComment", "RoleInvitation", "Room",
    "ScheduleChange", "Slot", "SpeakerProfile", "TeamSelection", "Track", "TrackChair", "User", "Vote",
    "VoterExclusion", "VoteSkip",
]
