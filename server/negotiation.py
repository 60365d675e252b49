"""Content negotiation: media types as data, chosen with werkzeug's Accept parsing.

Every RDF route offers the same table of graph formats (plus HTML where it has a page); SPARQL
SELECT and ASK results have their own table. A file suffix (``.ttl``, ``.jsonld``, ...) overrides
the Accept header, as Datasette's ``.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Request
from werkzeug.exceptions import NotAcceptable


@dataclass(frozen=True)
class Format:
    """One representation: its media type, file suffix, and the Oxigraph format that writes it."""

    name: str
    media_type: str
    suffix: str
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(
            ("+json", "+xml", "/json", "/xml", "/ld+json", "n-triples", "n-quads")
        )
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


HTML = Format("html", "text/html", "html")
TURTLE = Format("turtle", "text/turtle", "ttl", rdf=ox.RdfFormat.TURTLE)
NTRIPLES = Format("ntriples", "application/n-triples", "nt", rdf=ox.RdfFormat.N_TRIPLES)
JSONLD = Format("jsonld", "application/ld+json", "jsonld", rdf=ox.RdfFormat.JSON_LD)
RDFXML = Format("rdfxml", "application/rdf+xml", "rdf", rdf=ox.RdfFormat.RDF_XML)
NQUADS = Format("nquads", "application/n-quads", "nq", rdf=ox.RdfFormat.N_QUADS)

# Graph formats, in order of preference for */*.
GRAPH_FORMATS = (TURTLE, NTRIPLES, JSONLD, RDFXML)

SPARQL_JSON = Format(
    "json", "application/sparql-results+json", "srj", results=ox.QueryResultsFormat.JSON
)
SPARQL_XML = Format(
    "xml", "application/sparql-results+xml", "srx", results=ox.QueryResultsFormat.XML
)
SPARQL_CSV = Format("csv", "text/csv", "csv", results=ox.QueryResultsFormat.CSV)
SPARQL_TSV = Format("tsv", "text/tab-separated-values", "tsv", results=ox.QueryResultsFormat.TSV)

# SELECT/ASK result formats, in order of preference for */*.
RESULT_FORMATS = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)

# Media types some clients send for the same formats.
ALIASES = {
    "application/json": SPARQL_JSON,
    "application/xml": SPARQL_XML,
    "text/xml": SPARQL_XML,
    "text/plain": NTRIPLES,
    "application/x-turtle": TURTLE,
    "application/json+ld": JSONLD,
}


def by_suffix(suffix: str, offered: tuple[Format, ...]) -> Format | None:
    """The offered format with this file suffix, if any."""
    return next((f for f in offered if f.suffix == suffix), None)


def choose(request: Request, offered: tuple[Format, ...]) -> Format:
    """The offered format the client prefers (q-values honoured); the first for */* or no Accept.

    Raises NotAcceptable (406) when the client accepts none of them.
    """
    accept = request.accept_mimetypes
    if not accept or not request.headers.get("Accept", "").strip():
        return offered[0]
    candidates = [f.media_type for f in offered]
    aliases = {m: f for m, f in ALIASES.items() if f in offered}
    best = accept.best_match(candidates + list(aliases))
    if best is None:
        names = ", ".join(candidates)
        raise NotAcceptable(f"none of the accepted media types is available here; offered: {names}")
    if best in aliases and accept.quality(best) > max(accept.quality(c) for c in candidates):
        return aliases[best]
    return next((f for f in offered if f.media_type == best), aliases.get(best, offered[0]))
