"""Project-level promises: settings documented, the wheel carries its data, CI runs `make test`."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from edkg.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.env}`" in readme, setting.env
        assert setting.default in readme, setting.env


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
    assert "make run" in (ROOT / "README.md").read_text()


def test_wheel_carries_ontology_queries_sample_and_templates(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("edkg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        "edkg/cli.py",
        "edkg/server/__init__.py",
        "edkg/server/templates/base.html",
        "edkg/server/static/edkg.css",
        "edkg/ontology/edkg.ttl",
        "edkg/ontology/context.jsonld",
        "edkg/ontology/vocabularies/agency.ttl",
        "edkg/queries/totals.rq",
        "edkg/data/places.yaml",
        "edkg/data/cases/C001.yaml",
    ]
    for name in expected:
        assert name in names, name
    assert not [n for n in names if n.split("/")[0] in ("graph", "server", "tests")]
