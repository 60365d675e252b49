"""No response of the publishing routes holds restricted data.

tests/data/records plants canaries ("CANARY-...-7f3a") in every restricted field: a source's
interviewee and contact, a case's confidential note, a person's legal name, and the note of a
person whose family withheld consent. Every page, document, dump and query result is read here.
"""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest
from edkg import queries
from edkg.server import create_app
from edkg.store import StoreDir

FORMATS = ("html", "ttl", "nt", "jsonld", "rdf")
QUERY_FORMATS = ("html", "json", "srx", "csv", "tsv")


@pytest.fixture(scope="module")
def public_client(test_store):
    return create_app({"TESTING": True, "STORE": str(test_store)}).test_client()


@pytest.fixture(scope="module")
def entity_paths(test_store) -> list[str]:
    release = StoreDir(test_store).current()
    base = release.meta["base_iri"] + "id/"
    store = release.open("public")
    subjects = {q.subject.value for q in store} | {
        q.object.value for q in store if isinstance(q.object, ox.NamedNode)
    }
    return sorted("/id/" + s[len(base) :] for s in subjects if s.startswith(base))


def _paths(store_root) -> list[str]:
    release = StoreDir(store_root).current()
    store = release.open("public")
    schemes = [g.value for g in store.named_graphs() if "/vocab/" in g.value]
    paths = ["/", "/queries", "/queries.json", "/openapi.json", "/dumps/"]
    for doc in [
        "/ontology",
        "/vocabularies",
        *(s.replace("https://w3id.org/edkg", "") for s in schemes),
    ]:
        paths += [f"{doc}.{f}" for f in FORMATS]
    paths += [f"/.well-known/void.{f}" for f in ("ttl", "nt", "jsonld", "rdf")]
    return paths


def _assert_public(response, path: str) -> None:
    body = response.data
    assert b"CANARY" not in body, path


def test_the_planted_canaries_exist(test_store):
    restricted = StoreDir(test_store).current().open("restricted")
    text = ox.serialize(restricted, format=ox.RdfFormat.N_QUADS)
    assert text.count(b"CANARY") >= 5


def test_no_entity_page_or_document_leaks(public_client, entity_paths):
    assert "/id/person/TP2" in entity_paths and "/id/source/TS1" in entity_paths
    assert len(entity_paths) > 15
    for path in entity_paths:
        for fmt in FORMATS:
            response = public_client.get(f"{path}.{fmt}")
            assert response.status_code == 200, path
            _assert_public(response, path)


def test_withheld_person_is_only_an_identifier(public_client):
    page = public_client.get("/id/person/TP2").get_data(as_text=True)
    assert "details withheld" in page or "not be published" in page


def test_no_meta_document_leaks(public_client, test_store):
    for path in _paths(test_store):
        response = public_client.get(path)
        assert response.status_code == 200, path
        _assert_public(response, path)


def test_no_dump_leaks(public_client):
    for name in ("edkg.ttl.gz", "edkg.nq.gz", "edkg.jsonld.gz"):
        with public_client.get(f"/dumps/{name}") as response:
            assert b"CANARY" not in gzip.decompress(response.data)


def test_no_query_result_leaks(public_client):
    for name, named in queries.catalogue().items():
        if named.meta.get("federated") is True:
            continue  # refused with 400: tests/graph/test_federated.py
        params = {p: v for p, v in named.defaults().items() if p in named.parameters}
        if "case" in params:
            params["case"] = "https://w3id.org/edkg/id/case/T001"
        for fmt in QUERY_FORMATS:
            response = public_client.get(f"/queries/{name}.{fmt}", query_string=params)
            assert response.status_code == 200, (name, response.get_data(as_text=True))
            _assert_public(response, name)
