"""Analyses run outside the request: a queue in the database and worker processes.

The server's :class:`JobRunner` (one thread) takes queued analyses
(:meth:`~stridelab.store.analyses.Analyses.claim_next`) while fewer than ``max_jobs`` run,
and hands each to an :class:`Executor`. An executor has three methods (``start``,
``cancel``, ``poll``), so a cluster scheduler (e.g. Ray) can stand behind the same runner.
:class:`ProcessExecutor` runs each analysis in its own process group, so a cancel ends the
analysis and any process it started, at a lower priority than the server's
(:func:`analysis_nice`): pages are answered first.

The job itself (:func:`run_analysis`) writes its progress, and its end, to the database:
nothing is lost when the server stops. At start the runner queues again what was left
running (:meth:`~stridelab.store.analyses.Analyses.recover`); an analysis process never
outlives the server that started it (it would run the analysis a second time beside the
next server's run).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
import signal
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Protocol

from stridelab.errors import StridelabError
from stridelab.store.analyses import Analyses, AnalysisRow
from stridelab.web.settings import Settings

log = logging.getLogger("stridelab.web")
#: Seconds between two progress writes of a running analysis.
PROGRESS_EVERY_S = 0.5


def analysis_nice() -> int:
    """Niceness added to each analysis process (``$STRIDELAB_ANALYSIS_NICE``, default 10).

    Analyses are CPU-bound for tens of seconds; at the server's own priority two of them on
    a small machine take the cores from the pages (a page waits behind them for seconds).
    Lower priority lets the pages go first and the analyses use every cycle left.
    """
    text = os.environ.get("STRIDELAB_ANALYSIS_NICE", "").strip()
    try:
        return max(0, min(19, int(text))) if text else 10
    except ValueError:
        return 10


class Executor(Protocol):
    """Where analyses run: start one, stop one, and say which have ended."""

    def start(self, analysis_id: int) -> None:
        """Begin the analysis (it reports its own progress and end to the database)."""

    def cancel(self, analysis_id: int) -> None:
        """Stop the analysis and whatever it started."""

    def poll(self) -> dict[int, int]:
        """Analyses that ended since the last poll, with their exit codes."""


class ProcessExecutor:
    """Each analysis in its own process (spawned: the server's threads are not copied)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.context = multiprocessing.get_context("spawn")
        self.processes: dict[int, multiprocessing.Process] = {}

    def start(self, analysis_id: int) -> None:
        """Spawn the worker process."""
        process = self.context.Process(
            target=_child, name=f"stridelab-analysis-{analysis_id}", daemon=False,
            args=(self.settings.db, str(self.settings.data_dir), analysis_id,
                  self.settings.analysis_workers, analysis_nice(), os.getpid()))
        process.start()
        self.processes[analysis_id] = process

    def cancel(self, analysis_id: int) -> None:
        """Kill the analysis's process group."""
        process = self.processes.get(analysis_id)
        if process is not None and process.pid is not None and process.is_alive():
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def poll(self) -> dict[int, int]:
        """Reap ended processes."""
        ended = {}
        for analysis_id, process in list(self.processes.items()):
            if not process.is_alive():
                process.join()
                ended[analysis_id] = process.exitcode
                del self.processes[analysis_id]
        return ended

    def running(self) -> set[int]:
        """Analyses whose processes are alive."""
        return set(self.processes)

    def shutdown(self) -> None:
        """Stop every analysis (the server is stopping; they are queued again at start)."""
        for analysis_id in list(self.processes):
            self.cancel(analysis_id)
        for process in self.processes.values():
            process.join(timeout=10)
        self.processes.clear()


class JobRunner:
    """The server's dispatcher: starts queued analyses, notices ended ones, cancels.

    Parameters
    ----------
    settings
        The server's settings (``max_jobs``).
    executor
        Where analyses run (default: :class:`ProcessExecutor`).
    interval_s
        How often the queue and the running analyses are looked at (a new upload wakes
        the runner at once: :meth:`notify`).
    """

    def __init__(self, settings: Settings, executor: Executor | None = None,
                 interval_s: float = 1.0) -> None:
        self.settings = settings
        self.analyses = Analyses(settings.db)
        self.executor = executor or ProcessExecutor(settings)
        self.interval_s = interval_s
        self.active: set[int] = set()
        self.stop_event = threading.Event()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def begin(self) -> dict[int, str]:
        """Recover what a previous server left running, then start the dispatcher thread."""
        recovered = self.analyses.recover()
        for analysis_id, action in recovered.items():
            log.warning("analysis %s was running when the server stopped: %s", analysis_id,
                        "queued again" if action == "queued" else "failed")
        self.thread = threading.Thread(target=self._loop, name="stridelab-jobs", daemon=True)
        self.thread.start()
        return recovered

    def notify(self) -> None:
        """Look at the queue now (a new analysis was queued)."""
        self.wake.set()

    def cancel(self, analysis_id: int) -> bool:
        """Cancel a queued or running analysis; whether it was still going."""
        with self.lock:
            cancelled = self.analyses.cancel(analysis_id)
            if analysis_id in self.active:
                self.executor.cancel(analysis_id)
        return cancelled

    def end(self) -> None:
        """Stop the dispatcher and the running analyses (they are resumed at next start)."""
        self.stop_event.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
        shutdown = getattr(self.executor, "shutdown", None)
        if shutdown is not None:
            shutdown()

    def _loop(self) -> None:
        while not self.stop_event.is_set():
            try:
                self._tick()
            except Exception:  # the dispatcher must outlive a database hiccup
                log.exception("job dispatcher")
            self.wake.wait(self.interval_s)
            self.wake.clear()

    def _tick(self) -> None:
        with self.lock:
            for analysis_id, code in self.executor.poll().items():
                self.active.discard(analysis_id)
                if code != 0:  # killed or crashed before it could say so itself
                    self.analyses.fail(analysis_id, f"the analysis process stopped (exit "
                                                    f"code {code}) before it finished")
            while len(self.active) < self.settings.max_jobs and not self.stop_event.is_set():
                row = self.analyses.claim_next()
                if row is None:
                    break
                self.active.add(row.id)
                self.executor.start(row.id)


# -- the job itself ---------------------------------------------------------------------------

def _child(db: str, data_dir: str, analysis_id: int, workers: int, nice: int = 0,
           server: int | None = None) -> None:
    os.setpgrp()  # its own process group: a cancel reaches whatever the analysis starts
    _die_with_parent()
    if server is not None and os.getppid() != server:
        # the server died while this process was starting, before it could ask to die with
        # it: the next server queues the analysis again, so this one must not run it
        os._exit(3)
    if nice > 0:  # behind the pages (inherited by whatever the analysis starts)
        try:
            os.nice(nice)
        except OSError:
            pass
    settings = Settings(db=db, data_dir=Path(data_dir), analysis_workers=workers)
    run_analysis(settings, analysis_id, server, own_process=True)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the server dies (prctl PR_SET_PDEATHSIG).

    A killed server must leave no analysis running behind it: the next server queues the
    analysis again, and two runs would write the same results folder.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # not Linux: the progress callback checks instead
        pass


class _Progress:
    """The pipeline's progress callback, written to the database at most every 0.5 s."""

    def __init__(self, analyses: Analyses, analysis_id: int,
                 names: dict[str, str] | None = None, server: int | None = None) -> None:
        self.analyses, self.analysis_id = analyses, analysis_id
        self.names = {Path(k).name: v for k, v in (names or {}).items()}
        self.last = 0.0
        self.first: dict[str, tuple[float, int]] = {}
        self.parent = server or os.getppid()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if os.getppid() != self.parent:  # the server is gone: stop (it is queued again)
            os._exit(3)
        now = time.monotonic()
        start = self.first.setdefault(stage, (now, done))
        if now - self.last < PROGRESS_EVERY_S and not (total and done >= total):
            return
        self.last = now
        elapsed = now - start[0]
        rate = (done - start[1]) / elapsed if elapsed > 0.5 else None
        self.analyses.progress(self.analysis_id, _named(stage, self.names), done, total, rate)


def run_analysis(settings: Settings, analysis_id: int, server: int | None = None,
                 own_process: bool = False) -> None:
    """Analyse one queued or claimed analysis's files into its results folder.

    Video and motion capture go through :func:`stridelab.analyze` (several clips: a
    session); watch files are imported into the athlete's training log and assessed. The
    end is written to the database: done with the summary and findings, or failed with a
    one-line reason naming the uploaded file (never a server path). ``server``: the
    process id of the server that started this one (the analysis stops when it is gone).

    With ``own_process`` (a worker process of its own), the files are analysed under the
    names they were uploaded with, from a working folder of their own, so that the summary
    and the report name "clip.mp4", never the server's folder or the stored random name.
    """
    analyses = Analyses(settings.db)
    row = analyses.get(analysis_id)
    uploads = analyses.uploads(analysis_id)
    out = settings.results_dir / row.result_dir
    out.mkdir(parents=True, exist_ok=True)
    paths = [settings.uploads_dir / u.stored_name for u in uploads]
    names = {str(p): u.original_name for p, u in zip(paths, uploads, strict=True)}
    work = settings.data_dir / "work" / row.result_dir
    if own_process:
        paths = _as_uploaded(paths, [u.original_name for u in uploads], work)
        names = {**{str(work / p): p.name for p in paths}, **{str(p): p.name for p in paths}}
    try:
        if row.kind == "watch":
            summary, findings = _watch(settings, row, paths, out)
        else:
            summary, findings = _recording(row, paths, out, settings,
                                           _Progress(analyses, analysis_id, names, server))
    except StridelabError as exc:
        analyses.fail(analysis_id, _named(str(exc), names))
        return
    except Exception as exc:  # a bug: kept in the results folder for the admin
        (out / "error.log").write_text(traceback.format_exc(), encoding="utf-8")
        analyses.fail(analysis_id, _named(f"internal error ({type(exc).__name__}): {exc}",
                                          names))
        return
    finally:
        if own_process:
            os.chdir(settings.data_dir)
            shutil.rmtree(work, ignore_errors=True)
    analyses.finish(analysis_id, summary, findings)


def _as_uploaded(paths: list[Path], names: list[str], work: Path) -> list[Path]:
    """Link the stored files into ``work`` under their uploaded names; work from there.

    Returns the names relative to ``work`` (the process's working folder from now on).
    """
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    out = []
    for path, name in zip(paths, names, strict=True):
        target = work / name
        stem, k = target.stem, 1
        while target.exists():  # two uploads of one name in a session
            k += 1
            target = work / f"{stem} ({k}){target.suffix}"
        suffix = path.suffix  # the type the content showed, whatever the name said
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        try:
            os.link(path, target)
        except OSError:  # another file system: a copy
            shutil.copyfile(path, target)
        out.append(Path(target.name))
    os.chdir(work)
    return out


def _named(message: str, names: dict[str, str]) -> str:
    for path, name in names.items():
        message = message.replace(path, name)
    return message


def _recording(row: AnalysisRow, paths: list[Path], out: Path, settings: Settings,
               progress: _Progress) -> tuple[dict, list[dict]]:
    from stridelab.pipeline import analyze

    _import_report_modules()
    options: dict[str, Any] = {k: v for k, v in row.options.items()
                               if k in ("height_m", "capture_fps", "view") and v is not None}
    source: Any = paths if len(paths) > 1 else paths[0]
    result = analyze(source, out, progress=progress, workers=settings.analysis_workers,
                     **options)
    return result.summary.to_dict(), [f.to_dict() for f in result.findings or []]


def _import_report_modules() -> None:
    """Import the report's modules (Matplotlib among them) before the pipeline's threads start.

    With one worker the pose runs in this process while a thread of the pipeline imports the
    report's modules; MediaPipe imports Matplotlib too, and Python's imports of Matplotlib's
    circular modules from two threads at once can fail ("cannot import name 'Transform' from
    partially initialized module 'matplotlib.transforms'"): video analyses failed so, at
    random. Imported here first, the thread finds them loaded.
    """
    try:
        import matplotlib.pyplot  # noqa: F401 - what MediaPipe imports of it

        import stridelab.assess  # noqa: F401
        import stridelab.program.generator  # noqa: F401
        import stridelab.program.render  # noqa: F401
        import stridelab.report.build  # noqa: F401
        import stridelab.report.plots  # noqa: F401
    except ImportError:  # the analysis meets it again, and says what is missing
        pass


def _watch(settings: Settings, row: AnalysisRow, paths: list[Path],
           out: Path) -> tuple[dict, list[dict]]:
    from stridelab.assess.engine import Assessment
    from stridelab.assess.model import findings_document
    from stridelab.load.log import IMPORTED, PRESENT, import_paths
    from stridelab.report.build import report_folder
    from stridelab.store.db import ActivityStore

    store = ActivityStore(settings.db, athlete_id=row.athlete_id)
    outcomes = import_paths(store, paths)
    kept = [o for o in outcomes if o.status in (IMPORTED, PRESENT) and o.activity_id]
    if not kept:
        raise StridelabError(outcomes[0].reason or "the file could not be imported")
    summary = store.summary(kept[0].activity_id)
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    result = Assessment().assess(summary)
    doc = findings_document(result.findings_, row.title, result.not_measurable_,
                            result.not_assessed_, result.notes_)
    (out / "findings.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False),
                                       encoding="utf-8")
    report_folder(out)
    return summary, doc["findings"]
