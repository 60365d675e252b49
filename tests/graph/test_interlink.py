"""Links to other datasets: link records with provenance, and `edkg link` proposing and accepting.

`edkg link propose` is tested against a real SPARQL server, `oxigraph serve` (PyPI `oxigraph`)
started on 127.0.0.1 with a small Wikidata-shaped fixture (tests/data/interlink/wikidata.ttl), and
against stub servers that answer 429, time out or send malformed results. Nothing here reaches
the internet.
"""

from __future__ import annotations

import csv
import http.server
import itertools
import json
import math
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


# --------------------------------------------------------------------------------------------
# Names


SAME_NAMES = [
    ("Onsŏng", "Onsong", "exact"),
    ("On-song", "ONSONG", "exact"),
    ("Cheongjin", "Chongjin", "spelling"),
    ("Hamgyeongbuk-do", "Hamgyŏng-pukto", "spelling"),
    ("리철민", "이철민", "spelling"),
    ("량강도", "양강도", "spelling"),
    ("Lee Chol-min", "Ri Chol-min", "spelling"),
    ("Chol-min Ri", "Ri Chol-min", "spelling"),
    ("Park Young-ho", "Pak Yong-ho", "spelling"),
]
SAME_PLACES = [
    ("Onsong", "Onsong County"),
    ("온성", "온성군"),
    ("Onseong-gun", "Onsong County"),
    ("Ryanggang", "Yanggang-do"),
    ("Onsŏng kun", "Onsong County"),
]


@pytest.mark.parametrize(("a", "b", "level"), SAME_NAMES)
def test_spellings_of_one_name_meet(a, b, level):
    from edkg import names

    assert names.similarity(a, b)[1] == level
    assert names.similarity(b, a)[1] == level


@pytest.mark.parametrize(("a", "b"), SAME_PLACES)
def test_generic_place_words_do_not_count_for_places(a, b):
    from edkg import names

    assert names.similarity(a, b, place=True) == (0.9, "place-word")
    assert names.similarity(a, b)[0] < 0.9


def test_different_names_stay_apart():
    from edkg import names

    assert names.similarity("Hyesan", "Hoeryong")[0] < 0.5
    assert names.similarity("Kim Yong-il", "Kim Yong-su")[0] < 0.85
    assert names.similarity("Tumen", "Test Person")[0] == 0.0


# --------------------------------------------------------------------------------------------
# Scores


def test_the_score_combines_name_and_place():
    from edkg import interlink

    county = interlink.Subject("place", "x", "municipality", "Onsong County", ["Onsong County"])
    county.lat, county.long = 42.955556, 129.991667
    named = {"Onsong County"}
    here = interlink.Item(WD + "Q1", named, named, {(42.955556, 129.991667)})
    away = interlink.Item(WD + "Q2", named, named, {(43.09, 129.991667)})
    assert interlink.score(county, here).score == 1.0
    far = interlink.score(county, away)
    assert 14.8 < far.distance_km < 15.1  # 0.134 degrees of latitude
    assert far.place == pytest.approx(math.exp(-1), abs=0.01)
    assert far.score == pytest.approx(0.6 + 0.4 * math.exp(-1), abs=0.005)
    agency = interlink.Subject("organisation", "y", "organisation", "Agency", ["Agency"])
    agency.country = WD + "Q423"
    same = interlink.Item(WD + "Q3", {"Agency"}, set(), set(), {WD + "Q423"})
    other = interlink.Item(WD + "Q4", {"Agency"}, set(), set(), {WD + "Q148"})
    unknown = interlink.Item(WD + "Q5", {"Agency"})
    assert [interlink.score(agency, i).score for i in (same, other, unknown)] == [1.0, 0.6, 0.8]


def test_names_are_sent_as_escaped_terms(tmp_path):
    from edkg import interlink

    hostile = 'Camp" } } DELETE WHERE { ?s ?p ?o } #'
    subject = interlink.Subject("place", "camp", "detention-facility", hostile, [hostile, "수용소"])
    query = interlink.candidate_query([subject])
    store = ox.Store()
    store.add(ox.Quad(_n(WD + "Q1"), _n(RDF + "type"), _n(WD + "Q2")))
    assert list(store.query(query)) == []  # it parses, and it is still one SELECT
    assert len(store) == 1
    assert '"수용소"@ko' in query and '"camp"' in query


def test_remote_labels_cannot_become_spreadsheet_formulas():
    from edkg import interlink

    row = {c: "" for c in interlink.COLUMNS}
    row.update(target_label='=HYPERLINK("http://evil.example","x")', matched="@SUM(A1)", id="x")
    text = interlink.candidates_csv([row]).decode("utf-8")
    parsed = next(csv.DictReader(text.splitlines()))
    assert parsed["target_label"] == '\'=HYPERLINK("http://evil.example","x")'
    assert parsed["matched"] == "'@SUM(A1)" and parsed["id"] == "x"


# --------------------------------------------------------------------------------------------
# A real SPARQL server: `oxigraph serve-read-only` with the Wikidata-shaped fixture


FIXTURE = Path(__file__).resolve().parents[1] / "data" / "interlink" / "wikidata.ttl"
LINKED = """\
- id: kp-wikidata
  place: kp
  target: http://www.wikidata.org/entity/Q423
  relation: exactMatch
  method: manual
  created: 2026-11-26
- id: cn-wikidata
  place: cn
  target: http://www.wikidata.org/entity/Q148
  relation: exactMatch
  method: manual
  created: 2026-11-26
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory) -> Iterator[str]:
    """`oxigraph serve-read-only` on a free port of 127.0.0.1, loaded with the fixture."""
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if binary is None:
        pytest.fail("the oxigraph server (PyPI package oxigraph, a test dependency) is missing")
    location = tmp_path_factory.mktemp("wikidata") / "store"
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(FIXTURE)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = _free_port()
    server = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not start")
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


@pytest.fixture
def linked_records(records_dir, tmp_path) -> Path:
    """tests/data/records, with North Korea and China linked to Wikidata by hand."""
    return _records_with_links(records_dir, tmp_path, LINKED)


def _best(rows: list[dict], ident: str, prefix: str = WD) -> list[tuple[str, float]]:
    return [
        (r["target"], float(r["score"]))
        for r in rows
        if r["id"] == ident and r["target"].startswith(prefix)
    ]


def test_propose_against_a_real_sparql_server(wikidata, linked_records):
    from edkg import interlink

    endpoint = interlink.Endpoint(wikidata, min_interval=0)
    started = time.perf_counter()
    rows = interlink.propose(records.read([linked_records]), endpoint)
    elapsed = time.perf_counter() - started
    print(f"\npropose: {len(rows)} candidates, {endpoint.requests} requests, {elapsed:.3f} s")
    assert {r["id"] for r in rows} == {"onsong_county", "tumen", "kp_mss", "cn_mps"}
    county = _best(rows, "onsong_county")
    assert county[0] == (WD + "Q705188", 1.0)
    assert county[1][0] == WD + "Q900000001" and 0.7 < county[1][1] < 0.9  # the town, 9 km off
    assert WD + "Q900000002" not in {t for t, _ in county}  # a river: not a place we ask for
    assert _best(rows, "onsong_county", "https://sws.geonames.org/") == [
        ("https://sws.geonames.org/2042267/", 1.0)
    ]
    tumen = _best(rows, "tumen")
    assert tumen[0][0] == WD + "Q900000003" and tumen[0][1] > 0.95
    assert tumen[1] == (WD + "Q900000004", 0.6)  # 2,200 km away
    agency = _best(rows, "kp_mss")
    assert agency == [(WD + "Q900000005", 1.0), (WD + "Q900000006", 0.6)]  # country decides
    assert _best(rows, "cn_mps") == [(WD + "Q900000007", 1.0)]
    geonames = next(r for r in rows if r["target"].startswith("https://sws.geonames.org/"))
    assert geonames["via"] == "wdt:P1566 of Q705188"
    assert {r["accept"] for r in rows} == {""}  # nothing is accepted for the reviewer
    assert elapsed < 5


def test_propose_then_accept_with_the_command_line(wikidata, linked_records, tmp_path, runner):
    from edkg.cli import main

    output = tmp_path / "candidates.csv"
    env = {"EDKG_LINK_MIN_INTERVAL": "0"}
    result = runner.invoke(
        main,
        ["link", "propose", str(linked_records), "--endpoint", wikidata, "-o", str(output)],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "candidates for 4 records" in result.output
    with output.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(interlink_columns())
    for row in rows:
        if row["target"] in (WD + "Q705188", "https://sws.geonames.org/2042267/"):
            row["accept"] = "yes"
        if row["target"] == WD + "Q900000003":
            row["accept"], row["relation"] = "yes", "closeMatch"
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    args = ["link", "accept", str(output), "--data", str(linked_records)]
    result = runner.invoke(main, [*args, "--checked-by", "test_ngo"])
    assert result.exit_code == 0, result.output
    assert "3 links added" in result.output
    text = (linked_records / "links.yaml").read_text(encoding="utf-8")
    assert text.startswith(LINKED)
    assert "- id: onsong_county-wikidata\n  place: onsong_county\n" in text
    assert "  method: edkg-link\n  score: 1\n" in text and "checked_by: test_ngo" in text
    release = build([linked_records], tmp_path / "store", BASE).release
    store = release.open("public")
    tumen = _n(BASE + "id/place/tumen")
    assert list(store.quads_for_pattern(tumen, _n(SKOS + "closeMatch"), _n(WD + "Q900000003")))
    link = _n(BASE + "id/place/onsong_county#onsong_county-wikidata")
    method = next(iter(store.quads_for_pattern(link, _n(EDKG + "linkMethod"), None)))
    assert method.object.value == "edkg-link"
    again = runner.invoke(main, args)
    assert again.exit_code == 0 and "0 links added" in again.output
    assert "already linked" in again.output
    assert (linked_records / "links.yaml").read_text(encoding="utf-8") == text


def interlink_columns():
    from edkg import interlink

    return interlink.COLUMNS


def test_accept_refuses_a_wrong_row_and_changes_nothing(linked_records, tmp_path):
    from edkg import interlink

    before = (linked_records / "links.yaml").read_bytes()
    base = {c: "" for c in interlink.COLUMNS}
    good = {**base, "accept": "yes", "kind": "place", "id": "tumen", "relation": "exactMatch"}
    cases = {
        "unknown": [{**good, "id": "atlantis", "target": WD + "Q1", "score": "0.9"}],
        "not a wikidata item": [{**good, "target": WD + "P31", "score": "0.9"}],
        "two exact": [
            {**good, "target": WD + "Q900000003", "score": "0.9"},
            {**good, "target": WD + "Q900000004", "score": "0.6"},
        ],
        "score": [{**good, "target": WD + "Q900000003", "score": "high"}],
    }
    for name, rows in cases.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(interlink.candidates_csv(rows))
        with pytest.raises(interlink.LinkError, match="nothing was accepted"):
            interlink.accept(path, linked_records)
        assert (linked_records / "links.yaml").read_bytes() == before, name
    not_candidates = tmp_path / "other.csv"
    not_candidates.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(interlink.LinkError, match="not a candidates file"):
        interlink.accept(not_candidates, linked_records)


# --------------------------------------------------------------------------------------------
# Stub endpoints: rate limits, timeouts, malformed answers


EMPTY_RESULTS = json.dumps({"head": {"vars": ["key", "item"]}, "results": {"bindings": []}})


@contextmanager
def stub(answers: list[tuple[int, dict, bytes | float]]) -> Iterator[tuple[str, list]]:
    """An HTTP server on 127.0.0.1 answering each request with the next (status, headers, body).

    A float body makes it wait that many seconds before answering (a slow endpoint). The last
    answer repeats. Yields the URL and the list of requests seen (headers, monotonic time).
    """
    seen: list[tuple[dict, float]] = []
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append((dict(self.headers.items()), time.monotonic()))
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, headers, body = answers[min(len(seen), len(answers)) - 1]
            if isinstance(body, float):
                release.wait(body)
                body = EMPTY_RESULTS.encode()
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql", seen
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


JSON_TYPE = {"Content-Type": "application/sparql-results+json"}
OK = (200, JSON_TYPE, EMPTY_RESULTS.encode())


def _endpoint(url: str, **options):
    from edkg import interlink

    return interlink.Endpoint(url, **{"min_interval": 0, "backoff": 0.05, **options})


def test_requests_say_who_sends_them_and_keep_their_distance():
    from edkg import __version__

    with stub([OK]) as (url, seen):
        endpoint = _endpoint(url, min_interval=0.3)
        for _ in range(3):
            endpoint.select("SELECT * WHERE { ?s ?p ?o }")
    agents = {headers["User-Agent"] for headers, _ in seen}
    assert agents == {f"edkg/{__version__} (+https://w3id.org/edkg/; edkg link interlinking)"}
    assert all(h["Accept"].startswith("application/sparql-results+json") for h, _ in seen)
    times = [t for _, t in seen]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.29


def test_429_then_200_is_retried_after_retry_after():
    with stub([(429, {"Retry-After": "1"}, b"slow down"), OK]) as (url, seen):
        started = time.monotonic()
        assert _endpoint(url).select("SELECT * WHERE { ?s ?p ?o }") == []
        waited = time.monotonic() - started
    assert len(seen) == 2
    assert 1.0 <= waited < 3


def test_503_backs_off_exponentially_then_gives_up_naming_the_endpoint():
    from edkg.interlink import LinkError

    waits = []
    with stub([(503, {}, b"busy")]) as (url, seen):
        endpoint = _endpoint(url, retries=3, sleep=waits.append)
        with pytest.raises(LinkError) as caught:
            endpoint.select("SELECT * WHERE { ?s ?p ?o }")
    assert len(seen) == 4
    assert waits == [0.05, 0.1, 0.2]
    assert url in caught.value.message and "HTTP 503 4 times" in caught.value.message


def test_a_retry_after_beyond_the_limit_is_not_waited_for():
    from edkg.interlink import LinkError

    with stub([(429, {"Retry-After": "3600"}, b"")]) as (url, seen):
        started = time.monotonic()
        with pytest.raises(LinkError, match="asks to wait 3600 s"):
            _endpoint(url, max_wait=60).select("SELECT * WHERE { ?s ?p ?o }")
        assert time.monotonic() - started < 2
    assert len(seen) == 1


def test_an_endpoint_that_does_not_answer_times_out():
    from edkg.interlink import LinkError

    with stub([(200, JSON_TYPE, 30.0)]) as (url, _):
        started = time.monotonic()
        with pytest.raises(LinkError) as caught:
            _endpoint(url, timeout=0.5).select("SELECT * WHERE { ?s ?p ?o }")
        assert time.monotonic() - started < 3
    assert caught.value.message == f"{url} did not answer within 0.5 s (EDKG_LINK_TIMEOUT)"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"head": {"vars": []}}',
        b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"value": 1}}]}}',
        b"<html>Service unavailable</html>",
    ],
    ids=["syntax", "no-results", "bad-term", "html"],
)
def test_malformed_results_are_reported_and_no_file_is_written(body, tmp_path, runner):
    from edkg.cli import main
    from edkg.interlink import LinkError

    with stub([(200, JSON_TYPE, body)]) as (url, _):
        with pytest.raises(LinkError, match="not SPARQL JSON results"):
            _endpoint(url).select("SELECT * WHERE { ?s ?p ?o }")
        output = tmp_path / "candidates.csv"
        output.write_text("an earlier review\n", encoding="utf-8")
        env = {"EDKG_LINK_MIN_INTERVAL": "0"}
        result = runner.invoke(
            main, ["link", "propose", "--endpoint", url, "-o", str(output)], env=env
        )
    assert result.exit_code == 1
    assert url in result.output and "was not written" in result.output
    assert output.read_text(encoding="utf-8") == "an earlier review\n"
    assert [p.name for p in tmp_path.iterdir()] == ["candidates.csv"]


def test_errors_and_unreachable_endpoints_are_named():
    from edkg.interlink import LinkError

    with (
        stub([(500, {}, b"internal trouble")]) as (url, seen),
        pytest.raises(LinkError, match=rf"^{url} answered HTTP 500"),
    ):
        _endpoint(url).select("SELECT * WHERE { ?s ?p ?o }")
    assert len(seen) == 1
    nowhere = f"http://127.0.0.1:{_free_port()}/sparql"
    with pytest.raises(LinkError, match=rf"^cannot reach {nowhere}"):
        _endpoint(nowhere).select("SELECT * WHERE { ?s ?p ?o }")
