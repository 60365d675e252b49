"""Shared fixtures: built stores of the test records and of the bundled sample, the app, the CLI.

Every test that uses a built store runs twice: on the embedded store and on a remote store, two
real `oxigraph serve` processes (public and restricted) on 127.0.0.1 that the fixtures start and
stop. EDKG_TEST_STORES=embedded (or =remote) runs one kind only.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from edkg.build import build
from edkg.server import create_app
from servers import Server, oxigraph_config

DATA = Path(__file__).parent / "data"
RECORDS = DATA / "records"
BASE = "https://w3id.org/edkg/"
STORE_KINDS = [k for k in os.environ.get("EDKG_TEST_STORES", "embedded,remote").split(",") if k]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test's report ends with the state and log of every test server still running:
    a store that hung or died shows why, even on a CI machine nobody can log in to."""
    report = yield
    if report.failed:
        for server in Server.live:
            alive = server.process is None or server.process.poll() is None
            state = "running" if alive else f"exited with {server.process.returncode}"
            tail = server.log_tail().strip() or "(empty log)"
            report.sections.append((f"{type(server).__name__} {server.url} ({state})", tail))
    return report


@pytest.fixture(scope="session")
def records_dir() -> Path:
    return RECORDS


@pytest.fixture(scope="session")
def oxigraph_pair(tmp_path_factory):
    """Start two oxigraph servers (public and restricted); returns the config naming them."""
    started = []

    def start(name: str):
        config, servers = oxigraph_config(tmp_path_factory.mktemp(f"oxigraph-{name}"))
        started.extend(servers)
        return config

    yield start
    died = [server for server in started if server.process.poll() is not None]
    for server in started:
        server.stop()
    # A query that crashed a store would otherwise only show as later "cannot be reached" errors.
    assert not died, f"oxigraph servers died during the tests: {[s.directory for s in died]}"


@pytest.fixture(scope="session", params=STORE_KINDS)
def store_kind(request) -> str:
    """The kind of store the built stores use: "embedded" or "remote"."""
    return request.param


def _built(tmp_path_factory, oxigraph_pair, kind: str, name: str, paths) -> Path:
    root = tmp_path_factory.mktemp(f"{name}-{kind}")
    build(paths, root, BASE, remote=oxigraph_pair(name) if kind == "remote" else None)
    return root


@pytest.fixture(scope="session")
def test_store(tmp_path_factory, oxigraph_pair, store_kind) -> Path:
    """A store built from tests/data/records (its release records where the datasets are)."""
    return _built(tmp_path_factory, oxigraph_pair, store_kind, "test-store", [RECORDS])


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory, oxigraph_pair, store_kind) -> Path:
    """A store built from the bundled sample records."""
    return _built(tmp_path_factory, oxigraph_pair, store_kind, "sample-store", None)


@pytest.fixture
def app(sample_store):
    return create_app({"TESTING": True, "STORE": str(sample_store)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
