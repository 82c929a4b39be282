"""Community results: the Bayesian ranking, exclusions, who sees what when, the dashboard and its charts."""
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from tests.factories import make_chair, make_event, make_organiser, make_proposal, make_track, make_user
from voting.community import charts, results
from voting.community.services import recount_votes
from voting.db_types import utcnow
from voting.enums import ProposalState, VoteChoice
from voting.extensions import db
from voting.models import Vote, VoterExclusion

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def track(app):
    return make_track(event=make_event())


@pytest.fixture
def voters(app):
    return [make_user() for _ in range(30)]


def cast(proposal, voters, love=0, try_=0, might=0, not_=0, at=None):
    """Add votes on `proposal` in bulk (each choice's count from the next voters), then recount."""
    pool = iter(voters)
    for choice, count in zip(VoteChoice, (love, try_, might, not_)):
        for _ in range(count):
            db.session.add(Vote(user=next(pool), proposal=proposal, choice=choice, created_at=at or utcnow()))
    db.session.flush()
    recount_votes(event=proposal.event)


def by_slug(outcome):
    return {row.slug: row for row in outcome.rows}


def test_a_bayesian_average_ranks_many_good_votes_above_a_few_top_ones(track, voters):
    a, b, c = (make_proposal(track=track, slug=slug) for slug in "abc")
    cast(a, voters, love=3)                         # score 3·3 = 9, mean 3
    cast(b, voters, love=10, try_=18, might=2)      # score 30 + 36 + 2 = 68, mean 68/30
    cast(c, voters, might=10, not_=10)              # score 10 - 10 = 0, mean 0
    outcome = results.proposal_results(event=track.event)
    # The event's mean m = (9 + 68 + 0) / 53 = 77/53; the prior C is the median count of (3, 30, 20) = 20.
    assert outcome.event_mean == pytest.approx(77 / 53)
    assert outcome.median_votes == outcome.prior_votes == 20 and outcome.total_votes == 53
    rows = by_slug(outcome)
    assert rows["a"].counts == {VoteChoice.LOVE: 3, VoteChoice.TRY: 0, VoteChoice.MIGHT: 0, VoteChoice.NOT: 0}
    assert (rows["a"].votes, rows["b"].votes, rows["c"].votes) == (3, 30, 20)
    assert rows["a"].weighted_mean == 3 and rows["b"].weighted_mean == pytest.approx(68 / 30)
    # (C·m + Σ) / (C + n): A = (1540/53 + 9) / 23 = 2017/1219, B = (1540/53 + 68) / 50 = 2572/1325,
    # C = (1540/53 + 0) / 40 = 77/106.
    assert rows["a"].bayesian_average == pytest.approx(2017 / 1219)  # 1.6546...
    assert rows["b"].bayesian_average == pytest.approx(2572 / 1325)  # 1.9411...
    assert rows["c"].bayesian_average == pytest.approx(77 / 106)     # 0.7264...
    assert [row.slug for row in outcome.rows] == ["b", "a", "c"]
    assert [row.rank for row in outcome.rows] == [1, 2, 3]


def test_a_fixed_prior_and_a_proposal_without_votes(track, voters):
    track.event.bayes_prior_votes = 10
    a, b, _ = (make_proposal(track=track, slug=slug) for slug in ("a", "b", "z"))
    cast(a, voters, love=2, not_=1)                 # score 6 - 1 = 5
    cast(b, voters, try_=1)                         # score 2
    outcome = results.proposal_results(event=track.event)
    rows = by_slug(outcome)
    assert outcome.event_mean == pytest.approx(7 / 4) and outcome.prior_votes == 10
    assert rows["a"].bayesian_average == pytest.approx((17.5 + 5) / 13)
    assert rows["b"].bayesian_average == pytest.approx((17.5 + 2) / 11)
    assert (rows["z"].votes, rows["z"].weighted_mean) == (0, None)
    assert rows["z"].bayesian_average == pytest.approx(1.75)  # the prior: the event's mean
    assert [row.slug for row in outcome.rows] == ["b", "z", "a"]


def test_ties_are_broken_by_votes_then_age(track, voters):
    old, new, more = (make_proposal(track=track, slug=slug) for slug in ("old", "new", "more"))
    track.event.bayes_prior_votes = 0
    cast(old, voters, love=1)
    cast(new, voters, love=1)
    cast(more, voters, love=2)
    assert [row.slug for row in results.proposal_results(event=track.event)] == ["more", "old", "new"]


def test_no_votes_at_all_ranks_by_age(track):
    first, second = make_proposal(track=track), make_proposal(track=track)
    outcome = results.proposal_results(event=track.event)
    assert outcome.event_mean is None and outcome.total_votes == 0 and outcome.median_votes == 0
    assert [(row.id, row.bayesian_average) for row in outcome] == [(first.id, None), (second.id, None)]


def test_each_track_has_its_own_ranking(track, voters):
    other = make_track(event=track.event)
    a, b = make_proposal(track=track, slug="a"), make_proposal(track=track, slug="b")
    x = make_proposal(track=other, slug="x")
    cast(a, voters, might=4)
    cast(b, voters, love=4)
    cast(x, voters, try_=4)
    everything = results.proposal_results(event=track.event)
    ranks = [(row.slug, row.rank, row.track_rank) for row in everything]
    assert ranks == [("b", 1, 1), ("x", 2, 1), ("a", 3, 2)]
    one_track = results.proposal_results(event=track.event, track_id=other.id)
    ranks = [(row.slug, row.rank, row.track_rank, row.track_name) for row in one_track]
    assert ranks == [("x", 2, 1, other.name)]
    assert one_track.event_mean == everything.event_mean  # the prior is the event's, not the track's


def test_excluded_votes_are_kept_and_reported_but_not_counted(track, voters):
    a, b = make_proposal(track=track, slug="a"), make_proposal(track=track, slug="b")
    cast(a, voters, love=1, not_=2)
    cast(b, voters, not_=1)
    for voter in voters[1:3]:
        db.session.add(VoterExclusion(event_id=track.event.id, user_id=voter.id, reason="stuffing"))
    other_event_track = make_track()  # an exclusion from another event changes nothing here
    db.session.add(VoterExclusion(event_id=other_event_track.event.id, user_id=voters[0].id,
                                  reason="elsewhere"))
    db.session.flush()
    outcome = results.proposal_results(event=track.event)
    rows = by_slug(outcome)
    assert (rows["a"].votes, rows["a"].counts[VoteChoice.NOT], rows["a"].weighted_mean) == (1, 0, 3)
    assert rows["b"].votes == 1  # voters[0]'s vote
    assert (outcome.excluded_votes, outcome.excluded_voters) == (2, 2)
    assert results.excluded_vote_count(track.event) == 2
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 4


def test_the_event_weights_change_the_means(track, voters):
    proposal = make_proposal(track=track)
    cast(proposal, voters, love=1, try_=1, might=1, not_=1)
    assert results.proposal_results(event=track.event).rows[0].weighted_mean == pytest.approx(5 / 4)
    track.event.weight_love, track.event.weight_not = 10, -10
    assert results.proposal_results(event=track.event).rows[0].weighted_mean == pytest.approx(3 / 4)


def test_only_the_events_votable_proposals_are_counted(track, voters):
    kept = make_proposal(track=track, slug="kept")
    draft = make_proposal(track=track, slug="draft", state=ProposalState.DRAFT, submitted_at=None)
    withdrawn = make_proposal(track=track, slug="withdrawn", state=ProposalState.WITHDRAWN)
    elsewhere = make_proposal(track=make_track())
    for proposal in (kept, draft, withdrawn, elsewhere):
        cast(proposal, voters, love=2)
    outcome = results.proposal_results(event=track.event)
    assert [row.slug for row in outcome] == ["kept"] and outcome.total_votes == 2


@pytest.mark.parametrize("proposals", [3, 40])
def test_the_ranking_takes_a_fixed_handful_of_statements(track, voters, proposals):
    for n in range(proposals):
        cast(make_proposal(track=track), voters[n % 5:], love=n % 3, try_=1)
    db.session.commit()
    event, statements = track.event, []
    db.session.refresh(event)
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa_event.listen(db.engine, "before_cursor_execute", listener)
    try:
        outcome = results.proposal_results(event=event)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", listener)
    assert len(outcome) == proposals and len(statements) <= 3, statements


# Who sees the results when -----------------------------------------------------------------------

PHASES = {"open": (-5, 5, True), "closed": (-10, -1, True), "closed_private": (-10, -1, False)}
VISIBLE = {"open": {"chair", "organiser", "admin"}, "closed": {"anonymous", "user", "speaker", "chair",
                                                               "organiser", "admin"},
           "closed_private": {"chair", "organiser", "admin"}}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ["anonymous", "user", "speaker", "chair", "organiser", "admin"])
def test_who_sees_the_results_in_each_phase(app, client, login, role, phase):
    opens, closes, public = PHASES[phase]
    now = utcnow()
    event = make_event(voting_opens_at=now + timedelta(days=opens),
                       voting_closes_at=now + timedelta(days=closes),
                       results_public_after_close=public)
    track = make_track(event=event)
    speaker = make_user()
    make_proposal(track=track, speaker=speaker, title="The talk")
    users = {"user": make_user(), "speaker": speaker, "chair": make_chair(make_track(event=event)),
             "organiser": make_organiser(event), "admin": make_user(is_admin=True)}
    if role != "anonymous":
        login(users[role])
    response = client.get(f"/events/{event.slug}/results")
    expected = 200 if role in VISIBLE[phase] else 403
    assert response.status_code == expected
    page = response.get_data(as_text=True)
    assert ("The talk" in page) == (expected == 200)
    if phase == "open" and expected == 403:
        assert "appear here when voting closes" in page
    if phase == "closed_private" and expected == 403:
        assert "not public" in page


def test_the_results_page_reports_exclusions_and_filters_by_track(app, client, login, track, voters):
    other = make_track(event=track.event, name="Other track")
    make_proposal(track=track, title="Kept talk")
    proposal = make_proposal(track=other, title="Other talk")
    cast(proposal, voters, love=3)
    for voter in voters[:2]:
        db.session.add(VoterExclusion(event_id=track.event.id, user_id=voter.id, reason="stuffing"))
    login(make_organiser(track.event))
    page = client.get(f"/events/{track.event.slug}/results").get_data(as_text=True)
    assert "2 votes from 2 excluded voters are not counted" in page and "Kept talk" in page
    filtered = client.get(f"/events/{track.event.slug}/results?track={other.id}")
    assert filtered.status_code == 200 and "Kept talk" not in filtered.get_data(as_text=True)
    assert client.get(f"/events/{track.event.slug}/results?track={make_track().id}").status_code == 404


# The organiser's dashboard ----------------------------------------------------------------------

def test_only_the_events_organisers_see_the_dashboard(app, client, login, track):
    path = f"/events/{track.event.slug}/manage/voting"
    assert client.get(path).status_code == 302
    login(make_chair(track))
    assert client.get(path).status_code == 403
    login(make_organiser(make_event()))
    assert client.get(path).status_code == 403
    login(make_organiser(track.event))
    response = client.get(path)
    assert response.status_code == 200 and 'aria-labelledby="votes-per-day-title votes-per-day-desc"' in (
        response.get_data(as_text=True))


def test_the_dashboard_keeps_hostile_names_inert(app, client, login, voters):
    event = make_event()
    track = make_track(event=event, name="<script>alert(1)</script>")
    cast(make_proposal(track=track, title="<img src=x onerror=alert(2)>"), voters, love=2, not_=1)
    login(make_organiser(event))
    page = client.get(f"/events/{event.slug}/manage/voting").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_votes_per_day_are_counted_in_the_events_time_zone(app, voters):
    event = make_event(timezone="Asia/Kolkata")  # UTC+05:30: a quarter-hour bucket, not an hour
    proposal = make_proposal(track=make_track(event=event))
    day = datetime(2030, 1, 1, tzinfo=timezone.utc)
    for n, minutes in enumerate([18 * 60 + 29, 18 * 60 + 31, 18 * 60 + 40, 3 * 24 * 60]):
        cast(proposal, voters[n:], love=1, at=day + timedelta(minutes=minutes))
    assert [(d.isoformat(), count) for d, count in results.votes_per_day(event=event)] == [
        ("2030-01-01", 1), ("2030-01-02", 2), ("2030-01-03", 0), ("2030-01-04", 1)]


def test_participation_per_track_counts_votes_and_distinct_voters(app, voters):
    event = make_event()
    busy = make_track(event=event, name="Busy", position=1)
    make_track(event=event, name="Quiet", position=2)
    cast(make_proposal(track=busy), voters, love=3)
    cast(make_proposal(track=busy), voters, try_=2)
    db.session.add(VoterExclusion(event_id=event.id, user_id=voters[0].id, reason="stuffing"))
    assert results.participation_by_track(event=event) == [("Busy", 3, 2), ("Quiet", 0, 0)]


def test_a_histogram_bins_vote_counts_from_zero():
    assert results.histogram([0, 1, 1, 5], bin_count=3) == [(0, 1, 3), (2, 3, 0), (4, 5, 1)]
    assert results.histogram([]) == []
    assert results.histogram([0, 0]) == [(0, 0, 2)]


# The charts ----------------------------------------------------------------------------------------

def parse(svg):
    root = ET.fromstring(str(svg))
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    return root


def test_every_chart_is_valid_labelled_svg_with_escaped_labels():
    hostile = '<script>alert("x")</script> & co'
    counts = {VoteChoice.LOVE: 2, VoteChoice.TRY: 1, VoteChoice.MIGHT: 0, VoteChoice.NOT: 1}
    drawn = [
        charts.line_chart([("01 Jan", 3), (hostile, 10)], chart_id="a", title=hostile, desc="d",
                          y_label="Votes"),
        charts.bar_chart([("0–4", 12), (hostile, 0)], chart_id="b", title="t", desc=hostile),
        charts.paired_bars([(hostile, 120, 14), ("Quiet", 0, 0)], chart_id="c", title="t", desc="d"),
        charts.distribution_chart([(hostile, counts)], chart_id="d", title="t", desc="d"),
        charts.line_chart([], chart_id="e", title="t", desc="d"),
    ]
    for svg in drawn:
        root = parse(svg)
        assert "<script" not in str(svg)
        ids = root.get("aria-labelledby").split()
        assert [root.find(f"{SVG}title").get("id"), root.find(f"{SVG}desc").get("id")] == ids
    texts = {text.text for text in parse(drawn[2]).iter(SVG + "text")}
    assert any(text and text.startswith("<script>") for text in texts)  # shown as text, not run


def test_a_distribution_bar_describes_itself():
    counts = {VoteChoice.LOVE: 3, VoteChoice.TRY: 1, VoteChoice.MIGHT: 0, VoteChoice.NOT: 2}
    root = parse(charts.distribution_bar(counts))
    assert root.get("aria-label") == "3 love, 1 try, 0 might, 2 not"
    widths = [float(rect.get("width")) for rect in root.iter(SVG + "rect")]
    assert widths == pytest.approx([60, 20, 40])
    assert parse(charts.distribution_bar(dict.fromkeys(VoteChoice, 0))).get("aria-label") == "No votes"


def test_axis_ticks_are_round_numbers():
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(3) == [0, 1, 2, 3]
    assert charts.nice_ticks(1234) == [0, 500, 1000, 1500]
