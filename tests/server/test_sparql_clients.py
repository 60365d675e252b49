"""Clients no one here wrote, against a real /sparql server on 127.0.0.1.

SPARQLWrapper (every query form and return format, GET, POST form and POST direct), roqet (Debian
rasqal-utils), rapper (Debian raptor2-utils) and the Comunica command line (npm
@comunica/query-sparql 4). `make install-test` installs the tools (tests/tools/install.sh); a
missing tool fails these tests, it never skips them.

Known limits of the tools, not of the endpoint: roqet 0.9.33 asks every query with
``Accept: application/sparql-results+xml`` (so a CONSTRUCT gets 406 from an endpoint that will not
mislabel a graph as results) and reads an ASK answer as an empty table; Raptor 2 has no JSON-LD
parser, so JSON-LD is read by rdflib and by Comunica instead.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
import rdflib
from edkg.server import create_app
from rdflib import RDF, URIRef
from rdflib.compare import isomorphic
from sparql_support import close_pool, parse_results, serve
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

TOOLS = Path(__file__).resolve().parents[1] / "tools"
COMUNICA = TOOLS / "node_modules" / ".bin" / "comunica-sparql"
EDKG = "https://w3id.org/edkg/ontology#"
CASE = URIRef(EDKG + "Case")
C001 = URIRef("https://w3id.org/edkg/id/case/C001")
LABELS = (
    "SELECT ?class ?label WHERE { ?class a <http://www.w3.org/2002/07/owl#Class> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = 'en') } "
    "ORDER BY ?class LIMIT 5"
)
CASES = (
    f"CONSTRUCT {{ ?case a <{CASE}> ; <http://purl.org/dc/terms/title> ?title }} "
    f"WHERE {{ ?case a <{CASE}> ; <http://purl.org/dc/terms/title> ?title }}"
)
DESCRIBE = f"DESCRIBE <{C001}>"
# rdflib's RDF/XML and JSON-LD conversion inside SPARQLWrapper builds a ConjunctiveGraph.
CONJUNCTIVE = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: run tests/tools/install.sh (make install-test)"
    return path


@pytest.fixture(scope="module")
def endpoint(sample_store):
    app = create_app({"STORE": str(sample_store), "QUERY_WORKERS": 2})
    with serve(app) as url:
        yield url
    close_pool(app)


@pytest.fixture(scope="module")
def expected(endpoint):
    """The reference answers, fetched once as SPARQL JSON and Turtle."""

    def fetch(query: str, accept: str) -> bytes:
        url = f"{endpoint}?{urlencode({'query': query})}"
        request = urllib.request.Request(url, headers={"Accept": accept})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    labels = json.loads(fetch(LABELS, "application/sparql-results+json"))
    rows = [(b["class"]["value"], b["label"]["value"]) for b in labels["results"]["bindings"]]
    cases = rdflib.Graph().parse(data=fetch(CASES, "text/turtle"), format="turtle")
    described = rdflib.Graph().parse(data=fetch(DESCRIBE, "text/turtle"), format="turtle")
    assert len(rows) == 5 and len(cases) == 132 and len(described) > 5
    return {"labels": rows, "cases": cases, "described": described}


def wrapper(endpoint: str, query: str, fmt: str, method: str, request_method: str):
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    return client.query()


METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


# --- SPARQLWrapper ------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "request_method"), METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(endpoint, expected, fmt, method, request_method):
    result = wrapper(endpoint, LABELS, fmt, method, request_method)
    converted = result.convert()
    if fmt == JSON:
        rows = [
            (b["class"]["value"], b["label"]["value"]) for b in converted["results"]["bindings"]
        ]
    elif fmt == XML:
        rows = []
        for node in converted.getElementsByTagName("result"):
            values = {
                b.getAttribute("name"): b.firstChild.firstChild.data
                for b in node.getElementsByTagName("binding")
            }
            rows.append((values["class"], values["label"]))
    else:
        delimiter = "," if fmt == CSV else "\t"
        table = list(csv.reader(io.StringIO(converted.decode("utf-8")), delimiter=delimiter))
        assert table[0] == (["class", "label"] if fmt == CSV else ["?class", "?label"])
        rows = [(c.strip("<>"), label.rsplit("@", 1)[0].strip('"')) for c, label in table[1:]]
    assert rows == expected["labels"]


@pytest.mark.parametrize(("method", "request_method"), METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(endpoint, fmt, method, request_method):
    for query, answer in (
        (f"ASK {{ <{C001}> a <{CASE}> }}", True),
        ("ASK { <urn:x> ?p ?o }", False),
    ):
        converted = wrapper(endpoint, query, fmt, method, request_method).convert()
        if fmt == JSON:
            assert converted["boolean"] is answer
        else:
            text = converted.getElementsByTagName("boolean")[0].firstChild.data
            assert text == str(answer).lower()


@CONJUNCTIVE
@pytest.mark.parametrize(("method", "request_method"), METHODS)
@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])
@pytest.mark.parametrize("form", ["construct", "describe"])
def test_sparqlwrapper_graphs(endpoint, expected, form, fmt, method, request_method):
    query, key = {"construct": (CASES, "cases"), "describe": (DESCRIBE, "described")}[form]
    reference = expected[key]
    converted = wrapper(endpoint, query, fmt, method, request_method).convert()
    if isinstance(converted, bytes):
        graph = rdflib.Graph().parse(data=converted, format="turtle")
    else:
        graph = rdflib.Graph()
        for triple in converted.triples((None, None, None)):
            graph.add(triple)
    assert isomorphic(graph, reference)


# --- roqet (rasqal) -----------------------------------------------------------------------------


def roqet(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("roqet"), "-q", *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml"])
def test_roqet_select_through_the_protocol(endpoint, expected, fmt):
    run = roqet("-p", endpoint, "-e", LABELS, "-r", fmt)
    assert run.returncode == 0, run.stderr
    if fmt == "xml":
        result = parse_results(run.stdout.encode(), "application/sparql-results+xml")
        rows = [(str(c), str(label)) for c, label in result]
    else:
        table = list(csv.reader(io.StringIO(run.stdout), delimiter="," if fmt == "csv" else "\t"))
        rows = [(c.strip("<>"), label.rsplit("@", 1)[0].strip('"')) for c, label in table[1:]]
    assert rows == expected["labels"]


@pytest.mark.parametrize(
    ("fmt", "mimetype"),
    [("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
     ("tsv", "text/tab-separated-values")],
)  # fmt: skip
def test_roqet_reads_our_results_documents(endpoint, expected, tmp_path, fmt, mimetype):
    url = f"{endpoint}?{urlencode({'query': LABELS})}"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": mimetype})) as r:
        assert r.headers["Content-Type"].startswith(mimetype)
        document = tmp_path / f"labels.{fmt}"
        document.write_bytes(r.read())
    run = roqet("-t", str(document), "-R", fmt, "-r", "simple")
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith("row: ")]
    assert len(lines) == 5
    for line, (iri, label) in zip(lines, expected["labels"], strict=True):
        assert iri in line and label in line


def test_roqet_ask_and_construct(endpoint):
    ask = roqet("-p", endpoint, "-e", "ASK { ?s ?p ?o }")
    assert ask.returncode == 0 and "Error" not in ask.stderr
    # roqet asks a graph query for SPARQL XML results only; the endpoint will not pretend.
    construct = roqet("-p", endpoint, "-e", "CONSTRUCT WHERE { ?s a ?c } LIMIT 2")
    assert "HTTP status 406" in construct.stderr


# --- rapper (raptor) ---------------------------------------------------------------------------


RAPPER = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
}


def rapper_count(data: bytes, syntax: str) -> int:
    run = subprocess.run(
        [tool("rapper"), "-q", "-i", syntax, "-o", "ntriples", "-", "http://example.org/base"],
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode()
    return len([line for line in run.stdout.decode().splitlines() if line.strip()])


@pytest.mark.parametrize("mimetype", sorted(RAPPER))
def test_rapper_parses_every_rdf_format(endpoint, expected, mimetype):
    for query, reference in ((CASES, expected["cases"]), (DESCRIBE, expected["described"])):
        url = f"{endpoint}?{urlencode({'query': query})}"
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": mimetype})) as r:
            assert r.headers["Content-Type"].startswith(mimetype)
            assert rapper_count(r.read(), RAPPER[mimetype]) == len(reference)
    with urllib.request.urlopen(
        urllib.request.Request(endpoint, headers={"Accept": mimetype})
    ) as r:
        description = r.read()
    graph = rdflib.Graph().parse(data=description, format=RAPPER[mimetype].replace("rdfxml", "xml"))
    assert rapper_count(description, RAPPER[mimetype]) == len(graph) > 50


# --- Comunica ------------------------------------------------------------------------------------


def comunica(endpoint: str, query: str, mimetype: str) -> bytes:
    assert COMUNICA.exists(), "Comunica is missing: run tests/tools/install.sh (make install-test)"
    run = subprocess.run(
        [str(COMUNICA), f"sparql@{endpoint}", query, "-t", mimetype],
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode()
    return run.stdout


def test_comunica_select_and_ask(endpoint, expected):
    rows = json.loads(comunica(endpoint, LABELS, "application/sparql-results+json"))
    found = [(b["class"]["value"], b["label"]["value"]) for b in rows["results"]["bindings"]]
    assert found == expected["labels"]
    assert all(b["label"].get("xml:lang") == "en" for b in rows["results"]["bindings"])
    answer = json.loads(comunica(endpoint, f"ASK {{ <{C001}> a <{CASE}> }}", "application/json"))
    assert answer is True


def test_comunica_construct_and_describe(endpoint, expected):
    cases = comunica(endpoint, CASES, "application/n-triples")
    assert isomorphic(rdflib.Graph().parse(data=cases, format="nt"), expected["cases"])
    described = rdflib.Graph().parse(
        data=comunica(endpoint, DESCRIBE, "text/turtle"), format="turtle"
    )
    assert (C001, RDF.type, CASE) in described
    assert isomorphic(described, expected["described"])


def test_json_ld_is_read_by_rdflib(endpoint, expected):
    """Raptor has no JSON-LD parser: the JSON-LD the endpoint writes is read by rdflib."""
    url = f"{endpoint}?{urlencode({'query': CASES})}"
    with urllib.request.urlopen(
        urllib.request.Request(url, headers={"Accept": "application/ld+json"})
    ) as r:
        graph = rdflib.Graph().parse(data=r.read(), format="json-ld")
    assert isomorphic(graph, expected["cases"])
