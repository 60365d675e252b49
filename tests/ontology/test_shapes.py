"""SHACL shapes: one valid and one invalid example for every shape, and datasets that must conform.

Each example changes a small, complete and valid case (BASE) by removing and adding Turtle, then
validates it with pySHACL together with the ontology and the vocabularies, as `edkg validate` does.
The assertions read the report graph (focus node, result path, constraint component, severity,
source shape), never the message text.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from edkg import dates
from edkg.build import build
from pyshacl import validate
from pyshacl_turbo import validate as turbo_validate
from rdflib import OWL, RDF, RDFS, Dataset, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
PUBLIC_SHAPES = ONTOLOGY_DIR / "shapes-public.ttl"
RECORDS = ROOT / "tests" / "data" / "records"
SAMPLE_CASES = ROOT / "data" / "cases"
BASE_IRI = "https://w3id.org/edkg/"
ID = BASE_IRI + "id/"
EDKG_NS = "https://w3id.org/edkg/ontology#"
VOCAB = "https://w3id.org/edkg/vocab/"
EDKG = Namespace(EDKG_NS)
SHAPES_RESOURCE = URIRef("https://w3id.org/edkg/shapes")

# The forms of EDTF the shapes must accept (levels 0 and 1) and forms they must refuse.
EDTF_VALID = (
    "2013", "2013-04", "2013-04-17", "2013-21", "2013-22", "2013-23", "2013-24", "2009~", "2009?",
    "2009%", "201X", "20XX", "2013-XX", "2013-XX-XX", "2013-04-XX", "2004-06~", "2011-12/2012-03",
    "../2012", "2012/..", "2012/", "/2012", "2004-06~/2004-08?", "-0100", "Y170000002",
    "2013-04-17T10:30:00Z",
)  # fmt: skip
EDTF_INVALID = (
    "13", "2013-4", "2013-13", "2013-00", "2013-04-32", "2013-25", "2013-XX-17", "2XXX", "2013-21~",
    "spring", "../..", "/", "2013/2014-XX", "c.1980", "2013-04-17T25:00:00", "", " 2013", "2013 ",
)  # fmt: skip
PLAIN_DATE = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2])(-[0-9]{2})?)?$")


# --------------------------------------------------------------------------------------------
# Graphs


def vocabulary_paths() -> list[Path]:
    return sorted((ONTOLOGY_DIR / "vocabularies").glob("*.ttl"))


@cache
def reference() -> Graph:
    """The ontology and the concept schemes: what every data graph holds besides records."""
    graph = Graph()
    for path in [ONTOLOGY_DIR / "edkg.ttl", *vocabulary_paths()]:
        graph.parse(path, format="turtle")
    return graph


@cache
def record_shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@cache
def public_shapes() -> Graph:
    return Graph().parse(PUBLIC_SHAPES, format="turtle")


@cache
def all_shapes() -> Graph:
    graph = Graph()
    graph += record_shapes()
    graph += public_shapes()
    return graph


def named_shapes(graph: Graph) -> set[URIRef]:
    found = set(graph.subjects(RDF.type, SH.NodeShape)) | set(
        graph.subjects(RDF.type, SH.PropertyShape)
    )
    return {s for s in found if isinstance(s, URIRef)}


# Parameters that make a shape check something (rather than group or target other shapes).
CONSTRAINTS = (
    SH.minCount, SH.maxCount, SH.datatype, SH.pattern, SH["class"], SH.node, SH.hasValue, SH["in"],
    SH["or"], SH["not"], SH.qualifiedValueShape, SH.lessThanOrEquals, SH.minInclusive,
    SH.maxInclusive, SH.uniqueLang, SH.sparql, SH.nodeKind,
)  # fmt: skip


def constraining_shapes() -> set[URIRef]:
    graph = all_shapes()
    return {
        s for s in named_shapes(graph) if any(graph.value(s, p) is not None for p in CONSTRAINTS)
    }


def root_of(shape: URIRef) -> URIRef:
    """The shape pySHACL starts from: the node shape a property shape belongs to, or itself."""
    return all_shapes().value(predicate=SH.property, object=shape) or shape


HEADER = (
    "\n".join(
        f"@prefix {prefix}: <{iri}> ."
        for prefix, iri in {
            "edkg": EDKG_NS,
            "rdf": str(RDF),
            "dcterms": "http://purl.org/dc/terms/",
            "schema": "http://schema.org/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
            "org": "http://www.w3.org/ns/org#",
            "edtf": "http://id.loc.gov/datatypes/edtf/",
            **{p.stem: f"{VOCAB}{p.stem}/" for p in vocabulary_paths()},
        }.items()
    )
    + f"\n@base <{ID}> .\n"
)

# A complete case that breaks no shape and documents every element the warnings ask for.
BASE = """
<case/C1> a edkg:Case ;
    dcterms:identifier "C1" ;
    dcterms:title "Test case"@en ;
    edkg:reportedDate "2021-06"^^edtf:EDTF ;
    edkg:submittedBy <organisation/ngo> ;
    edkg:familyNotified false ;
    edkg:officialResponse official-response:none ;
    edkg:hasSource <source/S1> ;
    edkg:hasPerson <person/P1> , <person/P2> ;
    edkg:hasEvent <event/C1-E1> , <event/C1-E2> , <event/C1-E3> .

<person/P1> a edkg:Person ;
    dcterms:identifier "P1" ;
    schema:name "Test Victim"@en ;
    edkg:sex sex:male ;
    edkg:role role:victim ;
    edkg:reason reason:escape-repatriated ;
    edkg:connectionToSource source-connection:family-member ;
    edkg:whereabouts whereabouts:unknown ;
    edkg:consent consent:public ;
    edkg:birthDate "1980"^^edtf:EDTF ;
    edkg:earliestBirthDate "1980-01-01"^^xsd:date ;
    edkg:latestBirthDate "1980-12-31"^^xsd:date ;
    edkg:hasSpouse <person/P2> .

<person/P2> a edkg:Person ;
    dcterms:identifier "P2" ;
    schema:name "Test Relative"@en ;
    edkg:role role:relative ;
    edkg:hasSpouse <person/P1> .

<event/C1-E1> a edkg:Arrest , edkg:Event ;
    dcterms:identifier "E1" ;
    edkg:sequence 1 ;
    edkg:date "2013-04"^^edtf:EDTF ;
    edkg:earliestDate "2013-04-01"^^xsd:date ;
    edkg:latestDate "2013-04-30"^^xsd:date ;
    edkg:datePrecision date-precision:month ;
    edkg:place <place/tumen> ;
    edkg:victim <person/P1> ;
    edkg:perpetrator <organisation/cn_mps> ;
    edkg:hasSource <source/S1> .

<event/C1-E2> a edkg:Transfer , edkg:Event ;
    dcterms:identifier "E2" ;
    edkg:sequence 2 ;
    edkg:date "2013-21"^^edtf:EDTF ;
    edkg:earliestDate "2013-03-01"^^xsd:date ;
    edkg:latestDate "2013-05-31"^^xsd:date ;
    edkg:datePrecision date-precision:season ;
    edkg:fromPlace <place/tumen> ;
    edkg:toPlace <place/holding_centre> ;
    edkg:victim <person/P1> ;
    edkg:perpetrator <organisation/kp_mss_unit> .

<event/C1-E3> a edkg:Inquiry , edkg:RelativeAction , edkg:Event ;
    dcterms:identifier "E3" ;
    edkg:sequence 3 ;
    edkg:date "2014-03-02"^^edtf:EDTF ;
    edkg:earliestDate "2014-03-02"^^xsd:date ;
    edkg:latestDate "2014-03-02"^^xsd:date ;
    edkg:datePrecision date-precision:day ;
    edkg:place <place/kp> ;
    edkg:victim <person/P1> .

<source/S1> a edkg:Testimony , edkg:Source ;
    dcterms:identifier "S1" ;
    edkg:date "2021-06"^^edtf:EDTF ;
    edkg:earliestDate "2021-06-01"^^xsd:date ;
    edkg:latestDate "2021-06-30"^^xsd:date ;
    edkg:datePrecision date-precision:month ;
    edkg:reliability reliability:high ;
    edkg:withdrawn false .

<place/kp> a edkg:Country , edkg:Place ;
    dcterms:identifier "kp" ;
    schema:name "North Korea"@en , "조선민주주의인민공화국"@ko ;
    edkg:countryCode "KP" ;
    wgs84:lat 40.0 ;
    wgs84:long 127.0 .

<place/cn> a edkg:Country , edkg:Place ;
    dcterms:identifier "cn" ;
    schema:name "China"@en ;
    edkg:countryCode "CN" .

<place/tumen> a edkg:Municipality , edkg:Place ;
    dcterms:identifier "tumen" ;
    schema:name "Tumen"@en ;
    edkg:locatedIn <place/cn> ;
    wgs84:lat 42.966667 ;
    wgs84:long 129.85 .

<place/holding_centre> a edkg:DetentionFacility , edkg:Place ;
    dcterms:identifier "holding_centre" ;
    schema:name "Test holding centre"@en ;
    edkg:locatedIn <place/kp> ;
    edkg:facilityType facility-type:jipkyulso ;
    edkg:operatedBy <organisation/kp_mss> .

<organisation/kp_mss> a edkg:Organisation ;
    dcterms:identifier "kp_mss" ;
    schema:name "Ministry of State Security (North Korea)"@en ;
    edkg:agency agency:kp-mss ;
    edkg:country <place/kp> .

<organisation/kp_mss_unit> a edkg:Organisation ;
    dcterms:identifier "kp_mss_unit" ;
    schema:name "Test provincial bureau"@en ;
    org:subOrganizationOf <organisation/kp_mss> .

<organisation/cn_mps> a edkg:Organisation ;
    dcterms:identifier "cn_mps" ;
    schema:name "Ministry of Public Security (China)"@en ;
    edkg:agency agency:cn-mps ;
    edkg:country <place/cn> .

<organisation/ngo> a edkg:Organisation ;
    dcterms:identifier "ngo" ;
    schema:name "Test documentation group"@en .
"""


CURIES = {
    "edkg": EDKG_NS,
    "rdf": str(RDF),
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "org": "http://www.w3.org/ns/org#",
}


def turtle(text: str) -> Graph:
    return Graph().parse(data=HEADER + text, format="turtle")


@cache
def base_graph() -> Graph:
    return turtle(BASE)


@cache
def working_graph() -> Graph:
    """The reference graphs and the base case, changed in place by each example and restored."""
    graph = Graph()
    graph += reference()
    graph += base_graph()
    return graph


@contextmanager
def data_graph(drop: str = "", add: str = "") -> Iterator[Graph]:
    """The reference graphs and the base case, less `drop` and plus `add` (both Turtle).

    Copying the 2,300 triples of the ontology and vocabularies for each example would cost more
    than validating it; the changes are undone instead.
    """
    graph = working_graph()
    removed = turtle(drop)
    assert all(triple in graph for triple in removed), f"not in the base case:\n{drop}"
    graph -= removed
    added = Graph()
    for triple in turtle(add):
        if triple not in graph:
            added.add(triple)
    graph += added
    try:
        yield graph
    finally:
        graph -= added
        graph += removed


# --------------------------------------------------------------------------------------------
# Reports


def render_path(graph: Graph, path) -> object:
    """A result path as a comparable value: a CURIE, a tuple for a sequence, a tagged tuple else."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        for prefix, namespace in CURIES.items():
            if path.startswith(namespace):
                return f"{prefix}:{path.removeprefix(namespace)}"
        return str(path)
    if (path, RDF.first, None) in graph:
        return tuple(render_path(graph, item) for item in Collection(graph, path))
    for key, tag in (
        (SH.alternativePath, "|"),
        (SH.inversePath, "^"),
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = graph.value(path, key)
        if inner is not None:
            rendered = render_path(graph, inner)
            return (tag, *rendered) if isinstance(rendered, tuple) else (tag, rendered)
    raise AssertionError(f"unreadable path {path}")


@dataclass(frozen=True)
class Result:
    focus: str
    path: object
    component: str
    severity: str
    shape: str
    value: str | None = None


def short(term) -> str | None:
    if term is None:
        return None
    text = str(term)
    for prefix in (ID, EDKG_NS, str(SH)):
        if text.startswith(prefix):
            return text.removeprefix(prefix)
    return text


def results(report: Graph) -> list[Result]:
    """The top-level results of a report (not the nested sh:detail ones)."""
    found = []
    for node in report.objects(None, SH.result):
        value = report.value(node, SH.value)
        found.append(
            Result(
                focus=short(report.value(node, SH.focusNode)),
                path=render_path(report, report.value(node, SH.resultPath)),
                component=short(report.value(node, SH.sourceConstraintComponent)).removesuffix(
                    "ConstraintComponent"
                ),
                severity=short(report.value(node, SH.resultSeverity)),
                shape=short(report.value(node, SH.sourceShape)),
                value=short(value) if isinstance(value, URIRef) else None,
            )
        )
    return found


def run(data: Graph, shapes: Graph, use_shapes: list[str] | None = None) -> list[Result]:
    """Validate as `edkg validate` does; in place, as no inference or rule changes the data."""
    _, report, _ = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        use_shapes=use_shapes,
        inplace=True,
    )
    return results(report)


@cache
def base_results() -> tuple[Result, ...]:
    with data_graph() as graph:
        return tuple(run(graph, all_shapes()))


def run_example(shape: str, drop: str, add: str) -> tuple[Result, ...]:
    """Validate one example with the shape it tests, and the node shape that holds it.

    pySHACL ignores the property shapes of a node shape that `use_shapes` does not name, so only
    the tested shape runs. The unchanged base case is validated once, with every shape.
    """
    if not drop and not add:
        return base_results()
    root = root_of(EDKG[shape])
    with data_graph(drop, add) as graph:
        return tuple(run(graph, all_shapes(), sorted({str(root), str(EDKG[shape])})))


# --------------------------------------------------------------------------------------------
# Examples


@dataclass(frozen=True)
class Example:
    """An invalid change of the base case, the results it must give, and a valid change."""

    shape: str
    component: str
    focus: str
    path: object = None
    add: str = ""
    drop: str = ""
    valid_add: str = ""
    valid_drop: str = ""
    severity: str = "Violation"
    values: tuple[str | None, ...] = (None,)
    foci: tuple[str, ...] = ()

    def expected(self) -> set[Result]:
        foci = self.foci or (self.focus,)
        return {
            Result(f, self.path, self.component, self.severity, self.shape, v)
            for f in foci
            for v in self.values
        }


def warning(shape: str, component: str, path: object, **kw) -> Example:
    return Example(shape, component, "case/C1", path, severity="Warning", **kw)


def event(ident: str, cls: str, extra: str = "", position: int = 4) -> str:
    """Turtle for one more event of the base case."""
    return f"""
    <case/C1> edkg:hasEvent <event/C1-{ident}> .
    <event/C1-{ident}> a edkg:{cls} , edkg:Event ;
        dcterms:identifier "{ident}" ; edkg:sequence {position} ;
        edkg:victim <person/P1> {extra} .
    """


def dated(edtf: str, earliest: str, latest: str) -> str:
    return (
        f'; edkg:date "{edtf}"^^edtf:EDTF ; edkg:earliestDate "{earliest}"^^xsd:date ; '
        f'edkg:latestDate "{latest}"^^xsd:date'
    )


E1_DATE = """<event/C1-E1> edkg:date "2013-04"^^edtf:EDTF ."""
E1_ARREST = "<event/C1-E1> a edkg:Arrest ."
E1_PERPETRATOR = "<event/C1-E1> edkg:perpetrator <organisation/cn_mps> ."
E2_PERPETRATOR = "<event/C1-E2> edkg:perpetrator <organisation/kp_mss_unit> ."
NOTIFIED = "<case/C1> edkg:familyNotified false ."
WHEREABOUTS = "<person/P1> edkg:whereabouts whereabouts:unknown ."
RESPONSE = "<case/C1> edkg:officialResponse official-response:none ."
P1_BORN = """<person/P1> edkg:birthDate "1980"^^edtf:EDTF ;
    edkg:earliestBirthDate "1980-01-01"^^xsd:date ; edkg:latestBirthDate "1980-12-31"^^xsd:date ."""
E2_DATE = """<event/C1-E2> edkg:date "2013-21"^^edtf:EDTF ;
    edkg:earliestDate "2013-03-01"^^xsd:date ; edkg:latestDate "2013-05-31"^^xsd:date ."""

ALTERNATIVE_RELATIVES = (
    "|", "edkg:hasParent", "edkg:hasChild", "edkg:hasSibling", "edkg:hasSpouse", "edkg:hasRelative",
)  # fmt: skip

SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
PROV_NS = "http://www.w3.org/ns/prov#"


def link(**changes: str) -> str:
    """Turtle for a link of place/tumen (an entry of links.yaml), with some statements changed."""
    statements = {
        "a": "edkg:Link",
        "rdf:subject": "<place/tumen>",
        "rdf:predicate": f"<{SKOS_NS}exactMatch>",
        "rdf:object": "<https://example.org/place/tumen>",
        "edkg:linkMethod": '"manual"',
        "dcterms:created": '"2026-11-26"^^xsd:date',
        **{key.replace("__", ":"): value for key, value in changes.items()},
    }
    body = " ;\n    ".join(f"{p} {o}" for p, o in statements.items() if o)
    return f"<place/tumen#tumen-example> {body} ."


EXAMPLES = [
    # Cases
    Example(
        "CaseShape-id", "Pattern", "case/C1", "dcterms:identifier",
        drop='<case/C1> dcterms:identifier "C1" .', add='<case/C1> dcterms:identifier "C 1" .',
        valid_drop='<case/C1> dcterms:identifier "C1" .',
        valid_add='<case/C1> dcterms:identifier "C-1_b" .',
    ),
    Example(
        "CaseShape-title", "UniqueLang", "case/C1", "dcterms:title",
        add='<case/C1> dcterms:title "Another title"@en .',
        valid_add='<case/C1> dcterms:title "시험 사례"@ko .',
    ),
    Example(
        "CaseShape-reported", "Pattern", "case/C1", "edkg:reportedDate",
        drop='<case/C1> edkg:reportedDate "2021-06"^^edtf:EDTF .',
        add='<case/C1> edkg:reportedDate "June 2021"^^edtf:EDTF .',
        valid_drop='<case/C1> edkg:reportedDate "2021-06"^^edtf:EDTF .',
        valid_add='<case/C1> edkg:reportedDate "2021~"^^edtf:EDTF .',
    ),
    Example(
        "CaseShape-submitted-by", "MaxCount", "case/C1", "edkg:submittedBy",
        add="<case/C1> edkg:submittedBy <organisation/kp_mss> .",
    ),
    Example(
        "CaseShape-family-notified", "Datatype", "case/C1", "edkg:familyNotified",
        drop=NOTIFIED, add='<case/C1> edkg:familyNotified "no" .',
        valid_drop=NOTIFIED, valid_add="<case/C1> edkg:familyNotified true .",
    ),
    Example(
        "CaseShape-official-response", "Node", "case/C1", "edkg:officialResponse",
        drop=RESPONSE, add="<case/C1> edkg:officialResponse whereabouts:unknown .",
        valid_drop=RESPONSE, valid_add="<case/C1> edkg:officialResponse official-response:denial .",
    ),
    Example(
        "CaseShape-source", "Class", "case/C1", "edkg:hasSource",
        add="<case/C1> edkg:hasSource <place/tumen> .",
    ),
    Example(
        "CaseShape-person", "Class", "case/C1", "edkg:hasPerson",
        add="<case/C1> edkg:hasPerson <organisation/ngo> .",
    ),
    Example(
        "CaseShape-event", "Class", "case/C1", "edkg:hasEvent",
        add="<case/C1> edkg:hasEvent <person/P2> .",
    ),
    Example(
        "CaseShape-victim", "QualifiedMinCount", "case/C1", "edkg:hasPerson",
        drop="<person/P1> edkg:role role:victim .", add="<person/P1> edkg:role role:witness .",
        valid_drop="<person/P1> edkg:role role:victim .",
        valid_add="<person/P1> edkg:role role:witness . <person/P2> edkg:role role:victim .",
    ),
    Example(
        "CaseShape-date-bounds", "SPARQL", "case/C1", values=("event/C1-E1",),
        drop='<event/C1-E1> edkg:earliestDate "2013-04-01"^^xsd:date .',
        add='<event/C1-E1> edkg:earliestDate "2013-03-31"^^xsd:date .',
        # An approximate birth date has wider bounds than the year it names.
        valid_drop=P1_BORN,
        valid_add="""<person/P1> edkg:birthDate "1980~"^^edtf:EDTF ;
            edkg:earliestBirthDate "1979-01-01"^^xsd:date ;
            edkg:latestBirthDate "1981-12-31"^^xsd:date .""",
    ),
    # What a UN submission would miss
    warning(
        "CaseShape-wgeid-identity", "QualifiedMaxCount", "edkg:hasPerson",
        drop='<person/P1> schema:name "Test Victim"@en .',
        valid_drop='<person/P2> schema:name "Test Relative"@en .',
    ),
    warning(
        "CaseShape-wgeid-date", "QualifiedMinCount", "edkg:hasEvent",
        drop=E1_DATE,
        valid_drop=E1_DATE,
        valid_add=event("E4", "Disappearance", dated("2013~", "2012-01-01", "2014-12-31")),
    ),
    warning(
        "CaseShape-wgeid-place", "QualifiedMinCount", "edkg:hasEvent",
        drop="<event/C1-E1> edkg:place <place/tumen> .",
        valid_drop="<event/C1-E1> edkg:place <place/tumen> .",
        valid_add=event("E4", "LastSighting", "; edkg:place <place/holding_centre>"),
    ),
    warning(
        "CaseShape-wgeid-responsible", "QualifiedMinCount", "edkg:hasEvent",
        drop=E1_PERPETRATOR + E2_PERPETRATOR,
        valid_drop=E1_PERPETRATOR + E2_PERPETRATOR,
        valid_add="<event/C1-E1> edkg:perpetratorPerson <person/P2> .",
    ),
    warning(
        "CaseShape-wgeid-relatives-steps", "QualifiedMinCount", "edkg:hasEvent",
        drop="<case/C1> edkg:hasEvent <event/C1-E3> .",
        valid_drop="<event/C1-E3> a edkg:Inquiry .",
        valid_add="<event/C1-E3> a edkg:Petition .",
    ),
    warning(
        "CaseShape-wgeid-submitter", "MinCount", "edkg:submittedBy",
        drop="<case/C1> edkg:submittedBy <organisation/ngo> .",
    ),
    warning(
        "CaseShape-legal-deprivation-of-liberty", "QualifiedMinCount", "edkg:hasEvent",
        drop=E1_ARREST, add="<event/C1-E1> a edkg:BorderCrossing .",
        valid_drop=E1_ARREST, valid_add="<event/C1-E1> a edkg:Detention .",
    ),
    warning(
        "CaseShape-legal-state-involvement", "QualifiedMinCount", "edkg:hasEvent",
        drop=E1_PERPETRATOR + E2_PERPETRATOR,
        add="<event/C1-E1> edkg:perpetrator <organisation/ngo> .",
        # A unit (part_of) of a state agency, without an agency code of its own, is the state.
        valid_drop=E1_PERPETRATOR,
    ),
    warning(
        "CaseShape-legal-concealment", "Or", None,
        drop=NOTIFIED + WHEREABOUTS + RESPONSE,
        add="""<case/C1> edkg:familyNotified true ;
            edkg:officialResponse official-response:acknowledged-arrest .
            <person/P1> edkg:whereabouts whereabouts:detained-known-place .""",
        valid_drop=NOTIFIED + WHEREABOUTS + RESPONSE,
        valid_add="""<case/C1> edkg:familyNotified true ;
            edkg:officialResponse official-response:denial .
            <person/P1> edkg:whereabouts whereabouts:detained-known-place .""",
    ),
    warning(
        "CaseShape-legal-outside-law", "Or", None,
        drop=NOTIFIED + WHEREABOUTS,
        # A relative's unknown whereabouts do not count: only a victim's do.
        add="""<case/C1> edkg:familyNotified true .
            <person/P1> edkg:whereabouts whereabouts:detained-known-place .
            <person/P2> edkg:whereabouts whereabouts:unknown .""",
        valid_drop=NOTIFIED,
        valid_add="<case/C1> edkg:familyNotified true .",
    ),
    # Persons
    Example(
        "PersonShape-id", "MaxCount", "person/P1", "dcterms:identifier",
        add='<person/P1> dcterms:identifier "P1b" .',
    ),
    Example(
        "PersonShape-name", "UniqueLang", "person/P1", "schema:name",
        add='<person/P1> schema:name "Another Name"@en .',
        valid_add='<person/P1> schema:name "시험 피해자"@ko .',
    ),
    Example(
        "PersonShape-sex", "Node", "person/P1", "edkg:sex",
        drop="<person/P1> edkg:sex sex:male .", add="<person/P1> edkg:sex role:victim .",
        valid_drop="<person/P1> edkg:sex sex:male .", valid_add="<person/P1> edkg:sex sex:female .",
    ),
    Example(
        "PersonShape-role", "MinCount", "person/P2", "edkg:role",
        drop="<person/P2> edkg:role role:relative .",
        valid_add="<person/P2> edkg:role role:witness .",
    ),
    Example(
        "PersonShape-reason", "Node", "person/P1", "edkg:reason",
        drop="<person/P1> edkg:reason reason:escape-repatriated .",
        add=f"<person/P1> edkg:reason <{VOCAB}reason/no-such-reason> .",
        valid_drop="<person/P1> edkg:reason reason:escape-repatriated .",
        valid_add="<person/P1> edkg:reason reason:other-religion .",
    ),
    Example(
        "PersonShape-connection-to-source", "Node", "person/P1", "edkg:connectionToSource",
        add="<person/P1> edkg:connectionToSource relationship:spouse .",
        valid_add="<person/P1> edkg:connectionToSource source-connection:hearsay .",
    ),
    Example(
        "PersonShape-whereabouts", "MaxCount", "person/P1", "edkg:whereabouts",
        add="<person/P1> edkg:whereabouts whereabouts:dead .",
        valid_drop=WHEREABOUTS, valid_add="<person/P1> edkg:whereabouts whereabouts:dead .",
    ),
    Example(
        "PersonShape-consent", "Node", "person/P1", "edkg:consent",
        drop="<person/P1> edkg:consent consent:public .",
        add='<person/P1> edkg:consent "withheld" .',
        valid_drop="<person/P1> edkg:consent consent:public .",
        valid_add="<person/P1> edkg:consent consent:withheld .",
    ),
    Example(
        "PersonShape-birth-date", "Pattern", "person/P1", "edkg:birthDate",
        drop='<person/P1> edkg:birthDate "1980"^^edtf:EDTF .',
        add='<person/P1> edkg:birthDate "c. 1980"^^edtf:EDTF .',
        valid_drop='<person/P1> edkg:birthDate "1980"^^edtf:EDTF .',
        valid_add='<person/P1> edkg:birthDate "1970/1979"^^edtf:EDTF .',
    ),
    Example(
        "PersonShape-earliest-birth-date", "LessThanOrEquals", "person/P1",
        "edkg:earliestBirthDate",
        drop='<person/P1> edkg:earliestBirthDate "1980-01-01"^^xsd:date .',
        add='<person/P1> edkg:earliestBirthDate "1981-01-01"^^xsd:date .',
    ),
    Example(
        "PersonShape-latest-birth-date", "Datatype", "person/P1", "edkg:latestBirthDate",
        drop='<person/P1> edkg:latestBirthDate "1980-12-31"^^xsd:date .',
        add='<person/P1> edkg:latestBirthDate "1980-12-31" .',
    ),
    Example(
        "PersonShape-relative", "Class", "person/P1", ALTERNATIVE_RELATIVES,
        add="<person/P1> edkg:hasParent <organisation/ngo> .",
        valid_add="<person/P1> edkg:hasRelative <person/P2> .",
    ),
    # Events
    Example(
        "EventShape-id", "MinCount", "event/C1-E1", "dcterms:identifier",
        drop='<event/C1-E1> dcterms:identifier "E1" .',
    ),
    Example(
        "EventShape-type", "QualifiedMaxCount", "event/C1-E1", "rdf:type",
        add="<event/C1-E1> a edkg:Detention .",
    ),
    Example(
        "EventShape-sequence", "MinInclusive", "event/C1-E1", "edkg:sequence",
        drop="<event/C1-E1> edkg:sequence 1 .", add="<event/C1-E1> edkg:sequence 0 .",
    ),
    Example(
        "EventShape-date", "Pattern", "event/C1-E1", "edkg:date",
        drop=E1_DATE, add='<event/C1-E1> edkg:date "April 2013"^^edtf:EDTF .',
        valid_drop=E1_DATE, valid_add='<event/C1-E1> edkg:date "2013-03/2013-05"^^edtf:EDTF .',
    ),
    Example(
        "EventShape-earliest-date", "LessThanOrEquals", "event/C1-E1", "edkg:earliestDate",
        drop='<event/C1-E1> edkg:earliestDate "2013-04-01"^^xsd:date .',
        add='<event/C1-E1> edkg:earliestDate "2013-05-01"^^xsd:date .',
    ),
    Example(
        "EventShape-latest-date", "MaxCount", "event/C1-E1", "edkg:latestDate",
        add='<event/C1-E1> edkg:latestDate "2013-05-31"^^xsd:date .',
    ),
    Example(
        "EventShape-date-precision", "Node", "event/C1-E1", "edkg:datePrecision",
        drop="<event/C1-E1> edkg:datePrecision date-precision:month .",
        add="<event/C1-E1> edkg:datePrecision consent:public .",
    ),
    Example(
        "EventShape-victim", "Class", "event/C1-E1", "edkg:victim",
        add="<event/C1-E1> edkg:victim <place/tumen> .",
    ),
    Example(
        "EventShape-perpetrator", "Class", "event/C1-E1", "edkg:perpetrator",
        add="<event/C1-E1> edkg:perpetrator <person/P2> .",
    ),
    Example(
        "EventShape-perpetrator-person", "Class", "event/C1-E1", "edkg:perpetratorPerson",
        add="<event/C1-E1> edkg:perpetratorPerson <organisation/cn_mps> .",
        valid_add="<event/C1-E1> edkg:perpetratorPerson <person/P2> .",
    ),
    Example(
        "EventShape-place", "Class", "event/C1-E1", "edkg:place",
        add="<event/C1-E1> edkg:place <organisation/cn_mps> .",
    ),
    Example(
        "EventShape-from-place", "Class", "event/C1-E2", "edkg:fromPlace",
        add="<event/C1-E2> edkg:fromPlace <person/P2> .",
    ),
    Example(
        "EventShape-to-place", "Class", "event/C1-E2", "edkg:toPlace",
        add='<event/C1-E2> edkg:toPlace "Onsong" .',
    ),
    Example(
        "EventShape-source", "Class", "event/C1-E1", "edkg:hasSource",
        add="<event/C1-E1> edkg:hasSource <person/P2> .",
    ),
    Example(
        # Born in 2014: the arrest and the transfer of 2013 are impossible, the inquiry is not.
        "EventShape-after-birth", "LessThanOrEquals", "event/C1-E1",
        ("edkg:victim", "edkg:earliestBirthDate"),
        foci=("event/C1-E1", "event/C1-E2"),
        drop=P1_BORN,
        add="""<person/P1> edkg:birthDate "2014"^^edtf:EDTF ;
            edkg:earliestBirthDate "2014-01-01"^^xsd:date ;
            edkg:latestBirthDate "2014-12-31"^^xsd:date .""",
        # Born about 2013 (2012 to 2014): not impossible.
        valid_drop=P1_BORN,
        valid_add="""<person/P1> edkg:birthDate "2013~"^^edtf:EDTF ;
            edkg:earliestBirthDate "2012-01-01"^^xsd:date ;
            edkg:latestBirthDate "2014-12-31"^^xsd:date .""",
    ),
    Example(
        # A transfer of 2012 listed after the arrest of April 2013.
        "EventShape-after-arrest", "SPARQL", "event/C1-E2", values=("event/C1-E1",),
        drop=E2_DATE,
        add="""<event/C1-E2> edkg:date "2012"^^edtf:EDTF ;
            edkg:earliestDate "2012-01-01"^^xsd:date ; edkg:latestDate "2012-12-31"^^xsd:date .""",
        # About 2013 (2012 to 2014) may still be after April 2013.
        valid_drop=E2_DATE,
        valid_add="""<event/C1-E2> edkg:date "2013~"^^edtf:EDTF ;
            edkg:earliestDate "2012-01-01"^^xsd:date ; edkg:latestDate "2014-12-31"^^xsd:date .""",
    ),
    Example(
        "ReleaseShape", "SPARQL", "event/C1-E4", values=("event/C1-E1",),
        add=event("E4", "Release", dated("2012", "2012-01-01", "2012-12-31")),
        valid_add=event("E4", "Release", dated("2015-06", "2015-06-01", "2015-06-30")),
    ),
    # Sources
    Example(
        "SourceShape-id", "Datatype", "source/S1", "dcterms:identifier",
        drop='<source/S1> dcterms:identifier "S1" .',
        add='<source/S1> dcterms:identifier "S1"@en .',
    ),
    Example(
        "SourceShape-type", "QualifiedMinCount", "source/S1", "rdf:type",
        drop="<source/S1> a edkg:Testimony .",
        valid_drop="<source/S1> a edkg:Testimony .", valid_add="<source/S1> a edkg:Document .",
    ),
    Example(
        "SourceShape-date", "Pattern", "source/S1", "edkg:date",
        drop='<source/S1> edkg:date "2021-06"^^edtf:EDTF .',
        add='<source/S1> edkg:date "2021-6"^^edtf:EDTF .',
        valid_drop='<source/S1> edkg:date "2021-06"^^edtf:EDTF .',
        valid_add='<source/S1> edkg:date "2021-06-14"^^edtf:EDTF .',
    ),
    Example(
        "SourceShape-earliest-date", "LessThanOrEquals", "source/S1", "edkg:earliestDate",
        drop='<source/S1> edkg:earliestDate "2021-06-01"^^xsd:date .',
        add='<source/S1> edkg:earliestDate "2021-07-01"^^xsd:date .',
    ),
    Example(
        "SourceShape-latest-date", "Datatype", "source/S1", "edkg:latestDate",
        drop='<source/S1> edkg:latestDate "2021-06-30"^^xsd:date .',
        add='<source/S1> edkg:latestDate "30 June 2021" .',
    ),
    Example(
        "SourceShape-date-precision", "MaxCount", "source/S1", "edkg:datePrecision",
        add="<source/S1> edkg:datePrecision date-precision:day .",
    ),
    Example(
        "SourceShape-reliability", "Node", "source/S1", "edkg:reliability",
        drop="<source/S1> edkg:reliability reliability:high .",
        add="<source/S1> edkg:reliability sex:male .",
        valid_drop="<source/S1> edkg:reliability reliability:high .",
        valid_add="<source/S1> edkg:reliability reliability:low .",
    ),
    Example(
        "SourceShape-withdrawn", "Datatype", "source/S1", "edkg:withdrawn",
        drop="<source/S1> edkg:withdrawn false .", add='<source/S1> edkg:withdrawn "yes" .',
        valid_drop="<source/S1> edkg:withdrawn false .",
        valid_add="<source/S1> edkg:withdrawn true .",
    ),
    Example(
        "SourceShape-date-bounds", "SPARQL", "source/S1",
        drop='<source/S1> edkg:latestDate "2021-06-30"^^xsd:date .',
        add='<source/S1> edkg:latestDate "2021-07-31"^^xsd:date .',
        valid_drop="""<source/S1> edkg:date "2021-06"^^edtf:EDTF ;
            edkg:earliestDate "2021-06-01"^^xsd:date ; edkg:latestDate "2021-06-30"^^xsd:date .""",
        valid_add="""<source/S1> edkg:date "2021"^^edtf:EDTF ;
            edkg:earliestDate "2021-01-01"^^xsd:date ; edkg:latestDate "2021-12-31"^^xsd:date .""",
    ),
    # Places
    Example(
        "PlaceShape-id", "Pattern", "place/tumen", "dcterms:identifier",
        drop='<place/tumen> dcterms:identifier "tumen" .',
        add='<place/tumen> dcterms:identifier "-tumen" .',
        valid_drop='<place/tumen> dcterms:identifier "tumen" .',
        valid_add='<place/tumen> dcterms:identifier "tumen_2" .',
    ),
    Example(
        "PlaceShape-name", "MinCount", "place/tumen", "schema:name",
        drop='<place/tumen> schema:name "Tumen"@en .',
        valid_add='<place/tumen> schema:name "투먼"@ko .',
    ),
    Example(
        "PlaceShape-type", "QualifiedMaxCount", "place/tumen", "rdf:type",
        add="<place/tumen> a edkg:Province .",
    ),
    Example(
        "PlaceShape-located-in", "Class", "place/tumen", "edkg:locatedIn",
        add="<place/tumen> edkg:locatedIn <organisation/cn_mps> .",
    ),
    Example(
        "PlaceShape-lat", "MaxInclusive", "place/tumen", "wgs84:lat",
        drop="<place/tumen> wgs84:lat 42.966667 .", add="<place/tumen> wgs84:lat 91.5 .",
        valid_drop="<place/tumen> wgs84:lat 42.966667 .",
        valid_add="<place/tumen> wgs84:lat -90.0 .",
    ),
    Example(
        "PlaceShape-long", "MinInclusive", "place/tumen", "wgs84:long",
        drop="<place/tumen> wgs84:long 129.85 .", add="<place/tumen> wgs84:long -181.0 .",
        valid_drop="<place/tumen> wgs84:long 129.85 .",
        valid_add="<place/tumen> wgs84:long 180.0 .",
    ),
    Example(
        "CountryShape-country-code", "Pattern", "place/kp", "edkg:countryCode",
        drop='<place/kp> edkg:countryCode "KP" .', add='<place/kp> edkg:countryCode "kp" .',
    ),
    Example(
        "DetentionFacilityShape-facility-type", "Node", "place/holding_centre",
        "edkg:facilityType",
        drop="<place/holding_centre> edkg:facilityType facility-type:jipkyulso .",
        add="<place/holding_centre> edkg:facilityType agency:kp-mss .",
        valid_drop="<place/holding_centre> edkg:facilityType facility-type:jipkyulso .",
        valid_add="<place/holding_centre> edkg:facilityType facility-type:other .",
    ),
    Example(
        "DetentionFacilityShape-operated-by", "Class", "place/holding_centre", "edkg:operatedBy",
        add="<place/holding_centre> edkg:operatedBy <place/kp> .",
    ),
    # Organisations
    Example(
        "OrganisationShape-id", "MinCount", "organisation/ngo", "dcterms:identifier",
        drop='<organisation/ngo> dcterms:identifier "ngo" .',
    ),
    Example(
        "OrganisationShape-name", "MinCount", "organisation/ngo", "schema:name",
        drop='<organisation/ngo> schema:name "Test documentation group"@en .',
    ),
    Example(
        "OrganisationShape-agency", "Node", "organisation/kp_mss", "edkg:agency",
        drop="<organisation/kp_mss> edkg:agency agency:kp-mss .",
        add="<organisation/kp_mss> edkg:agency facility-type:kwalliso .",
        valid_drop="<organisation/kp_mss> edkg:agency agency:kp-mss .",
        valid_add="<organisation/kp_mss> edkg:agency agency:ru-state .",
    ),
    Example(
        "OrganisationShape-country", "Class", "organisation/kp_mss", "edkg:country",
        drop="<organisation/kp_mss> edkg:country <place/kp> .",
        add="<organisation/kp_mss> edkg:country <place/tumen> .",
    ),
    Example(
        "OrganisationShape-part-of", "Class", "organisation/kp_mss_unit", "org:subOrganizationOf",
        add="<organisation/kp_mss_unit> org:subOrganizationOf <place/kp> .",
    ),
    # Links to other datasets
    Example(
        "LinkShape-subject", "Or", "place/tumen#tumen-example", "rdf:subject",
        add=link(rdf__subject="<person/P1>"),
        valid_add=link(rdf__subject="<organisation/ngo>"),
    ),
    Example(
        "LinkShape-relation", "In", "place/tumen#tumen-example", "rdf:predicate",
        add=link(rdf__predicate="<http://www.w3.org/2002/07/owl#sameAs>"),
        valid_add=link(rdf__predicate=f"<{SKOS_NS}closeMatch>"),
    ),
    Example(
        "LinkShape-target", "NodeKind", "place/tumen#tumen-example", "rdf:object",
        add=link(rdf__object='"Q0"'), valid_add=link(),
    ),
    Example(
        "LinkShape-method", "In", "place/tumen#tumen-example", "edkg:linkMethod",
        add=link(edkg__linkMethod='"automatic"'),
        valid_add=link(edkg__linkMethod='"edkg-link"', edkg__matchScore="0.87"),
    ),
    Example(
        "LinkShape-score", "MaxInclusive", "place/tumen#tumen-example", "edkg:matchScore",
        add=link(edkg__linkMethod='"edkg-link"', edkg__matchScore="1.5"),
        valid_add=link(edkg__linkMethod='"edkg-link"', edkg__matchScore="1.0"),
    ),
    Example(
        "LinkShape-created", "Datatype", "place/tumen#tumen-example", "dcterms:created",
        add=link(dcterms__created='"26 November 2026"'),
        valid_add=link(dcterms__created='"2024-10-31"^^xsd:date'),
    ),
    Example(
        "LinkShape-checked-by", "Class", "place/tumen#tumen-example", PROV_NS + "wasAttributedTo",
        add=link() + f" <place/tumen#tumen-example> <{PROV_NS}wasAttributedTo> <place/kp> .",
        valid_add=link() + f" <place/tumen#tumen-example> <{PROV_NS}wasAttributedTo> "
        "<organisation/ngo> .",
    ),
    Example(
        "LinkShape-evidence", "MaxCount", "place/tumen#tumen-example", "dcterms:source",
        add=link(dcterms__source="<https://example.org/a> , <https://example.org/b>"),
        valid_add=link(dcterms__source="<https://example.org/a>"),
    ),
    # The public dataset
    Example(
        "PublicDatasetShape-legal-name", "MaxCount", "person/P1", "edkg:legalName",
        add='<person/P1> edkg:legalName "A real name" .',
    ),
    Example(
        "PublicDatasetShape-interviewee", "MaxCount", "source/S1", "edkg:interviewee",
        add='<source/S1> edkg:interviewee "Who gave it" .',
    ),
    Example(
        "PublicDatasetShape-contact-details", "MaxCount", "source/S1", "edkg:contactDetails",
        add='<source/S1> edkg:contactDetails "+00 000 000" .',
    ),
    Example(
        "PublicDatasetShape-confidential-note", "MaxCount", "case/C1", "edkg:confidentialNote",
        add='<case/C1> edkg:confidentialNote "Not for publication" .',
    ),
]  # fmt: skip
BY_SHAPE = {example.shape: example for example in EXAMPLES}


def of_shape(found, shape: str) -> set[Result]:
    return {r for r in found if r.shape == shape}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.shape)
def test_invalid_example(example):
    found = run_example(example.shape, example.drop, example.add)
    # Values are compared where the example names them (IRIs); elsewhere they are left out.
    if example.values == (None,):
        found = tuple(replace(r, value=None) for r in found)
    assert of_shape(found, example.shape) == example.expected()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.shape)
def test_valid_example(example):
    found = run_example(example.shape, example.valid_drop, example.valid_add)
    assert not of_shape(found, example.shape)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.shape)
def test_pyshacl_turbo_agrees_with_pyshacl(example):
    """The engine the build uses gives exactly pySHACL's results on every example, both ways.

    Every shape runs (no use_shapes: the two engines read that option differently).
    """
    for drop, add in ((example.drop, example.add), (example.valid_drop, example.valid_add)):
        with data_graph(drop, add) as graph:
            reference = Counter(run(graph, all_shapes()))
            _, report, _ = turbo_validate(
                graph,
                shacl_graph=all_shapes(),
                inference="none",
                advanced=True,
                allow_warnings=True,
            )
            assert Counter(results(report)) == reference


def test_every_shape_that_constrains_has_an_example():
    assert {short(s) for s in constraining_shapes()} == set(BY_SHAPE)


def test_the_base_case_breaks_no_shape_and_misses_no_element():
    assert base_results() == ()


# --------------------------------------------------------------------------------------------
# The shapes files


@pytest.mark.parametrize("path", [SHAPES, PUBLIC_SHAPES], ids=lambda p: p.name)
def test_shapes_parse_with_rdflib_and_oxigraph(path):
    graph = Graph().parse(path, format="turtle")
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(graph) > 0
    assert len(quads) == len(graph)


def test_shapes_import_nothing_and_read_nothing_but_the_data():
    graph = all_shapes()
    assert not list(graph.triples((None, OWL.imports, None)))
    for text in graph.objects(None, SH.select):
        assert not re.search(r"\b(FROM|SERVICE|LOAD|VALUES|MINUS)\b", str(text), re.I), text


def test_sparql_constraints_parse_with_the_declared_prefixes():
    graph = record_shapes()
    declared = {
        str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
        for d in graph.objects(SHAPES_RESOURCE, SH.declare)
    }
    constraints = list(graph.subjects(SH.select, None))
    assert len(constraints) == 4
    for constraint in constraints:
        assert graph.value(constraint, SH.prefixes) == SHAPES_RESOURCE
        prepareQuery(str(graph.value(constraint, SH.select)), initNs=declared)


def test_every_named_shape_is_labelled_has_a_severity_and_a_message():
    graph = all_shapes()
    classes = {str(c).removeprefix(EDKG_NS) for c in reference().subjects(RDF.type, OWL.Class)}
    problems = []
    for shape in sorted(named_shapes(graph)):
        name = str(shape).removeprefix(EDKG_NS)
        owner = name.split("-", 1)[0].removesuffix("Shape")
        if not name.split("-", 1)[0].endswith("Shape") or owner not in classes | {"PublicDataset"}:
            problems.append(f"{name}: not named <Class>Shape or <Class>Shape-<field>")
        for predicate in (RDFS.label, SH.message):
            if not any(
                getattr(o, "language", None) == "en" for o in graph.objects(shape, predicate)
            ):
                problems.append(f"{name}: no {predicate} in English")
        if graph.value(shape, SH.severity) not in (SH.Violation, SH.Warning):
            problems.append(f"{name}: no severity")
    assert not problems, "\n".join(problems)


def test_warnings_are_the_un_and_legal_elements():
    graph = record_shapes()
    warnings = {short(s) for s in named_shapes(graph) if graph.value(s, SH.severity) == SH.Warning}
    assert warnings == {
        f"CaseShape-{element}"
        for element in (
            "wgeid-identity", "wgeid-date", "wgeid-place", "wgeid-responsible",
            "wgeid-relatives-steps", "wgeid-submitter", "legal-deprivation-of-liberty",
            "legal-state-involvement", "legal-concealment", "legal-outside-law",
        )
    }  # fmt: skip
    for shape in warnings:
        comment = graph.value(EDKG[shape], RDFS.comment)
        assert comment is not None and comment.language == "en", shape


def superclasses(cls: URIRef) -> set[URIRef]:
    found, todo = {cls}, [cls]
    while todo:
        for parent in reference().objects(todo.pop(), RDFS.subClassOf):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def test_every_class_of_the_ontology_is_checked_by_a_shape():
    targeted = set(all_shapes().objects(None, SH.targetClass))
    for cls in reference().subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and cls.startswith(EDKG_NS):
            assert superclasses(cls) & targeted, cls


def vocabulary_shapes() -> dict[URIRef, URIRef]:
    """Property shape -> the concept scheme its values must belong to."""
    graph = record_shapes()
    found = {}
    for shape in named_shapes(graph):
        for node in graph.objects(shape, SH.node):
            for inner in graph.objects(node, SH.property):
                if graph.value(inner, SH.path) == SKOS.inScheme:
                    found[shape] = graph.value(inner, SH.hasValue)
    return found


def test_vocabulary_messages_list_exactly_the_codes_of_their_scheme():
    graph = record_shapes()
    schemes = vocabulary_shapes()
    assert len(schemes) == 12
    schemes[EDKG["EventShape-type"]] = URIRef(VOCAB + "event-type")
    for shape, scheme in schemes.items():
        concepts = reference().subjects(SKOS.inScheme, scheme)
        codes = {str(reference().value(concept, SKOS.notation)) for concept in concepts}
        listed = re.search(r"\(([^)]*)\)", str(graph.value(shape, SH.message))).group(1)
        assert set(listed.split(", ")) == codes, shape


def edtf_patterns() -> list[str]:
    """The patterns of the shapes of EDTF properties (reported, born, event and source date)."""
    graph = record_shapes()
    edtf = URIRef("http://id.loc.gov/datatypes/edtf/EDTF")
    return [str(graph.value(s, SH.pattern)) for s in graph.subjects(SH.datatype, edtf)]


def test_the_edtf_pattern_accepts_levels_0_and_1_and_what_the_build_accepts():
    patterns = edtf_patterns()
    assert len(patterns) == 4 and len(set(patterns)) == 1, "one pattern for the four properties"
    pattern = re.compile(patterns[0])
    for value in EDTF_VALID:
        assert pattern.search(value), value
        meaning = dates.interpret(value)  # the build accepts it too
        if PLAIN_DATE.match(value):
            assert meaning.earliest.startswith(value) and meaning.latest.startswith(value)
    for value in EDTF_INVALID:
        assert not pattern.search(value), value


# --------------------------------------------------------------------------------------------
# Datasets that must conform


def public_graph(release, dataset: str = "public") -> Graph:
    """The union of the named graphs of one dataset of a release, through N-Quads."""
    buffer = io.BytesIO()
    release.open(dataset).dump(buffer, format=ox.RdfFormat.N_QUADS)
    quads = Dataset()
    quads.parse(data=buffer.getvalue().decode("utf-8"), format="nquads")
    graph = Graph()
    for s, p, o, _ in quads.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def violations(found: list[Result]) -> list[Result]:
    return [r for r in found if r.severity == "Violation"]


@pytest.fixture(scope="module")
def test_release(tmp_path_factory):
    return build([RECORDS], tmp_path_factory.mktemp("shapes-test"), BASE_IRI).release


def test_the_public_test_dataset_has_no_violation(test_release):
    found = run(public_graph(test_release), all_shapes())
    assert violations(found) == []
    # The person whose consent is withheld is published without a name; no inquiry is recorded.
    assert {(r.shape, r.focus) for r in found} == {
        ("CaseShape-wgeid-identity", "case/T001"),
        ("CaseShape-wgeid-relatives-steps", "case/T001"),
    }


def test_the_restricted_test_dataset_breaks_only_the_public_shapes(test_release):
    graph = public_graph(test_release, "restricted")
    assert violations(run(graph, record_shapes())) == []
    found = {(r.focus, r.path, r.shape) for r in run(graph, public_shapes())}
    assert found == {
        ("case/T001", "edkg:confidentialNote", "PublicDatasetShape-confidential-note"),
        ("event/T001-E1", "edkg:confidentialNote", "PublicDatasetShape-confidential-note"),
        ("source/TS1", "edkg:confidentialNote", "PublicDatasetShape-confidential-note"),
        ("person/TP1", "edkg:legalName", "PublicDatasetShape-legal-name"),
        ("source/TS1", "edkg:interviewee", "PublicDatasetShape-interviewee"),
        ("source/TS1", "edkg:contactDetails", "PublicDatasetShape-contact-details"),
    }


@pytest.fixture
def parse_each_query_once(monkeypatch):
    """Translate the text of each SPARQL query once instead of once for every focus node.

    pySHACL hands rdflib the same SPARQL text for every focus node of a SPARQL constraint, with
    $this bound, and rdflib parses it again each time (about 25 ms, most of the sample's
    validation). The translated query does not depend on the bindings, so it can be reused; the
    results are the same.
    """
    original = SPARQLProcessor.query

    @cache
    def translated(text: str, namespaces: tuple, base: str | None):
        return translateQuery(parseQuery(text), base, dict(namespaces))

    def query(self, text, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(text, str):
            text = translated(text, tuple(sorted((initNs or {}).items())), base)
        return original(self, text, initBindings, initNs, base, DEBUG)

    monkeypatch.setattr(SPARQLProcessor, "query", query)


@pytest.mark.skipif(not any(SAMPLE_CASES.glob("*.yaml")), reason="no bundled sample cases")
@pytest.mark.usefixtures("parse_each_query_once")
def test_the_public_sample_dataset_has_no_violation(tmp_path):
    release = build(None, tmp_path, BASE_IRI).release
    assert violations(run(public_graph(release), all_shapes())) == []
