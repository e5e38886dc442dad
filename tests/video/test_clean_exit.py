"""``stridelab analyze`` leaves no process behind: after an error, or when interrupted.

A pose worker that outlived the command kept its stdout open, so ``stridelab analyze clip.mp4
| tail`` waited for ever after an error. The command runs here as a caller would run it, its
output read through pipes; the processes it started are recorded while it runs (from
``/proc``), and none may be alive once it has returned.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

HANG_S = 180
"""A command that has not returned by then hangs (a normal run takes seconds)."""


def _stat(pid: int) -> tuple[int, str, int] | None:
    """``(parent pid, state, start time)`` of a process from ``/proc``, ``None`` if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after the command name, which may hold spaces
    return int(fields[1]), fields[0], int(fields[19])


def _all_pids() -> list[int]:
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def _descendants(root: int) -> set[tuple[int, int]]:
    """``(pid, start time)`` of every process below ``root``."""
    parent_of = {}
    for pid in _all_pids():
        st = _stat(pid)
        if st is not None:
            parent_of[pid] = (st[0], st[2])
    out, frontier = set(), {root}
    while frontier:
        children = {p for p, (pp, _) in parent_of.items() if pp in frontier}
        out |= {(p, parent_of[p][1]) for p in children}
        frontier = children
    return out


def _alive(procs: set[tuple[int, int]]) -> list[int]:
    """The recorded processes still running (the same pid and start time, not a zombie)."""
    out = []
    for pid, start in procs:
        st = _stat(pid)
        if st is not None and st[2] == start and st[1] != "Z":
            out.append(pid)
    return out


def _mentioning(text: str) -> list[int]:
    """Processes whose command line mentions ``text``."""
    out = []
    for pid in _all_pids():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if text in cmdline and pid != os.getpid():
            out.append(pid)
    return out


class _Watched:
    """``python -m stridelab ARGS`` with piped output, its processes recorded as it runs."""

    def __init__(self, args: list[str]) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("STRIDELAB_SLOW_EXIT", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "stridelab", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.seen: set[tuple[int, int]] = set()
        self.cmdlines: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            new = _descendants(self.proc.pid) - self.seen
            self.seen |= new
            self.cmdlines.update({pid: _cmdline(pid) for pid, _ in new})
            self._stop.wait(0.05)

    def workers_started(self) -> bool:
        """Whether the pose worker processes are running."""
        return any("multiprocessing.spawn" in c for c in self.cmdlines.values())

    def finish(self) -> tuple[int, str, str]:
        """Wait for the end of its output (both pipes closed): status, stdout, stderr."""
        try:
            out, err = self.proc.communicate(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            self._kill_all()
            pytest.fail(f"the command or a process it started kept its pipes open for {HANG_S} s")
        finally:
            self._stop.set()
            self._thread.join()
        return self.proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")

    def _kill_all(self) -> None:
        for pid in [*_alive(self.seen), self.proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self.proc.communicate()

    def assert_nothing_left(self, unique: str) -> None:
        """No process it started, and none naming ``unique``, is still alive."""
        deadline = time.monotonic() + 2.0  # processes that closed their pipes, still ending
        while (_alive(self.seen) or _mentioning(unique)) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = _alive(self.seen)
        for pid in left:  # do not leave them to the next test
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        assert not left, f"processes left behind: {[_cmdline(p) for p in left]}"
        assert not _mentioning(unique)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_an_error_after_the_pose_leaves_no_worker(shared_file, tmp_path):
    # 1.6 s of running: the pose works, the analysis refuses it (too few contacts); with two
    # workers a pool runs, one of them idle: both must end with the command
    clip = shared_file("video/overground_side_30fps_short.mp4")
    out = tmp_path / "clean-exit-error"
    run = _Watched(["analyze", str(clip), "--out", str(out), "--workers", "2"])
    code, _, err = run.finish()
    assert code == 2, err
    assert "stride" in err  # too short to time: no rhythm, or no whole stride of each foot
    assert run.workers_started()
    run.assert_nothing_left(str(out))


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_the_pose_ends_every_worker(shared_file, tmp_path, signum, code):
    clip = shared_file("video/treadmill_side_60fps.mp4")
    out = tmp_path / f"clean-exit-{signum}"
    run = _Watched(["analyze", str(clip), "--out", str(out), "--workers", "2"])
    # the frame cache's folder appears as the pose starts; the pose then takes seconds
    deadline = time.monotonic() + HANG_S
    while not (out.exists() and any(out.glob(".frames-*")) and run.workers_started()):
        assert run.proc.poll() is None, run.proc.communicate()
        assert time.monotonic() < deadline, "the pose never started"
        time.sleep(0.05)
    time.sleep(1.0)
    run.proc.send_signal(signum)
    status, _, err = run.finish()
    assert status == code, err
    assert "Traceback" not in err
    run.assert_nothing_left(str(out))
    assert not any(out.glob(".frames-*"))  # the frame cache is removed
