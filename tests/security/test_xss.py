"""No active content from users on any page or export, for a corpus of XSS payloads.

Design: xss_payloads.txt holds one payload a line (N of them). The world has N proposals, each in
its own track with its own speaker, co-speaker, review, comment, decision, team-list note, room,
break slot, activity entry, invitation, exclusion, outbox mail and schedule change, plus N small
events for the event-wide fields. Field number k of object i carries payload (i + k) mod N, so
every field gets every payload somewhere and each object mixes different ones. Columns shorter
than a payload (tags 50, names 120-200 ...) get it cut to their length, as a form would refuse it.
The world is built with the models (a form's own round trip is in test_forms_store_payloads_as_text);
then every page that shows the text is fetched as the organiser-chair-admin, the public pages also
anonymously, pagination links followed, and every export and API document parsed.
Sqlite only: the world is the same on PostgreSQL, the rendering does not depend on the backend, and
the ~2,000 requests would double the suite's time for no new check.
"""
import csv
import io
import json
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.conftest import sign_in
from tests.factories import make_event, make_track, make_user
from voting.core.spreadsheet import is_formula
from voting.db_types import utcnow
from voting.enums import ProposalState, SlotKind, SpeakerStatus, VoteChoice
from voting.export.formats import FORMATS
from voting.extensions import db
from voting.models import (
    ActivityLog, ChairSelection, Decision, Organiser, OutboxMail, Proposal, ProposalSpeaker, ProposalTag,
    Review, ReviewComment, RoleInvitation, Room, ScheduleChange, Slot, SpeakerProfile, TeamSelection,
    TrackChair, Vote, VoterExclusion,
)
from voting.enums import SelectionMark

PAYLOADS = [line for line in (Path(__file__).parent / "xss_payloads.txt").read_text().split("\n") if line]
N = len(PAYLOADS)
EVALUATED = "1787569"  # 1337*1337: what the template-injection payloads would print if run
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset", "ping",
                  "cite", "codebase", "lowsrc", "dynsrc", "manifest", "xmlns:xlink"}
BANNED_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "math", "isindex",
               "foreignobject", "animate", "set", "handler", "listener", "param", "xml", "import"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "livescript:")


def payload(i, k, length=None):
    """Payload number (i + k) mod N, cut to `length`."""
    return PAYLOADS[(i + k) % N][:length]


def test_the_corpus_is_large_and_distinct():
    assert N >= 100 and len(set(PAYLOADS)) == N


# -- the world ---------------------------------------------------------------------------------------

class XssWorld:
    """The main event with N payload-carrying proposals, and N small events for the event fields."""

    def __init__(self):
        self.boss = make_user(name=payload(0, 40), email="boss@example.org", is_admin=True)
        self.voter = make_user(name=payload(1, 40), email="voter@example.org")
        self.event = make_event(slug="xss", name=payload(0, 20), venue=payload(0, 21, 200),
                                description=payload(0, 22), timezone="Europe/Paris",
                                review_opens_at=utcnow() - timedelta(days=1),
                                schedule_published_at=utcnow(), schedule_version=1)
        self.labels = [make_event(slug=f"label-{i}", name=payload(i, 20, 200), venue=payload(i, 21, 200),
                                  description=payload(i, 22)) for i in range(1, N)]
        db.session.add(Organiser(event=self.event, user=self.boss))
        self.users = [make_user(name=payload(i, 23, 200), email=f"s{i}@example.org") for i in range(N)]
        self.day = self.event.starts_on
        self.proposals = [self._proposal(i) for i in range(N)]
        db.session.commit()

    def _proposal(self, i):
        track = make_track(event=self.event, name=payload(i, 1, 120), slug=f"t{i}", description=payload(i, 2))
        db.session.add(TrackChair(track=track, user=self.boss))
        self._profile(i)
        proposal = Proposal(
            event=self.event, track=track, slug=f"p{i}", title=payload(i, 0, 200), abstract=payload(i, 3),
            # real line breaks too: an iCalendar or CSV writer must not let them start a new record
            description=payload(i, 4) + "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected\r\n",
            learning_outcomes=payload(i, 5) + "\n" + payload(i, 6), state=ProposalState.ACCEPTED,
            published_state=ProposalState.ACCEPTED, submitted_at=utcnow(), published_at=utcnow(),
            vote_count=1, love_count=1)
        proposal.speakers = [
            ProposalSpeaker(user=self.users[i], position=0),
            ProposalSpeaker(user=self.users[(i + 1) % N], position=1),
            ProposalSpeaker(invited_email=payload(i, 7, 320), position=2, status=SpeakerStatus.INVITED),
        ]
        proposal.tags = [ProposalTag(name=payload(i, 8, 50))]
        db.session.add(proposal)
        db.session.flush()
        self._around(i, proposal, track)
        return proposal

    def _profile(self, i):
        db.session.add(SpeakerProfile(
            user=self.users[i], display_name=payload(i, 9, 200), job_title=payload(i, 10, 200),
            company=payload(i, 11, 200), bio=payload(i, 12), photo_url=payload(i, 13, 500),
            links=payload(i, 14) + "\n" + payload(i, 15)))

    def _around(self, i, proposal, track):
        boss, event = self.boss, self.event
        db.session.add_all([
            Review(chair=boss, proposal=proposal, score=3, comment=payload(i, 16), conflict_note=payload(i, 17)),
            ReviewComment(proposal_id=proposal.id, author=boss, body=payload(i, 18)),
            Decision(proposal=proposal, from_state=ProposalState.SUBMITTED, to_state=ProposalState.ACCEPTED,
                     reason=payload(i, 19), decided_by=boss),
            TeamSelection(track_id=track.id, proposal=proposal, position=0, note=payload(i, 24, 500),
                          added_by_id=boss.id),
            ChairSelection(track_id=track.id, chair=boss, proposal=proposal, mark=SelectionMark.SELECTED),
            Vote(user=self.voter, proposal=proposal, choice=VoteChoice.LOVE),
            ActivityLog(event=event, user=boss, action="security.test", details=payload(i, 25)),
            RoleInvitation(event=event, email=payload(i, 26, 320), role="organiser", invited_by_id=boss.id),
            VoterExclusion(event_id=event.id, user=self.users[i], reason=payload(i, 27), excluded_by=boss),
            OutboxMail(to_address=f"m{i}@example.org", subject=payload(i, 28, 300), body=payload(i, 29),
                       last_error=payload(i, 30), kind="security.test", status="failed"),
            ScheduleChange(event_id=event.id, version=1, summary=payload(i, 31, 500), user=boss),
        ])
        room = Room(event=event, name=f"{i} {payload(i, 32, 110)}", capacity=10, position=i)
        nine = datetime.combine(self.day, time(9), ZoneInfo(event.timezone))
        db.session.add_all([
            room,
            Slot(event=event, room=room, starts_at=nine, ends_at=nine + timedelta(minutes=40), proposal=proposal),
            Slot(event=event, room=room, starts_at=nine + timedelta(hours=1), ends_at=nine + timedelta(hours=2),
                 kind=SlotKind.BREAK, title=payload(i, 33, 200)),
        ])


# -- what counts as active content ---------------------------------------------------------------------

def _scheme(value):
    """The URL's scheme as a browser reads it: entities decoded by the parser, blanks and controls dropped."""
    return re.sub(r"[\x00-\x20\x7f]+", "", value).lower()


def active_content(text):
    """Every piece of active content in an HTML page that is not Podium's own."""
    found = []
    for element in lxml_html.document_fromstring(text).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower().rsplit("}", 1)[-1]
        if tag == "script" and (not element.get("src", "").startswith("/static/") or (element.text or "").strip()):
            found.append(f"<script> {lxml_html.tostring(element)[:120]!r}")
        if tag in BANNED_TAGS or (tag == "meta" and element.get("http-equiv")):
            found.append(f"<{tag}>")
        if tag == "link" and not element.get("href", "").startswith("/static/"):
            found.append(f"<link href={element.get('href')!r}>")
        for name, value in element.attrib.items():
            bare = name.lower().rsplit(":", 1)[-1]
            if bare.startswith("on") or bare == "srcdoc":
                found.append(f"<{tag} {name}={value!r}>")
            if bare in URL_ATTRIBUTES and _scheme(value).startswith(BAD_SCHEMES):
                found.append(f"<{tag} {name}={value!r}>")
            if bare == "style" and re.search(r"expression|url\(|javascript|behavior", value, re.I):
                found.append(f"<{tag} style={value!r}>")
    return found


def test_the_checker_finds_active_content():
    page = ("<p onclick=x>a</p><a href=' JaVa&#x09;script:x'>b</a><script>x</script><iframe></iframe>"
            "<img src='data:text/html,x'><svg><foreignObject></foreignObject></svg><style>p{}</style>")
    assert len(active_content(page)) == 7
    assert active_content('<script src="/static/js/vote.js"></script><a href="/events/x">x</a>') == []


# -- fetching ---------------------------------------------------------------------------------------

class Crawl:
    """GETs pages, follows their pagination links, and collects what is wrong with each."""

    def __init__(self, client):
        self.client, self.problems, self.seen, self.pages = client, [], set(), 0

    def html(self, path, status=200):
        """Fetch an HTML page and check it, and its other pages when it has several."""
        if path in self.seen:
            return ""
        self.seen.add(path)
        response = self.client.get(path)
        text = response.get_data(as_text=True)
        self.pages += 1
        if response.status_code != status:
            self.problems.append(f"{path}: status {response.status_code}")
        self.problems.extend(f"{path}: {problem}" for problem in active_content(text))
        if EVALUATED in text:
            self.problems.append(f"{path}: a template expression was evaluated")
        for link in set(re.findall(r'href="([^"]*[?&amp;]page=\d+[^"]*)"', text)):
            self.html(link.replace("&amp;", "&"))
        return text

    def body(self, path):
        """Fetch a non-HTML document; its raw text."""
        response = self.client.get(path)
        if response.status_code != 200:
            self.problems.append(f"{path}: status {response.status_code}")
        text = response.get_data(as_text=True)
        if EVALUATED in text:
            self.problems.append(f"{path}: a template expression was evaluated")
        return text


def visible(text):
    return " ".join(text.split())


def assert_shown(pages, path, *fields):
    """The page shows the payloads of the (object, field) pairs as text."""
    text = visible(lxml_html.fromstring(pages[path]).text_content())
    for i, k in fields:
        assert visible(payload(i, k)) in text, f"{path} should show field {k}: {payload(i, k)!r}"


@pytest.fixture
def app_config():
    return {"MAIL_OUTBOX_VIEW": True}


@pytest.fixture
def world(backend):
    if backend != "sqlite":
        pytest.skip("rendering does not depend on the backend; see the module docstring")
    return XssWorld()


def organiser_pages(world):
    """Every page of the event an organiser, chair and site admin sees."""
    e = world.event.slug
    pages = [f"/events/{e}", f"/events/{e}/manage", f"/events/{e}/manage/tracks", f"/events/{e}/manage/people",
             f"/events/{e}/manage/activity", f"/events/{e}/manage/proposals", f"/events/{e}/manage/voting",
             f"/events/{e}/manage/voting-integrity", f"/events/{e}/results", f"/events/{e}/decisions",
             f"/events/{e}/vote", f"/events/{e}/review", f"/events/{e}/schedule", f"/events/{e}/manage/schedule",
             f"/events/{e}/manage/schedule/rooms", f"/events/{e}/manage/schedule/days/{world.day.isoformat()}",
             "/", "/auth/profile", "/admin/mail", "/dev/outbox", "/me/proposals"]
    for i, proposal in enumerate(world.proposals):
        t, p = proposal.track.slug, proposal.slug
        pages += [f"/events/{e}/proposals/{p}", f"/events/{e}/vote/{p}", f"/events/{e}/review/{t}",
                  f"/events/{e}/review/{t}/{p}", f"/events/{e}/review/{t}/selection",
                  f"/events/{e}/review/{t}/selection/team", f"/events/{e}/manage/tracks/{t}"]
    pages += [f"/events/{e}/manage/schedule/rooms/{room.id}" for room in Room.query.all()]
    pages += [f"/dev/outbox/{mail.id}" for mail in OutboxMail.query.all()]
    pages += [path for label in world.labels for path in (f"/events/{label.slug}", f"/events/{label.slug}/manage")]
    return pages


def test_no_page_shows_active_content_from_users(app, client, world):
    sign_in(client, world.boss)
    crawl = Crawl(client)
    pages = {path: crawl.html(path) for path in organiser_pages(world)}
    for i, proposal in enumerate(world.proposals):  # the text is there, shown as text
        assert_shown(pages, f"/events/xss/proposals/{proposal.slug}", (i, 0), (i, 9), (i, 10), (i, 11))
        assert_shown(pages, f"/events/xss/review/{proposal.track.slug}/{proposal.slug}", (i, 16), (i, 17), (i, 18))
        assert_shown(pages, f"/events/xss/review/{proposal.track.slug}/selection/team", (i, 24))
        assert_shown(pages, f"/events/{'xss' if i == 0 else f'label-{i}'}", (i, 20))
    assert crawl.problems == []
    assert crawl.pages > 7 * N


def test_no_public_page_shows_active_content_from_users(app, client, world):
    crawl = Crawl(client)
    for path in ["/", "/events/xss", "/events/xss/vote", "/events/xss/schedule",
                 *(f"/events/xss/{kind}/{p.slug}" for p in world.proposals for kind in ("proposals", "vote"))]:
        crawl.html(path)
    for user in (world.users[0], world.voter):  # a speaker's own pages, a voter's votes
        sign_in(client, user)
        for path in ("/me/proposals", "/me/speaker-profile", "/events/xss/my-votes", "/auth/profile"):
            crawl.html(path)
    assert crawl.problems == []


# -- exports and the API -------------------------------------------------------------------------------

def strings_in(value):
    """Every string in a decoded JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def check_csv(text, titles):
    rows = list(csv.reader(io.StringIO(text)))
    formulas = [cell for row in rows for cell in row if is_formula(cell)]
    assert formulas == [], "cells a spreadsheet would run as formulas"
    cells = {cell for row in rows for cell in row}
    assert {t for t in titles if t not in cells and "'" + t not in cells} == set(), "every title is a cell"
    return rows


def check_json(text, titles):
    assert titles <= set(strings_in(json.loads(text))), "every title is a JSON string"


def check_xml(text, titles):
    root = etree.fromstring(text.encode())
    assert list(root.iter("evil")) == [], "user text made elements"
    assert titles <= {element.text for element in root.iter()}, "every title is an element's text"


def check_ics(text, titles):
    lines = text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")
    assert all(re.match(r"^[A-Z][A-Z0-9-]*[;:]", line) for line in lines if line), "only properties"
    assert "SUMMARY:injected" not in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == len(titles)
    summaries = {line.split(":", 1)[1] for line in lines if line.startswith("SUMMARY")}
    unescaped = {re.sub(r"\\([,;\\nN])", lambda m: {"n": "\n", "N": "\n"}.get(m[1], m[1]), s) for s in summaries}
    assert titles <= unescaped, "every title is a SUMMARY"


CHECKS = {"csv": check_csv, "json": check_json, "xml": check_xml, "ics": check_ics}


def test_exports_and_the_api_carry_user_text_as_data(app, client, world):
    sign_in(client, world.boss)
    crawl = Crawl(client)
    titles = {proposal.title for proposal in world.proposals}
    for fmt in FORMATS:
        try:
            CHECKS[fmt.name.rsplit(".", 1)[1]](crawl.body(f"/events/xss/export/{fmt.name}"), titles)
        except AssertionError as exc:
            raise AssertionError(f"{fmt.name}: {exc}") from None
    assert len(check_csv(crawl.body("/events/xss/manage/proposals.csv"), titles)) == N + 1
    check_json(crawl.body("/api/v1/events/xss/proposals?per_page=200"), titles)
    check_json(crawl.body("/api/v1/events/xss/schedule"), titles)
    check_json(crawl.body("/api/v1/events"), {event.name for event in [world.event, *world.labels]})
    assert crawl.problems == []


# -- through the forms -------------------------------------------------------------------------------

# endpoint: the text fields its form stores (the other fields from test_csrf's working data).
FORM_FIELDS = {
    "proposals.edit": ("title", "abstract", "description", "learning_outcomes", "tags"),
    "proposals.speaker_profile": ("display_name", "job_title", "company", "bio", "links"),
    "review.proposal": ("comment", "conflict_note"),
    "review.comment": ("body",),
    "decisions.decide": ("reason",),
    "selection.team_add": ("note",),
    "integrity.exclude": ("reason",),
    "schedule.edit_room": ("name",),
    "schedule.add_slot": ("slot-title",),
    "schedule.publish": ("summary",),
    "events.console.edit_event": ("name", "venue", "description"),
    "events.console.edit_track": ("name", "description"),
}
SAMPLE = PAYLOADS[::9]  # every form field gets these through HTTP; the world above has them all
ONE_SHOT = {"decisions.decide", "integrity.exclude", "selection.team_add"}  # a second post is refused


def stored(text):
    """Whether some column of some row holds the text."""
    from tests.security.helpers import snapshot

    return any(text in cell for rows in snapshot().values() for row in rows for cell in row)


@pytest.mark.parametrize("endpoint", sorted(FORM_FIELDS))
def test_forms_store_payloads_as_text_and_pages_show_them_inert(app, client, backend, endpoint):
    from tests.security.test_csrf import ACTIONS
    from tests.security.test_limits import post_as_actor
    from tests.test_route_access import World

    if backend != "sqlite":
        pytest.skip("see the module docstring")
    world, make_data = World(), ACTIONS[endpoint][1]
    for n, text in enumerate(SAMPLE[:1] if endpoint in ONE_SHOT else SAMPLE):
        fields = FORM_FIELDS[endpoint]
        data = {**make_data(world), **{field: f"{text[:40]}" for field in fields}}
        if endpoint == "schedule.add_slot":  # a new slot each time, an hour later
            hour, minute = 10 + n // 2, n % 2 * 30
            data["slot-starts"], data["slot-ends"] = f"{hour:02d}:{minute:02d}", f"{hour:02d}:{minute + 20:02d}"
        path, response = post_as_actor(app, client, world, endpoint, data=data, follow_redirects=True)
        assert response.status_code == 200, f"{path} with {text!r}"
        assert active_content(response.get_data(as_text=True)) == [], f"{path} with {text!r}"
        assert stored(text[:40].strip()), f"{path} did not store {text!r} as it was sent"
