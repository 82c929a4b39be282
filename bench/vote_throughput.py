"""Vote-and-next throughput under gunicorn on PostgreSQL, against a bare endpoint of the same app and run.

    .venv/bin/python bench/vote_throughput.py [--quick] [--connections 32] [--duration 20] [--workers 2]
                                             [--postgres URL] [--redis URL] [--nginx]

Builds a throwaway PostgreSQL database (tests/support/live.py's LiveDatabase, dropped afterwards) with an
event in its voting window, 1,000 proposals and 1,000 voters (300 and 200 with --quick), and serves Podium in
production mode under gunicorn (--workers sync workers) with Redis for the rate limits (raised out of the
way) and PODIUM_BENCH_ENDPOINTS on. Then, for --duration seconds each at --connections connections:

- bare: GET /_bench/bare, a route of the same app that does no work (no database, no session);
- vote: the request static/js/vote.js makes: POST /events/<event>/vote/<proposal> with the CSRF token,
  choice and return=next, Accept: application/json, as a signed-in voter; the answer is the next proposal's
  rendered region and the voter's progress. Every request is a (voter, proposal) pair not voted on yet.

It prints requests per second and p50/p99 latency of each, their ratio, the CPU time per request of the
workers and of PostgreSQL's backends (from /proc: steadier than requests per second on a machine shared with
other work; PostgreSQL must run on this machine for the second), and each worker's resident memory (/proc)
before and after the load. --nginx also runs both through nginx in front of one, then two gunicorn instances
(each of --workers workers) sharing the database and Redis. The goal: the vote at least 60 % of the
bare endpoint's throughput with p99 under 50 ms. The last line is key=value pairs.

Load generator: wrk (Debian: `apt-get install -y wrk`) with bench/vote_throughput.lua. On a 2-core machine a
Python client would take as much CPU as the server it measures; wrk is C with LuaJIT and costs a few percent.
Voters' session cookies are signed here with the server's SECRET_KEY, as Flask-Login's login_user() leaves
them, with the CSRF token a voting page holds (tests/realworld/load.py); no page GET first, so each vote's
"next" is chosen by the full fewest-votes order, as after a vote on the proposal shown.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from sqlalchemy import text  # noqa: E402

from tests.realworld import load  # noqa: E402
from tests.support.live import Gunicorn, LiveDatabase, Nginx  # noqa: E402

LUA = ROOT / "bench" / "vote_throughput.lua"
HIGH_LIMIT = "1000000 per minute"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
WRK_INSTALL = ("wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu), `brew install wrk`, "
               "or build https://github.com/wg/wrk")
GOAL_RATIO, GOAL_P99_MS = 0.6, 50.0


def wrk(base, seconds, connections, mode, datafile="", round_=0, threads=2):
    """Run wrk against `base`; its figures (requests, rps, p50_ms, p99_ms, non_200, socket_errors)."""
    threads = min(threads, connections)
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA),
            base, "--", mode, datafile, str(round_), str(threads)]
    output = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    lines = output.strip().splitlines()
    failure = next((line for line in lines if line.startswith("first failure:")), None)
    if failure:
        print(" ", failure)
    pairs = dict(item.split("=", 1) for item in lines[-1].split()[1:])
    return {key: float(value) for key, value in pairs.items()}


def show(label, figures):
    """One line for a run."""
    print(f"{label:<18} {figures['rps']:>7.1f} req/s  p50 {figures['p50_ms']:>7.2f} ms  "
          f"p99 {figures['p99_ms']:>7.2f} ms  CPU/request: workers {figures['cpu_ms']:>5.2f} ms, "
          f"PostgreSQL {figures['pg_cpu_ms']:>5.2f} ms  "
          f"({figures['requests']:.0f} requests, {figures['non_200']:.0f} not 200, "
          f"{figures['socket_errors']:.0f} socket errors)", flush=True)
    return figures


def cpu_seconds(pids):
    """CPU time (user + system) the processes have used so far, from /proc/<pid>/stat (gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, PermissionError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime: the stat file's 14th and 15th fields
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids(engine, name):
    """The PostgreSQL backends connected to database `name` (the workers' pooled connections)."""
    query = text("SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()")
    with engine.connect() as connection:
        return list(connection.execute(query, {"name": name}).scalars())


def write_data(path, data):
    """The Lua script's input: the event, the proposals and the voters' signed cookies and CSRF tokens."""
    lines = [f"event\t{data.event_slug}"] + [f"proposal\t{slug}" for _, slug in data.proposals]
    for user_id in data.user_ids:
        cookie, token = load.signed_session(user_id, data.session_tokens[user_id], csrf=True)
        lines.append(f"voter\t{cookie}\t{token}")
    Path(path).write_text("\n".join(lines) + "\n")


def redis_storage(url):
    """The Redis URL emptied for this run, or None (limits in each worker's memory) if it does not answer."""
    if not url:
        return None
    try:
        redis.Redis.from_url(url, socket_timeout=2).flushdb()
        return url
    except redis.RedisError as exc:
        print(f"no Redis at {url} ({exc}): rate limits kept in each worker's memory")
        return None


def rss(site):
    """The workers' resident memory in MiB, as '97.1/98.4'."""
    return "/".join(f"{size:.1f}" for size in sorted(site.worker_rss_mib()))


def stored_votes(database):
    engine = database.engine()
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM votes")).scalar()
    finally:
        engine.dispose()


class Runner:
    """The runs of one benchmark: wrk settings, the data file, and a round counter for fresh vote pairs."""

    def __init__(self, args, datafile, database):
        self.args, self.datafile, self.round = args, datafile, 0
        self.database, self.engine = database, database.engine()

    def run(self, label, base, mode, sites, seconds=None):
        """One wrk run; its figures with the CPU milliseconds per request of the workers and of PostgreSQL."""
        self.round += 1
        workers = [pid for site in sites for pid in site.worker_pids()]
        backends = postgres_pids(self.engine, self.database.name)
        before = cpu_seconds(workers), cpu_seconds(backends)
        figures = wrk(base, seconds or self.args.duration, self.args.connections, mode, self.datafile,
                      self.round)
        backends = set(backends) | set(postgres_pids(self.engine, self.database.name))
        requests = max(figures["requests"], 1)
        figures["cpu_ms"] = 1000 * (cpu_seconds(workers) - before[0]) / requests
        figures["pg_cpu_ms"] = 1000 * (cpu_seconds(backends) - before[1]) / requests
        return show(label, figures)


def nginx_runs(runner, database, env, first):
    """Bare and vote through nginx with one, then two gunicorn instances; their figures by key."""
    figures = {}
    with Nginx([first.base]) as proxy:
        runner.run("warm-up via nginx", proxy.base, "vote", [first], seconds=2)
        figures["nginx1_bare"] = runner.run("bare nginx x1", proxy.base, "bare", [first])
        figures["nginx1_vote"] = runner.run("vote nginx x1", proxy.base, "vote", [first])
    with Gunicorn(database.url, workers=runner.args.workers, **env) as second, \
            Nginx([first.base, second.base]) as proxy:
        runner.run("warm-up via nginx", proxy.base, "vote", [first, second], seconds=2)
        figures["nginx2_bare"] = runner.run("bare nginx x2", proxy.base, "bare", [first, second])
        figures["nginx2_vote"] = runner.run("vote nginx x2", proxy.base, "vote", [first, second])
        print(f"second instance's worker RSS after: {rss(second)} MiB")
    return figures


def bench(args):
    """Set up, run every measure, return the figures of the last line."""
    voters, proposals = (200, 300) if args.quick else (1000, 1000)
    workdir = tempfile.mkdtemp(prefix="vote-bench-")
    try:
        with LiveDatabase(args.postgres) as database:
            data = load.seed_voting(database.url, users=voters, proposals=proposals, tracks=6)
            datafile = os.path.join(workdir, "voters.tsv")
            write_data(datafile, data)
            storage = redis_storage(args.redis)
            env = {"VOTE_RATE_LIMIT_USER": HIGH_LIMIT, "VOTE_RATE_LIMIT_IP": HIGH_LIMIT,
                   "PODIUM_BENCH_ENDPOINTS": "true", "PODIUM_TRUSTED_PROXIES": "1" if args.nginx else "0",
                   **({"REDIS_URL": storage} if storage else {})}
            print(f"{proposals} proposals, {voters} voters; gunicorn {args.workers} sync workers; "
                  f"{args.connections} connections, {args.duration}s a run; rate limits in "
                  f"{'Redis' if storage else 'memory'}", flush=True)
            return measure(args, database, env, datafile)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def measure(args, database, env, datafile):
    runner = Runner(args, datafile, database)
    with Gunicorn(database.url, workers=args.workers, **env) as site:
        rss_before = rss(site)
        runner.run("warm-up", site.base, "vote", [site], seconds=2)
        bare = runner.run("bare", site.base, "bare", [site])
        vote = runner.run("vote", site.base, "vote", [site])
        rss_after = rss(site)
        print(f"worker RSS: {rss_before} MiB before, {rss_after} MiB after", flush=True)
        extra = nginx_runs(runner, database, env, site) if args.nginx else {}
    runner.engine.dispose()
    print(f"votes stored: {stored_votes(database)}")
    figures = {
        "bare_rps": bare["rps"], "vote_rps": vote["rps"], "ratio": round(vote["rps"] / bare["rps"], 3),
        "bare_p99_ms": bare["p99_ms"], "vote_p50_ms": vote["p50_ms"], "vote_p99_ms": vote["p99_ms"],
        "bare_cpu_ms": round(bare["cpu_ms"], 2), "vote_cpu_ms": round(vote["cpu_ms"], 2),
        "vote_pg_cpu_ms": round(vote["pg_cpu_ms"], 2),
        "failures": int(sum(run["non_200"] + run["socket_errors"] for run in (bare, vote, *extra.values()))),
        "rss_mib_before": rss_before, "rss_mib_after": rss_after,
    }
    figures.update({f"{name}_rps": run["rps"] for name, run in extra.items()})
    figures["goal_met"] = "yes" if figures["ratio"] >= GOAL_RATIO and vote["p99_ms"] < GOAL_P99_MS else "no"
    return figures


def main(argv=None):
    """Parse the options, check wrk, run, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 proposals, 200 voters, 5 s runs")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--duration", type=int, help="seconds of each run (default 20, 5 with --quick)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--postgres", metavar="URL",
                        default=os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES),
                        help=f"PostgreSQL server (default: TEST_DATABASE_URL or {DEFAULT_POSTGRES}); "
                             "a throwaway database is made on it")
    parser.add_argument("--redis", metavar="URL", default="redis://127.0.0.1:6379/3",
                        help="Redis database for the rate limits, emptied first ('' for none)")
    parser.add_argument("--nginx", action="store_true",
                        help="also through nginx, in front of one vs two gunicorn instances")
    args = parser.parse_args(argv)
    args.duration = args.duration or (5 if args.quick else 20)
    if not shutil.which("wrk"):
        sys.exit(WRK_INSTALL)
    figures = bench(args)
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
