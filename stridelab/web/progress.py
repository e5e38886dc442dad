"""The progress of analyses for their pages (Server-Sent Events), read once for all followers.

An analysis runs in a worker process that writes its progress to the database (every 0.5 s,
:mod:`stridelab.web.jobs`). Every page that follows it used to read the database itself
every half second; here one reader per analysis (an asyncio task) reads it every
``interval_s`` while anyone follows, and hands each change to all of them. A change reaches
a page within ``interval_s`` of being stored, as before; the database is read once per
interval and analysis, however many pages are open. Who may follow an analysis is checked
by the caller before (:func:`stridelab.web.api.analysis_or_404`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from stridelab.store.analyses import Analyses


@dataclass
class _Watch:
    """One analysis followed: its latest state, how many follow it, its reader task."""

    loop: asyncio.AbstractEventLoop
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    version: int = 0
    state: dict[str, Any] | None = None
    final: bool = False
    error: BaseException | None = None
    followers: int = 0
    task: asyncio.Task | None = None


class ProgressFeed:
    """Shared readers of analyses' progress.

    Parameters
    ----------
    analyses
        The analyses table.
    interval_s
        Seconds between two reads of one analysis (and the longest a change waits).
    """

    def __init__(self, analyses: Analyses, interval_s: float = 0.5) -> None:
        self.analyses = analyses
        self.interval_s = interval_s
        self.watches: dict[int, _Watch] = {}
        self.reads = 0  # database reads so far (for tests and measurements)

    def _watch(self, analysis_id: int) -> _Watch:
        loop = asyncio.get_running_loop()
        watch = self.watches.get(analysis_id)
        if watch is None or watch.loop is not loop or watch.task is None or watch.task.done():
            watch = self.watches[analysis_id] = _Watch(loop)
            watch.task = loop.create_task(self._read(analysis_id, watch))
        return watch

    async def _read(self, analysis_id: int, watch: _Watch) -> None:
        """Read the analysis while anyone follows it; tell them each change."""
        try:
            while True:
                try:
                    row = await asyncio.to_thread(self.analyses.get, analysis_id)
                    self.reads += 1
                except Exception as exc:  # the followers raise it (a 500 as before)
                    async with watch.changed:
                        watch.error, watch.version = exc, watch.version + 1
                        watch.changed.notify_all()
                    return
                state = row.progress()
                if state != watch.state or row.final:
                    async with watch.changed:
                        watch.state, watch.final = state, row.final
                        watch.version += 1
                        watch.changed.notify_all()
                if row.final:
                    return
                await asyncio.sleep(self.interval_s)
                if watch.followers == 0:
                    return
        finally:
            if self.watches.get(analysis_id) is watch:
                del self.watches[analysis_id]

    async def follow(self, analysis_id: int,
                     disconnected: Callable[[], Awaitable[bool]]) -> AsyncIterator[dict]:
        """Each new state of the analysis (the current one first) until it ends.

        Parameters
        ----------
        analysis_id
            An analysis the caller may see.
        disconnected
            Whether the follower has gone (e.g. ``request.is_disconnected``): asked at
            least every ``interval_s``; the iteration then ends.
        """
        watch = self._watch(analysis_id)
        watch.followers += 1
        seen = 0
        try:
            while True:
                if watch.version != seen:
                    seen = watch.version
                    if watch.error is not None:
                        raise watch.error
                    yield dict(watch.state or {})
                    if watch.final:
                        return
                if await disconnected():
                    return
                if watch.task is not None and watch.task.done() and watch.version == seen:
                    watch.followers -= 1  # its reader stopped: follow a new one
                    watch = self._watch(analysis_id)
                    watch.followers += 1
                    seen = 0
                    continue
                async with watch.changed:
                    if watch.version == seen:
                        try:
                            await asyncio.wait_for(watch.changed.wait(), self.interval_s)
                        except asyncio.TimeoutError:
                            pass
        finally:
            watch.followers -= 1
