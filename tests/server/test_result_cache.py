"""Public answers kept per release: repeated queries skip the query process, a new release is
asked again, restricted reads always run, and the cache stays within its size."""

from __future__ import annotations

import json
import shutil

import pytest
from edkg import access
from edkg.build import build
from edkg.server import create_app
from edkg.server.result_cache import ResultCache

BASE = "https://w3id.org/edkg/"
COUNT = "SELECT (COUNT(*) AS ?n) { ?case a <https://w3id.org/edkg/ontology#Case> }"
JSON = {"Accept": "application/sparql-results+json"}


class CountingPool:
    """Wraps the app's query pool and counts the jobs that reach it."""

    def __init__(self, pool):
        self.pool, self.jobs = pool, []

    def run(self, job):
        self.jobs.append(job)
        return self.pool.run(job)

    def close(self):
        self.pool.close()


def _app(store, **config):
    app = create_app({"TESTING": True, "STORE": str(store), "QUERY_WORKERS": 1, **config})
    client = app.test_client()
    client.get("/sparql", query_string={"query": "ASK {}"}, headers=JSON)  # makes the pool
    counting = CountingPool(app.extensions["edkg.sparql"])
    app.extensions["edkg.sparql"] = counting
    return app, client, counting


def _count(response) -> int:
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def test_a_repeated_query_is_answered_without_the_query_process(sample_store):
    _, client, pool = _app(sample_store)
    try:
        first = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
        again = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
        assert _count(first) == _count(again) == 66
        assert first.get_data() == again.get_data()
        assert len(pool.jobs) == 1
        # Another format, another dataset or another base is another answer.
        csv = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
        assert csv.status_code == 200 and csv.get_data(as_text=True).splitlines()[1] == "66"
        assert len(pool.jobs) == 2
    finally:
        pool.close()


def test_a_new_release_is_asked_again(tmp_path, records_dir):
    data = tmp_path / "records"
    shutil.copytree(records_dir, data)
    store = tmp_path / "store"
    build([data], store, BASE)
    _, client, pool = _app(store)
    try:
        before = _count(client.get("/sparql", query_string={"query": COUNT}, headers=JSON))
        sorted((data / "cases").glob("*.yaml"))[-1].unlink()
        build([data], store, BASE)
        after = _count(client.get("/sparql", query_string={"query": COUNT}, headers=JSON))
        assert after == before - 1
        assert len(pool.jobs) == 2
    finally:
        pool.close()


def test_named_query_answers_are_kept_per_parameters(sample_store):
    _, client, pool = _app(sample_store)
    calls = []
    from edkg import queries

    real_run = queries.run

    def counting_run(*args, **kwargs):
        calls.append(args[1].name)
        return real_run(*args, **kwargs)

    try:
        queries.run = counting_run
        for _ in range(3):
            assert client.get("/queries/totals.json").status_code == 200
        first = client.get(
            "/queries/case-summary.json", query_string={"case": BASE + "id/case/C001"}
        )
        other = client.get(
            "/queries/case-summary.json", query_string={"case": BASE + "id/case/C002"}
        )
        assert first.get_data() != other.get_data()
        assert calls == ["totals", "case-summary", "case-summary"]
    finally:
        queries.run = real_run
        pool.close()


def test_restricted_reads_always_run_and_are_audited(test_store, tmp_path):
    token, entry = access.new_token("tester")
    audit = tmp_path / "audit.log"
    _, client, pool = _app(test_store, ACCESS_TOKENS=entry, AUDIT_LOG=str(audit))
    try:
        query = "SELECT ?n { ?p <https://w3id.org/edkg/ontology#legalName> ?n }"
        headers = {**JSON, "Authorization": f"Bearer {token}"}
        for _ in range(2):
            response = client.get(
                "/restricted/sparql", query_string={"query": query}, headers=headers
            )
            assert response.status_code == 200
        assert len(pool.jobs) == 2
        assert [json.loads(line)["status"] for line in audit.read_text().splitlines()] == [200, 200]
        # The public endpoint never answers from what a restricted read found.
        public = client.get("/sparql", query_string={"query": query}, headers=JSON)
        assert public.get_json()["results"]["bindings"] == []
    finally:
        pool.close()


def test_zero_turns_the_cache_off(sample_store):
    _, client, pool = _app(sample_store, RESULT_CACHE_MB=0)
    try:
        for _ in range(2):
            assert _count(client.get("/sparql", query_string={"query": COUNT}, headers=JSON)) == 66
        assert len(pool.jobs) == 2
    finally:
        pool.close()


def test_the_cache_keeps_within_its_bytes_least_recently_used_first_out():
    cache = ResultCache(1000)
    for key in "abcd":
        cache.put(key, key * 200, 200)
    assert cache.get("a") == "a" * 200  # a is now the most recently used
    cache.put("e", "e" * 200, 200)
    assert cache.size <= 1000 and len(cache) == 5
    cache.put("f", "f" * 200, 200)
    assert cache.get("b") is None and cache.get("a") is not None
    cache.put("huge", "x", 251)  # over a quarter of the cache: not kept
    assert cache.get("huge") is None
    with pytest.raises(TypeError):
        cache.put({"unhashable": 1}, "x", 1)
