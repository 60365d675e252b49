"""Nothing restricted leaves through a public route.

tests/data/records plants a canary ("CANARY-...-7f3a") in every kind of restricted field: a source's
interviewee, contact and note, a case's and an event's confidential note, a person's legal name,
and the name and note of a person whose consent is withheld. This test crawls every page the
public site links to, in every format, runs adversarial SPARQL against /sparql, every named query
with every entity as parameter, the dumps and VoID, and looks for any canary in any byte returned.
"""

from __future__ import annotations

import gzip
import re
from collections import deque
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from edkg import queries
from edkg.server import create_app
from edkg.store import StoreDir

BASE = "https://w3id.org/edkg/"
CANARY = b"CANARY"
SUFFIXES = ("", ".html", ".ttl", ".nt", ".jsonld", ".rdf")
ACCEPTS = (
    "text/html",
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "*/*",
)
LINK = re.compile(rb'(?:href|src)="(/[^"#?]*)(?:\?[^"#]*)?"')


@pytest.fixture(scope="module")
def app(test_store):
    app = create_app({"TESTING": True, "STORE": str(test_store), "QUERY_TIMEOUT": 20})
    yield app
    pool = app.extensions.get("edkg.sparql")
    if pool is not None:
        pool.close()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def _clean(response, what: str) -> bytes:
    body = response.data
    response.close()
    if response.headers.get("Content-Encoding") == "gzip" or what.endswith(".gz"):
        body = gzip.decompress(body)
    assert CANARY not in body, f"{what} returned restricted data"
    for name, value in response.headers.items():
        assert "CANARY" not in value, f"{what} header {name}"
    return body


def test_the_canaries_are_planted(test_store):
    restricted = StoreDir(test_store).current().open("restricted")
    text = ox.serialize(restricted, format=ox.RdfFormat.N_QUADS)
    assert len(set(re.findall(rb"CANARY-[A-Z-]+-7f3a", text))) == 8


def test_every_linked_page_in_every_format(client):
    seen: set[str] = set()
    todo = deque(["/", "/queries", "/ontology", "/vocabularies", "/dumps/", "/sparql"])
    while todo:
        path = todo.popleft()
        if path in seen or len(seen) > 3000:
            continue
        seen.add(path)
        response = client.get(path, headers={"Accept": "text/html"})
        body = _clean(response, path)
        if response.mimetype == "text/html":
            for link in LINK.findall(body):
                target = link.decode()
                if not urlsplit(target).netloc and target not in seen:
                    todo.append(target)
    assert len(seen) > 50, "the crawl reached the cases, persons, events, places and sources"
    entities = [p for p in seen if p.startswith("/id/")]
    assert {"/id/case/T001", "/id/person/TP1", "/id/person/TP2", "/id/source/TS1"} <= set(entities)
    for path in [*entities, "/ontology", "/.well-known/void"]:
        for suffix in SUFFIXES:
            _clean(client.get(path + suffix), path + suffix)
        for accept in ACCEPTS:
            _clean(client.get(path, headers={"Accept": accept}), f"{path} as {accept}")


def test_entities_linked_but_not_described_are_not_leaked(client):
    for path in ("/id/person/TP2", "/id/event/T001-E1", "/id/source/TS1", "/id/source/TS2"):
        for accept in ACCEPTS:
            _clean(client.get(path, headers={"Accept": accept}), f"{path} as {accept}")


ADVERSARIAL = [
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT ?o WHERE { ?s ?p ?o FILTER (CONTAINS(STR(?o), 'CANARY')) }",
    f"SELECT * FROM NAMED <{BASE}graph/case/T001/restricted> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    f"SELECT * FROM <{BASE}graph/case/T001/restricted> WHERE {{ ?s ?p ?o }}",
    f"SELECT * FROM <{BASE}graph/sources/restricted> WHERE {{ ?s ?p ?o }}",
    f"DESCRIBE <{BASE}id/person/TP2>",
    f"DESCRIBE <{BASE}id/person/TP1>",
    f"DESCRIBE <{BASE}id/source/TS1> <{BASE}id/case/T001> <{BASE}id/event/T001-E1>",
    "DESCRIBE ?s WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?o WHERE { ?s (<urn:x:p>|!<urn:x:p>)* ?o }",
    "SELECT ?name WHERE { ?p <https://w3id.org/edkg/ontology#legalName> ?name }",
    "SELECT ?who WHERE { ?s <https://w3id.org/edkg/ontology#interviewee> ?who }",
    "ASK { ?s ?p ?o FILTER (REGEX(STR(?o), 'CANARY')) }",
    "SELECT (GROUP_CONCAT(STR(?o)) AS ?all) WHERE { GRAPH ?g { ?s ?p ?o } }",
]
RESULT_ACCEPTS = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-triples",
)


@pytest.mark.parametrize("query", ADVERSARIAL)
def test_adversarial_sparql(client, query):
    for accept in RESULT_ACCEPTS:
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        _clean(response, f"{query} as {accept}")
        if "CANARY" in query and response.status_code == 200 and "ASK" in query:
            assert b"false" in response.data
    response = client.post(
        "/sparql",
        data={
            "query": query,
            "named-graph-uri": f"{BASE}graph/case/T001/restricted",
            "default-graph-uri": f"{BASE}graph/sources/restricted",
        },
    )
    _clean(response, f"{query} with a restricted dataset in the request")


def test_named_queries_with_every_entity_as_parameter(client, test_store):
    store = StoreDir(test_store).current().open("restricted")
    entities = sorted({q.subject.value for q in store if q.subject.value.startswith(BASE + "id/")})
    for named in queries.catalogue().values():
        if named.meta.get("federated"):
            continue
        iri_parameters = [p for p in named.parameters.values() if p.kind == "iri"]
        values = (
            [{}]
            if not iri_parameters
            else [{p.name: entity for p in iri_parameters} for entity in entities]
        )
        for given in values:
            for suffix in (".json", ".csv", ".html"):
                path = f"/queries/{named.name}{suffix}"
                _clean(client.get(path, query_string=given), f"{path} {given}")


def test_dumps_void_and_service_description(client):
    listing = client.get("/dumps/")
    _clean(listing, "/dumps/")
    dumps = set(re.findall(rb'href="(/dumps/[^"]+\.gz)"', listing.data))
    assert len(dumps) == 3
    for dump in dumps:
        _clean(client.get(dump.decode()), dump.decode())
    for accept in ACCEPTS[1:]:
        _clean(client.get("/.well-known/void", headers={"Accept": accept}), "void")
        _clean(client.get("/sparql", headers={"Accept": accept}), "service description")


def test_error_pages(client):
    for path in (
        "/id/person/TP9",
        "/id/person/TP2.xyz",
        "/id/case/T001/../../restricted",
        "/queries/nope",
        "/queries/case-events?case=notaniri",
        "/restricted/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D",
    ):
        for accept in ("text/html", "application/json", "text/turtle"):
            _clean(client.get(path, headers={"Accept": accept}), f"{path} as {accept}")
