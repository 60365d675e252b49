"""Dereferenceable IRIs: /id/{kind}/{id} as HTML and RDF, content negotiation, validators, CORS."""

from __future__ import annotations

import pytest
import rdflib
from edkg.build import build
from edkg.server import create_app
from edkg.store import StoreDir
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SKOS

BASE = "https://w3id.org/edkg/"
EDKG = rdflib.Namespace("https://w3id.org/edkg/ontology#")
SCHEMA = rdflib.Namespace("http://schema.org/")
WGS84 = rdflib.Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
# media type, suffix, ETag format name
RDF_FORMATS = [
    ("text/turtle", "ttl", "turtle"),
    ("application/n-triples", "nt", "ntriples"),
    ("application/ld+json", "jsonld", "jsonld"),
    ("application/rdf+xml", "rdf", "rdfxml"),
]
ENTITIES = [
    ("case", "C001", "Case"),
    ("person", "P001", "Person"),
    ("place", "tumen", "Place"),
    ("event", "C001-E2", "Event"),
    ("organisation", "kp_mss", "Organisation"),
    ("source", "S001", "Source"),
]


def parse(response) -> rdflib.Graph:
    """The RDF of a response, re-parsed with rdflib in the format its Content-Type names."""
    return rdflib.Graph().parse(
        data=response.get_data(as_text=True), format=RDFLIB_FORMATS[response.mimetype]
    )


def iri(kind: str, ident: str) -> URIRef:
    return URIRef(f"{BASE}id/{kind}/{ident}")


@pytest.fixture(scope="module")
def version(sample_store) -> str:
    return StoreDir(sample_store).current().version


@pytest.mark.parametrize(("kind", "ident", "cls"), ENTITIES)
@pytest.mark.parametrize(("media_type", "suffix", "name"), RDF_FORMATS)
def test_every_kind_in_every_rdf_format(
    client, version, kind, ident, cls, media_type, suffix, name
):
    response = client.get(f"/id/{kind}/{ident}", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Content-Location"] == f"/id/{kind}/{ident}.{suffix}"
    assert "Accept" in response.vary
    assert response.headers["ETag"] == f'"{version}-{name}"'
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    graph = parse(response)
    subject = iri(kind, ident)
    assert (subject, RDF.type, EDKG[cls]) in graph
    # a CBD-like description: the labels of what it links to come along
    linked = {o for o in graph.objects(subject) if isinstance(o, URIRef)}
    linked |= set(graph.subjects(None, subject))
    labels = (SCHEMA.name, SKOS.prefLabel, rdflib.RDFS.label)
    named = {s for s in linked for p in labels if (s, p, None) in graph}
    assert named, f"no label of anything {subject} links to"


@pytest.mark.parametrize(("kind", "ident", "cls"), ENTITIES)
def test_every_kind_has_a_page_linking_its_alternates(client, version, kind, ident, cls):
    response = client.get(f"/id/{kind}/{ident}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Location"] == f"/id/{kind}/{ident}.html"
    assert response.headers["ETag"] == f'"{version}-html"'
    assert "Accept" in response.vary
    page = response.get_data(as_text=True)
    for media_type, suffix, _ in RDF_FORMATS:
        assert f'<link rel="alternate" type="{media_type}" href="/id/{kind}/{ident}.{suffix}">' in (
            page
        )
    assert f"{BASE}id/{kind}/{ident}" in page
    assert 'href="/id/' in page  # links to what it mentions, on this server
    assert 'rel="alternate"; type="text/turtle"' in response.headers["Link"]


def test_browser_accept_header_gets_html(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/id/case/C001", headers={"Accept": accept})
    assert response.mimetype == "text/html"


def test_no_accept_header_gets_html(client):
    assert client.get("/id/case/C001").mimetype == "text/html"


def test_case_description_holds_its_persons_events_and_sources(client):
    graph = parse(client.get("/id/case/C001.ttl"))
    case = iri("case", "C001")
    assert (case, EDKG.hasPerson, iri("person", "P001")) in graph
    assert (iri("person", "P001"), SCHEMA.name, Literal("Ryu Tok-song", lang="en")) in graph
    assert (iri("event", "C001-E2"), RDF.type, EDKG.Arrest) in graph
    assert (iri("event", "C001-E2"), EDKG.place, iri("place", "tumen")) in graph
    assert (iri("place", "tumen"), SCHEMA.name, Literal("Tumen", lang="en")) in graph
    assert (EDKG.Arrest, rdflib.RDFS.label, Literal("Arrest", lang="en")) in graph
    assert (iri("source", "S001"), EDKG.reliability, None) in graph
    # labels of places only: not the places' other statements
    assert (iri("place", "tumen"), WGS84.lat, None) not in graph


def test_person_description_holds_cases_events_and_relatives(client):
    graph = parse(client.get("/id/person/P001.nt"))
    person = iri("person", "P001")
    assert (iri("case", "C001"), EDKG.hasPerson, person) in graph
    assert (iri("event", "C001-E2"), EDKG.victim, person) in graph
    assert (iri("event", "C001-E2"), EDKG.perpetrator, None) in graph
    assert (iri("case", "C001"), EDKG.hasEvent, iri("event", "C001-E2")) in graph
    assert (person, EDKG.hasSpouse, iri("person", "P002")) in graph
    assert (iri("person", "P002"), SCHEMA.name, None) in graph


def test_suffix_forces_the_format(client):
    response = client.get("/id/case/C001.ttl", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "text/turtle"
    assert "Content-Location" not in response.headers
    assert "Accept" not in response.vary
    page = client.get("/id/case/C001.html", headers={"Accept": "text/turtle"})
    assert page.mimetype == "text/html"
    assert "Timeline" in page.get_data(as_text=True)


def test_unknown_suffix_is_404(client):
    assert client.get("/id/case/C001.exe").status_code == 404


@pytest.mark.parametrize(("media_type", "suffix", "name"), RDF_FORMATS)
def test_unknown_iri_is_404_in_the_negotiated_format(client, media_type, suffix, name):
    response = client.get("/id/case/C999", headers={"Accept": media_type})
    assert response.status_code == 404
    assert response.mimetype == media_type
    assert len(parse(response)) == 0  # a valid, empty document that says why in a comment
    assert "C999" in response.get_data(as_text=True)
    assert client.get(f"/id/case/C999.{suffix}").status_code == 404


def test_unknown_iri_is_a_404_page_for_browsers(client):
    response = client.get("/id/person/C001", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert client.get("/id/nothing/C001").status_code == 404
    assert client.get("/id/case/C%0A001.ttl").status_code == 404


def test_nothing_acceptable_is_406(client):
    response = client.get("/id/case/C001", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/id/case/C001", "/id/place/kp.ttl", "/"])
def test_etag_and_304(client, path):
    first = client.get(path, headers={"Accept": "text/turtle"} if "id" in path else {})
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag, "Accept": first.mimetype})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_304_only_for_the_same_format(client):
    turtle = client.get("/id/case/C001", headers={"Accept": "text/turtle"})
    html = client.get(
        "/id/case/C001", headers={"Accept": "text/html", "If-None-Match": turtle.headers["ETag"]}
    )
    assert html.status_code == 200
    assert (
        "Accept"
        in client.get(
            "/id/case/C001",
            headers={"Accept": "text/turtle", "If-None-Match": turtle.headers["ETag"]},
        ).vary
    )


def test_head_answers_like_get(client):
    get = client.get("/id/case/C001", headers={"Accept": "text/turtle"})
    head = client.head("/id/case/C001", headers={"Accept": "text/turtle"})
    assert head.status_code == 200
    assert head.data == b""
    for name in ("Content-Type", "ETag", "Content-Location", "Vary"):
        assert head.headers[name] == get.headers[name]


def test_case_page_shows_victims_timeline_sources_in_both_languages(client):
    page = client.get("/id/case/C001").get_data(as_text=True)
    assert "Ryu Tok-song" in page and "류덕성" in page
    assert "Arrest" in page and "체포" in page
    assert 'href="/id/place/tumen"' in page
    assert 'href="/id/organisation/cn_mps"' in page
    assert 'href="/id/source/S001"' in page
    assert 'href="/id/event/C001-E2"' in page
    assert 'href="/vocab/reason/escape-repatriated"' in page


def test_person_page_shows_cases_events_relatives(client):
    page = client.get("/id/person/P001").get_data(as_text=True)
    assert 'href="/id/case/C001"' in page
    assert 'href="/id/event/C001-E2"' in page
    assert 'href="/id/person/P002"' in page and "Relatives" in page


def test_place_page_shows_events_contained_places_coordinates_and_matches(client):
    page = client.get("/id/place/kp").get_data(as_text=True)
    assert "40, 127" in page
    assert 'href="http://www.wikidata.org/entity/Q423"' in page
    assert 'href="https://sws.geonames.org/1873107/"' in page
    assert 'href="/id/place/north_hamgyong"' in page  # contained in North Korea
    tumen = client.get("/id/place/tumen").get_data(as_text=True)
    assert 'href="/id/event/C001-E2"' in tumen and 'href="/id/case/C001"' in tumen


def test_organisation_event_and_source_pages(client):
    org = client.get("/id/organisation/kp_mss").get_data(as_text=True)
    assert "국가보위성" in org and 'href="/id/event/C001-E4"' in org
    event = client.get("/id/event/C001-E2").get_data(as_text=True)
    assert 'href="/id/case/C001"' in event and "2013-04" in event
    source = client.get("/id/source/S001").get_data(as_text=True)
    assert 'href="/id/case/C001"' in source and "Testimony" in source


def test_home_links_to_every_publishing_route(client):
    page = client.get("/").get_data(as_text=True)
    routes = ("/queries", "/ontology", "/vocabularies", "/sparql", "/.well-known/void", "/dumps/")
    for path in routes:
        assert f'href="{path}"' in page
    assert page.count('href="/id/case/C') == 66


def test_any_base_iri_is_served_under_id(tmp_path):
    base = "http://example.org/kg/"
    build(None, tmp_path / "store", base)
    client = create_app({"TESTING": True, "STORE": str(tmp_path / "store")}).test_client()
    graph = parse(client.get("/id/case/C001.ttl"))
    assert (URIRef(base + "id/case/C001"), RDF.type, EDKG.Case) in graph
    page = client.get("/id/case/C001").get_data(as_text=True)
    assert 'href="/id/person/P001"' in page
    assert client.get("/id/case/C001", headers={"Accept": "text/turtle"}).status_code == 200
