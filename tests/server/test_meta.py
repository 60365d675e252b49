"""The ontology, the vocabularies, the VoID/DCAT description and the dumps."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest
import rdflib
from edkg.cli import main
from edkg.store import StoreDir
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, SKOS, VOID

ONTOLOGY = "https://w3id.org/edkg/ontology"
VOCAB = "https://w3id.org/edkg/vocab/"
EDKG = rdflib.Namespace(ONTOLOGY + "#")
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
MEDIA_TYPES = list(RDFLIB_FORMATS)


def parse(response) -> rdflib.Graph:
    return rdflib.Graph().parse(
        data=response.get_data(as_text=True), format=RDFLIB_FORMATS[response.mimetype]
    )


@pytest.fixture(scope="module")
def release(sample_store):
    return StoreDir(sample_store).current()


@pytest.fixture(scope="module")
def store(release) -> ox.Store:
    return release.open("public")


def _graph_size(store: ox.Store, graph: str) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


# ----------------------------------------------------------------------------------------------
# Ontology


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_ontology_as_rdf_is_the_ontology_graph(client, store, media_type):
    response = client.get("/ontology", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.vary
    graph = parse(response)
    assert len(graph) == _graph_size(store, ONTOLOGY)
    assert (URIRef(ONTOLOGY), RDF.type, rdflib.OWL.Ontology) in graph
    assert (
        EDKG.Case,
        rdflib.RDFS.subClassOf,
        URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Event"),
    ) in graph


def test_ontology_page_documents_every_term(client, store):
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.headers["Content-Location"] == "/ontology.html"
    page = response.get_data(as_text=True)
    graph = ox.NamedNode(ONTOLOGY)
    kinds = ("Class", "ObjectProperty", "DatatypeProperty")
    owl = "http://www.w3.org/2002/07/owl#"
    terms = {
        q.subject.value
        for kind in kinds
        for q in store.quads_for_pattern(
            None, ox.NamedNode(RDF.type), ox.NamedNode(owl + kind), graph
        )
        if q.subject.value.startswith(ONTOLOGY + "#")
    }
    assert len(terms) > 40
    for term in terms:
        local = term.split("#")[1]
        assert f'id="{local}"' in page, term
        for quad in store.quads_for_pattern(
            ox.NamedNode(term), ox.NamedNode(str(rdflib.RDFS.label)), None, graph
        ):
            assert quad.object.value in page, (term, quad.object.value)
    assert "The documented whole of one enforced disappearance" in page  # a definition
    assert "sem:Event" in page and "crm:E5_Event" in page  # subClassOf, closeMatch
    assert "edkg:Case</a> or <a" in page  # a domain that is a union
    assert "사례" in page


def test_ontology_term_iris_land_on_the_documentation(client):
    page = client.get("/id/case/C001").get_data(as_text=True)
    assert 'href="/ontology#hasPerson"' in page
    assert client.get("/ontology.ttl").mimetype == "text/turtle"


# ----------------------------------------------------------------------------------------------
# Vocabularies


def test_vocabularies_lists_every_scheme(client, store):
    schemes = [g.value for g in store.named_graphs() if g.value.startswith(VOCAB)]
    assert len(schemes) == 14
    page = client.get("/vocabularies").get_data(as_text=True)
    for scheme in schemes:
        assert f'href="/vocabularies/{scheme[len(VOCAB) :]}"' in page
    graph = parse(client.get("/vocabularies", headers={"Accept": "text/turtle"}))
    assert set(graph.subjects(RDF.type, SKOS.ConceptScheme)) == {URIRef(s) for s in schemes}


@pytest.mark.parametrize("path", ["/vocabularies/reason", "/vocab/reason"])
@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_scheme_as_rdf_is_its_graph(client, store, path, media_type):
    response = client.get(path, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["Content-Location"].startswith(path + ".")
    graph = parse(response)
    assert len(graph) == _graph_size(store, VOCAB + "reason")
    assert (
        URIRef(VOCAB + "reason/escape-repatriated"),
        SKOS.broader,
        URIRef(VOCAB + "reason/escape"),
    ) in graph


def test_scheme_page_shows_labels_definitions_hierarchy_and_matches(client):
    page = client.get("/vocabularies/reason").get_data(as_text=True)
    assert "repatriated after escape" in page and "탈출 후 송환" in page
    assert "The victim had left the country and was sent back by another state." in page
    assert 'href="/vocab/reason/escape"' in page  # broader
    agency = client.get("/vocabularies/event-type").get_data(as_text=True)
    assert 'href="/vocab/huridocs/' in agency  # HURIDOCS matches, with their labels
    assert "exactMatch" in agency or "closeMatch" in agency


@pytest.mark.parametrize("media_type", ["text/html", *MEDIA_TYPES])
def test_concept_answers_at_its_iri(client, media_type):
    response = client.get("/vocab/reason/escape", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["Content-Location"].startswith("/vocab/reason/escape.")
    if media_type == "text/html":
        page = response.get_data(as_text=True)
        assert "탈출" in page and 'href="/vocab/reason/escape-repatriated"' in page
        return
    graph = parse(response)
    concept = URIRef(VOCAB + "reason/escape")
    assert (concept, SKOS.prefLabel, Literal("escape", lang="en")) in graph
    narrower = URIRef(VOCAB + "reason/escape-repatriated")
    assert (narrower, SKOS.prefLabel, Literal("repatriated after escape", lang="en")) in graph


def test_unknown_vocabulary_and_concept_are_404(client):
    assert client.get("/vocab/nothing").status_code == 404
    assert client.get("/vocabularies/nothing.ttl").status_code == 404
    assert client.get("/vocab/reason/nothing").status_code == 404
    response = client.get("/vocab/sex/escape", headers={"Accept": "text/turtle"})  # other scheme
    assert response.status_code == 404 and response.mimetype == "text/turtle"


# ----------------------------------------------------------------------------------------------
# VoID and DCAT


def _count_distinct(store: ox.Store, predicate=None, obj=None, subjects=False) -> int:
    triples = {q.triple for q in store.quads_for_pattern(None, predicate, obj)}
    return len({t.subject for t in triples}) if subjects else len(triples)


def test_void_is_turtle_by_default(client):
    response = client.get("/.well-known/void", headers={"Accept": "*/*"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert response.headers["Content-Location"] == "/.well-known/void.ttl"
    assert client.get("/.well-known/void").mimetype == "text/turtle"


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_void_in_every_rdf_format(client, media_type):
    response = client.get("/.well-known/void", headers={"Accept": media_type})
    assert response.mimetype == media_type
    graph = parse(response)
    assert (None, RDF.type, VOID.Dataset) in graph


def test_void_counts_equal_the_store(client, release, store):
    graph = parse(client.get("/.well-known/void.ttl"))
    dataset = URIRef("http://localhost/.well-known/void#dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert graph.value(dataset, VOID.triples).toPython() == release.meta["triples"]["public"]
    assert graph.value(dataset, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert graph.value(dataset, DCTERMS.title, any=True) is not None
    assert graph.value(dataset, DCTERMS.description) is not None
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")
    assert str(graph.value(dataset, VOID.uriSpace)) == "https://w3id.org/edkg/id/"
    assert graph.value(dataset, VOID.exampleResource) == URIRef(
        "https://w3id.org/edkg/id/case/C001"
    )
    # class partitions: distinct instances of each class
    rdf_type = ox.NamedNode(str(RDF.type))
    partitions = {
        graph.value(p, VOID["class"]): graph.value(p, VOID.entities).toPython()
        for p in graph.objects(dataset, VOID.classPartition)
    }
    assert partitions[EDKG.Case] == 66
    for cls, count in partitions.items():
        assert count == _count_distinct(store, rdf_type, ox.NamedNode(str(cls)), subjects=True)
    # property partitions: distinct triples of each property
    for p in graph.objects(dataset, VOID.propertyPartition):
        prop = graph.value(p, VOID.property)
        assert graph.value(p, VOID.triples).toPython() == _count_distinct(
            store, ox.NamedNode(str(prop))
        )
    vocabularies = set(graph.objects(dataset, VOID.vocabulary))
    for namespace in (ONTOLOGY + "#", "http://schema.org/", str(SKOS), ONTOLOGY, VOCAB + "reason"):
        assert URIRef(namespace) in vocabularies
    # link sets to Wikidata and GeoNames
    exact = ox.NamedNode(str(SKOS.exactMatch))
    links = {q.triple for q in store.quads_for_pattern(None, exact, None)}
    for key, space in (
        ("wikidata", "http://www.wikidata.org/entity/"),
        ("geonames", "https://sws.geonames.org/"),
    ):
        linkset = URIRef(f"http://localhost/.well-known/void#links-{key}")
        assert (linkset, RDF.type, VOID.Linkset) in graph
        assert graph.value(linkset, VOID.linkPredicate) == SKOS.exactMatch
        assert graph.value(linkset, VOID.subjectsTarget) == dataset
        expected = sum(1 for t in links if t.object.value.startswith(space))
        assert expected > 0
        assert graph.value(linkset, VOID.triples).toPython() == expected


def test_void_lists_every_dump_as_a_distribution(client):
    graph = parse(client.get("/.well-known/void.ttl"))
    dataset = URIRef("http://localhost/.well-known/void#dataset")
    dumps = set(graph.objects(dataset, VOID.dataDump))
    assert {str(d) for d in dumps} == {
        f"http://localhost/dumps/edkg.{s}.gz" for s in ("ttl", "nq", "jsonld")
    }
    media = set()
    for dist in graph.objects(dataset, DCAT.distribution):
        if (dist, DCAT.downloadURL, None) in graph:
            assert graph.value(dist, DCAT.downloadURL) in dumps
            media.add(str(graph.value(dist, DCAT.mediaType)))
            assert str(graph.value(dist, DCAT.compressFormat)).endswith("application/gzip")
    assert media == {
        "https://www.iana.org/assignments/media-types/" + m
        for m in ("text/turtle", "application/n-quads", "application/ld+json")
    }


def test_void_follows_the_host_it_is_asked_at(client):
    graph = parse(client.get("/.well-known/void.ttl", base_url="https://kg.example.org"))
    assert (None, VOID.sparqlEndpoint, URIRef("https://kg.example.org/sparql")) in graph


# ----------------------------------------------------------------------------------------------
# Dumps


def test_dumps_are_listed(client):
    response = client.get("/dumps/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for name in ("edkg.ttl.gz", "edkg.nq.gz", "edkg.jsonld.gz"):
        assert f'href="/dumps/{name}"' in page
    assert "bytes" in page


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("edkg.ttl.gz", "turtle"), ("edkg.nq.gz", "nquads"), ("edkg.jsonld.gz", "jsonld")],
)
def test_dump_is_edkg_export_byte_for_byte(client, runner, sample_store, release, name, fmt):
    with client.get(f"/dumps/{name}") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/gzip"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["ETag"] == f'"{release.version}-{fmt}.gz"'
        data = response.data
    assert data[4:8] == b"\0\0\0\0"  # gzip mtime 0: the same release gives the same file
    exported = runner.invoke(main, ["export", "--format", fmt, "--store", str(sample_store)])
    assert exported.exit_code == 0, exported.output
    assert gzip.decompress(data) == exported.stdout_bytes
    with client.get(f"/dumps/{name}") as again:
        assert again.data == data
    etag = response.headers["ETag"]
    with client.get(f"/dumps/{name}", headers={"If-None-Match": etag}) as cached:
        assert cached.status_code == 304
    with client.head(f"/dumps/{name}") as head:
        assert head.status_code == 200
        assert head.headers["Content-Length"] == str(len(data))


def test_dumps_are_made_once_per_release(client, sample_store, release):
    client.get("/dumps/edkg.nq.gz").close()
    assert (sample_store / "dumps" / release.version / "edkg.nq.gz").is_file()


def test_unknown_dump_is_404(client):
    assert client.get("/dumps/edkg.exe.gz").status_code == 404
    assert client.get("/dumps/../current").status_code == 404
