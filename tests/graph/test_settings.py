"""Numeric settings: a value edkg cannot use is refused once, by name, before anything runs."""

from __future__ import annotations

import pytest
from edkg import settings
from edkg.cli import main
from edkg.server import create_app
from edkg.settings import SettingError


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("THREADS", "abc", "EDKG_THREADS must be a whole number at least 1, not 'abc'"),
        ("WORKERS", "0", "EDKG_WORKERS must be a whole number at least 1, not '0'"),
        ("QUERY_TIMEOUT", "0", "EDKG_QUERY_TIMEOUT must be a number over 0, not '0'"),
        ("RESULT_CACHE_MB", "-1", "EDKG_RESULT_CACHE_MB must be a number at least 0, not '-1'"),
        ("MAX_ROWS", "1.5", "EDKG_MAX_ROWS must be a whole number at least 1, not '1.5'"),
    ],
)
def test_a_bad_number_is_refused_by_name(name, value, message, monkeypatch):
    monkeypatch.setenv(f"EDKG_{name}", value)
    with pytest.raises(SettingError) as refused:
        settings.check()
    assert refused.value.message == message


def test_good_numbers_and_defaults_pass():
    settings.check()
    assert settings.number("RESULT_CACHE_MB", {"RESULT_CACHE_MB": "0"}) == 0
    assert settings.number("THREADS", {"THREADS": 8}) == 8


def test_the_app_refuses_a_bad_setting_when_it_is_made(sample_store):
    with pytest.raises(SettingError, match="EDKG_RESULT_CACHE_MB"):
        create_app({"STORE": str(sample_store), "RESULT_CACHE_MB": "lots"})


@pytest.mark.parametrize(
    "args, env, message",
    [
        ([], {"EDKG_THREADS": "abc"}, "EDKG_THREADS must be a whole number"),
        ([], {"EDKG_PORT": "http"}, "EDKG_PORT must be a whole number"),
        (["--threads", "0"], {}, "Invalid value for '--threads'"),
        (["--workers", "x"], {}, "Invalid value for '--workers'"),
    ],
)
def test_serve_refuses_bad_numbers_before_starting(runner, tmp_path, args, env, message):
    result = runner.invoke(main, ["serve", "--store", str(tmp_path), *args], env=env)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
