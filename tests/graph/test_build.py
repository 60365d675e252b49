"""Building releases: deterministic, atomic, and with restricted data kept out of the public one."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
from edkg import publish
from edkg.build import build
from edkg.errors import RecordError, StoreError
from edkg.store import StoreDir

BASE = "https://w3id.org/edkg/"
CANARIES = (
    "CANARY-INTERVIEWEE-7f3a",
    "CANARY-CONTACT-7f3a",
    "CANARY-CASE-NOTE-7f3a",
    "CANARY-LEGAL-NAME-7f3a",
    "CANARY-WITHHELD-NOTE-7f3a",
    "CANARY-WITHHELD-NAME-7f3a",
    "CANARY-EVENT-NOTE-7f3a",
    "CANARY-SOURCE-NOTE-7f3a",
)


def _nquads(store: ox.Store) -> list[str]:
    return sorted(ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode().splitlines())


def test_rebuild_gives_exactly_the_same_quads(tmp_path, records_dir):
    first = build([records_dir], tmp_path / "a", BASE).release
    second = build([records_dir], tmp_path / "b", BASE).release
    for dataset in ("public", "restricted"):
        assert _nquads(first.open(dataset)) == _nquads(second.open(dataset))
    assert first.version == second.version


def test_iris_are_minted_from_identifiers(test_store):
    store = StoreDir(test_store).current().open("public")
    arrest = ox.NamedNode(BASE + "id/event/T001-E1")
    victim = ox.NamedNode("https://w3id.org/edkg/ontology#victim")
    victims = {q.object.value for q in store.quads_for_pattern(arrest, victim, None)}
    assert victims == {BASE + "id/person/TP1", BASE + "id/person/TP2"}
    graph = ox.NamedNode(BASE + "graph/case/T001")
    assert any(store.quads_for_pattern(arrest, None, None, graph))


def test_inherited_classes_are_materialised(test_store):
    store = StoreDir(test_store).current().open("public")
    inquiry_like = store.query(
        "ASK { GRAPH ?g { <https://w3id.org/edkg/id/event/T001-E1> a "
        "<https://w3id.org/edkg/ontology#Event> } }"
    )
    assert bool(inquiry_like)


def test_canaries_only_in_restricted_dataset(test_store):
    release = StoreDir(test_store).current()
    public = "\n".join(_nquads(release.open("public")))
    restricted = "\n".join(_nquads(release.open("restricted")))
    for canary in CANARIES:
        assert canary not in public
        assert canary in restricted
    assert "/restricted>" not in public


def test_restricted_properties_absent_from_public(test_store):
    store = StoreDir(test_store).current().open("public")
    for name in ("legalName", "interviewee", "contactDetails", "confidentialNote"):
        predicate = ox.NamedNode("https://w3id.org/edkg/ontology#" + name)
        assert not list(store.quads_for_pattern(None, predicate, None))


def test_failed_build_leaves_the_store_unchanged(tmp_path, records_dir):
    root = tmp_path / "store"
    good = build([records_dir], root, BASE).release
    before = _nquads(good.open("restricted"))
    broken = tmp_path / "broken"
    shutil.copytree(records_dir, broken)
    (broken / "cases" / "T001.yaml").write_text("id: T001\npersons: [\n", encoding="utf-8")
    with pytest.raises(RecordError):
        build([broken], root, BASE)
    current = StoreDir(root).current()
    assert current.path == good.path
    assert _nquads(current.open("restricted")) == before
    assert not [p for p in (root / "releases").iterdir() if p.name.startswith(".staging")]


def test_interrupted_write_leaves_no_release(tmp_path, records_dir):
    root = tmp_path / "store"
    good = build([records_dir], root, BASE).release

    def exploding():
        yield from ()
        raise OSError("disk full")

    with pytest.raises(OSError):
        StoreDir(root).write(exploding, {"version": "x"})
    assert StoreDir(root).current().path == good.path
    assert sorted(p.name for p in (root / "releases").iterdir()) == [good.path.name]


def test_no_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="edkg build"):
        StoreDir(tmp_path / "empty").current()


def test_old_releases_are_pruned(tmp_path, records_dir):
    root = tmp_path / "store"
    for _ in range(4):
        build([records_dir], root, BASE)
    names = sorted(p.name for p in (root / "releases").iterdir())
    assert names == ["r000003", "r000004"]
    assert StoreDir(root).current().path.name == "r000004"


def test_one_store_directory_follows_every_swap_of_current(tmp_path, records_dir):
    """The server keeps one StoreDir and asks it for the current release on every request."""
    root = tmp_path / "store"
    store_dir = StoreDir(root)
    with pytest.raises(StoreError, match="edkg build"):
        store_dir.current()
    first = build([records_dir], root, BASE).release
    assert store_dir.current().path == first.path
    assert store_dir.current() is store_dir.current()  # the record is read once per release
    second = build([records_dir], root, BASE).release
    assert store_dir.current().path == second.path
    # `current` pointed back at the first release (an operator's rollback) is seen too.
    link = root / "current"
    back = root / "current.back"
    back.symlink_to(first.path.relative_to(root))
    back.replace(link)
    assert store_dir.current().path == first.path
    assert store_dir.current().version == first.version
    shutil.rmtree(root)
    with pytest.raises(StoreError, match="edkg build"):
        store_dir.current()


def test_publish_derives_the_same_public_dataset_from_the_restricted_one(tmp_path, records_dir):
    from edkg.build import republish

    root = tmp_path / "store"
    built = build([records_dir], root, BASE).release
    published = republish(root)
    assert published.path != built.path
    assert _nquads(published.open("public")) == _nquads(built.open("public"))
    assert _nquads(published.open("restricted")) == _nquads(built.open("restricted"))
    assert published.meta["published_from"] == built.version
    assert StoreDir(root).current().path == published.path


def test_publication_rules_hold_whatever_made_the_data():
    from edkg import publish

    edkg = "https://w3id.org/edkg/ontology#"
    person = ox.NamedNode(BASE + "id/person/X1")
    graph = ox.NamedNode(BASE + "graph/case/X")
    quads = [
        ox.Quad(person, ox.NamedNode(edkg + "consent"), publish.WITHHELD, graph),
        ox.Quad(person, ox.NamedNode(edkg + "role"), ox.NamedNode(BASE + "r"), graph),
        ox.Quad(person, ox.NamedNode("http://schema.org/name"), ox.Literal("n"), graph),
        ox.Quad(person, ox.NamedNode(edkg + "legalName"), ox.Literal("L"), graph),
        ox.Quad(
            person,
            ox.NamedNode(edkg + "sex"),
            ox.Literal("s"),
            ox.NamedNode(graph.value + "/restricted"),
        ),
    ]
    secret = {
        q.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: s for q, s in publish.flag(quads)
    }
    assert secret == {"consent": False, "role": False, "name": True, "legalName": True, "sex": True}


def test_recorded_quads_are_replayed_and_unnamed_exactly():
    """A build makes the records' quads once; the copies it reads back are the same quads."""
    from edkg.build import _Recording

    g = ox.NamedNode("https://w3id.org/edkg/graph/case/C1")
    s = ox.NamedNode("https://w3id.org/edkg/id/person/P1")
    p = ox.NamedNode("https://w3id.org/edkg/ontology#note")
    tricky = [
        ox.Literal("ends like a quad <http://x> .\n<http://y> ."),
        ox.Literal("라벨", language="ko"),
        ox.Literal("2013-04", datatype=ox.NamedNode("http://id.loc.gov/datatypes/edtf/EDTF")),
        ox.NamedNode("https://w3id.org/edkg/id/place/kp-onsong"),
        ox.BlankNode("b0"),
    ]
    made = [ox.Quad(s, p, value, g) for value in tricky]
    made.append(ox.Quad(ox.BlankNode("b0"), p, ox.Literal("x"), g))
    made.append(
        ox.Quad(s, ox.NamedNode("https://w3id.org/edkg/ontology#consent"), publish.WITHHELD, g)
    )
    recording = _Recording([("cases", [], iter(made))])
    unnamed = list(recording.unnamed_quads())
    assert unnamed == [ox.Quad(q.subject, q.predicate, q.object) for q in made]
    assert list(recording.replay()) == made
    assert recording.withheld == {s}
    with pytest.raises(RuntimeError):
        list(recording.chunks())  # made once only
    default = _Recording([("cases", [], [ox.Quad(s, p, ox.Literal("no graph"))])])
    with pytest.raises(RuntimeError, match="outside a named graph"):
        list(default.chunks())


def test_a_release_splits_flagged_quads_between_its_datasets(tmp_path):
    """The restricted dataset is written as a copy of the public one plus the flagged quads;
    the public one holds exactly the unflagged quads, and nothing flows back into it."""
    g = ox.NamedNode(BASE + "graph/case/C1")
    p = ox.NamedNode("https://w3id.org/edkg/ontology#note")
    pairs = [
        (ox.Quad(ox.NamedNode(f"{BASE}id/person/P{i}"), p, ox.Literal(f"v{i}"), g), i % 7 == 0)
        for i in range(250_000)
    ]
    pairs.append(pairs[0])  # a quad made twice is stored once
    release = StoreDir(tmp_path).write(lambda: iter(pairs), {"version": "x"})
    public, restricted = release.open("public"), release.open("restricted")
    assert set(public) == {q for q, secret in pairs if not secret}
    assert set(restricted) == {q for q, _ in pairs}
    assert release.meta["triples"] == {"public": 214_285, "restricted": 250_000}
    # Reopened independently of each other, the two stay what they are.
    del public, restricted
    assert len(ox.Store.read_only(str(release.dataset_path("public")))) == 214_285
    assert len(ox.Store.read_only(str(release.dataset_path("restricted")))) == 250_000
