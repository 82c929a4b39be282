"""Selection lists: each chair's list, the team list with its quota, flags and community ranks, the pages."""
import pytest
from sqlalchemy import func, select

from tests.community.test_services import concurrent_app, run_together
from tests.conftest import POSTGRES_URL, empty_tables
from tests.factories import make_chair, make_event, make_organiser, make_proposal, make_track, make_user
from voting.community.services import recount_votes
from voting.db_types import utcnow
from voting.enums import ProposalState, SelectionMark, SpeakerStatus, VoteChoice
from voting.errors import RuleViolation
from voting.extensions import db
from voting.models import (
    ChairSelection,
    Proposal,
    ProposalSpeaker,
    SpeakerProfile,
    TeamSelection,
    Track,
    User,
    Vote,
)
from voting.review import selection

SELECTED, MAYBE, PASS = SelectionMark.SELECTED, SelectionMark.MAYBE, SelectionMark.PASS


@pytest.fixture
def track(app):
    return make_track(event=make_event(), session_count=2, alternate_count=1, name="Storage", slug="storage")


@pytest.fixture
def chair(track):
    return make_chair(track, make_user(name="Chad"))


def talks(track, count, **fields):
    return [make_proposal(track=track, title=f"Talk {n}", **fields) for n in range(count)]


def my_list(chair, track):
    return [(e.proposal, e.mark) for e in next(each for each in selection.chair_lists(track)
                                                  if each.chair == chair).entries]


def team(track):
    return [row.proposal for row in selection.team_list(track).rows]


def positions(model, track):
    return db.session.scalars(select(model.position).where(model.track_id == track.id)
                              .order_by(model.position)).all()


def test_a_chair_marks_reorders_and_unmarks(track, chair):
    a, b, c = talks(track, 3)
    for proposal, mark in ((a, SELECTED), (b, MAYBE), (c, PASS)):
        selection.mark_proposal(chair=chair, proposal=proposal, mark=mark)
    selection.mark_proposal(chair=chair, proposal=a, mark="maybe")  # a new mark keeps the place
    assert my_list(chair, track) == [(a, MAYBE), (b, MAYBE), (c, PASS)]
    selection.move_in_my_list(chair=chair, proposal=c, direction="up")
    selection.move_in_my_list(chair=chair, proposal=a, direction="up")  # already at the top
    assert [p for p, _ in my_list(chair, track)] == [a, c, b]
    selection.move_in_my_list(chair=chair, proposal=a, position=9)
    assert [p for p, _ in my_list(chair, track)] == [c, b, a]
    assert selection.unmark_proposal(chair=chair, proposal=b) is True
    assert selection.unmark_proposal(chair=chair, proposal=b) is False
    assert [p for p, _ in my_list(chair, track)] == [c, a] and positions(ChairSelection, track) == [0, 1]
    with pytest.raises(RuleViolation, match="not in your list"):
        selection.move_in_my_list(chair=chair, proposal=b, direction="down")


def test_chairs_see_each_others_lists(track, chair):
    other = make_chair(track, make_user(name="Ann"))
    organiser = make_organiser(track.event, make_user(name="Zed"))
    quiet = make_chair(track, make_user(name="Bea"))
    a, b = talks(track, 2)
    selection.mark_proposal(chair=other, proposal=b, mark=SELECTED)
    selection.mark_proposal(chair=chair, proposal=a, mark=MAYBE)
    selection.mark_proposal(chair=organiser, proposal=a, mark=PASS)
    lists = selection.chair_lists(track)
    assert [(each.chair, [e.proposal for e in each.entries]) for each in lists] == [
        (other, [b]), (quiet, []), (chair, [a]), (organiser, [a])]


def test_a_chair_cannot_select_a_proposal_they_speak_on(track, chair):
    own = make_proposal(track=track, speaker=chair)
    co_spoken = make_proposal(track=track)
    co_spoken.speakers.append(ProposalSpeaker(user=chair, position=1, status=SpeakerStatus.CONFIRMED))
    db.session.flush()
    for proposal in (own, co_spoken):
        with pytest.raises(RuleViolation, match="you speak on"):
            selection.mark_proposal(chair=chair, proposal=proposal, mark=SELECTED)
        with pytest.raises(RuleViolation, match="you speak on"):
            selection.add_to_team_list(track=track, proposal=proposal, by=chair)
    selection.add_to_team_list(track=track, proposal=own, by=make_chair(track))
    with pytest.raises(RuleViolation, match="you speak on"):
        selection.move_in_team_list(track=track, proposal=own, by=chair, direction="up")
    assert db.session.scalar(select(func.count()).select_from(ChairSelection)) == 0


def test_only_the_tracks_chairs_and_organisers_select(track):
    proposal = make_proposal(track=track)
    other_chair = make_chair(make_track(event=track.event))
    with pytest.raises(RuleViolation, match="Only the chairs"):
        selection.mark_proposal(chair=other_chair, proposal=proposal, mark=SELECTED)
    with pytest.raises(RuleViolation, match="Only the chairs"):
        selection.add_to_team_list(track=track, proposal=proposal, by=make_user())
    selection.mark_proposal(chair=make_organiser(track.event), proposal=proposal, mark=SELECTED)


@pytest.mark.parametrize("state", [ProposalState.DRAFT, ProposalState.WITHDRAWN])
def test_drafts_and_withdrawn_proposals_are_not_selected(track, chair, state):
    proposal = make_proposal(track=track, state=state, submitted_at=utcnow())
    with pytest.raises(RuleViolation, match="cannot be selected"):
        selection.mark_proposal(chair=chair, proposal=proposal, mark=SELECTED)
    with pytest.raises(RuleViolation, match="cannot be selected"):
        selection.add_to_team_list(track=track, proposal=proposal, by=chair)


def test_the_team_list_adds_moves_and_removes_keeping_positions_dense(track, chair):
    a, b, c, d = talks(track, 4)
    for proposal in (a, b, c):
        selection.add_to_team_list(track=track, proposal=proposal, by=chair)
    selection.add_to_team_list(track=track, proposal=d, by=chair, position=1, note=" keynote material ")
    assert team(track) == [a, d, b, c] and positions(TeamSelection, track) == [0, 1, 2, 3]
    selection.move_in_team_list(track=track, proposal=c, by=chair, direction="up")
    selection.move_in_team_list(track=track, proposal=a, by=chair, position=3)
    assert team(track) == [d, c, b, a]
    selection.remove_from_team_list(track=track, proposal=c, by=chair)
    assert team(track) == [d, b, a] and positions(TeamSelection, track) == [0, 1, 2]
    with pytest.raises(RuleViolation, match="already in the team list"):
        selection.add_to_team_list(track=track, proposal=a, by=chair)
    with pytest.raises(RuleViolation, match="not in the team list"):
        selection.remove_from_team_list(track=track, proposal=c, by=chair)
    with pytest.raises(RuleViolation, match="not in"):
        selection.add_to_team_list(track=make_track(event=track.event), proposal=c, by=chair)
    assert selection.team_list(track).rows[0].entry.note == "keynote material"


def test_picks_are_counted_per_proposal(track, chair):
    a, b, c = talks(track, 3)
    others = [make_chair(track) for _ in range(2)]
    for person, marks in ((chair, (SELECTED, MAYBE, PASS)), (others[0], (SELECTED, SELECTED, None)),
                          (others[1], (MAYBE, None, None))):
        for proposal, mark in zip((a, b, c), marks):
            if mark:
                selection.mark_proposal(chair=person, proposal=proposal, mark=mark)
    selection.add_to_team_list(track=track, proposal=b, by=chair)
    selection.add_to_team_list(track=track, proposal=a, by=chair)
    rows = selection.team_list(track).rows
    assert [(row.proposal, row.selected, row.maybe) for row in rows] == [(b, 1, 1), (a, 2, 1)]
    assert [tuple(row) for row in selection.team_candidates(track)] == [(c, 0, 0)]


def test_slots_and_quota_follow_the_list_live(track, chair):
    proposals = talks(track, 4)
    selection.add_to_team_list(track=track, proposal=proposals[0], by=chair)
    quota = selection.team_list(track).quota
    assert (quota.sessions_filled, quota.sessions, quota.alternates_filled, quota.alternates) == (1, 2, 0, 1)
    assert (quota.over, quota.under) == (0, 2)
    for proposal in proposals[1:]:
        selection.add_to_team_list(track=track, proposal=proposal, by=chair)
    listed = selection.team_list(track)
    assert [row.slot for row in listed.rows] == ["session", "session", "alternate", "over quota"]
    assert (listed.quota.sessions_filled, listed.quota.alternates_filled, listed.quota.over,
            listed.quota.under) == (2, 1, 1, 0)
    selection.remove_from_team_list(track=track, proposal=proposals[0], by=chair)
    assert selection.team_list(track).quota.over == 0


def test_companies_and_speakers_over_the_threshold_are_flagged(track, chair):
    track.event.team_list_flag_threshold = 1
    prolific, ann, bob = make_user(name="Pat"), make_user(), make_user()
    db.session.add_all([SpeakerProfile(user=ann, display_name="Ann", company="Acme "),
                        SpeakerProfile(user=bob, display_name="Bob", company="acme"),
                        SpeakerProfile(user=prolific, display_name="Pat P.")])
    listed = [make_proposal(track=track, speaker=who) for who in (prolific, prolific, ann, bob)]
    quiet = make_proposal(track=track, speaker=make_user())
    for proposal in (*listed, quiet):
        selection.add_to_team_list(track=track, proposal=proposal, by=chair)
    result = selection.team_list(track)
    assert [(f.kind, f.name, f.talks) for f in result.flags] == [("company", "Acme", 2),
                                                                  ("speaker", "Pat P.", 2)]
    assert [[f.kind for f in row.flags] for row in result.rows] == [["speaker"], ["speaker"], ["company"],
                                                                     ["company"], []]
    track.event.team_list_flag_threshold = 2
    assert selection.team_list(track).flags == []


def test_the_difference_from_the_community_ranking_is_shown(track, chair):
    best, middle, worst, tied, unseen = talks(track, 5)
    voters = [make_user() for _ in range(3)]
    for proposal, choice in ((best, VoteChoice.LOVE), (worst, VoteChoice.NOT)):
        db.session.add_all([Vote(user=voter, proposal=proposal, choice=choice) for voter in voters])
    db.session.add_all([Vote(user=voters[0], proposal=p, choice=VoteChoice.TRY) for p in (middle, tied)])
    db.session.flush()
    recount_votes(event=track.event)
    for proposal in (worst, middle, best):
        selection.add_to_team_list(track=track, proposal=proposal, by=chair)
    # Bayesian averages (event mean 1.25, a prior of 1 vote): best 2.56, middle and tied 1.63, unseen 1.25,
    # worst -0.44; middle and tied are tied (the older one ranks first).
    listed = selection.team_list(track)
    assert [(row.community_rank, row.difference, row.tied) for row in listed.rows] == [
        (5, 4, False), (2, 0, True), (1, -2, False)]
    assert [row.id for row in listed.left_out] == [tied.id]  # ranked 3rd, within 2 sessions + 1 alternate
    assert unseen not in team(track)


def test_a_second_add_is_refused(track, chair):
    proposal = make_proposal(track=track)
    selection.add_to_team_list(track=track, proposal=proposal, by=chair)
    with pytest.raises(RuleViolation, match="already in the team list"):
        selection.add_to_team_list(track=track, proposal=proposal, by=make_chair(track))


@pytest.mark.parametrize("backend", ["sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def test_concurrent_adds_leave_one_row_and_a_dense_order(tmp_path, backend):
    app = concurrent_app(tmp_path, backend)
    with app.app_context():
        db.create_all()
        track = make_track(session_count=2, alternate_count=1)
        chairs, proposals = [make_chair(track) for _ in range(6)], talks(track, 7)
        db.session.commit()
        ids = track.id, [c.id for c in chairs], [p.id for p in proposals]
    refused = []

    def add(i, proposal_id):
        try:
            target = db.session.get(Proposal, proposal_id)
            selection.add_to_team_list(track=db.session.get(Track, ids[0]), proposal=target,
                                       by=db.session.get(User, ids[1][i]), position=0)
        except RuleViolation as exc:
            db.session.rollback()
            refused.append(str(exc))

    try:
        run_together(app, lambda i: add(i, ids[2][0]), 6)
        run_together(app, lambda i: add(i, ids[2][i + 1]), 6)
        with app.app_context():
            assert refused == ["This proposal is already in the team list."] * 5
            rows = db.session.execute(select(TeamSelection.proposal_id, TeamSelection.position)).all()
            assert sorted(proposal_id for proposal_id, _ in rows) == sorted(ids[2])
            assert sorted(position for _, position in rows) == list(range(7))
    finally:
        with app.app_context():
            db.session.remove()
            if backend == "postgresql":
                empty_tables()
            db.engine.dispose()


# The pages ------------------------------------------------------------------------------------------------

# Empty forms: a mark or move without its field is a 400; an add succeeds, an unmark or remove of what is not
# listed is flashed: 303 both.
ROUTES = [("selection.mine", "GET", 200), ("selection.mark", "POST", 400), ("selection.unmark", "POST", 303),
          ("selection.move", "POST", 400), ("selection.team", "GET", 200),
          ("selection.team_add", "POST", 303), ("selection.team_remove", "POST", 303),
          ("selection.team_move", "POST", 400)]


def url(app, endpoint, track, proposal=None, **values):
    if proposal is not None:
        values["slug"] = proposal if isinstance(proposal, str) else proposal.slug
    with app.test_request_context():
        return app.url_for(endpoint, event_slug=track.event.slug, track_slug=track.slug, **values)


@pytest.mark.parametrize("endpoint, method, allowed", ROUTES)
@pytest.mark.parametrize("role", ["anonymous", "stranger", "speaker", "other_chair", "chair", "organiser"])
def test_each_role_gets_its_status(app, client, login, track, chair, endpoint, method, allowed, role):
    speaker = make_user()
    proposal = make_proposal(track=track, speaker=speaker)
    people = {"stranger": make_user(), "speaker": speaker, "chair": chair,
              "organiser": make_organiser(track.event),
              "other_chair": make_chair(make_track(event=track.event))}
    if role != "anonymous":
        login(people[role])
    page = endpoint in ("selection.mine", "selection.team")
    response = client.open(url(app, endpoint, track, None if page else proposal), method=method)
    expected = {"anonymous": 302, "chair": allowed, "organiser": allowed}.get(role, 403)
    assert response.status_code == expected
    if role == "anonymous":
        assert response.headers["Location"].startswith("/auth/login?next=")


def test_a_chair_keeps_a_list_through_the_pages(app, client, login, track, chair):
    a, b = talks(track, 2)
    other = make_chair(track, make_user(name="Olga"))
    selection.mark_proposal(chair=other, proposal=b, mark=PASS)
    login(chair)
    response = client.post(url(app, "selection.mark", track, a), data={"mark": "selected"})
    assert response.status_code == 303 and response.headers["Location"] == url(app, "selection.mine", track)
    client.post(url(app, "selection.mark", track, b), data={"mark": "maybe"})
    client.post(url(app, "selection.move", track, b), data={"direction": "up"})
    assert my_list(chair, track) == [(b, MAYBE), (a, SELECTED)]
    page = client.get(url(app, "selection.mine", track)).get_data(as_text=True)
    assert "Chad (you)" in page and "Olga" in page and "Move Talk 1 up" in page and "Pass" in page
    client.post(url(app, "selection.unmark", track, b), data={})
    assert my_list(chair, track) == [(a, SELECTED)]


def test_refusals_are_flashed_and_malformed_forms_are_400(app, client, login, track, chair):
    own = make_proposal(track=track, speaker=chair, title="My own talk")
    login(chair)
    response = client.post(url(app, "selection.mark", track, own), data={"mark": "selected"},
                           follow_redirects=True)
    assert response.status_code == 200 and "You cannot select a proposal you speak on." in response.text
    assert client.post(url(app, "selection.mark", track, own), data={"mark": "adore"}).status_code == 400
    move = url(app, "selection.move", track, own)
    assert client.post(move, data={"direction": "sideways"}).status_code == 400
    assert client.post(move, data={"direction": "up", "position": "1"}).status_code == 400
    response = client.post(move, data={"direction": "up"}, follow_redirects=True)
    assert "not in your list" in response.text
    assert db.session.scalar(select(func.count()).select_from(ChairSelection)) == 0


def test_the_team_list_page_shows_slots_quota_flags_and_ranks(app, client, login, track, chair):
    track.event.team_list_flag_threshold = 1
    prolific = make_user()
    db.session.add(SpeakerProfile(user=prolific, display_name="Pat Prolific"))
    proposals = [*talks(track, 2), *(make_proposal(track=track, speaker=prolific) for _ in range(2))]
    selection.mark_proposal(chair=make_chair(track), proposal=proposals[0], mark=SELECTED)
    login(chair)
    for proposal in proposals:
        assert client.post(url(app, "selection.team_add", track, proposal), data={}).status_code == 303
    client.post(url(app, "selection.team_move", track, proposals[3]), data={"position": "0"})
    assert team(track) == [proposals[3], *proposals[:3]]
    page = client.get(url(app, "selection.team", track)).text
    assert "Sessions 2/2" in page and "Alternates 1/1" in page and "Over quota by 1" in page
    assert "over quota" in page and "alternate" in page and "Pat Prolific" in page and "flagged" in page
    client.post(url(app, "selection.team_remove", track, proposals[3]), data={})
    client.post(url(app, "selection.team_remove", track, proposals[2]), data={})
    page = client.get(url(app, "selection.team", track)).text
    assert "Sessions 2/2" in page and "Under quota: 1 to fill" in page and "flagged" not in page


def test_unknown_tracks_and_proposals_are_404(app, client, login, track, chair):
    elsewhere = make_proposal(track=make_track(event=track.event, slug="networking"))
    login(chair)
    assert client.get(url(app, "selection.mine", track).replace("/storage/", "/nowhere/")).status_code == 404
    assert client.get(url(app, "selection.team", track).replace(track.event.slug, "nope")).status_code == 404
    for endpoint in ("selection.mark", "selection.team_add"):
        assert client.post(url(app, endpoint, track, "no-such"), data={"mark": "pass"}).status_code == 404
        assert client.post(url(app, endpoint, track, elsewhere), data={"mark": "pass"}).status_code == 404


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_post_without_its_csrf_token_is_refused(app, client, login, track, chair):
    proposal = make_proposal(track=track)
    login(chair)
    assert client.post(url(app, "selection.team_add", track, proposal), data={}).status_code == 400
    assert team(track) == []


def test_anonymous_review_hides_the_speakers_but_not_the_flags(app, client, login, track, chair):
    track.event.anonymous_review, track.event.team_list_flag_threshold = True, 1
    prolific = make_user(name="Pat Prolific")
    for proposal in (make_proposal(track=track, speaker=prolific) for _ in range(2)):
        selection.add_to_team_list(track=track, proposal=proposal, by=chair)
    page = login(chair).get(url(app, "selection.team", track)).text
    assert "Pat Prolific" not in page and "flagged: speaker 1" in page and "Speakers hidden" in page
