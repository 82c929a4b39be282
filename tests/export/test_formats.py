"""Each export of a small event with a published schedule: valid, complete, and versioned."""
import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from icalendar import Calendar
from lxml import etree

from tests.conftest import sign_in
from tests.export import SECRETS, at, build_world
from tests.factories import make_event, make_organiser, make_proposal, make_track
from voting.db_types import utcnow
from voting.enums import ProposalState
from voting.export.data import guid
from voting.export.sched import COLUMNS
from voting.extensions import db
from voting.models import Room, Slot

# The public schedule formats, kept in the repository (their sources and licence: its README.md).
SCHEMAS = Path(__file__).resolve().parents[1] / "support" / "schemas"
NAMES = ("accepted.csv", "accepted.json", "sched.csv", "schedule.xml", "schedule.json", "schedule.ics")
# The exact header of Sched's session import: its session fields in the order of its API.
SCHED_HEADER = ["session_key", "name", "session_start", "session_end", "session_type", "session_subtype",
                "description", "speakers", "moderators", "venue", "seats", "invite_only"]


def export(client, name, slug="expo"):
    response = client.get(f"/events/{slug}/export/{name}")
    assert response.status_code == 200, (name, response.status_code, response.get_data(as_text=True)[:300])
    return response


def validate_xml(body):
    """Validate schedule.xml against the frab XSD with lxml; return the parsed document."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "frab-schedule.xsd")))
    document = etree.fromstring(body)
    assert schema.validate(document), schema.error_log
    return document


def validate_json(body):
    """Validate schedule.json against the frab JSON schema with jsonschema (formats checked); return it."""
    schema = json.loads((SCHEMAS / "frab-schedule.schema.json").read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    document = json.loads(body)
    errors = [error.message for error in validator_class(
        schema, format_checker=validator_class.FORMAT_CHECKER).iter_errors(document)]
    assert errors == []
    return document


def parse_ics(body):
    """The VEVENTs of a .ics body parsed back with the icalendar library."""
    calendar = Calendar.from_ical(body)
    return calendar, calendar.walk("VEVENT")


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def organiser_client(client, world):
    sign_in(client, world.organiser)
    return client


def test_the_example_pretalx_export_is_valid_against_the_json_schema():
    validate_json((SCHEMAS / "example-pretalx-democon.json").read_text())


def test_schedule_xml_is_valid_against_the_xsd(client, world):
    document = validate_xml(export(client, "schedule.xml").get_data())
    assert document.findtext("version") == "2"
    events = document.findall("day/room/event")
    assert [e.findtext("title") for e in events] == [
        "Ceph at scale", "Neutron deep dive", "The future of clouds"]  # talks only: no lunch
    first = events[0]
    assert first.get("guid") == guid("expo", "proposal", world.talks["placed"].id)
    assert (first.findtext("start"), first.findtext("duration"), first.findtext("room")) == ("10:00", "00:40",
                                                                                            "Big Hall")
    assert first.findtext("date") == "2031-05-12T10:00:00+09:00"
    assert [p.text for p in first.findall("persons/person")] == ["Sam Speaker"]
    assert [d.get("date") for d in document.findall("day")] == ["2031-05-12", "2031-05-13"]


def test_schedule_json_is_valid_against_the_json_schema(client, world):
    document = validate_json(export(client, "schedule.json").get_data())
    schedule = document["schedule"]
    assert schedule["version"] == "2"
    conference = schedule["conference"]
    assert (conference["acronym"], conference["time_zone_name"]) == ("expo", "Asia/Tokyo")
    assert conference["daysCount"] == 2
    day = conference["days"][0]
    talk = day["rooms"]["Big Hall"][0]
    assert talk["guid"] == guid("expo", "proposal", world.talks["placed"].id)
    assert (talk["start"], talk["duration"]) == ("10:00", "00:40")
    assert (talk["track"], talk["type"]) == ("Storage", "talk")
    assert talk["persons"][0]["name"] == "Sam Speaker"
    assert "All rooms" not in day["rooms"], "the lunch break is no event"
    assert conference["days"][1]["rooms"]["Big Hall"][0]["type"] == "keynote"


def test_the_guid_of_a_talk_stays_when_it_moves(client, world, app):
    before = validate_json(export(client, "schedule.json").get_data())
    moved = db.session.query(Slot).filter_by(proposal_id=world.talks["placed"].id).one()
    moved.starts_at, moved.ends_at, moved.room = at(1, 15), at(1, 15, 40), world.rooms["small"]
    db.session.commit()
    after = validate_json(export(client, "schedule.json").get_data())

    def guid_of(document, title):
        return next(e["guid"] for d in document["schedule"]["conference"]["days"]
                    for events in d["rooms"].values() for e in events if e["title"] == title)
    assert guid_of(before, "Ceph at scale") == guid_of(after, "Ceph at scale")


def test_ics_parses_back_with_one_event_per_talk_at_its_times(client, world):
    calendar, events = parse_ics(export(client, "schedule.ics").get_data())
    assert str(calendar["X-PODIUM-SCHEDULE-VERSION"]) == "2"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    times = {str(e["SUMMARY"]): (e.decoded("DTSTART"), e.decoded("DTEND")) for e in events}
    assert times == {"Ceph at scale": (at(0, 10), at(0, 10, 40)),
                     "Neutron deep dive": (at(0, 10), at(0, 10, 40)),
                     "The future of clouds": (at(1, 9), at(1, 10))}
    assert all(e["DTSTART"].params["TZID"] == "Asia/Tokyo" for e in events)
    assert {str(e["LOCATION"]) for e in events} == {"Big Hall", "Small Room"}


def test_sched_csv_has_exactly_the_documented_columns_and_local_times(client, world):
    response = export(client, "sched.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="expo-sched-v2.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == SCHED_HEADER == list(COLUMNS)
    by_name = {row[1]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert set(by_name) == {"Ceph at scale", "Neutron deep dive", "Lunch", "The future of clouds"}
    ceph = by_name["Ceph at scale"]
    assert (ceph["session_start"], ceph["session_end"]) == ("2031-05-12 10:00", "2031-05-12 10:40")
    assert (ceph["venue"], ceph["seats"]) == ("Big Hall", "500")
    assert ceph["session_key"] == f"p{world.talks['placed'].id}"
    assert (ceph["session_type"], ceph["session_subtype"]) == ("Storage", "Talk")
    assert ceph["speakers"] == "Sam Speaker"
    assert (by_name["Lunch"]["session_type"], by_name["Lunch"]["venue"]) == ("Break", "")
    assert by_name["The future of clouds"]["session_type"] == "Keynote"


def test_accepted_csv_lists_the_public_fields_of_published_accepted_talks(client, world):
    rows = list(csv.DictReader(io.StringIO(export(client, "accepted.csv").get_data(as_text=True))))
    assert [row["title"] for row in rows] == ["Ceph at scale", "Neutron deep dive", "The future of clouds",
                                              "Unplaced but accepted"]
    ceph = next(row for row in rows if row["slug"] == "ceph-at-scale")
    assert (ceph["track"], ceph["format"], ceph["level"], ceph["duration_minutes"]) == ("Storage", "talk",
                                                                                      "intermediate", "40")
    assert (ceph["speaker1_name"], ceph["speaker1_company"], ceph["speaker1_job_title"]) == (
        "Sam Speaker", "Acme Cloud", "Engineer")
    assert ceph["speaker1_photo_url"] == "https://img.test/sam.png"
    assert ceph["url"] == "http://localhost/events/expo/proposals/ceph-at-scale"
    assert (ceph["votes"], ceph["room"]) == ("1", "Big Hall")
    assert next(row for row in rows if row["slug"] == "unplaced")["starts_at"] == ""


def test_accepted_json_gives_speakers_results_and_schedule(client, world):
    document = json.loads(export(client, "accepted.json").get_data())
    assert document["schedule_version"] == 2
    talks = {talk["slug"]: talk for talk in document["talks"]}
    assert set(talks) == {"ceph-at-scale", "neutron-deep-dive", "future", "unplaced"}
    ceph = talks["ceph-at-scale"]
    assert ceph["speakers"] == [{"name": "Sam Speaker", "company": "Acme Cloud", "job_title": "Engineer",
                                 "bio": "Sam builds clouds.", "photo_url": "https://img.test/sam.png"}]
    assert ceph["community_results"]["votes"] == 1
    assert ceph["schedule"] == {"starts_at": "2031-05-12T10:00:00+09:00",
                                "ends_at": "2031-05-12T10:40:00+09:00", "room": "Big Hall"}
    assert talks["neutron-deep-dive"]["state"] == "confirmed"


@pytest.mark.parametrize("name", NAMES)
def test_the_public_never_sees_unpublished_or_declined_talks(client, world, name):
    body = export(client, name).get_data(as_text=True)
    assert "Ceph at scale" in body
    for title in ("Accepted quietly", "Declined talk", "Still waiting"):
        assert title not in body


@pytest.mark.parametrize("name", NAMES)
def test_organisers_see_current_decisions_but_never_declined_talks(organiser_client, name):
    response = export(organiser_client, name)
    body = response.get_data(as_text=True)
    assert "Accepted quietly" in body
    assert "Declined talk" not in body and "Still waiting" not in body
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Schedule-Version"] == "2"


def test_organisers_exports_stay_valid(organiser_client):
    validate_xml(export(organiser_client, "schedule.xml").get_data())
    validate_json(export(organiser_client, "schedule.json").get_data())
    assert len(parse_ics(export(organiser_client, "schedule.ics").get_data())[1]) == 4


def test_results_are_left_out_while_they_are_not_public(client, app):
    world = build_world()
    world.event.results_public_after_close = False
    db.session.commit()
    document = json.loads(export(client, "accepted.json").get_data())
    assert document["includes_community_results"] is False
    assert all(talk["community_results"] is None for talk in document["talks"])


def test_an_event_without_a_schedule_gives_valid_empty_schedules(client, app):
    event = make_event(slug="empty-event", starts_on=at(0, 0).date(), ends_on=at(1, 0).date())
    sign_in(client, make_organiser(event))
    db.session.commit()
    document = validate_xml(export(client, "schedule.xml", "empty-event").get_data())
    assert document.findall("day/room/event") == []
    validate_json(export(client, "schedule.json", "empty-event").get_data())
    assert parse_ics(export(client, "schedule.ics", "empty-event").get_data())[1] == []
    rows = list(csv.reader(io.StringIO(export(client, "sched.csv", "empty-event").get_data(as_text=True))))
    assert rows == [SCHED_HEADER]


def test_text_xml_cannot_hold_is_dropped(client, world):
    world.talks["placed"].abstract = "Bell\x07 and form feed\x0c gone"
    db.session.commit()
    document = validate_xml(export(client, "schedule.xml").get_data())
    assert document.find("day/room/event").findtext("abstract") == "Bell and form feed gone"
    assert SECRETS["speaker email"] not in export(client, "schedule.xml").get_data(as_text=True)


def test_times_follow_the_events_zone_across_a_daylight_saving_change(client, app):
    zone = ZoneInfo("America/New_York")
    event = make_event(slug="nyc", timezone="America/New_York", starts_on=date(2031, 3, 8),
                       ends_on=date(2031, 3, 9), schedule_published_at=utcnow())
    room = Room(event=event, name="Hall")
    talks = [make_proposal(make_track(event=event), title=f"Day {n}", state=ProposalState.ACCEPTED,
                           published_state=ProposalState.ACCEPTED) for n in (1, 2)]
    starts = [datetime(2031, 3, 8, 10, tzinfo=zone), datetime(2031, 3, 9, 10, tzinfo=zone)]
    db.session.add_all([room, *(Slot(event=event, room=room, starts_at=start, ends_at=start.replace(hour=11),
                                     proposal=talk) for start, talk in zip(starts, talks))])
    db.session.commit()
    events = parse_ics(export(client, "schedule.ics", "nyc").get_data())[1]
    assert sorted(e.decoded("DTSTART") for e in events) == starts
    dates = [e.findtext("date") for e in validate_xml(export(client, "schedule.xml", "nyc").get_data())
             .findall("day/room/event")]
    assert dates == ["2031-03-08T10:00:00-05:00", "2031-03-09T10:00:00-04:00"]
    validate_json(export(client, "schedule.json", "nyc").get_data())
    rows = list(csv.reader(io.StringIO(export(client, "sched.csv", "nyc").get_data(as_text=True))))
    assert [row[2] for row in rows[1:]] == ["2031-03-08 10:00", "2031-03-09 10:00"]
