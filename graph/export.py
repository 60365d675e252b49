"""`edkg export`: the public dataset as Turtle, N-Quads or JSON-LD, as schema.org JSON-LD for
search engines and general web tools, or as CSV tables for spreadsheets.

Every format reads the public dataset only. The schema.org and CSV forms are derived by the SPARQL
files in ``sparql/`` (a CONSTRUCT into schema.org terms, a SELECT per kind of entity).
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .store import Release

SPARQL_DIR = Path(__file__).resolve().parent / "sparql"

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


CSV_KINDS = ("case", "person", "place", "event", "organisation")


def export(release: Release, fmt: str, output: BinaryIO, kind: str = "case") -> None:
    """Write the public dataset of a release in `fmt` (turtle, nquads, jsonld, schemaorg or csv;
    `kind` says which entities a CSV lists)."""
    store = release.open("public")
    base = release.meta["base_iri"]
    prefixes = {**PREFIXES, "id": base + "id/"}
    if fmt == "nquads":
        store.dump(output, format=ox.RdfFormat.N_QUADS)
    elif fmt == "turtle":
        ox.serialize(store.query(UNION), output, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    elif fmt == "jsonld":
        ox.serialize(store, output, format=ox.RdfFormat.JSON_LD, prefixes=prefixes)
    elif fmt == "schemaorg":
        output.write(schema_org(store).encode("utf-8"))
    elif fmt == "csv":
        output.write(table(store, kind).encode("utf-8"))
    else:
        raise ValueError(f"unknown export format {fmt!r}")


# ----------------------------------------------------------------------------------------------
# schema.org JSON-LD

SCHEMA = "http://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _sparql(name: str) -> str:
    return (SPARQL_DIR / name).read_text(encoding="utf-8")


def _json_value(term: ox.NamedNode | ox.BlankNode | ox.Literal):
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    datatype = term.datatype.value
    if datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
        return float(Decimal(term.value))
    if datatype == XSD + "integer":
        return int(term.value)
    return term.value


def _sort_key(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def schema_org(store: ox.Store) -> str:
    """The public records as one schema.org JSON-LD document (``@context`` https://schema.org).

    The context is named as a string: the document is an output for other tools, never parsed by
    edkg. Nodes come sorted by IRI with sorted values, so equal data gives equal bytes; the
    coordinates of a place are embedded in it as schema:geo.
    """
    nodes: dict[ox.NamedNode | ox.BlankNode, dict[str, list]] = {}
    for triple in store.query(_sparql("schemaorg.rq"), use_default_graph_as_union=True):
        nodes.setdefault(triple.subject, {}).setdefault(triple.predicate.value, []).append(
            triple.object
        )

    def compact(subject) -> dict:
        properties = nodes[subject]
        node: dict = {} if isinstance(subject, ox.BlankNode) else {"@id": subject.value}
        types = sorted(t.value.removeprefix(SCHEMA) for t in properties.get(RDF_TYPE, []))
        node["@type"] = types[0] if len(types) == 1 else types
        for predicate in sorted(p for p in properties if p != RDF_TYPE):
            values = []
            for term in properties[predicate]:
                embed = isinstance(term, ox.BlankNode) and term in nodes
                values.append(compact(term) if embed else _json_value(term))
            values = sorted({_sort_key(v): v for v in values}.values(), key=_sort_key)
            node[predicate.removeprefix(SCHEMA)] = values[0] if len(values) == 1 else values
        return node

    graph = [
        compact(subject)
        for subject in sorted(
            (s for s in nodes if isinstance(s, ox.NamedNode)), key=lambda s: s.value
        )
    ]
    document = {"@context": "https://schema.org", "@graph": graph}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


# ----------------------------------------------------------------------------------------------
# CSV

VOCAB = re.compile(r"^https://w3id\.org/edkg/vocab/[^/]+/(?P<code>[^/]+)$")
ONTOLOGY = "https://w3id.org/edkg/ontology#"
# Cells a spreadsheet would read as a formula (CWE-1236); numbers such as -12.5 are left alone.
FORMULA = re.compile(r"^[=+\-@\t\r]")
# Columns made by GROUP_CONCAT (see the csv-*.rq files).
MULTIPLE = frozenset({"roles", "victims"})
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _cell(term) -> str:
    """A term as a spreadsheet cell: codes for vocabulary concepts and edkg classes, the lexical
    form of literals, full IRIs otherwise."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        if match := VOCAB.match(term.value):
            return match.group("code")
        if term.value.startswith(ONTOLOGY):
            local = term.value[len(ONTOLOGY) :]
            return re.sub(r"(?<!^)(?=[A-Z])", "-", local).lower()
        return term.value
    text = term.value
    if FORMULA.match(text) and not NUMBER.match(text):
        return "'" + text
    return text


def table(store: ox.Store, kind: str) -> str:
    """One row an entity of `kind`, its IRI first; UTF-8 text that starts with a byte-order mark.

    The BOM makes spreadsheet programs (Excel above all) read the Korean names as UTF-8 rather
    than in the local code page; multiple values in one cell are joined by ``|``, as in Uwazi.
    """
    if kind not in CSV_KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(CSV_KINDS)}")
    solutions = store.query(_sparql(f"csv-{kind}.rq"), use_default_graph_as_union=True)
    columns = [v.value for v in solutions.variables]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for solution in solutions:
        cells = [_cell(solution[name]) for name in columns]
        # GROUP_CONCAT keeps no order: sort the values of multi-valued cells for stable output.
        writer.writerow(
            [
                "|".join(sorted(cell.split("|"))) if name in MULTIPLE else cell
                for name, cell in zip(columns, cells, strict=True)
            ]
        )
    return buffer.getvalue()
