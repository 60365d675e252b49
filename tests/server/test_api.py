"""The named queries over HTTP: catalogue, typed parameters, negotiated results, OpenAPI."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from edkg import queries
from edkg.cli import main
from edkg.store import StoreDir

CASE = "https://w3id.org/edkg/id/case/C001"


@pytest.fixture(scope="module")
def version(sample_store) -> str:
    return StoreDir(sample_store).current().version


def _cli(runner, sample_store, *args: str) -> bytes:
    result = runner.invoke(main, ["query", *args, "--store", str(sample_store)])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


# ----------------------------------------------------------------------------------------------
# Catalogue


def test_catalogue_as_json_lists_every_query_with_typed_parameters(client):
    response = client.get("/queries", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Location"] == "/queries.json"
    assert "Accept" in response.vary
    entries = {e["name"]: e for e in response.get_json()["queries"]}
    assert set(entries) == set(queries.catalogue())
    events = entries["case-events"]
    assert events["parameters"] == [
        {"name": "case", "type": "IRI", "required": True, "variable": "?_case_iri", "example": CASE}
    ]
    assert (
        events["example"]
        == "/queries/case-events?case=https%3A%2F%2Fw3id.org%2Fedkg%2Fid%2Fcase%2FC001"
    )
    assert entries["totals"]["example"] == "/queries/totals"
    assert entries["arrest-location"]["parameters"][0]["required"] is False
    for entry in entries.values():
        assert entry["summary"] and entry["url"] == f"/queries/{entry['name']}"


def test_catalogue_page_for_browsers(client):
    response = client.get("/queries")
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for name in queries.catalogue():
        assert f'href="/queries/{name}"' in page
    assert (
        'href="/queries/case-events?case=https%3A%2F%2Fw3id.org%2Fedkg%2Fid%2Fcase%2FC001"' in page
    )
    assert client.get("/queries.json").mimetype == "application/json"


# ----------------------------------------------------------------------------------------------
# Running a query


def test_totals_reproduce_the_report(client):
    response = client.get("/queries/totals", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    row = response.get_json()["results"]["bindings"][0]
    assert row["cases"]["value"] == "66"
    assert row["victims"]["value"] == "113"


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("application/sparql-results+json", "json"),
    ],
)
def test_results_equal_edkg_query(client, runner, sample_store, accept, fmt):
    response = client.get("/queries/totals", headers={"Accept": accept})
    assert response.data == _cli(runner, sample_store, "totals", "--format", fmt)
    with_param = client.get(f"/queries/case-events?case={CASE}", headers={"Accept": accept})
    expected = _cli(runner, sample_store, "case-events", "--param", f"case={CASE}", "--format", fmt)
    assert with_param.data == expected
    optional = client.get("/queries/arrest-location?home=CN", headers={"Accept": accept})
    expected = _cli(runner, sample_store, "arrest-location", "-p", "home=CN", "--format", fmt)
    assert optional.data == expected


def test_every_named_query_runs_with_its_example(client):
    for name, named in queries.catalogue().items():
        if named.meta.get("federated") is True:
            continue  # refused with 400: tests/graph/test_federated.py
        defaults = named.defaults()
        params = {p: defaults[p] for p in named.parameters if p in defaults}
        response = client.get(f"/queries/{name}.json", query_string=params)
        assert response.status_code == 200, (name, response.get_data(as_text=True))
        assert "results" in response.get_json() or "boolean" in response.get_json()


def test_sparql_xml_results(client):
    response = client.get("/queries/totals", headers={"Accept": "application/sparql-results+xml"})
    assert response.mimetype == "application/sparql-results+xml"
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"


def test_any_media_type_gets_sparql_json_and_browsers_a_table(client):
    assert client.get("/queries/totals", headers={"Accept": "*/*"}).mimetype == (
        "application/sparql-results+json"
    )
    page = client.get("/queries/totals", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "<td>66</td>" in html and "<td>113</td>" in html
    events = client.get(f"/queries/case-events?case={CASE}", headers={"Accept": "text/html"})
    assert 'href="/id/event/C001-E2"' in events.get_data(as_text=True)


@pytest.mark.parametrize(
    ("suffix", "media_type"),
    [
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("json", "application/sparql-results+json"),
        ("srj", "application/sparql-results+json"),
        ("srx", "application/sparql-results+xml"),
        ("html", "text/html"),
    ],
)
def test_suffix_forces_the_results_format(client, suffix, media_type):
    response = client.get(f"/queries/totals.{suffix}", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Content-Location" not in response.headers


def test_negotiated_results_say_where_they_are(client, version):
    response = client.get(f"/queries/case-events?case={CASE}", headers={"Accept": "text/csv"})
    assert response.headers["Content-Location"] == f"/queries/case-events.csv?case={CASE}"
    assert response.headers["ETag"] == f'"{version}-csv"'
    assert "Accept" in response.vary
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1]["typeLabel"] == "Arrest"
    again = client.get(
        f"/queries/case-events?case={CASE}",
        headers={"Accept": "text/csv", "If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""
    assert client.head("/queries/totals.csv").status_code == 200


# ----------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/queries/case-events", 400, "needs parameter case"),
        ("/queries/case-events?case=C001", 400, "not an absolute IRI"),
        ("/queries/case-events?case=https://example.org/id/case/C001", 400, "not one of the"),
        (f"/queries/case-events?case={CASE[:-4]}", 400, "not one of the"),
        ("/queries/case-events?case=https://w3id.org/edkg/id/person/P001", 400, "not one of the"),
        (f"/queries/case-events?case={CASE}&colour=red", 400, "no parameter colour"),
        (f"/queries/case-events?case={CASE}&case={CASE}", 400, "given 2 times"),
        ("/queries/no-such-query", 404, "no named query"),
        ("/queries/Not_A_Name", 404, "no named query"),
    ],
)
def test_bad_requests_answer_in_the_negotiated_format(client, path, status, words):
    response = client.get(path, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == status
    assert response.mimetype == "application/sparql-results+json"
    assert words in response.get_json()["error"]["message"]
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == status and page.mimetype == "text/html"
    text = client.get(path, headers={"Accept": "text/csv"})
    assert text.status_code == status and words in text.get_data(as_text=True)
    # and the server goes on serving
    assert client.get("/queries/totals.csv").status_code == 200


def test_typed_parameter_checked():
    named = queries.get("case-events")
    assert named.parameters["case"].kind == "iri"


def test_results_nothing_acceptable_is_406(client):
    response = client.get("/queries/totals", headers={"Accept": "image/png"})
    assert response.status_code == 406


# ----------------------------------------------------------------------------------------------
# OpenAPI


def test_openapi_document_is_valid_and_has_a_path_per_named_query(client, version):
    from openapi_spec_validator import validate

    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["ETag"] == f'"{version}-json"'
    document = json.loads(response.data)
    validate(document)
    assert document["openapi"].startswith("3.0.")
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": "http://localhost"}]
    paths = document["paths"]
    assert set(paths) == {"/queries"} | {f"/queries/{name}" for name in queries.catalogue()}
    operation_ids = [op["get"]["operationId"] for op in paths.values()]
    assert len(operation_ids) == len(set(operation_ids))
    for path, item in paths.items():
        assert path.startswith("/")
        get = item["get"]
        assert "200" in get["responses"] and get["responses"]["200"]["description"]
    events = paths["/queries/case-events"]["get"]
    assert events["parameters"] == [
        {
            "name": "case",
            "in": "query",
            "required": True,
            "description": "IRI (SPARQL variable ?_case_iri)",
            "schema": {"type": "string", "format": "uri"},
            "example": CASE,
        }
    ]
    assert "text/csv" in events["responses"]["200"]["content"]
    home = paths["/queries/arrest-location"]["get"]["parameters"][0]
    assert home["required"] is False and home["schema"] == {"type": "string"}
