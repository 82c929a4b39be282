"""The demo event itself: its dates and windows relative to now, its tracks and rooms."""
from datetime import timedelta

from voting.demo.vocab import ROOMS, TRACKS
from voting.models import Event, Room, Track

DEMO_SLUG = "summit-demo"

# Days from now at which each window opens and closes: proposals, voting and review are all open.
WINDOW_DAYS = {"cfp": (-30, 30), "voting": (-14, 21), "review": (-7, 60)}
STARTS_IN_DAYS, LENGTH_DAYS = 100, 4


def window(now, name):
    """The (opens, closes) datetimes of the named demo window."""
    opens, closes = WINDOW_DAYS[name]
    return now + timedelta(days=opens), now + timedelta(days=closes)


def make_event(now):
    """The demo Event with its tracks and rooms, not yet added to the session."""
    starts_on = (now + timedelta(days=STARTS_IN_DAYS)).date()
    windows = {}
    for name in WINDOW_DAYS:
        windows[f"{name}_opens_at"], windows[f"{name}_closes_at"] = window(now, name)
    event = Event(
        name="OpenStack Summit Demo", slug=DEMO_SLUG, timezone="Asia/Tokyo",
        venue="Grand Prince Hotel New Takanawa, Tokyo",
        description="A demo summit modelled on the OpenStack Summits: six tracks, about three hundred "
                    "proposals and five hundred community members voting. Everything here is sample data.",
        starts_on=starts_on, ends_on=starts_on + timedelta(days=LENGTH_DAYS - 1),
        max_proposals_per_speaker=3, max_speakers_per_proposal=4, created_at=now - timedelta(days=45),
        **windows,
    )
    event.tracks = [
        Track(slug=t["slug"], name=t["name"], description=t["description"], position=i,
              session_count=t["sessions"], alternate_count=t["alternates"])
        for i, t in enumerate(TRACKS)
    ]
    return event


def make_rooms(event):
    """The venue's rooms, largest first."""
    return [Room(event=event, name=name, capacity=capacity, position=i)
            for i, (name, capacity) in enumerate(ROOMS)]
