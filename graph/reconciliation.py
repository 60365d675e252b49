"""Reconciliation: which of the names in a partner's list are already documented here.

An `Index` holds the named entities of the public dataset (persons, places, organisations,
cases), read once per release with pattern lookups on the store; persons published without a
name (consent withheld) are not in it. `Index.reconcile` scores a query from 0 to 100:

    score = 100 * name similarity * the factor of each property given

The name similarity is `names.similarity` against every name of the entity, in English, in
Korean and its other names (1.0 same text ignoring case, diacritics, spaces and hyphens; 0.95
same romanisation or family name spelling or Korean initial sound; 0.9 same without generic place
words; then fuzzy). Candidates under 0.5 are dropped. A property that agrees keeps the score
(factor 1), one the entity has no value for lowers it a little (0.9), one that disagrees lowers
it more (0.6). A candidate is a `match` when its score is at least 90, every property given
agrees, and the next candidate is at least 10 behind.

Properties: `born` (persons: a year, "1975", "1975~" for about 1975 with one year's tolerance
either side, or a date; compared with the earliest and latest year the record allows), `place`
(persons: a place where one of their events happened, or a larger place containing it, given by
name or by id) and `country` (places and organisations: by name, ISO code or id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import names

EDKG = "https://w3id.org/edkg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
NAME = ox.NamedNode("http://schema.org/name")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
ALT_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")


def _e(local: str) -> ox.NamedNode:
    return ox.NamedNode(EDKG + local)


# The kinds of entity reconciled, by their class; a case is named by its title.
KINDS = {"person": "Person", "place": "Place", "organisation": "Organisation", "case": "Case"}
PLACE_TYPES = ("Country", "Province", "Municipality", "CrossingPoint", "DetentionFacility")
PROPERTIES = {
    "born": ("Year of birth", "A person's year of birth: 1975, or 1975~ for about 1975.", "person"),
    "place": (
        "Place",
        "A place where something happened to a person (arrest, detention, transfer), or a larger "
        "place that contains it: a name or a place id.",
        "person",
    ),
    "country": (
        "Country",
        "The country of a place or an organisation: a name, an ISO 3166 code or a place id.",
        "place organisation",
    ),
}
MIN_SIMILARITY = 0.5
# A year of birth as a partner may write it: 1975, 1975~, 1975?, c. 1975, about 1975, 1975-03-02.
_YEAR = re.compile(r"^(?:c\.|ca\.|about|around)?\s*(\d{4})(?:-\d{2}(?:-\d{2})?)?([~?%]?)$")
AGREES, UNKNOWN, DISAGREES = 1.0, 0.9, 0.6
_NOTE = re.compile(r"\s*\([^)]*\)\s*")


@dataclass
class Entity:
    """One named entity of the public dataset, as reconciliation sees it."""

    id: str  # kind/identifier: the IRI without <base>id/
    kind: str
    name: str
    names: list[str]
    types: list[str]  # edkg class IRIs, most specific first
    description: str = ""
    born: tuple[int, int] | None = None
    places: frozenset[str] = frozenset()  # persons: place ids and their ancestors
    countries: frozenset[str] = frozenset()  # places, organisations: country place ids
    # (normalised, key, bigrams of the key, text) of each name
    forms: list[tuple[str, str, frozenset[str], str]] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """An entity scored for a query."""

    entity: Entity
    score: float
    match: bool
    features: tuple[tuple[str, float | bool], ...]


class QueryProblem(ValueError):
    """A reconciliation query that cannot be answered (the message says why)."""


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset({text})


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    """How many letter pairs two keys share: a cheap filter before difflib's ratio."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _year(value: ox.Term | None) -> int | None:
    if value is None:
        return None
    match = re.match(r"^(-?\d{4})", value.value)
    return int(match.group(1)) if match else None


class Index:
    """The named entities of a public dataset, indexed for reconciliation and suggestion."""

    def __init__(self, store: ox.Store, base_iri: str):
        self.base = base_iri + "id/"
        self.store = store
        self.type_names = self._type_names()
        self.entities: dict[str, Entity] = {}
        parents = self._parents()
        self.countries = {
            self._local(q.subject)
            for q in store.quads_for_pattern(None, RDF_TYPE, _e("Country"))
            if self._local(q.subject)
        }
        self.country_codes = {
            q.object.value.upper(): self._local(q.subject)
            for q in store.quads_for_pattern(None, _e("countryCode"), None)
        }
        for kind, cls in KINDS.items():
            for quad in store.quads_for_pattern(None, RDF_TYPE, _e(cls)):
                entity = self._entity(quad.subject, kind, parents)
                if entity is not None:
                    self.entities[entity.id] = entity
        self._place_names = [e for e in self.entities.values() if e.kind == "place"]

    # -- reading the store ------------------------------------------------------------------

    def _local(self, node) -> str | None:
        value = getattr(node, "value", "")
        return value[len(self.base) :] if value.startswith(self.base) else None

    def _objects(self, node, predicate) -> list:
        return list(
            dict.fromkeys(q.object for q in self.store.quads_for_pattern(node, predicate, None))
        )

    def _type_names(self) -> dict[str, str]:
        found = {}
        for cls in (*KINDS.values(), *PLACE_TYPES):
            labels = self._objects(_e(cls), RDFS_LABEL)
            english = [lbl.value for lbl in labels if getattr(lbl, "language", None) == "en"]
            found[EDKG + cls] = english[0] if english else cls
        return found

    def _parents(self) -> dict[str, str]:
        found = {}
        for quad in self.store.quads_for_pattern(None, _e("locatedIn"), None):
            child, parent = self._local(quad.subject), self._local(quad.object)
            if child and parent:
                found[child] = parent
        return found

    @staticmethod
    def _ancestors(place: str, parents: dict[str, str]) -> list[str]:
        chain = [place]
        while chain[-1] in parents and parents[chain[-1]] not in chain:
            chain.append(parents[chain[-1]])
        return chain

    def _entity(self, node, kind: str, parents: dict[str, str]) -> Entity | None:
        ident = self._local(node)
        if ident is None or ident in self.entities:
            return None
        labelled = self._objects(node, TITLE if kind == "case" else NAME)
        texts = sorted(labelled, key=lambda lit: getattr(lit, "language", "") != "en")
        texts = [t.value for t in texts] + [t.value for t in self._objects(node, ALT_LABEL)]
        texts = list(dict.fromkeys(t for t in texts if t.strip()))
        if not texts:
            return None  # a person whose consent is withheld has no published name
        classes = [c.value for c in self._objects(node, RDF_TYPE) if c.value in self.type_names]
        classes.sort(key=lambda c: c == EDKG + KINDS[kind])
        entity = Entity(ident, kind, texts[0], texts, classes)
        if kind == "person":
            self._person(node, entity, parents)
        elif kind == "place":
            chain = self._ancestors(ident, parents)
            entity.countries = frozenset(p for p in chain if p in self.countries)
            parent = chain[1] if len(chain) > 1 else None
            what = self.type_names.get(classes[0], "Place") if classes else "Place"
            entity.description = what + (f" in {self._name(parent)}" if parent else "")
        elif kind == "organisation":
            states = [self._local(o) for o in self._objects(node, _e("country"))]
            entity.countries = frozenset(s for s in states if s)
            where = ", ".join(self._name(s) for s in sorted(entity.countries))
            entity.description = "Organisation" + (f" ({where})" if where else "")
        else:
            reported = self._objects(node, _e("reportedDate"))
            entity.description = "Case" + (f", reported {reported[0].value}" if reported else "")
        # Names are also compared without their notes in brackets ("... (North Korea)").
        texts = entity.names + [_NOTE.sub(" ", t).strip() for t in entity.names if "(" in t]
        for text in texts:
            loose = names.key(text, kind == "place")
            entity.forms.append((names.normalise(text), loose, _bigrams(loose), text))
        return entity

    def _name(self, ident: str | None) -> str:
        if not ident:
            return ""
        found = self._objects(ox.NamedNode(self.base + ident), NAME)
        english = [n.value for n in found if getattr(n, "language", None) == "en"]
        return (english or [n.value for n in found] or [ident])[0]

    def _person(self, node, entity: Entity, parents: dict[str, str]) -> None:
        earliest = _year(next(iter(self._objects(node, _e("earliestBirthDate"))), None))
        latest = _year(next(iter(self._objects(node, _e("latestBirthDate"))), None))
        if earliest is not None and latest is not None:
            entity.born = (earliest, latest)
        places: set[str] = set()
        cases = []
        for quad in self.store.quads_for_pattern(None, _e("victim"), node):
            for predicate in ("place", "fromPlace", "toPlace"):
                for place in self._objects(quad.subject, _e(predicate)):
                    local = self._local(place)
                    if local:
                        places.update(self._ancestors(local, parents))
        for quad in self.store.quads_for_pattern(None, _e("hasPerson"), node):
            cases.append(self._local(quad.subject) or "")
        entity.places = frozenset(places)
        parts = []
        if entity.born:
            low, high = entity.born
            parts.append(f"born {low}" if low == high else f"born {low}-{high}")
        if cases:
            parts.append("in " + ", ".join(c.removeprefix("case/") for c in sorted(cases)))
        entity.description = "Person" + (f", {'; '.join(parts)}" if parts else "")

    # -- answering --------------------------------------------------------------------------

    def types_of(self, entity: Entity) -> list[dict[str, str]]:
        """The entity's types as reconciliation type objects, most specific first."""
        return [{"id": c, "name": self.type_names[c]} for c in entity.types]

    def entity(self, ident: str) -> Entity | None:
        """An entity by its id (``person/P001``) or its full IRI."""
        return self.entities.get(ident.removeprefix(self.base))

    @staticmethod
    def _prepare(query: str) -> dict[bool, tuple[str, str, frozenset[str]]]:
        """The query's normalised form, key and key bigrams, for persons (False) and places."""
        normal = names.normalise(query)
        keys = {place: names.key(query, place) for place in (False, True)}
        return {place: (normal, keys[place], _bigrams(keys[place])) for place in keys}

    @staticmethod
    def _similarity(prepared: dict, entity: Entity) -> float:
        """names.similarity of the query and the entity's closest name, from precomputed forms."""
        place = entity.kind == "place"
        normal, loose, pairs = prepared[place]
        best = 0.0
        for form_normal, form_key, form_pairs, _ in entity.forms:
            if form_normal == normal:
                return 1.0
            if loose and form_key == loose:
                best = max(best, 0.9 if place else 0.95)
            elif best < 0.85 and _dice(pairs, form_pairs) >= 0.25:
                best = max(best, 0.85 * names.ratio(loose, form_key))
        return round(best, 4)

    def _places_named(self, value) -> set[str]:
        """Place ids a property value names: an id, an IRI, a code or a name."""
        if isinstance(value, dict):
            value = value.get("id", "")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise QueryProblem(f"a place is given by a name or an id, not {value!r}")
        text = str(value).strip()
        ident = text.removeprefix(self.base)
        if ident.startswith("place/") and ident in self.entities:
            return {ident}
        if text.upper() in self.country_codes:
            return {self.country_codes[text.upper()]}
        prepared = self._prepare(text)
        named = {e.id for e in self._place_names if self._similarity(prepared, e) >= 0.9}
        return named or {f"place/{text}"} & set(self.entities)

    @staticmethod
    def _years(value) -> tuple[int, int]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value), int(value)
        text = str(value).strip().lower() if isinstance(value, str) else ""
        match = _YEAR.match(text)
        if not match:
            raise QueryProblem(f"born is a year such as 1975 or 1975~, not {value!r}")
        year = int(match.group(1))
        tolerance = 1 if match.group(2) or text[:1].isalpha() else 0
        return year - tolerance, year + tolerance

    def _wanted(self, pid: str, values: list):
        """A property's values, read once per query: year spans, or the place ids they name."""
        if pid == "born":
            return [self._years(v) for v in values]
        return set().union(*(self._places_named(v) for v in values))

    @staticmethod
    def _property(entity: Entity, pid: str, wanted) -> float | None:
        """The factor of one property for one entity; None if it does not apply to its kind."""
        if entity.kind not in PROPERTIES[pid][2].split():
            return None
        if pid == "born":
            if entity.born is None:
                return UNKNOWN
            low, high = entity.born
            return AGREES if any(a <= high and low <= b for a, b in wanted) else DISAGREES
        have = entity.places if pid == "place" else entity.countries
        if not have:
            return UNKNOWN
        return AGREES if wanted & have else DISAGREES

    def wanted_types(self, given) -> set[str] | None:
        """The class IRIs a type filter names (IRIs, edkg:Person or Person); None: any."""
        if given in (None, "", []):
            return None
        given = [given] if isinstance(given, str) else given
        if not isinstance(given, list) or not all(isinstance(t, str) for t in given):
            raise QueryProblem("type is a type id or a list of them")
        found = set()
        for value in given:
            local = value.removeprefix(EDKG).removeprefix("edkg:")
            if EDKG + local not in self.type_names:
                known = ", ".join(sorted(self.type_names))
                raise QueryProblem(f"unknown type {value!r}; the types are {known}")
            found.add(EDKG + local)
        return found

    def reconcile(self, query: dict, default_limit: int = 10) -> list[Candidate]:
        """Candidates for one reconciliation query (query, type, limit, properties)."""
        text = query.get("query")
        if text is not None and (not isinstance(text, str) or len(text) > 500):
            raise QueryProblem("query is a string of at most 500 characters")
        text = (text or "").strip()
        properties = query.get("properties") or []
        if not isinstance(properties, list):
            raise QueryProblem("properties is a list of {pid, v} objects")
        if not text and not properties:
            raise QueryProblem("a query needs a non-empty query string or properties")
        limit = query.get("limit", default_limit)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100:
            raise QueryProblem("limit is a whole number from 1 to 100")
        given: dict[str, list] = {}
        for item in properties:
            if not isinstance(item, dict) or "pid" not in item or "v" not in item:
                raise QueryProblem("each property is an object with pid and v")
            pid = item["pid"]
            if pid not in PROPERTIES:
                raise QueryProblem(
                    f"unknown property {pid!r}; the properties are {', '.join(PROPERTIES)}"
                )
            values = item["v"] if isinstance(item["v"], list) else [item["v"]]
            given.setdefault(pid, []).extend(values)
        wanted = {pid: self._wanted(pid, values) for pid, values in given.items()}
        types = self.wanted_types(query.get("type"))
        direct = self.entity(text) if text else None
        prepared = self._prepare(text)
        scored = []
        for entity in self.entities.values():
            if types is not None and not types & set(entity.types):
                continue
            if entity is direct:
                similarity = 1.0
            elif text:
                similarity = self._similarity(prepared, entity)
                if similarity < MIN_SIMILARITY:
                    continue
            else:
                similarity = 1.0
            score = 100 * similarity
            features: list[tuple[str, float | bool]] = [("name", round(similarity, 3))]
            agreed = True
            for pid, values in wanted.items():
                factor = self._property(entity, pid, values)
                if factor is None:
                    continue
                score *= factor
                agreed &= factor == AGREES
                features.append((pid, factor == AGREES))
            if not text and not agreed:
                continue  # without a name, the properties are the query
            scored.append((round(score, 1), agreed, entity, tuple(features)))
        scored.sort(key=lambda s: (-s[0], s[2].name, s[2].id))
        found = []
        for position, (score, agreed, entity, features) in enumerate(scored[:limit]):
            runner_up = scored[position + 1][0] if position + 1 < len(scored) else 0.0
            match = position == 0 and score >= 90 and agreed and score - runner_up >= 10
            found.append(Candidate(entity, score, match, features))
        return found

    def suggest(self, prefix: str, types: set[str] | None = None) -> list[Entity]:
        """Entities whose id, name, every word or spelling key starts with prefix, best first.

        Ranks: the id or a whole name; the start of a name; the start of a word of a name for
        every word of the prefix ("chol ri" finds "Ri Chol-min"); the start of a spelling key.
        """
        normal = names.normalise(prefix)
        if not normal:
            return []
        stem = prefix.strip().lower()
        prefix_words = names.words(prefix)
        loose = names.key(prefix)
        ranked = []
        for entity in self.entities.values():
            if types is not None and not types & set(entity.types):
                continue
            ranks = [0] if stem in (entity.id.lower(), entity.id.split("/")[-1].lower()) else []
            for form_normal, _, _, text in entity.forms:
                if form_normal == normal:
                    ranks.append(0)
                elif form_normal.startswith(normal):
                    ranks.append(1)
                elif all(any(w.startswith(p) for w in names.words(text)) for p in prefix_words):
                    ranks.append(2)
                elif loose and names.key(text).startswith(loose):
                    ranks.append(3)
            if ranks:
                ranked.append((min(ranks), entity.name.casefold(), entity.id, entity))
        ranked.sort(key=lambda r: r[:3])
        return [r[3] for r in ranked]
