"""The EDKG_* settings: one table of names, defaults and help, read by the CLI and the app."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import EdkgError


class SettingError(EdkgError):
    """A setting holds a value edkg cannot use."""

    status = 500


@dataclass(frozen=True)
class Setting:
    """One environment setting: EDKG_<name>."""

    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return f"EDKG_{self.name}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "STORE", "edkg-store", "Directory of the embedded Oxigraph store (every command uses it)."
    ),
    Setting(
        "BASE_IRI",
        "https://w3id.org/edkg/",
        "Base IRI of instance data: records get <base>id/<kind>/<id>. Changing it needs a rebuild.",
    ),
    Setting("HOST", "127.0.0.1", "Address `edkg serve` listens on."),
    Setting("PORT", "5000", "Port `edkg serve` listens on."),
    Setting("WORKERS", "2", "Number of worker processes of `edkg serve`."),
    Setting(
        "THREADS",
        "4",
        "Requests each worker process of `edkg serve` handles at once (connections are kept "
        "alive between requests).",
    ),
    Setting(
        "QUERY_TIMEOUT",
        "10",
        "Seconds a SPARQL query may run before it is stopped (the process running it is killed).",
    ),
    Setting("QUERY_WORKERS", "2", "Query processes per server worker (each runs one query)."),
    Setting(
        "RESULT_CACHE_MB",
        "64",
        "Megabytes of public query answers each server process keeps until the next release "
        "(0: none).",
    ),
    Setting("MAX_ROWS", "10000", "Most result rows (or triples) a public query returns."),
    Setting("MAX_QUERY_BYTES", "102400", "Longest SPARQL query accepted, in bytes."),
    Setting("MAX_BODY_BYTES", "1048576", "Largest request body accepted, in bytes."),
    Setting(
        "ACCESS_TOKENS",
        "",
        "Who may query the restricted dataset: `name:sha256-of-token` entries, comma-separated "
        "(`edkg token NAME` makes one). Empty: nobody.",
    ),
    Setting(
        "AUDIT_LOG",
        "",
        "File of the audit log of restricted reads (JSON lines). Empty: <EDKG_STORE>/audit.log.",
    ),
    Setting(
        "REMOTE_QUERY_URL",
        "",
        "SPARQL 1.1 query URL of the public dataset on a remote store. Empty: the embedded store "
        "(with EDKG_REMOTE_RESTRICTED_QUERY_URL, this puts both datasets on remote stores).",
    ),
    Setting(
        "REMOTE_UPDATE_URL",
        "",
        "SPARQL 1.1 Update URL of the public dataset on the remote store (`edkg build` and "
        "`edkg publish` write there).",
    ),
    Setting(
        "REMOTE_RESTRICTED_QUERY_URL",
        "",
        "SPARQL 1.1 query URL of the restricted dataset: a different dataset (or server) from the "
        "public one, which nothing public can reach.",
    ),
    Setting("REMOTE_RESTRICTED_UPDATE_URL", "", "SPARQL 1.1 Update URL of the restricted dataset."),
    Setting("REMOTE_USER", "", "User name for the remote store (empty: no authentication)."),
    Setting("REMOTE_PASSWORD", "", "Password for the remote store."),
    Setting("REMOTE_AUTH", "basic", "HTTP authentication of the remote store: basic or digest."),
    Setting(
        "REMOTE_TIMEOUT",
        "60",
        "Seconds edkg waits for the remote store to answer one request before it gives up.",
    ),
    Setting(
        "REMOTE_WRITE_TIMEOUT",
        "3600",
        "Seconds edkg waits for one write to the remote store: an upload, or the swap that puts a "
        "whole release in place.",
    ),
    Setting(
        "REMOTE_UNION",
        "parameter",
        "How the remote store queries all graphs at once: `parameter` (Oxigraph server's "
        "union-default-graph) or `native` (its default graph is already the union: Virtuoso, or "
        "Fuseki and GraphDB set up that way).",
    ),
    Setting(
        "LINK_ENDPOINT",
        "https://query.wikidata.org/sparql",
        "SPARQL endpoint `edkg link propose` asks for candidates (Wikidata's or one like it).",
    ),
    Setting(
        "LINK_USER_AGENT",
        "",
        "User-Agent of `edkg link` requests; put your contact in it. Empty: "
        "`edkg/<version> (+https://w3id.org/edkg/; edkg link interlinking)`.",
    ),
    Setting("LINK_TIMEOUT", "30", "Seconds `edkg link` waits for the endpoint to answer."),
    Setting("LINK_MIN_INTERVAL", "1", "Fewest seconds between two requests of `edkg link`."),
    Setting(
        "LINK_RETRIES",
        "4",
        "Retries of `edkg link` after a 429 or 503, waiting Retry-After or 2, 4, 8... seconds.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}

NUMBERS: dict[str, tuple[type, float, bool]] = {
    "PORT": (int, 1, False),
    "WORKERS": (int, 1, False),
    "THREADS": (int, 1, False),
    "QUERY_TIMEOUT": (float, 0, True),
    "QUERY_WORKERS": (int, 1, False),
    "RESULT_CACHE_MB": (float, 0, False),
    "MAX_ROWS": (int, 1, False),
    "MAX_QUERY_BYTES": (int, 1, False),
    "MAX_BODY_BYTES": (int, 1, False),
    "REMOTE_TIMEOUT": (float, 0, True),
    "REMOTE_WRITE_TIMEOUT": (float, 0, True),
    "LINK_TIMEOUT": (float, 0, True),
    "LINK_MIN_INTERVAL": (float, 0, False),
    "LINK_RETRIES": (int, 0, False),
}
"""The numeric settings: (type, least value, whether the least value itself is refused)."""


def number(name: str, values: Mapping | None = None) -> int | float:
    """A numeric setting, from `values` (an app's config) or the environment; SettingError with
    the variable's name when it is not a number in its range."""
    kind, least, strict = NUMBERS[name]
    raw = values[name] if values is not None and name in values else get(name)
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or value < least or (strict and value == least):
        bound = f"over {least:g}" if strict else f"at least {least:g}"
        what = "a whole number" if kind is int else "a number"
        raise SettingError(f"EDKG_{name} must be {what} {bound}, not {raw!r}")
    return value


def check(values: Mapping | None = None) -> None:
    """Raise SettingError for the first numeric setting that holds an unusable value."""
    for name in NUMBERS:
        number(name, values)


def get(name: str, environ: dict[str, str] | None = None) -> str:
    """Return the value of setting `name` from the environment, or its default."""
    setting = _BY_NAME[name]
    env = os.environ if environ is None else environ
    return env.get(setting.env, setting.default)


def defaults() -> dict[str, str]:
    """Return every setting's default, keyed by its name without the EDKG_ prefix."""
    return {s.name: s.default for s in SETTINGS}
