"""Dumps of the public dataset: `edkg export` output, gzipped once per release and kept on disk.

Each dump decompresses to exactly the bytes `edkg export --format <format>` writes for the same
release. The gzip header carries no file name and no time (mtime 0), so the same release always
gives the same file, byte for byte. Files live in ``<EDKG_STORE>/dumps/<release version>/`` (or,
when the store directory cannot be written, in the system's temporary directory) and are written
under a temporary name and renamed, so a reader never sees half a dump, whichever worker wrote it.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from edkg.export import export
from edkg.store import Release

log = logging.getLogger(__name__)

KEEP_VERSIONS = (
    2  # the current release's dumps and the previous one's (a worker may still serve it)
)


@dataclass(frozen=True)
class Dump:
    """One downloadable file."""

    name: str
    export_format: str
    media_type: str
    title: str

    @property
    def suffix(self) -> str:
        return self.name.removeprefix("edkg.").removesuffix(".gz")


DUMPS = (
    Dump("edkg.ttl.gz", "turtle", "text/turtle", "Turtle (the union of the public graphs)"),
    Dump("edkg.nq.gz", "nquads", "application/n-quads", "N-Quads (every named graph)"),
    Dump("edkg.jsonld.gz", "jsonld", "application/ld+json", "JSON-LD (every named graph)"),
)
BY_NAME = {d.name: d for d in DUMPS}


class DumpCache:
    """Where the dumps of each release are written and found."""

    def __init__(self, store_root: Path | str):
        self.store_root = Path(store_root)
        self._lock = threading.Lock()

    def _root(self) -> Path:
        preferred = self.store_root / "dumps"
        try:
            preferred.mkdir(parents=True, exist_ok=True)
            if os.access(preferred, os.W_OK):
                return preferred
        except OSError:
            pass
        digest = hashlib.sha256(str(self.store_root.resolve()).encode()).hexdigest()[:12]
        fallback = Path(tempfile.gettempdir()) / f"edkg-dumps-{digest}"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback

    def existing(self, release: Release, dump: Dump) -> Path | None:
        """The dump's file if it has been made already."""
        for root in (self.store_root / "dumps", self._fallback_root()):
            path = root / release.version / dump.name
            if path.is_file():
                return path
        return None

    def _fallback_root(self) -> Path:
        digest = hashlib.sha256(str(self.store_root.resolve()).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"edkg-dumps-{digest}"

    def path(self, release: Release, dump: Dump) -> Path:
        """The dump's file, made now if this release has none yet."""
        found = self.existing(release, dump)
        if found:
            return found
        with self._lock:
            found = self.existing(release, dump)
            if found:
                return found
            root = self._root()
            directory = root / release.version
            directory.mkdir(parents=True, exist_ok=True)
            target = directory / dump.name
            handle, partial = tempfile.mkstemp(prefix=f".{dump.name}.", dir=directory)
            try:
                with (
                    os.fdopen(handle, "wb") as raw,
                    gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed,
                ):
                    export(release, dump.export_format, compressed)
                os.replace(partial, target)
            except BaseException:
                Path(partial).unlink(missing_ok=True)
                raise
            log.info(
                "dump %s of release %s written: %d bytes",
                dump.name,
                release.version,
                target.stat().st_size,
            )
            self._prune(root, keep=release.version)
            return target

    @staticmethod
    def _prune(root: Path, keep: str) -> None:
        """Remove the dumps of releases older than the last KEEP_VERSIONS ones."""
        versions = sorted(
            (p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime
        )
        for path in versions[:-KEEP_VERSIONS]:
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)
