"""Where each demo proposal stands and how it got there: states, timestamps and Decision history."""
from datetime import timedelta

from voting.demo.event import window
from voting.demo.people import ORGANISER
from voting.demo.vocab import DECISION_REASONS
from voting.enums import ProposalState

DRAFT_SHARE, WITHDRAWN_SHARE = 0.09, 0.05
ACCEPTED, ALTERNATES, REJECTED = 6, 3, 4
WITHDRAW_REASONS = ["Travel budget not approved.", "Merged into a co-speaker's proposal.",
                    "Speaker changed jobs.", ""]


def assign_states(rng, proposals):
    """Mostly submitted, some drafts, a few withdrawn, and a handful already decided by the organiser.

    Real seed talks are never drafts, withdrawn or rejected: no invented setbacks for real people.
    """
    for proposal in proposals:
        if "state" not in proposal:
            proposal["state"] = ProposalState.SUBMITTED
            draw = rng.random()
            if proposal["origin"] == "generated" and draw < DRAFT_SHARE + WITHDRAWN_SHARE:
                proposal["state"] = ProposalState.DRAFT if draw < DRAFT_SHARE else ProposalState.WITHDRAWN
    open_ones = [p for p in proposals if p["state"] == ProposalState.SUBMITTED and not p.get("fixed")]
    by_quality = sorted(open_ones, key=lambda p: p["quality"], reverse=True)
    for proposal in by_quality[:ACCEPTED]:
        proposal["state"] = ProposalState.ACCEPTED
    for proposal in by_quality[ACCEPTED:ACCEPTED + ALTERNATES]:
        proposal["state"] = ProposalState.ALTERNATE
    rejectable = [p for p in reversed(by_quality) if p["origin"] == "generated"]
    for proposal in rejectable[:REJECTED]:
        proposal["state"] = ProposalState.REJECTED


def between(rng, start, end):
    """A random moment from start to end."""
    return start + (end - start) * rng.random()


def add_history(rng, proposals, now):
    """Give each proposal its timestamps and the Decision rows of every state it went through."""
    cfp_opens, _ = window(now, "cfp")
    review_opens, _ = window(now, "review")
    latest = now - timedelta(hours=1)
    for proposal in proposals:
        submitter = proposal["speakers"][0]["email"]
        created = between(rng, cfp_opens + timedelta(hours=2), now - timedelta(days=2))
        history = [(None, ProposalState.DRAFT, submitter, "", created)]
        submitted = None
        if proposal["state"] != ProposalState.DRAFT:
            submitted = min(created + timedelta(hours=rng.uniform(0.5, 72)), latest)
            history.append((ProposalState.DRAFT, ProposalState.SUBMITTED, submitter, "", submitted))
        if proposal["state"] == ProposalState.WITHDRAWN:
            withdrawn = min(submitted + timedelta(days=rng.uniform(0.5, 6)), latest)
            history.append((ProposalState.SUBMITTED, ProposalState.WITHDRAWN, submitter,
                            rng.choice(WITHDRAW_REASONS), withdrawn))
        elif proposal["state"].value in DECISION_REASONS:
            decided = between(rng, max(review_opens, submitted), latest)
            reason = rng.choice(DECISION_REASONS[proposal["state"].value])
            history.append((ProposalState.SUBMITTED, proposal["state"], ORGANISER, reason, decided))
        proposal.update(created_at=created, submitted_at=submitted, updated_at=history[-1][4],
                        history=history)
