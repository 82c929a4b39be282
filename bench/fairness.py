"""Fairness of the voting order: does every proposal get its share of votes?

    .venv/bin/python bench/fairness.py [--quick] [--voters N] [--per-voter K] [--proposals M]
                                       [--concurrent W] [--seed S] [--no-db]

N voters (default 2,000) each vote on K (40) of M (1,000) proposals, W (50) of them at a time: each
active voter has a proposal on screen, a random active voter votes on it and gets their next one, and
a voter who is done is replaced by the next. Three orders are compared by the proposal with the
fewest votes over the mean number of votes per proposal:

- db: the real thing, `next_proposal` and `cast_vote` on a temporary SQLite file (an app from
  create_app, voting open), one commit per vote like a request. 80,000 votes take minutes; --quick
  runs it on 200 voters x 40 of 100 proposals instead.
- model: the same ordering in pure Python (fewest votes first, ties in a per-voter shuffle with the
  service's own multiplier and modulus), at the full size, and at the db run's size to compare.
- random: every voter sees K proposals drawn at random.

The last line holds the figures as key=value pairs.
"""
import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event as sa_event, insert, select  # noqa: E402

from voting import create_app  # noqa: E402
from voting.community.services import (  # noqa: E402
    SHUFFLE_MODULUS, SHUFFLE_MULTIPLIER, cast_vote, next_proposal,
)
from voting.db_types import utcnow  # noqa: E402
from voting.enums import ProposalState, VoteChoice  # noqa: E402
from voting.extensions import db  # noqa: E402
from voting.models import Event, Proposal, ProposalSpeaker, Track, User  # noqa: E402

QUICK = {"voters": 200, "per_voter": 40, "proposals": 100}


def sessions(voters, per_voter, concurrent, rng, start, vote):
    """Run the voters W at a time: `start(v)` shows voter v a proposal, `vote(v, shown)` the next one."""
    waiting, active, shown, done = iter(range(voters)), [], {}, {}
    for v in waiting:
        active.append(v)
        shown[v], done[v] = start(v), 0
        if len(active) == concurrent:
            break
    while active:
        v = rng.choice(active)
        shown[v] = vote(v, shown[v])
        done[v] += 1
        if done[v] == per_voter or shown[v] is None:
            active.remove(v)
            for new in waiting:
                active.append(new)
                shown[new], done[new] = start(new), 0
                break


def model(voters, per_voter, proposals, concurrent, seed):
    """Votes per proposal under the fair order, modelled in pure Python."""
    rng = random.Random(seed)
    counts = [0] * proposals
    buckets = {0: set(range(proposals))}  # number of votes -> proposals with that many
    keys, seen = {}, {}

    def pick(v):
        level = 0
        while True:
            bucket = buckets.get(level, ())
            candidates = bucket - seen[v] if bucket else ()
            if candidates:
                return min(candidates, key=keys[v].__getitem__)
            level += 1
            if level > voters:
                return None

    def start(v):
        voter_seed = rng.getrandbits(32)  # the service derives it from an HMAC: as good as random
        keys[v] = [((n + 1) * SHUFFLE_MULTIPLIER + voter_seed) % SHUFFLE_MODULUS for n in range(proposals)]
        seen[v] = set()
        return pick(v)

    def vote(v, shown):
        buckets[counts[shown]].discard(shown)
        counts[shown] += 1
        buckets.setdefault(counts[shown], set()).add(shown)
        seen[v].add(shown)
        return pick(v)

    sessions(voters, per_voter, concurrent, rng, start, vote)
    return counts


def random_order(voters, per_voter, proposals, seed):
    """Votes per proposal when every voter sees `per_voter` proposals drawn at random."""
    rng = random.Random(seed)
    counts = [0] * proposals
    for _ in range(voters):
        for n in rng.sample(range(proposals), per_voter):
            counts[n] += 1
    return counts


def real(voters, per_voter, proposals, concurrent, seed):
    """Votes per proposal from the app's own next_proposal and cast_vote on a temporary SQLite file."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as directory:
        app = create_app({"PODIUM_ENV": "testing", "SECRET_KEY": "bench-fairness",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/fairness.sqlite"})
        with app.app_context():
            # Durability is not what is measured: no fsync per commit.
            sa_event.listen(db.engine, "connect", lambda conn, _: conn.execute("PRAGMA synchronous=OFF"))
            db.create_all()
            event_id = build(voters, proposals)
            event = db.session.get(Event, event_id)
            users = {v: db.session.get(User, v + 1) for v in range(voters)}

            def start(v):
                shown = next_proposal(user=users[v], event=event)
                return shown.id if shown else None

            def vote(v, shown):
                proposal = db.session.get(Proposal, shown)
                cast_vote(user=users[v], proposal=proposal, choice=rng.choice(list(VoteChoice)),
                          ip=f"10.0.{v // 250}.{v % 250}")
                db.session.commit()
                return start(v)

            sessions(voters, per_voter, concurrent, rng, start, vote)
            counts = list(db.session.scalars(select(Proposal.vote_count).order_by(Proposal.id)))
            db.session.remove()
            db.engine.dispose()
    return counts


def build(voters, proposals):
    """An event with voting open, one track, `proposals` proposals by speakers who do not vote."""
    now = utcnow()
    event = Event(name="Fairness Summit", slug="fairness", starts_on=date(2031, 5, 1),
                  ends_on=date(2031, 5, 3),
                  voting_opens_at=now - timedelta(days=1), voting_closes_at=now + timedelta(days=30))
    track = Track(event=event, name="Everything", slug="everything")
    db.session.add_all([event, track])
    db.session.flush()
    speakers = range(voters + 1, voters + proposals + 1)
    db.session.execute(insert(User), [{"id": n, "name": f"User {n}", "email": f"u{n}@bench.example"}
                                      for n in range(1, voters + proposals + 1)])
    db.session.execute(insert(Proposal), [
        {"id": n, "event_id": event.id, "track_id": track.id, "slug": f"talk-{n}", "title": f"Talk {n}",
         "abstract": "An abstract.", "state": ProposalState.SUBMITTED, "submitted_at": now}
        for n in range(1, proposals + 1)])
    db.session.execute(insert(ProposalSpeaker), [{"proposal_id": n, "user_id": user, "position": 0}
                                                 for n, user in enumerate(speakers, start=1)])
    db.session.commit()
    return event.id


def figures(counts):
    """(min, mean, max, stdev, min/mean) of the votes per proposal."""
    mean = statistics.fmean(counts)
    return min(counts), mean, max(counts), statistics.pstdev(counts), min(counts) / mean


def report(label, counts, size):
    low, mean, high, spread, ratio = figures(counts)
    print(f"{label:<8} {size:<24} min={low:<4} mean={mean:<7.1f} max={high:<4} stdev={spread:<6.2f} "
          f"min/mean={ratio:.3f}")
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--per-voter", type=int, default=40)
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--concurrent", type=int, default=50, help="voters voting at the same time")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--quick", action="store_true", help="the db run on 200 voters x 40 of 100 proposals")
    parser.add_argument("--no-db", action="store_true", help="only the pure-Python model and random order")
    args = parser.parse_args()
    full = {"voters": args.voters, "per_voter": args.per_voter, "proposals": args.proposals}
    small = QUICK if args.quick else full

    def size(s):
        return f"{s['voters']}x{s['per_voter']}/{s['proposals']}"

    results = {}
    if not args.no_db:
        started = time.perf_counter()
        counts = real(**small, concurrent=args.concurrent, seed=args.seed)
        seconds = time.perf_counter() - started
        results["db_min_over_mean"] = report("db", counts, size(small))
        results.update(db_size=size(small), db_seconds=round(seconds, 1),
                       db_ms_per_vote=round(1000 * seconds / (small["voters"] * small["per_voter"]), 2))
        if small != full:
            results["model_small_min_over_mean"] = report(
                "model", model(**small, concurrent=args.concurrent, seed=args.seed), size(small))
    results["fair_min_over_mean"] = report("model", model(**full, concurrent=args.concurrent, seed=args.seed),
                                           size(full))
    results["random_min_over_mean"] = report("random", random_order(**full, seed=args.seed), size(full))
    line = {**full, "concurrent": args.concurrent, **results}
    print(" ".join(f"{key}={value:.3f}" if key.endswith("min_over_mean") else f"{key}={value}"
                   for key, value in line.items()))


if __name__ == "__main__":
    main()
