"""Publication: which quads of the restricted dataset may enter the public one.

The rules, applied to RDF so that they hold whatever produced the data:

- nothing from a graph whose name ends in ``/restricted`` (the `restricted:` blocks of records);
- no property the ontology marks ``edkg:restricted true`` (legal names, interviewees, contacts,
  confidential notes), wherever it appears;
- of a person whose consent is withheld, only the identifier, classes, roles and consent.

`edkg build` publishes as it builds; `edkg publish` derives the public dataset again from the
restricted dataset of the current release, into a new release.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

import pyoxigraph as ox

from .resources import ontology_dir

EDKG = "https://w3id.org/edkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CONSENT = ox.NamedNode(EDKG + "consent")
WITHHELD = ox.NamedNode("https://w3id.org/edkg/vocab/consent/withheld")
KEPT_WHEN_WITHHELD = frozenset(
    {RDF_TYPE, "http://purl.org/dc/terms/identifier", EDKG + "role", EDKG + "consent"}
)


@cache
def restricted_properties() -> frozenset[str]:
    """The properties the ontology marks `edkg:restricted true`."""
    marker = ox.NamedNode(EDKG + "restricted")
    found = set()
    for quad in ox.parse(path=str(ontology_dir() / "edkg.ttl"), format=ox.RdfFormat.TURTLE):
        if quad.predicate == marker and quad.object.value == "true":
            found.add(quad.subject.value)
    return frozenset(found)


def is_restricted_graph(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> bool:
    return isinstance(graph, ox.NamedNode) and graph.value.endswith("/restricted")


def is_withheld(quad: ox.Quad) -> bool:
    """Whether a quad says that its subject, a person, withheld consent."""
    return quad.predicate == CONSENT and quad.object == WITHHELD


def flag(quads: Iterable[ox.Quad], withheld: set | None = None) -> Iterator[tuple[ox.Quad, bool]]:
    """Pair each quad with True when it must stay restricted.

    `withheld` are the subjects of every quad `is_withheld` finds among them; when not given,
    the quads are first read into a list to find them.
    """
    if withheld is None:
        quads = list(quads)
        withheld = {q.subject for q in quads if is_withheld(q)}
    forbidden = restricted_properties()
    for quad in quads:
        secret = (
            is_restricted_graph(quad.graph_name)
            or quad.predicate.value in forbidden
            or (quad.subject in withheld and quad.predicate.value not in KEPT_WHEN_WITHHELD)
        )
        yield quad, secret
