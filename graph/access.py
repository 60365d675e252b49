"""Access to the restricted dataset: API tokens and the audit log.

Settings hold only the SHA-256 digest of each token, with a name for the audit log
(``EDKG_ACCESS_TOKENS="alice:<digest>,bob:<digest>"``); `edkg token NAME` makes a token and
prints the entry. A presented token is hashed and compared with every digest in constant time,
and is never written anywhere. Every restricted read, and every refused attempt, is one JSON line
in the audit log: when, who, what route, what query, how many rows, what status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
DIGEST = re.compile(r"^[0-9a-f]{64}$")


class TokenSettingError(ValueError):
    """EDKG_ACCESS_TOKENS is malformed."""


@dataclass(frozen=True)
class Grant:
    """Who may read the restricted dataset: a name and the SHA-256 digest of their token."""

    name: str
    digest: str


def digest(token: str) -> str:
    """The SHA-256 digest (hex) of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(name: str) -> tuple[str, str]:
    """A fresh random token and the `name:digest` entry to add to EDKG_ACCESS_TOKENS."""
    if not NAME.match(name):
        raise TokenSettingError(f"a token name is 1-64 letters, digits or . _ @ -, not {name!r}")
    token = secrets.token_urlsafe(32)
    return token, f"{name}:{digest(token)}"


def parse_grants(setting: str) -> tuple[Grant, ...]:
    """Read EDKG_ACCESS_TOKENS: comma-separated `name:sha256-hex` entries (empty: nobody)."""
    grants = []
    for entry in filter(None, (part.strip() for part in (setting or "").split(","))):
        name, sep, hexdigest = entry.partition(":")
        if not sep or not NAME.match(name) or not DIGEST.match(hexdigest.lower()):
            raise TokenSettingError(
                "EDKG_ACCESS_TOKENS holds `name:sha256-hex` entries separated by commas; "
                "`edkg token NAME` makes one"
            )
        grants.append(Grant(name, hexdigest.lower()))
    return tuple(grants)


def authenticate(token: str | None, grants: tuple[Grant, ...]) -> str | None:
    """The name of the grant the token belongs to, or None; compares with every grant."""
    if not token:
        return None
    presented = digest(token)
    found = None
    for grant in grants:  # no early exit: the time taken does not depend on which one matches
        if hmac.compare_digest(presented, grant.digest):
            found = grant.name
    return found


def audit(path: Path, **entry) -> None:
    """Append one JSON line to the audit log (one write call, so lines never interleave)."""
    entry = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **entry}
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode("utf-8"))
    finally:
        os.close(descriptor)
