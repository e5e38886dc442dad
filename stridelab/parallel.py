"""Worker processes for work cut into chunks of frames (pose inference, the annotated video).

MediaPipe's inference keeps about one core busy, so one process per core is what fills a
machine. A :class:`WorkerPool` starts them once (``spawn``: fresh interpreters, safe beside the
progress bar's thread) and is reused from stage to stage; tasks report frames done through
shared counters, which a thread here turns into progress-bar updates. With one worker,
everything runs in this process instead.

Tasks are plain module-level functions called as ``fn(*args, slot=k)``; they call
:func:`report_progress` with ``slot`` as they go.

No worker outlives the work or this process: a pool left on an error (or a signal) ends its
workers at once; each worker ends itself when this process is gone (it watches its parent's
sentinel), and ignores Ctrl-C, which the terminal sends to the whole process group (this
process answers it and ends them). :func:`end_all_workers` is for an exit that skips Python's
own teardown (``os._exit``): otherwise a worker could keep the output pipe open, and
``stridelab analyze clip.mp4 | tail`` would wait for ever.
"""

from __future__ import annotations

import os
import signal
import threading
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from typing import Any

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)``."""

MAX_SLOTS = 64
"""Progress counters shared with the workers: at most this many tasks per batch."""

_counters: Any = None
_local_report: Callable[[int, int], None] | None = None

END_GRACE_S = 2.0
"""How long a worker told to end (SIGTERM) gets before it is killed (SIGKILL)."""

_open_pools: weakref.WeakSet = weakref.WeakSet()
"""Pools whose workers may still run (until :meth:`WorkerPool.close` ends them)."""
_winding_down: list = []
"""Workers of pools closed without waiting, which may still be finishing."""


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
    # Ctrl-C reaches every process of the terminal's group: the parent answers it and ends
    # the workers; here it would only print a traceback per worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _watch_parent()
    # A worker ends when the pool closes, its results long sent: tearing down MediaPipe, OpenCV
    # and FFmpeg's modules then only keeps the pool waiting (~0.2 s on 2 cores).
    import atexit

    atexit.register(os._exit, 0)


def _watch_parent() -> None:
    """End this worker as soon as its parent process is gone, however it ended.

    A worker whose parent died (killed, or ended with ``os._exit`` before the pool's threads
    told the workers to stop) would otherwise wait for tasks for ever, holding the parent's
    stdout and stderr open. The parent's sentinel (a pipe only the parent holds open) becomes
    readable when it ends; a thread waits on it, using no time meanwhile.
    """
    import multiprocessing
    from multiprocessing.connection import wait as wait_for

    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None)
    if sentinel is None:
        return

    def watch() -> None:
        wait_for([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="stridelab-parent-watch", daemon=True).start()


def _end_processes(processes: Sequence, grace_s: float = END_GRACE_S) -> None:
    """Ask the live ``processes`` to end (SIGTERM); kill those still there after ``grace_s``."""
    import time

    live = [p for p in processes if p.is_alive()]
    for p in live:
        p.terminate()
    deadline = time.monotonic() + grace_s
    for p in live:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in live:
        if p.is_alive():
            p.kill()
            p.join(1.0)


def end_all_workers() -> None:
    """End every worker this process started that is still running: before ``os._exit``.

    Pools still open are closed as on an error; workers of pools closed without waiting are
    ended too (whatever they were finishing is no longer wanted).
    """
    for pool in list(_open_pools):
        pool.close(cancel=True)
    winding, _winding_down[:] = list(_winding_down), []
    _end_processes(winding)


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
            _open_pools.add(self)
            with _SigintIgnored():  # the workers start ignoring Ctrl-C (see _init_worker)
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

        ``cancel`` drops queued tasks and ends the running ones at once (the workers are
        terminated); without ``wait``, this returns while the workers finish their tasks.
        """
        if self._executor is None:
            return
        executor, self._executor = self._executor, None
        _open_pools.discard(self)
        procs = self._processes_of(executor)
        manager = getattr(executor, "_executor_manager_thread", None)
        executor.shutdown(wait=wait and not cancel, cancel_futures=cancel)
        if cancel:
            _end_processes(procs)
            if manager is not None:  # it sees them gone and releases the queues' semaphores
                manager.join(END_GRACE_S)
        elif not wait:
            _winding_down[:] = [p for p in _winding_down if p.is_alive()] + procs

    @staticmethod
    def _processes_of(executor: ProcessPoolExecutor) -> list:
        """The executor's worker processes (its own record, dropped by ``shutdown``)."""
        procs = getattr(executor, "_processes", None) or {}
        return list(procs.values())

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(cancel=exc_type is not None)


class _SigintIgnored:
    """Ignore SIGINT while processes are started, so that they start ignoring it.

    A spawned interpreter keeps an ignored SIGINT ignored; without this, Ctrl-C while a
    worker imports would print its traceback. Only the main thread may change handlers:
    elsewhere this does nothing (the workers then ignore it from their initializer on).
    """

    def __enter__(self) -> None:
        self._changed = threading.current_thread() is threading.main_thread()
        if self._changed:
            self._saved = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __exit__(self, *exc: object) -> None:
        if self._changed:
            # None: a handler set outside Python, which cannot be put back; the default then
            signal.signal(signal.SIGINT, self._saved if self._saved is not None
                          else signal.default_int_handler)
