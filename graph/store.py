"""The embedded store: immutable Oxigraph releases on disk, one public and one restricted dataset.

Layout of the store directory (EDKG_STORE)::

    releases/r000007/public/        Oxigraph database: only what may be published
    releases/r000007/restricted/    Oxigraph database: everything
    releases/r000007/release.json   version, base IRI, counts
    current -> releases/r000007     symbolic link, swapped atomically when a build succeeds

A build writes a whole new release beside the current one and only then moves `current`, so a
failed or interrupted build leaves the store exactly as it was, and readers never see half a build.
Releases are never written after they are made, which is what makes read-only opening safe.

With a remote store (EDKG_REMOTE_*, see `remote`) the two datasets live on SPARQL 1.1 servers and
a release directory holds only `release.json`, which names the stores; `current` is swapped the
same way once both remote datasets hold the new release.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from .errors import StoreError
from .remote import Endpoint, RemoteConfig, RemoteStore, recorded_endpoint, write_datasets

log = logging.getLogger(__name__)

DATASETS = ("public", "restricted")
BATCH = 100_000


@dataclass(frozen=True)
class Release:
    """One built, immutable release of the store."""

    path: Path
    meta: dict
    remote: RemoteConfig | None = None
    """The remote store the settings name (None: the embedded store)."""

    @property
    def version(self) -> str:
        return self.meta["version"]

    def dataset_path(self, dataset: str) -> Path:
        if dataset not in DATASETS:
            raise ValueError(f"unknown dataset {dataset!r}")
        return self.path / dataset

    def locator(self, dataset: str = "public") -> str | Endpoint:
        """Where one dataset lives, in a form a query process can open: a path or an Endpoint."""
        written = self.meta.get("remote")
        if written is None:
            if self.remote is not None:
                raise StoreError(
                    f"the current release ({self.path.name}) is in the embedded store, but the "
                    "EDKG_REMOTE_* settings name a remote store: run `edkg build` with them"
                )
            return str(self.dataset_path(dataset))
        if self.remote is None:
            # Readers need only the store directory: the release names its remote datasets.
            return recorded_endpoint(written, dataset)
        if written != self.remote.describe():
            raise StoreError(
                f"the current release ({self.path.name}) was written to {written['public']}, "
                f"not to the remote store the settings name ({self.remote.public.query_url})"
            )
        return self.remote.endpoint(dataset)

    def open(self, dataset: str = "public") -> ox.Store | RemoteStore:
        """Open one dataset of this release read-only."""
        return open_locator(self.locator(dataset), self.meta.get("owned", ()))


def open_locator(locator: str | Endpoint, owned: Iterable[str] = ()) -> ox.Store | RemoteStore:
    """Open a dataset where `Release.locator` says it is (`owned`: see RemoteStore)."""
    if isinstance(locator, Endpoint):
        return RemoteStore(locator, owned=owned)
    try:
        return ox.Store.read_only(locator)
    except OSError as exc:
        raise StoreError(f"cannot open the dataset at {locator}: {exc}") from None


class StoreDir:
    """The store directory: finds the current release and writes new ones."""

    def __init__(self, root: Path | str, remote: RemoteConfig | None = None):
        self.root = Path(root)
        self.remote = remote
        self.releases = self.root / "releases"
        self.link = self.root / "current"
        self._known: tuple[tuple, Release] | None = None

    def current(self) -> Release:
        """The current release; StoreError when nothing has been built yet.

        The server asks on every request. A release never changes once made and `current` is
        replaced, not rewritten, so the last answer holds while the link's target and that
        target's release.json are the same files: two system calls instead of resolving the path
        and parsing the record each time.
        """
        try:
            target = os.readlink(self.link)
            record = os.stat(self.link / "release.json")
            key = (target, record.st_ino, record.st_mtime_ns, record.st_size)
        except OSError:
            key = None  # not built, or not a symbolic link: the checks below say what is wrong
        known = self._known
        if key is not None and known is not None and known[0] == key:
            return known[1]
        if not self.link.exists():
            raise StoreError(f"no graph has been built in {self.root}; run `edkg build` first")
        path = self.link.resolve()
        try:
            meta = json.loads((path / "release.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"the release at {path} is damaged: {exc}") from None
        release = Release(path, meta, self.remote)
        if key is not None and _readlink(self.link) == key[0]:  # not swapped while reading
            self._known = (key, release)
        return release

    def write(
        self,
        quads: Callable[[], Iterable[tuple[ox.Quad, bool]]],
        meta: dict,
        owned: Iterable[str] = (),
        verdict: Callable[[], object] | None = None,
    ) -> Release:
        """Write a new release from (quad, restricted) pairs, then make it current.

        The public dataset receives the quads whose flag is False; the restricted dataset every
        quad. Nothing visible changes unless the whole release was written. On a remote store,
        the graphs whose names start with one of `owned` are the old release and are replaced.
        `verdict`, called once every quad is written (and the embedded datasets compacted) but
        before anything becomes visible, may still refuse the release by raising: a validation
        running beside the writing.
        """
        self.releases.mkdir(parents=True, exist_ok=True)
        staging = self.releases / f".staging-{uuid.uuid4().hex}"
        try:
            staging.mkdir()
            if self.remote is None:
                counts = self._fill(staging, quads, verdict)
            else:
                owned = set(owned) | set(self._owned_before())
                counts = write_datasets(self.remote, quads(), owned, verdict)
                meta = {**meta, "remote": self.remote.describe(), "owned": sorted(owned)}
            meta = {**meta, "triples": counts}
            (staging / "release.json").write_text(
                json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            )
            final = self.releases / self._next_name()
            staging.rename(final)
            self._point_to(final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self._prune(keep={final.name})
        log.info("release %s written: %s", final.name, counts)
        return Release(final, meta, self.remote)

    def _owned_before(self) -> list[str]:
        """Graph prefixes the current release wrote to the same remote store, if any."""
        try:
            current = self.current().meta
        except StoreError:
            return []
        if self.remote is not None and current.get("remote") == self.remote.describe():
            return current.get("owned", [])
        return []

    def _fill(
        self,
        staging: Path,
        quads: Callable[[], Iterable[tuple[ox.Quad, bool]]],
        verdict: Callable[[], object] | None = None,
    ) -> dict:
        # The restricted dataset is the public one and the quads kept out of it. So the public
        # dataset is written and compacted first, copied (RocksDB hard-links its files), and
        # only the withheld quads are added to the copy: every quad is indexed once, not twice
        # (10,000 cases: 1.18 million public quads, 24,000 more restricted ones). Data only ever
        # flow from public to restricted this way, never back.
        public = ox.Store(str(staging / "public"))
        withheld: list[ox.Quad] = []
        for batch in _batches(quads(), BATCH):
            public.bulk_extend(q for q, secret in batch if not secret)
            withheld.extend(q for q, secret in batch if secret)
        # Compact what bulk loading wrote in batches: queries on the release then run as fast as
        # on a database `oxigraph load` wrote (measured: 272 -> 195 ms for `cases` at 1,000
        # cases). The restricted copy is compacted again once the withheld quads are in: left
        # as added, they made its queries 30-50% slower at 10,000 cases.
        public.optimize()
        public.flush()
        public.backup(str(staging / "restricted"))
        restricted = ox.Store(str(staging / "restricted"))
        restricted.bulk_extend(withheld)
        restricted.optimize()
        restricted.flush()
        counts = {"public": len(public), "restricted": len(restricted)}
        del public, restricted  # releases the database locks before the directory is renamed
        if verdict is not None:
            verdict()
        return counts

    def _next_name(self) -> str:
        numbers = [
            int(p.name[1:])
            for p in self.releases.iterdir()
            if p.name.startswith("r") and p.name[1:].isdigit()
        ]
        return f"r{max(numbers, default=0) + 1:06d}"

    def _point_to(self, release: Path) -> None:
        temporary = self.root / f".current-{uuid.uuid4().hex}"
        os.symlink(os.path.relpath(release, self.root), temporary)
        os.replace(temporary, self.link)

    def _prune(self, keep: set[str]) -> None:
        """Keep the new release and the one before it (a running server may still read it)."""
        named = sorted(p for p in self.releases.iterdir() if p.name.startswith("r"))
        for path in named[:-2]:
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _readlink(link: Path) -> str | None:
    try:
        return os.readlink(link)
    except OSError:
        return None
