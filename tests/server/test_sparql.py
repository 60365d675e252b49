"""/sparql against the W3C SPARQL 1.1 Protocol and Service Description tests, and the formats.

Each ``test_<name>`` below covers the W3C test ``<name>`` of w3c/rdf-tests
``sparql/sparql11/protocol/manifest.ttl``: it sends the request the manifest describes (path,
method, Content-Type, body) to the app and checks the response it expects, parsing the body with
rdflib's parsers. The endpoint is read-only, so the seven ``update_*`` tests (which expect an update
to succeed) are covered as refusals that leave the store unchanged; every ``bad_*`` test expects a
4xx and gets one. The three service-description tests are ``test_sd_*``.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from edkg.server import create_app
from edkg.store import StoreDir
from pyshacl import validate
from rdflib import RDF, URIRef
from sparql_support import (
    GRAPH_PARSERS,
    KASEI,
    RESULT_PARSERS,
    boolean,
    close_pool,
    parse_graph,
    parse_results,
    w3c_store,
)

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")
DATA = [URIRef(f"{KASEI}data{n}.rdf") for n in range(4)]
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
D0 = "default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    store = w3c_store(tmp_path_factory.mktemp("w3c-store"))
    app = create_app({"TESTING": True, "STORE": str(store), "QUERY_WORKERS": 1})
    yield app
    close_pool(app)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def sample_app(sample_store):
    app = create_app({"TESTING": True, "STORE": str(sample_store), "QUERY_WORKERS": 1})
    yield app
    close_pool(app)


@pytest.fixture(scope="module")
def sample(sample_app):
    return sample_app.test_client()


def assert_clean_error(response, status: int | None = None) -> str:
    """A 4xx/5xx whose body is a message for people: no traceback, no file path."""
    assert 400 <= response.status_code < 600
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    for leak in ("Traceback", 'File "', ".py", "/tmp/", "/work/", "site-packages"):
        assert leak not in text
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return text


# --- W3C SPARQL 1.1 Protocol: query tests -----------------------------------------------------


def test_query_post_form(client):
    response = client.post(f"/sparql?{D0}", data="query=ASK%20%7B%7D", content_type=FORM)
    assert boolean(response) is True


def test_query_dataset_default_graphs_get(client):
    query = (
        "query=ASK%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf%3E"
        "%20a%20%3Ftype%20.%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
        "%3E%20a%20%3Ftype%20.%20%7D"
    )
    both = (
        "default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
        "&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
    )
    assert boolean(client.get(f"/sparql?{query}&{both}")) is True
    # The default graph is exactly the merge of the graphs named: one alone does not answer.
    one = "default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
    assert boolean(client.get(f"/sparql?{query}&{one}")) is False


def test_query_dataset_default_graphs_post(client):
    both = (
        "default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
        "&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
    )
    query = f"ASK {{ <{DATA[1]}> a ?type . <{DATA[2]}> a ?type . }}"
    assert boolean(client.post(f"/sparql?{both}", data=query, content_type=DIRECT)) is True


NAMED_1_2 = (
    "named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
    "&named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
)


def test_query_dataset_named_graphs_post(client):
    query = f"ASK {{ GRAPH ?g1 {{ <{DATA[1]}> a ?type }} GRAPH ?g2 {{ <{DATA[2]}> a ?type }} }}"
    assert boolean(client.post(f"/sparql?{NAMED_1_2}", data=query, content_type=DIRECT)) is True
    # Only the graphs named are visible to GRAPH, and the default graph is then empty.
    response = client.post(
        f"/sparql?{NAMED_1_2}",
        data="SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
        content_type=DIRECT,
    )
    assert {row[0] for row in parse_results(response.data, response.mimetype)} == set(DATA[1:3])
    empty = client.post(f"/sparql?{NAMED_1_2}", data="ASK { ?s ?p ?o }", content_type=DIRECT)
    assert boolean(empty) is False


def test_query_dataset_named_graphs_get(client):
    query = (
        "query=ASK%20%7B%20GRAPH%20%3Fg1%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql"
        "%2Fdata%2Fdata1.rdf%3E%20a%20%3Ftype%20%7D%20GRAPH%20%3Fg2%20%7B%20%3Chttp%3A%2F%2F"
        "kasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a%20%3Ftype%20%7D%20%7D"
    )
    assert boolean(client.get(f"/sparql?{query}&{NAMED_1_2}")) is True


def test_query_dataset_full(client):
    params = (
        "default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata3.rdf"
        f"&{NAMED_1_2}"
    )
    query = (
        f"ASK {{\n  <{DATA[3]}> a ?type\n  GRAPH ?g1 {{ <{DATA[1]}> a ?type }}\n"
        f"  GRAPH ?g2 {{ <{DATA[2]}> a ?type }}\n}}"
    )
    assert boolean(client.post(f"/sparql?{params}", data=query, content_type=DIRECT)) is True


def test_query_multiple_dataset(client):
    """The protocol's dataset wins over the query's FROM.

    The manifest's path encodes the second ``&named-graph-uri=`` as ``%26...%3D``, which makes a
    single (odd) graph IRI; the test's intent, and kasei's validator that it comes from, name two
    graphs (w3c/rdf-tests issue 78). Both readings are checked: two graphs answer true, the single
    odd IRI names no graph of the store and answers false. Either way FROM <data3> is ignored.
    """
    query = (
        f"ASK FROM <{DATA[3]}> {{ GRAPH ?g1 {{ <{DATA[1]}> a ?type }} "
        f"GRAPH ?g2 {{ <{DATA[2]}> a ?type }} }}"
    )
    assert boolean(client.post(f"/sparql?{NAMED_1_2}", data=query, content_type=DIRECT)) is True
    literal = (
        "named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
        "%26named-graph-uri%3Dhttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
    )
    assert boolean(client.post(f"/sparql?{literal}", data=query, content_type=DIRECT)) is False
    # Without a protocol dataset the query's FROM applies: data3 is the default graph.
    from_only = (
        f"ASK FROM <{DATA[3]}> {{ <{DATA[3]}> a ?type FILTER NOT EXISTS {{ <{DATA[1]}> ?p ?o }} }}"
    )
    assert boolean(client.post("/sparql", data=from_only, content_type=DIRECT)) is True


def test_query_get(client):
    assert boolean(client.get(f"/sparql?query=ASK%20%7B%7D&{D0}")) is True


def test_query_content_type_select(client):
    response = client.post(f"/sparql?{D0}", data="SELECT (1 AS ?value) {}", content_type=DIRECT)
    assert response.status_code == 200
    assert response.mimetype in RESULT_PARSERS
    result = parse_results(response.data, response.mimetype)
    assert result.type == "SELECT"
    assert [row[0].toPython() for row in result] == [1]


def test_query_content_type_ask(client):
    response = client.post(f"/sparql?{D0}", data="ASK {}", content_type=DIRECT)
    assert response.mimetype in (
        "application/sparql-results+json",
        "application/sparql-results+xml",
    )
    assert boolean(response) is True


def test_query_content_type_describe(client):
    response = client.post(
        f"/sparql?{D0}", data="DESCRIBE <http://example.org/>", content_type=DIRECT
    )
    assert response.status_code == 200
    assert response.mimetype in GRAPH_PARSERS
    assert len(parse_graph(response.data, response.mimetype)) == 0
    described = client.post(f"/sparql?{D0}", data=f"DESCRIBE <{DATA[0]}>", content_type=DIRECT)
    graph = parse_graph(described.data, described.mimetype)
    assert (DATA[0], RDF.type, URIRef("http://xmlns.com/foaf/0.1/Document")) in graph


def test_query_content_type_construct(client):
    """The manifest's ``CONSTRUCT { <s> <p> 1 }``: relative IRIs resolve against the endpoint."""
    response = client.post(
        f"/sparql?{D0}", data="CONSTRUCT { <s> <p> 1 } WHERE {}", content_type=DIRECT
    )
    assert response.status_code == 200
    assert response.mimetype in GRAPH_PARSERS
    graph = parse_graph(response.data, response.mimetype)
    assert set(graph) == {
        (URIRef("http://localhost/s"), URIRef("http://localhost/p"), rdflib.Literal(1))
    }


def test_query_post_direct(client):
    assert boolean(client.post("/sparql", data="ASK {}", content_type=DIRECT)) is True


# --- W3C protocol: update tests, refused by this read-only endpoint ---------------------------

UPDATES = {
    "update_dataset_default_graph": (
        "using-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf",
        "CLEAR ALL ; INSERT DATA { GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> "
        "{ <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://xmlns.com/foaf/0.1/Document> }"
        " } ; INSERT { GRAPH <http://example.org/protocol-update-dataset-test/> "
        "{ ?s a <http://purl.org/dc/terms/BibliographicResource> } } "
        "WHERE { ?s a <http://xmlns.com/foaf/0.1/Document> }",
    ),
    "update_dataset_default_graphs": (
        "using-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
        "&using-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
        "DROP ALL ; INSERT { GRAPH <http://example.org/protocol-update-dataset-graphs-test/> "
        "{ ?s a <http://purl.org/dc/terms/BibliographicResource> } } "
        "WHERE { ?s a <http://xmlns.com/foaf/0.1/Document> }",
    ),
    "update_dataset_named_graphs": (
        "using-named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf",
        "DROP ALL ; INSERT { GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/>"
        " { ?s a <http://purl.org/dc/terms/BibliographicResource> } } "
        "WHERE { GRAPH ?g { ?s a <http://xmlns.com/foaf/0.1/Document> } }",
    ),
    "update_dataset_full": (
        "using-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
        "&using-named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
        "DROP ALL ; INSERT { GRAPH <http://example.org/protocol-update-dataset-full-test/> "
        "{ ?s <http://example.org/in> ?in } } WHERE { GRAPH ?g { ?s ?p ?o } BIND(?g AS ?in) }",
    ),
    "update_base_uri": (
        "",
        "CLEAR GRAPH <http://example.org/protocol-base-test/> ; INSERT DATA { GRAPH "
        "<http://example.org/protocol-base-test/> { <http://example.org/s> "
        "<http://example.org/p> <test> } }",
    ),
}


def assert_store_unchanged(client):
    everything = client.post(
        "/sparql", data="SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }", content_type=DIRECT
    )
    assert {row[0] for row in parse_results(everything.data, everything.mimetype)} == set(DATA)
    count = client.post(
        "/sparql", data="SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", content_type=DIRECT
    )
    assert [row[0].toPython() for row in parse_results(count.data, count.mimetype)] == [8]


@pytest.mark.parametrize("name", sorted(UPDATES))
def test_update_dataset_tests_are_refused(client, name):
    """update_dataset_default_graph, _default_graphs, _named_graphs, _full and update_base_uri."""
    params, update = UPDATES[name]
    response = client.post(f"/sparql?{params}", data=update, content_type=UPDATE)
    assert "read-only" in assert_clean_error(response, 403)
    assert_store_unchanged(client)


def test_update_post_form(client):
    response = client.post("/sparql", data="update=CLEAR+ALL", content_type=FORM)
    assert "read-only" in assert_clean_error(response, 403)
    assert_store_unchanged(client)


def test_update_post_direct(client):
    response = client.post("/sparql", data="CLEAR ALL", content_type=UPDATE)
    assert "read-only" in assert_clean_error(response, 403)
    assert_store_unchanged(client)


# --- W3C protocol: bad requests ---------------------------------------------------------------


def test_bad_query_method(client):
    response = client.put(f"/sparql?query=ASK%20%7B%7D&{D0}", content_type=FORM)
    assert_clean_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert_clean_error(client.delete("/sparql?query=ASK%20%7B%7D"), 405)


def test_bad_multiple_queries(client):
    response = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert "exactly one query" in assert_clean_error(response, 400)
    form = client.post("/sparql?query=ASK%20%7B%7D", data="query=ASK%20%7B%7D", content_type=FORM)
    assert_clean_error(form, 400)


def test_bad_query_wrong_media_type(client):
    response = client.post("/sparql", data="ASK {}", content_type="text/plain")
    assert "application/sparql-query" in assert_clean_error(response, 415)


def test_bad_query_missing_form_type(client):
    response = client.post("/sparql", data="query=ASK%20%7B%7D")
    assert_clean_error(response, 415)


def test_bad_query_missing_direct_type(client):
    response = client.post("/sparql", data="ASK {}")
    assert_clean_error(response, 415)


def test_bad_query_non_utf8(client):
    body = "ASK {}".encode("utf-16")  # with its byte-order mark, as the manifest says
    response = client.post(
        "/sparql", data=body, content_type="application/sparql-query; charset=UTF-16"
    )
    assert "UTF-8" in assert_clean_error(response, 415)
    # The same bytes declared as UTF-8 are not UTF-8.
    undeclared = client.post("/sparql", data=body, content_type=DIRECT)
    assert "UTF-8" in assert_clean_error(undeclared, 400)


def test_bad_query_syntax(client):
    response = client.get("/sparql?query=ASK%20%7B")
    text = assert_clean_error(response, 400)
    assert text.startswith("400 error at 1:6")  # the parser's own message


def test_bad_update_get(client):
    assert "read-only" in assert_clean_error(client.get("/sparql?update=CLEAR%20ALL"), 403)


def test_bad_multiple_updates(client):
    response = client.post(
        "/sparql", data="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", content_type=FORM
    )
    assert_clean_error(response, 403)


def test_bad_update_wrong_media_type(client):
    assert_clean_error(client.post("/sparql", data="CLEAR NAMED", content_type="text/plain"), 415)


def test_bad_update_missing_form_type(client):
    assert_clean_error(client.post("/sparql", data="update=CLEAR%20NAMED"), 415)


def test_bad_update_non_utf8(client):
    response = client.post(
        "/sparql",
        data="CLEAR NAMED".encode("utf-16"),
        content_type="application/sparql-update; charset=UTF-16",
    )
    assert_clean_error(response, 403)


def test_bad_update_syntax(client):
    response = client.post("/sparql", data="update=CLEAR%20XYZ", content_type=FORM)
    assert_clean_error(response, 403)


def test_bad_update_dataset_conflict(client):
    update = (
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
        "DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
        "WHERE { ?person foaf:givenName 'Bill' }"
    )
    response = client.post(
        "/sparql?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        data=update,
        content_type=UPDATE,
    )
    assert_clean_error(response, 403)
    assert_store_unchanged(client)


# --- W3C service description tests -----------------------------------------------------------


def test_sd_has_endpoint_triple(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = parse_graph(response.data, response.mimetype)
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    assert (services[0], SD.endpoint, URIRef("http://localhost/sparql")) in graph


@pytest.mark.parametrize("accept", sorted(GRAPH_PARSERS))
def test_sd_returns_rdf(client, accept):
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    assert "Accept" in response.headers["Vary"]
    graph = parse_graph(response.data, accept)
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert set(graph.objects(service, SD.resultFormat)) == {
        FORMATS[name]
        for name in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
            "RDF_XML",
        )
    }
    dataset = graph.value(service, SD.defaultDataset)
    names = {graph.value(ng, SD.name) for ng in graph.objects(dataset, SD.namedGraph)}
    assert names == set(DATA)


SD_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix ex: <http://example.org/shapes#> .

ex:Service a sh:NodeShape ; sh:targetClass sd:Service ;
  sh:property [ sh:path sd:endpoint ; sh:minCount 1 ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:supportedLanguage ; sh:minCount 1 ;
                sh:in ( sd:SPARQL10Query sd:SPARQL11Query sd:SPARQL11Update ) ] ;
  sh:property [ sh:path sd:resultFormat ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:feature ; sh:nodeKind sh:IRI ;
                sh:in ( sd:DereferencesURIs sd:UnionDefaultGraph sd:RequiresDataset
                        sd:EmptyGraphs sd:BasicFederatedQuery ) ] ;
  sh:property [ sh:path sd:defaultEntailmentRegime ; sh:nodeKind sh:IRI ; sh:maxCount 1 ] ;
  sh:property [ sh:path sd:defaultDataset ; sh:maxCount 1 ; sh:class sd:Dataset ] .

ex:Dataset a sh:NodeShape ; sh:targetClass sd:Dataset ;
  sh:property [ sh:path sd:defaultGraph ; sh:maxCount 1 ; sh:class sd:Graph ] ;
  sh:property [ sh:path sd:namedGraph ; sh:class sd:NamedGraph ] .

ex:NamedGraph a sh:NodeShape ; sh:targetClass sd:NamedGraph ;
  sh:property [ sh:path sd:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:graph ; sh:maxCount 1 ; sh:class sd:Graph ] .
"""


def test_sd_conforms_to_schema(client):
    """The description uses the sd: vocabulary as its schema says (domains, ranges, counts)."""
    response = client.get("/sparql", headers={"Accept": "application/n-triples"})
    graph = parse_graph(response.data, response.mimetype)
    shapes = rdflib.Graph().parse(data=SD_SHAPES, format="turtle")
    conforms, _, report = validate(graph, shacl_graph=shapes)
    assert conforms, report
    used = {p for p in graph.predicates() if str(p).startswith(str(SD))}
    assert used <= {SD[t] for t in ("endpoint", "supportedLanguage", "resultFormat", "feature",
                                    "defaultEntailmentRegime", "defaultDataset", "defaultGraph",
                                    "namedGraph", "name")}  # fmt: skip


def test_sd_as_html_and_head(client):
    page = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "<form" in text and str(DATA[2]) in text
    head = client.head("/sparql", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.data == b""
    assert head.mimetype == "text/turtle"
    assert client.get("/sparql").mimetype == "text/turtle"  # no Accept: Turtle
    assert_clean_error(client.get("/sparql", headers={"Accept": "image/png"}), 406)


# --- formats and negotiation on the sample dataset -------------------------------------------

LABELS = (
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
    "ORDER BY ?s ?label LIMIT 4"
)


@pytest.mark.parametrize("mimetype", sorted(RESULT_PARSERS))
def test_select_in_every_results_format(sample, mimetype):
    response = sample.get("/sparql", query_string={"query": LABELS}, headers={"Accept": mimetype})
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Type"].endswith("charset=utf-8")
    assert response.headers["Vary"] == "Accept"
    rows = list(parse_results(response.data, mimetype))
    assert len(rows) == 4
    assert all(str(row[0]).startswith("https://w3id.org/edkg/") for row in rows)
    reference = sample.get("/sparql", query_string={"query": LABELS})
    expected = [str(b["label"]["value"]) for b in json.loads(reference.data)["results"]["bindings"]]
    assert [str(row[1]) for row in rows] == expected


@pytest.mark.parametrize(
    "mimetype", ["application/sparql-results+json", "application/sparql-results+xml"]
)
def test_ask_in_json_and_xml(sample, mimetype):
    for query, expected in (("ASK { ?s a ?c }", True), ("ASK { ?s a <urn:nothing> }", False)):
        response = sample.get(
            "/sparql", query_string={"query": query}, headers={"Accept": mimetype}
        )
        assert response.mimetype == mimetype
        assert boolean(response) is expected


CASES = (
    "CONSTRUCT { ?case a <https://w3id.org/edkg/ontology#Case> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?title } WHERE { "
    "?case a <https://w3id.org/edkg/ontology#Case> ; <http://purl.org/dc/terms/title> ?title }"
)


@pytest.mark.parametrize("mimetype", sorted(GRAPH_PARSERS))
def test_construct_and_describe_in_every_graph_format(sample, mimetype):
    response = sample.post("/sparql", data=CASES, content_type=DIRECT, headers={"Accept": mimetype})
    assert response.status_code == 200
    assert response.mimetype == mimetype
    graph = parse_graph(response.data, mimetype)
    case_class = URIRef("https://w3id.org/edkg/ontology#Case")
    cases = set(graph.subjects(RDF.type, case_class))
    assert len(cases) == 66
    assert URIRef("https://w3id.org/edkg/id/case/C001") in cases
    described = sample.post(
        "/sparql",
        data="DESCRIBE <https://w3id.org/edkg/id/case/C001>",
        content_type=DIRECT,
        headers={"Accept": mimetype},
    )
    graph = parse_graph(described.data, mimetype)
    assert (URIRef("https://w3id.org/edkg/id/case/C001"), RDF.type, case_class) in graph


@pytest.mark.parametrize(
    ("accept", "query", "expected"),
    [
        (None, "SELECT * {}", "application/sparql-results+json"),
        ("*/*", "SELECT * {}", "application/sparql-results+json"),
        ("*/*", "CONSTRUCT WHERE { ?s a ?c } LIMIT 1", "text/turtle"),
        (None, "DESCRIBE <urn:x>", "text/turtle"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "SELECT * {}",
         "application/sparql-results+xml"),
        ("text/tab-separated-values, */*;q=0.1", "SELECT * {}", "text/tab-separated-values"),
        ("application/ld+json;q=1, text/turtle;q=0.2", "CONSTRUCT WHERE { ?s a ?c } LIMIT 1",
         "application/ld+json"),
        ("application/sparql-results+json;q=0.9, application/rdf+xml;q=0.8",
         "CONSTRUCT WHERE { ?s a ?c } LIMIT 1", "application/rdf+xml"),
        ("application/json", "SELECT * {}", "application/sparql-results+json"),
    ],
)  # fmt: skip
def test_accept_with_q_values(sample, accept, query, expected):
    headers = {"Accept": accept} if accept else {}
    response = sample.get("/sparql", query_string={"query": query}, headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == expected


@pytest.mark.parametrize(
    ("accept", "query"),
    [
        ("text/turtle", "SELECT * {}"),
        ("application/sparql-results+json", "CONSTRUCT WHERE { ?s ?p ?o }"),
        ("image/png", "ASK {}"),
    ],
)
def test_nothing_acceptable_is_406(sample, accept, query):
    response = sample.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    text = assert_clean_error(response, 406)
    assert "is answered as one of" in text
    assert response.headers["Vary"] == "Accept"


def test_default_graph_is_the_union_unless_a_dataset_is_named(sample):
    def count(query, **params):
        response = sample.get("/sparql", query_string={"query": query, **params})
        return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])

    everything = count("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    in_graphs = count("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    assert everything > 10_000 and everything <= in_graphs
    case = "https://w3id.org/edkg/graph/case/C001"
    from_case = count(f"SELECT (COUNT(*) AS ?n) FROM <{case}> {{ ?s ?p ?o }}")
    by_protocol = count("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **{"default-graph-uri": case})
    inside = count(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{case}> {{ ?s ?p ?o }} }}")
    assert 0 < from_case == by_protocol == inside < everything


def test_errors_are_negotiated(sample):
    bad = {"query": "SELECT * WHERE { ?s ?p }"}
    text = sample.get("/sparql", query_string=bad)
    assert text.mimetype == "text/plain"
    assert_clean_error(text, 400)
    as_json = sample.get("/sparql", query_string=bad, headers={"Accept": "application/json"})
    assert as_json.mimetype == "application/json"
    payload = json.loads(as_json.data)
    assert payload["status"] == 400 and payload["error"].startswith("error at 1:")
    results_client = sample.get(
        "/sparql", query_string=bad, headers={"Accept": "application/sparql-results+json"}
    )
    assert results_client.mimetype == "application/json"
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = sample.get("/sparql", query_string=bad, headers=browser)
    assert page.mimetype == "text/html" and "<h1>400</h1>" in page.get_data(as_text=True)
    assert_clean_error(page, 400)


def test_graph_iris_must_be_absolute(sample):
    response = sample.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": "rel"})
    assert "not an absolute IRI" in assert_clean_error(response, 400)
    missing = sample.get("/sparql", query_string={"default-graph-uri": "http://example.org/"})
    assert "no query" in assert_clean_error(missing, 400)
    empty_post = sample.post("/sparql", data="", content_type=FORM)
    assert_clean_error(empty_post, 400)


def test_row_cap_truncates_and_says_so(sample_store):
    app = create_app({"TESTING": True, "STORE": str(sample_store), "MAX_ROWS": 5})
    try:
        client = app.test_client()
        cut = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
        assert cut.headers["X-EDKG-Truncated"] == "true"
        assert len(json.loads(cut.data)["results"]["bindings"]) == 5
        csv = client.get(
            "/sparql",
            query_string={"query": "SELECT * { ?s ?p ?o }"},
            headers={"Accept": "text/csv"},
        )
        assert len(list(parse_results(csv.data, "text/csv"))) == 5
        graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
        assert graph.headers["X-EDKG-Truncated"] == "true"
        assert len(parse_graph(graph.data, graph.mimetype)) == 5
        whole = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 5"})
        assert "X-EDKG-Truncated" not in whole.headers
        assert len(json.loads(whole.data)["results"]["bindings"]) == 5
    finally:
        close_pool(app)


def test_body_over_the_limit_is_413(sample_store):
    app = create_app({"TESTING": True, "STORE": str(sample_store), "MAX_BODY_BYTES": 1000})
    client = app.test_client()
    query = "ASK {}" + " " * 1000
    assert_clean_error(client.post("/sparql", data=query, content_type=DIRECT), 413)
    form = "query=ASK%20%7B%7D&pad=" + "x" * 1000
    assert_clean_error(client.post("/sparql", data=form, content_type=FORM), 413)
    assert app.extensions.get("edkg.sparql") is None  # refused before any worker was started


def test_cors_and_preflight(sample):
    response = sample.get("/sparql", query_string={"query": "ASK {}"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = sample.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert set(preflight.headers["Access-Control-Allow-Methods"].split(", ")) >= {"GET", "POST"}
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "X-EDKG-Truncated" in response.headers["Access-Control-Expose-Headers"]


def test_head_runs_like_get(sample):
    head = sample.head("/sparql", query_string={"query": "SELECT * {}"})
    assert head.status_code == 200 and head.data == b""
    assert head.mimetype == "application/sparql-results+json"


def test_refusals_never_start_a_worker(sample_store):
    """Size, nesting, SERVICE, updates, media types: all answered before any query process."""
    app = create_app({"TESTING": True, "STORE": str(sample_store)})
    client = app.test_client()
    refused = [
        client.post("/sparql", data="ASK {} #" + "x" * 102_400, content_type=DIRECT),
        client.post("/sparql", data="ASK {" + "{" * 300 + "}" * 301, content_type=DIRECT),
        client.get("/sparql", query_string={"query": "ASK { SERVICE <http://x/> {} }"}),
        client.get("/sparql", query_string={"query": "ASK {}", "update": "CLEAR ALL"}),
        client.post("/sparql", data="ASK {}", content_type="text/plain"),
        client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "image/png"}),
    ]
    assert [r.status_code for r in refused] == [413, 400, 400, 403, 415, 406]
    assert app.extensions.get("edkg.sparql") is None


def test_workers_follow_a_new_release(tmp_path):
    """A build that makes a new release current is seen by the next query, same worker."""

    def release(graph: str):
        iri = ox.NamedNode(graph)
        quad = ox.Quad(iri, ox.NamedNode("http://example.org/p"), ox.Literal("v"), iri)
        StoreDir(tmp_path).write(lambda: [(quad, False)], {"version": graph, "base_iri": graph})

    release("http://example.org/first")
    app = create_app({"TESTING": True, "STORE": str(tmp_path), "QUERY_WORKERS": 1})
    client = app.test_client()
    query = {"query": "SELECT ?g { GRAPH ?g { ?s ?p ?o } }"}
    try:
        first = client.get("/sparql", query_string=query)
        assert [str(r[0]) for r in parse_results(first.data, first.mimetype)] == [
            "http://example.org/first"
        ]
        pids = app.extensions["edkg.sparql"].pids()
        release("http://example.org/second")
        second = client.get("/sparql", query_string=query)
        assert [str(r[0]) for r in parse_results(second.data, second.mimetype)] == [
            "http://example.org/second"
        ]
        assert app.extensions["edkg.sparql"].pids() == pids
    finally:
        close_pool(app)
