"""Who runs the demo event, and the community's votes and the chairs' reviews on its proposals."""
import hashlib
import heapq
import math

from voting.demo.event import window
from voting.demo.people import CHAIR, ORGANISER, SPEAKER, VOTER
from voting.demo.timeline import between
from voting.demo.vocab import REVIEW_COMMENTS, TRACKS
from voting.enums import ProposalState, VoteChoice

VOTABLE = {ProposalState.SUBMITTED, ProposalState.ACCEPTED, ProposalState.ALTERNATE, ProposalState.REJECTED}
CHAIRED_BY_DEMO_CHAIR = ("networking", "storage")
VOTER_SHARE = 0.92
VOTES_MU, VOTES_SIGMA = 4.35, 0.75
FIXED_VOTE_COUNTS = {VOTER: 40, SPEAKER: 25, CHAIR: 60, ORGANISER: 0}
IP_PREFIXES = ("192.0.2", "198.51.100", "203.0.113")
IP_POOL = 420
REVIEW_SHARE, DEMO_CHAIR_REVIEW_SHARE = 0.55, 0.3


def make_roles(rng, people):
    """The organisers' emails and each track's chairs' emails, chosen among non-speakers."""
    helpers = rng.sample([p["email"] for p in people.people if p["role"] == "community" and not p["pool"]],
                         1 + 2 * len(TRACKS))
    organisers = [ORGANISER, helpers.pop()]
    chairs = {}
    for track in TRACKS:
        demo_chair = [CHAIR] if track["slug"] in CHAIRED_BY_DEMO_CHAIR else []
        chairs[track["slug"]] = demo_chair + [helpers.pop() for _ in range(2 - len(demo_chair))]
    return organisers, chairs


def fake_ip_hashes():
    """sha256 hex digests of addresses from the documentation ranges."""
    addresses = [f"{IP_PREFIXES[n % 3]}.{n // 3 + 1}" for n in range(IP_POOL)]
    return [hashlib.sha256(a.encode()).hexdigest() for a in addresses]


def choice_for(rng, quality):
    """A vote choice that leans towards 'love' as the proposal's quality rises."""
    weights = [0.05 + 0.5 * quality, 0.28, 0.27 - 0.1 * quality, max(0.02, 0.4 - 0.4 * quality)]
    return rng.choices(list(VoteChoice), weights)[0]


def own_proposals(proposals):
    """Each speaker's proposal indices, so nobody votes on their own."""
    own = {}
    for index, proposal in enumerate(proposals):
        for speaker in proposal["speakers"]:
            own.setdefault(speaker["email"], set()).add(index)
    return own


def vote_count(rng, email, limit):
    """How many proposals this person votes on: a few fixed, most a long-tailed number, some none."""
    if email in FIXED_VOTE_COUNTS:
        return FIXED_VOTE_COUNTS[email]
    if rng.random() > VOTER_SHARE:
        return 0
    return min(limit, int(rng.lognormvariate(VOTES_MU, VOTES_SIGMA)))


def make_votes(rng, proposals, emails, now):
    """Vote rows as (email, proposal index, choice, ip_hash, created_at), popular proposals favoured."""
    voting_opens, _ = window(now, "voting")
    votable = [i for i, p in enumerate(proposals) if p["state"] in VOTABLE]
    popularity = {i: math.exp(3 * proposals[i]["quality"]) for i in votable}
    own, ips, rows = own_proposals(proposals), fake_ip_hashes(), []
    for email in emails:
        candidates = [i for i in votable if i not in own.get(email, ())]
        count = vote_count(rng, email, len(candidates))
        keyed = [(rng.random() ** (1 / popularity[i]), i) for i in candidates] if count else []
        ip = rng.choice(ips)
        for _key, index in heapq.nlargest(count, keyed):
            proposal = proposals[index]
            at = between(rng, max(voting_opens, proposal["submitted_at"]), now)
            rows.append((email, index, choice_for(rng, proposal["quality"]), ip, at))
    return rows


def make_reviews(rng, proposals, chairs, now):
    """Review rows as (chair email, proposal index, score 1-5, comment, created_at).

    Proposals already decided were reviewed by all their track's chairs; open ones by some.
    """
    review_opens, _ = window(now, "review")
    rows = []
    for index, proposal in enumerate(proposals):
        if proposal["state"] not in VOTABLE:
            continue
        for chair in chairs[proposal["track"]]:
            share = DEMO_CHAIR_REVIEW_SHARE if chair == CHAIR else REVIEW_SHARE
            if proposal["state"] != ProposalState.SUBMITTED or rng.random() < share:
                score = min(5, max(1, round(1 + 4 * proposal["quality"] + rng.gauss(0, 0.7))))
                at = between(rng, max(review_opens, proposal["submitted_at"]), now)
                rows.append((chair, index, score, rng.choice(REVIEW_COMMENTS[score]), at))
    return rows
