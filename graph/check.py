"""`edkg validate`: check record files without building, and report in text, JSON or SHACL RDF."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from . import queries, records, results
from .build import ontology_quads, record_quads
from .context import property_keys
from .errors import RecordProblem
from .validate import Finding, Report, locate, validate_quads

EDKG = rdflib.Namespace("https://w3id.org/edkg/ontology#")

# Exit statuses of `edkg validate`.
CONFORMS, VIOLATIONS, UNUSABLE = 0, 1, 2


@dataclass
class Outcome:
    """What validation found: problems before SHACL could run, then the SHACL report."""

    base_iri: str
    problems: list[RecordProblem] = field(default_factory=list)
    unusable: bool = False
    report: Report | None = None
    quads: list[ox.Quad] = field(default_factory=list)

    @property
    def violations(self) -> int:
        return len(self.problems) + (len(self.report.violations) if self.report else 0)

    @property
    def warnings(self) -> list[Finding]:
        return self.report.warnings if self.report else []

    def status(self, strict: bool) -> int:
        if self.unusable:
            return UNUSABLE
        if self.violations or (strict and self.warnings):
            return VIOLATIONS
        return CONFORMS


def validate_records(paths: list[Path] | None, base_iri: str) -> Outcome:
    """Read, convert and SHACL-validate records (default: the bundled sample)."""
    if not base_iri.endswith("/"):
        base_iri += "/"
    collection = records.read(paths)
    converted, problems = records.convert(collection)
    outcome = Outcome(base_iri)
    if problems:
        outcome.problems = problems
        # A file that cannot be read at all is unusable input; a readable record with a wrong
        # field is a violation.
        outcome.unusable = any(p.record is None and p.field is None for p in problems)
        return outcome
    ontology = list(ontology_quads())
    quads = list(record_quads(converted, base_iri))
    report = validate_quads(ontology + quads)
    outcome.report = Report(report.graph, tuple(locate(report.findings, converted, base_iri)))
    outcome.quads = ontology + quads
    return outcome


def summary(outcome: Outcome) -> list[dict[str, str]]:
    """Which WGEID and legal elements each case documents (the `case-elements` named query)."""
    store = ox.Store()
    store.extend(outcome.quads)
    solutions = queries.run(store, queries.get("case-elements"))
    names = [v.value for v in solutions.variables if v.value != "case"]
    return [{name: results.display(row[name]) for name in names} for row in solutions]


def as_text(outcome: Outcome, rows: list[dict[str, str]] | None) -> str:
    lines = [str(problem) for problem in outcome.problems]
    if outcome.report:
        for finding in outcome.report.findings:
            lines.append(str(finding.problem()))
    warnings = len(outcome.warnings)
    lines.append(
        f"{outcome.violations} violation{'s' if outcome.violations != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    text = "\n".join(lines) + "\n"
    if rows:
        text += "\n" + results.table(list(rows[0]), [list(r.values()) for r in rows])
    return text


def as_json(outcome: Outcome, rows: list[dict[str, str]] | None) -> str:
    found = [{"severity": "Violation", **p.as_dict()} for p in outcome.problems]
    if outcome.report:
        found += [f.as_dict() for f in outcome.report.findings]
    document = {
        "conforms": outcome.violations == 0,
        "violations": outcome.violations,
        "warnings": len(outcome.warnings),
        "results": found,
    }
    if rows is not None:
        document["summary"] = rows
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_turtle(outcome: Outcome) -> str:
    """The SHACL validation report; problems found before SHACL become results of their own."""
    graph = outcome.report.graph if outcome.report else rdflib.Graph()
    graph.bind("sh", SH)
    graph.bind("edkg", EDKG)
    if outcome.problems or not outcome.report:
        report = rdflib.BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, rdflib.Literal(not outcome.problems)))
        keys = {key: iri for iri, names in property_keys().items() for key in names}
        for problem in outcome.problems:
            result = rdflib.BNode()
            graph.add((report, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.resultSeverity, SH.Violation))
            graph.add((result, SH.sourceConstraintComponent, EDKG.RecordFormatConstraintComponent))
            # The focus is the file: a record that could not be read has no node yet.
            graph.add((result, SH.focusNode, rdflib.URIRef(Path(problem.file).resolve().as_uri())))
            last = (problem.field or "").rsplit(".", 1)[-1].split("[", 1)[0]
            if last in keys:
                graph.add((result, SH.resultPath, rdflib.URIRef(keys[last])))
            graph.add((result, SH.resultMessage, rdflib.Literal(str(problem))))
    return graph.serialize(format="turtle")
