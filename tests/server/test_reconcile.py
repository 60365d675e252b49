"""/reconcile: the reconciliation service, checked against what the W3C Entity Reconciliation
Community Group API 0.2 requires of each response, and for what it must never reveal.

The specification publishes JSON Schemas (reconciliation-api/specs, 0.2/schemas) for the manifest,
result batches and suggest responses. They are not downloaded here (no test needs the internet):
the `check_*` functions below assert the same required members and types, written from them.
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
from edkg.build import build
from edkg.server import create_app
from edkg.store import StoreDir

EDKG = "https://w3id.org/edkg/ontology#"
BASE = "https://w3id.org/edkg/"
PERSON, PLACE = EDKG + "Person", EDKG + "Place"


# --------------------------------------------------------------------------------------------
# What the specification requires of each response


def _text(value) -> bool:
    return isinstance(value, str)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_type(item) -> None:
    """type.json: an object with id and name (strings), optional description and broader."""
    assert isinstance(item, dict), item
    assert _text(item["id"]) and item["id"], item
    assert _text(item["name"]) and item["name"], item
    assert _text(item.get("description", "")), item
    for broader in item.get("broader", []):
        check_type(broader)


def _service(definition) -> None:
    assert isinstance(definition, dict)
    for key in ("service_url", "service_path", "flyout_service_url"):
        assert _text(definition.get(key, "")), key
    if "flyout_service_path" in definition:
        assert "${id}" in definition["flyout_service_path"]


def check_manifest(manifest) -> None:
    """manifest.json: versions (with "0.2"), name, identifierSpace, schemaSpace; the rest typed."""
    assert isinstance(manifest, dict)
    assert isinstance(manifest["versions"], list) and "0.2" in manifest["versions"]
    assert all(_text(v) for v in manifest["versions"])
    for key in ("name", "identifierSpace", "schemaSpace"):
        assert _text(manifest[key]) and manifest[key], key
    for key in ("documentation", "serviceVersion", "logo"):
        assert _text(manifest.get(key, "")), key
    for key in ("view", "feature_view"):
        if key in manifest:
            assert "{{id}}" in manifest[key]["url"], key
    types = manifest.get("defaultTypes", [])
    for item in types:
        check_type(item)
    assert len({json.dumps(t, sort_keys=True) for t in types}) == len(types)  # uniqueItems
    for definition in manifest.get("suggest", {}).values():
        _service(definition)
    if "preview" in manifest:
        preview = manifest["preview"]
        assert "{{id}}" in preview["url"]
        assert isinstance(preview["width"], int) and isinstance(preview["height"], int)
    if "batchSize" in manifest:
        assert isinstance(manifest["batchSize"], int) and manifest["batchSize"] > 0


def check_result_batch(batch, keys) -> None:
    """reconciliation-result-batch.json: each query's "result", candidates with id, name, score."""
    assert isinstance(batch, dict) and set(batch) == set(keys)
    for answer in batch.values():
        assert isinstance(answer["result"], list)
        for candidate in answer["result"]:
            assert _text(candidate["id"]) and candidate["id"]
            assert _text(candidate["name"]) and candidate["name"]
            assert _number(candidate["score"])
            assert _text(candidate.get("description", ""))
            assert isinstance(candidate.get("match", False), bool)
            for item in candidate.get("type", []):
                assert _text(item) or (isinstance(item, dict) and _text(item["id"]))
                if isinstance(item, dict):
                    assert _text(item.get("name", ""))
            for feature in candidate.get("features", []):
                assert _text(feature["id"])
                assert isinstance(feature["value"], bool) or _number(feature["value"])
        scores = [c["score"] for c in answer["result"]]
        assert scores == sorted(scores, reverse=True)  # SHOULD be sorted by decreasing score


def check_suggest_entities(document) -> None:
    """suggest-entities-response.json: "result", items with id and name, notable types."""
    assert isinstance(document["result"], list)
    for item in document["result"]:
        assert _text(item["id"]) and _text(item["name"])
        assert _text(item.get("description", ""))
        for notable in item.get("notable", []):
            assert _text(notable) or (isinstance(notable, dict) and _text(notable["id"]))


def check_suggest_types(document) -> None:
    """suggest-types-response.json: "result", a list of types."""
    assert isinstance(document["result"], list)
    for item in document["result"]:
        check_type(item)


def check_suggest_properties(document) -> None:
    """suggest-properties-response.json: "result", items with id and name."""
    assert isinstance(document["result"], list)
    for item in document["result"]:
        assert _text(item["id"]) and _text(item["name"])
        assert _text(item.get("description", ""))


# --------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module")
def client(sample_store):
    """One app for the module: the index is built once per release and app."""
    return create_app({"TESTING": True, "STORE": str(sample_store)}).test_client()


def ask(client, queries: dict, method: str = "post"):
    """Send a query batch; return the response (JSON checked when it is a 200)."""
    payload = json.dumps(queries)
    if method == "post":
        response = client.post("/reconcile", data={"queries": payload})
    else:
        response = client.get("/reconcile?" + urlencode({"queries": payload}))
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    if response.status_code == 200:
        assert response.mimetype == "application/json"
        check_result_batch(response.json, queries)
    return response


def results(client, **query) -> list[dict]:
    return ask(client, {"q": query}).json["q"]["result"]


def top(client, **query) -> dict:
    found = results(client, **query)
    assert found, query
    return found[0]


# --------------------------------------------------------------------------------------------
# The manifest


def test_the_manifest_says_what_the_service_offers(client):
    response = client.get("/reconcile")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    manifest = response.json
    check_manifest(manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == BASE + "id/"
    assert manifest["schemaSpace"] == EDKG
    assert [t["id"] for t in manifest["defaultTypes"]] == [
        EDKG + c for c in ("Person", "Place", "Organisation", "Case")
    ]
    assert set(manifest["suggest"]) == {"entity", "type", "property"}
    assert "extend" not in manifest  # no data extension is offered
    # The templates resolve, with the id percent-encoded as a URI component as clients must.
    ident = quote("person/P001", safe="")
    view = client.get(manifest["view"]["url"].replace("{{id}}", ident))
    assert view.status_code == 303 and view.headers["Location"].endswith("/id/person/P001")
    preview = client.get(manifest["preview"]["url"].replace("{{id}}", ident))
    assert preview.status_code == 200 and preview.mimetype == "text/html"
    for kind, definition in manifest["suggest"].items():
        url = definition["service_url"] + definition["service_path"] + "?prefix=a"
        assert client.get(url).status_code == 200, kind


def test_the_manifest_names_the_host_it_is_asked_at(client):
    manifest = client.get("/reconcile", base_url="https://kg.example.org").json
    assert manifest["view"]["url"] == "https://kg.example.org/reconcile/view?id={{id}}"
    assert manifest["suggest"]["entity"]["service_url"] == "https://kg.example.org"


# --------------------------------------------------------------------------------------------
# Queries


def test_get_and_post_give_the_same_answers(client):
    queries = {
        "q0": {"query": "Ryu Tok-song"},
        "q1": {"query": "Onsong", "type": PLACE, "limit": 2},
        "q2": {"query": "nothing like any name at all, xyzzy"},
    }
    posted = ask(client, queries).json
    assert ask(client, queries, "get").json == posted
    assert len(posted["q1"]["result"]) <= 2
    assert posted["q2"]["result"] == []


NAMES = [
    ("Onsŏng", None, "place/onsong_county"),  # McCune-Reischauer
    ("Onsong", PLACE, "place/onsong_county"),  # without diacritics or "County"
    ("Onseong-gun", None, "place/onsong_county"),  # Revised Romanisation
    ("온성군", None, "place/onsong_county"),  # Korean
    ("온성", PLACE, "place/onsong_county"),
    ("Ryu Tok-song", PERSON, "person/P001"),
    ("Yu Deok-seong", PERSON, "person/P001"),  # South Korean family name, Revised Romanisation
    ("Tok-song Ryu", None, "person/P001"),  # western order
    ("유덕성", None, "person/P001"),  # 류 -> 유: the initial sound law
    ("Bowibu", None, "organisation/kp_mss"),  # another name
    ("Ministry of State Security", EDKG + "Organisation", "organisation/kp_mss"),
    ("person/P001", None, "person/P001"),  # an identifier
    (BASE + "id/place/tumen", None, "place/tumen"),  # an IRI
    ("Repatriated couple held in Onsong and Chongjin", EDKG + "Case", "case/C001"),
]


@pytest.mark.parametrize(("query", "kind", "expected"), NAMES, ids=[n[0] for n in NAMES])
def test_names_in_english_korean_and_romanisations_are_found(client, query, kind, expected):
    query_object = {"query": query, **({"type": kind} if kind else {})}
    best = top(client, **query_object)
    assert best["id"] == expected
    assert best["score"] >= 90 and best["match"] is True
    if kind:
        assert all(kind in [t["id"] for t in c["type"]] for c in results(client, **query_object))


def test_types_filter_candidates(client):
    places = results(client, query="Onsong", type=[PLACE])
    persons = results(client, query="Onsong", type="Person")
    assert places and all(c["id"].startswith("place/") for c in places)
    assert all(c["id"].startswith("person/") for c in persons)
    assert ask(client, {"q": {"query": "Onsong", "type": "Planet"}}).status_code == 400


def _feature(candidate: dict, name: str):
    return {f["id"]: f["value"] for f in candidate["features"]}.get(name)


def test_a_year_of_birth_confirms_or_weakens_a_person(client):
    born = top(client, query="Ryu Tok-song", properties=[{"pid": "born", "v": "1979"}])
    assert born["id"] == "person/P001" and born["match"] and _feature(born, "born") is True
    about = top(client, query="Ryu Tok-song", properties=[{"pid": "born", "v": "1978~"}])
    assert about["match"] and _feature(about, "born") is True  # 1977 to 1979
    wrong = top(client, query="Ryu Tok-song", properties=[{"pid": "born", "v": 1990}])
    assert wrong["id"] == "person/P001" and not wrong["match"] and wrong["score"] < born["score"]
    assert _feature(wrong, "born") is False
    bad = ask(client, {"q": {"query": "x", "properties": [{"pid": "born", "v": "soon"}]}})
    assert bad.status_code == 400


def test_an_approximate_birth_year_is_tolerant(records_dir, tmp_path):
    root = tmp_path / "records"
    shutil.copytree(records_dir, root)
    case = root / "cases" / "T001.yaml"
    case.write_text(case.read_text().replace("born: '1980'", "born: 1980~"), encoding="utf-8")
    store = tmp_path / "store"
    build([root], store, BASE)
    client = create_app({"TESTING": True, "STORE": str(store)}).test_client()
    for year, agrees in ((1979, True), (1981, True), (1982, False)):
        best = top(client, query="Test Person One", properties=[{"pid": "born", "v": year}])
        assert best["id"] == "person/TP1" and _feature(best, "born") is agrees, year


def test_a_place_confirms_a_person(client):
    for value in ("Tumen", {"id": "place/tumen"}, "North Hamgyong", "온성군"):
        best = top(client, query="Pak Chun-sim", properties=[{"pid": "place", "v": value}])
        assert best["id"] == "person/P002" and _feature(best, "place") is True, value
    away = top(client, query="Pak Chun-sim", properties=[{"pid": "place", "v": "Vladivostok"}])
    assert away["id"] == "person/P002" and _feature(away, "place") is False


def test_a_country_confirms_a_place(client):
    china = top(client, query="Tumen", properties=[{"pid": "country", "v": "CN"}])
    assert china["id"] == "place/tumen" and china["match"] and _feature(china, "country") is True
    for value in ("China", {"id": "place/cn"}, "중화인민공화국"):
        found = top(client, query="Tumen", properties=[{"pid": "country", "v": value}])
        assert _feature(found, "country") is True, value
    korea = top(client, query="Tumen", properties=[{"pid": "country", "v": "North Korea"}])
    assert _feature(korea, "country") is False and not korea["match"]


def test_properties_alone_are_a_query(client):
    found = results(client, type="Person", properties=[{"pid": "born", "v": "1979"}], limit=50)
    assert found and all(_feature(c, "born") is True for c in found)
    assert "person/P001" in {c["id"] for c in found}


BAD_BATCHES = [
    ("not json", "{q0: }", 400),
    ("a list", "[]", 400),
    ("a query that is a string", '{"q0": "Onsong"}', 400),
    ("no query and no properties", '{"q0": {"type": "Person"}}', 400),
    ("an empty query", '{"q0": {"query": "  "}}', 400),
    ("limit 0", '{"q0": {"query": "Onsong", "limit": 0}}', 400),
    ("limit as text", '{"q0": {"query": "Onsong", "limit": "5"}}', 400),
    (
        "an unknown property",
        '{"q0": {"query": "x", "properties": [{"pid": "P31", "v": "1"}]}}',
        400,
    ),
    ("a property without v", '{"q0": {"query": "x", "properties": [{"pid": "born"}]}}', 400),
    ("an unknown member", '{"q0": {"query": "x", "colour": "blue"}}', 400),
    ("a query too long", json.dumps({"q0": {"query": "x" * 501}}), 400),
    ("a batch too large", json.dumps({f"q{i}": {"query": "x"} for i in range(51)}), 413),
]


@pytest.mark.parametrize(
    ("name", "payload", "status"), BAD_BATCHES, ids=[b[0] for b in BAD_BATCHES]
)
def test_bad_queries_are_refused_with_a_message(client, name, payload, status):
    response = client.post("/reconcile", data={"queries": payload})
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    error = response.json["error"]
    assert error["status"] == status and error["message"]


def test_other_requests_are_refused(client):
    assert client.post("/reconcile", data={}).status_code == 400
    assert client.get("/reconcile?extend=" + quote('{"ids": ["person/P001"]}')).status_code == 400
    assert client.delete("/reconcile").status_code == 405
    preflight = client.options("/reconcile", headers={"Origin": "https://example.org"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


# --------------------------------------------------------------------------------------------
# Preview, view and suggest


def test_preview_is_a_small_html_page(client):
    response = client.get("/reconcile/preview?id=person/P001")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Ryu Tok-song" in page and "류덕성" in page and 'href="/id/person/P001"' in page
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    missing = client.get("/reconcile/preview?id=person/NOBODY")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/reconcile/view?id=event/C001-E1").status_code == 404


def test_suggest_entities_by_prefix(client):
    first = client.get("/reconcile/suggest/entity?prefix=Onso")
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    check_suggest_entities(first.json)
    assert first.json["result"][0]["id"] == "place/onsong_county"
    page = client.get("/reconcile/suggest/entity?prefix=S").json["result"]
    following = client.get("/reconcile/suggest/entity?prefix=S&cursor=10").json
    check_suggest_entities(following)
    assert len(page) == 10 and following["result"]
    assert not {i["id"] for i in page} & {i["id"] for i in following["result"]}
    for prefix, expected in (("P001", "person/P001"), ("류덕", "person/P001"), ("Bowi", None)):
        found = client.get("/reconcile/suggest/entity?" + urlencode({"prefix": prefix})).json
        check_suggest_entities(found)
        assert found["result"], prefix
        if expected:
            assert found["result"][0]["id"] == expected
    typed = client.get("/reconcile/suggest/entity?prefix=Onso&type=Person").json
    assert all(i["id"].startswith("person/") for i in typed["result"])
    assert client.get("/reconcile/suggest/entity?prefix=").json == {"result": []}
    assert client.get("/reconcile/suggest/entity?prefix=a&cursor=-1").status_code == 400


def test_suggest_types_and_properties(client):
    types = client.get("/reconcile/suggest/type?prefix=prov").json
    check_suggest_types(types)
    assert types["result"] == [
        {
            "id": EDKG + "Province",
            "name": "Province",
            "broader": [{"id": PLACE, "name": "Place"}],
        }
    ]
    everything = client.get("/reconcile/suggest/type?prefix=").json
    check_suggest_types(everything)
    assert len(everything["result"]) == 9
    properties = client.get("/reconcile/suggest/property?prefix=b").json
    check_suggest_properties(properties)
    assert [p["id"] for p in properties["result"]] == ["born"]
    every = client.get("/reconcile/suggest/property?prefix=").json
    assert {p["id"] for p in every["result"]} == {"born", "place", "country"}


def test_reconcile_latency_on_the_sample(client):
    queries = [
        {"query": "Kim Yong-il", "type": "Person"},
        {"query": "Onsŏng"},
        {"query": "리철민"},
        {"query": "Ministry of State Security"},
        {"query": "Ryu Tok-song", "properties": [{"pid": "born", "v": "1979"}]},
    ]
    ask(client, {"warm": queries[0]})  # the index is built once per release
    timings = []
    for number in range(100):
        payload = {"queries": json.dumps({"q": queries[number % len(queries)]})}
        started = time.perf_counter()
        assert client.post("/reconcile", data=payload).status_code == 200
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    print(f"\n/reconcile: median {median * 1000:.1f} ms over 100 single-query batches")
    assert median < 0.1


# --------------------------------------------------------------------------------------------
# What must never be found


@pytest.fixture(scope="module")
def restricted_values(test_store) -> dict[str, list[str]]:
    """The canaries of tests/data/records and the name of the person whose consent is withheld."""
    store = StoreDir(test_store).current().open("restricted")
    canaries = sorted(
        {
            q.object.value
            for q in store
            if isinstance(q.object, ox.Literal) and "CANARY" in q.object.value
        }
    )
    withheld = ox.NamedNode(BASE + "id/person/TP2")
    name = ox.NamedNode("http://schema.org/name")
    names = [q.object.value for q in store.quads_for_pattern(withheld, name, None)]
    assert len(canaries) >= 5 and names
    return {"canaries": canaries, "withheld": names}


@pytest.fixture(scope="module")
def test_client(test_store):
    return create_app({"TESTING": True, "STORE": str(test_store)}).test_client()


def _texts(client, value: str) -> list[tuple[str, bytes]]:
    """Every answer the service gives about a string: queries of every type, suggestions."""
    answers = []
    for kind in (None, "Person", "Place", "Organisation", "Case"):
        query = {"query": value, **({"type": kind} if kind else {})}
        answers.append((f"query {kind}", ask(client, {"q": query}).data))
    for prefix in (value, value[:8], value.split()[0]):
        for what in ("entity", "type", "property"):
            url = f"/reconcile/suggest/{what}?" + urlencode({"prefix": prefix})
            answers.append((url, client.get(url).data))
    return answers


def test_no_canary_can_be_found(test_client, restricted_values):
    for canary in [*restricted_values["canaries"], "CANARY", "7f3a"]:
        for where, body in _texts(test_client, canary):
            assert b"CANARY" not in body and b"7f3a" not in body, (canary, where)
    found = test_client.get("/reconcile/suggest/entity?prefix=T").json["result"]
    ids = [item["id"] for item in found]
    for ident in ids:
        page = test_client.get("/reconcile/preview?" + urlencode({"id": ident}))
        assert page.status_code == 200 and b"CANARY" not in page.data, ident
    assert test_client.get("/reconcile").status_code == 200


def test_a_person_whose_consent_is_withheld_is_not_found(test_client, restricted_values):
    for name in restricted_values["withheld"]:
        for where, body in _texts(test_client, name):
            assert b"TP2" not in body, (name, where)
    assert test_client.get("/reconcile/preview?id=person/TP2").status_code == 404
    assert test_client.get("/reconcile/view?id=person/TP2").status_code == 404
    by_id = ask(test_client, {"q": {"query": "person/TP2"}}).json["q"]["result"]
    assert "person/TP2" not in {c["id"] for c in by_id}
    # The other victim of the same case, who consented, is found.
    assert top(test_client, query="Test Person One")["id"] == "person/TP1"


def test_only_the_public_dataset_is_read(test_store):
    """The index is built from the store the app opened, which is the public dataset only."""
    app = create_app({"TESTING": True, "STORE": str(test_store)})
    client = app.test_client()
    assert client.get("/reconcile").status_code == 200
    index = app.extensions["edkg.reconcile"]["index"]
    _, public = app.extensions["edkg"].current()
    assert index.store is public
    subjects = {q.subject.value for q in StoreDir(test_store).current().open("public")}
    assert index.entities and all(BASE + "id/" + ident in subjects for ident in index.entities)
