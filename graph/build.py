"""`edkg build`: records, ontology and vocabularies into a new release of the store."""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import chain, islice
from pathlib import Path

import pyoxigraph as ox

from . import __version__, publish, quads, records
from .context import VOCAB_BASE
from .errors import RecordError
from .remote import RemoteConfig
from .resources import ontology_dir
from .store import Release, StoreDir
from .validate import RecordValidator, Validation
from .vocabularies import vocabulary_files

log = logging.getLogger(__name__)

ONTOLOGY_IRI = "https://w3id.org/edkg/ontology"
RECORDING_CHUNK = 50_000
"""Quads serialised at a time by `_Recording` (and sent at a time to a validation process)."""
CASES_PER_CHUNK = 1_000
"""Cases validated at a time (`record_groups`): at 10,000 cases, chunks of 2,500 gave a 48.0 s
build, of 1,250 44.8 s, of 625 43.8 s; and a chunk's memory stays the same at any size."""
GRAPH_NAME = re.compile(rb" <[^>\n]*> \.\n")
"""The graph name that ends an N-Quads line, as pyoxigraph writes it."""
EDKG = ONTOLOGY_IRI + "#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")


@dataclass(frozen=True)
class BuildResult:
    """What a build made: the release, how many records of each kind, the SHACL warnings."""

    release: Release
    records: dict[str, int]
    warnings: tuple = ()


def ontology_graphs() -> Iterator[tuple[str, Path]]:
    """(graph IRI, file) for the ontology and each concept scheme."""
    yield ONTOLOGY_IRI, ontology_dir() / "edkg.ttl"
    for path in vocabulary_files():
        yield VOCAB_BASE + path.stem, path


@cache
def superclasses() -> dict[ox.NamedNode, frozenset[ox.NamedNode]]:
    """For each edkg class, its edkg superclasses (transitively), read from the ontology."""
    direct: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for quad in ox.parse(path=str(ontology_dir() / "edkg.ttl"), format=ox.RdfFormat.TURTLE):
        if (
            quad.predicate == SUBCLASS_OF
            and isinstance(quad.object, ox.NamedNode)
            and quad.subject.value.startswith(EDKG)
            and quad.object.value.startswith(EDKG)
        ):
            direct.setdefault(quad.subject, set()).add(quad.object)
    closure = {}
    for cls in direct:
        seen: set[ox.NamedNode] = set()
        todo = list(direct[cls])
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(direct.get(parent, ()))
        closure[cls] = frozenset(seen)
    return closure


def record_quads(
    converted: list[records.Converted], base_iri: str, *, named: bool = True
) -> Iterator[ox.Quad]:
    """The records' quads in their named graphs, with the classes they inherit.

    Made from the records' JSON-LD nodes by `edkg.quads`, which reads the JSON-LD context as data
    (about 20 times faster than parsing the JSON-LD); a record it cannot read is parsed as JSON-LD
    (`jsonld_quads`), which gives the same quads. With `named` False, every quad is in the
    default graph (what SHACL validation reads).
    """
    converter = quad_converter(base_iri)
    for graph, nodes in records.iter_graphs(converted):
        made = None
        if converter is not None:
            try:
                made = converter.graph(base_iri + graph, nodes, named=named)
            except quads.Unsupported:
                made = None
        if made is None:
            made = jsonld_quads([(graph, nodes)], base_iri)
            if not named:
                made = (ox.Quad(q.subject, q.predicate, q.object) for q in made)
        yield from made


@cache
def quad_converter(base_iri: str) -> quads.Converter | None:
    """The converter for the records' JSON-LD context and base; None if it cannot read them."""
    try:
        active = quads.compile_context(records.jsonld_document([], base_iri)["@context"])
    except quads.Unsupported as exc:
        log.warning("records will be parsed as JSON-LD: %s", exc)
        return None
    return quads.Converter(active, superclasses())


def jsonld_quads(
    parts: Iterable[tuple[str, list[dict]]], base_iri: str, batch: int = 250
) -> Iterator[ox.Quad]:
    """Parse (graph path, nodes) parts as JSON-LD into quads, adding inherited classes.

    Parts are parsed in batches, one JSON-LD document of named graphs each, so that the context
    is processed once a batch rather than once a record.
    """
    supers = superclasses()
    parts = list(parts)
    for start in range(0, len(parts), batch):
        graphs = [
            {"@id": base_iri + graph, "@graph": nodes}
            for graph, nodes in parts[start : start + batch]
        ]
        document = records.jsonld_document(graphs, base_iri)
        for quad in ox.parse(json.dumps(document).encode("utf-8"), format=ox.RdfFormat.JSON_LD):
            yield quad
            if quad.predicate == RDF_TYPE and quad.object in supers:
                for parent in supers[quad.object]:
                    yield ox.Quad(quad.subject, RDF_TYPE, parent, quad.graph_name)


def ontology_quads() -> Iterator[ox.Quad]:
    """The ontology and vocabularies, each in its graph.

    Blank nodes (OWL lists and restrictions) are renamed in the order the parser meets them, so
    that a rebuild gives exactly the same quads.
    """
    for graph, path in ontology_graphs():
        name = ox.NamedNode(graph)
        prefix = path.stem.replace("-", "")
        stable: dict[ox.BlankNode, ox.BlankNode] = {}
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            subject, value = quad.subject, quad.object
            if isinstance(subject, ox.BlankNode):
                subject = stable.setdefault(subject, ox.BlankNode(f"{prefix}{len(stable) + 1}"))
            if isinstance(value, ox.BlankNode):
                value = stable.setdefault(value, ox.BlankNode(f"{prefix}{len(stable) + 1}"))
            yield ox.Quad(subject, quad.predicate, value, name)


def version_of(files: list[Path], base_iri: str) -> str:
    """A digest of everything a build reads, so equal inputs give an equal version."""
    digest = hashlib.sha256(f"edkg {__version__}\n{base_iri}\n".encode())
    inputs = sorted(files) + [path for _, path in ontology_graphs()]
    for path in inputs:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while the build holds the records.

    A build keeps millions of long-lived objects (the records as read and converted) that every
    full collection scans again; at 10,000 cases the default thresholds cost about 2 s of reading
    and 1.5 s of conversion. Garbage is still collected, in larger steps, and once more at the
    end, in the build's own thread: left for later, some of it (pyoxigraph results, which must be
    dropped by the thread that made them) could be collected by another thread.
    """
    before = gc.get_threshold()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.collect()


@_fewer_collections()
def build(
    paths: list[Path] | None,
    store_root: Path | str,
    base_iri: str,
    *,
    shacl: bool = True,
    remote: RemoteConfig | None = None,
) -> BuildResult:
    """Check every record (context, vocabularies, then SHACL), then write a new release.

    On any problem raise RecordError and leave the store untouched. SHACL results are cached in
    the store directory, so a rebuild validates only the records that changed. With `remote`,
    the release is written to the remote store's two datasets (see `edkg.remote`).
    """
    if not base_iri.endswith("/"):
        base_iri += "/"
    store_root = Path(store_root)
    collection = records.read(paths)
    converted, problems = records.convert(collection)
    if problems:
        raise RecordError(problems)
    counts: dict[str, int] = {}
    for record in collection.records:
        counts[record.kind] = counts.get(record.kind, 0) + 1
    ontology = list(ontology_quads())
    recording = _Recording(record_groups(converted, base_iri))
    validation = None
    if shacl:
        validator = RecordValidator(store_root / "validation-cache.json")
        validation = validator.start(
            converted,
            ontology,
            recording.unnamed_quads,
            base_iri,
            chunks=recording.chunks,
        )
    meta = {
        "version": version_of(collection.files, base_iri),
        "base_iri": base_iri,
        "records": counts,
        "edkg": __version__,
    }
    try:
        if validation is not None and validation.process is None:
            _accepted(validation)  # refused before anything is written
        recording.finish()  # when no validation read the records
        release = StoreDir(store_root, remote).write(
            lambda: _release_quads(ontology, recording, validation),
            meta,
            owned_graphs(base_iri),
            # The verdict is awaited once the stores are written and compacted, before the
            # release becomes current: the compaction runs while SHACL still does.
            verdict=(lambda: _accepted(validation)) if validation is not None else None,
        )
    finally:
        if validation is not None:
            validation.close()
    warnings = _accepted(validation) if validation is not None else ()
    log.info("built %s from %d records", release.path, len(collection.records))
    return BuildResult(release, counts, warnings)


class _Recording:
    """The records' quads, made once: kept as N-Quads, noting who withheld consent.

    Turning records into quads is the costliest step of a build. The quads are made once, in
    their named graphs, group by group (`record_groups`: the reference records, then chunks of
    cases), and kept serialised (about 175 bytes a quad, a tenth of the objects). `chunks` hands
    them, in the default graph, to validation processes as they are made, and
    `replay` parses them back for the stores. `withheld` holds the persons
    `publish.is_withheld` finds; it is complete once every quad has been made (`finish`).
    """

    def __init__(self, groups: Iterable[tuple[str, list[str], Iterable[ox.Quad]]]):
        self._groups = groups
        self._kept: list[bytes] = []
        self.withheld: set = set()
        self.complete = False

    def _record(self) -> Iterator[tuple[str, list[str], bytes]]:
        """Make each group's quads, keep their N-Quads and yield them (kind, focus, N-Quads)."""
        if self.complete or self._kept:
            raise RuntimeError("the records' quads are made only once")
        for kind, focus, made in self._groups:
            iterator = iter(made)
            while batch := list(islice(iterator, RECORDING_CHUNK)):
                for quad in batch:
                    if publish.is_withheld(quad):
                        self.withheld.add(quad.subject)
                named = ox.serialize(batch, format=ox.RdfFormat.N_QUADS)
                self._kept.append(named)
                yield kind, focus, named
        self.complete = True

    def chunks(self) -> Iterator[tuple[str, list[str], bytes]]:
        """(kind, focus, N-Quads in the default graph) for each group, as it is made."""
        parts: list[bytes] = []
        current = None
        for kind, focus, named in self._record():
            if current is not None and current[1] is not focus:
                yield current[0], current[1], b"".join(parts)
                parts = []
            current = (kind, focus)
            parts.append(_unnamed(named))
        if current is not None:
            yield current[0], current[1], b"".join(parts)

    def unnamed_quads(self) -> Iterator[ox.Quad]:
        for _, _, unnamed in self.chunks():
            yield from ox.parse(unnamed, format=ox.RdfFormat.N_QUADS)

    def finish(self) -> None:
        if not self.complete:
            for _ in self._record():
                pass

    def replay(self) -> Iterator[ox.Quad]:
        """The quads again, in the order they were made."""
        if not self.complete:
            raise RuntimeError("replay before the records' quads were all made")
        for named in self._kept:
            yield from ox.parse(named, format=ox.RdfFormat.N_QUADS)


def _unnamed(named: bytes) -> bytes:
    """The same N-Quads in the default graph.

    Every record quad is in a named graph, whose name, an IRI, ends its line: cutting that IRI off
    the line is exactly serialising the quad without it (tested), at a fraction of the cost.
    """
    unnamed, cut = GRAPH_NAME.subn(b" .\n", named)
    if cut != named.count(b"\n"):
        raise RuntimeError("a record quad outside a named graph")
    return unnamed


def record_groups(
    converted: list[records.Converted], base_iri: str
) -> Iterator[tuple[str, list[str], Iterator[ox.Quad]]]:
    """The records' quads in groups: ("reference", [], quads) for the places, organisations and
    links, then ("cases", focus, quads) for chunks of cases with the sources they cite, `focus`
    the IRIs of their nodes. A case's SHACL findings depend only on the case, its sources and the
    reference records, so a chunk can be validated as soon as it is made."""
    cases = [item for item in converted if item.graph.startswith(records.CASE_GRAPH)]
    sources = [item for item in converted if item.graph == records.SOURCE_GRAPH]
    reference = [
        item
        for item in converted
        if not item.graph.startswith(records.CASE_GRAPH) and item.graph != records.SOURCE_GRAPH
    ]
    yield "reference", [], record_quads(reference, base_iri)
    group: list[records.Converted] = []
    in_group = 0  # cases in `group`
    for together in _linked_records(cases + sources):
        group.extend(together)
        in_group += sum(item.graph.startswith(records.CASE_GRAPH) for item in together)
        if in_group >= CASES_PER_CHUNK:
            yield _case_group(group, base_iri)
            group, in_group = [], 0
    if group:
        yield _case_group(group, base_iri)


def _case_group(group: list[records.Converted], base_iri: str):
    focus = [base_iri + "id/" + rel for item in group for rel in item.locations]
    return "cases", focus, record_quads(group, base_iri)


def _linked_records(items: list[records.Converted]) -> list[list[records.Converted]]:
    """The records (cases and sources) in groups that must be validated together, in order.

    A case may name a node of another case (a relative recorded there), or a source. Records
    that name each other go in one group, so a source goes with the cases that cite it (sources
    are most of the reference data, and in every chunk they would cost each chunk's validation).
    A value is taken for a reference when it equals the identifier of another record's node (the
    last segment of its IRI): that can join records that need not be, never split any.
    """
    owner = {}
    for index, item in enumerate(items):
        for relative in item.locations:
            owner.setdefault(relative.rsplit("/", 1)[-1], index)
    parent = list(range(len(items)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for index, item in enumerate(items):
        for value in _strings([item.public, item.restricted]):
            other = owner.get(value)
            if other is not None and other != index:
                parent[root(index)] = root(other)
    groups: dict[int, list[records.Converted]] = {}
    for index, item in enumerate(items):
        groups.setdefault(root(index), []).append(item)
    return list(groups.values())


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _accepted(validation: Validation) -> tuple:
    """The warnings of a finished validation; RecordError if it found violations."""
    report = validation.result()
    if report.violations:
        raise RecordError([finding.problem() for finding in report.violations])
    return tuple(report.warnings)


def _release_quads(
    ontology: list[ox.Quad], recording: _Recording, validation: Validation | None
) -> Iterator[tuple[ox.Quad, bool]]:
    """The release's quads, flagged (the records' quads read back from `recording`).

    When the records are validated in a second process meanwhile, a validation that has ended
    with violations stops the writing early (RecordError); otherwise the store writer awaits the
    verdict (its `verdict`) before the release becomes current.
    """
    made = chain(ontology, recording.replay())
    for count, pair in enumerate(publish.flag(made, recording.withheld), 1):
        yield pair
        if count % 50_000 == 0 and validation is not None and validation.ready():
            _accepted(validation)


def owned_graphs(base_iri: str) -> tuple[str, ...]:
    """Prefixes of every graph name a release writes: its records' and the ontology's."""
    return (base_iri + "graph/", ONTOLOGY_IRI, VOCAB_BASE)


def republish(store_root: Path | str, remote: RemoteConfig | None = None) -> Release:
    """Derive the public dataset again from the current release's restricted dataset.

    The new release holds the same restricted dataset and a public one made by the publication
    rules of this edkg version (see `publish`).
    """
    store = StoreDir(store_root, remote)
    current = store.current()
    quads = list(current.open("restricted"))
    digest = hashlib.sha256(f"{current.version} published by edkg {__version__}".encode())
    meta = {**current.meta, "version": digest.hexdigest()[:16], "published_from": current.version}
    meta.pop("triples", None)
    return store.write(lambda: publish.flag(quads), meta, owned_graphs(current.meta["base_iri"]))
