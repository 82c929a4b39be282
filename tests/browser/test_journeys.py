"""One conference told in a browser, step by step: every step is a test that runs after the one before.

An organiser creates the event; a speaker submits with a co-speaker, who accepts; voters vote with the
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
    """A site admin creates the event (CFP and voting open), a track with 2 sessions + 1 alternate, a chair."""
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
    story.done.add("event")


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
    assert site.sql("SELECT status FROM proposal_speakers WHERE invited_email = :e", e=site.email(CO_SPEAKER)) \
        == [("invited",)]
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
    for n, key in enumerate(("1", "2", "s"), start=1):
        title = shown_title(page)
        pressed[title] = key
        page.keyboard.press(key)
        expect(page.locator("#proposal-title")).not_to_have_text(title)
    expect(page.locator("#proposal-title")).to_have_text("You are done")
    expect(page.locator("#vote-progress")).to_have_text("You have voted on 2 of 3 proposals.")
    by_key = {title: key for title, key in pressed.items()}
    expected = {title: {"1": "love", "2": "try"}[key] for title, key in by_key.items() if key != "s"}
    assert votes_of(site, "vic") == expected
    skipped = [title for title, key in by_key.items() if key == "s"]
    assert site.sql("SELECT p.title FROM vote_skips s JOIN proposals p ON p.id = s.proposal_id") == \
        [(skipped[0],)]
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
    counted = site.sql("SELECT p.title, p.vote_count, COUNT(v.id) FROM proposals p "
                       "LEFT JOIN votes v ON v.proposal_id = p.id GROUP BY p.id")
    assert all(stored == actual for _, stored, actual in counted), counted
    assert sum(actual for *_, actual in counted) == 5
    story.done.add("mouse votes")


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
