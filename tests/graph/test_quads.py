"""Records to quads from the context's term table: the same quads as parsing their JSON-LD."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from edkg import quads, records
from edkg.build import jsonld_quads, quad_converter, record_quads

BASE = "https://w3id.org/edkg/"


def _sorted(items) -> list[str]:
    return sorted(str(q) for q in items)


@pytest.mark.parametrize("source", ["sample", "test-records"])
def test_same_quads_as_the_jsonld_parser(source, records_dir):
    collection = records.read(None if source == "sample" else [records_dir])
    converted, problems = records.convert(collection)
    assert not problems
    direct = list(record_quads(converted, BASE))
    parsed = list(jsonld_quads(records.iter_graphs(converted), BASE))
    assert _sorted(direct) == _sorted(parsed)
    # Every record of these was read by the converter, none fell back to the JSON-LD parser.
    converter = quad_converter(BASE)
    for graph, nodes in records.iter_graphs(converted):
        converter.graph(BASE + graph, nodes)


# Nodes the records never produce but JSON-LD reads in its own way: each is either converted to
# the quads the JSON-LD parser gives, or left to the parser (Unsupported).
EDGE_CASES = {
    "vocab value that is a term": [{"id": "event/a", "place": "country", "sex": "name"}],
    "vocab value that names a keyword": [{"id": "event/a", "perpetrator": "type"}],
    "vocab value with a colon": [{"id": "event/a", "sex": "edkg:male"}],
    "events scope in a reference": [
        {"id": "case/a", "events": [{"id": "event/e", "type": ["Event", "arrest"], "to": "arrest"}]}
    ],
    "dot segments in an IRI value": [{"id": "place/a", "wikidata": "http://x.org/a/../b/./c"}],
    "IRI value without a path": [{"id": "place/a", "wikidata": "http://x.org"}],
    "invalid IRI value": [{"id": "place/a", "wikidata": "http://x.org/%zz"}],
    "relative IRI value": [{"id": "place/a", "wikidata": "elsewhere"}],
    "node without id": [{"identifier": "x", "type": ["Case"]}],
    "id with a dot segment": [{"id": "case/../a", "identifier": "x"}],
    "id with a colon": [{"id": "case/a:b", "identifier": "x"}],
    "native values": [
        {"id": "case/a", "sequence": 3, "family_notified": True, "withdrawn": False, "lat": "1.50"}
    ],
    "native number without coercion": [{"id": "case/a", "identifier": 7}],
    "float": [{"id": "place/a", "lat": 1.5}],
    "null values": [{"id": "case/a", "title": None, "other_names": ["a", None, "b"]}],
    "compact IRI key": [{"id": "place/a", "skos:closeMatch": {"@id": "http://t/x"}}],
    "unknown key": [{"id": "place/a", "nonsense": "x"}],
    "keyword key": [{"id": "place/a", "@reverse": {}}],
    "text in many languages": [
        {"id": "case/a", "title": "T", "title_ko": "제목", "note": 'a\nb"c'}
    ],
    "reverse property": [
        {
            "id": "place/a",
            "links": [
                {
                    "id": "place/a#l",
                    "type": ["Link"],
                    "target": "http://t/x",
                    "relation": "exactMatch",
                    "method": "manual",
                    "score": "0.9",
                    "created": "2020-01-01",
                    "checked_by": "tjwg",
                    "evidence": "http://e.org/p",
                }
            ],
        }
    ],
    "reverse property with a text value": [{"id": "place/a", "links": ["x"]}],
    "class that is not a term": [{"id": "case/a", "type": ["Nonsense"]}],
    "inherited classes": [{"id": "event/e", "type": ["Event", "inquiry"]}],
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_agree_with_the_jsonld_parser(name):
    nodes = EDGE_CASES[name]
    if name == "inherited classes":
        nodes = [{"id": "case/a", "events": nodes}]
    try:
        parsed = _sorted(jsonld_quads([("graph/x", nodes)], BASE))
    except (SyntaxError, ValueError):
        parsed = None  # the parser refuses the document: the converter must not read it
    try:
        direct = _sorted(quad_converter(BASE).graph(BASE + "graph/x", nodes))
    except quads.Unsupported:
        return  # the build parses these nodes as JSON-LD
    assert direct == parsed


def test_unusual_base_is_left_to_the_jsonld_parser():
    assert quad_converter("https://example.org/a/./b/") is None
    assert quad_converter("https://example.org/data?x=1/") is None
    assert quad_converter("https://example.org/data/") is not None


def test_unusual_base_still_builds_the_same_quads(records_dir):
    base = "https://example.org/a/./b/"
    converted, _ = records.convert(records.read([records_dir]))
    direct = list(record_quads(converted, base))
    assert direct and _sorted(direct) == _sorted(jsonld_quads(records.iter_graphs(converted), base))


def test_context_forms_outside_the_subset_are_refused():
    for local in (
        {"@language": "en"},
        {"x": {"@id": "http://x/", "@container": "@list"}},
        {"x": {"@id": "http://x/", "@nest": "y"}},
        {"@import": "http://x/"},
        ["not", "an", "object"],
    ):
        with pytest.raises(quads.Unsupported):
            quads.compile_context([local])


def test_terms_are_reused():
    converter = quad_converter(BASE)
    nodes = [{"id": "case/a", "family_notified": False}, {"id": "case/b", "family_notified": False}]
    made = converter.graph(BASE + "graph/x", nodes)
    assert (
        made[0].object
        == made[1].object
        == ox.Literal("false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    )
