"""Helpers for the /sparql tests: small stores, a real server on 127.0.0.1, independent parsers."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import rdflib
from edkg.store import StoreDir
from rdflib.query import Result
from werkzeug.serving import make_server

KASEI = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOCUMENT = ox.NamedNode("http://xmlns.com/foaf/0.1/Document")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")

RESULT_PARSERS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def w3c_store(root: Path) -> Path:
    """The graphs of the W3C protocol tests: data0.rdf ... data3.rdf, each a foaf:Document.

    Each graph is named by its IRI and describes that IRI, as the test suite's data files do.
    """

    def quads():
        for n in range(4):
            iri = ox.NamedNode(f"{KASEI}data{n}.rdf")
            yield ox.Quad(iri, RDF_TYPE, FOAF_DOCUMENT, iri), False
            yield ox.Quad(iri, TITLE, ox.Literal(f"data {n}"), iri), False

    StoreDir(root).write(quads, {"version": "w3c-protocol", "base_iri": "http://example.org/"})
    return root


def close_pool(app) -> None:
    """Stop the query workers an app started (tests leave no process behind)."""
    pool = app.extensions.get("edkg.sparql")
    if pool is not None:
        pool.close()


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1 in a thread; yield the /sparql URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def parse_results(data: bytes, mimetype: str) -> Result:
    """A SPARQL results document read by rdflib's parsers (not the code that wrote it)."""
    return Result.parse(io.BytesIO(data), format=RESULT_PARSERS[mimetype])


def parse_graph(data: bytes, mimetype: str) -> rdflib.Graph:
    """An RDF document read by rdflib."""
    return rdflib.Graph().parse(data=data, format=GRAPH_PARSERS[mimetype])


def boolean(response) -> bool:
    """The answer of an ASK response, whatever results format it came in."""
    assert response.status_code == 200, response.get_data(as_text=True)
    result = parse_results(response.data, response.mimetype)
    assert result.type == "ASK"
    return bool(result.askAnswer)
