"""The JSON-LD context that maps record keys to RDF, read as a table of typed terms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from .resources import ontology_dir

VOCAB_BASE = "https://w3id.org/edkg/vocab/"
EDTF_TYPE = "edtf:EDTF"

# Keys the build computes; a record may not set them itself.
COMPUTED_SUFFIXES = ("_earliest", "_latest")
COMPUTED_KEYS = frozenset({"sequence", "date_precision", "identifier"})
# Keys that hold what must never be published; allowed only under `restricted:`.
RESTRICTED_ONLY_KEYS = frozenset({"legal_name", "interviewee", "contact", "confidential_note"})


@dataclass(frozen=True)
class Term:
    """How one record key is read: its kind of value and, for codes and references, their target.

    kind is one of: text, date, boolean, decimal, integer, iri, vocab (target: scheme name),
    ref (target: record kind), nested (persons, events, the links of links.yaml), xsd-date
    (computed bounds).
    """

    key: str
    kind: str
    target: str | None = None
    many: bool = False


@dataclass(frozen=True)
class Context:
    """The parsed context document plus the term table derived from it."""

    document: dict
    terms: dict[str, Term]
    event_types: tuple[str, ...]

    @property
    def inline(self) -> dict:
        """The context object, ready to embed in a JSON-LD document (never fetched remotely)."""
        return self.document["@context"]


def _classify(key: str, definition) -> Term | None:
    if isinstance(definition, str):
        if definition.startswith("@"):
            return None  # keyword alias: id, type
        local = definition.split(":", 1)[-1]
        if local[:1].isupper():
            return None  # a class name used as a value of `type`
        if key.startswith(("http", "https")) or definition.endswith(("/", "#")):
            return None  # a prefix
        return Term(key, "text")
    if not isinstance(definition, dict):
        return None
    many = definition.get("@container") == "@set"
    coerce = definition.get("@type")
    scoped = definition.get("@context", {})
    if key in ("persons", "events", "links"):
        return Term(key, "nested", key, many=True)
    if coerce == "@vocab":
        vocab = scoped.get("@vocab", "")
        if vocab.startswith(VOCAB_BASE):
            return Term(key, "vocab", vocab[len(VOCAB_BASE) :].strip("/"), many)
        return Term(key, "ref", vocab.strip("/"), many)
    kinds = {
        EDTF_TYPE: "date",
        "xsd:boolean": "boolean",
        "xsd:decimal": "decimal",
        "xsd:integer": "integer",
        "xsd:date": "xsd-date",
        "@id": "iri",
    }
    return Term(key, kinds.get(coerce, "text"), None, many)


def expand(context: dict, compact: str) -> str:
    """Expand a compact IRI (``edkg:victim``) with the context's prefixes."""
    prefix, sep, local = compact.partition(":")
    if sep and prefix in context and isinstance(context[prefix], str):
        return context[prefix] + local
    return compact


@cache
def property_keys() -> dict[str, tuple[str, ...]]:
    """Map each property IRI to the record keys that write it (``schema:name``: name, name_ko)."""
    inner = load_context().inline
    keys: dict[str, list[str]] = {}
    for key in load_context().terms:
        definition = inner[key]
        compact = definition if isinstance(definition, str) else definition.get("@id", "")
        keys.setdefault(expand(inner, compact), []).append(key)
    return {iri: tuple(names) for iri, names in keys.items()}


@cache
def load_context() -> Context:
    """Read ontology/context.jsonld once."""
    document = json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    inner = document["@context"]
    terms = {}
    for key, definition in inner.items():
        if key.startswith("@"):
            continue
        term = _classify(key, definition)
        if term is not None:
            terms[key] = term
    event_types = tuple(k for k in inner["events"]["@context"] if not k.startswith("@"))
    return Context(document, terms, event_types)
