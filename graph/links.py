"""Link records (``links.yaml``): how each link from our places and organisations was made.

A place or an organisation links to a Wikidata item or a GeoNames feature with skos:exactMatch or
skos:closeMatch, never owl:sameAs. One entry of links.yaml holds one link and its provenance:

    - id: onsong_county-wikidata           # unique among links
      place: onsong_county                 # or organisation: kp_mss
      target: http://www.wikidata.org/entity/Q705188
      relation: exactMatch                 # exactMatch | closeMatch
      method: manual                       # manual | edkg-link (proposed by `edkg link`, accepted)
      score: 0.93                          # edkg-link only: the score of the candidate
      created: 2026-11-26                  # when the link entered the data
      checked_by: tjwg                     # optional: organisation id of who checked it
      evidence: https://...                # optional: the page the identifier was read from

The build states the link on its subject (``<place/onsong_county> skos:exactMatch <Q705188>``)
and describes it with a node of class edkg:Link, ``<place/onsong_county#onsong_county-wikidata>``:
an RDF reification of that statement (rdf:subject, rdf:predicate, rdf:object) carrying the
method, score, date, evidence and checker. The ``wikidata:`` and ``geonames:`` keys of a place are
links made by hand; their entries in links.yaml say when and on what evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from .yamlfile import LineDict

RELATIONS = ("exactMatch", "closeMatch")
METHODS = ("manual", "edkg-link")
SUBJECT_KINDS = ("place", "organisation")
KEYS = (
    "id",
    *SUBJECT_KINDS,
    "target",
    "relation",
    "method",
    "score",
    "created",
    "checked_by",
    "evidence",
)
# Keys of a place or organisation that state skos:exactMatch by themselves (links made by hand).
HAND_KEYS = ("wikidata", "geonames")
SKOS = "http://www.w3.org/2004/02/skos/core#"
GRAPH = "graph/links"
IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")

Problem = Callable[[LineDict, str | None, str, str], None]


def subject_of(data: LineDict) -> tuple[str, str] | None:
    """(kind, id) of the place or organisation a link entry is about, if it names exactly one."""
    named = [(kind, data[kind]) for kind in SUBJECT_KINDS if kind in data]
    if len(named) != 1 or not isinstance(named[0][1], str):
        return None
    return named[0]


def _date(value) -> str | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def convert(data: LineDict, ident: str, collection, problem: Problem) -> list[dict]:
    """Check one link entry; return the JSON-LD nodes it adds (none if it has a problem).

    `collection` is the records.Collection the entry was read into: subjects, checkers and
    duplicates are looked up there.
    """
    failed = False

    def fail(key: str | None, message: str) -> None:
        nonlocal failed
        failed = True
        problem(data, key, key or "", message)

    for key in data:
        if key not in KEYS:
            fail(key, f"unknown key {key!r} in a link record; allowed: {', '.join(KEYS[1:])}")
    subject = subject_of(data)
    if subject is None:
        fail(None, "a link names exactly one subject: place: <place id> or organisation: <id>")
    elif subject[1] not in collection.ids(subject[0]):
        fail(subject[0], f"no {subject[0]} with id {subject[1]!r}")
    target = data.get("target")
    if not (isinstance(target, str) and IRI.match(target)):
        fail("target", f"expected the http(s) IRI of the linked resource, got {target!r}")
    relation = data.get("relation")
    if relation not in RELATIONS:
        fail("relation", f"{relation!r} is not a link relation; allowed: {', '.join(RELATIONS)}")
    method = data.get("method")
    if method not in METHODS:
        fail("method", f"{method!r} is not a link method; allowed: {', '.join(METHODS)}")
    score = data.get("score")
    if method == "edkg-link" and score is None:
        fail("score", "a link accepted from edkg link keeps the score of its candidate")
    elif method == "manual" and score is not None:
        fail("score", "a link made by hand has no score")
    elif score is not None and not (
        isinstance(score, int | float) and not isinstance(score, bool) and 0 <= score <= 1
    ):
        fail("score", f"expected a number between 0 and 1, got {score!r}")
    created = _date(data.get("created"))
    if created is None:
        fail(
            "created",
            f"expected the date the link was made, such as 2026-11-26, got {data.get('created')!r}",
        )
    checker = data.get("checked_by")
    if checker is not None and checker not in collection.ids("organisation"):
        fail("checked_by", f"no organisation with id {checker!r}")
    evidence = data.get("evidence")
    if evidence is not None and not (isinstance(evidence, str) and IRI.match(evidence)):
        fail("evidence", f"expected the http(s) address of the page checked, got {evidence!r}")
    if failed or subject is None:
        return []
    kind, name = subject
    owner = collection.ids(kind)[name].data
    stated_by_hand = {owner.get(key) for key in HAND_KEYS}
    if target in stated_by_hand and relation != "exactMatch":
        fail("relation", f"the {kind}'s own wikidata/geonames key states exactMatch to {target}")
        return []
    for other in collection.ids("link").values():
        if other.id == ident:
            break
        if subject_of(other.data) == subject and other.data.get("target") == target:
            fail("target", f"{kind} {name} is already linked to {target} by link {other.id}")
            return []
    link = {
        "id": f"{kind}/{name}#{ident}",
        "type": ["Link"],
        "target": target,
        "relation": relation,
        "method": method,
        "created": created,
    }
    if score is not None:
        link["score"] = repr(float(score))
    if checker is not None:
        link["checked_by"] = checker
    if evidence is not None:
        link["evidence"] = evidence
    node: dict = {"id": f"{kind}/{name}", "links": [link]}
    if target not in stated_by_hand:
        node[f"skos:{relation}"] = {"@id": target}
    return [node]
