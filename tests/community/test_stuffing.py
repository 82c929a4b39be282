"""The vote-stuffing defence: each pattern flagged on constructed data, honest data left alone, exclusions."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from tests.factories import make_event, make_organiser, make_proposal, make_track, make_user
from voting.community import exclusions, stuffing
from voting.enums import VoteChoice
from voting.errors import RuleViolation
from voting.extensions import db
from voting.models import ActivityLog, SpeakerProfile, Vote, VoterExclusion

LOVE, TRY, MIGHT, NOT = VoteChoice.LOVE, VoteChoice.TRY, VoteChoice.MIGHT, VoteChoice.NOT


class Scene:
    """An event whose voting opened five days ago; speakers from Acme (two spellings), Globex and none."""

    def __init__(self):
        self.event = make_event(slug="summit")
        self.opens = self.event.voting_opens_at
        track = make_track(event=self.event)
        self.speakers, self.talks = {}, {}
        for name, company, count in [("Jane Doe", "Acme", 4), ("John Roe", "acme ", 2),
                                     ("Ann Other", "Globex", 4), ("Bob Free", "", 2)]:
            speaker = self.speakers[name] = make_user(name=f"{name} (account)", created_at=self.at(-400))
            db.session.add(SpeakerProfile(user=speaker, display_name=name, company=company))
            self.talks[name] = [make_proposal(track=track, speaker=speaker, title=f"{name} {n}")
                                for n in range(count)]
        self.organiser = make_organiser(self.event)

    def at(self, days=0, **delta):
        """A moment `days` (and more) after voting opened."""
        return self.opens + timedelta(days=days, **delta)

    def new_user(self, days=2, **fields):
        return make_user(created_at=self.at(days), **fields)

    def old_user(self, **fields):
        return make_user(created_at=self.at(-60), **fields)

    def vote(self, user, talks, choices=LOVE, at=None, ip=None):
        """Votes of `user` on `talks`, with one choice or a list of them."""
        choices = choices if isinstance(choices, list) else [choices] * len(talks)
        for proposal, choice in zip(talks, choices, strict=True):
            db.session.add(Vote(user=user, proposal=proposal, choice=choice, ip_hash=ip,
                                created_at=at or self.at(3, minutes=proposal.id * 97)))
        db.session.flush()


@pytest.fixture
def scene(app):
    return Scene()


def flags(scene, kind=None):
    found = stuffing.suspicious_voting(event=scene.event)
    return [flag for flag in found if kind is None or flag.kind == kind]


def test_a_new_account_voting_only_for_one_speaker_is_flagged(scene):
    voter = scene.new_user(days=2, name="Sock Puppet", email="sock@example.test")
    scene.vote(voter, scene.talks["Jane Doe"][:3], [LOVE, TRY, MIGHT])
    [flag] = flags(scene)
    assert flag.kind == "single_speaker" and flag.speaker == "Jane Doe"
    assert flag.reason == ("Account created 2 days after voting opened; "
                           "all 3 of its votes are for proposals by Jane Doe.")
    [user] = flag.users
    assert (user.id, user.name, user.email) == (voter.id, "Sock Puppet", "sock@example.test")
    assert user.excluded is False
    assert user.created_at == voter.created_at


def test_one_speaker_voters_that_are_old_few_or_varied_are_not_flagged(scene):
    scene.vote(scene.old_user(), scene.talks["Jane Doe"])
    scene.vote(scene.new_user(), scene.talks["Jane Doe"][:2])
    mixed = scene.talks["Jane Doe"][:3] + scene.talks["Ann Other"][:1]
    scene.vote(scene.new_user(), mixed, [LOVE, TRY, NOT, MIGHT])
    assert flags(scene) == []


def test_nearly_only_top_votes_for_one_speaker_are_flagged(scene):
    voter = scene.new_user(days=1)
    scene.vote(voter, scene.talks["Jane Doe"] + scene.talks["Ann Other"][:1])
    [flag] = flags(scene)
    assert flag.kind == "top_votes" and flag.speaker == "Jane Doe" and flag.users[0].id == voter.id
    assert flag.reason == ("Account created 1 day after voting opened; 5 of its 5 votes are top votes, "
                           "4 of them for proposals by Jane Doe.")


def test_nearly_only_top_votes_for_one_company_are_flagged_whatever_its_spelling(scene):
    voter = scene.new_user(days=0.25)
    talks = scene.talks["Jane Doe"][:2] + scene.talks["John Roe"] + scene.talks["Ann Other"][:1]
    scene.vote(voter, talks)
    [flag] = flags(scene)
    assert flag.kind == "top_votes" and flag.company == "Acme" and flag.speaker is None
    assert flag.reason == ("Account created 6 hours after voting opened; 5 of its 5 votes are top votes, "
                           "4 of them for speakers from Acme.")


def test_top_votes_spread_out_or_mixed_are_not_flagged(scene):
    spread = scene.talks["Jane Doe"][:2] + scene.talks["Ann Other"][:2] + scene.talks["Bob Free"]
    scene.vote(scene.new_user(), spread)
    varied = scene.talks["Jane Doe"][:4] + scene.talks["Ann Other"][:2]
    scene.vote(scene.new_user(), varied, [LOVE, TRY, LOVE, MIGHT, NOT, TRY])
    scene.vote(scene.old_user(), scene.talks["Jane Doe"] + scene.talks["Ann Other"][:1])
    assert flags(scene) == []


def test_a_burst_of_new_accounts_on_one_proposal_is_flagged_across_an_hour_boundary(scene):
    talk = scene.talks["Ann Other"][0]
    start = scene.at(2).replace(minute=40, second=0, microsecond=0)
    voters = [scene.new_user(days=-0.5 if n == 0 else 1) for n in range(5)]  # one made just before opening
    for n, voter in enumerate(voters):
        scene.vote(voter, [talk], at=start + timedelta(minutes=10 * n))
    [flag] = flags(scene)
    assert flag.kind == "burst" and flag.proposal_id == talk.id and flag.proposal_title == "Ann Other 0"
    assert sorted(flag.user_ids) == sorted(v.id for v in voters)
    assert flag.window == (start, start + timedelta(minutes=40))
    assert flag.reason.startswith("5 votes on “Ann Other 0” within 40 minutes (")
    assert flag.reason.endswith("all from accounts created after voting opened or less than a day before.")


def test_votes_spread_out_few_or_from_old_accounts_are_no_burst(scene):
    talks = scene.talks["Ann Other"]
    start = scene.at(2)
    for n in range(6):
        scene.vote(scene.new_user(days=1), talks[:1], at=start + timedelta(minutes=70 * n))
    for n in range(4):
        scene.vote(scene.new_user(days=1), talks[1:2], at=start + timedelta(minutes=n))
    for n in range(8):
        scene.vote(scene.new_user(days=-3), talks[2:3], at=start + timedelta(minutes=n))
    assert flags(scene) == []


def test_many_accounts_on_one_ip_hash_are_flagged_for_review(scene):
    talks = scene.talks["Bob Free"]
    voters = [scene.old_user() for _ in range(4)] + [scene.new_user()]
    for voter in voters:
        scene.vote(voter, talks, [TRY, MIGHT], ip="wifi")
    for _ in range(4):
        scene.vote(scene.old_user(), talks[:1], ip="cafe")
    scene.vote(scene.old_user(), talks, ip="home")
    [flag] = flags(scene)
    assert flag.kind == "shared_ip" and flag.ip_hash == "wifi"
    assert sorted(flag.user_ids) == sorted(v.id for v in voters)
    assert flag.reason.startswith("5 accounts voted from the same network address (hashed), 1 of them")
    assert "review before excluding" in flag.reason


def test_an_honest_event_raises_no_flag(scene):
    every_talk = [talk for talks in scene.talks.values() for talk in talks]
    cycle = [LOVE, TRY, MIGHT, NOT, TRY, LOVE, MIGHT]
    for n in range(12):
        voter = scene.old_user() if n % 2 else scene.new_user(days=n % 4)
        talks = every_talk[n % 3::2]
        scene.vote(voter, talks, [cycle[(n + i) % len(cycle)] for i in range(len(talks))],
                   at=scene.at(1, hours=5 * n), ip=f"home-{n}")
    assert flags(scene) == []


def test_new_account_patterns_wait_for_voting_to_open(app):
    scene = Scene()
    voter = scene.new_user(days=1)
    scene.vote(voter, scene.talks["Jane Doe"])
    assert stuffing.suspicious_voting(event=scene.event, now=scene.at(-1)) == []
    assert len(stuffing.suspicious_voting(event=scene.event, now=scene.at(4))) == 1


def test_the_detectors_read_aggregates_with_a_fixed_number_of_queries(scene):
    for n in range(6):
        scene.vote(scene.new_user(), scene.talks["Jane Doe"][:3], at=scene.at(1, hours=3 * n), ip="wifi")
    statements = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        found = flags(scene)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert {flag.kind for flag in found} == {"single_speaker", "shared_ip"} and len(found) == 7
    assert len(statements) <= 11 and sum("GROUP BY" in statement for statement in statements) == 5


def test_a_flag_says_whether_its_user_is_already_excluded(scene):
    voter = scene.new_user()
    scene.vote(voter, scene.talks["Jane Doe"])
    exclusions.exclude_voter(event=scene.event, user=voter, reason="Sock puppet", by=scene.organiser)
    assert [user.excluded for flag in flags(scene) for user in flag.users] == [True]


def test_the_services_refuse_a_blank_reason_a_second_exclusion_and_reinstating_no_one(scene):
    voter = scene.new_user()
    with pytest.raises(RuleViolation) as refused:
        exclusions.exclude_voter(event=scene.event, user=voter, reason="  ", by=scene.organiser)
    assert refused.value.field == "reason"
    exclusions.exclude_voter(event=scene.event, user=voter, reason="Sock puppet", by=scene.organiser)
    with pytest.raises(RuleViolation, match="already excluded"):
        exclusions.exclude_voter(event=scene.event, user=voter, reason="Again", by=scene.organiser)
    exclusions.include_voter(event=scene.event, user=voter, by=scene.organiser)
    with pytest.raises(RuleViolation, match="not excluded"):
        exclusions.include_voter(event=scene.event, user=voter, by=scene.organiser)


# Over HTTP ------------------------------------------------------------------------------------------

PAGE = "/events/summit/manage/voting-integrity"


def page_text(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def counts(voter):
    votes = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.user_id == voter.id))
    rows = db.session.scalar(select(func.count()).select_from(VoterExclusion))
    return votes, rows


def log(action):
    return db.session.scalars(select(ActivityLog.details).where(ActivityLog.action == action)).all()


@pytest.fixture
def puppet(scene):
    voter = scene.new_user(name="Sock Puppet", email="sock@example.test")
    scene.vote(voter, scene.talks["Jane Doe"])
    return voter


def test_the_page_shows_the_flags_with_reasons_and_an_exclude_form(scene, puppet, login):
    text = page_text(login(scene.organiser))
    assert "New accounts that voted only for one speaker (1)" in text
    assert "all 4 of its votes are for proposals by Jane Doe." in text and "sock@example.test" in text
    form = rf'name="user_id" value="{puppet.id}">\s*<label[^>]*>Reason for excluding Sock Puppet'
    assert re.search(form, text)
    assert "No voter is excluded." in text


def test_an_organiser_excludes_and_reinstates_a_voter_through_the_page(scene, puppet, login):
    client = login(scene.organiser)
    response = client.post(PAGE + "/exclude", data={"user_id": puppet.id, "reason": " Sock puppet of Jane "})
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    exclusion = db.session.scalar(select(VoterExclusion))
    assert (exclusion.user_id, exclusion.reason) == (puppet.id, "Sock puppet of Jane")
    assert exclusion.excluded_by_id == scene.organiser.id
    assert counts(puppet) == (4, 1)
    assert log("votes.excluded") == ["Excluded the 4 votes of sock@example.test: Sock puppet of Jane"]
    text = page_text(client)
    assert "are excluded from the results" in text and "Sock puppet of Jane" in text
    assert "Reinstate the votes of Sock Puppet" in text and "No voter is excluded." not in text
    response = client.post(PAGE + "/include", data={"user_id": puppet.id})
    assert response.status_code == 302 and counts(puppet) == (4, 0)
    assert log("votes.included") == ["Counted the votes of sock@example.test again "
                                     "(excluded for: Sock puppet of Jane)"]
    assert "count again" in page_text(client)


@pytest.mark.parametrize("path, data, status, message", [
    ("/exclude", {"reason": ""}, 400, "Say why these votes are excluded."),
    ("/exclude", {"reason": "x" * 2001}, 400, "Field cannot be longer than 2000 characters."),
    ("/include", {}, 400, "The votes of Sock Puppet are not excluded."),
    ("/exclude", {"user_id": "someone", "reason": "Why"}, 400, "Not a valid integer value."),
    ("/exclude", {"user_id": 999999, "reason": "Why"}, 404, "There is no user 999999."),
])
def test_refused_changes_say_why_and_change_nothing(scene, puppet, login, path, data, status, message):
    response = login(scene.organiser).post(PAGE + path, data={"user_id": puppet.id, **data})
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert counts(puppet) == (4, 0) and log("votes.excluded") == []


def test_excluding_twice_is_refused(scene, puppet, login):
    client = login(scene.organiser)
    client.post(PAGE + "/exclude", data={"user_id": puppet.id, "reason": "Puppet"})
    response = client.post(PAGE + "/exclude", data={"user_id": puppet.id, "reason": "Again"})
    assert response.status_code == 400
    assert "The votes of Sock Puppet are already excluded." in response.get_data(as_text=True)
    assert counts(puppet) == (4, 1) and len(log("votes.excluded")) == 1


@pytest.mark.parametrize("role, status", [
    ("anonymous", 302), ("voter", 403), ("speaker", 403), ("other_organiser", 403), ("organiser", None),
    ("admin", None),
])
@pytest.mark.parametrize("method, path", [("get", ""), ("post", "/exclude"), ("post", "/include")])
def test_only_organisers_and_admins_reach_the_page(scene, puppet, client, login, role, status, method, path):
    users = {"voter": puppet, "speaker": scene.speakers["Jane Doe"], "organiser": scene.organiser,
             "other_organiser": make_organiser(make_event()), "admin": make_user(is_admin=True)}
    if path == "/include":
        exclusions.exclude_voter(event=scene.event, user=puppet, reason="Puppet", by=scene.organiser)
    if role != "anonymous":
        client = login(users[role])
    response = getattr(client, method)(PAGE + path, data={"user_id": puppet.id, "reason": "Puppet"})
    expected = status or (200 if method == "get" else 302)
    assert response.status_code == expected
    if role == "anonymous":
        assert response.headers["Location"].startswith("/auth/login?next=")
    assert login(scene.organiser).get("/events/nowhere/manage/voting-integrity").status_code == 404


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_excluding_and_reinstating_need_the_csrf_token(scene, puppet, login):
    client = login(scene.organiser)
    changes = [("/exclude", {"user_id": puppet.id, "reason": "Puppet"}), ("/include", {"user_id": puppet.id})]
    for path, data in changes:
        refused = client.post(PAGE + path, data=data)
        assert refused.status_code == 400 and "The CSRF token is missing." in refused.get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page_text(client)).group(1)
        assert client.post(PAGE + path, data={**data, "csrf_token": token}).status_code == 302
    assert counts(puppet) == (4, 0) and len(log("votes.excluded")) == len(log("votes.included")) == 1
