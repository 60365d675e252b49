"""Descriptions of resources: the triples an IRI answers with, and a reader for its pages.

The description of an entity is a Concise Bounded Description made for this model: its own
statements (from every public graph, blank nodes followed) and the statements that point at it,
the statements about the events it takes part in and the case each event belongs to, and the
names and labels of everything these statements mention, so that a client gets a readable graph
in one request. A case also brings its persons, its events and the public part of its sources.
Both the RDF and the HTML page of an IRI are made from the same description.

These are lookups by pattern on the store, not queries: Oxigraph does not push the bound IRI into
a UNION of branches, so one SPARQL DESCRIBE-like query took seconds where this takes milliseconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

import pyoxigraph as ox

from .representations import ONTOLOGY_IRI, VOCAB_BASE

EDKG = "https://w3id.org/edkg/ontology#"
PREFIXES = {
    "edkg": EDKG,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "org": "http://www.w3.org/ns/org#",
}
# Prefixes a page may write a term with (``sem:Event``) when the dataset has no label for it.
DISPLAY_PREFIXES = {
    **PREFIXES,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "edtf": "http://id.loc.gov/datatypes/edtf/",
    "sh": "http://www.w3.org/ns/shacl#",
    "huri": "https://w3id.org/edkg/vocab/huridocs/",
}
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDF_FIRST = ox.NamedNode(PREFIXES["rdf"] + "first")
RDF_REST = ox.NamedNode(PREFIXES["rdf"] + "rest")
# The properties that name a thing, most preferred first.
LABELS = tuple(
    ox.NamedNode(iri)
    for iri in (
        PREFIXES["schema"] + "name",
        PREFIXES["dcterms"] + "title",
        PREFIXES["skos"] + "prefLabel",
        PREFIXES["rdfs"] + "label",
    )
)
KIND_CLASSES = {
    "case": "Case",
    "person": "Person",
    "place": "Place",
    "event": "Event",
    "organisation": "Organisation",
    "source": "Source",
}
# Classes every instance of a kind has; a page names the more specific one.
GENERIC_CLASSES = frozenset(
    EDKG + name for name in ("Event", "RelativeAction", "Place", "Source", "Case", "Person")
)
EVENT = ox.NamedNode(EDKG + "Event")
RELATIONSHIPS = (
    "edkg:hasSpouse",
    "edkg:hasParent",
    "edkg:hasChild",
    "edkg:hasSibling",
    "edkg:hasRelative",
)


@cache
def term(curie: str) -> ox.NamedNode:
    """``edkg:victim`` -> the NamedNode of that term."""
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


def exists(store: ox.Store, iri: str, kind: str) -> bool:
    """Whether the public dataset holds an entity of this kind with this IRI."""
    cls = ox.NamedNode(EDKG + KIND_CLASSES[kind])
    return next(iter(store.quads_for_pattern(ox.NamedNode(iri), RDF_TYPE, cls)), None) is not None


def _outgoing(store: ox.Store, node, found: set[ox.Triple], depth: int = 0) -> None:
    for quad in store.quads_for_pattern(node, None, None):
        found.add(quad.triple)
        if isinstance(quad.object, ox.BlankNode) and depth < 8:
            _outgoing(store, quad.object, found, depth + 1)


def _incoming(store: ox.Store, node, graphs: frozenset[str] | None = None) -> set[ox.Triple]:
    return {
        quad.triple
        for quad in store.quads_for_pattern(None, None, node)
        if graphs is None or quad.graph_name.value.startswith(tuple(graphs))
    }


def _objects(store: ox.Store, node, predicate: ox.NamedNode) -> list:
    return list(dict.fromkeys(q.object for q in store.quads_for_pattern(node, predicate, None)))


def _is_event(store: ox.Store, node) -> bool:
    return next(iter(store.quads_for_pattern(node, RDF_TYPE, EVENT)), None) is not None


def _about(store: ox.Store, subjects: Iterable, predicates=None) -> list[ox.Quad]:
    """Quads about any of `subjects` with any of `predicates` (None: any predicate).

    A remote store answers them in a few requests (`RemoteStore.quads_for_subjects`); the
    embedded store looks each one up, which costs microseconds there.
    """
    batched = getattr(store, "quads_for_subjects", None)
    if batched is not None:
        return batched(subjects, predicates)
    return [
        quad
        for subject in subjects
        for predicate in predicates or [None]
        for quad in store.quads_for_pattern(subject, predicate, None)
    ]


def _with_labels(store: ox.Store, found: set[ox.Triple]) -> set[ox.Triple]:
    mentioned = {t.subject for t in found} | {t.object for t in found}
    mentioned |= {t.predicate for t in found if t.predicate == RDF_TYPE}
    named = [node for node in mentioned if isinstance(node, ox.NamedNode)]
    found.update(q.triple for q in _about(store, named, LABELS))
    return found


def describe(store: ox.Store, iri: str, kind: str) -> Description:
    """The description of one entity (see the module docstring)."""
    entity = ox.NamedNode(iri)
    full = [entity]
    if kind == "case":
        events = _objects(store, entity, term("edkg:hasEvent"))
        sources = _objects(store, entity, term("edkg:hasSource"))
        for event in events:
            sources += _objects(store, event, term("edkg:hasSource"))
        full += _objects(store, entity, term("edkg:hasPerson")) + events + sources
    found: set[ox.Triple] = set()
    for node in dict.fromkeys(full):
        _outgoing(store, node, found)
    incoming = _incoming(store, entity)
    found |= incoming
    if kind != "case":
        neighbours = {t.object for t in found if t.subject == entity} | {
            t.subject for t in incoming
        }
        candidates = [n for n in neighbours if n != entity and isinstance(n, ox.NamedNode)]
        events = {q.subject for q in _about(store, candidates, [RDF_TYPE]) if q.object == EVENT}
        for quad in _about(store, events):
            found.add(quad.triple)
            if isinstance(quad.object, ox.BlankNode):
                _outgoing(store, quad.object, found, 1)
        for node in events:
            found |= {t for t in _incoming(store, node) if t.predicate == term("edkg:hasEvent")}
    return Description(iri, _with_labels(store, found))


def describe_concept(store: ox.Store, iri: str) -> Description:
    """A concept or scheme: its statements, those of other concepts about it, and their labels."""
    node = ox.NamedNode(iri)
    found: set[ox.Triple] = set()
    _outgoing(store, node, found)
    found |= _incoming(store, node, frozenset({VOCAB_BASE, ONTOLOGY_IRI}))
    return Description(iri, _with_labels(store, found))


def term_labels(store: ox.Store, terms: Iterable) -> dict[str, tuple[str, str]]:
    """English and Korean labels of terms (properties, classes, concepts): IRI -> (en, ko).

    A term without a label is called by the end of its IRI.
    """
    terms = list(dict.fromkeys(terms))
    by_subject: dict = {}
    for quad in _about(store, terms, LABELS):
        by_subject.setdefault(quad.subject, {}).setdefault(quad.predicate, []).append(quad.object)
    labels = {}
    for node in terms:
        en = ko = ""
        for predicate in LABELS:
            for value in by_subject.get(node, {}).get(predicate, ()):
                language = getattr(value, "language", None)
                if language == "en" and not en:
                    en = value.value
                elif language == "ko" and not ko:
                    ko = value.value
        labels[node.value] = (en or local_name(node.value), ko)
    return labels


def curie(iri: str) -> str:
    """``http://semanticweb.cs.vu.nl/2009/11/sem/Event`` -> ``sem:Event`` (the IRI if no prefix)."""
    for prefix, namespace in DISPLAY_PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def local_name(iri: str) -> str:
    """The end of an IRI: ``...ontology#victim`` -> ``victim``."""
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def graph_triples(store: ox.Store, graph_iri: str) -> list[ox.Triple]:
    """Every triple of one named graph (the ontology, a concept scheme), in a stable order."""
    graph = ox.NamedNode(graph_iri)
    return sorted(
        (q.triple for q in store.quads_for_pattern(None, None, None, graph)), key=_sort_key
    )


def _sort_key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


class Description:
    """A set of triples about one resource, indexed for reading in templates."""

    def __init__(self, iri: str, triples: Iterable[ox.Triple]):
        self.iri = iri
        self.node = ox.NamedNode(iri)
        ordered = sorted(set(triples), key=_sort_key)
        # the resource's own statements first, then everything else
        self.triples = [t for t in ordered if t.subject == self.node] + [
            t for t in ordered if t.subject != self.node
        ]
        self._out: dict = defaultdict(lambda: defaultdict(list))
        self._in: dict = defaultdict(lambda: defaultdict(list))
        for t in self.triples:
            self._out[t.subject][t.predicate].append(t.object)
            self._in[t.object][t.predicate].append(t.subject)

    def __len__(self) -> int:
        return len(self.triples)

    def objects(self, node=None, predicate: str | None = None) -> list:
        """Objects of (node, predicate); every object of the node when predicate is None."""
        node = self.node if node is None else node
        if predicate is None:
            return [o for values in self._out[node].values() for o in values]
        return list(self._out[node].get(term(predicate), ()))

    def value(self, node=None, predicate: str = "") -> str:
        """The text of the first object of (node, predicate), or an empty string."""
        found = self.objects(node, predicate)
        return found[0].value if found else ""

    def subjects(self, predicate: str, node=None) -> list:
        """Subjects of (?, predicate, node), in a stable order."""
        node = self.node if node is None else node
        return list(dict.fromkeys(self._in[node].get(term(predicate), ())))

    def statements(self, node=None) -> list[tuple[ox.NamedNode, list]]:
        """(predicate, objects) pairs of a node, as a table of all it says."""
        node = self.node if node is None else node
        return list(self._out[node].items())

    def references(self, node=None) -> list[tuple]:
        """(subject, predicate) pairs of the statements that point at a node."""
        node = self.node if node is None else node
        return [(s, p) for p, subjects in self._in[node].items() for s in subjects]

    def label(self, node=None, lang: str = "en") -> str:
        """The node's name in `lang` (a name without language tag will do), or empty."""
        node = self.node if node is None else node
        plain = ""
        for predicate in LABELS:
            for literal in self._out[node].get(predicate, ()):
                if not isinstance(literal, ox.Literal):
                    continue
                if literal.language == lang:
                    return literal.value
                if not literal.language and not plain:
                    plain = literal.value
        return plain if lang == "en" else ""

    def name(self, node=None) -> str:
        """What to call a node: its English label, else its identifier, else its IRI's end."""
        node = self.node if node is None else node
        if self.is_a(node, "edkg:Event") and not self.label(node):
            kind = self.types(node)
            title = self.label(kind[0]) if kind else "Event"
            return f"{title} {self.value(node, 'edkg:date')}".strip()
        return (
            self.label(node)
            or self.label(node, "ko")
            or self.value(node, "dcterms:identifier")
            or local_name(node.value)
        )

    def types(self, node=None) -> list:
        """The node's classes, the specific ones before the generic ones."""
        found = self.objects(node, "rdf:type")
        return sorted(found, key=lambda c: (c.value in GENERIC_CLASSES, c.value))

    def objects_of(self, nodes: Iterable, predicate: str) -> list:
        """Objects of (node, predicate) for every node, each once."""
        return list(dict.fromkeys(o for node in nodes for o in self.objects(node, predicate)))

    def relatives(self, node=None) -> list[tuple]:
        """(relative, relationship property) pairs of a person, stated either way round."""
        node = self.node if node is None else node
        found = {}
        for name in RELATIONSHIPS:
            for other in self.objects(node, name):
                found.setdefault(other, term(name))
        for name in ("edkg:hasSpouse", "edkg:hasSibling", "edkg:hasRelative"):
            for other in self.subjects(name, node):
                found.setdefault(other, term(name))
        for name, inverse in (
            ("edkg:hasChild", "edkg:hasParent"),
            ("edkg:hasParent", "edkg:hasChild"),
        ):
            for other in self.subjects(name, node):
                found.setdefault(other, term(inverse))
        return list(found.items())

    def members(self, node) -> list:
        """The items of an RDF list (``owl:unionOf ( edkg:Case edkg:Event )``)."""
        items = []
        while node is not None and len(items) < 1000:
            items += self._out[node].get(RDF_FIRST, [])
            rest = self._out[node].get(RDF_REST, [])
            node = rest[0] if rest and rest[0].value != PREFIXES["rdf"] + "nil" else None
        return items

    def is_a(self, node, cls: str) -> bool:
        return term(cls) in self.objects(node, "rdf:type")

    def events(self, nodes: Iterable) -> list:
        """The given nodes that are events, by case and then by their order in it."""
        found = [n for n in dict.fromkeys(nodes) if self.is_a(n, "edkg:Event")]

        def order(event):
            case = self.subjects("edkg:hasEvent", event)
            sequence = self.value(event, "edkg:sequence")
            return (case[0].value if case else "", int(sequence) if sequence.isdigit() else 0)

        return sorted(found, key=order)
