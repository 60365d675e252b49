"""Answers of public queries kept per release: a release never changes once it is made.

The same figures are asked for again and again (a report's page, a dashboard, a crawler), and a
release is immutable, so the answer to a public query, in the format it was written in, stays true
until the next release: the release's version is part of every key. Each web process keeps up to
EDKG_RESULT_CACHE_MB of answers, least recently used first out; 0 turns the cache off.

Only the public dataset is cached. Restricted reads always run, so that each one is evaluated
under its grant and written to the audit log.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from edkg import settings
from flask import current_app

MB = 1024 * 1024


class ResultCache:
    """A thread-safe LRU of values that weigh `size` bytes, bounded by `max_bytes` in all."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max(0, max_bytes)
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable):
        """The value kept under `key`, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, value: object, size: int) -> None:
        """Keep `value`; nothing larger than a quarter of the cache is kept."""
        if size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    @property
    def size(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)


def result_cache() -> ResultCache:
    """The cache of the running app, made on first use from EDKG_RESULT_CACHE_MB."""
    app = current_app
    cache = app.extensions.get("edkg.results")
    if cache is None:
        cache = ResultCache(int(settings.number("RESULT_CACHE_MB", app.config) * MB))
        app.extensions["edkg.results"] = cache
    return cache
