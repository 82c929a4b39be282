"""The chair's panel: its columns, sorting and filtering on each, pages, bounded queries, bad arguments."""
import pytest
from werkzeug.datastructures import MultiDict

from tests.factories import make_user
from tests.review import (  # noqa: F401  (scene is a fixture)
    LOVE, MIGHT, NOT, TRY, counted_statements, person, proposal, review, scene, team, votes,
)
from voting.enums import Format, Level, ProposalState
from voting.extensions import db
from voting.proposals.listing import InvalidFilter
from voting.review.panel import PER_PAGE, panel_rows, parse_panel_args

PANEL = "/events/tokyo/review/storage"


def rows(scene, user=None, **args):
    """The panel's rows for the query-string arguments, as Chad (or `user`) sees them."""
    sort, filters, page = parse_panel_args(MultiDict(args))
    return panel_rows(track=scene.storage, user=user or scene.chad, sort=sort, filters=filters, page=page)


def titles(scene, user=None, **args):
    return [row.title for row in rows(scene, user, **args).rows]


@pytest.fixture
def busy(scene):
    """Votes, reviews, a team list and more proposals of several formats, levels and states."""
    scene.nfs = proposal(scene.storage, "NFS workshop", person("Ned Nfs", "Umbrella"), format=Format.WORKSHOP,
                         level=Level.ADVANCED, state=ProposalState.ACCEPTED)
    proposal(scene.storage, "A draft", state=ProposalState.DRAFT, submitted_at=None)
    proposal(scene.storage, "Gone", state=ProposalState.WITHDRAWN)
    votes(scene.ceph, scene.voters, LOVE, LOVE, LOVE, TRY)          # 4 votes, mean 2.75
    votes(scene.zfs, scene.voters, NOT, MIGHT)                      # 2 votes, mean 0
    votes(scene.nfs, scene.voters, TRY, TRY, TRY, TRY, TRY, TRY)    # 6 votes, mean 2
    review(scene.carla, scene.ceph, 5)
    review(scene.chad, scene.zfs, 2)
    review(scene.carla, scene.zfs, 3)
    review(scene.chad, scene.carlas, 4, note="Former colleague")
    team(scene.storage, scene.nfs, scene.zfs)
    db.session.commit()
    return scene


def test_the_panel_shows_every_column_of_the_tracks_proposals_under_review(busy):
    by_title = {row.title: row for row in rows(busy).rows}
    names = ["Carla's talk", "Ceph at scale", "NFS workshop", "ZFS tuning"]
    assert sorted(by_title) == names  # neither the draft nor the withdrawn one
    carlas, ceph, nfs, zfs = (by_title[name] for name in names)
    assert ceph.speakers == [("Sam Speaker", "Sam's job", "acme")]
    assert (ceph.votes, ceph.mean, ceph.rank) == (4, 2.75, 1)
    assert (nfs.votes, nfs.mean, nfs.rank) == (6, 2, 2)
    assert (nfs.format, nfs.level) == (Format.WORKSHOP, Level.ADVANCED)
    assert (zfs.my_score, zfs.panel_mean, zfs.review_count) == (2, 2.5, 2)
    assert (ceph.my_score, ceph.panel_mean, ceph.review_count) == (None, 5, 1)
    assert (nfs.team_number, zfs.team_number, ceph.team_number) == (1, 2, None)
    assert ceph.flags == ["company"] and carlas.flags == ["declared"] and zfs.flags == []
    assert by_title["Carla's talk"].panel_mean == 4


def test_a_chair_never_sees_the_panels_scores_of_their_own_proposal(busy):
    carlas = next(row for row in rows(busy, busy.carla).rows if row.title == "Carla's talk")
    assert (carlas.panel_mean, carlas.review_count, carlas.flags) == (None, 0, ["own"])
    assert "Carla's talk" not in titles(busy, busy.carla, min_panel="1")  # no filter reveals it either
    assert "Carla's talk" in titles(busy, busy.chad, min_panel="1")


@pytest.mark.parametrize("sort, expected", [
    ("title", ["Carla's talk", "Ceph at scale", "NFS workshop", "ZFS tuning"]),
    ("-title", ["ZFS tuning", "NFS workshop", "Ceph at scale", "Carla's talk"]),
    ("-votes", ["NFS workshop", "Ceph at scale", "ZFS tuning", "Carla's talk"]),
    ("rank", ["Ceph at scale", "NFS workshop", "Carla's talk", "ZFS tuning"]),
    ("mean", ["ZFS tuning", "NFS workshop", "Ceph at scale", "Carla's talk"]),
    ("mine", ["ZFS tuning", "Carla's talk", "Ceph at scale", "NFS workshop"]),   # unscored last
    ("-panel", ["Ceph at scale", "Carla's talk", "ZFS tuning", "NFS workshop"]),
    ("status", ["NFS workshop", "ZFS tuning", "Carla's talk", "Ceph at scale"]),  # the team list first
    ("speaker", ["Carla's talk", "NFS workshop", "Ceph at scale", "ZFS tuning"]),
    ("-company", ["NFS workshop", "ZFS tuning", "Carla's talk", "Ceph at scale"]),
    ("format", ["Carla's talk", "Ceph at scale", "ZFS tuning", "NFS workshop"]),
    ("-level", ["NFS workshop", "Carla's talk", "Ceph at scale", "ZFS tuning"]),
    ("flagged", ["Carla's talk", "Ceph at scale", "NFS workshop", "ZFS tuning"]),
])
def test_every_column_sorts(busy, sort, expected):
    assert titles(busy, sort=sort) == expected


@pytest.mark.parametrize("args, expected", [
    ({"title": "CEPH"}, ["Ceph at scale"]),
    ({"speaker": "ned"}, ["NFS workshop"]),
    ({"company": "init"}, ["ZFS tuning"]),
    ({"format": "workshop"}, ["NFS workshop"]),
    ({"level": "advanced"}, ["NFS workshop"]),
    ({"state": "accepted"}, ["NFS workshop"]),
    ({"min_votes": "3"}, ["Ceph at scale", "NFS workshop"]),
    ({"min_mean": "2.5"}, ["Ceph at scale"]),
    ({"max_rank": "2"}, ["Ceph at scale", "NFS workshop"]),
    ({"mine": "scored"}, ["Carla's talk", "ZFS tuning"]),
    ({"mine": "unscored"}, ["Ceph at scale", "NFS workshop"]),
    ({"min_panel": "3"}, ["Carla's talk", "Ceph at scale"]),
    ({"team": "yes"}, ["NFS workshop", "ZFS tuning"]),
    ({"team": "no", "flagged": "yes"}, ["Carla's talk", "Ceph at scale"]),
    ({"flagged": "no"}, ["NFS workshop", "ZFS tuning"]),
    ({"title": "100%_"}, []),
])
def test_every_column_filters(busy, args, expected):
    assert titles(busy, sort="title", **args) == expected


def test_the_panel_is_paginated_50_rows_a_page(scene):
    for n in range(PER_PAGE + 7):
        proposal(scene.storage, f"Bulk {n:03}", scene.sue)
    db.session.commit()
    first, last = rows(scene, sort="title"), rows(scene, sort="title", page="2")
    assert (first.total, first.pages, len(first.rows), len(last.rows)) == (60, 2, 50, 10)
    assert first.rows[0].title == "Bulk 000" and last.rows[-1].title == "ZFS tuning"
    assert rows(scene, sort="title", page="9").page == 2  # clamped to the last page


@pytest.mark.parametrize("args, message", [
    ({"sort": "password"}, "Sort by one of"), ({"sort": "--title"}, "Sort by one of"),
    ({"page": "0"}, "page must be"), ({"page": "two"}, "page must be"),
    ({"format": "keynote"}, "Unknown format"),
    ({"min_votes": "-1"}, "whole number"), ({"min_mean": "nan"}, "must be a number"),
    ({"mine": "maybe"}, "Unknown my score"), ({"title": "x" * 201}, "at most 200"),
])
def test_invalid_arguments_are_a_400_with_a_clear_message(scene, login, args, message):
    with pytest.raises(InvalidFilter, match=message):
        parse_panel_args(MultiDict(args))
    response = login(scene.chad).get(PANEL, query_string=args)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_the_page_keeps_the_filters_in_its_sort_links_and_shows_names_and_scores(busy, login):
    html = login(busy.chad).get(PANEL, query_string={"title": "s", "sort": "title"}).get_data(as_text=True)
    assert 'href="/events/tokyo/review/storage?sort=-title&amp;title=s"' in html
    assert 'aria-sort="ascending"' in html
    assert "Sam Speaker" in html and "Your company" in html and "in team list #2" in html
    assert "Conflict declared" in html and "2.50" in html


def _counts(scene, login, first, last):
    """Statements the service and the page run after adding proposals first..last, with votes and reviews."""
    for n in range(first, last):
        made = proposal(scene.storage, f"More {n}", person(f"Mo{n} Speaker", f"Co {n}"), make_user())
        votes(made, scene.voters, LOVE, NOT)
        review(scene.carla, made, 3)
    db.session.commit()
    assert scene.storage.event.name and scene.chad.name  # reload what the commit expired, outside the count
    with counted_statements() as service:
        rows(scene, sort="-votes", title="o", flagged="no")
    client = login(scene.chad)
    with counted_statements() as page:
        assert client.get(PANEL, query_string={"sort": "speaker"}).status_code == 200
    return len(service), len(page), service


def test_the_query_count_is_bounded_and_independent_of_the_number_of_proposals(scene, login):
    few_service, few_page, statements = _counts(scene, login, 0, 3)
    many_service, many_page, _ = _counts(scene, login, 3, 63)
    # My company, the panel, the community tally and its exclusions, the page's speakers.
    assert few_service == many_service == 5 and few_page == many_page
    assert sum("GROUP BY" in statement for statement in statements) >= 1
