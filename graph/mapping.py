"""Mapping files for `edkg import`: which Uwazi template becomes which record, column by column.

A mapping is YAML (see ``docs/mappings/footprints-example.yaml``), read once and checked against the
JSON-LD context and the vocabularies before any row is read, so that a mistake in the mapping is
reported as such, with its line, and not once per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .context import COMPUTED_KEYS, COMPUTED_SUFFIXES, RESTRICTED_ONLY_KEYS, load_context
from .errors import EdkgError
from .vocabularies import scheme_codes
from .yamlfile import LineDict, YamlProblem
from .yamlfile import load as load_yaml

KINDS = ("case", "person", "place")
# Value types of a column: how its text becomes a record value.
TYPES = (
    "text",
    "date",
    "daterange",
    "edtf",
    "number",
    "latitude",
    "longitude",
    "link",
    "reference",
)
# Date format tokens as Uwazi's settings write them (moment.js), and their strptime equivalents.
DATE_TOKENS = {"YYYY": "%Y", "MM": "%m", "DD": "%d", "M": "%m", "D": "%d"}
DATE_FORMAT = re.compile(r"^(?:YYYY|MM|DD|M|D|[ ./-])+$")
TOP_KEYS = {
    "template_column",
    "title_column",
    "date_formats",
    "templates",
    "ignore_templates",
    "thesauri",
}
TEMPLATE_KEYS = {"kind", "id", "case", "duplicates", "fields", "restricted", "events"}
COLUMN_KEYS = {"column", "value", "type", "thesaurus", "values", "many", "template", "match"}
EVENT_KEYS = {"id", "type", "fields"}


class MappingError(EdkgError):
    """The mapping file cannot be used; `problems` says where and why."""

    def __init__(self, path: Path, problems: list[str]):
        self.problems = problems
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the mapping {path}")


@dataclass(frozen=True)
class Column:
    """How one record key is filled: from a column (typed, maybe through a value map) or a constant.

    `values` maps a label as Uwazi writes it (``Escape::Repatriated``) to a record value; a label
    mapped to null gives no value. `many` splits the cell on ``|`` (multiselects, relationships).
    `template` and `match` resolve a relationship column to the ids of rows of that template.
    """

    key: str
    column: str | None = None
    constant: object = None
    type: str = "text"
    values: dict | None = None
    thesaurus: str | None = None
    many: bool = False
    template: str | None = None
    match: str = "title"


@dataclass(frozen=True)
class EventSpec:
    """An event made from columns of a row; made only when one of its columns has a value."""

    id: str
    type: str
    fields: tuple[Column, ...]


@dataclass(frozen=True)
class Template:
    """What the rows of one Uwazi template become."""

    name: str
    kind: str
    id: Column
    fields: tuple[Column, ...]
    restricted: tuple[Column, ...] = ()
    events: tuple[EventSpec, ...] = ()
    case: Column | None = None
    duplicates: tuple[str, ...] = ()

    def columns(self) -> set[str]:
        """Every column this template reads."""
        specs = [self.id, *self.fields, *self.restricted]
        specs += [c for e in self.events for c in e.fields]
        if self.case:
            specs.append(self.case)
        return {c.column for c in specs if c.column} | set(self.duplicates)

    def column_of(self, key: str) -> str | None:
        """The column a record key comes from (``restricted.legal_name`` for restricted keys)."""
        for spec in self.fields:
            if spec.key == key:
                return spec.column
        for spec in self.restricted:
            if f"restricted.{spec.key}" == key:
                return spec.column
        return None


@dataclass
class Mapping:
    """A checked mapping file."""

    path: Path
    templates: dict[str, Template]
    template_column: str = "Template"
    title_column: str = "Title"
    date_formats: tuple[str, ...] = ("YYYY-MM-DD",)
    ignore_templates: tuple[str, ...] = ()
    thesauri: dict[str, dict] = field(default_factory=dict)

    def case_template(self) -> str | None:
        names = [t.name for t in self.templates.values() if t.kind == "case"]
        return names[0] if len(names) == 1 else None


def strptime_format(uwazi: str) -> str:
    """``DD/MM/YYYY`` -> ``%d/%m/%Y``."""
    return re.sub(r"YYYY|MM|DD|M|D", lambda m: DATE_TOKENS[m.group()], uwazi)


class _Reader:
    """Reads the mapping document, collecting every problem with its line."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []
        self.context = load_context()
        self.codes = scheme_codes()

    def problem(self, data, key: str | None, message: str) -> None:
        line = data.line_of(key) if isinstance(data, LineDict) and key else getattr(data, "line", 0)
        self.problems.append(f"{self.path.name}:{line}: {message}" if line else message)

    def keys(self, data: LineDict, allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(
                    data,
                    key,
                    f"unknown key {key!r} in {where} (allowed: {', '.join(sorted(allowed))})",
                )

    def read(self) -> Mapping:
        try:
            document = load_yaml(self.path)
        except YamlProblem as exc:
            where = f"{self.path}:{exc.line}" if exc.line else str(self.path)
            raise MappingError(self.path, [f"{where}: {exc.message}"]) from None
        except OSError as exc:
            raise MappingError(self.path, [f"{self.path}: cannot read: {exc.strerror}"]) from None
        if not isinstance(document, LineDict):
            raise MappingError(self.path, [f"{self.path}: a mapping file holds one YAML mapping"])
        self.keys(document, TOP_KEYS, "the mapping")
        thesauri = self.thesauri(document.get("thesauri", {}), document)
        formats = document.get("date_formats", ["YYYY-MM-DD"])
        if not isinstance(formats, list) or not formats:
            self.problem(document, "date_formats", "date_formats must be a list of formats")
            formats = []
        for fmt in formats:
            if fmt != "unix" and not (isinstance(fmt, str) and DATE_FORMAT.match(fmt)):
                self.problem(
                    document,
                    "date_formats",
                    f"date format {fmt!r}: use YYYY, MM, DD and separators (e.g. DD/MM/YYYY), "
                    "or unix for timestamps in seconds",
                )
        templates = {}
        given = document.get("templates")
        if not isinstance(given, LineDict) or not given:
            self.problem(document, "templates", "templates must map Uwazi template names to kinds")
            given = LineDict()
        for name, spec in given.items():
            template = self.template(str(name), spec, given, thesauri)
            if template:
                templates[template.name] = template
        self.check_references(templates, given)
        ignored = document.get("ignore_templates", [])
        if not isinstance(ignored, list):
            self.problem(document, "ignore_templates", "ignore_templates must be a list of names")
            ignored = []
        column = document.get("template_column", "Template")
        title = document.get("title_column", "Title")
        for key, value in (("template_column", column), ("title_column", title)):
            if not isinstance(value, str) or not value.strip():
                self.problem(document, key, f"{key} must be a column name")
        if self.problems:
            raise MappingError(self.path, self.problems)
        return Mapping(
            self.path,
            templates,
            template_column=column,
            title_column=title,
            date_formats=tuple(formats),
            ignore_templates=tuple(str(i) for i in ignored),
            thesauri=thesauri,
        )

    def thesauri(self, given, document: LineDict) -> dict[str, dict]:
        if not isinstance(given, LineDict):
            self.problem(document, "thesauri", "thesauri must map names to label: value maps")
            return {}
        found = {}
        for name, labels in given.items():
            if not isinstance(labels, LineDict):
                self.problem(given, name, f"thesaurus {name!r} must map Uwazi labels to values")
                continue
            found[str(name)] = dict(labels)
        return found

    def template(self, name: str, spec, parent: LineDict, thesauri) -> Template | None:
        if not isinstance(spec, LineDict):
            self.problem(parent, name, f"template {name!r} must be a mapping")
            return None
        self.keys(spec, TEMPLATE_KEYS, f"template {name!r}")
        kind = spec.get("kind")
        if kind not in KINDS:
            self.problem(spec, "kind", f"template {name!r}: kind must be one of {', '.join(KINDS)}")
            return None
        if "id" not in spec:
            self.problem(spec, None, f"template {name!r} needs an id column (a stable identifier)")
            return None
        ident = self.column("id", spec["id"], spec, thesauri, kind)
        fields = self.columns(spec.get("fields", LineDict()), spec, "fields", thesauri, kind)
        restricted = self.columns(
            spec.get("restricted", LineDict()), spec, "restricted", thesauri, kind
        )
        events = []
        if spec.get("events") and kind == "place":
            self.problem(spec, "events", f"template {name!r}: places have no events")
        for event in spec.get("events", []) or []:
            made = self.event(name, event, spec, thesauri)
            if made:
                events.append(made)
        case = None
        if "case" in spec:
            if kind != "person":
                self.problem(spec, "case", f"template {name!r}: only persons belong to a case")
            else:
                case = self.column("case", spec["case"], spec, thesauri, kind, reference=True)
        elif kind == "person":
            self.problem(spec, None, f"template {name!r}: a person needs `case:` (its case)")
        duplicates = spec.get("duplicates", [])
        if not isinstance(duplicates, list) or not all(isinstance(d, str) for d in duplicates):
            self.problem(spec, "duplicates", "duplicates must be a list of column names")
            duplicates = []
        if ident is None:
            return None
        return Template(
            name, kind, ident, fields, restricted, tuple(events), case, tuple(duplicates)
        )

    def event(self, template: str, spec, parent: LineDict, thesauri) -> EventSpec | None:
        if not isinstance(spec, LineDict):
            self.problem(parent, "events", f"template {template!r}: each event must be a mapping")
            return None
        self.keys(spec, EVENT_KEYS, "an event")
        ident, kind = spec.get("id"), spec.get("type")
        if not isinstance(ident, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}", ident):
            self.problem(spec, "id", f"event id {ident!r}: letters, digits, _ and -")
            return None
        if kind not in self.context.event_types:
            self.problem(
                spec,
                "type",
                f"event type {kind!r} is not one of {', '.join(self.context.event_types)}",
            )
            return None
        fields = self.columns(spec.get("fields", LineDict()), spec, "fields", thesauri, "event")
        if not any(c.column for c in fields):
            self.problem(spec, None, f"event {ident!r} reads no column")
        return EventSpec(ident, kind, fields)

    def columns(self, given, parent: LineDict, where: str, thesauri, kind) -> tuple[Column, ...]:
        if not isinstance(given, LineDict):
            self.problem(parent, where, f"{where} must map record keys to columns")
            return ()
        found = []
        for key, spec in given.items():
            if not self.known_key(given, key, where, kind):
                continue
            column = self.column(key, spec, given, thesauri, kind)
            if column:
                found.append(column)
        return tuple(found)

    def known_key(self, data: LineDict, key: str, where: str, kind: str) -> bool:
        terms = self.context.terms
        if key == "type" and kind in ("place",):
            return True
        computed = key in COMPUTED_KEYS or key.endswith(COMPUTED_SUFFIXES)
        if key not in terms or computed or terms[key].kind == "nested":
            self.problem(data, key, f"{key!r} is not a record key that can be set (docs/model.md)")
            return False
        if key in RESTRICTED_ONLY_KEYS and where != "restricted":
            self.problem(data, key, f"{key!r} may only be mapped under restricted:")
            return False
        return True

    def column(self, key, spec, parent, thesauri, kind, reference: bool = False) -> Column | None:
        if isinstance(spec, str):
            spec = LineDict({"column": spec})
            spec.lines = {}
        if not isinstance(spec, LineDict):
            self.problem(parent, key, f"{key}: give a column name or a mapping with column:")
            return None
        self.keys(spec, COLUMN_KEYS, f"the column of {key!r}")
        if ("column" in spec) == ("value" in spec):
            self.problem(parent, key, f"{key}: give exactly one of column: or value:")
            return None
        if "value" in spec:
            return Column(key, constant=spec["value"])
        column = spec["column"]
        if not isinstance(column, str) or not column.strip():
            self.problem(spec, "column", f"{key}: the column name must be text")
            return None
        kind_of_value = spec.get("type", "reference" if reference or "template" in spec else "text")
        if kind_of_value not in TYPES:
            self.problem(spec, "type", f"{key}: type must be one of {', '.join(TYPES)}")
            return None
        values = spec.get("values")
        name = spec.get("thesaurus")
        if values is not None and name is not None:
            self.problem(spec, "values", f"{key}: give values: or thesaurus:, not both")
        if name is not None:
            if name not in thesauri:
                self.problem(spec, "thesaurus", f"{key}: no thesaurus {name!r} in thesauri:")
                return None
            values = thesauri[name]
        elif values is not None:
            if not isinstance(values, LineDict):
                self.problem(spec, "values", f"{key}: values must map labels to values")
                return None
            values = dict(values)
            name = f"values of {key}"
        if values is not None:
            self.check_values(key, name, values, spec)
        match = spec.get("match", "title")
        if match not in ("title", "id"):
            self.problem(spec, "match", f"{key}: match is title or id")
        return Column(
            key,
            column=column.strip(),
            type=kind_of_value,
            values=values,
            thesaurus=name,
            many=bool(spec.get("many", False)),
            template=spec.get("template"),
            match=match,
        )

    def check_values(self, key: str, name: str, values: dict, spec: LineDict) -> None:
        """Vocabulary codes a value map gives must be codes of the key's scheme."""
        term = self.context.terms.get(key)
        if term is None or term.kind != "vocab":
            return
        allowed = self.codes.get(term.target, frozenset())
        wrong = sorted(str(v) for v in values.values() if v is not None and (v not in allowed))
        if wrong:
            self.problem(
                spec,
                "thesaurus" if "thesaurus" in spec else "values",
                f"{key}: {name} gives {', '.join(repr(w) for w in wrong)}, not codes of the "
                f"{term.target} vocabulary ({', '.join(sorted(allowed))})",
            )

    def check_references(self, templates: dict[str, Template], given: LineDict) -> None:
        cases = [t.name for t in templates.values() if t.kind == "case"]
        for template in templates.values():
            specs = [*template.fields, *(c for e in template.events for c in e.fields)]
            if template.case:
                specs.append(template.case)
                if template.case.template is None and len(cases) != 1:
                    self.problem(
                        given, template.name, f"template {template.name!r}: name the case template"
                    )
            for spec in specs:
                if spec.template is not None and spec.template not in templates:
                    self.problem(
                        given,
                        template.name,
                        f"template {template.name!r}, {spec.key}: no template {spec.template!r}",
                    )


def load(path: Path) -> Mapping:
    """Read and check a mapping file; raise MappingError listing every problem."""
    return _Reader(Path(path)).read()
