"""An import goes on after a file that crashes its decoder (issue 13, point 10)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from stridelab.load.log import IMPORTED, REJECTED, import_paths
from stridelab.store.db import ActivityStore

PANIC_OFFSET, PANIC_VALUE = 137, 0x7C  # fitfast 0.1 divides by zero on this base type


def _folder(activities_dir, tmp_path):
    """Valid files before and after a copy of the Fenix 2 run that makes fitfast panic."""
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(activities_dir / "garmin-fenix-5-run.fit", folder / "a_fenix5.fit")
    data = bytearray((activities_dir / "activity-small-fenix2-run.fit").read_bytes())
    data[PANIC_OFFSET] = PANIC_VALUE
    (folder / "m_fenix2_damaged.fit").write_bytes(bytes(data))
    shutil.copy(activities_dir / "activity-small-fenix2-run.fit", folder / "z_fenix2.fit")
    shutil.copy(activities_dir / "no_hr.tcx", folder / "z_no_hr.tcx")
    return folder


def test_the_files_after_a_crashing_one_are_imported(activities_dir, db_path, tmp_path):
    folder = _folder(activities_dir, tmp_path)
    with ActivityStore(db_path) as store:
        outcomes = import_paths(store, [folder])
    status = {o.name.rsplit("/", 1)[-1]: (o.status, o.reason) for o in outcomes}
    assert status["m_fenix2_damaged.fit"][0] == REJECTED
    assert status["m_fenix2_damaged.fit"][1].startswith("cannot be read (decoder crashed: ")
    assert [status[n][0] for n in ("a_fenix5.fit", "z_fenix2.fit", "z_no_hr.tcx")] == [
        IMPORTED] * 3


def test_the_command_names_the_bad_file_and_imports_the_rest(activities_dir, db_path,
                                                             tmp_path):
    folder = _folder(activities_dir, tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "stridelab", "load", "import", str(folder), "--db", str(db_path)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "300"})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output and "PanicException" not in output
    assert "m_fenix2_damaged.fit" in output and "decoder crashed" in output
    assert "│ imported        │     3 │" in output


def test_a_failure_after_the_reader_rejects_only_that_file(activities_dir, db_path, tmp_path,
                                                          monkeypatch):
    """Damaged but readable content may still trip a later step (a zero mean, say)."""
    from stridelab.load import log

    def summary(activity, file):
        if file.endswith("a_odd.fit"):
            raise ZeroDivisionError("float division by zero")
        return real_summary(activity, file=file)

    real_summary = log.watch_summary
    monkeypatch.setattr(log, "watch_summary", summary)
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(activities_dir / "Activity.fit", folder / "a_odd.fit")
    shutil.copy(activities_dir / "garmin-fenix-5-run.fit", folder / "b_fenix5.fit")
    with ActivityStore(db_path) as store:
        outcomes = import_paths(store, [folder])
    assert [(o.status, o.reason) for o in outcomes] == [
        (REJECTED, "unreadable content (ZeroDivisionError: float division by zero)"),
        (IMPORTED, None)]
