"""Case records: read YAML files, check them against the context and vocabularies, make JSON-LD.

A record becomes two JSON-LD node lists: what may be published, and what is restricted (the
`restricted:` blocks and the details of persons whose consent is withheld). The JSON-LD context does
the mapping to RDF; this module adds only what a static context cannot: identifiers, classes, the
order of events, and the bounds and precision of EDTF dates.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import dates, links
from .context import COMPUTED_KEYS, COMPUTED_SUFFIXES, RESTRICTED_ONLY_KEYS, Context, load_context
from .errors import RecordProblem
from .resources import sample_data_dir
from .vocabularies import scheme_codes
from .yamlfile import LineDict, YamlProblem, load_all

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
CASE_GRAPH = "graph/case/"
"""Each case's graph is this and its identifier; places, organisations and sources share one."""
SOURCE_GRAPH = "graph/sources"

# Record kinds kept in list files, by file name; every other YAML file holds one case.
LIST_FILES = {
    "sources.yaml": "source",
    "places.yaml": "place",
    "organisations.yaml": "organisation",
    "links.yaml": "link",
}
# The `type` codes each kind accepts (events take theirs from the context's events scope).
TYPE_CODES = {
    "source": ("testimony", "document", "media-report"),
    "place": ("country", "province", "municipality", "crossing-point", "detention-facility"),
}
# Classes every record of a kind has, besides the one its `type` names.
KIND_CLASSES = {
    "case": "Case",
    "person": "Person",
    "organisation": "Organisation",
    "place": "Place",
    "source": "Source",
    "event": "Event",
}


@dataclass
class Record:
    """One top-level record (a case, source, place or organisation) and where it came from."""

    kind: str
    id: str
    data: LineDict
    file: str


@dataclass
class Collection:
    """All records read from a set of paths, indexed by kind and id, with the problems found."""

    records: list[Record] = field(default_factory=list)
    index: dict[str, dict[str, Record]] = field(default_factory=dict)
    problems: list[RecordProblem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def ids(self, kind: str) -> dict[str, Record]:
        return self.index.setdefault(kind, {})


@dataclass
class Converted:
    """The JSON-LD nodes of one record, split into public and restricted, with its graph name.

    `locations` maps each node's relative IRI (``person/P001``) to its place in the file: the
    path of keys (``persons[0]``) and the mapping read from YAML (which knows its lines).
    """

    graph: str
    public: list[dict]
    restricted: list[dict]
    record: Record | None = None
    locations: dict[str, tuple[str, LineDict]] = field(default_factory=dict)


def record_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into the YAML files below them, sorted, without duplicates."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*.yaml")):
                found[child.resolve()] = None
        else:
            found[path.resolve()] = None
    return list(found)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read(paths: Iterable[Path] | None = None) -> Collection:
    """Read record files (default: the bundled sample) into a Collection, noting every problem.

    Places and organisations are shared reference data: when the paths hold none, the bundled ones
    are used, and with them the bundled links (links.yaml) that point at them.
    """
    paths = [sample_data_dir()] if not paths else list(paths)
    collection = Collection()
    files = []
    for path in paths:
        if not path.exists():
            collection.problems.append(RecordProblem(str(path), "no such file or directory"))
    files = record_files(p for p in paths if p.exists())
    names = {f.name for f in files}
    for name in ("places.yaml", "organisations.yaml"):
        if name not in names:
            files.append(sample_data_dir() / name)
    bundled = (sample_data_dir() / "links.yaml").resolve()
    if names.isdisjoint({"places.yaml", "organisations.yaml", "links.yaml"}) and bundled.exists():
        files.append(bundled)
    collection.files = files
    for path, content in load_all(files):
        _take_file(path, content, collection)
    return collection


def _take_file(path: Path, content: object, collection: Collection) -> None:
    """Add the records of one file, read as `content` (or the problem reading it raised)."""
    shown = _display(path)
    if isinstance(content, YamlProblem):
        collection.problems.append(RecordProblem(shown, content.message, line=content.line))
        return
    if isinstance(content, OSError):
        collection.problems.append(RecordProblem(shown, f"cannot read file: {content.strerror}"))
        return
    kind = LIST_FILES.get(path.name, "case")
    if kind == "case":
        if not isinstance(content, LineDict):
            collection.problems.append(RecordProblem(shown, "a case file must hold one mapping"))
            return
        items = [content]
    else:
        if not isinstance(content, list) or not all(isinstance(i, LineDict) for i in content):
            message = f"{path.name} must hold a list of {kind} records (mappings)"
            collection.problems.append(RecordProblem(shown, message))
            return
        items = content
    for item in items:
        ident = item.get("id")
        if not isinstance(ident, str) or not ID_PATTERN.match(ident):
            collection.problems.append(
                RecordProblem(
                    shown,
                    f"missing or malformed id {ident!r} (letters, digits, _ and -, at most 64)",
                    field="id",
                    line=item.line_of("id"),
                )
            )
            continue
        known = collection.ids(kind)
        if ident in known:
            collection.problems.append(
                RecordProblem(
                    shown,
                    f"duplicate {kind} id: {ident} is already defined in {known[ident].file}",
                    record=ident,
                    field="id",
                    line=item.line_of("id"),
                )
            )
            continue
        record = Record(kind, ident, item, shown)
        known[ident] = record
        collection.records.append(record)
        if kind == "case":
            _index_persons(record, collection)


def _index_persons(case: Record, collection: Collection) -> None:
    persons = case.data.get("persons")
    if not isinstance(persons, list):
        return
    known = collection.ids("person")
    for person in persons:
        if not isinstance(person, LineDict):
            continue
        ident = person.get("id")
        if not isinstance(ident, str) or not ID_PATTERN.match(ident):
            continue  # reported when the case is checked
        if ident in known:
            collection.problems.append(
                RecordProblem(
                    case.file,
                    f"duplicate person id: {ident} is already defined in {known[ident].file}",
                    record=case.id,
                    field=f"persons[{ident}].id",
                    line=person.line_of("id"),
                )
            )
        else:
            known[ident] = case


class _Checker:
    """Checks and converts one top-level record; collects problems instead of stopping."""

    def __init__(self, record: Record, collection: Collection, context: Context):
        self.record = record
        self.collection = collection
        self.context = context
        self.codes = scheme_codes()
        self.problems: list[RecordProblem] = []
        self.case_persons: set[str] = set()
        self.locations: dict[str, tuple[str, LineDict]] = {}

    def problem(self, data: LineDict, key: str | None, path: str, message: str) -> None:
        line = data.line_of(key) if key else data.line
        self.problems.append(
            RecordProblem(self.record.file, message, self.record.id, path or None, line)
        )

    # -- values -----------------------------------------------------------------------------

    def _date(self, data: LineDict, key: str, value, path: str, out: dict) -> None:
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(data, key, path, f"expected an EDTF date such as 2013-04, got {value!r}")
            return
        try:
            meaning = dates.interpret(value)
        except dates.DateError:
            self.problem(
                data,
                key,
                path,
                f"{value!r} is not a valid EDTF date (examples: 2013-04-17, 2013-04, 2013-21 "
                "for spring, 2009~ for about 2009, 2011-12/2012-03)",
            )
            return
        out[key] = value
        terms = self.context.terms
        for suffix, bound in (("_earliest", meaning.earliest), ("_latest", meaning.latest)):
            if f"{key}{suffix}" in terms and bound is not None:
                out[f"{key}{suffix}"] = bound
        if f"{key}_precision" in terms:
            out[f"{key}_precision"] = meaning.precision

    def _value(self, data: LineDict, key: str, value, path: str, out: dict) -> None:
        term = self.context.terms[key]
        if term.kind == "date":
            self._date(data, key, value, path, out)
            return
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list) and not term.many:
            self.problem(data, key, path, "takes one value, not a list")
            return
        checked = []
        for item in values:
            result = self._scalar(data, key, term, item, path)
            if result is not None:
                checked.append(result)
        if len(checked) == len(values):
            out[key] = checked if term.many else checked[0]

    def _scalar(self, data: LineDict, key: str, term, item, path: str):
        kind = term.kind
        if kind == "text":
            if isinstance(item, str) and item.strip():
                return item
            self.problem(data, key, path, f"expected text, got {item!r}")
        elif kind == "boolean":
            if isinstance(item, bool):
                return item
            self.problem(data, key, path, f"expected true or false, got {item!r}")
        elif kind == "decimal":
            if isinstance(item, int | float) and not isinstance(item, bool):
                limit = {"lat": 90, "long": 180}.get(key)
                if limit is not None and not -limit <= item <= limit:
                    self.problem(data, key, path, f"{item} is outside -{limit}..{limit}")
                    return None
                return repr(float(item)) if isinstance(item, float) else str(item)
            self.problem(data, key, path, f"expected a number, got {item!r}")
        elif kind == "iri":
            if isinstance(item, str) and re.match(r"^https?://[^\s<>\"{}|\\^`]+$", item):
                return item
            self.problem(data, key, path, f"expected an http(s) IRI, got {item!r}")
        elif kind == "vocab":
            allowed = self.codes.get(term.target, frozenset())
            if isinstance(item, str) and item in allowed:
                return item
            hint = difflib.get_close_matches(str(item), sorted(allowed), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            self.problem(
                data,
                key,
                path,
                f"{item!r} is not a term of the {term.target} vocabulary{suggestion}; "
                f"allowed: {', '.join(sorted(allowed))}",
            )
        elif kind == "ref":
            return self._reference(data, key, term.target, item, path)
        else:
            self.problem(data, key, path, "is computed by the build and cannot be set")
        return None

    def _reference(self, data: LineDict, key: str, kind: str, item, path: str):
        if not isinstance(item, str):
            self.problem(data, key, path, f"expected a {kind} id, got {item!r}")
            return None
        if kind == "person":
            if item in self.case_persons:
                return item
            self.problem(data, key, path, f"no person {item!r} in this case")
            return None
        if item in self.collection.ids(kind):
            return item
        self.problem(data, key, path, f"no {kind} with id {item!r}")
        return None

    # -- nodes ------------------------------------------------------------------------------

    def node(self, data: LineDict, kind: str, iri: str, path: str) -> tuple[dict, dict]:
        """Check one node's fields; return its public and restricted JSON-LD nodes."""
        self.locations[iri] = (path, data)
        public: dict = {"id": iri, "identifier": data.get("id")}
        restricted: dict = {}
        types = [KIND_CLASSES[kind]]
        for key, value in data.items():
            here = f"{path}.{key}" if path else key
            if key == "id":
                continue
            if key == "type":
                types += self._type(data, kind, value, here)
                continue
            if key == "restricted":
                restricted.update(self._restricted(data, value, here))
                continue
            if key in ("persons", "events"):
                continue  # nested nodes are converted by the caller
            if not self._known_key(data, key, here, kind):
                continue
            if key in RESTRICTED_ONLY_KEYS:
                self.problem(data, key, here, "must be placed under restricted:")
                continue
            self._value(data, key, value, here, public)
        if (kind in TYPE_CODES or kind == "event") and "type" not in data:
            self.problem(data, None, path or "type", f"a {kind} needs a type")
        public["type"] = types
        if restricted:
            restricted["id"] = iri
        return public, restricted

    def _known_key(self, data: LineDict, key: str, path: str, kind: str) -> bool:
        terms = self.context.terms
        computed = key in COMPUTED_KEYS or key.endswith(COMPUTED_SUFFIXES)
        if key in terms and not computed and terms[key].kind != "nested":
            return True
        if computed and key in terms:
            self.problem(data, key, path, "is computed by the build and cannot be set")
            return False
        choices = [k for k in terms if k not in COMPUTED_KEYS]
        hint = difflib.get_close_matches(key, choices, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        self.problem(data, key, path, f"unknown key {key!r} in a {kind} record{suggestion}")
        return False

    def _type(self, data: LineDict, kind: str, value, path: str) -> list[str]:
        allowed = self.context.event_types if kind == "event" else TYPE_CODES.get(kind, ())
        if not allowed:
            self.problem(data, "type", path, f"a {kind} record has no type key")
        elif value in allowed:
            return [value]
        else:
            self.problem(
                data,
                "type",
                path,
                f"{value!r} is not one of the {kind} types: {', '.join(allowed)}",
            )
        return []

    def _restricted(self, data: LineDict, value, path: str) -> dict:
        if not isinstance(value, LineDict):
            self.problem(data, "restricted", path, "must be a mapping of fields")
            return {}
        out: dict = {}
        for key, item in value.items():
            here = f"{path}.{key}"
            if key in ("id", "type", "restricted", "persons", "events", "roles"):
                self.problem(value, key, here, "cannot be restricted")
                continue
            if self._known_key(value, key, here, "restricted"):
                self._value(value, key, item, here, out)
        return out

    # -- records ----------------------------------------------------------------------------

    def convert(self) -> Converted:
        record = self.record
        kind = record.kind
        if kind == "case":
            converted = self._case()
        elif kind == "link":
            nodes = links.convert(record.data, record.id, self.collection, self.problem)
            for node in nodes:
                self.locations.update((link["id"], ("", record.data)) for link in node["links"])
            converted = Converted(links.GRAPH, nodes, [])
        else:
            graph = {"source": SOURCE_GRAPH, "place": "graph/places"}.get(
                kind, "graph/organisations"
            )
            public, restricted = self.node(record.data, kind, f"{kind}/{record.id}", "")
            converted = Converted(graph, [public], [restricted] if restricted else [])
        converted.record = record
        converted.locations = self.locations
        return converted

    def _case(self) -> Converted:
        data = self.record.data
        case_id = self.record.id
        persons = self._list(data, "persons")
        events = self._list(data, "events")
        for person in persons:
            if isinstance(person.get("id"), str):
                self.case_persons.add(person["id"])
        restricted_nodes: list[dict] = []
        case_public, case_restricted = self.node(data, "case", f"case/{case_id}", "")
        if case_restricted:
            restricted_nodes.append(case_restricted)
        # Persons and events nest inside the case, so that the events' scoped context applies.
        case_public["persons"] = []
        case_public["events"] = []
        for position, person in enumerate(persons):
            ident = person.get("id")
            path = f"persons[{position}]"
            if not isinstance(ident, str) or not ID_PATTERN.match(ident):
                self.problem(person, "id", f"{path}.id", f"missing or malformed id {ident!r}")
                continue
            pub, res = self.node(person, "person", f"person/{ident}", path)
            pub, res = self._apply_consent(pub, res)
            case_public["persons"].append(pub)
            if res:
                restricted_nodes.append(res)
        seen_events: set[str] = set()
        for position, event in enumerate(events):
            ident = event.get("id")
            path = f"events[{position}]"
            if not isinstance(ident, str) or not ID_PATTERN.match(ident):
                self.problem(event, "id", f"{path}.id", f"missing or malformed id {ident!r}")
                continue
            if ident in seen_events:
                self.problem(event, "id", f"{path}.id", f"duplicate event id {ident!r} in case")
                continue
            seen_events.add(ident)
            pub, res = self.node(event, "event", f"event/{case_id}-{ident}", path)
            pub["sequence"] = position + 1
            case_public["events"].append(pub)
            if res:
                restricted_nodes.append(res)
        return Converted(f"{CASE_GRAPH}{case_id}", [case_public], restricted_nodes)

    def _list(self, data: LineDict, key: str) -> list[LineDict]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, LineDict) for v in value):
            self.problem(data, key, key, "must be a list of mappings")
            return []
        return value

    @staticmethod
    def _apply_consent(public: dict, restricted: dict) -> tuple[dict, dict]:
        """A person whose consent is withheld is published as an identifier with roles only."""
        if public.get("consent") != "withheld":
            return public, restricted
        kept = {"id", "identifier", "type", "roles", "consent"}
        moved = {k: v for k, v in public.items() if k not in kept}
        restricted = {**restricted, **moved, "id": public["id"]}
        return {k: v for k, v in public.items() if k in kept}, restricted


def convert(collection: Collection) -> tuple[list[Converted], list[RecordProblem]]:
    """Check and convert every record; return the conversions and every problem found."""
    context = load_context()
    converted = []
    problems = list(collection.problems)
    for record in collection.records:
        checker = _Checker(record, collection, context)
        result = checker.convert()
        if checker.problems:
            problems.extend(checker.problems)
        else:
            converted.append(result)
    return converted, problems


def jsonld_document(nodes: list[dict], base_iri: str) -> dict:
    """Wrap nodes in a JSON-LD document with the inline context and the instance base IRI."""
    return {"@context": [load_context().inline, {"@base": base_iri + "id/"}], "@graph": nodes}


def iter_graphs(converted: list[Converted]) -> Iterator[tuple[str, list[dict]]]:
    """Yield (graph path, nodes) for every non-empty part of every record.

    Restricted parts go to ``<graph>/restricted``; `edkg.publish` keeps those graphs out of the
    public dataset.
    """
    for item in converted:
        yield item.graph, item.public
        if item.restricted:
            yield item.graph + "/restricted", item.restricted
