"""The SKOS concept schemes of ontology/vocabularies: which codes each scheme accepts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .context import VOCAB_BASE
from .resources import ontology_dir

SKOS = "http://www.w3.org/2004/02/skos/core#"


def vocabulary_files() -> list[Path]:
    """Every concept scheme file, sorted by name."""
    return sorted((ontology_dir() / "vocabularies").glob("*.ttl"))


@cache
def scheme_codes() -> dict[str, frozenset[str]]:
    """Map each scheme name (e.g. ``agency``) to the codes of its concepts."""
    in_scheme = ox.NamedNode(SKOS + "inScheme")
    codes: dict[str, set[str]] = {}
    for path in vocabulary_files():
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if quad.predicate != in_scheme or not isinstance(quad.subject, ox.NamedNode):
                continue
            scheme = quad.object.value
            concept = quad.subject.value
            if scheme.startswith(VOCAB_BASE) and concept.startswith(scheme + "/"):
                name = scheme[len(VOCAB_BASE) :]
                codes.setdefault(name, set()).add(concept[len(scheme) + 1 :])
    return {name: frozenset(values) for name, values in codes.items()}
