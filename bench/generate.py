"""Synthetic case records for benchmarks: `python -m bench.generate --cases N --out DIR [--seed S]`.

Writes N cases in the record format of docs/model.md (``cases/B000001.yaml`` ...), about one source
per case (``sources.yaml``) and copies of the bundled ``places.yaml`` and ``organisations.yaml``.
Every case follows one of a few storylines (repatriated after an escape, caught attempting to
escape, arrested at home, punished for a relative) over the real places and agencies of the
bundled reference data, with 1-4 victims (families linked as spouses, parents, children and
siblings), sometimes a relative, a witness or an alleged perpetrator, 4-8 events, EDTF dates of
mixed precision, codes of every scheme and a share of restricted fields and withheld consent.

The output depends only on the seed, the case number and the reference data: case k is the same
whatever N, so a smaller data set is a prefix of a larger one. The only randomness is a
`random.Random` seeded per case from (seed, k).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from edkg.resources import sample_data_dir
from edkg.vocabularies import scheme_codes
from edkg.yamlfile import MAX_FILE_BYTES

# Bump whenever the output for a given seed changes: bench.run regenerates cached data then.
GENERATOR_VERSION = "1"
DEFAULT_SEED = 20241031
MARKER = "generator.json"
REFERENCE_FILES = ("places.yaml", "organisations.yaml")
# Record files may hold at most MAX_FILE_BYTES (5 MB): sources are split into files of this many
# records (about 1.6 MB each); the first file is the top-level sources.yaml.
SOURCES_PER_FILE = 10_000
# Where reference data is taken from when the bundled sample does not have it (yet).
FALLBACK_REFERENCE = Path(__file__).resolve().parent.parent / "tests" / "data" / "records"

# Scalars written without quotes: in block context, text without `:`, `#`, quotes or a leading
# digit; in flow lists (`[a, b]`), identifiers and codes only. Anything else is written as a JSON
# string, which is a valid YAML double-quoted scalar.
PLAIN = re.compile(r"[A-Za-z\uac00-\ud7a3][\w .,()-]*[\w.)-]|[A-Za-z\uac00-\ud7a3]")
FLOW_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})

FAMILY_NAMES = (
    ("Kim", "김"), ("Ri", "리"), ("Pak", "박"), ("Choe", "최"), ("Jong", "정"), ("Kang", "강"),
    ("Han", "한"), ("Ryu", "류"), ("Hong", "홍"), ("Song", "송"), ("Jo", "조"), ("Yun", "윤"),
    ("Jang", "장"), ("Im", "림"), ("O", "오"), ("Mun", "문"),
)  # fmt: skip
GIVEN_SYLLABLES = (
    ("Chol", "철"), ("Min", "민"), ("Yong", "영"), ("Su", "수"), ("Hui", "희"), ("Ok", "옥"),
    ("Myong", "명"), ("Il", "일"), ("Song", "성"), ("Gwang", "광"), ("Hyok", "혁"), ("Sun", "순"),
    ("Ae", "애"), ("Jin", "진"), ("Nam", "남"), ("Hwa", "화"), ("Guk", "국"), ("Ryon", "련"),
)  # fmt: skip
SEASONS = {12: 24, 1: 24, 2: 24, 3: 21, 4: 21, 5: 21, 6: 22, 7: 22, 8: 22, 9: 23, 10: 23, 11: 23}
WHEREABOUTS = ("unknown", "detained-known-place", "released", "dead", "escaped")
STORYLINES = ("repatriated", "caught-escaping", "arrested-at-home", "guilt-by-association")
STORYLINE_WEIGHTS = (40, 15, 30, 15)
REASONS = {
    "repatriated": ("escape-repatriated", "escape-repatriated", "escape-assistance", "escape"),
    "caught-escaping": ("escape-attempt", "escape-preparation", "escape-assistance"),
    "arrested-at-home": (
        "outside-contact",
        "other-criticism",
        "other-religion",
        "other-unspecified",
        "other",
        "escape-preparation",
    ),
    "guilt-by-association": ("guilt-by-association",),
}
# Agencies by how often they make arrests inside North Korea (the published figures' order).
HOME_AGENCY_WEIGHTS = {
    "kp-mss": 50,
    "kp-border-guard": 12,
    "kp-kpa-dsb": 8,
    "kp-moss": 20,
    "kp-nonsocialist-group": 6,
}


@dataclass
class Reference:
    """The bundled places and organisations, sorted into what the storylines need."""

    home: str  # country code of the home country
    home_places: list[str]  # municipalities (else provinces, else any place) at home
    home_facilities: list[str]
    crossings: list[str]  # border crossing points, wherever they are
    foreign_places: list[str]
    foreign_facilities: dict[str, list[str]]  # country code -> facilities there
    operator: dict[str, str]  # facility id -> organisation id
    country_of_place: dict[str, str]
    agencies: dict[str, list[str]]  # agency code -> organisation ids
    agency_country: dict[str, str]  # organisation id -> country code
    submitters: list[str]
    names: dict[str, str] = field(default_factory=dict)  # place id -> English name


def reference_dir() -> Path:
    """The directory whose places.yaml and organisations.yaml the generated data uses."""
    bundled = sample_data_dir()
    if all((bundled / name).is_file() for name in REFERENCE_FILES):
        return bundled
    return FALLBACK_REFERENCE


def _load_list(path: Path) -> list[dict]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    content = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return [item for item in content or [] if isinstance(item, dict) and "id" in item]


def load_reference(directory: Path, home: str = "KP") -> Reference:
    """Classify the places and organisations of `directory` by country, type and agency."""
    places = {p["id"]: p for p in _load_list(directory / "places.yaml")}
    organisations = _load_list(directory / "organisations.yaml")

    def country(place_id: str) -> str:
        seen = set()
        while place_id in places and place_id not in seen:
            seen.add(place_id)
            place = places[place_id]
            if place.get("type") == "country":
                return str(place.get("country_code", place_id.upper()))
            place_id = place.get("located_in", "")
        return ""

    country_of_place = {pid: country(pid) for pid in places}
    at_home = [pid for pid in places if country_of_place[pid] == home]
    abroad = [pid for pid in places if country_of_place[pid] not in ("", home)]

    def of_type(ids: list[str], *types: str) -> list[str]:
        return [pid for pid in ids if places[pid].get("type") in types]

    agencies: dict[str, list[str]] = {}
    agency_country: dict[str, str] = {}
    submitters = []
    for org in organisations:
        agency = org.get("agency")
        if agency:
            agencies.setdefault(agency, []).append(org["id"])
            state = country_of_place.get(org.get("state", ""), "")
            agency_country[org["id"]] = state or agency.split("-")[0].upper()
        else:
            submitters.append(org["id"])
    everything = list(places)
    home_places = (
        of_type(at_home, "municipality") or of_type(at_home, "province") or at_home or everything
    )
    foreign_places = of_type(abroad, "municipality") or abroad or home_places
    foreign_facilities: dict[str, list[str]] = {}
    for pid in of_type(abroad, "detention-facility"):
        foreign_facilities.setdefault(country_of_place[pid], []).append(pid)
    return Reference(
        home=home,
        home_places=home_places,
        home_facilities=of_type(at_home, "detention-facility") or home_places,
        crossings=of_type(everything, "crossing-point") or home_places,
        foreign_places=foreign_places,
        foreign_facilities=foreign_facilities,
        operator={
            pid: p["operated_by"]
            for pid, p in places.items()
            if p.get("type") == "detention-facility" and p.get("operated_by")
        },
        country_of_place=country_of_place,
        agencies=agencies,
        agency_country=agency_country,
        submitters=submitters or [org["id"] for org in organisations],
        names={pid: str(p.get("name", pid)) for pid, p in places.items()},
    )


def _codes(scheme: str) -> list[str]:
    return sorted(scheme_codes()[scheme])


# -- dates ----------------------------------------------------------------------------------------


def _edtf(r: random.Random, day: int) -> str:
    """An EDTF string of random precision around the proleptic ordinal `day`."""
    from datetime import date

    d = date.fromordinal(day)
    kind = r.choices(
        ("day", "month", "season", "year", "approximate", "uncertain", "interval", "decade"),
        (35, 25, 8, 10, 8, 5, 7, 2),
    )[0]
    if kind == "day":
        return d.isoformat()
    if kind == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if kind == "season":
        year = d.year - 1 if d.month in (1, 2) else d.year
        return f"{year:04d}-{SEASONS[d.month]}"
    if kind == "year":
        return f"{d.year:04d}"
    if kind == "approximate":
        return f"{d.year:04d}~" if r.random() < 0.6 else f"{d.year:04d}-{d.month:02d}~"
    if kind == "uncertain":
        return f"{d.year:04d}-{d.month:02d}?"
    if kind == "interval":
        end = date.fromordinal(day + r.randint(30, 150))
        return f"{d.year:04d}-{d.month:02d}/{end.year:04d}-{end.month:02d}"
    return f"{str(d.year)[:3]}X"


def _born(r: random.Random, year: int) -> str | None:
    kind = r.choices(("year", "approximate", "interval", "decade", "none"), (70, 15, 5, 5, 5))[0]
    if kind == "year":
        return f"{year:04d}"
    if kind == "approximate":
        return f"{year:04d}~"
    if kind == "interval":
        return f"{year - 2:04d}/{year + 2:04d}"
    if kind == "decade":
        return f"{str(year)[:3]}X"
    return None


def _start_day(r: random.Random) -> int:
    """The day the story begins: about 7% under Kim Il Sung, 60% Kim Jong Il, 33% Kim Jong Un."""
    from datetime import date

    start, end = r.choices(((1985, 1994), (1994, 2011), (2012, 2021)), (7, 60, 33))[0]
    first = date(start, 1, 1).toordinal()
    return r.randint(first, date(end, 12, 31).toordinal())


# -- people ----------------------------------------------------------------------------------------


def _name(r: random.Random, family: tuple[str, str] | None = None) -> tuple[str, str]:
    surname, surname_ko = family or r.choice(FAMILY_NAMES)
    (a, a_ko), (b, b_ko) = r.sample(GIVEN_SYLLABLES, 2)
    return f"{surname} {a}-{b.lower()}", f"{surname_ko}{a_ko}{b_ko}"


class _CaseMaker:
    """Builds one case record (a dict ready for YAML) and its sources."""

    def __init__(self, number: int, seed: int, ref: Reference):
        self.r = random.Random(f"edkg-bench {seed} {number}")
        self.number = number
        self.id = f"B{number:06d}"
        self.ref = ref

    # -- helpers -------------------------------------------------------------------------------

    def pick(self, items: list[str]) -> str:
        return self.r.choice(items)

    def agency_org(self, agency: str) -> str | None:
        orgs = self.ref.agencies.get(agency)
        return self.r.choice(orgs) if orgs else None

    def home_perpetrator(self) -> str | None:
        available = {a: w for a, w in HOME_AGENCY_WEIGHTS.items() if a in self.ref.agencies}
        if not available:
            return None
        agency = self.r.choices(list(available), list(available.values()))[0]
        return self.agency_org(agency)

    def foreign_perpetrator(self, place: str) -> str | None:
        country = self.ref.country_of_place.get(place, "")
        orgs = sorted(o for o, c in self.ref.agency_country.items() if c == country)
        if not orgs or self.r.random() < 0.1:
            return None  # agency not known: no perpetrator
        # Chinese public security makes most arrests in China; state security and others fewer.
        weights = [8 if "mps" in o else 1 for o in orgs]
        return self.r.choices(orgs, weights)[0]

    def holder(self, facility: str) -> str | None:
        operator = self.ref.operator.get(facility)
        return operator or self.agency_org("kp-mss") or self.home_perpetrator()

    # -- the storyline -------------------------------------------------------------------------

    def steps(self, storyline: str, count: int) -> list[dict]:
        """The event skeletons (type, places, perpetrator) of a storyline, `count` of them."""
        ref = self.ref
        home_facility = self.pick(ref.home_facilities)
        steps: list[dict] = []
        if storyline == "repatriated":
            abroad = self.pick(ref.foreign_places)
            country = ref.country_of_place.get(abroad, "")
            nearby = ref.foreign_facilities.get(country) or [abroad]
            held_abroad = self.pick(nearby)
            steps += [
                {
                    "type": "border-crossing",
                    "place": self.pick(ref.crossings),
                    "from": self.pick(ref.home_places),
                    "to": abroad,
                },
                {
                    "type": "arrest",
                    "place": abroad,
                    "perpetrator": self.foreign_perpetrator(abroad),
                },
                {
                    "type": "detention",
                    "place": held_abroad,
                    "perpetrator": ref.operator.get(held_abroad)
                    or self.foreign_perpetrator(held_abroad),
                },
                {
                    "type": "repatriation",
                    "from": held_abroad,
                    "to": home_facility,
                    "perpetrator": self.holder(home_facility),
                },
            ]
        elif storyline == "caught-escaping":
            near_border = self.pick(ref.home_places)
            steps += [
                {"type": "escape-attempt", "place": near_border},
                {
                    "type": "arrest",
                    "place": near_border,
                    "perpetrator": self.agency_org("kp-border-guard") or self.home_perpetrator(),
                },
            ]
        else:
            place = self.pick(ref.home_places)
            perpetrator = None if self.r.random() < 0.05 else self.home_perpetrator()
            steps.append({"type": "arrest", "place": place, "perpetrator": perpetrator})
        holder = self.holder(home_facility)
        steps.append({"type": "interrogation", "place": home_facility, "perpetrator": holder})
        # Transfers through further facilities until only the ending remains to be told.
        ending = self.r.choices(
            ("disappearance", "last-sighting", "release", "detention"), (35, 30, 15, 20)
        )[0]
        family_step = self.r.random() < 0.6
        tail = 1 + family_step
        current = home_facility
        while len(steps) < count - tail:
            following = self.pick(ref.home_facilities)
            holder = self.holder(following)
            steps.append(
                {"type": "transfer", "from": current, "to": following, "perpetrator": holder}
            )
            current = following
        steps = steps[: max(count - tail, 1)]
        last = {"type": ending, "place": current}
        if ending == "detention":
            last["perpetrator"] = self.holder(current)
        steps.append(last)
        if family_step:
            steps.append({"type": self.r.choice(("inquiry", "inquiry", "petition"))})
        return steps

    def persons(self, storyline: str, start_year: int) -> list[dict]:
        r = self.r
        victims = r.choices((1, 2, 3, 4), (45, 30, 15, 10))[0]
        shape = None
        if victims > 1 and r.random() < 0.6:
            shapes = ("couple", "parent", "siblings") if victims > 2 else ("couple", "parent")
            shape = r.choice(shapes)
        family = r.choice(FAMILY_NAMES)
        reasons = REASONS[storyline]
        persons = []
        adult = r.randint(22, 60)
        for k in range(1, victims + 1):
            # In a family the children take the family name; a wife keeps her own.
            surname = family if shape and not (shape == "couple" and k == 2) else None
            name, name_ko = _name(r, surname)
            sex = r.choices(("male", "female", "unknown"), (57, 41, 2))[0]
            if shape is None:
                age = r.choices((5, 15, 30, 50, 65), (11, 12, 40, 27, 10))[0] + r.randint(-4, 4)
            elif shape == "siblings":
                age = max(adult - 25, 3) + r.randint(-6, 6)
            elif k == 1 or (shape == "couple" and k == 2):
                age = adult + r.randint(-3, 3)
                if shape == "couple":
                    sex = ("male", "female")[k - 1]
            else:
                age = max(adult - r.randint(20, 32), 1)
            person: dict = {"id": f"{self.id}-P{k}", "name": name}
            if r.random() < 0.7:
                person["name_ko"] = name_ko
            person["sex"] = sex
            born = _born(r, start_year - max(age, 1))
            if born:
                person["born"] = born
            person["roles"] = ["victim"]
            person["reason"] = r.choice(reasons)
            person["connection_to_source"] = r.choices(
                _codes("source-connection"), (10, 12, 48, 10, 15, 5)
            )[0]
            person["whereabouts"] = r.choices(WHEREABOUTS, (55, 15, 15, 10, 5))[0]
            persons.append(person)
        if shape:
            link_family(persons, shape)
        extras = []
        if r.random() < 0.3:
            extras.append(("relative", "relatives"))
        if r.random() < 0.1:
            extras.append(("witness", None))
        if r.random() < 0.03:
            extras.append(("alleged-perpetrator", None))
        for role, link in extras:
            name, name_ko = _name(r)
            person = {"id": f"{self.id}-P{len(persons) + 1}", "name": name, "name_ko": name_ko}
            person["sex"] = r.choice(("male", "female"))
            person["roles"] = [role]
            if link:
                person[link] = [persons[0]["id"]]
            if role == "witness":
                person["connection_to_source"] = "eyewitness"
            persons.append(person)
        for person in persons:
            if r.random() < 0.05:
                person["consent"] = "withheld"
            elif r.random() < 0.1:
                person["consent"] = "public"
            if r.random() < 0.1:
                person["note"] = f"Invented person number {person['id']} of a synthetic case."
            if r.random() < 0.1:
                person["restricted"] = {"legal_name": f"Legal name of {person['id']}"}
                if r.random() < 0.3:
                    person["restricted"]["confidential_note"] = "Family asked not to publish."
        return persons

    # -- the case ------------------------------------------------------------------------------

    def make(self) -> tuple[dict, list[dict]]:
        """The case record and the source records it rests on."""
        r = self.r
        storyline = r.choices(STORYLINES, STORYLINE_WEIGHTS)[0]
        day = _start_day(r)
        start_year = _year(day)
        persons = self.persons(storyline, start_year)
        victims = [p["id"] for p in persons if p["roles"] == ["victim"]]
        relatives = [p["id"] for p in persons if "relatives" in p]
        culprits = [p["id"] for p in persons if p["roles"] == ["alleged-perpetrator"]]
        source_id = f"{self.id}-S1"
        sources = [source_id]
        if self.number > 1 and r.random() < 0.1:
            sources.append(f"B{self.number - 1:06d}-S1")  # the same interviewee told both cases
        count = r.choices((4, 5, 6, 7, 8), (30, 30, 20, 12, 8))[0]
        events = []
        for position, step in enumerate(self.steps(storyline, count), start=1):
            event: dict = {"id": f"E{position}", "type": step["type"]}
            day += r.randint(1, 90) if position > 1 else 0
            if r.random() < 0.95:
                event["date"] = _edtf(r, day)
            for key in ("place", "from", "to"):
                if step.get(key):
                    event[key] = step[key]
            involved = victims
            if len(victims) > 1 and position > 2 and r.random() < 0.2:
                involved = victims[: r.randint(1, len(victims) - 1)]
            event["victims"] = list(involved)
            if step.get("perpetrator"):
                event["perpetrator"] = step["perpetrator"]
            if culprits and step["type"] in ("arrest", "interrogation"):
                event["perpetrator_persons"] = culprits
            if r.random() < 0.7:
                event["sources"] = [source_id]
            if r.random() < 0.05:
                event["note"] = "Reported by a fellow detainee; the date is an estimate."
            events.append(event)
            if step["type"] in ("inquiry", "petition") and relatives:
                event["note"] = "Asked by a relative at the local office; no answer was given."
        reported = _year(day) + r.randint(1, 6)
        reported = min(max(reported, 2015), 2024)
        first = events[1] if storyline == "repatriated" else events[0]
        where = self.ref.names.get(first.get("place", ""), "an unknown place")
        case: dict = {
            "id": self.id,
            "title": f"{_story_title(storyline, len(victims))} in {where}",
        }
        if r.random() < 0.5:
            case["title_ko"] = f"합성 사건 {self.id}"
        case["summary"] = (
            f"Synthetic case {self.id}: {len(victims)} victim(s), {len(events)} events, "
            f"first arrested in {where}."
        )
        case["reported"] = f"{reported}-{r.randint(1, 12):02d}"
        case["submitted_by"] = self.pick(self.ref.submitters)
        if r.random() < 0.9:
            case["family_notified"] = r.random() < 0.03
        case["official_response"] = r.choices(_codes("official-response"), (2, 2, 10, 86))[0]
        case["sources"] = sources
        if r.random() < 0.15:
            case["restricted"] = {"confidential_note": f"Interview notes of {self.id} offline."}
        case["persons"] = persons
        case["events"] = events
        return case, [self.source(source_id, case["reported"])]

    def source(self, ident: str, reported: str) -> dict:
        r = self.r
        kind = r.choices(("testimony", "document", "media-report"), (75, 15, 10))[0]
        source: dict = {"id": ident, "type": kind, "date": reported}
        source["reliability"] = r.choices(("high", "medium", "low"), (60, 30, 10))[0]
        if r.random() < 0.02:
            source["withdrawn"] = True
        elif r.random() < 0.3:
            source["withdrawn"] = False
        if kind == "testimony" and r.random() < 0.9:
            restricted = {"interviewee": f"Interviewee of {ident}"}
            if r.random() < 0.3:
                restricted["contact"] = f"Through the field office, file {ident}"
            if r.random() < 0.1:
                restricted["confidential_note"] = "Fears for relatives still in the country."
            source["restricted"] = restricted
        return source


def link_family(victims: list[dict], shape: str) -> None:
    """Make the victims one family: a couple and their children, a parent and children, siblings."""
    ids = [p["id"] for p in victims]

    def add(person: dict, key: str, other: str) -> None:
        person.setdefault(key, []).append(other)

    if shape == "siblings":
        for person in victims:
            person["siblings"] = [i for i in ids if i != person["id"]]
        return
    parents = victims[:2] if shape == "couple" else victims[:1]
    children = victims[len(parents) :]
    if shape == "couple":
        add(victims[0], "spouses", ids[1])
        add(victims[1], "spouses", ids[0])
    for child in children:
        for parent in parents:
            add(child, "parents", parent["id"])
            add(parent, "children", child["id"])
        if len(children) > 1:
            child["siblings"] = [c["id"] for c in children if c is not child]


def _year(day: int) -> int:
    from datetime import date

    return date.fromordinal(day).year


def _story_title(storyline: str, victims: int) -> str:
    who = "Person" if victims == 1 else "Family" if victims > 2 else "Two people"
    return {
        "repatriated": f"{who} repatriated after arrest",
        "caught-escaping": f"{who} caught escaping",
        "arrested-at-home": f"{who} arrested",
        "guilt-by-association": f"{who} punished for a relative, arrested",
    }[storyline]


# -- writing ---------------------------------------------------------------------------------------


def _scalar(value, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if (FLOW_PLAIN if flow else PLAIN).fullmatch(text) and text.lower() not in RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _mapping(mapping: dict, indent: str, out: list[str], lead: str | None = None) -> None:
    """Block YAML lines of one mapping; `lead` replaces the indent of its first line ("- ")."""
    for key, value in mapping.items():
        start = indent if lead is None else lead
        lead = None
        if isinstance(value, dict):
            out.append(f"{start}{key}:")
            _mapping(value, indent + "  ", out)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{start}{key}:")
            for item in value:
                _mapping(item, indent + "  ", out, indent + "- ")
        elif isinstance(value, list):
            out.append(f"{start}{key}: [{', '.join(_scalar(v, flow=True) for v in value)}]")
        else:
            out.append(f"{start}{key}: {_scalar(value)}")


def to_yaml(data: dict | list[dict]) -> str:
    """Write a record (a mapping) or a list of records as block YAML.

    A small writer for the shapes records have (mappings of scalars, lists of scalars, nested
    mappings and lists of mappings): PyYAML's representer, even with the C emitter, takes about
    1.5 ms a case, most of the time of generating 100,000 cases; this takes a tenth of that.
    """
    out: list[str] = []
    if isinstance(data, dict):
        _mapping(data, "", out)
    else:
        for item in data:
            _mapping(item, "  ", out, "- ")
    return "\n".join(out) + "\n"


def reference_digest(directory: Path) -> str:
    """A digest of the reference files, so that cached data follows changes to them."""
    digest = hashlib.sha256()
    for name in REFERENCE_FILES:
        digest.update(name.encode() + b"\0" + (directory / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def describe(cases: int, seed: int, directory: Path | None = None) -> dict:
    """What a generated directory is made from: compare it to reuse cached data."""
    directory = directory or reference_dir()
    return {
        "generator": GENERATOR_VERSION,
        "cases": cases,
        "seed": seed,
        "reference": reference_digest(directory),
    }


def _clear(out: Path) -> None:
    if not out.exists():
        return
    if not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file()):
        raise SystemExit(f"{out} exists and was not written by bench.generate; not touching it")
    (out / MARKER).unlink()
    for name in ("cases", "sources"):
        shutil.rmtree(out / name, ignore_errors=True)
    for name in ("sources.yaml", *REFERENCE_FILES):
        (out / name).unlink(missing_ok=True)


def generate(cases: int, out: Path | str, seed: int = DEFAULT_SEED) -> dict:
    """Write `cases` synthetic cases with their sources and reference data into `out`."""
    out = Path(out)
    _clear(out)
    reference = reference_dir()
    ref = load_reference(reference)
    (out / "cases").mkdir(parents=True)
    for name in REFERENCE_FILES:
        shutil.copyfile(reference / name, out / name)
    sources: list[dict] = []
    shard = 1

    def flush_sources() -> None:
        nonlocal shard, sources
        target = out / "sources.yaml"
        if shard > 1:
            target = out / "sources" / f"{shard:03d}" / "sources.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(to_yaml(sources), encoding="utf-8")
        if target.stat().st_size > MAX_FILE_BYTES:
            raise RuntimeError(f"{target} is larger than the {MAX_FILE_BYTES} bytes edkg reads")
        shard += 1
        sources = []

    for number in range(1, cases + 1):
        case, case_sources = _CaseMaker(number, seed, ref).make()
        (out / "cases" / f"{case['id']}.yaml").write_text(to_yaml(case), encoding="utf-8")
        sources.extend(case_sources)
        if len(sources) >= SOURCES_PER_FILE:
            flush_sources()
    if sources or shard == 1:
        flush_sources()
    meta = describe(cases, seed, reference)
    (out / MARKER).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--cases", type=int, required=True, help="number of cases to write")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    started = time.perf_counter()
    generate(args.cases, args.out, args.seed)
    elapsed = time.perf_counter() - started
    print(f"wrote {args.cases} cases to {args.out} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
