"""Hostile queries: no outbound request, no local file read, a hard time limit, crashes survived.

A real listener socket on 127.0.0.1 stands in for any remote service: every test that names it
checks afterwards that it received no connection (and, as a control, that it does see one when
something really connects). The time-limit tests use a 2-second limit.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from edkg.server import create_app
from edkg.server.query_pool import worker_alive
from sparql_support import close_pool, parse_results

DIRECT = "application/sparql-query"
HEAVY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LIGHT = "SELECT (COUNT(*) AS ?n) { ?s a <https://w3id.org/edkg/ontology#Case> }"
TIMEOUT = 2


@pytest.fixture(scope="module")
def app(sample_store):
    app = create_app(
        {
            "TESTING": True,
            "STORE": str(sample_store),
            "QUERY_TIMEOUT": TIMEOUT,
            "QUERY_WORKERS": 2,
            "RESULT_CACHE_MB": 0,  # these tests are about the query processes: run every query
        }
    )
    yield app
    close_pool(app)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 that records every connection it accepts."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.05)
    hits: list[bytes] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    hits.append(conn.recv(4096))
                except OSError:
                    hits.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}/sparql", port=port, hits=hits)
    stop.set()
    thread.join(2)
    server.close()


def assert_no_connection(listener):
    time.sleep(0.3)
    assert listener.hits == []
    # Control: the listener does record a connection when there is one.
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2) as conn:
        conn.sendall(b"control")
    deadline = time.monotonic() + 2
    while not listener.hits and time.monotonic() < deadline:
        time.sleep(0.02)
    assert listener.hits == [b"control"]


def count(response) -> int:
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ VALUES ?x {{ <{url}> }} SERVICE ?x {{ ?s ?p ?o }} }}",
        "ASK {{ ?s ?p ?o . SERVICE <{url}> {{ }} }}",
    ],
)
def test_service_is_refused_and_nothing_connects(client, listener, template):
    query = template.format(url=listener.url)
    for response in (
        client.get("/sparql", query_string={"query": query}),
        client.post("/sparql", data=query, content_type=DIRECT),
    ):
        assert response.status_code == 400
        assert "SERVICE" in response.get_data(as_text=True)
    assert_no_connection(listener)


def test_from_and_graph_parameters_only_select_graphs_of_the_store(client, listener):
    queries = [
        f"SELECT (COUNT(*) AS ?n) FROM <{listener.url}> {{ ?s ?p ?o }}",
        f"SELECT (COUNT(*) AS ?n) FROM NAMED <{listener.url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{listener.url}> {{ ?s ?p ?o }} }}",
    ]
    for query in queries:
        assert count(client.get("/sparql", query_string={"query": query})) == 0
    for key in ("default-graph-uri", "named-graph-uri"):
        response = client.get(
            "/sparql",
            query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", key: listener.url},
        )
        assert count(response) == 0
    assert_no_connection(listener)


def test_from_file_reads_no_local_file(client, tmp_path):
    canary = tmp_path / "canary.ttl"
    secret = "CANARY-FILE-CONTENT-5b1e"
    canary.write_text(f'<urn:canary> <urn:says> "{secret}" .\n', encoding="utf-8")
    for iri in ("file:///etc/passwd", canary.as_uri()):
        queries = [
            f"SELECT * FROM <{iri}> {{ ?s ?p ?o }}",
            f"SELECT * FROM NAMED <{iri}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            f"CONSTRUCT {{ ?s ?p ?o }} FROM <{iri}> WHERE {{ ?s ?p ?o }}",
        ]
        for query in queries:
            for accept in ("application/sparql-results+json", "text/csv", "text/turtle"):
                response = client.get(
                    "/sparql", query_string={"query": query}, headers={"Accept": accept}
                )
                if response.status_code == 406:
                    continue
                assert response.status_code == 200
                text = response.get_data(as_text=True)
                assert secret not in text
                assert "root:" not in text
        as_graph = client.get(
            "/sparql",
            query_string={"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": iri},
        )
        assert list(parse_results(as_graph.data, as_graph.mimetype)) == []


def test_load_is_refused_in_every_form(client, listener):
    load = f"LOAD <{listener.url}>"
    as_query = client.get("/sparql", query_string={"query": load})
    assert as_query.status_code == 400 and "LOAD" in as_query.get_data(as_text=True)
    as_form = client.post("/sparql", data={"update": load})
    assert as_form.status_code == 403
    as_update = client.post("/sparql", data=load, content_type="application/sparql-update")
    assert as_update.status_code == 403
    assert_no_connection(listener)


def test_query_size_limit(client):
    limit = 102_400
    head = "ASK {} #"
    at_limit = head + "x" * (limit - len(head))
    assert client.post("/sparql", data=at_limit, content_type=DIRECT).status_code == 200
    over = at_limit + "x"
    for response in (
        client.post("/sparql", data=over, content_type=DIRECT),
        client.post("/sparql", data={"query": over}),
        client.get("/sparql", query_string={"query": over}),
    ):
        assert response.status_code == 413
        assert "102,401 bytes" in response.get_data(as_text=True)


def test_five_thousand_nested_parentheses_never_reach_oxigraph(app, client):
    assert count(client.get("/sparql", query_string={"query": LIGHT})) == 66
    before = set(app.extensions["edkg.sparql"].pids())
    query = "SELECT (" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) {}"
    response = client.post("/sparql", data=query, content_type=DIRECT)
    assert response.status_code == 400
    assert "5001 levels deep" in response.get_data(as_text=True)
    assert set(app.extensions["edkg.sparql"].pids()) == before  # no worker died
    assert count(client.get("/sparql", query_string={"query": LIGHT})) == 66


def test_long_flat_query_does_not_overflow_the_worker(app, client, store_kind):
    """12,000 ``&&`` overflow an 8 MB main-thread stack; the worker's query thread has room.

    A remote store parses with its own stack (`oxigraph serve` crashed on this query), so a
    query with that many operators is refused before it is sent there.
    """
    query = "ASK { FILTER(" + "&&".join(["true"] * 12_000) + ") }"
    assert len(query) < 102_400
    response = client.post("/sparql", data=query, content_type=DIRECT)
    if store_kind == "remote":
        assert response.status_code == 400
        assert "12,000 operators" in response.get_data(as_text=True)
        at_limit = "ASK { FILTER(" + "&&".join(["true"] * 1000) + ") }"
        response = client.post("/sparql", data=at_limit, content_type=DIRECT)
    assert response.status_code == 200
    assert json.loads(response.data)["boolean"] is True


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _busiest(pids: list[int]) -> tuple[int, int]:
    """The process that used the most CPU over the next 0.4 s, and the ticks it used."""
    before = {pid: _cpu_ticks(pid) for pid in pids}
    time.sleep(0.4)
    used = {pid: _cpu_ticks(pid) - ticks for pid, ticks in before.items()}
    busy = max(used, key=used.get)
    return busy, used[busy]


def test_long_query_is_stopped_while_others_are_answered(app, client, store_kind):
    pool = app.extensions["edkg.sparql"]
    outcome: dict = {}

    def heavy():
        started = time.monotonic()
        response = app.test_client().get("/sparql", query_string={"query": HEAVY})
        outcome.update(
            status=response.status_code,
            text=response.get_data(as_text=True),
            seconds=time.monotonic() - started,
        )

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert count(client.get("/sparql", query_string={"query": LIGHT})) == 66
    light_seconds = time.monotonic() - started
    assert light_seconds < 1.5
    running = set(pool.pids())
    assert len(running) == 2
    busy, used = _busiest(list(running))
    if store_kind == "embedded":
        assert used > 0  # the heavy query is burning CPU
    else:  # the worker waits for the remote store, which runs the query
        (busy,) = pool.busy_pids()
    thread.join(TIMEOUT + 10)
    assert outcome["status"] == 503
    assert f"query stopped after {TIMEOUT} s" in outcome["text"]
    assert TIMEOUT <= outcome["seconds"] < TIMEOUT + 3
    # The process that ran it is gone (killed and reaped), so its CPU is free again.
    assert not worker_alive(busy)
    assert not Path(f"/proc/{busy}").exists()
    assert busy not in pool.pids()
    # The server goes on answering, with a fresh worker in place of the killed one.
    assert count(client.get("/sparql", query_string={"query": LIGHT})) == 66


def test_a_worker_that_dies_is_replaced(app, client, store_kind):
    pool = app.extensions["edkg.sparql"]
    outcome: dict = {}

    def heavy():
        response = app.test_client().get("/sparql", query_string={"query": HEAVY})
        outcome.update(status=response.status_code, text=response.get_data(as_text=True))

    before = set(pool.pids())
    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.5)
    if store_kind == "embedded":
        victim, _ = _busiest(pool.pids())
    else:  # the worker waits for the remote store, which runs the query
        (victim,) = pool.busy_pids()
    os.kill(victim, signal.SIGSEGV)  # what a stack overflow that slipped through would do
    thread.join(TIMEOUT + 10)
    assert outcome["status"] == 500
    assert "stopped unexpectedly" in outcome["text"]
    assert "Traceback" not in outcome["text"]
    assert not worker_alive(victim)
    assert count(client.get("/sparql", query_string={"query": LIGHT})) == 66
    assert victim not in pool.pids() and len(before) == 2


def test_pool_closes_without_leaving_processes(sample_store):
    app = create_app({"TESTING": True, "STORE": str(sample_store), "QUERY_WORKERS": 2})
    client = app.test_client()
    threads = [
        threading.Thread(target=lambda: client.get("/sparql", query_string={"query": LIGHT}))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pids = app.extensions["edkg.sparql"].pids()
    assert pids
    close_pool(app)
    assert not any(worker_alive(pid) for pid in pids)
