"""The restricted dataset: reachable only with a granted token, every read in the audit log."""

from __future__ import annotations

import json

import pytest
from edkg import access
from edkg.cli import main
from edkg.server import create_app

CANARY = "CANARY-LEGAL-NAME-7f3a"
QUERY = "SELECT ?name WHERE { ?person <https://w3id.org/edkg/ontology#legalName> ?name }"


@pytest.fixture
def token_app(test_store, tmp_path):
    token, entry = access.new_token("tester")
    audit = tmp_path / "audit.log"
    app = create_app(
        {"TESTING": True, "STORE": str(test_store), "ACCESS_TOKENS": entry, "AUDIT_LOG": str(audit)}
    )
    yield app, token, audit
    pool = app.extensions.get("edkg.sparql")
    if pool is not None:
        pool.close()


def _entries(audit):
    return [json.loads(line) for line in audit.read_text().splitlines()]


def test_a_granted_token_reads_the_restricted_dataset_and_is_audited(token_app):
    app, token, audit = token_app
    response = app.test_client().get(
        "/restricted/sparql",
        query_string={"query": QUERY},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    values = [b["name"]["value"] for b in response.get_json()["results"]["bindings"]]
    assert values == [CANARY]
    assert response.headers["Cache-Control"] == "no-store"
    (entry,) = _entries(audit)
    assert entry["who"] == "tester" and entry["rows"] == 1 and entry["status"] == 200
    assert entry["query"] == QUERY
    assert token not in audit.read_text()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic dGVzdGVyOng="}],
)
def test_without_a_granted_token_nothing_is_read(token_app, headers):
    app, _, audit = token_app
    response = app.test_client().post("/restricted/sparql", data={"query": QUERY}, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert CANARY not in response.get_data(as_text=True)
    (entry,) = _entries(audit)
    assert entry["who"] is None and entry["status"] == 401 and "query" not in entry


def test_the_same_query_on_the_public_endpoint_finds_nothing(token_app):
    app, token, _ = token_app
    response = app.test_client().get(
        "/sparql",
        query_string={"query": QUERY},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"] == []


def test_no_token_is_granted_by_default(test_store, tmp_path):
    app = create_app({"TESTING": True, "STORE": str(test_store), "AUDIT_LOG": str(tmp_path / "a")})
    token, _ = access.new_token("someone")
    response = app.test_client().get(
        "/restricted/sparql",
        query_string={"query": QUERY},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401


def test_errors_are_audited_with_their_status(token_app):
    app, token, audit = token_app
    response = app.test_client().get(
        "/restricted/sparql",
        query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    (entry,) = _entries(audit)
    assert entry["who"] == "tester" and entry["status"] == 400 and entry["rows"] == 0


def test_grants_and_tokens():
    token, entry = access.new_token("alice")
    grants = access.parse_grants(entry + ",bob:" + "0" * 64)
    assert access.authenticate(token, grants) == "alice"
    assert access.authenticate(token + "x", grants) is None
    assert access.authenticate(None, grants) is None
    for bad in ("alice", "alice:xyz", "a b:" + "0" * 64):
        with pytest.raises(access.TokenSettingError):
            access.parse_grants(bad)


def test_token_command_prints_a_token_and_its_digest_only(runner):
    result = runner.invoke(main, ["token", "alice"])
    assert result.exit_code == 0
    token = result.output.splitlines()[0].split(": ", 1)[1]
    entry = result.output.splitlines()[1].split(": ", 1)[1]
    assert entry == f"alice:{access.digest(token)}"
    assert runner.invoke(main, ["token", "not a name"]).exit_code == 2
