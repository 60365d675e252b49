"""`edkg export --format schemaorg|csv`: schema.org JSON-LD and CSV tables of the public records.

Both read the public dataset only: the test records (tests/data/records) plant CANARY values in
every restricted field, and a person whose consent is withheld; neither may appear.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from edkg import export
from edkg.cli import main
from edkg.store import StoreDir

BASE = "https://w3id.org/edkg/"
SCHEMA = "http://schema.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _export(store, fmt: str, kind: str = "case") -> bytes:
    output = io.BytesIO()
    export.export(StoreDir(store).current(), fmt, output, kind)
    return output.getvalue()


def _graph(document: dict) -> ox.Store:
    """Read the schema.org document as RDF, with a local context standing in for schema.org's."""
    local = dict(document, **{"@context": {"@vocab": SCHEMA}})
    store = ox.Store()
    store.load(json.dumps(local).encode(), format=ox.RdfFormat.JSON_LD)
    return store


def _objects(store: ox.Store, subject: str, predicate: str) -> set:
    node = ox.NamedNode(subject)
    found = store.quads_for_pattern(node, ox.NamedNode(SCHEMA + predicate), None)
    return {q.object for q in found}


def _literals(store: ox.Store, subject: str, predicate: str) -> set[str]:
    return {term.value for term in _objects(store, subject, predicate)}


# ----------------------------------------------------------------------------------------------
# schema.org


@pytest.fixture(scope="module")
def schema_document(test_store) -> dict:
    data = _export(test_store, "schemaorg")
    assert b"CANARY" not in data
    return json.loads(data)


def test_schemaorg_names_the_context_as_a_string(schema_document):
    assert schema_document["@context"] == "https://schema.org"
    ids = [node["@id"] for node in schema_document["@graph"]]
    assert ids == sorted(ids)


def test_schemaorg_cases_events_persons(schema_document):
    graph = _graph(schema_document)
    case = BASE + "id/case/T001"
    assert _objects(graph, case, "additionalType") == {ox.NamedNode(BASE[:-1] + "/ontology#Case")}
    assert ox.NamedNode(SCHEMA + "Event") in {
        q.object for q in graph.quads_for_pattern(ox.NamedNode(case), RDF_TYPE, None)
    }
    assert _literals(graph, case, "name") == {"Test case of a repatriated couple", "시험 사건"}
    arrest = BASE + "id/event/T001-E1"
    assert _literals(graph, arrest, "startDate") == {"2013-04-17"}
    assert _literals(graph, arrest, "name") == {"Arrest: Test case of a repatriated couple"}
    assert _objects(graph, arrest, "location") == {ox.NamedNode(BASE + "id/place/tumen")}
    assert _objects(graph, arrest, "superEvent") == {ox.NamedNode(case)}
    # Spring 2013 and "about 2013" are not ISO 8601 dates: no startDate rather than a wrong one.
    assert not _literals(graph, BASE + "id/event/T001-E2", "startDate")
    assert not _literals(graph, BASE + "id/event/T001-E3", "startDate")
    person = BASE + "id/person/TP1"
    assert _literals(graph, person, "name") == {"Test Person One", "시험일"}
    assert _objects(graph, person, "gender") == {ox.NamedNode(SCHEMA + "Male")}
    assert _literals(graph, person, "birthDate") == {"1980"}
    withheld = BASE + "id/person/TP2"
    assert _literals(graph, withheld, "identifier") == {"TP2"}
    assert not _literals(graph, withheld, "name") and not _literals(graph, withheld, "birthDate")


def test_schemaorg_places_and_organisations(schema_document):
    nodes = {node["@id"]: node for node in schema_document["@graph"]}
    onsong = nodes[BASE + "id/place/onsong_county"]
    assert onsong["@type"] == "AdministrativeArea"
    assert onsong["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 42.955556,
        "longitude": 129.991667,
    }
    assert onsong["containedInPlace"] == {"@id": BASE + "id/place/kp"}
    assert nodes[BASE + "id/place/kp"]["@type"] == "Country"
    facility = nodes[BASE + "id/place/test_facility"]
    assert facility["@type"] == "Place" and "geo" not in facility
    assert nodes[BASE + "id/organisation/kp_mss"]["@type"] == "GovernmentOrganization"
    assert nodes[BASE + "id/organisation/test_ngo"]["@type"] == "Organization"
    kinds = {node["@type"] for node in nodes.values()}
    assert kinds == {
        "Event",
        "Person",
        "Place",
        "AdministrativeArea",
        "Country",
        "GovernmentOrganization",
        "Organization",
    }
    assert not [i for i in nodes if "/source/" in i or "/vocab/" in i]


def test_schemaorg_is_the_same_every_time(test_store):
    assert _export(test_store, "schemaorg") == _export(test_store, "schemaorg")


# ----------------------------------------------------------------------------------------------
# CSV


def _table(store, kind: str) -> list[dict[str, str]]:
    data = _export(store, "csv", kind)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM, for spreadsheet programs
    assert b"CANARY" not in data
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("iri,")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_cases(test_store):
    (row,) = _table(test_store, "case")
    assert row["iri"] == BASE + "id/case/T001"
    assert (row["title"], row["title_ko"], row["reported"]) == (
        "Test case of a repatriated couple",
        "시험 사건",
        "2022-03",
    )
    assert (row["victims"], row["events"], row["official_response"]) == ("2", "3", "none")
    assert row["submitted_by_iri"] == BASE + "id/organisation/test_ngo"
    assert row["family_notified"] == "false"


def test_csv_persons_hold_only_what_is_public(test_store):
    rows = {r["id"]: r for r in _table(test_store, "person")}
    assert set(rows) == {"TP1", "TP2"}
    one = rows["TP1"]
    assert (one["name"], one["name_ko"], one["sex"], one["born"]) == (
        "Test Person One",
        "시험일",
        "male",
        "1980",
    )
    assert (one["roles"], one["reason"], one["case_id"]) == ("victim", "escape-repatriated", "T001")
    withheld = rows["TP2"]
    assert withheld["roles"] == "victim"
    assert not any(withheld[k] for k in ("name", "sex", "born", "reason", "whereabouts"))


def test_csv_events_in_case_order(test_store):
    rows = _table(test_store, "event")
    assert [r["id"] for r in rows] == ["E1", "E2", "E3"]
    arrest = rows[0]
    assert arrest["iri"] == BASE + "id/event/T001-E1"
    assert (arrest["type"], arrest["date"], arrest["date_precision"]) == (
        "arrest",
        "2013-04-17",
        "day",
    )
    assert (arrest["place"], arrest["perpetrator_iri"]) == (
        "Tumen",
        BASE + "id/organisation/cn_mps",
    )
    assert arrest["victims"] == "TP1|TP2"
    assert (rows[1]["date"], rows[1]["date_earliest"], rows[1]["date_latest"]) == (
        "2013-21",
        "2013-03-01",
        "2013-05-31",
    )


def test_csv_places_and_organisations(test_store):
    places = {r["id"]: r for r in _table(test_store, "place")}
    assert places["onsong_county"]["type"] == "municipality"
    assert places["onsong_county"]["located_in_iri"] == BASE + "id/place/kp"
    assert (places["tumen"]["lat"], places["tumen"]["long"]) == ("42.966667", "129.85")
    assert places["test_facility"]["type"] == "detention-facility"
    assert places["test_facility"]["facility_type"] == "jipkyulso"
    organisations = {r["id"]: r for r in _table(test_store, "organisation")}
    assert organisations["kp_mss"]["agency"] == "kp-mss"
    assert organisations["kp_mss"]["state_iri"] == BASE + "id/place/kp"


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1-555", "'+1-555"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-12.5", "-12.5"),
        ("Ri Chol-min", "Ri Chol-min"),
    ],
)
def test_csv_cells_are_never_formulas(text, cell):
    assert export._cell(ox.Literal(text)) == cell


def test_csv_from_the_command_line(runner, test_store, tmp_path):
    output = tmp_path / "events.csv"
    args = ["export", "--format", "csv", "--kind", "event", "-o", str(output)]
    result = runner.invoke(main, [*args, "--store", str(test_store)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes() == _export(test_store, "csv", "event")
    wrong = runner.invoke(main, ["export", "--format", "csv", "--kind", "source"])
    assert wrong.exit_code == 2 and "source" in wrong.output


def test_every_export_of_the_sample(sample_store):
    """The bundled sample in every new format and kind: readable, and free of restricted data."""
    document = json.loads(_export(sample_store, "schemaorg"))
    assert len(document["@graph"]) > 400
    for kind in export.CSV_KINDS:
        rows = _table(sample_store, kind)
        assert rows and all(r["iri"].startswith(BASE + "id/") for r in rows)
