"""SHACL in a second process while the stores are written: same findings, same refusals, and
nothing becomes current unless the validation accepted the records."""

from __future__ import annotations

import json
import os
import shutil

import pyoxigraph as ox
import pytest
from edkg import validate
from edkg.build import build
from edkg.errors import RecordError
from edkg.store import StoreDir
from edkg.validate import ValidationFailed, ValidationProcess

BASE = "https://w3id.org/edkg/"


@pytest.fixture
def in_a_process(monkeypatch):
    """Validate every build in a second process, however few its records."""
    started = []
    original = ValidationProcess.__init__

    def spy(self):
        started.append(self)
        original(self)

    monkeypatch.setattr(validate, "PROCESS_MIN_RECORDS", 0)
    monkeypatch.setattr(ValidationProcess, "__init__", spy)
    return started


def _nquads(store: ox.Store) -> list[str]:
    return sorted(ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode().splitlines())


def _copy(records_dir, tmp_path):
    target = tmp_path / "records"
    shutil.copytree(records_dir, target)
    return target


def _break(root):
    """An event dated before the arrest it follows: a SHACL violation (see test_validate)."""
    case = root / "cases" / "T001.yaml"
    text = case.read_text(encoding="utf-8").replace("date: 2013-21", "date: '2012-01'")
    case.write_text(text, encoding="utf-8")


def _staging(root):
    return [p for p in (root / "releases").iterdir() if p.name.startswith(".staging")]


def _problems(error: RecordError) -> list[str]:
    return [str(p) for p in error.problems]


def test_same_release_and_warnings_as_in_process(tmp_path, in_a_process, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # one process (by chunks: see below)
    here = build(None, tmp_path / "a", BASE, shacl=True)
    assert len(in_a_process) == 1
    validate.PROCESS_MIN_RECORDS = 10**9
    there = build(None, tmp_path / "b", BASE)
    assert len(in_a_process) == 1
    for dataset in ("public", "restricted"):
        assert _nquads(here.release.open(dataset)) == _nquads(there.release.open(dataset))
    assert here.release.version == there.release.version
    assert here.warnings == there.warnings and here.warnings
    first = json.loads((tmp_path / "a" / "validation-cache.json").read_text())
    second = json.loads((tmp_path / "b" / "validation-cache.json").read_text())
    assert first == second


def test_violation_found_in_a_process_is_refused_like_in_process(
    tmp_path, records_dir, monkeypatch
):
    root = _copy(records_dir, tmp_path)
    good = build([root], tmp_path / "store", BASE).release
    before = _nquads(good.open("restricted"))
    _break(root)
    with pytest.raises(RecordError) as in_process:
        build([root], tmp_path / "other", BASE)
    monkeypatch.setattr(validate, "PROCESS_MIN_RECORDS", 0)
    with pytest.raises(RecordError) as in_a_process:
        build([root], tmp_path / "store", BASE)
    assert _problems(in_a_process.value) == _problems(in_process.value)
    assert _problems(in_a_process.value)
    current = StoreDir(tmp_path / "store").current()
    assert current.path == good.path
    assert _nquads(current.open("restricted")) == before
    assert not _staging(tmp_path / "store")
    assert sorted(p.name for p in (tmp_path / "store" / "releases").iterdir()) == [good.path.name]


def test_first_build_refused_in_a_process_makes_nothing_current(
    tmp_path, records_dir, in_a_process
):
    root = _copy(records_dir, tmp_path)
    _break(root)
    with pytest.raises(RecordError):
        build([root], tmp_path / "store", BASE)
    assert in_a_process
    assert not (tmp_path / "store" / "current").exists()
    assert not list((tmp_path / "store" / "releases").iterdir())


def test_a_failed_validation_process_fails_the_build(
    tmp_path, records_dir, in_a_process, monkeypatch
):
    good = build([records_dir], tmp_path / "store", BASE).release
    (tmp_path / "store" / "validation-cache.json").unlink()

    def garbage(self, data):
        self._put(b"D", b"this is not N-Quads\n")

    monkeypatch.setattr(ValidationProcess, "send_nquads", garbage)
    monkeypatch.setattr(validate.ChunkProcess, "reference", garbage)
    with pytest.raises(ValidationFailed, match="exit status"):
        build([records_dir], tmp_path / "store", BASE)
    assert StoreDir(tmp_path / "store").current().path == good.path
    assert not _staging(tmp_path / "store")


def test_the_process_is_stopped_when_the_build_fails(tmp_path, records_dir, in_a_process):
    def exploding(*args, **kwargs):
        raise OSError("disk full")

    store = StoreDir(tmp_path / "store")
    original = StoreDir.write
    StoreDir.write = exploding
    try:
        with pytest.raises(OSError):
            build([records_dir], store.root, BASE)
    finally:
        StoreDir.write = original
    assert in_a_process
    assert all(p._process.poll() is not None for p in in_a_process)


def test_quads_in_named_graphs_are_validated_as_their_union(records_dir):
    from edkg import records
    from edkg.build import ontology_quads, record_quads

    converted, _ = records.convert(records.read([records_dir]))
    quads = list(ontology_quads()) + list(record_quads(converted, BASE))
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in quads)
    process = ValidationProcess()
    try:
        process.send(quads[:100])
        process.send(ox.Quad(q.subject, q.predicate, q.object) for q in quads[100:])
        process.validate(None)
        found = process.findings()
    finally:
        process.close()
    assert found == list(validate.validate_quads(quads).findings)
    assert found


@pytest.fixture
def in_chunks(monkeypatch):
    """Validate every build by chunks of cases (ChunkedValidation), however few its records."""
    from edkg import build as building

    started = []
    original = validate.ChunkedValidation.__init__

    def spy(self, count):
        started.append(self)
        original(self, count)

    monkeypatch.setattr(validate, "PROCESS_MIN_RECORDS", 0)
    monkeypatch.setattr(building, "CASES_PER_CHUNK", 17)
    monkeypatch.setattr(validate.ChunkedValidation, "__init__", spy)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    return started


def test_cases_validated_in_chunks_find_what_one_validation_finds(tmp_path, in_chunks):
    chunked = build(None, tmp_path / "a", BASE)
    assert len(in_chunks) == 1
    validate.PROCESS_MIN_RECORDS = 10**9
    whole = build(None, tmp_path / "b", BASE)
    assert len(in_chunks) == 1
    assert chunked.warnings == whole.warnings and whole.warnings
    first = json.loads((tmp_path / "a" / "validation-cache.json").read_text())
    second = json.loads((tmp_path / "b" / "validation-cache.json").read_text())
    assert first == second
    for dataset in ("public", "restricted"):
        assert _nquads(chunked.release.open(dataset)) == _nquads(whole.release.open(dataset))


def test_a_violation_found_in_a_chunk_is_refused_like_in_process(
    tmp_path, records_dir, in_chunks, monkeypatch
):
    root = _copy(records_dir, tmp_path)
    _break(root)
    with pytest.raises(RecordError) as in_a_chunk:
        build([root], tmp_path / "store", BASE)
    assert in_chunks
    monkeypatch.setattr(validate, "PROCESS_MIN_RECORDS", 10**9)
    with pytest.raises(RecordError) as in_process:
        build([root], tmp_path / "other", BASE)
    assert _problems(in_a_chunk.value) == _problems(in_process.value)
    assert not (tmp_path / "store" / "current").exists()


def test_cases_that_name_each_other_are_validated_together():
    from edkg.build import _linked_records
    from edkg.records import Converted

    def case(name, persons, named=()):
        nodes = [{"id": f"case/{name}", "persons": [{"id": f"person/{p}"} for p in persons]}]
        if named:
            nodes[0]["persons"][0]["relatives"] = list(named)
        return Converted(
            f"graph/case/{name}", nodes, [], None, {f"person/{p}": None for p in persons}
        )

    cases = [
        case("A", ["A1"]),
        case("B", ["B1"], named=["D1"]),
        case("C", ["C1"]),
        case("D", ["D1"]),
    ]
    groups = [[item.graph.rsplit("/", 1)[-1] for item in group] for group in _linked_records(cases)]
    assert sorted(groups) == [["A"], ["B", "D"], ["C"]]
