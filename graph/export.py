"""`edkg export`: the public dataset as Turtle, N-Quads or JSON-LD."""

from __future__ import annotations

from typing import BinaryIO

import pyoxigraph as ox

from .store import Release

PREFIXES = {
    "edkg": "https://w3id.org/edkg/ontology#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
# Turtle holds one graph: the union of the public named graphs, each triple once.
UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"


def export(release: Release, fmt: str, output: BinaryIO) -> None:
    """Write the public dataset of a release in `fmt` (turtle, nquads or jsonld)."""
    store = release.open("public")
    base = release.meta["base_iri"]
    prefixes = {**PREFIXES, "id": base + "id/"}
    if fmt == "nquads":
        store.dump(output, format=ox.RdfFormat.N_QUADS)
    elif fmt == "turtle":
        ox.serialize(store.query(UNION), output, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    elif fmt == "jsonld":
        ox.serialize(store, output, format=ox.RdfFormat.JSON_LD, prefixes=prefixes)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
