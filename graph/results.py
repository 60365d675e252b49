"""Writing query results: the SPARQL results formats and a plain text table for people."""

from __future__ import annotations

import pyoxigraph as ox

FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}


def display(term) -> str:
    """A term as a person reads it: the IRI or the literal's text; empty when unbound."""
    if term is None:
        return ""
    return term.value


def table(variables: list[str], rows: list[list[str]]) -> str:
    """Format rows as an aligned text table with a header line."""
    widths = [len(v) for v in variables]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    out = [line(variables), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    return "\n".join(text.rstrip() for text in out) + "\n"


def render(result, fmt: str) -> bytes:
    """Render a SELECT or ASK result in one of table, csv, tsv, json, xml."""
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return b"true\n" if bool(result) else b"false\n"
        return result.serialize(format=FORMATS[fmt])
    if isinstance(result, ox.QuerySolutions):
        if fmt != "table":
            return result.serialize(format=FORMATS[fmt])
        variables = [v.value for v in result.variables]
        rows = [[display(solution[v]) for v in variables] for solution in result]
        return table(variables, rows).encode("utf-8")
    # CONSTRUCT / DESCRIBE: triples, written as N-Triples whatever was asked
    return ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
