"""Links to other datasets: link records with provenance, and `edkg link` proposing and accepting.

`edkg link propose` is tested against a real SPARQL server, `oxigraph serve` (PyPI `oxigraph`)
started on 127.0.0.1 with a small Wikidata-shaped fixture (tests/data/interlink/wikidata.ttl), and
against stub servers that answer 429, time out or send malformed results. Nothing here reaches
the internet.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from edkg import records
from edkg.build import build
from edkg.store import StoreDir

BASE = "https://w3id.org/edkg/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EDKG = "https://w3id.org/edkg/ontology#"
WD = "http://www.wikidata.org/entity/"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _records_with_links(records_dir: Path, tmp_path: Path, text: str) -> Path:
    root = tmp_path / "records"
    shutil.copytree(records_dir, root)
    (root / "links.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


# --------------------------------------------------------------------------------------------
# Link records


def test_every_link_of_the_sample_says_how_and_when_it_was_made(sample_store):
    store = StoreDir(sample_store).current().open("public")
    links = {
        (q.subject, q.predicate, q.object)
        for p in ("exactMatch", "closeMatch")
        for q in store.quads_for_pattern(None, _n(SKOS + p), None)
        if q.subject.value.startswith(BASE + "id/")  # not the concepts' mappings
    }
    assert len(links) == 40
    records = {
        q.subject for q in store.quads_for_pattern(None, _n(RDF + "type"), _n(EDKG + "Link"))
    }
    described = set()
    for node in records:

        def value(predicate: str, node=node):
            found = [q.object for q in store.quads_for_pattern(node, _n(predicate), None)]
            assert len(found) <= 1, (node, predicate)
            return found[0] if found else None

        statement = (value(RDF + "subject"), value(RDF + "predicate"), value(RDF + "object"))
        assert statement in links, node
        assert node.value.startswith(statement[0].value + "#")
        assert value(EDKG + "linkMethod").value == "manual"
        assert value("http://purl.org/dc/terms/created").value == "2026-11-26"
        described.add(statement)
    assert described == links
    same_as = _n("http://www.w3.org/2002/07/owl#sameAs")
    assert not list(store.quads_for_pattern(None, same_as, None))


def test_an_accepted_link_is_stated_and_described(records_dir, tmp_path):
    root = _records_with_links(
        records_dir,
        tmp_path,
        """\
        - id: tumen-wikidata
          place: tumen
          target: http://www.wikidata.org/entity/Q1000001
          relation: closeMatch
          method: edkg-link
          score: 0.87
          created: 2026-11-26
          checked_by: test_ngo
          evidence: https://example.org/tumen
        - id: mss-wikidata
          organisation: kp_mss
          target: http://www.wikidata.org/entity/Q1000002
          relation: exactMatch
          method: manual
          created: '2026-11-20'
        """,
    )
    release = build([root], tmp_path / "store", BASE).release
    store = release.open("public")
    place = _n(BASE + "id/place/tumen")
    assert list(store.quads_for_pattern(place, _n(SKOS + "closeMatch"), _n(WD + "Q1000001")))
    node = _n(BASE + "id/place/tumen#tumen-wikidata")
    triples = {(q.predicate.value, q.object) for q in store.quads_for_pattern(node, None, None)}
    assert triples >= {
        (RDF + "type", _n(EDKG + "Link")),
        (RDF + "subject", place),
        (RDF + "predicate", _n(SKOS + "closeMatch")),
        (RDF + "object", _n(WD + "Q1000001")),
        (EDKG + "linkMethod", ox.Literal("edkg-link")),
        (
            EDKG + "matchScore",
            ox.Literal("0.87", datatype=_n("http://www.w3.org/2001/XMLSchema#decimal")),
        ),
        ("http://www.w3.org/ns/prov#wasAttributedTo", _n(BASE + "id/organisation/test_ngo")),
        ("http://purl.org/dc/terms/source", _n("https://example.org/tumen")),
    }
    organisation = _n(BASE + "id/organisation/kp_mss")
    assert list(store.quads_for_pattern(organisation, _n(SKOS + "exactMatch"), None))


BAD_LINKS = [
    ("place: nowhere", "place", "no place with id 'nowhere'"),
    ("relation: sameAs", "relation", "'sameAs' is not a link relation"),
    ("method: guessed", "method", "'guessed' is not a link method"),
    ("score: 0.9", "score", "a link made by hand has no score"),
    ("created: soon", "created", "expected the date the link was made"),
    ("target: Q1000001", "target", "expected the http(s) IRI"),
    ("checked_by: nobody", "checked_by", "no organisation with id 'nobody'"),
    ("colour: blue", "colour", "unknown key 'colour'"),
]


@pytest.mark.parametrize(("change", "field", "needle"), BAD_LINKS, ids=[b[1] for b in BAD_LINKS])
def test_a_bad_link_names_file_line_and_field(records_dir, tmp_path, change, field, needle):
    key = change.split(":")[0]
    good = {
        "place": "tumen",
        "target": "http://www.wikidata.org/entity/Q1000001",
        "relation": "exactMatch",
        "method": "manual",
        "created": "2026-11-26",
    }
    lines = ["- id: tumen-wikidata"]
    lines += [f"  {k}: {v}" for k, v in good.items() if k != key]
    lines.append(f"  {change}")
    root = _records_with_links(records_dir, tmp_path, "\n".join(lines) + "\n")
    _, problems = records.convert(records.read([root]))
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file.endswith("links.yaml") and problem.record == "tumen-wikidata"
    assert problem.field == field and problem.line == len(lines)
    assert needle in problem.message


def test_duplicate_and_contradicting_links_are_refused(records_dir, tmp_path):
    root = _records_with_links(
        records_dir,
        tmp_path,
        """\
        - id: first
          place: tumen
          target: http://www.wikidata.org/entity/Q1000001
          relation: exactMatch
          method: manual
          created: 2026-11-26
        - id: second
          place: tumen
          target: http://www.wikidata.org/entity/Q1000001
          relation: closeMatch
          method: edkg-link
          score: 0.5
          created: 2026-11-26
        - id: third
          organisation: kp_mss
          place: tumen
          target: http://www.wikidata.org/entity/Q1000003
          relation: exactMatch
          method: manual
          created: 2026-11-26
        - id: fourth
          method: edkg-link
          place: tumen
          target: http://www.wikidata.org/entity/Q1000004
          relation: exactMatch
          created: 2026-11-26
        """,
    )
    _, problems = records.convert(records.read([root]))
    found = {(p.record, p.field): p.message for p in problems}
    assert "already linked to" in found[("second", "target")]
    assert "exactly one subject" in found[("third", None)]
    assert "keeps the score" in found[("fourth", "score")]
    assert len(problems) == 3


def test_a_hand_key_and_its_record_must_agree(tmp_path):
    sample = Path(records.sample_data_dir())
    root = tmp_path / "data"
    shutil.copytree(sample, root)
    links = root / "links.yaml"
    text = links.read_text(encoding="utf-8")
    links.write_text(
        text.replace(
            "place: kp\n  target: http://www.wikidata.org/entity/Q423\n  relation: exactMatch",
            "place: kp\n  target: http://www.wikidata.org/entity/Q423\n  relation: closeMatch",
        ),
        encoding="utf-8",
    )
    _, problems = records.convert(records.read([root]))
    assert [(p.record, p.field) for p in problems] == [("kp-wikidata", "relation")]
    assert "states exactMatch" in problems[0].message


def test_bundled_links_follow_the_bundled_places(records_dir, tmp_path):
    with_own_places = records.read([records_dir])
    assert not with_own_places.ids("link")
    case = tmp_path / "C900.yaml"
    case.write_text("id: C900\ntitle: A case alone\n", encoding="utf-8")
    alone = records.read([case])
    assert len(alone.ids("link")) == 40
