"""SHACL validation: the build refuses violations, reports warnings, re-validates only changes."""

from __future__ import annotations

import json
import shutil

import pytest
import rdflib
from edkg import check
from edkg.build import build
from edkg.cli import main
from edkg.errors import RecordError
from edkg.store import StoreDir
from edkg.validate import ShapesError, read_shapes
from rdflib.namespace import SH

BASE = "https://w3id.org/edkg/"


def _copy(records_dir, tmp_path):
    target = tmp_path / "records"
    shutil.copytree(records_dir, target)
    return target


def _transfer_before_arrest(root):
    case = root / "cases" / "T001.yaml"
    text = case.read_text(encoding="utf-8").replace("date: 2013-21", "date: '2012-01'")
    case.write_text(text, encoding="utf-8")


def test_sample_has_no_violations():
    outcome = check.validate_records(None, BASE)
    assert outcome.problems == []
    assert [str(f.problem()) for f in outcome.report.violations] == []
    assert outcome.status(strict=False) == check.CONFORMS


def test_test_records_conform(records_dir):
    outcome = check.validate_records([records_dir], BASE)
    assert outcome.report is not None and not outcome.report.violations


def test_build_refuses_a_shacl_violation_and_names_the_field(tmp_path, records_dir):
    root = _copy(records_dir, tmp_path)
    _transfer_before_arrest(root)
    with pytest.raises(RecordError) as caught:
        build([root], tmp_path / "store", BASE)
    problems = caught.value.problems
    assert problems, "an event dated before the arrest it follows must be refused"
    assert all(p.file.endswith("T001.yaml") and p.record == "T001" for p in problems)
    assert any((p.field or "").startswith("events[1]") for p in problems)
    assert not (tmp_path / "store" / "current").exists()


def test_rebuild_validates_only_changed_records(tmp_path, records_dir):
    root = _copy(records_dir, tmp_path)
    store = tmp_path / "store"
    build([root], store, BASE)
    cache = json.loads((store / "validation-cache.json").read_text())
    assert cache, "the first build fills the cache"
    from edkg import validate

    seen = []
    original = validate.validate_graph

    def spy(data, shapes, focus=None, engine="turbo"):
        seen.append(focus)
        return original(data, shapes, focus, engine)

    validate.validate_graph = spy
    try:
        build([root], store, BASE)
        assert seen == [], "nothing changed: nothing is validated again"
        case = root / "cases" / "T001.yaml"
        case.write_text(case.read_text().replace("Test case of", "A test case of"))
        build([root], store, BASE)
    finally:
        validate.validate_graph = original
    assert len(seen) == 1
    focus = seen[0]
    assert focus and all("/id/" in iri for iri in focus)
    assert BASE + "id/case/T001" in focus
    assert BASE + "id/place/tumen" not in focus


def test_shapes_that_reach_outside_are_refused():
    with pytest.raises(ShapesError, match="owl:imports"):
        read_shapes("<urn:s> <http://www.w3.org/2002/07/owl#imports> <http://example.org/x> .")
    select = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:s> sh:select "
        '"SELECT $this WHERE { SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }" .'
    )
    with pytest.raises(ShapesError, match="SERVICE"):
        read_shapes(select)
    with pytest.raises(ShapesError, match="FROM"):
        read_shapes(select.replace("SERVICE <http://127.0.0.1:9/>", "FROM <file:///etc/passwd>"))
    with pytest.raises(ShapesError, match="do not parse"):
        read_shapes("this is not turtle")


def test_validate_command_exit_statuses(runner, tmp_path, records_dir):
    ok = runner.invoke(main, ["validate", str(records_dir)])
    assert ok.exit_code == 0, ok.output
    assert "0 violations" in ok.output
    root = _copy(records_dir, tmp_path)
    _transfer_before_arrest(root)
    bad = runner.invoke(main, ["validate", str(root)])
    assert bad.exit_code == 1
    assert "T001.yaml" in bad.output and "events[1]" in bad.output
    broken = _copy(records_dir, tmp_path / "broken")
    (broken / "cases" / "T001.yaml").write_text("id: [unclosed\n")
    unusable = runner.invoke(main, ["validate", str(broken)])
    assert unusable.exit_code == 2


def test_validate_json_and_turtle(runner, tmp_path, records_dir):
    root = _copy(records_dir, tmp_path)
    _transfer_before_arrest(root)
    as_json = json.loads(runner.invoke(main, ["validate", str(root), "--format", "json"]).output)
    assert as_json["conforms"] is False and as_json["violations"] >= 1
    first = next(r for r in as_json["results"] if r["severity"] == "Violation")
    assert first["record"] == "T001" and first["file"].endswith("T001.yaml")
    turtle = runner.invoke(main, ["validate", str(root), "--format", "turtle"]).output
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (None, SH.conforms, rdflib.Literal(False)) in graph
    assert any(graph.subjects(SH.resultSeverity, SH.Violation))


def test_structural_problem_in_turtle_report(runner, tmp_path, records_dir):
    root = _copy(records_dir, tmp_path)
    case = root / "cases" / "T001.yaml"
    case.write_text(case.read_text().replace("sex: male", "sex: mael"))
    result = runner.invoke(main, ["validate", str(root), "--format", "turtle"])
    assert result.exit_code == 1
    graph = rdflib.Graph().parse(data=result.output, format="turtle")
    component = rdflib.URIRef("https://w3id.org/edkg/ontology#RecordFormatConstraintComponent")
    results = list(graph.subjects(SH.sourceConstraintComponent, component))
    assert len(results) == 1
    path = graph.value(results[0], SH.resultPath)
    assert path == rdflib.URIRef("https://w3id.org/edkg/ontology#sex")


def test_strict_fails_on_warnings_and_summary_lists_elements(runner, tmp_path, records_dir):
    relaxed = runner.invoke(main, ["validate", str(records_dir), "--summary"])
    assert relaxed.exit_code == 0
    assert "deprivationOfLiberty" in relaxed.output and "T001" in relaxed.output
    strict = runner.invoke(main, ["validate", str(records_dir), "--strict"])
    # The test case documents no step taken by relatives: a warning, which --strict makes fatal.
    assert strict.exit_code == 1
    assert "Warning" in strict.output


def test_public_dataset_has_no_restricted_property(test_store):
    from edkg.validate import validate_quads

    store = StoreDir(test_store).current().open("public")
    for engine in ("turbo", "pyshacl"):
        report = validate_quads(list(store), public=True, engine=engine)
        assert not report.violations
    restricted = StoreDir(test_store).current().open("restricted")
    report = validate_quads(list(restricted), public=True)
    assert {f.path.rsplit("#", 1)[-1] for f in report.violations} == {
        "legalName",
        "interviewee",
        "contactDetails",
        "confidentialNote",
    }


def test_engines_agree_on_the_sample_and_the_test_records(records_dir):
    """pyshacl-turbo (used by the build) and pySHACL (the reference) find exactly the same."""
    from edkg import records
    from edkg.build import ontology_quads, record_quads
    from edkg.validate import validate_quads

    for paths in (None, [records_dir]):
        collection = records.read(paths)
        converted, problems = records.convert(collection)
        assert not problems
        quads = list(ontology_quads()) + list(record_quads(converted, BASE))
        turbo = validate_quads(quads, engine="turbo").findings
        reference = validate_quads(quads, engine="pyshacl").findings
        assert turbo == reference
        assert turbo, "the sample documents warnings, so the comparison compares something"


def test_case_elements_query_agrees_with_the_warnings():
    """The --summary table and the SHACL warnings read the UN and legal elements the same way."""
    columns = {
        "wgeid-identity": "identity",
        "wgeid-date": "date",
        "wgeid-place": "place",
        "wgeid-responsible": "responsible",
        "wgeid-relatives-steps": "relativesSteps",
        "wgeid-submitter": "submitter",
        "legal-deprivation-of-liberty": "deprivationOfLiberty",
        "legal-state-involvement": "stateInvolvement",
        "legal-concealment": "concealment",
        "legal-outside-law": "outsideProtectionOfLaw",
    }
    outcome = check.validate_records(None, BASE)
    missing = {
        (f.record, columns[f.shape.rsplit("CaseShape-", 1)[-1]])
        for f in outcome.report.warnings
        if f.shape and "CaseShape-" in f.shape
    }
    rows = check.summary(outcome)
    table = {
        (row["identifier"], column)
        for row in rows
        for column in columns.values()
        if row[column] == "0"
    }
    assert table == missing
    assert len(rows) == 66
