"""The public dataset as the app sees it: the current release, reopened when a build replaces it."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
from edkg import queries
from edkg.remote import RemoteConfig, RemoteStore
from edkg.store import Release, StoreDir
from flask import current_app


class Dataset:
    """Read access to the public dataset of the current release (never the restricted one)."""

    def __init__(self, store_root: Path | str, remote: RemoteConfig | None = None):
        self.store_dir = StoreDir(store_root, remote)
        self._lock = threading.Lock()
        self._opened: tuple[Path, Release, ox.Store | RemoteStore] | None = None

    def current(self) -> tuple[Release, ox.Store | RemoteStore]:
        """The current release and its public store, opened once per release."""
        target = self.store_dir.link.resolve()
        with self._lock:
            if self._opened is None or self._opened[0] != target:
                release = self.store_dir.current()
                self._opened = (target, release, release.open("public"))
            _, release, store = self._opened
        return release, store

    def select(self, name: str, **values: str) -> list[dict]:
        """Run a named SELECT query; rows as dicts of variable name to term (None when unbound)."""
        _, store = self.current()
        solutions = queries.run(store, queries.get(name), values)
        variables = [v.value for v in solutions.variables]
        return [{v: row[v] for v in variables} for row in solutions]


def dataset() -> Dataset:
    """The Dataset of the running app."""
    return current_app.extensions["edkg"]
