"""Worker processes for work cut into chunks of frames (pose inference, the annotated video).

MediaPipe's inference keeps about one core busy, so one process per core is what fills a
machine. A :class:`WorkerPool` starts them once (``spawn``: fresh interpreters, safe beside the
progress bar's thread) and is reused from stage to stage; tasks report frames done through
shared counters, which a thread here turns into progress-bar updates. With one worker,
everything runs in this process instead.

Tasks are plain module-level functions called as ``fn(*args, slot=k)``; they call
:func:`report_progress` with ``slot`` as they go.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from typing import Any

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)``."""

MAX_SLOTS = 64
"""Progress counters shared with the workers: at most this many tasks per batch."""

_counters: Any = None
_local_report: Callable[[int, int], None] | None = None


def available_cores() -> int:
    """Cores this process may run on (the affinity mask where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def in_worker() -> bool:
    """Whether this code runs in a pool's worker process.

    Code there should not start threads of its own: the pool already has one process per core.
    """
    return _counters is not None


def report_progress(slot: int, done: int) -> None:
    """Called by a task: ``done`` units of its work are finished."""
    if _counters is not None:
        _counters[slot] = done
    elif _local_report is not None:
        _local_report(slot, done)


def _init_worker(counters) -> None:
    global _counters
    _counters = counters
    # A worker ends when the pool closes, its results long sent: tearing down MediaPipe, OpenCV
    # and FFmpeg's modules then only keeps the pool waiting (~0.2 s on 2 cores).
    import atexit

    atexit.register(os._exit, 0)


def _preload(modules: Sequence[str]) -> None:
    import importlib

    for name in modules:
        importlib.import_module(name)


class Batch:
    """Tasks submitted together; :meth:`results` waits for them, in submission order."""

    def __init__(self, futures: list[Future] | None = None, results: list | None = None,
                 poller: threading.Thread | None = None, stop: threading.Event | None = None):
        self._futures = futures or []
        self._results = results
        self._poller = poller
        self._stop = stop

    def results(self) -> list:
        """The tasks' return values; re-raises the first task error (others are cancelled)."""
        if self._results is not None:
            return self._results
        try:
            done, _ = wait(self._futures, return_when="FIRST_EXCEPTION")
            for f in self._futures:
                if f in done and f.exception() is not None:
                    for other in self._futures:
                        other.cancel()
                    raise f.exception()
            return [f.result() for f in self._futures]
        finally:
            if self._stop is not None:
                self._stop.set()
                self._poller.join()


class WorkerPool:
    """A pool of worker processes (or none, for one worker).

    Parameters
    ----------
    workers
        Number of processes; ``1`` runs tasks here, one after the other.
    preload
        Modules each worker imports as soon as it starts (while this process goes on).

    Examples
    --------
    >>> with WorkerPool(2, preload=["numpy"]) as pool:          # doctest: +SKIP
    ...     batch = pool.submit(task, [(a,), (b,)], total=n, progress=bar)
    ...     other_work()
    ...     parts = batch.results()
    """

    def __init__(self, workers: int = 1, preload: Sequence[str] = ()) -> None:
        self.workers = max(1, int(workers))
        self._executor: ProcessPoolExecutor | None = None
        self._counters = None
        if self.workers > 1:
            import multiprocessing

            ctx = multiprocessing.get_context("spawn")  # forkserver measured no faster
            self._counters = ctx.Array("q", MAX_SLOTS, lock=False)
            self._executor = ProcessPoolExecutor(self.workers, mp_context=ctx,
                                                 initializer=_init_worker,
                                                 initargs=(self._counters,))
            for _ in range(self.workers):  # start them now
                self._executor.submit(_preload, list(preload))

    def submit(self, fn: Callable, tasks: Sequence[tuple], total: int,
               progress: ProgressCallback | None = None) -> Batch:
        """Run ``fn(*args, slot=k)`` for each ``args`` in ``tasks``.

        In a pool the tasks start now and this returns at once; with one worker they run
        before this returns. ``progress(done, total)`` follows the sum of the tasks' reports.
        """
        if len(tasks) > MAX_SLOTS:
            raise ValueError(f"at most {MAX_SLOTS} tasks per batch")
        if self._executor is None:
            return Batch(results=self._run_here(fn, tasks, total, progress))
        for k in range(len(tasks)):
            self._counters[k] = 0
        futures = [self._executor.submit(fn, *args, slot=k) for k, args in enumerate(tasks)]
        stop = threading.Event()
        n = len(tasks)

        def poll() -> None:
            while not stop.wait(0.2):
                if progress is not None:
                    progress(min(sum(self._counters[:n]), total), total)

        poller = threading.Thread(target=poll, name="stridelab-progress", daemon=True)
        poller.start()
        return Batch(futures=futures, poller=poller, stop=stop)

    @staticmethod
    def _run_here(fn: Callable, tasks: Sequence[tuple], total: int,
                  progress: ProgressCallback | None) -> list:
        global _local_report
        done = [0] * len(tasks)

        def local(slot: int, value: int) -> None:
            done[slot] = value
            if progress is not None:
                progress(min(sum(done), total), total)

        saved, _local_report = _local_report, local
        try:
            return [fn(*args, slot=k) for k, args in enumerate(tasks)]
        finally:
            _local_report = saved

    def close(self, cancel: bool = False, wait: bool = True) -> None:
        """Stop the workers.

        ``cancel`` drops queued tasks; without ``wait``, this returns while they wind down.
        """
        if self._executor is not None:
            self._executor.shutdown(wait=wait and not cancel, cancel_futures=cancel)
            self._executor = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(cancel=exc_type is not None)
