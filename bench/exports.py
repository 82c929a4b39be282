"""Time every export of an event with 1,000 accepted talks placed in a schedule, and its peak memory.

    .venv/bin/python bench/exports.py [--quick] [--count N] [--repeat N]

Builds the event (200 talks with --quick; two speakers each, sixteen rooms, a lunch a day across them) by
bulk insert in a temporary SQLite file, publishes its schedule, then downloads each export through the Flask
test client as the public: the median milliseconds of --repeat runs after one warm-up, the body's size, and
the peak memory Python allocated during one download (tracemalloc). The last line holds every figure as
key=value pairs.
"""
import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from voting import create_app  # noqa: E402
from voting.db_types import utcnow  # noqa: E402
from voting.enums import Format, Level, ProposalState, SlotKind  # noqa: E402
from voting.export.formats import FORMATS  # noqa: E402
from voting.extensions import db  # noqa: E402
from voting.models import (  # noqa: E402
    Event,
    Proposal,
    ProposalSpeaker,
    Room,
    Slot,
    SpeakerProfile,
    Track,
    User,
)

ZONE = ZoneInfo("Asia/Tokyo")
ROOMS, DAYS, TALK_MINUTES = 16, 4, 40
FIRST_DAY = date(2031, 5, 12)


def build(count):
    """Bulk-insert a published event with `count` accepted talks placed room by room, day by day."""
    event = Event(name="Bench Summit", slug="bench", timezone="Asia/Tokyo", starts_on=FIRST_DAY,
                  ends_on=FIRST_DAY + timedelta(DAYS - 1), schedule_published_at=utcnow(), schedule_version=3)
    tracks = [Track(event=event, name=f"Track {n}", slug=f"track-{n}", position=n) for n in range(8)]
    rooms = [Room(event=event, name=f"Room {n}", capacity=100 + n, position=n) for n in range(ROOMS)]
    db.session.add_all([event, *tracks, *rooms])
    db.session.flush()
    db.session.execute(insert(User), [{"id": 1000 + n, "name": f"Speaker {n}", "email": f"s{n}@bench.example"}
                                      for n in range(count)])
    db.session.execute(insert(SpeakerProfile), [
        {"user_id": 1000 + n, "display_name": f"Speaker {n}", "company": "Acme", "job_title": "Engineer",
         "bio": "Builds clouds. " * 20, "photo_url": f"https://img.example/{n}.png"} for n in range(count)])
    db.session.execute(insert(Proposal), [
        {"id": n, "event_id": event.id, "track_id": tracks[n % 8].id, "slug": f"talk-{n}",
         "title": f"Talk {n}",
         "abstract": "An abstract of a talk. " * 10, "description": "A longer description. " * 40,
         "format": Format.TALK, "level": Level.INTERMEDIATE, "duration_minutes": TALK_MINUTES,
         "state": ProposalState.ACCEPTED, "published_state": ProposalState.ACCEPTED, "submitted_at": utcnow()}
        for n in range(1, count + 1)])
    db.session.execute(insert(ProposalSpeaker), [
        {"proposal_id": n, "user_id": 1000 + (n + k) % count, "position": k}
        for n in range(1, count + 1) for k in range(2)])
    db.session.execute(insert(Slot), slots(event.id, [room.id for room in rooms], count))
    db.session.commit()


def slots(event_id, room_ids, count):
    """Every talk's slot (rooms in turn, then 45-minute steps, then days) and a lunch a day."""
    per_day = -(-count // DAYS)
    rows = []
    for n in range(1, count + 1):
        day, index = divmod(n - 1, per_day)
        step, room = divmod(index, len(room_ids))
        starts = datetime.combine(FIRST_DAY + timedelta(day), datetime.min.time(), ZONE) + timedelta(
            hours=8, minutes=45 * step)
        rows.append({"event_id": event_id, "room_id": room_ids[room], "starts_at": starts,
                     "ends_at": starts + timedelta(minutes=TALK_MINUTES), "kind": SlotKind.SESSION,
                     "title": "", "proposal_id": n})
    for day in range(DAYS):
        lunch = datetime.combine(FIRST_DAY + timedelta(day), datetime.min.time(), ZONE) + timedelta(hours=12)
        rows.append({"event_id": event_id, "room_id": None, "starts_at": lunch, "ends_at": lunch + timedelta(
            minutes=30), "kind": SlotKind.BREAK, "title": "Lunch", "proposal_id": None})
    return rows


def timed(client, path, repeat):
    """(median ms, body bytes) of GET `path` with the whole body read, after one warm-up."""
    samples, size = [], 0
    for n in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(path)
        size = len(response.get_data())
        assert response.status_code == 200, (path, response.status_code)
        if n:
            samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1), size


def peak_memory(client, path):
    """The peak MiB Python allocated while downloading `path` once."""
    tracemalloc.start()
    client.get(path).get_data()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 2**20, 1)


def run(count, repeat):
    """Build the event in a temporary SQLite file and measure every export: a dict of figures."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite"
        app = create_app({"PODIUM_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            build(count)
            figures = {"build_ms": round((time.perf_counter() - started) * 1000)}
        client = app.test_client()
        for fmt in FORMATS:
            key = fmt.name.replace(".", "_")
            path = f"/events/bench/export/{fmt.name}"
            figures[f"{key}_ms"], figures[f"{key}_kb"] = timed(client, path, repeat)
            figures[f"{key}_kb"] = round(figures[f"{key}_kb"] / 1024)
            figures[f"{key}_peak_mib"] = peak_memory(client, path)
            print(fmt.name, figures[f"{key}_ms"], "ms", figures[f"{key}_kb"], "KiB",
                  figures[f"{key}_peak_mib"], "MiB peak", flush=True)
        with app.app_context():
            db.engine.dispose()
    return figures


def main(argv=None):
    """Parse the options, run, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 talks instead of 1,000")
    parser.add_argument("--count", type=int, help="how many talks (overrides --quick)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each export (default 3)")
    args = parser.parse_args(argv)
    count = args.count or (200 if args.quick else 1000)
    figures = run(count, args.repeat)
    print(" ".join([f"talks={count}"] + [f"{key}={value}" for key, value in figures.items()]))


if __name__ == "__main__":
    main()
