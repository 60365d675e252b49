"""`edkg import`: an Uwazi CSV export, through a mapping file, into YAML records.

Uwazi (HURIDOCS; FOOTPRINTS runs on it) exports a search as CSV: one row an entity, a header of
property labels after ``Title``, ``Date added`` and ``Template``, multiple values joined by ``|``,
thesaurus values under a group written ``Group::Value``, relationships as the titles of the related
entities, the geolocation as ``lat|lon``, dates in the collection's date format (older versions:
Unix timestamps). The mapping (:mod:`edkg.mapping`) says what each template and column becomes.

Nothing half-imported is ever left: the records are written to a temporary directory beside the
output, validated by the same code as `edkg validate` (record checks, then SHACL), and moved into
place only when every record is valid. Every problem is reported with its CSV row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import check, dates
from .errors import EdkgError, RecordProblem
from .mapping import Column, EventSpec, Mapping, Template, strptime_format
from .records import ID_PATTERN
from .resources import sample_data_dir

log = logging.getLogger(__name__)

ENCODINGS = {"auto": None, "utf-8": "utf-8-sig", "cp949": "cp949", "euc-kr": "euc_kr"}
MAX_CSV_BYTES = 64 * 1024 * 1024
SEPARATOR = "|"
# The three kinds of records an import writes, in the order they are counted.
COUNTED = ("cases", "persons", "events", "places")


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the CSV: its row (the header is row 1, as a spreadsheet numbers rows),
    column and value where they are known, and what is wrong in words."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    record: str | None = None

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row else []
        if self.record:
            where.append(self.record)
        if self.column:
            where.append(f"column {self.column!r}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return f"{self.file}: " + (", ".join(where) + ": " if where else "") + self.message

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "record": self.record,
            "message": self.message,
        }


class ImportFailed(EdkgError):
    """The CSV cannot be imported; `problems` lists every reason. Nothing was written."""

    status = 422

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the import")


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    output: Path
    counts: dict[str, int]
    encoding: str
    rows: int
    warnings: int


# ----------------------------------------------------------------------------------------------
# Reading the file


def decode(data: bytes, encoding: str, name: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else CP949 (a superset of EUC-KR).

    `encoding` auto tries strict UTF-8 first. A file that fails UTF-8 only after Korean (or other
    three-byte) UTF-8 text is a damaged UTF-8 file, not a CP949 one, and is reported as such rather
    than read as mojibake. Returns the text and the encoding used.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed(
            [ImportProblem(name, "the file is UTF-16 text; save the CSV as UTF-8 (or CP949)")]
        )
    if encoding not in ENCODINGS:
        raise ImportFailed([ImportProblem(name, f"unknown encoding {encoding!r}")])
    codec = ENCODINGS[encoding]
    if codec:
        try:
            return data.decode(codec), encoding
        except UnicodeDecodeError as exc:
            raise ImportFailed([_undecodable(data, exc, codec, encoding.upper(), name)]) from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        before = data[: utf8_error.start].decode("utf-8-sig")
        if any(ord(char) >= 0x800 for char in before):
            damaged = _undecodable(data, utf8_error, "utf-8-sig", "UTF-8", name)
            message = f"{damaged.message}, though the text before it is (a damaged UTF-8 file?)"
            raise ImportFailed([ImportProblem(name, message, row=damaged.row)]) from None
        try:
            return data.decode("cp949"), "cp949"
        except UnicodeDecodeError as cp949_error:
            first = _undecodable(data, utf8_error, "utf-8-sig", "UTF-8", name)
            second = _undecodable(data, cp949_error, "cp949", "CP949", name)
            message = (
                f"the file is neither UTF-8 (row {first.row}: {first.message}) nor CP949/EUC-KR "
                f"(row {second.row}: {second.message}); save it as UTF-8, or give --encoding"
            )
            raise ImportFailed([ImportProblem(name, message)]) from None


def _undecodable(
    data: bytes, exc: UnicodeDecodeError, codec: str, label: str, name: str
) -> ImportProblem:
    """Name the row, line and byte where decoding failed."""
    prefix = data[: exc.start].decode(codec, errors="replace")
    line = prefix.count("\n") + 1
    try:
        records = list(csv.reader(io.StringIO(prefix, newline="")))
        row = len(records) + (1 if not prefix or prefix.endswith("\n") else 0)
    except csv.Error:
        row = line
    bad = " ".join(f"0x{byte:02X}" for byte in data[exc.start : exc.end])
    return ImportProblem(name, f"{bad} at byte {exc.start} (line {line}) is not {label}", row=row)


@dataclass
class Table:
    """The CSV's header and rows; each row keeps its number (the header is row 1)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    index: dict[str, int] = field(default_factory=dict)

    def position(self, column: str) -> int | None:
        return self.index.get(_fold(column))


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _fold(text: str) -> str:
    return " ".join(_clean(text).casefold().split())


def parse(text: str, name: str) -> Table:
    """Read CSV text into a table; cells are NFC-normalised and stripped."""
    problems = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            cells = [_clean(c) for c in cells]
            if header is None:
                header = cells
                continue
            if not any(cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    ImportProblem(
                        name,
                        f"the row has {len(cells)} cells, the header {len(header)} "
                        "(a stray quote or separator?)",
                        row=number,
                    )
                )
                continue
            rows.append((number, cells))
    except csv.Error as exc:
        problems.append(ImportProblem(name, f"malformed CSV: {exc}", row=number + 1))
    if not header or not any(header):
        raise ImportFailed([ImportProblem(name, "the file has no header row")])
    if len(header) == 1 and ";" in header[0]:
        problems.append(
            ImportProblem(
                name, "the header has one column with ';' in it: save the file comma-separated"
            )
        )
    table = Table(name, header, rows)
    for position, column in enumerate(header):
        table.index.setdefault(_fold(column), position)
    if problems:
        raise ImportFailed(problems)
    return table


# ----------------------------------------------------------------------------------------------
# Rows to entities


@dataclass
class Entity:
    """One row of a mapped template, its fields read, its references not yet resolved."""

    template: Template
    id: str
    row: int
    title: str
    data: dict = field(default_factory=dict)
    restricted: dict = field(default_factory=dict)
    events: list[tuple[EventSpec, dict]] = field(default_factory=list)
    case: str | None = None

    @property
    def label(self) -> str:
        return f"{self.template.kind} {self.id}"


class _Converter:
    """Reads every row through the mapping; collects every problem instead of stopping."""

    def __init__(self, mapping: Mapping, table: Table):
        self.mapping = mapping
        self.table = table
        self.problems: list[ImportProblem] = []
        self.entities: list[Entity] = []
        # References are resolved once every row is read: (entity, target dict, column, cell).
        self.pending: list[tuple[Entity, dict, Column, str, int]] = []
        self.by_number = dict(table.rows)

    def problem(self, message: str, row=None, column=None, value=None, record=None) -> None:
        self.problems.append(ImportProblem(self.table.name, message, row, column, value, record))

    def cell(self, cells: list[str], column: str) -> str:
        position = self.table.position(column)
        return cells[position] if position is not None else ""

    # -- columns ---------------------------------------------------------------------------

    def check_columns(self, used: set[str]) -> None:
        """Every column the mapped templates present in the file read must be in the header."""
        needed = {
            self.mapping.template_column: "the template column",
            self.mapping.title_column: "the title column",
        }
        for template in self.mapping.templates.values():
            if template.name in used:
                for column in sorted(template.columns()):
                    needed.setdefault(column, f"template {template.name!r}")
        missing = [(c, why) for c, why in needed.items() if self.table.position(c) is None]
        if missing:
            listed = "; ".join(f"{c!r} (read by {why})" for c, why in missing)
            self.problem(
                f"missing column{'s' if len(missing) > 1 else ''}: {listed}. "
                f"The header has: {', '.join(repr(h) for h in self.table.header)}"
            )

    def templates_used(self) -> set[str]:
        position = self.table.position(self.mapping.template_column)
        if position is None:
            return set()
        return {cells[position] for _, cells in self.table.rows}

    # -- rows ------------------------------------------------------------------------------

    def run(self) -> list[Entity]:
        used = self.templates_used()
        self.check_columns(used)
        if self.problems:
            return []
        mapped = self.mapping.templates
        for number, cells in self.table.rows:
            name = self.cell(cells, self.mapping.template_column)
            if name in self.mapping.ignore_templates:
                continue
            if name not in mapped:
                listed = ", ".join(repr(t) for t in mapped)
                ignored = ", ".join(repr(t) for t in self.mapping.ignore_templates) or "none"
                self.problem(
                    f"template {name!r} is not in the mapping (mapped: {listed}; ignored: "
                    f"{ignored})",
                    number,
                    self.mapping.template_column,
                )
                continue
            entity = self.row(mapped[name], number, cells)
            if entity:
                self.entities.append(entity)
        self.check_duplicates()
        self.resolve()
        return self.entities

    def row(self, template: Template, number: int, cells: list[str]) -> Entity | None:
        ident_spec = template.id
        ident = self.cell(cells, ident_spec.column) if ident_spec.column else ""
        if not ID_PATTERN.match(ident):
            why = "is empty" if not ident else "is not a usable id (letters, digits, _ and -)"
            self.problem(f"the id {why}", number, ident_spec.column, ident or None)
            return None
        title = self.cell(cells, self.mapping.title_column)
        entity = Entity(template, ident, number, title)
        self.fill(entity, template.fields, cells, entity.data)
        self.fill(entity, template.restricted, cells, entity.restricted)
        for spec in template.events:
            event: dict = {}
            if any(c.column and self.cell(cells, c.column) for c in spec.fields):
                self.fill(entity, spec.fields, cells, event)
                entity.events.append((spec, event))
        if template.case:
            raw = self.cell(cells, template.case.column)
            if not raw:
                self.problem("a person needs a case", number, template.case.column, "")
            else:
                self.pending.append((entity, {}, template.case, raw, number))
        return entity

    def fill(self, entity: Entity, specs: Iterable[Column], cells: list[str], out: dict) -> None:
        for spec in specs:
            if spec.column is None:
                constant = spec.constant
                out[spec.key] = list(constant) if isinstance(constant, list) else constant
                continue
            raw = self.cell(cells, spec.column)
            if not raw:
                continue
            if spec.type == "reference":
                self.pending.append((entity, out, spec, raw, entity.row))
                continue
            value = self.value(spec, raw, entity)
            if value is not None:
                out[spec.key] = value

    def value(self, spec: Column, raw: str, entity: Entity):
        parts = [p.strip() for p in raw.split(SEPARATOR) if p.strip()] if spec.many else [raw]
        if spec.values is not None and not spec.many and SEPARATOR in raw:
            self.problem(
                f"holds several values, but {spec.key} takes one",
                entity.row,
                spec.column,
                raw,
                entity.label,
            )
            return None
        found = []
        for part in parts:
            if spec.values is not None:
                ok, value = self.label(spec, part, entity)
            else:
                ok, value = self.typed(spec, part, entity)
            if not ok:
                return None
            if value is not None:
                found.append(value)
        if spec.many:
            return found or None
        return found[0] if found else None

    def label(self, spec: Column, label: str, entity: Entity) -> tuple[bool, object]:
        values = spec.values or {}
        if label in values:
            return True, values[label]
        labels = sorted(str(k) for k in values)
        folded = {_fold(k): k for k in labels}
        if _fold(label) in folded:
            return True, values[folded[_fold(label)]]
        name = spec.thesaurus or ""
        what = f"the {name}" if name.startswith("values of ") else f"the thesaurus {name!r}"
        close = difflib.get_close_matches(label, labels, n=3)
        hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
        if len(labels) <= 30:
            allowed = f"allowed: {', '.join(repr(x) for x in labels)}"
        else:
            allowed = f"{len(labels)} labels are allowed (see {what} in the mapping)"
        self.problem(
            f"not a label of {what}{hint}; {allowed}",
            entity.row,
            spec.column,
            label,
            entity.label,
        )
        return False, None

    def typed(self, spec: Column, text: str, entity: Entity) -> tuple[bool, object]:
        try:
            return True, self.convert(spec.type, text)
        except ValueError as exc:
            self.problem(str(exc), entity.row, spec.column, text, entity.label)
            return False, None

    def convert(self, kind: str, text: str):
        if kind == "text":
            return text
        if kind == "date":
            return self.date(text)
        if kind == "daterange":
            start, sep, end = text.partition("~") if "~" in text else text.partition(":")
            if not sep:
                raise ValueError("a date range is written FROM~TO (or FROM:TO)")
            first = self.date(start.strip()) if start.strip() else ".."
            last = self.date(end.strip()) if end.strip() else ".."
            return f"{first}/{last}"
        if kind == "edtf":
            try:
                dates.interpret(text)
            except dates.DateError:
                raise ValueError(
                    "not a valid EDTF date (examples: 2013-04-17, 2013-04, 2013-21, 2009~)"
                ) from None
            return text
        if kind == "number":
            try:
                number = float(text)
            except ValueError:
                raise ValueError("not a number") from None
            return int(number) if number.is_integer() and "." not in text else number
        if kind in ("latitude", "longitude"):
            parts = text.split(SEPARATOR)
            try:
                lat, lon = (float(p) for p in parts)
            except ValueError:
                raise ValueError("a geolocation is written LAT|LON, e.g. 42.25|130.3") from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError("latitude must lie in -90..90 and longitude in -180..180")
            return lat if kind == "latitude" else lon
        if kind == "link":
            url = text.split(SEPARATOR)[-1].strip()
            if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", url):
                raise ValueError("a link is written LABEL|URL or URL, with an http(s) URL")
            return url
        raise ValueError(f"cannot read a value of type {kind}")

    def date(self, text: str) -> str:
        for fmt in self.mapping.date_formats:
            if fmt == "unix":
                if re.fullmatch(r"-?\d+(\.\d+)?", text):
                    moment = dt.datetime.fromtimestamp(float(text), tz=dt.UTC)
                    return moment.date().isoformat()
                continue
            try:
                parsed = dt.datetime.strptime(text, strptime_format(fmt)).date()
            except ValueError:
                continue
            if "D" in fmt:
                return parsed.isoformat()
            return f"{parsed:%Y-%m}" if "M" in fmt else f"{parsed:%Y}"
        formats = ", ".join(self.mapping.date_formats)
        raise ValueError(f"not a date in the mapping's date formats ({formats})")

    # -- duplicates and references --------------------------------------------------------

    def check_duplicates(self) -> None:
        ids: dict[tuple[str, str], Entity] = {}
        same: dict[tuple, Entity] = {}
        for entity in self.entities:
            key = (entity.template.kind, entity.id)
            if key in ids:
                self.problem(
                    f"duplicate {entity.template.kind} id: row {ids[key].row} has the same id",
                    entity.row,
                    entity.template.id.column,
                    entity.id,
                )
            else:
                ids[key] = entity
            columns = entity.template.duplicates
            if not columns:
                continue
            values = tuple(self.cell(self.by_number[entity.row], c) for c in columns)
            if not all(values):
                continue
            signature = (entity.template.name, tuple(_fold(v) for v in values))
            if signature in same:
                first = same[signature]
                shown = ", ".join(f"{c} {v!r}" for c, v in zip(columns, values, strict=True))
                self.problem(
                    f"the same {entity.template.kind} twice? Row {first.row} ({first.id}) has the "
                    f"same {shown}",
                    entity.row,
                    record=entity.label,
                )
            else:
                same[signature] = entity

    def resolve(self) -> None:
        by_template: dict[str, list[Entity]] = {}
        for entity in self.entities:
            by_template.setdefault(entity.template.name, []).append(entity)
        for entity, out, spec, raw, number in self.pending:
            target = spec.template or self.mapping.case_template()
            candidates = by_template.get(target, [])
            parts = [p.strip() for p in raw.split(SEPARATOR) if p.strip()]
            if len(parts) > 1 and not spec.many:
                self.problem(
                    f"names {len(parts)} {target} entities, but {spec.key} takes one",
                    number,
                    spec.column,
                    raw,
                    entity.label,
                )
                continue
            found = []
            for part in parts:
                ident = self.reference(entity, spec, target, candidates, part, number)
                if ident is None:
                    break
                found.append(ident)
            else:
                if spec.key == "case":
                    entity.case = found[0]
                else:
                    out[spec.key] = found if spec.many else found[0]

    def reference(self, entity, spec, target, candidates, part, number) -> str | None:
        if spec.match == "id":
            matches = [c for c in candidates if c.id == part]
        else:
            matches = [c for c in candidates if _fold(c.title) == _fold(part)]
        if len(matches) == 1:
            return matches[0].id
        if not matches:
            message = f"no {target} row has the {spec.match} {part!r}"
        else:
            rows = ", ".join(str(m.row) for m in matches)
            message = (
                f"{len(matches)} {target} rows (rows {rows}) have the {spec.match} {part!r}: "
                "give them distinct titles, or map the relationship by id"
            )
        self.problem(message, number, spec.column, part, entity.label)
        return None


# ----------------------------------------------------------------------------------------------
# Entities to records


@dataclass
class Records:
    """The records an import writes and, for each record and nested item, the row it came from."""

    cases: dict[str, dict] = field(default_factory=dict)
    places: list[dict] = field(default_factory=list)
    # (file name, record id) -> {"" or "persons[0]" or "events[1]": (entity, event spec or None)}
    origins: dict[tuple[str, str], dict[str, tuple[Entity, EventSpec | None]]] = field(
        default_factory=dict
    )

    def counts(self) -> dict[str, int]:
        persons = sum(len(c.get("persons", [])) for c in self.cases.values())
        events = sum(len(c.get("events", [])) for c in self.cases.values())
        return dict(zip(COUNTED, (len(self.cases), persons, events, len(self.places)), strict=True))


def _record(entity: Entity) -> dict:
    record = {"id": entity.id, **entity.data}
    if entity.restricted:
        record["restricted"] = dict(entity.restricted)
    return record


def assemble(entities: list[Entity], converter: _Converter) -> Records:
    """Nest persons and their events in their cases; order everything by id, not by row."""
    result = Records()
    cases = sorted((e for e in entities if e.template.kind == "case"), key=lambda e: e.id)
    persons: dict[str, list[Entity]] = {}
    for entity in entities:
        if entity.template.kind == "person" and entity.case:
            persons.setdefault(entity.case, []).append(entity)
    for case in cases:
        record = _record(case)
        origin: dict[str, tuple[Entity, EventSpec | None]] = {"": (case, None)}
        members = sorted(persons.pop(case.id, []), key=lambda e: e.id)
        record["persons"] = []
        for position, person in enumerate(members):
            record["persons"].append(_record(person))
            origin[f"persons[{position}]"] = (person, None)
        events = []
        victims = [p.id for p in members]
        for spec, data in case.events:
            events.append(({"id": spec.id, "type": spec.type, **data}, case, spec, victims))
        for person in members:
            for spec, data in person.events:
                ident = f"{person.id}-{spec.id}"
                events.append(({"id": ident, "type": spec.type, **data}, person, spec, [person.id]))
        record["events"] = []
        for position, (event, entity, spec, who) in enumerate(events):
            event.setdefault("victims", who)
            record["events"].append(event)
            origin[f"events[{position}]"] = (entity, spec)
        result.cases[case.id] = record
        result.origins[(f"{case.id}.yaml", case.id)] = origin
    for entity in sorted((e for e in entities if e.template.kind == "place"), key=lambda e: e.id):
        result.places.append(_record(entity))
        result.origins[("places.yaml", entity.id)] = {"": (entity, None)}
    # Persons whose case was resolved but is not among the cases cannot happen (the reference
    # names a case row); persons left here belong to a case template that is not a case kind.
    for orphans in persons.values():
        for person in orphans:
            converter.problem(
                "the case this person belongs to is not imported",
                person.row,
                person.template.case.column if person.template.case else None,
                person.case,
                person.label,
            )
    return result


# ----------------------------------------------------------------------------------------------
# Writing


class _Dumper(yaml.SafeDumper):
    """Writes records as people write them (docs/model.md): nested lists indented, lists of codes
    in flow style (``roles: [victim]``), text of several lines as a literal block."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list):
    flow = all(isinstance(item, str | int | float | bool) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_text(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_text)


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def write(records: Records, directory: Path, source: str, mapping: Path) -> None:
    """Write case files under cases/ and, when places were imported, places.yaml.

    places.yaml replaces the bundled places for whoever reads the directory, so it starts with the
    bundled places (copied as they are) and adds the imported ones after them.
    """
    header = f"# Imported by `edkg import` from {source} with the mapping {mapping.name}.\n"
    cases = directory / "cases"
    cases.mkdir()
    for ident, record in records.cases.items():
        (cases / f"{ident}.yaml").write_text(header + _dump(record), encoding="utf-8")
    if records.places:
        bundled = (sample_data_dir() / "places.yaml").read_text(encoding="utf-8")
        text = bundled.rstrip("\n") + "\n\n" + header + _dump(records.places)
        (directory / "places.yaml").write_text(text, encoding="utf-8")


# ----------------------------------------------------------------------------------------------
# Validation problems back to rows


_NESTED = re.compile(r"^(persons|events)\[(\d+)\](?:\.(.*))?$")


def _locate(problem: RecordProblem, records: Records, name: str) -> ImportProblem:
    file = Path(problem.file).name
    origin = records.origins.get((file, problem.record or ""))
    if origin is None:
        return ImportProblem(name, str(problem))
    field_path = problem.field or ""
    prefix, key = "", field_path
    nested = _NESTED.match(field_path)
    if nested:
        prefix, key = f"{nested.group(1)}[{nested.group(2)}]", nested.group(3) or ""
    entity, spec = origin.get(prefix, origin[""])
    column = None
    if spec is not None:
        column = next((c.column for c in spec.fields if c.key == key), None)
    elif key:
        column = entity.template.column_of(key)
    detail = f" (field {field_path})" if field_path else ""
    return ImportProblem(name, problem.message + detail, entity.row, column, None, entity.label)


def _bundled_place_clashes(records: Records, converter: _Converter) -> None:
    bundled = yaml.safe_load((sample_data_dir() / "places.yaml").read_text(encoding="utf-8"))
    known = {p["id"] for p in bundled}
    for place in records.places:
        if place["id"] in known:
            entity, _ = records.origins[("places.yaml", place["id"])][""]
            converter.problem(
                "is the id of a bundled place; map the thesaurus value to it instead of "
                "importing it again",
                entity.row,
                entity.template.id.column,
                place["id"],
                entity.label,
            )


# ----------------------------------------------------------------------------------------------
# The command


def _target(output: Path, replace: bool) -> None:
    if output.exists() and not output.is_dir():
        raise ImportFailed([ImportProblem(str(output), "is a file, not a directory")])
    if output.is_dir() and any(output.iterdir()) and not replace:
        raise ImportFailed(
            [
                ImportProblem(
                    str(output),
                    "is not empty; give --replace to replace it with the import, or another "
                    "directory",
                )
            ]
        )
    if not output.parent.is_dir():
        raise ImportFailed([ImportProblem(str(output.parent), "no such directory")])


def _move_into_place(staging: Path, output: Path) -> None:
    """Put the staged directory where the output goes; an existing one is swapped out whole."""
    if not output.exists():
        staging.rename(output)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}.replaced-", dir=output.parent))
    old.rmdir()
    output.rename(old)
    try:
        staging.rename(output)
    except OSError:
        old.rename(output)
        raise
    shutil.rmtree(old)


def import_csv(
    csv_path: Path,
    mapping: Mapping,
    output: Path,
    base_iri: str,
    *,
    encoding: str = "auto",
    replace: bool = False,
) -> ImportResult:
    """Import one Uwazi CSV export into `output` as YAML records, or raise ImportFailed.

    `output` must not exist, be empty, or (with `replace`) is replaced whole. On any problem it is
    left exactly as it was.
    """
    output = Path(output)
    name = Path(csv_path).name
    _target(output, replace)
    try:
        size = os.path.getsize(csv_path)
        if size > MAX_CSV_BYTES:
            raise ImportFailed([ImportProblem(name, f"{size} bytes: larger than {MAX_CSV_BYTES}")])
        data = Path(csv_path).read_bytes()
    except OSError as exc:
        raise ImportFailed([ImportProblem(str(csv_path), f"cannot read: {exc.strerror}")]) from None
    text, used = decode(data, encoding, name)
    table = parse(text, name)
    converter = _Converter(mapping, table)
    entities = converter.run()
    records = assemble(entities, converter)
    _bundled_place_clashes(records, converter)
    if converter.problems:
        raise ImportFailed(converter.problems)
    if not records.cases and not records.places:
        raise ImportFailed([ImportProblem(name, "no row of a mapped template: nothing to import")])
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.import-", dir=output.parent))
    try:
        write(records, staging, name, mapping.path)
        outcome = check.validate_records([staging], base_iri)
        problems = list(outcome.problems)
        if outcome.report:
            problems += [f.problem() for f in outcome.report.violations]
        if problems:
            raise ImportFailed([_locate(p, records, name) for p in problems])
        if output.is_dir() and not any(output.iterdir()):
            output.rmdir()
        _move_into_place(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    log.info("imported %s into %s", name, output)
    return ImportResult(output, records.counts(), used, len(table.rows), len(outcome.warnings))
