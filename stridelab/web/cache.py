"""Small in-process caches of what pages compute again and again from unchanged data.

Each entry is keyed by everything its value is computed from, so a stale entry is never
used: a result file by its analysis, path, modification time and size; a computation by its
whole input as read from the database. The caches hold no decision on who may see what:
callers check the caller's right to the object first (:func:`stridelab.web.api.athlete_or_404`
and friends) and only then ask the cache, with a key that names the object. The size is
bounded (least recently used entries are dropped), so memory stays flat however many
athletes and analyses a server shows.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class LRUCache(Generic[V]):
    """A thread-safe mapping of at most ``size`` entries, least recently used dropped first.

    Parameters
    ----------
    size
        Most entries kept.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value of ``key``; made by ``make()`` (outside the lock) when absent."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
        value = make()  # two threads may both make it: the same value, the last one kept
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def file_key(path: Path) -> tuple[str, int, int] | None:
    """What identifies a file's content cheaply: path, modification time (ns) and size.

    ``None`` when the file is missing (or not a plain file).
    """
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return str(path), stat.st_mtime_ns, stat.st_size


def read_json(cache: LRUCache[Any], owner: Hashable, path: Path) -> Any | None:
    """A JSON file parsed once per content (``None`` when missing).

    The entry is keyed by ``owner`` (e.g. the analysis id the caller was allowed to see)
    and :func:`file_key`: a rewritten file has another time or size, so it is read again.
    The parsed value is shared between requests: callers must not change it.
    """
    key = file_key(path)
    if key is None:
        return None
    return cache.get_or_make((owner, *key),
                             lambda: json.loads(path.read_text(encoding="utf-8")))
