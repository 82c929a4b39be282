"""Time the organiser's proposal list: first page, filtered page, text and speaker search, the full CSV.

    .venv/bin/python bench/proposal_list.py [--quick] [--count N] [--repeat N] [--postgres URL]

Builds an event of 2,000 proposals (300 with --quick; two speakers and two tags each) by bulk insert in a
temporary SQLite file, and in a throwaway schema of the PostgreSQL database given with --postgres (dropped
afterwards), then requests each page through the Flask test client as an organiser. Times are medians of
--repeat runs after one warm-up. The last line holds the figures as key=value pairs.
"""
import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event as sa_event, insert, text  # noqa: E402

from tests.support.sessions import sign_in_client  # noqa: E402
from voting import create_app  # noqa: E402
from voting.config import normalise_database_url  # noqa: E402
from voting.db_types import utcnow  # noqa: E402
from voting.enums import Format, Level, ProposalState  # noqa: E402
from voting.extensions import db  # noqa: E402
from voting.models import (  # noqa: E402
    Event, Organiser, Proposal, ProposalSpeaker, ProposalTag, SpeakerProfile, Track, User,
)

WORDS = ("nova", "neutron", "cinder", "swift", "ceph", "kubernetes", "edge", "telco", "scaling", "upgrade",
         "security", "networking", "storage", "python", "ansible", "gpu", "billing", "observability")
STATES = [ProposalState.SUBMITTED] * 14 + [ProposalState.ACCEPTED, ProposalState.REJECTED,
                                           ProposalState.ALTERNATE, ProposalState.WITHDRAWN, ProposalState.DRAFT]
COMPANIES = ("Acme Cloud", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises")
SCENARIOS = {
    "first_page": "",
    "filtered": "?track=track-1&state=submitted&format=talk",
    "search": "?text=kubernetes",
    "speaker": "?speaker=globex",
    "last_page": "?page=9999",
}


def build(count, seed=7):
    """Bulk-insert an event, its tracks, an organiser and `count` proposals; the organiser's id."""
    rng, now = random.Random(seed), utcnow()
    event = Event(name="Bench Summit", slug="bench", timezone="Europe/Berlin", starts_on=date(2031, 5, 1),
                  ends_on=date(2031, 5, 3))
    tracks = [Track(event=event, name=f"Track {n}", slug=f"track-{n}", position=n) for n in range(1, 9)]
    organiser = User(name="Olive Organiser", email="olive@bench.example")
    db.session.add_all([event, *tracks, organiser, Organiser(event=event, user=organiser)])
    db.session.flush()
    speakers = count
    db.session.execute(insert(User), [{"id": 1000 + n, "name": f"Speaker {n}", "email": f"s{n}@bench.example"}
                                      for n in range(speakers)])
    db.session.execute(insert(SpeakerProfile), [{"user_id": 1000 + n, "display_name": f"Speaker {n}",
                                                 "company": rng.choice(COMPANIES)} for n in range(speakers)])
    proposals, links, tags = [], [], []
    for n in range(1, count + 1):
        state = rng.choice(STATES)
        words = rng.sample(WORDS, 3)
        proposals.append({
            "id": n, "event_id": event.id, "track_id": rng.choice(tracks).id, "slug": f"talk-{n}",
            "title": f"{words[0].capitalize()} and {words[1]}: lessons {n}", "abstract": f"All about {words[2]}.",
            "format": rng.choice(list(Format)), "level": rng.choice(list(Level)), "state": state,
            "duration_minutes": 40, "created_at": now - timedelta(minutes=n),
            "submitted_at": None if state == ProposalState.DRAFT else now - timedelta(minutes=n)})
        for position, user in enumerate(rng.sample(range(speakers), 2)):
            links.append({"proposal_id": n, "user_id": 1000 + user, "position": position})
        tags.extend({"proposal_id": n, "name": name} for name in rng.sample(WORDS, 2))
    db.session.execute(insert(Proposal), proposals)
    db.session.execute(insert(ProposalSpeaker), links)
    db.session.execute(insert(ProposalTag), tags)
    db.session.commit()
    return organiser.id


@contextmanager
def counted(engine):
    """The number of SQL statements run inside the block, in a one-item list."""
    seen = [0]

    def count(*args):
        seen[0] += 1
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def timed(client, path, repeat):
    """The median milliseconds of GET `path` (the whole body read), after one warm-up."""
    samples = []
    for n in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(path)
        response.get_data()
        assert response.status_code == 200, (path, response.status_code)
        if n:
            samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def run(url, count, repeat, engine_options=None):
    """Build the data at `url` and time every scenario: a dict of figures."""
    settings = {"PODIUM_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url}
    if engine_options:
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        organiser_id = build(count)
        figures = {"build_ms": round((time.perf_counter() - started) * 1000)}
        engine = db.engine
    client = sign_in_client(app, app.test_client(), organiser_id)
    base = "/events/bench/manage/proposals"
    for name, query in SCENARIOS.items():
        figures[f"{name}_ms"] = timed(client, base + query, repeat)
    figures["csv_ms"] = timed(client, base + ".csv", repeat)
    with counted(engine) as statements:
        client.get(base).get_data()
    figures["page_queries"] = statements[0]
    figures["csv_bytes"] = len(client.get(base + ".csv").get_data())
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return figures


def run_sqlite(count, repeat):
    """The figures on a fresh SQLite file in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        return run(f"sqlite:///{folder}/bench.sqlite", count, repeat)


def run_postgres(url, count, repeat):
    """The figures in a throwaway schema of the PostgreSQL database at `url`, dropped afterwards."""
    url, schema = normalise_database_url(url), f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        return run(url, count, repeat, {"connect_args": {"options": f"-csearch_path={schema}",
                                                         "connect_timeout": 5}})
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def line(figures, prefix=""):
    return " ".join(f"{prefix}{key}={value}" for key, value in figures.items())


def main(argv=None):
    """Parse the options, run each backend, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 proposals instead of 2,000")
    parser.add_argument("--count", type=int, help="how many proposals (overrides --quick)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each request (default 5)")
    parser.add_argument("--postgres", metavar="URL", help="also run in a throwaway schema of this database")
    args = parser.parse_args(argv)
    count = args.count or (300 if args.quick else 2000)
    results = {"sqlite": run_sqlite(count, args.repeat)}
    print("sqlite:", line(results["sqlite"]), flush=True)
    if args.postgres:
        results["postgresql"] = run_postgres(args.postgres, count, args.repeat)
        print("postgresql:", line(results["postgresql"]), flush=True)
    print(" ".join([f"proposals={count}", line(results["sqlite"])]
                   + ([line(results["postgresql"], "pg_")] if args.postgres else [])))


if __name__ == "__main__":
    main()
