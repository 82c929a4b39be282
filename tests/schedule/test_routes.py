"""The schedule builder and the public schedule over HTTP: forms without JavaScript, refusals, publishing."""
import re

import pytest
from sqlalchemy import select

from tests.factories import make_track, make_user
from tests.schedule import at, make_slot, make_talk, scene_fixture  # noqa: F401
from voting.enums import ProposalState, SlotKind
from voting.extensions import db
from voting.models import Room, ScheduleChange, Slot, SpeakerProfile

BUILDER = "/events/tokyo/manage/schedule"
DAY = BUILDER + "/days/2030-10-28"
PUBLIC = "/events/tokyo/schedule"


def text(response):
    return response.get_data(as_text=True)


def place(client, talk, slot):
    return client.post(DAY + "/place", data={"place-proposal": talk.id, "place-slot": slot.id})


def test_placing_from_the_day_page_without_javascript(scene, login):
    talk = make_talk(scene.storage, "Ceph at scale")
    slot = make_slot(scene.event, scene.big)
    client = login(scene.organiser)
    page = text(client.get(DAY + f"?slot={slot.id}"))
    assert "Ceph at scale" in page and f'<option value="{slot.id}" selected>09:00–09:40 · Ogyoku' in page
    response = place(client, talk, slot)
    assert response.status_code == 302 and response.headers["Location"] == DAY
    assert db.session.get(Slot, slot.id).proposal_id == talk.id
    assert "“Ceph at scale” is placed." in text(client.get(DAY))


@pytest.mark.parametrize("state", [ProposalState.DECLINED, ProposalState.WITHDRAWN])
def test_a_refused_placement_shows_the_reason_with_a_400(scene, login, state):
    talk = make_talk(scene.storage, "Gone", state=state)
    slot = make_slot(scene.event, scene.big)
    response = place(login(scene.organiser), talk, slot)
    assert response.status_code == 400
    assert f"“Gone” is {state.value}: only accepted or confirmed talks can be placed." in text(response)
    assert db.session.get(Slot, slot.id).proposal_id is None


def test_slots_and_talks_of_another_event_or_nonsense_are_refused_not_500(scene, login):
    client = login(scene.organiser)
    paris_talk = make_talk(make_track(scene.paris))
    slot = make_slot(scene.event, scene.big)
    assert "Choose a talk of Tokyo Summit." in text(place(client, paris_talk, slot))
    bad = client.post(DAY + "/place", data={"place-proposal": "abc", "place-slot": slot.id})
    assert bad.status_code == 400
    assert client.get(BUILDER + "/days/2030-11-05").status_code == 404
    assert client.get(BUILDER + "/days/not-a-day").status_code == 404
    paris_slot = make_slot(scene.paris, None, kind=SlotKind.BREAK)
    assert client.post(BUILDER + f"/slots/{paris_slot.id}/unplace").status_code == 404


def test_a_capacity_flag_is_shown_once_placed(scene, login):
    talk = make_talk(scene.storage, "Popular", vote_count=300)
    client = login(scene.organiser)
    place(client, talk, make_slot(scene.event, scene.small))
    page = text(client.get(DAY))
    assert "Flagged: 300 expected attendees (community votes) for “Popular”, but Heian seats 120." in page
    assert 'class="grid-slot grid-session has-flags"' in page
    assert "300 expected attendees" in text(client.get(BUILDER))


def test_unplacing_and_moving_over_http(scene, login):
    speaker = make_user(name="Sam Speaker")
    busy = make_slot(scene.event, scene.big, "09:00", proposal=make_talk(scene.storage, "Busy",
                                                                         speaker=speaker))
    mover = make_talk(scene.storage, "Mover", speaker=speaker)
    slot = make_slot(scene.event, scene.mid, "11:00", proposal=mover)
    overlapping = make_slot(scene.event, scene.small, "09:20")
    free = make_slot(scene.event, scene.small, "11:00")
    client = login(scene.organiser)
    refused = client.post(DAY + "/move", data={"move-from_slot": slot.id, "move-to_slot": overlapping.id})
    assert refused.status_code == 400
    assert "Sam Speaker also speaks in “Busy” at the same time" in text(refused)
    moved = client.post(DAY + "/move", data={"move-from_slot": slot.id, "move-to_slot": free.id})
    assert moved.status_code == 302 and db.session.get(Slot, free.id).proposal.title == "Mover"
    assert client.post(BUILDER + f"/slots/{busy.id}/unplace").status_code == 302
    assert db.session.get(Slot, busy.id).proposal_id is None
    again = client.post(BUILDER + f"/slots/{busy.id}/unplace", follow_redirects=True)
    assert "The slot holds no talk." in text(again)
    page = text(client.get(DAY))
    assert "Busy" in page.split('id="unplaced-heading"')[1]


def test_adding_slots_in_the_events_time_zone(scene, login):
    client = login(scene.organiser)
    data = {"slot-room": scene.big.id, "slot-day": "2030-10-28", "slot-starts": "09:00", "slot-ends": "09:40",
            "slot-kind": "session", "slot-title": ""}
    assert client.post(DAY + "/slots", data=data).status_code == 302
    slot = db.session.scalar(select(Slot))
    assert slot.starts_at == at("09:00") and slot.starts_at.hour == 0  # 09:00 in Tokyo is midnight UTC
    twice = client.post(DAY + "/slots", data={**data, "slot-starts": "09:20", "slot-ends": "10:00"})
    assert twice.status_code == 400 and "Ogyoku is already used then" in text(twice)
    outside = client.post(DAY + "/slots", data={**data, "slot-day": "2030-11-05"})
    assert outside.status_code == 400 and "outside the event&#39;s days" in text(outside)
    lunch = {**data, "slot-room": 0, "slot-starts": "12:30", "slot-ends": "13:30", "slot-kind": "break",
             "slot-title": "Lunch"}
    assert client.post(DAY + "/slots", data=lunch).status_code == 302
    grid = {"grid-starts": "09:00", "grid-ends": "17:30", "grid-length": 40, "grid-gap": 10,
            "grid-break_after": 2, "grid-break_length": 30, "grid-break_title": "Coffee Break"}
    response = client.post(DAY + "/grid", data=grid, follow_redirects=True)
    assert "slots added; 1 overlapped existing slots and were skipped." in text(response)
    assert len(re.findall(r'<tr class="grid-across">', text(response))) == 3  # two coffee breaks and lunch


def test_rooms_over_http(scene, login):
    client = login(scene.organiser)
    assert client.post(BUILDER + "/rooms", data={"name": "Sakura", "capacity": 350}).status_code == 302
    duplicate = client.post(BUILDER + "/rooms", data={"name": "sakura", "capacity": 10})
    assert duplicate.status_code == 400
    assert "Tokyo Summit already has a room called sakura." in text(duplicate)
    sakura = db.session.scalar(select(Room).where(Room.name == "Sakura"))
    renamed = client.post(BUILDER + f"/rooms/{sakura.id}", data={"name": "Sakura Hall", "capacity": 300})
    assert renamed.status_code == 302
    assert client.post(BUILDER + f"/rooms/{sakura.id}/move", data={"direction": "up"}).status_code == 302
    names = [room.name for room in db.session.scalars(select(Room).where(Room.event_id == scene.event.id)
                                                      .order_by(Room.position))]
    assert names == ["Ogyoku", "Aoba", "Sakura Hall", "Heian"]
    make_slot(scene.event, scene.big, proposal=make_talk(scene.storage, "Keep"))
    refused = client.post(BUILDER + f"/rooms/{scene.big.id}/delete", follow_redirects=True)
    assert "Talks are placed in Ogyoku: unplace or move them first." in text(refused)


def test_publishing_versions_and_the_change_log_over_http(scene, login):
    client = login(scene.organiser)
    refused = client.post(BUILDER + "/publish", data={"summary": ""})
    assert refused.status_code == 400 and "Place at least one talk before publishing" in text(refused)
    place(client, make_talk(scene.storage, "First"), make_slot(scene.event, scene.big))
    assert client.post(BUILDER + "/publish", data={"summary": ""}).status_code == 302
    place(client, make_talk(scene.storage, "Second"), make_slot(scene.event, scene.mid))
    overview = text(client.get(BUILDER))
    assert "Version 1 published" in overview and "Placed “Second” in Aoba, Mon 28 Oct 09:00–09:40" in overview
    response = client.post(BUILDER + "/publish", data={"summary": ""}, follow_redirects=True)
    assert "Version 2 of the schedule is published." in text(response)
    log = db.session.scalars(select(ScheduleChange).order_by(ScheduleChange.version)).all()
    assert [(c.version, c.summary) for c in log] == [
        (1, "First publication: 1 talk."), (2, "Placed “Second” in Aoba, Mon 28 Oct 09:00–09:40.")]
    assert db.session.get(type(scene.event), scene.event.id).schedule_version == 2


def test_the_public_schedule_waits_for_publication_but_organisers_preview_it(scene, client, login):
    make_slot(scene.event, scene.big, proposal=make_talk(scene.storage, "Opening"))
    hidden = client.get(PUBLIC)
    assert hidden.status_code == 404 and "not published yet" in text(hidden) and "Opening" not in text(hidden)
    organiser = login(scene.organiser)
    preview = organiser.get(PUBLIC)
    assert preview.status_code == 200 and "Preview: this schedule is not published yet." in text(preview)
    organiser.post(BUILDER + "/publish", data={"summary": "First"})
    login(scene.user)
    public = client.get(PUBLIC)
    assert public.status_code == 200 and "Opening" in text(public) and "Preview" not in text(public)


def publish(scene):
    scene.event.schedule_published_at, scene.event.schedule_version = at("00:00"), 1
    db.session.commit()


def test_the_public_page_is_grouped_by_day_time_and_room_in_jst(scene, client):
    speaker = make_user(name="Kenji Kato")
    db.session.add(SpeakerProfile(user=speaker, display_name="Kenji K.", company="Example Corp", bio="Bio"))
    make_slot(scene.event, scene.small, "09:00", day=1, proposal=make_talk(scene.networking, "Day two small"))
    make_slot(scene.event, scene.big, "09:00", day=1, proposal=make_talk(scene.storage, "Day two big"))
    make_slot(scene.event, None, "10:30", minutes=30, kind=SlotKind.BREAK, title="Coffee Break")
    make_slot(scene.event, scene.mid, "09:00", proposal=make_talk(scene.storage, "Opening", speaker=speaker))
    publish(scene)
    page = text(client.get(PUBLIC))
    order = ["Monday, October 28", "09:00 JST", "Opening", "Kenji K.", "Example Corp", "10:30 JST",
             "Coffee Break", "Tuesday, October 29", "09:00 JST", "Day two big", "Day two small"]
    positions = [page.index(part, page.index(order[i - 1]) if i else 0) for i, part in enumerate(order)]
    assert positions == sorted(positions)
    assert "09:00 – 09:40 JST · Aoba · Storage · Talk" in page
    assert 'href="/events/tokyo/proposals/opening"' in page
    assert 'class="table-scroll"' not in page and 'name="viewport"' in page


def test_the_public_page_filters_by_track_and_searches(scene, client):
    make_slot(scene.event, scene.big, proposal=make_talk(scene.storage, "Ceph in production"))
    make_slot(scene.event, scene.mid, proposal=make_talk(scene.networking, "Neutron routers"))
    publish(scene)
    by_track = text(client.get(PUBLIC + "?track=networking"))
    assert "Neutron routers" in by_track and "Ceph in production" not in by_track
    searched = text(client.get(PUBLIC + "?q=ceph"))
    assert "Ceph in production" in searched and "Neutron routers" not in searched
    assert "Nothing in the schedule matches." in text(client.get(PUBLIC + "?q=kubernetes"))
    assert client.get(PUBLIC + "?track=nonsense").status_code == 404


def test_titles_are_escaped(scene, client, login):
    make_slot(scene.event, scene.big, proposal=make_talk(scene.storage, "<script>alert(1)</script>"))
    make_slot(scene.event, None, "12:30", kind=SlotKind.BREAK, title="<b>Lunch</b>")
    publish(scene)
    for page in (text(client.get(PUBLIC)), text(login(scene.organiser).get(DAY))):
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<b>Lunch</b>" not in page and "&lt;b&gt;Lunch&lt;/b&gt;" in page


def test_only_the_events_organisers_build_its_schedule(scene, client, login):
    assert client.get(BUILDER).status_code == 302
    assert login(scene.other_organiser).get(BUILDER).status_code == 403
    assert login(scene.user).post(DAY + "/place", data={}).status_code == 403


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_placing_needs_the_csrf_token(scene, login):
    talk, slot = make_talk(scene.storage, "Guarded"), make_slot(scene.event, scene.big)
    client = login(scene.organiser)
    refused = place(client, talk, slot)
    assert refused.status_code == 400 and "Form expired" in text(refused)
    assert db.session.get(Slot, slot.id).proposal_id is None
    page = text(client.get(DAY))
    token = re.search(r'name="place-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    sent = client.post(DAY + "/place", data={"place-proposal": talk.id, "place-slot": slot.id,
                                             "place-csrf_token": token})
    assert sent.status_code == 302 and db.session.get(Slot, slot.id).proposal_id == talk.id


def test_a_talk_in_the_published_schedule_has_a_public_page_without_community_voting(scene, client):
    scene.event.voting_opens_at = scene.event.voting_closes_at = None
    talk = make_talk(scene.storage, "Opening")
    make_slot(scene.event, scene.big, proposal=talk)
    db.session.commit()
    assert client.get(f"/events/tokyo/proposals/{talk.slug}").status_code == 404
    publish(scene)
    page = client.get(f"/events/tokyo/proposals/{talk.slug}")
    assert page.status_code == 200 and "Opening" in text(page)
    talk.state = ProposalState.REJECTED  # not published yet: the public still knows it accepted
    db.session.commit()
    assert client.get(f"/events/tokyo/proposals/{talk.slug}").status_code == 200
    talk.published_state = ProposalState.REJECTED
    db.session.commit()
    assert client.get(f"/events/tokyo/proposals/{talk.slug}").status_code == 404


def test_organisers_find_every_export_on_the_schedule_page_and_everyone_once_published(scene, client, login):
    make_slot(scene.event, scene.big, proposal=make_talk(scene.storage, "Opening"))
    db.session.commit()
    links = set(re.findall(r'href="(/events/tokyo/export/[^"]+)"', text(login(scene.organiser).get(BUILDER))))
    names = ("accepted.csv", "accepted.json", "sched.csv", "schedule.xml", "schedule.json", "schedule.ics")
    assert links == {f"/events/tokyo/export/{name}" for name in names}
    assert all(client.get(link).status_code == 200 for link in links)
    login(scene.user)
    publish(scene)
    public = set(re.findall(r'href="(/events/tokyo/export/[^"]+)"', text(client.get(PUBLIC))))
    assert public == links and all(client.get(link).status_code == 200 for link in public)
