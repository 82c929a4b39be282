"""Every route × every role: the status each kind of user gets.

The table below names every endpoint and method of the app; a route missing from it fails
`test_every_route_is_in_the_table`, so no future route escapes these checks.
"""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import sign_in
from tests.factories import make_event, make_proposal, make_track, make_user
from voting.enums import SpeakerStatus
from voting.extensions import db
from voting.db_types import utcnow
from voting.events.roles import invitation_token as role_invitation_token
from voting.models import Organiser, OutboxMail, RoleInvitation, ProposalSpeaker, Room, Slot, SpeakerProfile, TrackChair
from voting.proposals.speakers import invitation_token
from voting.review.decisions import confirm_token

# "unverified" holds the co-speaker invitation's address unverified; "invitee" holds the role invitation's
# address verified, as every other signed-in role holds its own.
ROLES = ("anonymous", "user", "unverified", "invitee", "speaker", "other_speaker", "chair", "other_chair", "organiser",
         "other_organiser", "admin")
SIGNED_IN = ROLES[1:]


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=302):
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status)}


def only(roles, status, others=403, anonymous=302):
    """`status` for the named roles, `others` for the rest of the signed-in, `anonymous` for visitors."""
    return {"anonymous": anonymous, **{role: status if role in roles else others for role in SIGNED_IN}}


ORGANISERS = ("organiser", "admin")
WITH_PROFILE = ("speaker", "other_speaker")

TABLE = {
    ("core.home", "GET"): everyone(200),
    ("core.healthz", "GET"): everyone(200),
    ("static", "GET"): everyone(200),
    ("events.detail", "GET"): everyone(200),
    ("api.me", "GET"): signed_in(200, anonymous=401),
    ("api.events", "GET"): everyone(200),
    ("api.proposals", "GET"): everyone(200),
    # The world's schedule is not published: its exports and API schedule are the organisers' alone.
    ("api.schedule", "GET"): everyone(404),
    ("api.openapi", "GET"): everyone(200),
    ("export.download", "GET"): only(ORGANISERS, 200, others=404, anonymous=404),
    ("auth.login", "GET"): everyone(200),
    ("auth.login_with", "GET"): everyone(302),
    ("auth.callback", "GET"): everyone(400),
    ("auth.link", "POST"): signed_in(302),
    ("auth.logout", "POST"): everyone(302),
    ("auth.profile", "GET"): signed_in(200),
    ("auth.sign_out_everywhere", "POST"): signed_in(302),
    # A role invitation: anyone signed in may look at its link; only its verified addressee answers it.
    ("invitations.mine", "GET"): signed_in(200),
    ("invitations.show", "GET"): signed_in(200),
    ("invitations.respond", "POST"): only(["invitee"], 302),
    ("proposals.detail", "GET"): everyone(200),
    ("proposals.new", "GET"): only(WITH_PROFILE, 200, others=302),
    ("proposals.new", "POST"): only(WITH_PROFILE, 400, others=302),
    ("proposals.edit", "GET"): only(["speaker"], 200),
    ("proposals.edit", "POST"): only(["speaker"], 400),
    ("proposals.submit", "POST"): only(["speaker"], 302),
    ("proposals.withdraw", "POST"): only(["speaker"], 302),
    ("proposals.leave", "POST"): only(["speaker"], 302),
    ("proposals.invite", "POST"): only(["speaker"], 400),
    ("proposals.remove_speaker", "POST"): only(["speaker"], 302),
    ("proposals.invitation", "GET"): signed_in(200),
    # Nobody here is the verified guest@example.org: a plain POST asks them to confirm (400).
    ("proposals.invitation", "POST"): signed_in(400),
    ("proposals.mine", "GET"): signed_in(200),
    ("proposals.speaker_profile", "GET"): signed_in(200),
    ("proposals.speaker_profile", "POST"): signed_in(400),
    ("community.vote", "GET"): everyone(200),
    ("community.proposal", "GET"): everyone(200),
    ("community.cast", "POST"): signed_in(400),  # an empty form has no choice
    ("community.my_votes", "GET"): signed_in(200),
    ("proposal_admin.index", "GET"): only(ORGANISERS, 200),
    ("proposal_admin.export_csv", "GET"): only(ORGANISERS, 200),
    ("integrity.index", "GET"): only(ORGANISERS, 200),
    ("integrity.exclude", "POST"): only(ORGANISERS, 400),
    ("integrity.include", "POST"): only(ORGANISERS, 400),
    # Voting is open in the World: results only for the event's chairs and organisers, a 403 page for others.
    ("results.ranking", "GET"): only(["chair", "other_chair", *ORGANISERS], 200, anonymous=403),
    ("results.dashboard", "GET"): only(ORGANISERS, 200),
    ("decisions.index", "GET"): only(ORGANISERS, 200),  # chairs too when the event allows it (not here)
    ("decisions.decide", "POST"): only(ORGANISERS, 400),  # an empty form has no decision
    ("decisions.apply", "POST"): only(ORGANISERS, 302),
    ("decisions.publish", "POST"): only(ORGANISERS, 302),
    # The signed link is the proof: no sign-in; an empty POST chooses neither Confirm nor Decline.
    ("decisions.participation", "GET"): everyone(200),
    ("decisions.participation", "POST"): everyone(400),
    # Selection lists: the track's chairs and its event's organisers; an empty mark or move form is a 400,
    # an empty add puts the talk in the team list, removing a talk that is not there is refused: 303 both.
    ("selection.mine", "GET"): only(["chair", *ORGANISERS], 200),
    ("selection.mark", "POST"): only(["chair", *ORGANISERS], 400),
    ("selection.unmark", "POST"): only(["chair", *ORGANISERS], 303),
    ("selection.move", "POST"): only(["chair", *ORGANISERS], 400),
    ("selection.team", "GET"): only(["chair", *ORGANISERS], 200),
    ("selection.team_add", "POST"): only(["chair", *ORGANISERS], 303),
    ("selection.team_remove", "POST"): only(["chair", *ORGANISERS], 303),
    ("selection.team_move", "POST"): only(["chair", *ORGANISERS], 400),
    # The chairs' review: the track's chairs and the organisers read; only chairs score (an empty form: 400).
    ("review.index", "GET"): only(["chair", "other_chair", *ORGANISERS], 200),
    ("review.panel", "GET"): only(["chair", *ORGANISERS], 200),
    ("review.proposal", "GET"): only(["chair", *ORGANISERS], 200),
    ("review.proposal", "POST"): only(["chair"], 400),
    ("review.comment", "POST"): only(["chair", *ORGANISERS], 400),
    # The schedule: public once published (not in the World), a preview for organisers; the builder is
    # theirs. Empty forms are refused (400); unplacing an empty slot is flashed (302); removals succeed (302).
    ("schedule.public", "GET"): only(ORGANISERS, 200, others=404, anonymous=404),
    ("schedule.index", "GET"): only(ORGANISERS, 200),
    ("schedule.publish", "POST"): only(ORGANISERS, 400),
    ("schedule.rooms", "GET"): only(ORGANISERS, 200),
    ("schedule.rooms", "POST"): only(ORGANISERS, 400),
    ("schedule.edit_room", "GET"): only(ORGANISERS, 200),
    ("schedule.edit_room", "POST"): only(ORGANISERS, 400),
    ("schedule.move_room", "POST"): only(ORGANISERS, 400),
    ("schedule.delete_room", "POST"): only(ORGANISERS, 302),
    ("schedule.day", "GET"): only(ORGANISERS, 200),
    ("schedule.add_slot", "POST"): only(ORGANISERS, 400),
    ("schedule.add_grid", "POST"): only(ORGANISERS, 400),
    ("schedule.place", "POST"): only(ORGANISERS, 400),
    ("schedule.move", "POST"): only(ORGANISERS, 400),
    ("schedule.unplace", "POST"): only(ORGANISERS, 302),
    ("schedule.delete_slot", "POST"): only(ORGANISERS, 302),
    ("events.console.new_event", "GET"): only(["admin"], 200),
    ("events.console.new_event", "POST"): only(["admin"], 400),
    ("events.console.edit_event", "GET"): only(ORGANISERS, 200),
    ("events.console.edit_event", "POST"): only(ORGANISERS, 400),
    ("events.console.tracks", "GET"): only(ORGANISERS, 200),
    ("events.console.new_track", "GET"): only(ORGANISERS, 200),
    ("events.console.new_track", "POST"): only(ORGANISERS, 400),
    ("events.console.edit_track", "GET"): only(ORGANISERS, 200),
    ("events.console.edit_track", "POST"): only(ORGANISERS, 400),
    ("events.console.move", "POST"): only(ORGANISERS, 400),
    ("events.console.people", "GET"): only(ORGANISERS, 200),
    ("events.console.add_organiser", "POST"): only(ORGANISERS, 400),
    ("events.console.add_chair", "POST"): only(ORGANISERS, 400),
    ("events.console.remove_role", "POST"): only(ORGANISERS, 302),
    ("events.console.activity", "GET"): only(ORGANISERS, 200),
    ("mail.problems", "GET"): only(["admin"], 200),
    ("mail.retry", "POST"): only(["admin"], 302),
    ("mail.retry_failed", "POST"): only(["admin"], 302),
    # The browser outbox exists only in development (MAIL_OUTBOX_VIEW); mail is for site admins.
    ("mail.outbox", "GET"): only(["admin"], 404),
    ("mail.outbox_message", "GET"): only(["admin"], 404),
}


class World:
    """One event with two tracks and a proposal, another event, and a user for each role."""

    def __init__(self):
        self.event = make_event(slug="summit")
        self.track = make_track(event=self.event, slug="storage")
        other_track = make_track(event=self.event, slug="networking")
        other_event = make_event(slug="elsewhere")
        self.users = {role: make_user(name=role.replace("_", " ").title(), email=f"{role}@example.org",
                                      email_verified=True) for role in SIGNED_IN}
        self.users["unverified"].email, self.users["unverified"].email_verified = "guest@example.org", False
        self.users["admin"].is_admin = True
        self.proposal = make_proposal(track=self.track, speaker=self.users["speaker"], slug="the-talk")
        make_proposal(track=self.track, speaker=self.users["other_speaker"], slug="other-talk")
        for role in WITH_PROFILE:
            db.session.add(SpeakerProfile(user=self.users[role], display_name=role))
        self.invited = ProposalSpeaker(proposal=self.proposal, invited_email="guest@example.org", position=1,
                                       status=SpeakerStatus.INVITED)
        db.session.add_all([
            self.invited,
            TrackChair(track=self.track, user=self.users["chair"]),
            TrackChair(track=other_track, user=self.users["other_chair"]),
            Organiser(event=self.event, user=self.users["organiser"]),
            Organiser(event=other_event, user=self.users["other_organiser"]),
        ])
        self.room = Room(event=self.event, name="Main hall", capacity=100)
        nine = datetime.combine(self.event.starts_on, time(9), ZoneInfo(self.event.timezone))
        self.slot = Slot(event=self.event, room=self.room, starts_at=nine, ends_at=nine + timedelta(minutes=40))
        db.session.add_all([self.room, self.slot])
        self.role_invitation = RoleInvitation(event=self.event, email="invitee@example.org", role="organiser",
                                              expires_at=utcnow() + timedelta(days=3))
        db.session.add(self.role_invitation)
        self.mail = OutboxMail(to_address="x@example.org", subject="Hello", body="Hi", status="failed")
        db.session.add(self.mail)
        db.session.commit()

    def url_values(self, rule):
        """Values for the rule's arguments that name this world's objects."""
        arguments = rule.arguments
        values = {
            "event_slug": self.event.slug, "track_slug": self.track.slug, "name": "github",
            "filename": "css/podium.css", "speaker_id": self.invited.id, "token": invitation_token(self.invited),
            "mail_id": self.mail.id, "export_name": "schedule.ics", "kind": "chairs", "role_id": self.track.chairs[0].id,
            "day": self.event.starts_on.isoformat(), "room_id": self.room.id, "slot_id": self.slot.id,
        }
        values["slug"] = self.proposal.slug if "event_slug" in arguments else self.event.slug
        if rule.endpoint.startswith("invitations."):
            values["token"], values["answer"] = role_invitation_token(self.role_invitation), "accept"
        if rule.endpoint.startswith("decisions."):
            values["token"] = confirm_token(self.proposal, self.users["speaker"])
        return {name: values[name] for name in arguments}


def app_routes(app):
    """(endpoint, method, rule) for every route of the app."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, rule


def test_every_route_is_in_the_table(app):
    missing = sorted({(endpoint, method) for endpoint, method, _ in app_routes(app)} - set(TABLE))
    assert missing == [], f"routes with no expected statuses: {missing}"


def test_the_table_names_no_route_that_does_not_exist(app):
    assert sorted(set(TABLE) - {(endpoint, method) for endpoint, method, _ in app_routes(app)}) == []


@pytest.fixture
def app_config():
    return {"PODIUM_OAUTH_GITHUB_CLIENT_ID": "id", "PODIUM_OAUTH_GITHUB_CLIENT_SECRET": "secret"}


@pytest.mark.parametrize("endpoint, method", sorted(TABLE))
@pytest.mark.parametrize("role", ROLES)
def test_route_gives_each_role_its_status(app, client, endpoint, method, role):
    world = World()
    rule = next(rule for name, verb, rule in app_routes(app) if (name, verb) == (endpoint, method))
    if role != "anonymous":
        sign_in(client, world.users[role])
    with app.test_request_context():
        path = app.url_for(endpoint, **world.url_values(rule))
    response = client.open(path, method=method)
    response.close()
    assert response.status_code == TABLE[(endpoint, method)][role], f"{method} {path} as {role}"
    if role == "anonymous" and response.status_code == 302 and endpoint not in ANONYMOUS_REDIRECTS:
        assert response.headers["Location"].startswith("/auth/login?next="), "anonymous goes to sign-in"


# Routes that redirect visitors somewhere other than the sign-in page, by design.
ANONYMOUS_REDIRECTS = {"auth.login_with", "auth.logout"}
