"""Shared fixtures: built stores of the test records and of the bundled sample, the app, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from edkg.build import build
from edkg.server import create_app

DATA = Path(__file__).parent / "data"
RECORDS = DATA / "records"
BASE = "https://w3id.org/edkg/"


@pytest.fixture(scope="session")
def records_dir() -> Path:
    return RECORDS


@pytest.fixture(scope="session")
def test_store(tmp_path_factory) -> Path:
    """A store built from tests/data/records."""
    root = tmp_path_factory.mktemp("test-store")
    build([RECORDS], root, BASE)
    return root


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """A store built from the bundled sample records."""
    root = tmp_path_factory.mktemp("sample-store")
    build(None, root, BASE)
    return root


@pytest.fixture
def app(sample_store):
    return create_app({"TESTING": True, "STORE": str(sample_store)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
