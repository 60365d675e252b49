"""The benchmark's record generator: deterministic, and every record it writes builds."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import yaml
from edkg.build import build

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/edkg/"


def _generate_module():
    """bench.generate from the repository (bench/ is not installed with the package)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("bench.generate")


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_generating_twice_gives_identical_files_that_build(tmp_path):
    generate = _generate_module()
    generate.generate(50, tmp_path / "a", seed=7)
    generate.generate(50, tmp_path / "b", seed=7)
    first = _files(tmp_path / "a")
    assert first == _files(tmp_path / "b")
    assert sum(name.startswith("cases/") for name in first) == 50
    assert {"sources.yaml", "places.yaml", "organisations.yaml"} <= set(first)

    result = build([tmp_path / "a"], tmp_path / "store", BASE)
    assert result.records["case"] == 50
    assert result.records["source"] == 50
    triples = result.release.meta["triples"]
    assert triples["restricted"] > triples["public"] > 50 * 40


def test_another_seed_gives_other_cases(tmp_path):
    generate = _generate_module()
    generate.generate(3, tmp_path / "a", seed=7)
    generate.generate(3, tmp_path / "b", seed=8)
    assert _files(tmp_path / "a") != _files(tmp_path / "b")


def test_yaml_writer_round_trips_through_a_yaml_parser():
    generate = _generate_module()
    reference = generate.load_reference(generate.reference_dir())
    for number in range(1, 200):
        case, sources = generate._CaseMaker(number, 7, reference).make()
        assert yaml.safe_load(generate.to_yaml(case)) == case
        assert yaml.safe_load(generate.to_yaml(sources)) == sources
    tricky = {"id": "X", "note": "yes", "title": "a: b # c", "n": ["on", "2013-04", "O"]}
    assert yaml.safe_load(generate.to_yaml(tricky)) == tricky
