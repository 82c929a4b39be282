"""One conference told in a browser, step by step: every step is a test that runs after the one before.

An organiser creates the event and invites a chair, who accepts; a speaker submits with a co-speaker, who accepts; voters vote with the
keyboard and the mouse; the organiser opens the review; a chair scores and builds the team list; the
organiser decides, publishes, builds the schedule and downloads the exports; the speaker confirms.
Each step checks the database, saves screenshots and records the accessibility problems of its pages,
which the last test reports.
"""
import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.a11y import look
from voting.export.formats import FORMATS

try:
    from playwright.sync_api import expect
except ImportError:  # the site fixture skips (or fails) with the reason
    expect = None

SLUG, NAME, ZONE = "browser-summit", "Browser Summit", "Europe/Paris"
TALKS = ["Scaling Postgres", "Edge caching", "Keyboard-first UIs"]  # team list order: 2 sessions, 1 alternate
SCORES = dict(zip(TALKS, (5, 4, 2)))
SPEAKER, CO_SPEAKER, CHAIR, ORGANISER = "sam", "cora", "chris", "olga"


class Story:
    """What the steps share: which steps are done and the pages' accessibility problems."""

    def __init__(self, site):
        self.site, self.done, self.a11y = site, set(), {}

    def need(self, step):
        """Skip unless an earlier step succeeded."""
        if step not in self.done:
            pytest.skip(f"needs the step {step!r}, which did not succeed")

    def look(self, page, name):
        """Screenshots of the page; its accessibility problems kept for the last test."""
        self.a11y[f"{name} ({page.url})"] = look(page, name)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")

    def event_page(self, who):
        page = self.site.page(who)
        page.goto(f"{self.site.base}/events/{SLUG}")
        return page


@pytest.fixture(scope="module")
def story(site):
    return Story(site)


def local(minutes):
    """Now plus `minutes` in the event's zone, as a datetime-local input takes it."""
    return (datetime.now(ZoneInfo(ZONE)) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def flash(page, text):
    expect(page.locator(".flash-success")).to_contain_text(text)


def proposals(site):
    """{title: state} of the event's proposals."""
    rows = site.sql("SELECT p.title, p.state FROM proposals p JOIN events e ON e.id = p.event_id "
                    "WHERE e.slug = :slug", slug=SLUG)
    return dict(rows)


def test_organiser_creates_event_track_and_chair(site, story):
    """A site admin creates the event (CFP and voting open), a track (2 sessions, 1 alternate), a chair."""
    page = site.page(ORGANISER)
    page.goto(site.base + "/")
    story.look(page, "home")
    page.get_by_role("link", name="New event").click()
    fill_event(page)
    page.get_by_role("button", name="Create the event").click()
    flash(page, f"{NAME} is created")
    story.look(page, "console-settings")
    page.get_by_role("link", name="Tracks").click()
    page.get_by_role("link", name="Add a track").click()
    for label, value in (("Name", "Cloud"), ("Slug", "cloud"), ("Sessions", "2"), ("Alternates", "1")):
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Add the track").click()
    flash(page, "The track Cloud is added.")
    page.get_by_role("link", name="People").click()
    page.get_by_label("Email").last.fill(site.email(CHAIR))
    page.get_by_role("button", name="Add the chair").click()
    story.look(page, "console-people")
    assert site.sql("SELECT timezone, venue FROM events WHERE slug = :s", s=SLUG) == [(ZONE, "Hall 7")]
    assert site.sql("SELECT name, session_count, alternate_count FROM tracks") == [("Cloud", 2, 1)]
    assert site.sql("SELECT email FROM role_invitations") == [(site.email(CHAIR),)]
    assert site.sql("SELECT count(*) FROM track_chairs") == [(0,)], "the role waits for the chair's answer"
    story.done.add("event")


def test_chair_accepts_the_mailed_invitation(site, story):
    """The invited chair signs in, opens the link of the invitation mail and accepts: now they chair Cloud."""
    story.need("event")
    link = site.mail_link(CHAIR, r"http://[^/\s]+/invitations/\S+")
    page = site.page(CHAIR)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("You are invited to become a chair of Cloud")
    story.look(page, "role-invitation")
    page.get_by_role("button", name="Accept").click()
    flash(page, "You are now a chair of Cloud")
    assert site.sql("SELECT u.email FROM track_chairs c JOIN users u ON u.id = c.user_id") == [
        (site.email(CHAIR),)]
    assert site.sql("SELECT count(*) FROM role_invitations") == [(0,)]
    story.done.add("chair")


def fill_event(page):
    """The new event's settings: dates a month ahead, the CFP and voting open, the review tomorrow."""
    first = date.today() + timedelta(days=30)
    fields = {"Name": NAME, "Slug": SLUG, "Venue": "Hall 7", "First day": first.isoformat(),
              "Last day": (first + timedelta(days=1)).isoformat(),
              "Call for proposals opens": local(-60), "Call for proposals closes": local(24 * 60),
              "Community voting opens": local(-60), "Community voting closes": local(24 * 60),
              "Track chair review opens": local(24 * 60), "Track chair review closes": local(3 * 24 * 60)}
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Time zone").select_option(ZONE)


def test_speaker_submits_proposals_with_a_co_speaker(site, story):
    """The speaker writes a profile, submits a talk with a co-speaker invited by email, then two more."""
    story.need("event")
    page = story.event_page(SPEAKER)
    story.look(page, "event")
    page.get_by_role("link", name="Submit a proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your speaker profile")
    story.look(page, "speaker-profile")
    page.get_by_label("Company").fill("Acme")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit a proposal")
    story.look(page, "proposal-form")
    submit(page, TALKS[0], co_speaker=site.email(CO_SPEAKER))
    story.look(page, "proposal")
    for title in TALKS[1:]:
        page.goto(f"{site.base}/events/{SLUG}/proposals/new")
        submit(page, title)
    assert proposals(site) == {title: "submitted" for title in TALKS}
    invited = site.sql("SELECT status FROM proposal_speakers WHERE invited_email = :e",
                       e=site.email(CO_SPEAKER))
    assert invited == [("invited",)]
    site.mail_link(CO_SPEAKER, r"http://\S+/invitations/\S+")
    story.done.add("proposals")


def submit(page, title, co_speaker=None):
    """Fill the proposal form and submit it; its page is shown."""
    page.get_by_label("Title").fill(title)
    page.get_by_label("Abstract").fill(f"What {title} teaches, in a short abstract.")
    page.get_by_label("Track").select_option(label="Cloud")
    if co_speaker:
        page.get_by_label("Co-speakers").fill(co_speaker)
    page.get_by_role("button", name="Submit proposal").click()
    flash(page, "Your proposal was submitted.")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_co_speaker_accepts_the_invitation(site, story):
    """The co-speaker signs in, opens the mailed invitation link and accepts it."""
    story.need("proposals")
    link = site.mail_link(CO_SPEAKER, r"http://\S+/invitations/\S+")
    page = site.page(CO_SPEAKER)
    page.goto(link)
    story.look(page, "invitation")
    page.get_by_role("button", name="Accept the invitation").click()
    flash(page, "You are now a speaker of this proposal.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TALKS[0])
    rows = site.sql("SELECT ps.status FROM proposal_speakers ps JOIN users u ON u.id = ps.user_id "
                    "WHERE u.email = :e", e=site.email(CO_SPEAKER))
    assert rows == [("confirmed",)]
    page.get_by_role("link", name="My proposals").click()
    expect(page.locator("main")).to_contain_text(TALKS[0])
    story.done.add("co-speaker")


def votes_of(site, who):
    """{title: choice} of a user's votes."""
    return dict(site.sql("SELECT p.title, v.choice FROM votes v JOIN proposals p ON p.id = v.proposal_id "
                         "JOIN users u ON u.id = v.user_id WHERE u.email = :e", e=site.email(who)))


def shown_title(page):
    return page.locator("#proposal-title").inner_text().strip()


def test_voter_votes_with_the_keyboard(site, story):
    """Keys 1 and 2 vote, S skips; the next proposal swaps in without a reload until none is left."""
    story.need("proposals")
    page = story.event_page("vic")
    page.get_by_role("link", name="Vote for presentations").click()
    story.look(page, "vote")
    pressed = {}
    for key in ("1", "2", "s"):
        title = shown_title(page)
        pressed[title] = key
        page.keyboard.press(key)
        expect(page.locator("#proposal-title")).not_to_have_text(title)
    expect(page.locator("#proposal-title")).to_have_text("You are done")
    expect(page.locator("#vote-progress")).to_have_text("You have voted on 2 of 3 proposals.")
    choices = {"1": "love", "2": "try"}
    assert votes_of(site, "vic") == {title: choices[key] for title, key in pressed.items() if key in choices}
    skipped = site.sql("SELECT p.title FROM vote_skips s JOIN proposals p ON p.id = s.proposal_id")
    assert skipped == [(title,) for title, key in pressed.items() if key == "s"]
    story.done.add("keyboard votes")


def test_voter_votes_with_the_mouse(site, story):
    """A second voter clicks a choice on each proposal; the counts on the proposals follow."""
    story.need("proposals")
    page = story.event_page("mo")
    page.get_by_role("link", name="Vote for presentations").click()
    clicked = {}
    for label, choice in (("Would love to see it", "love"), ("Might see it", "might"),
                          ("Would not see it", "not")):
        title = shown_title(page)
        clicked[title] = choice
        page.get_by_role("button", name=label).click()
        expect(page.locator("#proposal-title")).not_to_have_text(title)
    expect(page.locator("#proposal-title")).to_have_text("You are done")
    story.look(page, "vote-done")
    assert votes_of(site, "mo") == clicked
    change_a_vote(page, story, next(title for title, choice in clicked.items() if choice == "love"))
    clicked = {**clicked, page.locator("h1").inner_text(): "try"}
    assert votes_of(site, "mo") == clicked
    counted = site.sql("SELECT p.title, p.vote_count, COUNT(v.id) FROM proposals p "
                       "LEFT JOIN votes v ON v.proposal_id = p.id GROUP BY p.id")
    assert all(stored == actual for _, stored, actual in counted), counted
    assert sum(actual for *_, actual in counted) == 5
    story.done.add("mouse votes")


def change_a_vote(page, story, title):
    """From "my votes", open a proposal's shareable page (the choice marked) and change the vote there."""
    page.get_by_role("link", name="Review or change your votes").click()
    story.look(page, "my-votes")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("button", name="Would love to see it")).to_have_attribute("aria-pressed", "true")
    story.look(page, "vote-shareable")
    page.get_by_role("button", name="Would try to see it").click()
    flash(page, "Vote saved: Would try to see it.")
    expect(page.get_by_role("button", name="Would try to see it")).to_have_attribute("aria-pressed", "true")


def test_organiser_closes_voting_and_opens_review(site, story):
    """In the settings, the CFP and voting close and the chairs' review opens; the event page shows it."""
    story.need("event")
    page = story.event_page(ORGANISER)
    page.get_by_role("link", name="Manage").click()
    for label, minutes in (("Call for proposals closes", -1), ("Community voting closes", -1),
                           ("Track chair review opens", -2)):
        page.get_by_label(label, exact=True).fill(local(minutes))
    page.get_by_role("button", name="Save the settings").click()
    flash(page, "The settings are saved.")
    page.goto(f"{site.base}/events/{SLUG}")
    rows = page.locator("table tbody tr")
    for window, state in (("Call for proposals", "closed"), ("Community voting", "closed"),
                          ("Track chair review", "open")):
        expect(rows.filter(has_text=window).locator(".badge")).to_have_text(state)
    story.done.add("review open")


def test_chair_scores_proposals_and_builds_the_team_list(site, story):
    """The invited chair signs in, scores every proposal with "save and next", then fills the team list."""
    story.need("review open")
    story.need("proposals")
    story.need("chair")
    page = story.event_page(CHAIR)
    page.get_by_role("link", name="Review proposals").click()
    page.get_by_role("link", name="Cloud").click()
    story.look(page, "review-panel")
    page.locator("table.review-panel tbody a").first.click()
    story.look(page, "review-proposal")
    for _ in TALKS:
        title = page.locator("main h1").inner_text().strip()
        page.get_by_role("radio", name=str(SCORES[title]), exact=True).check()
        page.get_by_role("button", name="Save and next").click()
        expect(page.locator(".flash").first).to_be_visible()
    expect(page.locator(".flash-info")).to_contain_text("You have scored every proposal of Cloud")
    assert dict(site.sql("SELECT p.title, r.score FROM reviews r JOIN proposals p ON p.id = r.proposal_id")) \
        == SCORES
    page.get_by_role("link", name="Team list").click()
    for title in TALKS:
        page.get_by_role("button", name=f"Add {title} to the team list").click()
        flash(page, f"“{title}” is in the team list.")
    expect(page.locator(".quota")).to_contain_text("Sessions 2/2")
    expect(page.locator(".quota")).to_contain_text("Alternates 1/1")
    story.look(page, "team-list")
    rows = site.sql("SELECT p.title FROM team_selections t JOIN proposals p ON p.id = t.proposal_id "
                    "ORDER BY t.position")
    assert [title for (title,) in rows] == TALKS
    story.done.add("team list")


def test_organiser_applies_the_team_list_and_publishes(site, story):
    """The team list becomes decisions (2 accepted, 1 alternate); publishing mails the speakers."""
    story.need("team list")
    page = story.event_page(ORGANISER)
    page.get_by_role("link", name="Decisions").click()
    page.get_by_role("button", name="Apply the team list of Cloud").click()
    flash(page, "The team list of Cloud is applied")
    expect(page.locator("#unpublished-heading")).to_have_text("Not yet published (3)")
    story.look(page, "decisions")
    page.get_by_role("button", name="Publish and mail the speakers").click()
    flash(page, "Published")
    expect(page.locator("#unpublished-heading")).to_have_text("Not yet published (0)")
    assert proposals(site) == dict(zip(TALKS, ("accepted", "accepted", "alternate")))
    published = site.sql("SELECT published_state FROM proposals ORDER BY id")
    assert sorted(state for (state,) in published) == ["accepted", "accepted", "alternate"]
    for who in (SPEAKER, CO_SPEAKER):
        site.mail_link(who, r"http://\S+/participation/\S+")
    story.done.add("decisions")


def test_organiser_places_the_talks_and_publishes_the_schedule(site, story):
    """A room, a day's grid of sessions, both accepted talks placed, the schedule published and public."""
    story.need("decisions")
    page = story.event_page(ORGANISER)
    page.get_by_role("link", name="Manage").click()
    page.get_by_role("link", name="Schedule").click()
    page.get_by_role("link", name="Rooms").click()
    page.get_by_label("Name").fill("Main hall")
    page.get_by_label("Seats").fill("200")
    page.get_by_role("button", name="Add the room").click()
    flash(page, "The room Main hall is added.")
    page.locator(".schedule-nav a").nth(2).click()  # the event's first day
    page.get_by_role("button", name="Add the sessions").click()
    flash(page, "slots added")
    for title in TALKS[:2]:
        page.get_by_label("Talk", exact=True).first.select_option(label=f"{title} (40 min)")
        page.get_by_role("button", name="Place", exact=True).click()
        flash(page, f"“{title}” is placed.")
    expect(page.locator("#unplaced-heading")).to_have_text("Unplaced talks (0)")
    story.look(page, "schedule-day")
    page.get_by_role("link", name="Overview").click()
    expect(page.locator("#conflicts-heading")).to_have_text("Conflicts (0)")
    page.get_by_role("button", name="Publish schedule").click()
    flash(page, "Version 1 of the schedule is published.")
    placed = site.sql("SELECT p.title FROM slots s JOIN proposals p ON p.id = s.proposal_id "
                      "ORDER BY s.starts_at")
    assert [title for (title,) in placed] == TALKS[:2]
    public = site.page("vic")
    public.goto(f"{site.base}/events/{SLUG}/schedule")
    for title in TALKS[:2]:
        expect(public.locator("main")).to_contain_text(title)
    expect(public.locator("main")).not_to_contain_text(TALKS[2])
    story.look(public, "schedule-public")
    story.done.add("schedule")


def parse(name, body):
    """The titles an export lists, read as its format says."""
    if name.endswith(".csv"):
        return {row.get("title") or row.get("name") for row in csv.DictReader(io.StringIO(body))}
    if name.endswith(".json"):
        return set(json_titles(json.loads(body)))
    if name.endswith(".xml"):
        return {node.text for node in ET.fromstring(body).iter("title")}
    return {line.split(":", 1)[1] for line in body.splitlines() if line.startswith("SUMMARY:")}


def json_titles(value):
    """Every "title" string anywhere in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "title" and isinstance(item, str):
                yield item
            yield from json_titles(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_titles(item)


@pytest.mark.parametrize("fmt", FORMATS, ids=[fmt.name for fmt in FORMATS])
def test_organiser_downloads_every_export(site, story, fmt):
    """Each export is linked on the schedule page and downloads in the organiser's browser session with its
    media type and the accepted talks."""
    story.need("schedule")
    page = site.page(ORGANISER)
    page.goto(f"{site.base}/events/{SLUG}/manage/schedule")
    href = page.get_by_role("link", name=fmt.label, exact=True).get_attribute("href")
    assert href == f"/events/{SLUG}/export/{fmt.name}"
    response = page.request.get(site.base + href)
    assert response.status == 200, response.text()[:500]
    assert response.headers["content-type"].split(";")[0] == fmt.mimetype
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment" if fmt.attachment else "inline"), disposition
    assert f'filename="{SLUG}-' in disposition and "-v1." in disposition, disposition
    titles = parse(fmt.name, response.text())
    assert set(TALKS[:2]) <= titles, f"{fmt.name} lists {titles}"
    assert TALKS[2] not in titles, f"{fmt.name} lists the alternate {TALKS[2]!r}"


def test_speaker_confirms_from_the_mailed_link(site, story):
    """The accepted speaker opens the link of the acceptance mail and confirms; that talk is confirmed."""
    story.need("decisions")
    link = site.mail_link(SPEAKER, r"http://\S+/participation/\S+")
    page = site.page(SPEAKER)
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Your proposal is accepted.")
    title = page.locator("main p strong").first.inner_text()
    story.look(page, "confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("You confirmed that you will present it.")
    expected = dict(zip(TALKS, ("accepted", "accepted", "alternate")))
    assert proposals(site) == {**expected, title: "confirmed"}
    story.done.add("confirmed")


def test_every_page_meets_the_accessibility_basics(story):
    """Labels, one h1 and no skipped heading levels, button contrast, visible focus, alt on images."""
    if not story.a11y:
        pytest.skip("no page was visited")
    problems = {page: found for page, found in story.a11y.items() if found}
    report = "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in problems.items())
    assert not problems, f"accessibility problems on {len(problems)} of {len(story.a11y)} pages:\n{report}"
