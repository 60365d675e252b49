"""The edkg command line: build, query and export, their formats and exit statuses."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
import rdflib
from edkg.cli import main


def test_help_on_every_command(runner):
    for command in ([], ["build"], ["query"], ["export"], ["serve"]):
        result = runner.invoke(main, [*command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output


def test_build_reports_what_it_built(runner, tmp_path, records_dir):
    result = runner.invoke(main, ["build", str(records_dir), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "1 cases" in result.output and "public" in result.output


def test_build_with_bad_record_exits_1_and_stores_nothing(runner, tmp_path, records_dir):
    broken = tmp_path / "records"
    shutil.copytree(records_dir, broken)
    case = broken / "cases" / "T001.yaml"
    case.write_text(case.read_text().replace("sex: male", "sex: mael"), encoding="utf-8")
    store = tmp_path / "s"
    result = runner.invoke(main, ["build", str(broken), "--store", str(store)])
    assert result.exit_code == 1
    assert "T001.yaml:" in result.stderr and "persons[0].sex" in result.stderr
    assert "'mael'" in result.stderr and "nothing was stored" in result.stderr
    assert not (store / "current").exists()


def test_query_formats(runner, test_store):
    args = ["query", "totals", "--store", str(test_store)]
    table = runner.invoke(main, args)
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].split()[:2] == ["cases", "victims"]
    as_csv = runner.invoke(main, [*args, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert rows[0]["cases"] == "1" and rows[0]["victims"] == "2"
    as_json = json.loads(runner.invoke(main, [*args, "--format", "json"]).output)
    assert as_json["results"]["bindings"][0]["sources"]["value"] == "2"
    as_tsv = runner.invoke(main, [*args, "--format", "tsv"]).output
    assert as_tsv.splitlines()[0].startswith("?cases\t?victims")


def test_query_with_parameters(runner, test_store):
    result = runner.invoke(
        main,
        [
            "query",
            "case-events",
            "--param",
            "case=https://w3id.org/edkg/id/case/T001",
            "--format",
            "csv",
            "--store",
            str(test_store),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["sequence"] for r in rows] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "no named query"),
        (["case-events"], "needs parameter case"),
        (["case-events", "--param", "case=not an iri"], "not an absolute IRI"),
        (["totals", "--param", "x=1"], "no parameter x"),
    ],
)
def test_query_errors(runner, test_store, args, message):
    result = runner.invoke(main, ["query", *args, "--store", str(test_store)])
    assert result.exit_code == 1
    assert message in result.stderr


def test_query_from_file(runner, test_store, tmp_path):
    path = tmp_path / "count.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) { ?s a <https://w3id.org/edkg/ontology#Case> }")
    result = runner.invoke(
        main, ["query", str(path), "--format", "csv", "--store", str(test_store)]
    )
    assert result.output.splitlines() == ["n", "1"]


def test_query_without_store(runner, tmp_path):
    result = runner.invoke(main, ["query", "totals", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1 and "edkg build" in result.stderr


@pytest.mark.parametrize(
    ("fmt", "parser"), [("turtle", "turtle"), ("nquads", "nquads"), ("jsonld", "json-ld")]
)
def test_export_parses_back_and_holds_no_restricted_data(runner, test_store, tmp_path, fmt, parser):
    output = tmp_path / f"dump.{fmt}"
    result = runner.invoke(
        main, ["export", "--format", fmt, "-o", str(output), "--store", str(test_store)]
    )
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert "CANARY" not in text
    graph = rdflib.Dataset() if parser != "turtle" else rdflib.Graph()
    graph.parse(data=text, format=parser)
    case = rdflib.URIRef("https://w3id.org/edkg/id/case/T001")
    assert (case, rdflib.RDF.type, rdflib.URIRef("https://w3id.org/edkg/ontology#Case")) in (
        graph
        if parser == "turtle"
        else graph.graph(rdflib.URIRef("https://w3id.org/edkg/graph/case/T001"))
    )
