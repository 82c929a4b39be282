"""The demo's people: four well-known accounts, the real seed speakers and a generated community."""
import re
import unicodedata
from datetime import timedelta

from voting.demo.vocab import COMPANIES, FIRST_NAMES, JOB_TITLES, LAST_NAMES, PROJECTS

DOMAIN = "example.org"
COMMUNITY_SIZE = 500
SPEAKER_POOL = 220

SPEAKER = "speaker@example.org"
VOTER = "voter@example.org"
CHAIR = "chair@example.org"
ORGANISER = "organiser@example.org"
FIXED_USERS = [(SPEAKER, "Dana Speaker"), (VOTER, "Victor Voter"), (CHAIR, "Chris Chair"),
               (ORGANISER, "Olivia Organiser")]

RELEASES = "Folsom Grizzly Havana Icehouse Juno Kilo Liberty Mitaka Newton Ocata Pike Queens Rocky".split()
SOURCE_BIOS = {
    "summit-2013-wiki": "{name} proposed “{title}” for the OpenStack Summit in Hong Kong, 2013.",
    "design-summit-2012": "{name} led the “{title}” session at the OpenStack Design Summit, April 2012.",
    "summit-2015-sched": "{name} spoke on “{title}” at the OpenStack Summit in Tokyo, 2015.",
}
BIO_EXTRAS = [
    "{first} organises the local OpenStack meetup and likes to keep demos live.",
    "{first} is a core reviewer and a regular speaker at community events.",
    "Before cloud, {first} ran data centres for a university.",
    "{first} writes about operations on a personal blog.",
    "",
]


class People:
    """Everyone in the demo, in a fixed order, looked up by email or by display name."""

    def __init__(self):
        self.people, self.by_email, self.by_name = [], {}, {}

    def add(self, name, email=None, **fields):
        """Add a person (once per name) and return them."""
        if name in self.by_name:
            return self.by_name[name]
        person = {"name": name, "email": email or self._free_email(name), "profile": None, **fields}
        self.people.append(person)
        self.by_email[person["email"]] = self.by_name[name] = person
        return person

    def _free_email(self, name):
        base = email_local_part(name)
        local, n = base, 1
        while f"{local}@{DOMAIN}" in self.by_email:
            n += 1
            local = f"{base}{n}"
        return f"{local}@{DOMAIN}"

    @property
    def emails(self):
        return [p["email"] for p in self.people]


def email_local_part(name):
    """'Devananda Van Der Veen' -> 'devananda.van.der.veen'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".")


def make_people(rng, seed_talks, now):
    """The fixed accounts, then every seed speaker, then generated members up to the community size."""
    people = People()
    for email, name in FIXED_USERS:
        people.add(name, email, role="fixed")
    for talk in seed_talks:
        for speaker in talk["speakers"]:
            people.add(speaker["name"], role="seed", seed=speaker, seed_talk=talk)
    while len(people.people) < len(FIXED_USERS) + COMMUNITY_SIZE:
        people.add(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", role="community")
    for index, person in enumerate(p for p in people.people if p["role"] == "community"):
        person["pool"] = index < SPEAKER_POOL
    for person in people.people:
        person["created_at"] = now - timedelta(days=rng.uniform(31, 900))
        if person["role"] == "seed" or person.get("pool") or person["email"] == SPEAKER:
            person["profile"] = make_profile(rng, person)
    return people


def make_profile(rng, person):
    """A speaker profile: a real speaker's own words only, a generated member's made up."""
    if person["role"] == "seed":
        seed = person["seed"]
        job, company = seed.get("job_title", ""), seed.get("company", "")
        bio = seed.get("bio") or SOURCE_BIOS[person["seed_talk"]["source"]].format(
            name=person["name"], title=person["seed_talk"]["title"])
    else:
        job, company = rng.choice(JOB_TITLES), rng.choice(COMPANIES)
        bio = make_bio(rng, person["name"].split()[0], job, company)
    handle = email_local_part(person["name"]).replace(".", "")
    links = [f"https://blog.example.org/{handle}", f"https://git.example.org/{handle}"]
    return {"display_name": person["name"], "job_title": job, "company": company, "bio": bio,
            "links": "\n".join(links[: rng.randint(1, 2)]), "photo_url": ""}


def make_bio(rng, first, job, company):
    """A two-sentence biography."""
    projects = rng.sample([p for names in PROJECTS.values() for p in names], 2)
    since = rng.choice(RELEASES)
    extra = rng.choice(BIO_EXTRAS).format(first=first)
    article = "an" if job[0] in "AEIOU" else "a"
    return (f"{first} is {article} {job} at {company} and has worked on {projects[0]} and {projects[1]} "
            f"since the {since} release. {extra}").strip()
