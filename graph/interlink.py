"""`edkg link`: propose links from our places and organisations to Wikidata, and accept them.

Proposing sends queries/link/candidates.rq to a SPARQL endpoint (Wikidata's by default, any
Wikidata-shaped one by setting) with the names of our records, in Korean and English, in the
spellings and cases worth asking for, and the Wikidata classes each kind of record may be. Every
candidate item gets a score between 0 and 1:

    score = 0.6 * name + 0.4 * place

- name: the best `names.similarity` between one of our names and one of the item's labels
  (1.0 same text once case, diacritics, spaces and hyphens are ignored; 0.95 same spelling key;
  0.9 same without generic place words; less for a fuzzy match);
- place: for a place with coordinates on both sides, exp(-d / R), d the great-circle distance
  in km and R the scale of its kind (country 300 km, province 60, municipality 15, crossing point
  and detention facility 5); otherwise, when both sides name a country (our `located_in` or
  `state` chain to a country linked to Wikidata; the item's wdt:P17), 1 if it is the same and 0
  if not; otherwise 0.5, no evidence either way.

A GeoNames candidate is proposed with the same scores when the item names a GeoNames ID
(wdt:P1566). The candidates go to a CSV file for a person to review: nothing enters the data
until that person writes `yes` in its `accept` column and runs `edkg link accept`, which appends
the accepted rows to links.yaml (method edkg-link, with their score and the date).

The endpoint is asked politely: a User-Agent naming edkg, its version and where to find it
(EDKG_LINK_USER_AGENT), at most one request every EDKG_LINK_MIN_INTERVAL seconds, a timeout
(EDKG_LINK_TIMEOUT), and on 429 or 503 a bounded number of retries with exponential backoff that
honours Retry-After. An endpoint that times out, refuses or answers something that is not SPARQL
JSON stops the run with a message naming it; no output file is written half-way.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import http.client
import io
import json
import logging
import math
import os
import re
import tempfile
import time
import urllib.error
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__, links, names, records
from .errors import EdkgError
from .resources import queries_dir

log = logging.getLogger(__name__)

WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"
DEFAULT_USER_AGENT = f"edkg/{__version__} (+https://w3id.org/edkg/; edkg link interlinking)"
KINDS = ("place", "organisation")
# The Wikidata classes (instance of, through subclass of) a candidate for each type may belong to.
CLASSES = {
    "country": ("Q6256", "Q3624078"),  # country, sovereign state
    "province": ("Q10864048",),  # first-level administrative country subdivision
    "municipality": ("Q13220204", "Q515", "Q486972"),  # second-level subdivision, city, settlement
    "crossing-point": ("Q12280", "Q486972"),  # bridge, human settlement
    "detention-facility": ("Q40357", "Q152081"),  # prison, concentration camp
    "organisation": ("Q43229", "Q327333"),  # organization, government agency
}
# The distance (km) at which a candidate's place evidence falls to 1/e, by type.
RADIUS_KM = {
    "country": 300.0,
    "province": 60.0,
    "municipality": 15.0,
    "crossing-point": 5.0,
    "detention-facility": 5.0,
}
NAME_WEIGHT, PLACE_WEIGHT = 0.6, 0.4
COLUMNS = (
    "accept",
    "kind",
    "id",
    "name",
    "relation",
    "target",
    "target_label",
    "score",
    "name_score",
    "place_score",
    "distance_km",
    "matched",
    "via",
    "endpoint",
    "proposed",
)
ACCEPTED = frozenset({"yes", "y", "x", "true", "1"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
_POINT = re.compile(
    r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+]?[\d.]+(?:[eE][-+]?\d+)?)\s+"
    r"([-+]?[\d.]+(?:[eE][-+]?\d+)?)\s*\)\s*$",
    re.IGNORECASE,
)
_QID = re.compile(r"^Q[1-9]\d*$")


class LinkError(EdkgError):
    """A SPARQL endpoint could not be used, or a candidates file cannot be accepted."""

    status = 502


# ----------------------------------------------------------------------------------------------
# The endpoint


@dataclass
class Endpoint:
    """A SPARQL endpoint asked through SPARQLWrapper, politely and with bounded waits."""

    url: str
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 30.0
    min_interval: float = 1.0
    retries: int = 4
    backoff: float = 2.0  # the first wait after a 429 or 503 without Retry-After, then doubled
    max_wait: float = 120.0  # the longest single wait; a longer Retry-After gives up
    sleep: Callable[[float], None] = time.sleep
    _last: float | None = field(default=None, repr=False)
    requests: int = 0

    def __post_init__(self) -> None:
        if not self.timeout > 0:
            raise LinkError(f"the timeout must be more than 0 s, not {self.timeout}")

    def _pace(self) -> None:
        if self._last is not None:
            wait = self.min_interval - (time.monotonic() - self._last)
            if wait > 0:
                self.sleep(wait)
        self._last = time.monotonic()

    def _once(self, query: str) -> tuple[int, dict[str, str], bytes]:
        """One request: (status, headers, body); HTTP errors are returned, not raised."""
        from SPARQLWrapper import JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client = SPARQLWrapper(self.url, agent=self.user_agent, returnFormat=JSON)
        client.setMethod(POST)
        client.setOnlyConneg(True)  # no format=/output= parameters: the Accept header says it
        # setTimeout() truncates to whole seconds, and 0 would mean no timeout at all
        client.timeout = self.timeout
        client.setQuery(query)
        self._pace()
        self.requests += 1
        try:
            result = client.query()
            response = result.response
            return response.status, dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), error.read()
        except SPARQLWrapperException as error:  # 400, 401, 404, 414, 500: the message holds it
            status = {
                "QueryBadFormed": 400,
                "Unauthorized": 401,
                "EndPointNotFound": 404,
                "URITooLong": 414,
                "EndPointInternalError": 500,
            }.get(type(error).__name__, 500)
            return status, {}, str(error).encode("utf-8", "replace")
        except TimeoutError as error:
            raise LinkError(
                f"{self.url} did not answer within {self.timeout:g} s (EDKG_LINK_TIMEOUT)"
            ) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise LinkError(
                    f"{self.url} did not answer within {self.timeout:g} s (EDKG_LINK_TIMEOUT)"
                ) from error
            raise LinkError(f"cannot reach {self.url}: {error.reason}") from error
        except (http.client.HTTPException, ConnectionError) as error:
            raise LinkError(f"{self.url} broke off the answer: {error!r}") from error

    def _retry_after(self, headers: dict[str, str]) -> float | None:
        value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
        if value is None:
            return None
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())

    def select(self, query: str) -> list[dict[str, dict]]:
        """Run a SELECT query; return its bindings as SPARQL JSON objects (variable -> term).

        Retries on 429, 502, 503 and 504 up to `retries` times, waiting Retry-After seconds or
        `backoff` doubled each time, never more than `max_wait` at once. Raises LinkError with a
        message that names the endpoint when it gives up.
        """
        for attempt in range(self.retries + 1):
            status, headers, body = self._once(query)
            if status == 200:
                return parse_results(body, headers, self.url)
            if status not in RETRY_STATUSES:
                text = body.decode("utf-8", "replace").strip().splitlines()
                detail = f": {text[0][:200]}" if text else ""
                raise LinkError(f"{self.url} answered HTTP {status}{detail}")
            asked = self._retry_after(headers)
            wait = asked if asked is not None else self.backoff * 2**attempt
            if attempt == self.retries:
                break
            if wait > self.max_wait:
                raise LinkError(
                    f"{self.url} answered HTTP {status} and asks to wait {wait:.0f} s, more than "
                    f"{self.max_wait:.0f} s; try again later"
                )
            log.warning("%s answered %d; retrying in %.1f s", self.url, status, wait)
            self.sleep(wait)
        raise LinkError(
            f"{self.url} answered HTTP {status} {self.retries + 1} times (rate limited or "
            "unavailable); try again later"
        )


def parse_results(body: bytes, headers: dict[str, str], url: str) -> list[dict[str, dict]]:
    """The bindings of a SPARQL JSON results document, checked; LinkError if it is not one."""
    kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    try:
        document = json.loads(body)
        bindings = document["results"]["bindings"]
        variables = document["head"]["vars"]
        if not isinstance(bindings, list) or not isinstance(variables, list):
            raise TypeError("bindings and vars must be lists")
        for row in bindings:
            for term in row.values():
                if not isinstance(term.get("type"), str) or not isinstance(term.get("value"), str):
                    raise TypeError("a term without a type and a value")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise LinkError(
            f"{url} answered something that is not SPARQL JSON results "
            f"({kind or 'no content type'}): {error}"
        ) from None
    return bindings


# ----------------------------------------------------------------------------------------------
# Our records


@dataclass
class Subject:
    """A place or organisation of our records, as edkg link sees it."""

    kind: str
    id: str
    type: str  # the place type, or "organisation"
    name: str
    names: list[str]
    lat: float | None = None
    long: float | None = None
    country: str | None = None  # the Wikidata IRI of its country, when known
    targets: set[str] = field(default_factory=set)  # what it is linked to already


def _linked(collection: records.Collection) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for kind in KINDS:
        for ident, record in collection.ids(kind).items():
            found[(kind, ident)] = {record.data[k] for k in links.HAND_KEYS if k in record.data}
    for record in collection.ids("link").values():
        subject = links.subject_of(record.data)
        if subject in found and isinstance(record.data.get("target"), str):
            found[subject].add(record.data["target"])
    return found


def _country(collection: records.Collection, place: str | None, linked) -> str | None:
    seen = set()
    while place and place not in seen:
        seen.add(place)
        record = collection.ids("place").get(place)
        if record is None:
            return None
        if record.data.get("type") == "country":
            wikidata = [t for t in linked.get(("place", place), ()) if t.startswith(WIKIDATA)]
            return wikidata[0] if len(wikidata) == 1 else None
        place = record.data.get("located_in")
    return None


def subjects(collection: records.Collection, kind: str) -> list[Subject]:
    """Our places or organisations, with their names, coordinates, country and current links."""
    linked = _linked(collection)
    found = []
    for ident, record in collection.ids(kind).items():
        data = record.data
        texts = [data.get("name"), data.get("name_ko"), *(data.get("other_names") or [])]
        texts = [t for t in texts if isinstance(t, str) and t.strip()]
        if not texts:
            continue
        subject = Subject(
            kind=kind,
            id=ident,
            type=data.get("type", "municipality") if kind == "place" else "organisation",
            name=texts[0],
            names=list(dict.fromkeys(texts)),
            targets=linked.get((kind, ident), set()),
        )
        if kind == "place":
            lat, long = data.get("lat"), data.get("long")
            if isinstance(lat, int | float) and isinstance(long, int | float):
                subject.lat, subject.long = float(lat), float(long)
            subject.country = _country(collection, ident, linked)
        else:
            subject.country = _country(collection, data.get("state"), linked)
        found.append(subject)
    return found


_NOTE = re.compile(r"\s*\([^)]*\)\s*")


def variants(subject: Subject) -> list[tuple[str, str]]:
    """The (text, language) labels worth asking the endpoint for, at most 24.

    Notes in brackets are dropped ("Ryanggang-do (MR)"); Latin names are asked as written, with
    each word capitalised and in lower case, in English and in Wikidata's multilingual "mul";
    a place's English name also without its generic word ("North Hamgyong Province").
    """
    found: dict[tuple[str, str], None] = {}
    for text in subject.names:
        text = _NOTE.sub(" ", text).strip()
        language = names.script_language(text)
        if not text or language is None:
            continue
        forms = [text]
        if language == "en":
            forms += [" ".join(w[:1].upper() + w[1:] for w in text.split()), text.lower()]
            if subject.kind == "place":
                bare = re.sub(
                    r"\s+(Province|County|City|District|Prefecture)$", "", text, flags=re.I
                )
                forms.append(bare)
        for form in forms:
            found[(form, language)] = None
            if language == "en":
                found[(form, "mul")] = None
    return list(found)[:24]


# ----------------------------------------------------------------------------------------------
# Proposing


def _literal(text: str, language: str) -> str:
    return str(ox.Literal(text, language=language))


def candidate_query(batch: list[Subject]) -> str:
    """queries/link/candidates.rq with its VALUES blocks filled for these subjects."""
    template = (queries_dir() / "link" / "candidates.rq").read_text(encoding="utf-8")
    name_rows = []
    class_rows = []
    for subject in batch:
        key = str(ox.Literal(subject.id))
        name_rows += [f"({key} {_literal(t, lang)})" for t, lang in variants(subject)]
        class_rows += [f"({key} <{WIKIDATA}{q}>)" for q in CLASSES[subject.type]]
    filled, count = re.subn(
        r"VALUES \(\?key \?name\) \{[^}]*\}",
        lambda _: "VALUES (?key ?name) {\n    " + "\n    ".join(name_rows) + "\n  }",
        template,
    )
    filled, count2 = re.subn(
        r"VALUES \(\?key \?class\) \{[^}]*\}",
        lambda _: "VALUES (?key ?class) {\n    " + "\n    ".join(class_rows) + "\n  }",
        filled,
    )
    if count != 1 or count2 != 1:
        raise LinkError("queries/link/candidates.rq has lost its VALUES blocks")
    return filled


def distance_km(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """The great-circle distance between two points, in km (haversine, R = 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def point(value: str) -> tuple[float, float] | None:
    """(lat, long) of a WKT ``Point(long lat)``, or None."""
    match = _POINT.match(value)
    if not match:
        return None
    long, lat = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= long <= 180):
        return None
    return lat, long


@dataclass
class Item:
    """What the endpoint says about one candidate item for one subject."""

    iri: str
    matched: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    points: set[tuple[float, float]] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    geonames: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Scores:
    """A candidate's score and its parts."""

    score: float
    name: float
    place: float
    distance_km: float | None
    matched: str


def score(subject: Subject, item: Item) -> Scores:
    """Name and place evidence combined (see the module docstring)."""
    best, matched = 0.0, ""
    ours_all = dict.fromkeys(subject.names + [_NOTE.sub(" ", n).strip() for n in subject.names])
    for ours in ours_all:
        for theirs in sorted(item.labels | item.matched):
            value, _ = names.similarity(ours, theirs, place=subject.kind == "place")
            if value > best:
                best, matched = value, theirs
    distance = None
    if subject.lat is not None and item.points:
        distance = min(distance_km(subject.lat, subject.long, *p) for p in item.points)
        place = math.exp(-distance / RADIUS_KM[subject.type])
    elif subject.country and item.countries:
        place = 1.0 if subject.country in item.countries else 0.0
    else:
        place = 0.5
    total = NAME_WEIGHT * best + PLACE_WEIGHT * place
    return Scores(round(total, 3), round(best, 3), round(place, 3), distance, matched)


def _items(bindings: list[dict[str, dict]], url: str) -> dict[str, dict[str, Item]]:
    """Candidate items by subject id, from the query's bindings."""
    found: dict[str, dict[str, Item]] = {}
    for row in bindings:
        try:
            key, iri = row["key"]["value"], row["item"]["value"]
        except KeyError:
            raise LinkError(f"{url} answered rows without ?key or ?item") from None
        if row["item"].get("type") != "uri" or not iri.startswith(WIKIDATA):
            continue
        item = found.setdefault(key, {}).setdefault(iri, Item(iri))
        if "name" in row:
            item.matched.add(row["name"]["value"])
        for variable in ("label_en", "label_ko"):
            if variable in row:
                item.labels.add(row[variable]["value"])
        if "coordinates" in row and (where := point(row["coordinates"]["value"])):
            item.points.add(where)
        if "country" in row and row["country"].get("type") == "uri":
            item.countries.add(row["country"]["value"])
        if "geonames" in row and row["geonames"]["value"].isdigit():
            item.geonames.add(row["geonames"]["value"])
    return found


def _label(item: Item) -> str:
    return " / ".join(sorted(item.labels)) or sorted(item.matched)[0]


def propose(
    collection: records.Collection,
    endpoint: Endpoint,
    kinds: Iterable[str] = KINDS,
    only: Iterable[str] = (),
    include_linked: bool = False,
    per_subject: int = 3,
    batch_size: int = 8,
    today: dt.date | None = None,
) -> list[dict[str, str]]:
    """Ask the endpoint for candidates for our records; return the rows of a candidates file.

    A record already linked to Wikidata is left out unless include_linked; at most per_subject
    Wikidata candidates (and their GeoNames IDs) are kept for each record, best first.
    """
    today = today or dt.date.today()
    wanted = set(only)
    chosen = []
    for kind in kinds:
        for subject in subjects(collection, kind):
            if wanted and subject.id not in wanted:
                continue
            if not include_linked and any(t.startswith(WIKIDATA) for t in subject.targets):
                continue
            chosen.append(subject)
    rows = []
    for start in range(0, len(chosen), batch_size):
        batch = chosen[start : start + batch_size]
        found = _items(endpoint.select(candidate_query(batch)), endpoint.url)
        for subject in batch:
            scored = sorted(
                ((score(subject, item), item) for item in found.get(subject.id, {}).values()),
                key=lambda pair: (-pair[0].score, pair[1].iri),
            )
            for scores, item in scored[:per_subject]:
                rows.append(_row(subject, item.iri, _label(item), scores, "", endpoint, today))
                for number in sorted(item.geonames):
                    target = f"{GEONAMES}{number}/"
                    via = f"wdt:P1566 of {item.iri.removeprefix(WIKIDATA)}"
                    rows.append(_row(subject, target, _label(item), scores, via, endpoint, today))
    log.info("%d candidates for %d records from %s", len(rows), len(chosen), endpoint.url)
    known = {(s.kind, s.id): s.targets for s in chosen}
    return [r for r in rows if r["target"] not in known[(r["kind"], r["id"])]]


def _row(subject, target, label, scores: Scores, via, endpoint: Endpoint, today) -> dict:
    return {
        "accept": "",
        "kind": subject.kind,
        "id": subject.id,
        "name": subject.name,
        "relation": "exactMatch",
        "target": target,
        "target_label": label,
        "score": f"{scores.score:.3f}",
        "name_score": f"{scores.name:.3f}",
        "place_score": f"{scores.place:.3f}",
        "distance_km": "" if scores.distance_km is None else f"{scores.distance_km:.1f}",
        "matched": scores.matched,
        "via": via,
        "endpoint": endpoint.url,
        "proposed": today.isoformat(),
    }


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file in the same folder, then a rename."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# Columns whose text comes from the endpoint or the records, not from edkg itself.
TEXT_COLUMNS = ("name", "target_label", "matched")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """A label made safe for a spreadsheet: at most 200 characters, never read as a formula."""
    text = text[:200]
    return "'" + text if text.startswith(_FORMULA) else text


def candidates_csv(rows: list[dict[str, str]]) -> bytes:
    """The candidates as CSV (UTF-8, a header row; `accept` first, for the reviewer).

    Labels come from a remote endpoint: one that starts like a formula (=, +, -, @) gets a
    leading apostrophe, so that a spreadsheet shows it instead of running it.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, **{c: _cell(row.get(c, "")) for c in TEXT_COLUMNS}})
    return buffer.getvalue().encode("utf-8")


# ----------------------------------------------------------------------------------------------
# Accepting


@dataclass
class Accepted:
    """What `accept` did: the link ids it added, and the rows it skipped, with why."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_candidates(path: Path) -> list[dict[str, str]]:
    """The rows of a candidates file; LinkError if it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LinkError(f"cannot read {path}: {error}") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        c
        for c in ("accept", "kind", "id", "relation", "target", "score")
        if c not in (reader.fieldnames or ())
    ]
    if missing:
        raise LinkError(f"{path} is not a candidates file: no column {', '.join(missing)}")
    return list(reader)


def _link_id(subject: str, target: str, taken: set[str]) -> str:
    dataset = (
        "wikidata" if target.startswith(WIKIDATA) else "geonames" if target.startswith(GEONAMES)
        else "link"
    )  # fmt: skip
    base = f"{subject}-{dataset}"[:60]
    ident, number = base, 2
    while ident in taken:
        ident, number = f"{base}-{number}", number + 1
    taken.add(ident)
    return ident


def _entry(ident: str, row: dict[str, str], score: float, today: dt.date, checker) -> str:
    lines = [
        f"- id: {ident}",
        f"  {row['kind']}: {row['id']}",
        f"  target: {row['target']}",
        f"  relation: {row['relation']}",
        "  method: edkg-link",
        f"  score: {score:g}",
        f"  created: {today.isoformat()}",
    ]
    if checker:
        lines.append(f"  checked_by: {checker}")
    return "\n".join(lines) + "\n"


def accept(
    candidates: Path,
    data_dir: Path,
    checked_by: str | None = None,
    today: dt.date | None = None,
) -> Accepted:
    """Append the accepted rows of a candidates file to data_dir/links.yaml.

    Every accepted row is checked (known subject, http(s) target, relation, score) and the new
    links.yaml is read back with the places and organisations beside it before it replaces the
    old one: if anything is wrong, LinkError lists it and links.yaml is left as it was.
    """
    today = today or dt.date.today()
    data_dir = Path(data_dir)
    target_file = data_dir / "links.yaml"
    rows = read_candidates(candidates)
    collection = records.read([data_dir])
    linked = _linked(collection)
    taken = set(collection.ids("link"))
    result = Accepted()
    entries = []
    problems = []
    exact: dict[tuple[str, str, str], str] = {}
    for number, row in enumerate(rows, start=2):
        if (row.get("accept") or "").strip().lower() not in ACCEPTED:
            continue
        where = f"{candidates}:{number}"
        kind, ident, target = row.get("kind"), row.get("id"), (row.get("target") or "").strip()
        if kind not in KINDS or ident not in collection.ids(kind):
            problems.append(f"{where}: no {kind} with id {ident!r} in {data_dir}")
            continue
        if not links.IRI.match(target):
            problems.append(f"{where}: {target!r} is not an http(s) IRI")
            continue
        if row.get("relation") not in links.RELATIONS:
            problems.append(f"{where}: relation must be exactMatch or closeMatch")
            continue
        try:
            value = float(row.get("score", ""))
        except ValueError:
            value = -1.0
        if not 0 <= value <= 1:
            problems.append(f"{where}: score {row.get('score')!r} is not a number from 0 to 1")
            continue
        if target in linked.get((kind, ident), set()):
            result.skipped.append(f"{where}: {kind} {ident} is already linked to {target}")
            continue
        if target.startswith(WIKIDATA) and not _QID.match(target.removeprefix(WIKIDATA)):
            problems.append(f"{where}: {target} is not a Wikidata item IRI")
            continue
        dataset = target.split("/")[2]
        if row["relation"] == "exactMatch":
            other = exact.get((kind, ident, dataset))
            if other and other != target:
                problems.append(
                    f"{where}: {kind} {ident} would exactly match both {other} and {target}; "
                    "accept one, or make the other a closeMatch"
                )
                continue
            exact[(kind, ident, dataset)] = target
        linked.setdefault((kind, ident), set()).add(target)
        link_id = _link_id(ident, target, taken)
        entries.append(_entry(link_id, row, value, today, checked_by))
        result.added.append(link_id)
    if problems:
        raise LinkError("nothing was accepted:\n" + "\n".join(problems))
    if not entries:
        return result
    old = target_file.read_text(encoding="utf-8") if target_file.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    new = old + "".join(entries)
    _check(data_dir, new)
    write_atomically(target_file, new.encode("utf-8"))
    return result


def _check(data_dir: Path, links_text: str) -> None:
    """Read the places, organisations and the new links.yaml together; LinkError on a problem."""
    with tempfile.TemporaryDirectory(prefix="edkg-links-") as folder:
        for name in ("places.yaml", "organisations.yaml"):
            source = data_dir / name
            if source.exists():
                (Path(folder) / name).write_bytes(source.read_bytes())
        (Path(folder) / "links.yaml").write_text(links_text, encoding="utf-8")
        collection = records.read([Path(folder)])
        _, problems = records.convert(collection)
        if problems:
            listed = "\n".join(str(p).replace(folder, str(data_dir)) for p in problems)
            raise LinkError(f"the new links.yaml would not build; nothing was accepted:\n{listed}")
