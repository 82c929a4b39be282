"""The organiser's list of proposals: filters, pages, the CSV download, who may see them, query counts."""
import csv
import io
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from tests.factories import make_chair, make_event, make_organiser, make_proposal, make_track, make_user
from tests.support.sql import counted_statements
from voting.enums import Format, ProposalState, SpeakerStatus
from voting.extensions import db
from voting.models import Event, ProposalSpeaker, ProposalTag, SpeakerProfile
from voting.proposals.listing import CSV_HEADER, search_proposals

LIST, CSV = "/events/tokyo/manage/proposals", "/events/tokyo/manage/proposals.csv"
S = ProposalState


@pytest.fixture
def scene(app):
    """Tokyo with two tracks and every role; Paris with its own organiser."""
    event = make_event(name="Tokyo Summit", slug="tokyo", timezone="Asia/Tokyo")
    storage = make_track(event, name="Storage", slug="storage", position=0)
    paris = make_event(name="Paris Summit", slug="paris")
    return SimpleNamespace(
        event=event, storage=storage, paris=paris,
        networking=make_track(event, name="Networking", slug="networking", position=1),
        anonymous=None, user=make_user(name="Uma User"), chair=make_chair(storage),
        organiser=make_organiser(event, make_user(name="Olive Organiser")),
        other_organiser=make_organiser(paris), admin=make_user(name="Ada Admin", is_admin=True))


def speaker(name, company="", email=None, display_name=None):
    """A user with a speaker profile."""
    user = make_user(name=name, **({"email": email} if email else {}))
    db.session.add(SpeakerProfile(user=user, display_name=display_name or name, company=company))
    return user


def proposal(track, title, speakers=(), tags=(), **fields):
    """A submitted proposal with the given confirmed speakers (a new one when none) and tags."""
    speakers = list(speakers) or [make_user()]
    created = make_proposal(track, speakers[0], title=title, **fields)
    for position, user in enumerate(speakers[1:], start=1):
        created.speakers.append(ProposalSpeaker(user=user, position=position))
    created.tags.extend(ProposalTag(name=name) for name in tags)
    db.session.flush()
    return created


def titles(**filters):
    return sorted(p.title for p in search_proposals(**filters).items)


def test_filters_by_track_state_and_format(scene):
    proposal(scene.storage, "Ceph at scale", format=Format.WORKSHOP)
    proposal(scene.networking, "Neutron tips", state=S.ACCEPTED)
    proposal(scene.networking, "My draft", state=S.DRAFT, submitted_at=None)
    proposal(make_track(scene.paris), "Elsewhere")
    event = scene.event
    assert titles(event=event) == ["Ceph at scale", "Neutron tips"]  # no drafts, no other event
    assert titles(event=event, track=scene.storage) == ["Ceph at scale"]
    assert titles(event=event, state=S.ACCEPTED) == ["Neutron tips"]
    assert titles(event=event, format=Format.WORKSHOP) == ["Ceph at scale"]
    assert titles(event=event, track=scene.storage, state=S.ACCEPTED) == []


def test_speaker_filter_matches_confirmed_speakers_by_name_email_display_name_and_company(scene):
    ann = speaker("Ann Lee", company="Acme Cloud", email="ann@lee.example", display_name="Dr. Ann")
    proposal(scene.storage, "With Ann", speakers=[make_user(), ann])
    invited = proposal(scene.storage, "Ann only invited")
    invited.speakers.append(ProposalSpeaker(user=ann, position=1, status=SpeakerStatus.INVITED))
    db.session.flush()
    for needle in ("ann lee", "ACME", "ann@lee", "dr. ann"):
        assert titles(event=scene.event, speaker=needle) == ["With Ann"], needle
    assert titles(event=scene.event, speaker="nobody") == []


def test_text_filter_matches_title_abstract_and_tags_whatever_the_case(scene):
    proposal(scene.storage, "Scaling NOVA")
    proposal(scene.storage, "Quiet talk", abstract="All about Ceilometer.")
    proposal(scene.storage, "Tagged talk", tags=["kubernetes"])
    assert titles(event=scene.event, text="nova") == ["Scaling NOVA"]
    assert titles(event=scene.event, text="CEILOMETER") == ["Quiet talk"]
    assert titles(event=scene.event, text="Kube") == ["Tagged talk"]
    assert titles(event=scene.event, text="Über") == []
    proposal(scene.storage, "Über-scale", abstract="Grüße")
    assert titles(event=scene.event, text="Über") == ["Über-scale"]


def test_like_wildcards_in_the_search_are_taken_literally(scene):
    proposal(scene.storage, "100% uptime")
    proposal(scene.storage, "1000 uptime")
    proposal(scene.storage, "snake_case APIs")
    proposal(scene.storage, "snakeXcase APIs")
    assert titles(event=scene.event, text="100%") == ["100% uptime"]
    assert titles(event=scene.event, text="e_c") == ["snake_case APIs"]
    assert titles(event=scene.event, text="%") == ["100% uptime"]


def test_sorts(scene):
    proposal(scene.networking, "b talk", submitted_at=datetime(2030, 1, 2, tzinfo=timezone.utc))
    proposal(scene.storage, "A talk", submitted_at=datetime(2030, 1, 3, tzinfo=timezone.utc),
             state=S.REJECTED)
    proposal(scene.networking, "c talk", submitted_at=datetime(2030, 1, 1, tzinfo=timezone.utc))

    def order(sort):
        return [p.title for p in search_proposals(event=scene.event, sort=sort).items]
    assert order("newest") == ["A talk", "b talk", "c talk"]
    assert order("oldest") == ["c talk", "b talk", "A talk"]
    assert order("title") == ["A talk", "b talk", "c talk"]
    assert order("track") == ["A talk", "b talk", "c talk"]
    assert order("state") == ["b talk", "c talk", "A talk"]


def test_pages_count_the_total_and_clamp_the_page_number(scene):
    for n in range(5):
        proposal(scene.storage, f"Talk {n}", submitted_at=datetime(2030, 1, n + 1, tzinfo=timezone.utc))

    def page(number):
        found = search_proposals(event=scene.event, per_page=2, page=number, sort="oldest")
        return found.total, found.pages, found.page, [p.title for p in found.items]
    assert page(1) == (5, 3, 1, ["Talk 0", "Talk 1"])
    assert page(2) == (5, 3, 2, ["Talk 2", "Talk 3"])
    assert page(99) == (5, 3, 3, ["Talk 4"])
    empty = search_proposals(event=scene.event, text="nothing")
    assert (empty.total, empty.pages, empty.page, empty.items) == (0, 1, 1, [])


def test_the_page_lists_proposals_with_their_details_and_links_that_keep_the_filters(scene, login):
    ann = speaker("Ann Lee", company="Acme")
    for n in range(55):
        proposal(scene.storage, f"Storage talk {n:02}", speakers=[ann] if n == 0 else (), tags=["ceph"],
                 submitted_at=datetime(2030, 1, 1, 15, n, tzinfo=timezone.utc))
    proposal(scene.networking, "Neutron talk")
    client = login(scene.organiser)
    page = client.get(f"{LIST}?track=storage&text=talk&sort=oldest").get_data(as_text=True)
    assert "55 proposals match the filters; page 1 of 2" in page
    assert "Neutron talk" not in page and "Storage talk 49" in page and "Storage talk 50" not in page
    assert '<a href="/events/tokyo/proposals/' in page and "Ann Lee" in page and "(Acme)" in page
    assert "2030-01-02 00:00" in page  # 15:00 UTC is midnight in Tokyo
    assert "#ceph" in page and 'selected>Storage</option>' in page
    assert f'href="{LIST}?page=2&amp;track=storage&amp;text=talk&amp;sort=oldest"' in page
    second = client.get(f"{LIST}?track=storage&text=talk&sort=oldest&page=2").get_data(as_text=True)
    assert "Storage talk 50" in second and "Storage talk 49" not in second and 'rel="prev"' in second


@pytest.mark.parametrize("query, message", [
    ("state=bogus", "Unknown state"), ("state=draft", "Unknown state"), ("format=keynote", "Unknown format"),
    ("track=nope", "no track called"), ("page=two", "whole number"), ("sort=votes", "Sort by"),
    ("text=" + "x" * 201, "limited to 200"), ("speaker=a%00b", "NUL character"),
])
@pytest.mark.parametrize("path", [LIST, CSV])
def test_unknown_filter_values_are_a_clear_400(scene, login, path, query, message):
    response = login(scene.organiser).get(f"{path}?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["page=0", "page=-3", "page=99999999999999999999", "page="])
def test_out_of_range_pages_are_clamped(scene, login, query):
    proposal(scene.storage, "Only talk")
    response = login(scene.organiser).get(f"{LIST}?{query}")
    assert response.status_code == 200 and "Only talk" in response.get_data(as_text=True)


def read_csv(response):
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8"))))


def test_the_csv_has_one_row_per_matching_proposal(scene, login):
    ann = speaker("Ann Lee", company="Acme", email="ann@example.org")
    bo = speaker("Bø Ørsted", company="Nordlys", email="bo@example.org", display_name="Bø Ørsted")
    first = proposal(scene.storage, "Ceph ünder load", speakers=[ann, bo], tags=["ceph", "scale"],
                     submitted_at=datetime(2030, 5, 6, 7, 8, 9, tzinfo=timezone.utc), format=Format.PANEL)
    proposal(scene.storage, "=HYPERLINK(\"http://evil\")", speakers=[speaker("-Eve", company="@corp")],
             submitted_at=datetime(2031, 1, 1, tzinfo=timezone.utc))
    proposal(scene.networking, "Neutron talk")
    response = login(scene.organiser).get(f"{CSV}?track=storage&sort=oldest")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="tokyo-proposals.csv"'
    rows = read_csv(response)
    assert rows[0] == ["id", "title", "slug", "track", "state", "format", "level", "duration_minutes",
                       "speakers", "companies", "speaker_emails", "tags", "submitted_at", "public_url"]
    assert rows[0] == list(CSV_HEADER)
    assert len(rows) == 3
    assert rows[1] == [str(first.id), "Ceph ünder load", first.slug, "Storage", "submitted", "panel",
                       "intermediate", "40", "Ann Lee; Bø Ørsted", "Acme; Nordlys",
                       "ann@example.org; bo@example.org", "ceph; scale", "2030-05-06T07:08:09Z",
                       f"http://localhost/events/tokyo/proposals/{first.slug}"]
    assert rows[2][1] == "'=HYPERLINK(\"http://evil\")"
    assert (rows[2][8], rows[2][9]) == ("'-Eve", "'@corp")


def test_the_csv_streams_every_row_past_one_chunk(scene, login, monkeypatch):
    monkeypatch.setattr("voting.proposals.listing.CSV_CHUNK", 3)
    for n in range(7):
        proposal(scene.storage, f"Talk {n}")
    client = login(scene.organiser)
    with counted_statements() as statements:
        rows = read_csv(client.get(f"{CSV}?text=talk"))
    assert len(rows) == 8 and sorted(row[1] for row in rows[1:]) == [f"Talk {n}" for n in range(7)]
    # Read in chunks of 3: each batch loads its own tags.
    assert sum("proposal_tags.proposal_id IN" in s for s in statements) == 3


ROLES = ("anonymous", "user", "chair", "organiser", "other_organiser", "admin")
STATUSES = (302, 403, 403, 200, 403, 200)


@pytest.mark.parametrize("role, status", list(zip(ROLES, STATUSES)))
@pytest.mark.parametrize("path", [LIST, CSV])
def test_only_the_events_organisers_and_admins_may_see_the_list(scene, client, login, path, role, status):
    proposal(scene.storage, "A talk")
    if role != "anonymous":
        login(getattr(scene, role))
    db.session.commit()
    response = client.get(path)
    assert response.status_code == status
    if status == 302:
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", [LIST, CSV])
def test_an_unknown_event_is_a_404(scene, login, path):
    assert login(scene.admin).get(path.replace("tokyo", "atlantis")).status_code == 404


def fill(track, count):
    """`count` proposals with two speakers (with profiles) and two tags each."""
    for n in range(count):
        proposal(track, f"{track.slug} talk {n}", speakers=[speaker(f"A{n}", "Acme"), make_user()],
                 tags=["x", "y"])


def test_a_page_takes_a_fixed_number_of_queries(scene, login):
    fill(scene.storage, 50)
    event_id = scene.event.id
    db.session.commit()
    db.session.expunge_all()  # nothing left in the identity map to hide a lazy load
    event = db.session.get(Event, event_id)
    with counted_statements() as statements:
        page = search_proposals(event=event, per_page=50)
        assert all(len(p.speaker_users) == 2 and p.track.name and p.tags for p in page.items)
        assert all(s.user.speaker_profile is not None for p in page.items for s in p.speakers[:1])
    assert page.total == 50 and len(page.items) == 50
    assert len(statements) <= 8, statements


def test_the_route_runs_as_many_queries_for_10_as_for_50_proposals(scene, login):
    fill(scene.storage, 10)
    busy = make_event(slug="busy")
    fill(make_track(busy), 50)
    make_organiser(busy, scene.organiser)
    client = login(scene.organiser)
    counts = {}
    for slug in ("tokyo", "busy"):
        db.session.expunge_all()
        with counted_statements() as statements:
            assert client.get(f"/events/{slug}/manage/proposals").status_code == 200
        counts[slug] = len(statements)
    assert counts["tokyo"] == counts["busy"] <= 10, counts
