"""Reviews: scores in the window and on the scale, conflicts, save and next, the discussion, who sees what."""
from datetime import timedelta

import pytest

from tests.review import comment, proposal, review, scene  # noqa: F401  (scene is a fixture)
from voting.enums import ProposalState
from voting.errors import RuleViolation
from voting.extensions import db
from voting.models import Review, ReviewComment
from voting.proposals.services import record_revision
from voting.review import services

PAGE = "/events/tokyo/review/storage/{}"


def saved(scene, chair, of, score=3, **fields):
    """save_review with the scene's defaults, then commit."""
    result = services.save_review(chair=chair, proposal=of, score=score, **fields)
    db.session.commit()
    return result


def test_a_chair_scores_then_changes_their_review_one_row_per_chair(scene):
    saved(scene, scene.carla, scene.zfs, 2, comment="Thin")
    saved(scene, scene.carla, scene.zfs, 5, comment="  Convinced after all  ")
    rows = db.session.query(Review).filter_by(proposal_id=scene.zfs.id).all()
    assert [(r.chair_id, r.score, r.comment) for r in rows] == [(scene.carla.id, 5, "Convinced after all")]


def test_the_review_window_is_enforced_to_the_second(scene):
    opens, closes = scene.event.review_opens_at, scene.event.review_closes_at
    second = timedelta(seconds=1)
    for now in (opens, closes - second):
        services.save_review(chair=scene.carla, proposal=scene.zfs, score=3, now=now)
    for now, state in ((opens - second, "not yet open"), (closes, "closed"), (closes + second, "closed")):
        with pytest.raises(RuleViolation, match=state):
            services.save_review(chair=scene.carla, proposal=scene.zfs, score=4, now=now)


def test_a_score_after_the_window_closed_is_refused_and_what_was_typed_is_kept(scene, login):
    scene.event.review_closes_at = scene.event.review_opens_at + timedelta(seconds=1)
    response = login(scene.carla).post(PAGE.format("zfs-tuning"),
                                       data={"score": "4", "comment": "Typed words"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "review window of Tokyo Summit is closed" in html
    assert "Typed words" in html and '<input checked id="score-3" name="score"' in html
    assert db.session.query(Review).count() == 0


def test_before_the_window_opens_nothing_is_saved(scene, login):
    scene.event.review_opens_at = scene.event.review_closes_at - timedelta(seconds=1)
    response = login(scene.carla).post(PAGE.format("zfs-tuning"), data={"score": "4"})
    assert response.status_code == 400 and "is not yet open" in response.get_data(as_text=True)


@pytest.mark.parametrize("score", [0, 6, -1, True])
def test_a_score_outside_the_events_scale_is_refused(scene, score):
    with pytest.raises(RuleViolation, match="from 1 to 5") as refused:
        services.save_review(chair=scene.carla, proposal=scene.zfs, score=score)
    assert refused.value.field == "score"


def test_the_scale_and_its_labels_are_the_events_settings(scene, login):
    scene.event.review_scale_max, scene.event.review_scale_labels = 10, "Poor\n\nFair"
    assert services.scale_choices(scene.event)[:4] == [(1, "1 — Poor"), (2, "2"), (3, "3 — Fair"), (4, "4")]
    assert saved(scene, scene.carla, scene.zfs, 10).score == 10
    client = login(scene.carla)
    assert "1 — Poor" in client.get(PAGE.format("zfs-tuning")).get_data(as_text=True)
    assert client.post(PAGE.format("zfs-tuning"), data={"score": "11"}).status_code == 400
    assert client.post(PAGE.format("zfs-tuning"), data={"score": "x"}).status_code == 400
    assert [r.score for r in db.session.query(Review)] == [10]


def test_a_chair_cannot_score_a_proposal_they_speak_on(scene, login):
    with pytest.raises(RuleViolation, match="You speak on this proposal"):
        services.save_review(chair=scene.carla, proposal=scene.carlas, score=5)
    assert login(scene.carla).post(PAGE.format("carlas-talk"), data={"score": "5"}).status_code == 403
    assert db.session.query(Review).count() == 0


def test_organisers_read_and_discuss_but_do_not_score(scene, login):
    with pytest.raises(RuleViolation, match="Only the chairs of Storage"):
        services.save_review(chair=scene.olive, proposal=scene.zfs, score=3)
    client = login(scene.olive)
    assert client.post(PAGE.format("zfs-tuning"), data={"score": "3"}).status_code == 403
    assert client.post(PAGE.format("zfs-tuning") + "/comments", data={"body": "Keep it"}).status_code == 302
    html = client.get(PAGE.format("zfs-tuning")).get_data(as_text=True)
    assert "Keep it" in html and "organisers read the reviews" in html and 'name="score"' not in html


def test_a_speaker_of_the_chairs_company_is_flagged_and_needs_a_declared_note(scene, login):
    assert services.company_conflict(scene.chad, scene.ceph) == "ACME"  # "ACME " and "acme": one company
    assert services.company_conflict(scene.carla, scene.ceph) is None
    assert services.company_conflict(scene.chad, scene.zfs) is None
    with pytest.raises(RuleViolation, match="works at ACME") as refused:
        services.save_review(chair=scene.chad, proposal=scene.ceph, score=4, conflict_note="  ")
    assert refused.value.field == "conflict_note"
    client = login(scene.chad)
    page = client.get(PAGE.format("ceph-at-scale")).get_data(as_text=True)
    assert "works at ACME, like you" in page
    refused_page = client.post(PAGE.format("ceph-at-scale"), data={"score": "4", "comment": "Mine"})
    assert refused_page.status_code == 400 and "declare the conflict" in refused_page.get_data(as_text=True)
    declared = {"score": "4", "conflict_note": "Sam is a colleague"}
    assert client.post(PAGE.format("ceph-at-scale"), data=declared).status_code == 302
    seen_by_carla = login(scene.carla).get(PAGE.format("ceph-at-scale")).get_data(as_text=True)
    assert "Sam is a colleague" in seen_by_carla and "Chad Chair" in seen_by_carla


def test_save_and_next_goes_to_the_least_reviewed_proposal_i_have_not_scored(scene, login):
    extra = [proposal(scene.storage, f"Extra {n}") for n in range(3)]
    review(scene.carla, extra[0], 3)
    review(scene.carla, scene.zfs, 3)
    review(scene.chad, extra[1], 3, note="x")
    # Chad: scored extra 1; least reviewed first, then oldest: ceph (0), extra 2 (0), zfs (1), extra 0 (1);
    # Carla's own talk has no review but Chad may score it (she speaks on it, he does not).
    order = []
    after = None
    while (following := services.next_unreviewed(chair=scene.chad, track=scene.storage, after=after)):
        order.append(following.title)
        review(scene.chad, following, 3, note="x")
    assert order == ["Ceph at scale", "Carla's talk", "Extra 2", "ZFS tuning", "Extra 0"]
    assert services.next_unreviewed(chair=scene.carla, track=scene.storage).title == "Ceph at scale"
    skipping_ceph = services.next_unreviewed(chair=scene.carla, track=scene.storage, after=scene.ceph)
    assert skipping_ceph.title == "Extra 1"


def test_the_save_and_next_button_redirects_to_the_next_one_then_to_the_panel(scene, login):
    client = login(scene.carla)
    response = client.post(PAGE.format("zfs-tuning"), data={"score": "3", "save_and_next": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE.format("ceph-at-scale"))
    response = client.post(PAGE.format("ceph-at-scale"), data={"score": "3", "save_and_next": "1"})
    assert response.headers["Location"].endswith("/events/tokyo/review/storage")  # not Carla's own talk
    response = client.post(PAGE.format("ceph-at-scale"), data={"score": "2", "save": "1"})
    assert response.headers["Location"].endswith(PAGE.format("ceph-at-scale"))


def test_the_discussion_is_for_the_tracks_chairs_and_the_organisers_only(scene, login):
    client = login(scene.chad)
    assert client.post(PAGE.format("zfs-tuning") + "/comments", data={"body": "  "}).status_code == 400
    assert client.post(PAGE.format("zfs-tuning") + "/comments", data={"body": "Demo!"}).status_code == 302
    for reader in (scene.carla, scene.olive, scene.admin):
        assert "Demo!" in login(reader).get(PAGE.format("zfs-tuning")).get_data(as_text=True)
    for outsider in (scene.nina, scene.sue, scene.user):
        client = login(outsider)
        assert client.get(PAGE.format("zfs-tuning")).status_code == 403
        assert client.post(PAGE.format("zfs-tuning") + "/comments", data={"body": "Hi"}).status_code == 403
    assert db.session.query(ReviewComment).count() == 1


def test_a_chair_who_speaks_on_a_proposal_sees_neither_its_scores_nor_its_discussion(scene, login):
    review(scene.chad, scene.carlas, 1, comment="Weak-scored-by-chad")
    comment(scene.chad, scene.carlas, "Private-talk-about-carla")
    client = login(scene.carla)
    html = client.get(PAGE.format("carlas-talk")).get_data(as_text=True)
    assert "Weak-scored-by-chad" not in html and "Private-talk-about-carla" not in html
    assert "You speak on this proposal" in html and 'name="score"' not in html
    assert client.post(PAGE.format("carlas-talk") + "/comments", data={"body": "Me"}).status_code == 403
    with pytest.raises(RuleViolation):
        services.add_comment(proposal=scene.carlas, author=scene.carla, body="Me")


def test_a_chair_of_one_track_sees_nothing_private_of_another(scene, login):
    review(scene.nina, scene.neutron, 5, comment="Networking-secret-comment")
    comment(scene.nina, scene.neutron, "Networking-secret-discussion")
    client = login(scene.chad)
    base = "/events/tokyo/review/networking"
    assert client.get(base).status_code == 403
    assert client.get(base + "/neutron-tips").status_code == 403
    assert client.post(base + "/neutron-tips", data={"score": "3"}).status_code == 403
    assert client.post(base + "/neutron-tips/comments", data={"body": "Hi"}).status_code == 403
    assert client.get(PAGE.format("neutron-tips")).status_code == 404  # not in storage
    pages = [client.get(url).get_data(as_text=True) for url in (
        "/events/tokyo/review", "/events/tokyo/review/storage", PAGE.format("zfs-tuning"))]
    for html in pages:
        assert "Neutron tips" not in html and "Networking-secret" not in html and "Networking" not in html


def test_drafts_and_withdrawn_proposals_are_not_under_review(scene, login):
    proposal(scene.storage, "A draft", state=ProposalState.DRAFT, submitted_at=None)
    proposal(scene.storage, "Gone", state=ProposalState.WITHDRAWN)
    client = login(scene.chad)
    assert client.get(PAGE.format("a-draft")).status_code == 404
    assert client.get(PAGE.format("gone")).status_code == 404


def test_visitors_are_sent_to_sign_in_and_others_get_403(scene, client, login):
    response = client.get(PAGE.format("zfs-tuning"))
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
    assert login(scene.user).get("/events/tokyo/review").status_code == 403
    assert login(scene.sam).get("/events/tokyo/review/storage").status_code == 403


def test_the_review_landing_page_lists_the_tracks_i_review(scene, login):
    review(scene.chad, scene.zfs, 4)
    chad = login(scene.chad).get("/events/tokyo/review").get_data(as_text=True)
    assert "Storage" in chad and "Networking" not in chad and "<td>3</td><td>1</td>" in chad
    olive = login(scene.olive).get("/events/tokyo/review").get_data(as_text=True)
    assert "Storage" in olive and "Networking" in olive


def test_speakers_never_see_the_chairs_scores_or_comments(scene, login):
    review(scene.chad, scene.zfs, 2, comment="Chair-only-comment", note="Chair-only-note")
    comment(scene.carla, scene.zfs, "Chair-only-discussion")
    client = login(scene.sue)
    for url in ("/events/tokyo/proposals/zfs-tuning", "/me/proposals"):
        html = client.get(url).get_data(as_text=True)
        assert client.get(url).status_code == 200
        assert not any(secret in html for secret in ("Chair-only", "Panel mean", "Chad Chair"))
    assert client.get(PAGE.format("zfs-tuning")).status_code == 403


ANONYMOUS_SECRETS = ("Sam Speaker", "Sam's job", "Sam.png", "Sam's own biography", "acme")


def test_anonymous_review_hides_the_speakers_from_the_chairs_but_not_the_organisers(scene, login):
    scene.event.anonymous_review = True
    record_revision(proposal=scene.ceph, author=scene.sam)
    review(scene.carla, scene.ceph, 3)
    client = login(scene.carla)
    for url in ("/events/tokyo/review/storage", PAGE.format("ceph-at-scale"),
                "/events/tokyo/review/storage?sort=-title&title=ceph"):
        html = client.get(url).get_data(as_text=True)
        assert "Ceph at scale" in html
        assert [secret for secret in ANONYMOUS_SECRETS if secret in html] == []
    page = client.get(PAGE.format("ceph-at-scale")).get_data(as_text=True)
    assert "1 speaker, hidden for anonymous review" in page and "A speaker" in page
    for url in ("/events/tokyo/review/storage?sort=speaker", "/events/tokyo/review/storage?company=acme",
                "/events/tokyo/review/storage?speaker=sam"):
        assert client.get(url).status_code == 400
    organiser = login(scene.olive)
    for url in ("/events/tokyo/review/storage", PAGE.format("ceph-at-scale")):
        html = organiser.get(url).get_data(as_text=True)
        assert "Sam Speaker" in html and "acme" in html
    assert "Sam.png" in organiser.get(PAGE.format("ceph-at-scale")).get_data(as_text=True)


def test_the_review_page_shows_the_revision_history_and_community_results(scene, login):
    record_revision(proposal=scene.zfs, author=scene.sue)
    scene.zfs.title = "ZFS tuning, revised"
    record_revision(proposal=scene.zfs, author=scene.sue)
    db.session.commit()
    view = services.review_view(scene.zfs, scene.carla)
    assert [(rev.number, changed, author) for rev, changed, author in view.history] == [
        (2, ["title"], "Sue Speaker"), (1, ["first submission"], "Sue Speaker")]
    assert view.results is not None and view.results.votes == 0 and view.ranked == 3
    html = login(scene.carla).get(PAGE.format("zfs-tuning")).get_data(as_text=True)
    assert "Revisions" in html and "Community vote" in html and "Would love to see it" in html
