"""Federated named queries: they parse, edkg refuses to run them, and they work in a store that
federates.

The last is shown with a real SPARQL server, `oxigraph serve` on 127.0.0.1, holding a few
Wikidata-shaped triples (invented figures) in place of Wikidata: the query's SERVICE IRI is pointed
at it and the query runs in an in-process Oxigraph store that allows SERVICE, as a partner's store
would. Nothing here reaches the internet.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from edkg import queries
from edkg.cli import main
from edkg.sparql_guard import QueryRefused
from edkg.store import StoreDir
from rdflib.plugins.sparql import prepareQuery
from servers import free_port, oxigraph_command

WIKIDATA = "https://query.wikidata.org/sparql"
FEDERATED = [q for q in queries.catalogue().values() if q.meta.get("federated") is True]

FAKE_WIKIDATA = """\
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
# Invented figures standing in for Wikidata's.
wd:Q48888 wdt:P17 wd:Q423 ; wdt:P1082 1000 ; wdt:P131 wd:Q109361 ;
    wdt:P625 "Point(129.75 42.43)"^^geo:wktLiteral .
wd:Q705188 wdt:P17 wd:Q423 ; wdt:P1082 2000 ; wdt:P131 wd:Q109361 .
wd:Q109361 rdfs:label "North Hamgyong"@en , "함경북도"@ko .
wd:Q881 wdt:P17 wd:Q881 ; wdt:P1082 3000 .
"""


def test_the_federated_queries_are_marked_and_tagged():
    assert {q.name for q in FEDERATED} >= {"wikidata-arrest-places", "wikidata-coordinates"}
    for named in queries.catalogue().values():
        # A query with SERVICE must say so in its header: none is federated silently.
        assert named.federated == (named.meta.get("federated") is True), named.name
    for named in FEDERATED:
        assert "federated" in named.tags and WIKIDATA in named.text
        assert "README" in named.description


@pytest.mark.parametrize("named", FEDERATED, ids=lambda q: q.name)
def test_federated_queries_parse(named):
    prepareQuery(named.text)  # rdflib parses without evaluating: no request is made


@pytest.mark.parametrize("named", FEDERATED, ids=lambda q: q.name)
def test_edkg_refuses_to_run_them(named):
    with pytest.raises(QueryRefused, match="federated query"):
        queries.run(ox.Store(), named)


class _Listener:
    """A socket on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.socket.settimeout(0.2)
        self.connections = 0
        self.port = self.socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.socket.close()


def test_edkg_query_refuses_a_file_with_service_and_calls_nobody(runner, test_store, tmp_path):
    listener = _Listener()
    try:
        path = tmp_path / "mine.rq"
        path.write_text(
            f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
        )
        result = runner.invoke(main, ["query", str(path), "--store", str(test_store)])
        named = runner.invoke(main, ["query", "wikidata-coordinates", "--store", str(test_store)])
        time.sleep(0.3)
    finally:
        listener.close()
    assert result.exit_code == 1 and "federated query (SERVICE)" in result.stderr
    assert named.exit_code == 1 and "Federated queries" in named.stderr
    assert listener.connections == 0


def test_the_query_api_refuses_them(client):
    response = client.get("/queries/wikidata-arrest-places.json")
    assert response.status_code == 400
    assert "federated query" in response.get_json()["error"]["message"]
    listed = {e["name"]: e for e in client.get("/queries.json").get_json()["queries"]}
    assert "federated" in listed["wikidata-arrest-places"]["tags"]


# ----------------------------------------------------------------------------------------------
# In a store that federates


@pytest.fixture(scope="module")
def fake_wikidata(tmp_path_factory):
    binary = oxigraph_command()
    root = tmp_path_factory.mktemp("fake-wikidata")
    data = root / "wikidata.ttl"
    data.write_text(FAKE_WIKIDATA, encoding="utf-8")
    location = root / "store"
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(data)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("oxigraph serve did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _run_elsewhere(store_root: Path, named: queries.NamedQuery, service: str) -> list[dict]:
    """What a federating store holding the public dataset answers (the SERVICE IRI moved)."""
    store = StoreDir(store_root).current().open("public")
    text = named.text.replace(WIKIDATA, service)
    rows = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in rows.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in rows]


def test_arrest_places_join_the_dataset_with_wikidata(sample_store, fake_wikidata):
    rows = _run_elsewhere(sample_store, queries.get("wikidata-arrest-places"), fake_wikidata)
    found = {r["placeName"]: r for r in rows}
    # Only places in North Korea (P17 Q423) that the fake Wikidata knows: Vietnam's item is not.
    assert set(found) == {"Hoeryong", "Onsong County"}
    assert found["Hoeryong"]["population"] == "1000"
    assert found["Hoeryong"]["unitName"] == "North Hamgyong"
    assert int(found["Onsong County"]["victims"]) > 0


def test_coordinates_beside_wikidata(sample_store, fake_wikidata):
    rows = _run_elsewhere(sample_store, queries.get("wikidata-coordinates"), fake_wikidata)
    assert [(r["placeName"], r["wikidataPoint"]) for r in rows] == [
        ("Hoeryong", "Point(129.75 42.43)")
    ]
