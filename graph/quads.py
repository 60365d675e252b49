"""Records' JSON-LD nodes to RDF quads without a JSON-LD parser, driven by the context document.

`edkg.records` turns each record into JSON-LD nodes; the JSON-LD context (ontology/context.jsonld)
says what they mean in RDF. Parsing those nodes as JSON-LD documents with pyoxigraph took most of
the build's conversion time (about 64,000 quads a second), so this module reads the context once
into a table of term definitions and walks the nodes itself, with the JSON-LD 1.1 rules for the
forms the context and the records use: terms and compact IRIs, `@id` and `@type` aliases, type
coercion (`@id`, `@vocab` with a term's own `@vocab`, datatypes), `@language`, `@set`, `@reverse`,
property-scoped contexts (which propagate to nested nodes) and `@base`.

The mapping stays data: nothing here names a record key. Anything outside those forms raises
`Unsupported`, and `edkg.build` then parses that record's JSON-LD as before (a test compares both
routes on the sample, the test records and generated cases).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

RDF_TYPE_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
KEYWORDS = frozenset({"@id", "@type"})
# A definition may use these; any other key makes the whole context unsupported.
DEFINITION_KEYS = frozenset({"@id", "@reverse", "@type", "@language", "@container", "@context"})
CONTEXT_KEYWORDS = frozenset({"@version", "@protected", "@base", "@vocab"})
GEN_DELIMS = tuple(":/?#[]@")
# Relative references that resolve against a base ending in "/" by plain concatenation: no
# scheme, query, dot segment or empty segment. Others are left to the JSON-LD parser.
SIMPLE_RELATIVE = re.compile(r"^[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*/?(?:#[A-Za-z0-9_-]*)?$")
ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
# A base IRI the simple resolution above is right for.
SIMPLE_BASE = re.compile(r"^https?://[^\s<>\"{}|\\^`?#]+/$")


class Unsupported(Exception):
    """A context or a node this module does not read; the JSON-LD parser reads it instead."""


@dataclass(frozen=True)
class Definition:
    """One term of the active context, expanded."""

    iri: str
    """The property or class IRI, or a keyword for the aliases of @id and @type."""
    reverse: bool = False
    coerce: str | None = None
    """@id, @vocab, a datatype IRI, or None."""
    language: str | None = None
    scoped: dict | None = None
    prefix: bool = False


@dataclass
class Active:
    """An active context: terms, vocabulary mapping and base IRI, with derived contexts cached."""

    terms: dict[str, Definition]
    vocab: str | None
    base: str | None
    derived: dict[int, Active] = field(default_factory=dict)

    def scoped(self, definition: Definition | None) -> Active:
        """This context with a term's own context applied (itself when the term has none)."""
        if definition is None or definition.scoped is None:
            return self
        key = id(definition.scoped)
        if key not in self.derived:
            self.derived[key] = process(self, definition.scoped)
        return self.derived[key]

    def expand(self, value: str, *, vocab: bool = False, relative: bool = False) -> str:
        """IRI expansion (JSON-LD 1.1, 5.2) for the forms records use."""
        if value in KEYWORDS:
            return value
        if value.startswith("@"):
            raise Unsupported(f"keyword-like value {value!r}")
        if vocab and value in self.terms:
            return self.terms[value].iri
        prefix, colon, suffix = value.partition(":")
        if colon:
            if suffix.startswith("//"):
                if ABSOLUTE.match(value):
                    return value
                raise Unsupported(f"IRI {value!r}")
            term = self.terms.get(prefix)
            if term is not None and term.prefix:
                return term.iri + suffix
            raise Unsupported(f"compact IRI or scheme {value!r}")
        if vocab and self.vocab is not None:
            return self.vocab + value
        if relative and self.base is not None and SIMPLE_RELATIVE.match(value):
            return self.base + value
        raise Unsupported(f"relative IRI {value!r}")


def process(active: Active, local: dict) -> Active:
    """Context processing (JSON-LD 1.1, 4.1) of one local context over an active context."""
    if not isinstance(local, dict):
        raise Unsupported("a context that is not one object")
    for key in local:
        if key.startswith("@") and key not in CONTEXT_KEYWORDS:
            raise Unsupported(f"context keyword {key}")
    result = Active(dict(active.terms), active.vocab, active.base)
    if "@base" in local:
        base = local["@base"]
        if not (isinstance(base, str) and SIMPLE_BASE.match(base)) or "/." in base:
            raise Unsupported(f"base {base!r}")
        result.base = base
    if "@vocab" in local:
        vocab = local["@vocab"]
        if not isinstance(vocab, str):
            raise Unsupported("@vocab")
        # Document-relative: a relative vocabulary is resolved against the base.
        result.vocab = result.expand(vocab, relative=True)
    pending = {key: value for key, value in local.items() if not key.startswith("@")}
    defining: set[str] = set()

    def define(term: str) -> None:
        if term in defining:
            raise Unsupported(f"cyclic term {term}")
        defining.add(term)
        result.terms[term] = _definition(term, pending.pop(term), result, pending, define)

    while pending:
        define(next(iter(pending)))
    return result


def _definition(
    term: str,
    value,
    active: Active,
    pending: dict,
    define: Callable[[str], None],
) -> Definition:
    """Create a term definition (JSON-LD 1.1, 4.2), defining the prefixes it uses first."""
    if term in active.terms:
        raise Unsupported(f"term {term} defined again")

    def expand(text: str) -> str:
        prefix = text.partition(":")[0]
        if ":" in text and prefix in pending:
            define(prefix)
        return active.expand(text, vocab=True)

    if isinstance(value, str):
        if value in KEYWORDS:
            return Definition(value)
        iri = expand(value)
        return Definition(iri, prefix=iri.endswith(GEN_DELIMS))
    if not isinstance(value, dict) or not set(value) <= DEFINITION_KEYS:
        raise Unsupported(f"definition of {term}")
    reverse = "@reverse" in value
    if reverse and "@id" in value:
        raise Unsupported(f"definition of {term}")
    source = value.get("@reverse", value.get("@id"))
    if source is None:
        if ":" in term:
            source = term
        elif active.vocab is not None:
            source = active.vocab + term
        else:
            raise Unsupported(f"definition of {term} without an IRI")
    if not isinstance(source, str) or source in KEYWORDS:
        raise Unsupported(f"definition of {term}")
    iri = expand(source)
    coerce = value.get("@type")
    if coerce is not None:
        if not isinstance(coerce, str):
            raise Unsupported(f"type of {term}")
        if coerce not in ("@id", "@vocab"):
            coerce = expand(coerce)
    language = value.get("@language")
    if language is not None and not (isinstance(language, str) and LANGUAGE.match(language)):
        raise Unsupported(f"language of {term}")
    if value.get("@container", "@set") not in ("@set", ["@set"]):
        raise Unsupported(f"container of {term}")
    scoped = value.get("@context")
    if scoped is not None and not isinstance(scoped, dict):
        raise Unsupported(f"context of {term}")
    if reverse and coerce not in (None, "@id", "@vocab"):
        raise Unsupported(f"reverse {term}")
    return Definition(iri, reverse, coerce, language, scoped)


def compile_context(document: dict | list) -> Active:
    """The active context of a document whose `@context` is `document` (a list or one object)."""
    active = Active({}, None, None)
    for local in document if isinstance(document, list) else [document]:
        active = process(active, local)
    return active


# What a key of a node object is, once expanded: its @id, its @type, or a property.
_ID, _TYPE, _PROPERTY = 0, 1, 2
# Terms remembered across records (IRIs of vocabulary codes and references, typed literals).
_CACHE_LIMIT = 100_000


class Converter:
    """Turns node objects into quads for one active context, reusing the terms it makes.

    Each key of each active context is planned once: what it expands to, its predicate, the
    context its values are read in, and a function that makes the RDF term of a scalar value.
    """

    def __init__(self, active: Active, supers: dict[ox.NamedNode, frozenset[ox.NamedNode]]):
        self.active = active
        self.supers = supers
        self.rdf_type = ox.NamedNode(RDF_TYPE_IRI)
        self.named: dict[str, ox.NamedNode] = {}
        self.plans: dict[int, dict[str, tuple]] = {}

    def iri(self, value: str) -> ox.NamedNode:
        node = self.named.get(value)
        if node is None:
            try:
                node = ox.NamedNode(value)
            except ValueError as exc:
                raise Unsupported(str(exc)) from None
            if len(self.named) > _CACHE_LIMIT:
                self.named.clear()  # most IRIs are a record's own: keep the cache small
            self.named[value] = node
        return node

    def graph(self, name: str, nodes: list[dict], *, named: bool = True) -> list[ox.Quad]:
        """The quads of a list of top-level nodes in the named graph `name` (an absolute IRI).

        With `named` False the quads are in the default graph instead (as SHACL reads them).
        """
        if not ABSOLUTE.match(name) or "/." in name:
            raise Unsupported(f"graph name {name!r}")
        # None: the default graph (pyoxigraph takes ox.DefaultGraph() ten times slower).
        graph = self.iri(name) if named else None
        out: list[ox.Quad] = []
        for node in nodes:
            if not isinstance(node, dict):
                raise Unsupported("a top-level value that is not a node")
            self.node(node, self.active, graph, out)
        return out

    def _plans(self, active: Active) -> dict[str, tuple]:
        plans = self.plans.get(id(active))
        if plans is None:
            plans = self.plans[id(active)] = {}
        return plans

    def _plan(self, active: Active, key: str) -> tuple:
        definition = active.terms.get(key)
        expanded = definition.iri if definition is not None else active.expand(key, vocab=True)
        if expanded == "@id":
            plan: tuple = (_ID,)
        elif expanded == "@type":
            plan = (_TYPE,)
        elif expanded.startswith("@"):
            raise Unsupported(f"keyword {expanded}")
        else:
            inner = active.scoped(definition)
            reverse = definition is not None and definition.reverse
            plan = (_PROPERTY, self.iri(expanded), reverse, inner, self._maker(definition, inner))
        self._plans(active)[key] = plan
        return plan

    def node(self, node: dict, active: Active, graph: ox.NamedNode | None, out: list):
        """Emit a node object's quads; return its subject."""
        plans = self._plans(active)
        subject = None
        properties = []
        for key, value in node.items():
            plan = plans.get(key) or self._plan(active, key)
            if plan[0] == _PROPERTY:
                properties.append((plan, value))
            elif plan[0] == _ID:
                if subject is not None or not isinstance(value, str):
                    raise Unsupported("@id that is not one text")
                subject = self.iri(active.expand(value, relative=True))
            else:
                properties.append((plan, value))
        if subject is None:
            raise Unsupported("a node without @id (a blank node)")
        quad = ox.Quad
        for plan, value in properties:
            values = value if isinstance(value, list) else (value,)
            if plan[0] == _TYPE:
                for item in values:
                    if not isinstance(item, str):
                        raise Unsupported("@type that is not text")
                    cls = active.expand(item, vocab=True, relative=True)
                    self.type_quads(subject, cls, graph, out)
                continue
            _, predicate, reverse, inner, make = plan
            for item in values:
                if item is None:
                    continue
                if isinstance(item, dict):
                    target = self.node(item, inner, graph, out)
                elif reverse:
                    raise Unsupported("a reverse property with a value that is not a node")
                else:
                    target = make(item)
                if reverse:
                    target, source = subject, target
                else:
                    source = subject
                if graph is None:
                    out.append(quad(source, predicate, target))
                else:
                    out.append(quad(source, predicate, target, graph))
        return subject

    def type_quads(self, subject, cls: str, graph, out: list) -> None:
        if cls.startswith("@"):
            raise Unsupported(f"class {cls}")
        node = self.iri(cls)
        for cls_node in (node, *self.supers.get(node, ())):
            if graph is None:
                out.append(ox.Quad(subject, self.rdf_type, cls_node))
            else:
                out.append(ox.Quad(subject, self.rdf_type, cls_node, graph))

    def _maker(self, definition: Definition | None, active: Active) -> Callable:
        """The function that makes the RDF term of a scalar value of a property.

        Value expansion (JSON-LD 1.1, 5.3), then the RDF term of the value (8.6).
        """
        coerce = definition.coerce if definition is not None else None
        language = definition.language if definition is not None else None
        known: dict = {}

        def native(item):
            if coerce in ("@id", "@vocab"):
                raise Unsupported("a native value where an IRI is expected")
            if isinstance(item, bool):
                lexical, datatype = ("true" if item else "false"), coerce or XSD + "boolean"
            elif isinstance(item, int) and abs(item) < 10**21 and coerce != XSD + "double":
                lexical, datatype = str(item), coerce or XSD + "integer"
            else:
                raise Unsupported(f"value {item!r}")
            return ox.Literal(lexical, datatype=self.iri(datatype))

        def remembered(item, made: Callable):
            # Keyed by type too: True == 1 in a dict.
            key = (type(item), item)
            term = known.get(key)
            if term is None:
                term = made(item)
                if len(known) > _CACHE_LIMIT:
                    known.clear()
                known[key] = term
            return term

        if coerce == "@id":

            def make(item):
                if type(item) is not str:
                    raise Unsupported("a value that is not text where an IRI is expected")
                return self.iri(active.expand(item, relative=True))

        elif coerce == "@vocab":

            def vocab(item):
                expanded = active.expand(item, vocab=True)
                if expanded.startswith("@"):
                    raise Unsupported(f"value {item!r} names a keyword")
                return self.iri(expanded)

            def make(item):
                if type(item) is not str:
                    raise Unsupported("a value that is not text where an IRI is expected")
                return remembered(item, vocab)

        elif coerce is not None:
            datatype = self.iri(coerce)

            def typed(item):
                if type(item) is str:
                    return ox.Literal(item, datatype=datatype)
                return native(item)

            def make(item):
                if isinstance(item, list | dict):
                    raise Unsupported("a list of lists")
                return remembered(item, typed)

        elif language is not None:

            def make(item):
                if type(item) is str:
                    return ox.Literal(item, language=language)
                if isinstance(item, list):
                    raise Unsupported("a list of lists")
                return native(item)

        else:

            def make(item):
                if type(item) is str:
                    return ox.Literal(item)
                if isinstance(item, list):
                    raise Unsupported("a list of lists")
                return native(item)

        return make
