"""The job runner: its limit on concurrent analyses, cancelling, and recovery after a stop.

A recording executor stands in for the worker processes here (the interface a cluster
scheduler would implement): the runner's decisions are what is tested; the real processes
are tested in ``test_api.py`` and ``test_restart.py``.
"""

from __future__ import annotations

import time

from stridelab.store.accounts import Accounts
from stridelab.store.analyses import MAX_ATTEMPTS, Analyses
from stridelab.web.jobs import JobRunner
from stridelab.web.settings import Settings


class RecordingExecutor:
    """Starts nothing: records what the runner asks, ends analyses when told to."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.cancelled: list[int] = []
        self.ended: dict[int, int] = {}

    def start(self, analysis_id: int) -> None:
        self.started.append(analysis_id)

    def cancel(self, analysis_id: int) -> None:
        self.cancelled.append(analysis_id)
        self.ended[analysis_id] = -9

    def poll(self) -> dict[int, int]:
        ended, self.ended = self.ended, {}
        return ended


def _queue(db, n: int) -> list[int]:
    accounts = Accounts(db)
    athlete = accounts.add_athlete("A")
    analyses = Analyses(db)
    return [analyses.create(athlete.id, None, f"clip {k}", "video", {}, f"r{k}",
                            [{"original_name": f"{k}.mp4", "stored_name": f"s{k}.mp4",
                              "kind": "video", "size_bytes": 1, "sha256": "0" * 64}])
            for k in range(n)]


def _until(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_no_more_than_max_jobs_run_and_the_queue_moves_on(db, tmp_path):
    ids = _queue(db, 3)
    executor = RecordingExecutor()
    runner = JobRunner(Settings(db=db, data_dir=tmp_path, max_jobs=2), executor,
                       interval_s=0.05)
    runner.begin()
    try:
        _until(lambda: len(executor.started) == 2)
        time.sleep(0.3)
        assert executor.started == ids[:2]  # oldest first, and the third waits
        analyses = Analyses(db)
        assert [analyses.status(i) for i in ids] == ["running", "running", "queued"]
        analyses.finish(ids[0], {"metrics": {}}, [])
        executor.ended[ids[0]] = 0
        _until(lambda: len(executor.started) == 3)
        assert analyses.status(ids[2]) == "running"
        assert runner.cancel(ids[1]) and executor.cancelled == [ids[1]]
        _until(lambda: ids[1] not in runner.active)
        assert analyses.status(ids[1]) == "cancelled"  # not overwritten by the kill's exit code
    finally:
        runner.end()


def test_a_worker_that_dies_without_a_word_is_failed_with_the_reason(db, tmp_path):
    (only,) = _queue(db, 1)
    executor = RecordingExecutor()
    runner = JobRunner(Settings(db=db, data_dir=tmp_path), executor, interval_s=0.05)
    runner.begin()
    try:
        _until(lambda: executor.started == [only])
        executor.ended[only] = -11  # e.g. killed by the kernel for memory
        _until(lambda: Analyses(db).status(only) == "failed")
        assert "exit code -11" in Analyses(db).get(only).error
    finally:
        runner.end()


def test_after_a_stop_running_analyses_are_queued_again_then_failed(db, tmp_path):
    ids = _queue(db, 2)
    analyses = Analyses(db)
    for _ in range(MAX_ATTEMPTS - 1):  # the first, stopped by restarts until its last try
        assert analyses.claim_next().id == ids[0]
        assert analyses.recover() == {ids[0]: "queued"}
    assert analyses.claim_next().id == ids[0]
    assert analyses.claim_next().id == ids[1]  # the second, once
    outcome = analyses.recover()
    assert outcome == {ids[0]: "failed", ids[1]: "queued"}
    failed = analyses.get(ids[0])
    assert "server stopped" in failed.error and "kept" in failed.error
    assert analyses.get(ids[1]).stage == "resumed after a server restart"
    assert len(analyses.uploads(ids[0])) == 1  # the upload's record stays
