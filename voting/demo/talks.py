"""The demo's proposals: the real seed talks first, then generated ones up to fifty a track."""
import json
import re
import unicodedata
from pathlib import Path

from voting.demo.people import SPEAKER
from voting.demo.vocab import (
    ABSTRACT_CLOSINGS, ABSTRACT_MIDDLES, ABSTRACT_OPENINGS, DESCRIPTIONS, OUTCOMES, PROJECTS, SCALES, TAGS,
    TITLE_TEMPLATES, TOPICS, TRACKS,
)
from voting.enums import Format, Level, ProposalState, SpeakerStatus

SEED_FILE = Path(__file__).with_name("seed_talks.json")
PER_TRACK = 50
MAX_PER_SPEAKER = 3
SLUG_MAX = 100
FORMAT_WEIGHTS = {Format.TALK: 72, Format.PANEL: 8, Format.WORKSHOP: 10, Format.LIGHTNING: 10}
LEVEL_WEIGHTS = {Level.BEGINNER: 25, Level.INTERMEDIATE: 50, Level.ADVANCED: 25}
CO_SPEAKER_WEIGHTS = {0: 70, 1: 22, 2: 8}
INVITED_SHARE = 0.15
ALL_PROJECTS = [name for names in PROJECTS.values() for name in names]
TRACK_TAGS = {t["slug"]: t["tag"] for t in TRACKS}
PROPER_WORDS = {w for name in ALL_PROJECTS for w in name.split()} | {"Kubernetes", "OpenStack", "Python"}

# The well-known speaker's three proposals: (track, format, state, co-speaker status or None).
DEMO_SPEAKER_PLAN = [
    ("cloud-infrastructure", Format.TALK, ProposalState.SUBMITTED, SpeakerStatus.INVITED),
    ("containers-kubernetes", Format.WORKSHOP, ProposalState.SUBMITTED, SpeakerStatus.CONFIRMED),
    ("networking", Format.TALK, ProposalState.DRAFT, None),
]


def load_seed_talks():
    """The real talks extracted from the seed documents."""
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))["talks"]


def slugify(text):
    """'Ceilometer+Heat=Alarming' -> 'ceilometer-heat-alarming', at most SLUG_MAX characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "proposal"


def lower_phrase(phrase):
    """Lower-case a title-cased phrase for use mid-sentence, keeping names and acronyms."""
    def lower(word):
        capitals = sum(c.isupper() for c in word)
        return word if word in PROPER_WORDS or capitals > word.count("-") + 1 else word.lower()
    return " ".join(lower(word) for word in phrase.split())


def weighted(rng, weights):
    """One key of `weights`, drawn with its weight."""
    return rng.choices(list(weights), list(weights.values()))[0]


class Programme:
    """The proposals planned so far, with the limits that keep them valid."""

    def __init__(self, people):
        self.people = people
        self.proposals = []
        self.load = {}
        self.titles = set()
        self.slugs = set()
        self.per_track = {t["slug"]: 0 for t in TRACKS}
        self.pool = [p for p in people.people if p.get("pool")]

    def fits(self, track, title, emails):
        """Whether a proposal with this title and these speakers may still join the track."""
        return (self.per_track[track] < PER_TRACK and title.lower() not in self.titles
                and all(self.load.get(e, 0) < MAX_PER_SPEAKER for e in emails))

    def add(self, proposal):
        """Record the proposal, giving it a slug unique within the event."""
        slug, n = slugify(proposal["title"]), 1
        while slug in self.slugs:
            n += 1
            slug = f"{slugify(proposal['title'])[:SLUG_MAX - 4]}-{n}"
        proposal["slug"] = slug
        self.slugs.add(slug)
        self.titles.add(proposal["title"].lower())
        self.per_track[proposal["track"]] += 1
        for speaker in proposal["speakers"]:
            self.load[speaker["email"]] = self.load.get(speaker["email"], 0) + 1
        self.proposals.append(proposal)

    def free_speaker(self, rng, exclude):
        """A random pool member below the proposal limit and not in `exclude`."""
        while True:
            person = rng.choice(self.pool)
            if self.load.get(person["email"], 0) < MAX_PER_SPEAKER and person["email"] not in exclude:
                return person


def make_proposals(rng, seed_talks, people):
    """Every proposal of the demo as plain dicts, states set; timestamps come later."""
    programme = Programme(people)
    for talk in seed_talks:
        proposal = seed_proposal(rng, talk, people)
        if programme.fits(talk["track"], proposal["title"], [s["email"] for s in proposal["speakers"]]):
            programme.add(proposal)
    for track, fmt, state, co_status in DEMO_SPEAKER_PLAN:
        proposal = generated_proposal(rng, programme, track, fmt=fmt, submitter=people.by_email[SPEAKER],
                                      co_statuses=[co_status] if co_status else [])
        programme.add({**proposal, "state": state, "fixed": True})
    for track in TRACKS:
        while programme.per_track[track["slug"]] < PER_TRACK:
            programme.add(generated_proposal(rng, programme, track["slug"]))
    return programme.proposals


def seed_proposal(rng, talk, people):
    """A proposal from a real talk, its speakers confirmed."""
    speakers = [{"email": people.by_name[s["name"]]["email"], "status": SpeakerStatus.CONFIRMED}
                for s in talk["speakers"]]
    text = f"{talk['title']} {talk['abstract']} {talk['description']}".lower()
    words = [p.lower() for p in ALL_PROJECTS] + TAGS
    tags = [w for w in words if re.search(rf"\b{re.escape(w)}\b", text)][:3] or [TRACK_TAGS[talk["track"]]]
    return {
        "title": talk["title"], "track": talk["track"], "abstract": talk["abstract"],
        "description": talk["description"], "outcomes": talk["learning_outcomes"],
        "format": Format(talk["format"]), "level": weighted(rng, LEVEL_WEIGHTS), "tags": tags,
        "speakers": speakers, "quality": min(1.0, rng.betavariate(3, 2) + 0.05), "origin": "seed",
    }


def generated_proposal(rng, programme, track, fmt=None, submitter=None, co_statuses=None):
    """A proposal built from the track's projects and topics, with a title no other proposal has."""
    fmt = fmt or weighted(rng, FORMAT_WEIGHTS)
    for _ in range(200):
        lead = submitter or programme.free_speaker(rng, exclude=())
        statuses = co_statuses if co_statuses is not None else co_speaker_statuses(rng, fmt)
        speakers = [lead]
        for _status in statuses:
            speakers.append(programme.free_speaker(rng, exclude={p["email"] for p in speakers}))
        words = template_words(rng, track, lead["profile"]["company"])
        title = rng.choice(TITLE_TEMPLATES[fmt.value]).format(**words)
        emails = [p["email"] for p in speakers]
        if programme.fits(track, title, emails):
            return generated_fields(rng, track, fmt, title, words, emails, statuses)
    raise RuntimeError(f"no free title or speaker left for track {track}")


def co_speaker_statuses(rng, fmt):
    """The statuses of a new proposal's co-speakers: panels have at least two."""
    count = rng.randint(2, 3) if fmt == Format.PANEL else weighted(rng, CO_SPEAKER_WEIGHTS)
    return [SpeakerStatus.INVITED if rng.random() < INVITED_SHARE else SpeakerStatus.CONFIRMED
            for _ in range(count)]


def template_words(rng, track, company):
    """The words a title or abstract template is filled with."""
    project, project2 = rng.sample(PROJECTS[track], 2)
    topic, scale = rng.choice(TOPICS[track]), rng.choice(SCALES)
    return {"project": project, "project2": project2, "topic": topic, "topic_lower": lower_phrase(topic),
            "scale": scale, "scale_lower": lower_phrase(scale), "company": company}


def generated_fields(rng, track, fmt, title, words, emails, statuses):
    """The remaining fields of a generated proposal."""
    abstract = " ".join(rng.choice(part).format(**words)
                        for part in (ABSTRACT_OPENINGS, ABSTRACT_MIDDLES, ABSTRACT_CLOSINGS))
    description = rng.choice(DESCRIPTIONS).format(**words) if rng.random() < 0.5 else ""
    outcomes = [o.format(**words) for o in rng.sample(OUTCOMES, rng.randint(2, 4))]
    tags = list(dict.fromkeys([words["project"].lower(), words["project2"].lower(), rng.choice(TAGS)]))
    speakers = [{"email": emails[0], "status": SpeakerStatus.CONFIRMED}]
    speakers += [{"email": e, "status": s} for e, s in zip(emails[1:], statuses)]
    return {
        "title": title, "track": track, "abstract": abstract, "description": description,
        "outcomes": outcomes, "format": fmt, "level": weighted(rng, LEVEL_WEIGHTS),
        "tags": tags[: rng.randint(2, 3)], "speakers": speakers, "quality": rng.betavariate(2, 2.5),
        "origin": "generated",
    }
