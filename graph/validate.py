"""Validation with SHACL (pySHACL): the shapes of ontology/shapes.ttl, named by record field.

Records are checked as RDF, together with the ontology and the vocabularies, so every shape sees
the classes and concept schemes it refers to. Each result is traced back to the file, record, YAML
field and line it came from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import queue
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as pyshacl_validate
from pyshacl_turbo import validate as turbo_validate
from rdflib.namespace import OWL, SH

from . import __version__
from .context import property_keys
from .errors import EdkgError, RecordProblem
from .records import CASE_GRAPH, Converted
from .resources import ontology_dir

log = logging.getLogger(__name__)

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
# A shapes graph may not make the engine read files or the network.
OUTSIDE = re.compile(r"\b(SERVICE|FROM|LOAD)\b|<file:", re.IGNORECASE)
SPARQL_KEYS = (SH.select, SH.ask, SH.construct, SH.update)


class ShapesError(EdkgError):
    """The shapes cannot be used: they do not parse, or would read files or the network."""

    status = 500


@dataclass(frozen=True)
class Finding:
    """One SHACL result, with where it points in the records when that is known."""

    severity: str
    message: str
    focus: str
    path: str | None
    value: str | None
    component: str
    shape: str | None
    file: str | None = None
    record: str | None = None
    field: str | None = None
    line: int | None = None

    def problem(self) -> RecordProblem:
        """This finding as a record problem (file, line, record, field, message)."""
        message = (
            self.message if self.severity == "Violation" else f"{self.severity}: {self.message}"
        )
        return RecordProblem(self.file or self.focus, message, self.record, self.field, self.line)

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "record": self.record,
            "field": self.field,
            "focus": self.focus,
            "path": self.path,
            "value": self.value,
            "component": self.component,
            "shape": self.shape,
        }


@dataclass(frozen=True)
class Report:
    """The outcome of a validation: the SHACL report graph and its findings.

    `validated` is how many records pySHACL looked at this time (the others' results came from
    the cache); None when no cache was involved.
    """

    graph: rdflib.Graph
    findings: tuple[Finding, ...]
    validated: int | None = None

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]


def check_shapes(graph: rdflib.Graph) -> None:
    """Refuse a shapes graph that imports other graphs or whose SPARQL reads outside the data."""
    if any(graph.triples((None, OWL.imports, None))):
        raise ShapesError("the shapes graph uses owl:imports; shapes must be self-contained")
    for key in SPARQL_KEYS:
        for subject, text in graph.subject_objects(key):
            if OUTSIDE.search(str(text)):
                raise ShapesError(
                    f"the SPARQL of shape {subject} uses SERVICE, FROM, LOAD or a file: IRI; "
                    "validation never reads anything but the data"
                )


def read_shapes(*texts: str) -> rdflib.Graph:
    """Parse Turtle shapes and check them."""
    graph = rdflib.Graph()
    try:
        for text in texts:
            graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises many parser exception types
        raise ShapesError(f"the shapes do not parse: {exc}") from None
    check_shapes(graph)
    return graph


@cache
def record_shapes() -> rdflib.Graph:
    """The shapes every record must satisfy (ontology/shapes.ttl)."""
    return read_shapes((ontology_dir() / "shapes.ttl").read_text(encoding="utf-8"))


@cache
def public_shapes() -> rdflib.Graph:
    """The shapes the public dataset must satisfy: the record shapes and shapes-public.ttl."""
    return read_shapes(
        (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8"),
        (ontology_dir() / "shapes-public.ttl").read_text(encoding="utf-8"),
    )


@cache
def shapes_store(public: bool = False) -> ox.Store:
    """The shapes as a pyoxigraph Store (for pyshacl-turbo), checked like the rdflib ones."""
    (public_shapes if public else record_shapes)()  # refuses unsafe shapes first
    store = ox.Store()
    names = ("shapes.ttl", "shapes-public.ttl") if public else ("shapes.ttl",)
    for name in names:
        store.load(path=str(ontology_dir() / name), format=ox.RdfFormat.TURTLE)
    return store


def to_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """The union of quads in the default graph of an in-memory store (pyshacl-turbo's input)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return store


def validate_quads(
    quads: list[ox.Quad],
    public: bool = False,
    focus: list[str] | None = None,
    engine: str = "turbo",
) -> Report:
    """Validate quads with the record shapes (and the public-dataset shape when `public`).

    pyshacl-turbo reads data and shapes as pyoxigraph stores, which spares converting the data to
    rdflib (measured: 4.2 s of 7.5 s at 1,000 cases, with identical results); pySHACL reads rdflib
    graphs. Both sides always have the same form: mixed, pyshacl-turbo gives false sh:in results.
    """
    if engine == "turbo":
        return validate_graph(to_store(quads), shapes_store(public), focus, engine)
    shapes = public_shapes() if public else record_shapes()
    return validate_graph(to_graph(quads), shapes, focus, engine)


def to_graph(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """The union of quads as one rdflib graph (the data graph pySHACL reads)."""
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    return graph


def _text(term) -> str | None:
    return None if term is None else str(term)


def _path(term) -> str | None:
    """A result path as an IRI; a complex path (a blank node) names no single field."""
    return str(term) if isinstance(term, rdflib.URIRef) else None


def findings_of(report: rdflib.Graph) -> list[Finding]:
    """Read the results of a SHACL report graph (its sh:result, not their nested sh:detail)."""
    found = []
    for result in report.objects(None, SH.result):
        severity = report.value(result, SH.resultSeverity)
        message = report.value(result, SH.resultMessage)
        found.append(
            Finding(
                severity=SEVERITIES.get(severity, str(severity)),
                message=str(message) if message is not None else "constraint not satisfied",
                focus=str(report.value(result, SH.focusNode)),
                path=_path(report.value(result, SH.resultPath)),
                value=_text(report.value(result, SH.value)),
                component=str(report.value(result, SH.sourceConstraintComponent)),
                shape=_text(report.value(result, SH.sourceShape)),
            )
        )
    return sorted(found, key=lambda f: (f.severity, f.focus, f.path or "", f.message))


ENGINES = {"turbo": turbo_validate, "pyshacl": pyshacl_validate}


def validate_graph(
    data: rdflib.Graph | ox.Store,
    shapes: rdflib.Graph | ox.Store,
    focus: list[str] | None = None,
    engine: str = "turbo",
) -> Report:
    """Run SHACL (no inference, SHACL-SPARQL enabled) and collect the findings.

    pyshacl-turbo (Rust) takes pyoxigraph stores, pySHACL rdflib graphs (see `validate_quads`).
    On the sample pyshacl-turbo validates in 0.4 s where pySHACL takes 16 s, with identical
    results; pySHACL stays the reference, and tests/ontology/test_engines.py records every case
    where the two differ (none that our records can produce).
    """
    _, report, _ = ENGINES[engine](
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        focus_nodes=focus,
    )
    return Report(report, tuple(findings_of(report)))


def locate(findings: Iterable[Finding], converted: list[Converted], base_iri: str) -> list[Finding]:
    """Name the file, record, YAML field and line of each finding."""
    where: dict[str, tuple[Converted, str, object]] = {}
    for item in converted:
        for relative, (path, data) in item.locations.items():
            where[base_iri + "id/" + relative] = (item, path, data)
    keys = property_keys()
    located = []
    for finding in findings:
        if finding.focus not in where:
            located.append(finding)
            continue
        item, path, data = where[finding.focus]
        field, line = path or None, getattr(data, "line", None)
        for key in keys.get(finding.path or "", ()):
            if key in data:
                field = f"{path}.{key}" if path else key
                line = data.line_of(key)
                break
        else:
            if finding.path:
                names = keys.get(finding.path)
                label = names[0] if names else finding.path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                field = f"{path}.{label}" if path else label
        located.append(
            Finding(
                **{
                    **finding.as_dict(),
                    "file": item.record.file if item.record else None,
                    "record": item.record.id if item.record else None,
                    "field": field,
                    "line": line,
                }
            )
        )
    return located


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _nodes_json(item: Converted) -> bytes:
    return json.dumps([item.graph, item.public, item.restricted], sort_keys=True).encode("utf-8")


# Records from which a build validates in a second process, while it writes the stores; fewer
# are validated in the build's own process (starting a process costs about 0.4 s).
PROCESS_MIN_RECORDS = 500
# Quads a chunk sent to the validation process.
CHUNK = 50_000
# Processes that validate chunks of cases in a full validation (see ChunkedValidation), and
# how much lower their priority is than the build's.
CHUNK_PROCESSES = 2
CHUNK_NICENESS = 10


class ValidationFailed(EdkgError):
    """The validation process failed (not the records: the process itself)."""

    status = 500


class ValidationProcess:
    """pyshacl-turbo in a second process, so that a build can write the stores while it validates.

    The data go to the process's standard input in N-Quads chunks (loaded, like `to_store`, into
    the default graph of an in-memory store as they come, by a thread so that the caller never
    waits for the pipe); then `validate` starts the validation and `findings` waits for it. The
    process is a plain `python -c` of this interpreter (not multiprocessing, which would import the
    caller's main module again); it ends after one validation, and `close` stops it early.
    """

    ENTRY = "_serve"

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", f"from edkg.validate import {self.ENTRY}; {self.ENTRY}()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._outbox: queue.Queue = queue.Queue()
        self._feeder = threading.Thread(target=self._feed, name="edkg-validate-feed", daemon=True)
        self._feeder.start()
        self._findings: list[Finding] | None = None

    def _feed(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            while (frame := self._outbox.get()) is not None:
                stdin.write(frame)
        except (BrokenPipeError, OSError, ValueError):
            pass  # the process ended: `findings` reports how
        finally:
            with contextlib.suppress(OSError, ValueError):
                stdin.close()

    def _put(self, kind: bytes, payload: bytes) -> None:
        self._outbox.put(kind + len(payload).to_bytes(8, "big") + payload)

    def send(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to the data (their graph names are dropped, as in `to_store`).

        Quads in the default graph are the cheapest: the process loads them without Python.
        """
        self.send_nquads(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))

    def send_nquads(self, data: bytes) -> None:
        """Add quads already serialised as N-Quads (like `send`)."""
        self._put(b"D", data)

    def validate(self, focus: list[str] | None, public: bool = False) -> None:
        self._put(b"V", json.dumps({"focus": focus, "public": public}).encode())
        self._outbox.put(None)

    def ready(self) -> bool:
        """Whether the findings are there (or the process ended)."""
        if self._findings is not None:
            return True
        readable, _, _ = select.select([self._process.stdout], [], [], 0)
        return bool(readable)

    def findings(self) -> list[Finding]:
        """Wait for the findings (sorted like `findings_of`)."""
        if self._findings is None:
            assert self._process.stdout is not None
            answer = self._process.stdout.read()
            status = self._process.wait()
            self.close()
            try:
                message = json.loads(answer)
                found = message["findings"]
            except (ValueError, KeyError, TypeError):
                raise ValidationFailed(
                    f"the SHACL validation process failed (exit status {status})"
                ) from None
            seconds = message.get("seconds", {})
            log.info(
                "SHACL in a second process: %.1f s loading the data, %.1f s validating",
                seconds.get("load", 0),
                seconds.get("validate", 0),
            )
            self._findings = [Finding(**raw) for raw in found]
        return self._findings

    def close(self) -> None:
        """Stop the process if it still runs."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._outbox.put(None)
        self._feeder.join(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()


class ChunkProcess(ValidationProcess):
    """A validation process for chunks of cases: `reference` data are kept, each `chunk` is
    validated over them and forgotten, `end` makes it write every chunk's findings and stop."""

    ENTRY = "_serve_chunks"

    def reference(self, data: bytes) -> None:
        self._put(b"R", data)

    def chunk(self, focus: list[str] | None, data: bytes) -> None:
        self._put(b"F", json.dumps(focus).encode())
        self._put(b"C", data)

    def end(self) -> None:
        self._put(b"E", b"")
        self._outbox.put(None)


class ChunkedValidation:
    """A full validation of many records by chunks of cases, in two processes, as they are made.

    One validation of the whole graph can start only once every quad is made, and runs on one
    core. But a case's findings depend only on the case and on the reference records (places,
    organisations, sources, the ontology), which the validation cache already assumes. So the
    reference data go to every process first; each chunk of cases, as soon as it is made, is
    validated over them with its own nodes as focus, in whichever process is next; and the
    reference records are validated once, over the reference data alone, with every shape's
    targets. The findings joined are those of one validation of the whole graph (tested).
    """

    def __init__(self, count: int) -> None:
        self._processes = [ChunkProcess() for _ in range(count)]
        self._next = 0

    def reference(self, data: bytes) -> None:
        for process in self._processes:
            process.reference(data)

    def chunk(self, focus: list[str] | None, data: bytes) -> None:
        self._processes[self._next].chunk(focus, data)
        self._next = (self._next + 1) % len(self._processes)

    def end(self) -> None:
        self.chunk(None, b"")  # the reference records, with every shape's targets
        for process in self._processes:
            process.end()

    def ready(self) -> bool:
        return all(process.ready() for process in self._processes)

    def findings(self) -> list[Finding]:
        found = [f for process in self._processes for f in process.findings()]
        return sorted(found, key=lambda f: (f.severity, f.focus, f.path or "", f.message))

    def close(self) -> None:
        for process in self._processes:
            process.close()


def _serve_chunks() -> None:
    """A chunk validation process (`ChunkProcess`): frames on standard input, findings out.

    It runs at a lower priority than the build, so that the build's own work (making the quads
    that feed the chunks, then writing the stores) keeps its core and the chunks use what CPU it
    leaves (10,000 cases in chunks of 2,500: 48.0 s, not 51.8 s). Since the stores are written
    once (store.py), the chunks end last: both cores stay busy to the end of a cold build.
    """
    with contextlib.suppress(OSError):
        os.nice(CHUNK_NICENESS)
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    source = sys.stdin.buffer
    reference: list[bytes] = []
    focus = None
    found: list[dict] = []
    seconds = {"load": 0.0, "validate": 0.0}
    shapes = shapes_store()
    while header := source.read(9):
        kind = header[:1]
        payload = source.read(int.from_bytes(header[1:], "big"))
        if kind == b"R":
            reference.append(payload)
        elif kind == b"F":
            focus = json.loads(payload)
        elif kind == b"C":
            started = time.perf_counter()
            store = ox.Store()
            for data in (*reference, payload):
                if data:
                    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
            loaded = time.perf_counter()
            # Every target, then only the chunk's nodes: pyshacl-turbo validates a whole small
            # graph faster than a list of focus nodes in it (9.2 s against 11.9 s for a chunk
            # of 2,500 cases and the reference records), with the same findings for those nodes.
            report = validate_graph(store, shapes)
            kept = None if focus is None else set(focus)
            found.extend(
                finding.as_dict()
                for finding in report.findings
                if kept is None or finding.focus in kept
            )
            seconds["load"] += loaded - started
            seconds["validate"] += time.perf_counter() - loaded
            del store
        elif kind == b"E":
            break
        else:
            raise ValueError(f"unknown frame {kind!r}")
    answer.write(json.dumps({"findings": found, "seconds": seconds}).encode())
    answer.close()


def _serve() -> None:
    """The validation process: read chunks from standard input, validate once, print findings.

    Anything else written to standard output goes to standard error, so that the findings are
    the only output the build reads.
    """
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    source = sys.stdin.buffer
    store = ox.Store()
    loading = 0.0
    while header := source.read(9):
        payload = source.read(int.from_bytes(header[1:], "big"))
        started = time.perf_counter()
        if header[:1] == b"D":
            store.bulk_load(payload, format=ox.RdfFormat.N_QUADS)
            loading += time.perf_counter() - started
            continue
        if store.query("ASK { GRAPH ?g { ?s ?p ?o } }"):  # as `to_store`: the union, unnamed
            store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } ; DROP NAMED")
        request = json.loads(payload)
        report = validate_graph(store, shapes_store(request["public"]), request["focus"])
        found = [finding.as_dict() for finding in report.findings]
        seconds = {"load": loading, "validate": time.perf_counter() - started}
        answer.write(json.dumps({"findings": found, "seconds": seconds}).encode())
        answer.close()
        return


@dataclass
class Validation:
    """A record validation under way: `result` waits for it, merges the cache, locates findings.

    `process` is the validation process when the records are validated in one (else None).
    """

    validator: RecordValidator
    converted: list[Converted]
    base_iri: str
    keys: dict[int, str]
    cache: dict[str, list[dict]]
    global_key: str
    changed: list[Converted]
    full: bool
    process: ValidationProcess | ChunkedValidation | None = None
    report: Report | None = None
    _result: Report | None = None

    def ready(self) -> bool:
        return self.process is None or self.process.ready()

    def result(self) -> Report:
        """The report, every finding located in the records (the cache is saved first)."""
        if self._result is None:
            self._result = self._finish()
        return self._result

    def close(self) -> None:
        if self.process is not None:
            self.process.close()

    def _finish(self) -> Report:
        keys, cache, global_key, base_iri = self.keys, self.cache, self.global_key, self.base_iri
        fresh: dict[str, list[dict]] = {}
        report_graph = rdflib.Graph()
        if self.changed:
            if self.process is not None:
                found = self.process.findings()
            else:
                assert self.report is not None
                found = list(self.report.findings)
                report_graph = self.report.graph
            owner = {
                base_iri + "id/" + rel: keys[id(item)]
                for item in self.changed
                for rel in item.locations
            }
            fresh = {keys[id(item)]: [] for item in self.changed}
            if self.full:
                fresh[global_key] = []
            for finding in found:
                fresh.setdefault(owner.get(finding.focus, global_key), []).append(finding.as_dict())
        kept = {key: cache[key] for key in keys.values() if key in cache}
        merged = {**kept, global_key: cache.get(global_key, []), **fresh}
        self.validator._save(merged)
        findings = [Finding(**raw) for key in merged for raw in merged[key]]
        located = tuple(locate(findings, self.converted, base_iri))
        return Report(report_graph, located, validated=len(self.changed))


class RecordValidator:
    """Validates records with the record shapes, remembering results between builds.

    Each record's results are kept under a digest of its own content, of the reference records it
    may point at (places, organisations, sources), of the shapes, of the ontology and vocabularies
    and of the edkg version. A rebuild validates again only the records whose digest changed, with
    pySHACL restricted to their nodes (`focus_nodes`), the whole graph still being there to read.
    """

    def __init__(self, cache_file: Path | None):
        self.cache_file = cache_file

    def _load(self) -> dict[str, list[dict]]:
        if self.cache_file is None or not self.cache_file.exists():
            return {}
        try:
            return json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # a damaged cache only costs a full validation

    def _save(self, cache: dict[str, list[dict]]) -> None:
        if self.cache_file is None:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache_file.with_name(self.cache_file.name + ".partial")
        partial.write_text(json.dumps(cache, sort_keys=True), encoding="utf-8")
        partial.replace(self.cache_file)

    def check(
        self,
        converted: list[Converted],
        ontology: list[ox.Quad],
        records: list[ox.Quad],
        base_iri: str,
    ) -> Report:
        """Validate; return the report with every finding located in the records."""
        return self.start(converted, ontology, lambda: records, base_iri, in_process=True).result()

    def start(
        self,
        converted: list[Converted],
        ontology: list[ox.Quad],
        records: Callable[[], Iterable[ox.Quad]],
        base_iri: str,
        *,
        in_process: bool = False,
        chunks: Callable[[], Iterable[tuple[str, list[str], bytes]]] | None = None,
    ) -> Validation:
        """Start validating the records whose results are not cached; `result()` waits for it.

        `records` is called only when some record must be validated. With many records (at
        least PROCESS_MIN_RECORDS) and unless `in_process`, they are validated in a second process
        that runs while the caller goes on (writing the stores); the caller must then `close` the
        validation if it gives up before `result`. `chunks`, if given, is called instead of
        `records` for a process: the same quads as N-Quads in the default graph, in groups,
        ("reference", [], data) for the reference records, then ("cases", focus, data) for each
        chunk of cases, `focus` the IRIs of their nodes. A full validation on a machine with two
        cores or more then validates the chunks as they come (`ChunkedValidation`).
        """
        shapes_text = (ontology_dir() / "shapes.ttl").read_bytes()
        ontology_text = b"".join(str(q).encode() for q in ontology)
        references = b"".join(
            _nodes_json(c) for c in converted if not c.graph.startswith(CASE_GRAPH)
        )
        common = _digest(
            __version__.encode(), base_iri.encode(), shapes_text, ontology_text, references
        )
        keys = {id(item): _digest(common.encode(), _nodes_json(item)) for item in converted}
        cache = self._load()
        global_key = _digest(common.encode(), b"global")
        changed = [item for item in converted if keys[id(item)] not in cache]
        full = global_key not in cache
        if full:
            changed = list(converted)
        validation = Validation(self, converted, base_iri, keys, cache, global_key, changed, full)
        if not changed:
            return validation
        focus = None
        if not full:
            focus = [base_iri + "id/" + rel for item in changed for rel in item.locations]
        log.info("validating %d of %d records with SHACL", len(changed), len(converted))
        if in_process or len(converted) < PROCESS_MIN_RECORDS or not sys.executable:
            validation.report = validate_quads(ontology + list(records()), focus=focus)
            return validation
        if full and chunks is not None and (os.cpu_count() or 1) > 1:
            chunked = ChunkedValidation(CHUNK_PROCESSES)
            validation.process = chunked
            try:
                chunked.reference(
                    ox.serialize(
                        (ox.Quad(q.subject, q.predicate, q.object) for q in ontology),
                        format=ox.RdfFormat.N_QUADS,
                    )
                )
                for kind, nodes, data in chunks():
                    if kind == "reference":
                        chunked.reference(data)
                    else:
                        chunked.chunk(nodes, data)
                chunked.end()
            except BaseException:
                chunked.close()
                raise
            return validation
        process = ValidationProcess()
        validation.process = process
        try:
            process.send(ox.Quad(q.subject, q.predicate, q.object) for q in ontology)
            if chunks is not None:
                for _, _, data in chunks():
                    process.send_nquads(data)
            else:
                for batch in _chunks(records(), CHUNK):
                    process.send(batch)
            process.validate(focus)
        except BaseException:
            process.close()
            raise
        return validation


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
