import gzip
import io
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from stridelab.io.activity import read_path
from stridelab.io.activity.synth import encode_run
from stridelab.load.log import IMPORTED, PRESENT, REJECTED, import_paths
from stridelab.load.totals import activity_totals
from stridelab.store.db import ActivityStore, default_db_path
from stridelab.summary.build import watch_summary

MALFORMED = "strava-android-app-201.10-b1218918.fit"  # both common parsers reject it


def _snapshot(target):
    with ActivityStore(target).reading() as con:
        rows = con.execute(text("SELECT id, sha256, sport, distance_m, start_utc FROM activity "
                                "ORDER BY id")).all()
        channels = con.execute(text("SELECT COUNT(*), SUM(LENGTH(data)) FROM channel")).one()
    return rows, channels


def _intact(store):
    """No half-stored activity: no channel without its activity (and SQLite's own check)."""
    with store.reading() as con:
        if store.engine.dialect.name == "sqlite":
            assert con.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert con.execute(text("SELECT COUNT(*) FROM channel WHERE activity_id NOT IN "
                                "(SELECT id FROM activity)")).scalar() == 0


def test_folder_import_rejects_the_malformed_file_and_keeps_the_rest(activities_dir, db_path):
    with ActivityStore(db_path) as store:
        outcomes = import_paths(store, [activities_dir])
        by_name = {o.name.rsplit("/", 1)[-1]: o for o in outcomes}
        assert by_name[MALFORMED].status == REJECTED
        assert "corrupt FIT file" in by_name[MALFORMED].reason
        assert sum(o.status == IMPORTED for o in outcomes) == 5
        walk = store.get(by_name["garmin-fenix-5-walk.fit"].activity_id)
        assert walk.sport == "walking" and not walk.is_running
        assert len(store.activities(include_non_running=False)) == 4
        fenix2 = store.get(by_name["activity-small-fenix2-run.fit"].activity_id)
        assert fenix2.distance_m == pytest.approx(9008.22)
        assert fenix2.elapsed_s == 2832.0
        assert fenix2.moving_s <= fenix2.timer_s
        assert fenix2.local_start.isoformat() == "2015-08-15T16:45:08+02:00"


def test_reimport_changes_nothing(activities_dir, db_path):
    with ActivityStore(db_path) as store:
        import_paths(store, [activities_dir])
    before = _snapshot(db_path)
    with ActivityStore(db_path) as store:
        again = import_paths(store, [activities_dir, activities_dir / "no_hr.tcx"])
    assert {o.status for o in again} == {PRESENT, REJECTED}
    assert _snapshot(db_path) == before


def test_zip_exports_with_gzip_and_nested_zips(activities_dir, db_path, tmp_path):
    fenix2 = (activities_dir / "activity-small-fenix2-run.fit").read_bytes()
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:  # Garmin: zips inside the export zip
        z.writestr("UploadedFiles_0-_Part1/fenix5.fit",
                   (activities_dir / "garmin-fenix-5-run.fit").read_bytes())
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as z:  # Strava: activities/*.fit.gz next to csv
        z.writestr("activities.csv", "Activity ID,Activity Type\n1,Run\n")
        z.writestr("activities/1.fit.gz", gzip.compress(fenix2))
        z.writestr("activities/2.tcx.gz", gzip.compress(b""))
        z.writestr("DI_CONNECT/part1.zip", inner.getvalue())
    with ActivityStore(db_path) as store:
        outcomes = import_paths(store, [export])
        status = {o.name.split("!", 1)[1]: o.status for o in outcomes}
        assert status == {"DI_CONNECT/part1.zip!UploadedFiles_0-_Part1/fenix5.fit": IMPORTED,
                          "activities/1.fit.gz": IMPORTED, "activities/2.tcx.gz": REJECTED}
        # the same content from the plain file is already present
        again = import_paths(store, [activities_dir / "activity-small-fenix2-run.fit"])
        assert again[0].status == PRESENT


def test_crash_mid_import_keeps_finished_files(activities_dir, db_path, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    for name in ("Activity.fit", "garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit",
                 "no_hr.tcx"):
        shutil.copy(activities_dir / name, folder / name)
    seen = []

    def crash(outcome):
        seen.append(outcome)
        if len(seen) == 2:
            raise KeyboardInterrupt  # the user pulls the plug after the second file

    with ActivityStore(db_path) as store, pytest.raises(KeyboardInterrupt):
        import_paths(store, [folder], on_file=crash)
    with ActivityStore(db_path) as store:
        assert store.count() == 2
        rest = import_paths(store, [folder])
        assert [o.status for o in rest] == [PRESENT, PRESENT, IMPORTED, IMPORTED]
        assert store.count() == 4


def test_failure_inside_a_file_transaction_rolls_it_back(activities_dir, db_path):
    act = read_path(activities_dir / "garmin-fenix-5-run.fit")
    totals, summary = activity_totals(act), watch_summary(act).to_dict()
    act.records["broken"] = np.array(["not a number"] * act.n_records)
    with ActivityStore(db_path) as store:
        with pytest.raises(ValueError):
            store.add(act, "0" * 64, totals, summary)
        assert store.count() == 0  # the activity row inserted before the failure is gone
        del act.records["broken"]
        stored = store.add(act, "0" * 64, totals, summary)
        back = store.records(stored.id)
        assert sorted(back) == sorted(act.records)
        np.testing.assert_allclose(back["time_s"], act.records["time_s"])
        np.testing.assert_allclose(back["stance_time_ms"], act.records["stance_time_ms"],
                                   rtol=1e-6)


def test_database_location(monkeypatch, tmp_path):
    monkeypatch.setenv("STRIDELAB_DB", str(tmp_path / "clinic" / "log.sqlite"))
    assert default_db_path() == tmp_path / "clinic" / "log.sqlite"
    with ActivityStore() as store:
        assert Path(store.path).exists()
    monkeypatch.delenv("STRIDELAB_DB")
    assert default_db_path().name == "training_log.sqlite"
    assert "stridelab" in str(default_db_path())


def test_same_run_from_two_exports_counts_once(db_path, tmp_path):
    start = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)
    (tmp_path / "a.fit").write_bytes(encode_run(start, 10000, 3000))
    (tmp_path / "b.fit").write_bytes(encode_run(start, 10020, 3000, with_gps=True))
    with ActivityStore(db_path) as store:
        outcomes = import_paths(store, [tmp_path / "a.fit", tmp_path / "b.fit"])
        assert [o.status for o in outcomes] == [IMPORTED, IMPORTED]
        second = store.get(outcomes[1].activity_id)
        assert second.duplicate_of == outcomes[0].activity_id
        assert [a.id for a in store.activities()] == [outcomes[0].activity_id]


CRASH_AFTER_FILES = """
import os, sys
from stridelab.load.log import import_paths
from stridelab.store.db import ActivityStore
done = []
def crash(outcome):
    done.append(outcome)
    if len(done) == 2:
        os._exit(9)  # the process dies at once: no cleanup, no rollback code runs
import_paths(ActivityStore(sys.argv[1]), [sys.argv[2]], on_file=crash)
"""

CRASH_INSIDE_A_FILE = """
import os, sys
import numpy as np
from stridelab.io.activity import read_path
from stridelab.load.totals import activity_totals
from stridelab.summary.build import watch_summary
from stridelab.load.log import import_paths
from stridelab.store.db import ActivityStore
store = ActivityStore(sys.argv[1])
import_paths(store, [sys.argv[2]])
class Bomb:
    def __array__(self, *args, **kwargs):
        os._exit(9)  # dies half-way through writing the activity's channels
act = read_path(sys.argv[3])
totals, summary = activity_totals(act), watch_summary(act).to_dict()
act.records = {"time_s": act.records["time_s"], "zzz": Bomb()}
store.add(act, "f" * 64, totals, summary)
"""


def _run(script, *args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", script, *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_killed_process_keeps_the_files_finished_before(activities_dir, tmp_path, db_path):
    folder = tmp_path / "files"
    folder.mkdir()
    for name in ("Activity.fit", "garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit"):
        shutil.copy(activities_dir / name, folder / name)
    assert _run(CRASH_AFTER_FILES, db_path, folder).returncode == 9
    with ActivityStore(db_path) as store:
        _intact(store)
        assert store.count() == 2


def test_killed_process_mid_file_leaves_no_partial_activity(activities_dir, db_path):
    result = _run(CRASH_INSIDE_A_FILE, db_path, activities_dir / "Activity.fit",
                  activities_dir / "garmin-fenix-5-run.fit")
    assert result.returncode == 9, result.stderr
    with ActivityStore(db_path) as store:
        _intact(store)
        assert store.count() == 1  # the first file; nothing of the interrupted one


def test_import_with_the_official_sdk_only(activities_dir, db_path, monkeypatch):
    monkeypatch.setenv("STRIDELAB_FIT_DECODER", "sdk")
    with ActivityStore(db_path) as store:
        outcomes = import_paths(store, [activities_dir])
        assert sum(o.status == IMPORTED for o in outcomes) == 5
        assert {a.decoder for a in store.activities() if a.format == "fit"} == {"garmin-fit-sdk"}


def test_file_without_gps_is_imported_with_a_note(db_path, tmp_path):
    start = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)
    (tmp_path / "treadmill.fit").write_bytes(encode_run(start, 8000, 2400))
    with ActivityStore(db_path) as store:
        (outcome,) = import_paths(store, [tmp_path / "treadmill.fit"])
        assert outcome.status == IMPORTED
        assert any("no GPS" in w for w in outcome.warnings)
        stored = store.get(outcome.activity_id)
        assert not stored.has_gps and stored.distance_m == 8000.0
