"""Thousands of concurrent votes against gunicorn on PostgreSQL: nothing lost, nothing doubled, counts exact.

300 voters open the voting page, then send 3,000 votes from a pool of 32 client threads into 4 sync
gunicorn workers: first votes, changed votes, the same vote sent twice at the same moment, and two different
choices sent at the same moment. Afterwards each (voter, proposal) has exactly one row holding the last choice
sent (either of the racing two), and every proposal's per-choice counters equal what the votes table holds.
"""
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from sqlalchemy import text

from tests.realworld import load
from tests.support.live import Gunicorn

pytestmark = pytest.mark.slow

USERS, PROPOSALS, VOTES_EACH, CHANGES_EACH, CLIENTS = 300, 40, 4, 2, 32
CHOICES = ("love", "try", "might", "not")
REDIS_URL = "redis://127.0.0.1:6379/3"  # this suite's own Redis database
HIGH_LIMIT = "100000 per minute"  # the voting rate limits, raised out of the way of the load


def plan_for(user_id, proposals):
    """The voter's steps, in order: [(proposal slug, the choices sent at the same moment)]."""
    rng = random.Random(user_id)
    slugs = rng.sample([slug for _, slug in proposals], VOTES_EACH + 1)
    steps = [(slug, (rng.choice(CHOICES),)) for slug in slugs[:VOTES_EACH]]
    steps[0] = (steps[0][0], steps[0][1] * 2)  # the first vote double-submitted
    for slug, sent in rng.sample(steps, CHANGES_EACH):
        steps.append((slug, (rng.choice([c for c in CHOICES if c != sent[0]]),)))
    steps[-1] = (steps[-1][0], steps[-1][1] * 2)  # a changed vote double-submitted
    steps.insert(rng.randrange(1, len(steps)), (slugs[-1], tuple(rng.sample(CHOICES, 2))))  # a race
    return steps


def expected_votes(plans, ids):
    """{(user id, proposal id): the choices the row may hold} after every plan ran."""
    expected = {}
    for user_id, steps in plans.items():
        for slug, sent in steps:
            expected[(user_id, ids[slug])] = set(sent)
    return expected


def together(calls):
    """Run the calls at the same moment, each in its own thread; their results."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        barrier.wait(10)
        results[index] = call()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def vote_as(base, event_slug, voter, steps):
    """One voter's session: open the page, then each step; the failed responses as (user, status, body)."""
    load.open_voting_page(base, event_slug, voter)
    failures = []
    for slug, sent in steps:
        calls = [lambda choice=choice: load.cast(base, event_slug, slug, choice, voter) for choice in sent]
        for response in together(calls) if len(calls) > 1 else [calls[0]()]:
            if response is None or response.status_code != 200 or not response.json().get("ok"):
                failures.append((voter.user_id, getattr(response, "status_code", None),
                                 getattr(response, "text", "no response")[:200]))
    return failures


def redis_url():
    """This suite's Redis database, emptied, or None when no Redis answers (limits then stay per worker)."""
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
        client.flushdb()
        return REDIS_URL
    except redis.RedisError:
        return None


def stored_votes(engine):
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT user_id, proposal_id, choice FROM votes")).all()
    return rows


def proposal_counters(engine):
    """{proposal id: (vote_count, {choice: count})} as the proposals table holds them."""
    query = "SELECT id, vote_count, love_count, try_count, might_count, not_count FROM proposals"
    with engine.connect() as connection:
        return {row[0]: (row[1], dict(zip(CHOICES, row[2:]))) for row in connection.execute(text(query))}


@pytest.fixture(scope="module")
def loaded(live_database):
    """Seed the data, run the whole load against 4 gunicorn workers once; (data, plans, failures, seconds)."""
    data = load.seed_voting(live_database.url, users=USERS, proposals=PROPOSALS)
    plans = {user_id: plan_for(user_id, data.proposals) for user_id in data.user_ids}
    voters = [load.Voter(user_id, load.signed_session(user_id, data.session_tokens[user_id])[0]) for user_id in data.user_ids]
    storage = redis_url()
    env = {"VOTE_RATE_LIMIT_USER": HIGH_LIMIT, "VOTE_RATE_LIMIT_IP": HIGH_LIMIT,
           **({"REDIS_URL": storage} if storage else {})}
    with Gunicorn(live_database.url, workers=4, **env) as site:
        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = pool.map(lambda v: vote_as(site.base, data.event_slug, v, plans[v.user_id]), voters)
            failures = [failure for result in results for failure in result]
        seconds = time.monotonic() - started
        errors = [line for line in site.output().splitlines() if "Traceback" in line or "[ERROR]" in line]
    limiter_keys = redis.Redis.from_url(storage).keys("LIMIT*") if storage else None
    return data, plans, failures, seconds, errors, limiter_keys


def test_every_vote_request_succeeds(loaded):
    data, plans, failures, seconds, errors, _ = loaded
    sent = sum(len(sent) for steps in plans.values() for _, sent in steps)
    print(f"{sent} votes from {USERS} voters in {seconds:.1f}s: {sent / seconds:.0f} votes/s")
    assert sent == USERS * (VOTES_EACH + CHANGES_EACH + 4) == 3000
    assert failures == []
    assert errors == []


def test_each_voter_has_one_row_per_proposal_with_the_last_choice(loaded, live_database):
    data, plans, *_ = loaded
    ids = dict((slug, pid) for pid, slug in data.proposals)
    expected = expected_votes(plans, ids)
    engine = live_database.engine()
    try:
        rows = stored_votes(engine)
    finally:
        engine.dispose()
    pairs = Counter((user_id, proposal_id) for user_id, proposal_id, _ in rows)
    assert [pair for pair, count in pairs.items() if count > 1] == []
    assert set(pairs) == set(expected)
    wrong = [(key, choice) for *key, choice in rows if choice not in expected[tuple(key)]]
    assert wrong == []


def test_proposal_counters_equal_the_votes_table(loaded, live_database):
    engine = live_database.engine()
    try:
        counters, rows = proposal_counters(engine), stored_votes(engine)
    finally:
        engine.dispose()
    counted = Counter((proposal_id, choice) for _, proposal_id, choice in rows)
    for proposal_id, (total, per_choice) in counters.items():
        assert per_choice == {choice: counted[(proposal_id, choice)] for choice in CHOICES}, proposal_id
        assert total == sum(per_choice.values()), proposal_id
    assert sum(total for total, _ in counters.values()) == len(rows) == USERS * (VOTES_EACH + 1)


def test_the_votes_went_through_the_shared_rate_limiter(loaded):
    *_, limiter_keys = loaded
    if limiter_keys is None:
        pytest.skip("no Redis on 127.0.0.1:6379: the limits were per worker")
    assert limiter_keys, "the vote rate limits kept nothing in Redis"
