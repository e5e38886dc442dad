"""Schema migrations: logs made by stridelab 0.1 are upgraded in place; newer ones refused.

``training_log_v4.sqlite`` (tests/data) was written by stridelab 0.1 (commit c19eac0) through
its own API: one GPX run, two workout entries and a Y-balance session. The older versions
are built from that code's SQL, kept here as it was.
"""

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from stridelab.errors import StridelabError
from stridelab.store import migrations
from stridelab.store.balance import BalanceLog
from stridelab.store.db import ActivityStore
from stridelab.store.workouts import WorkoutLog

V4 = Path(__file__).resolve().parents[1] / "data" / "training_log_v4.sqlite"

# stridelab 0.1's hand-written schema (stridelab/store/migrations.py at c19eac0)
LEGACY_SQL: dict[int, list[str]] = {
    1: [
        """CREATE TABLE activity (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            format TEXT NOT NULL,
            decoder TEXT NOT NULL,
            sport TEXT NOT NULL,
            sub_sport TEXT,
            is_running INTEGER NOT NULL,
            start_utc REAL NOT NULL,
            utc_offset_s INTEGER,
            distance_m REAL,
            distance_source TEXT,
            elapsed_s REAL,
            timer_s REAL,
            moving_s REAL,
            elevation_gain_m REAL,
            avg_hr_bpm REAL,
            max_hr_bpm REAL,
            avg_cadence_spm REAL,
            pace_s_per_km REAL,
            has_gps INTEGER NOT NULL,
            has_running_dynamics INTEGER NOT NULL,
            device TEXT,
            imported_at TEXT NOT NULL,
            totals_json TEXT NOT NULL,
            summary_json TEXT NOT NULL,
            warnings_json TEXT NOT NULL
        )""",
        "CREATE INDEX activity_start ON activity(start_utc)",
        """CREATE TABLE channel (
            activity_id INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            dtype TEXT NOT NULL,
            n INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (activity_id, name)
        )""",
    ],
    2: [
        # the same run imported from two exports (e.g. Garmin and Strava) counts once
        "ALTER TABLE activity ADD COLUMN duplicate_of INTEGER REFERENCES activity(id)",
        # session RPE (CR-10) for Foster's session load, entered by the runner
        "ALTER TABLE activity ADD COLUMN rpe REAL",
    ],
    3: [
        # strength & balance workouts (`stridelab strength log`): one entry per exercise done
        # on a day, one row per set; the overload rule reads them back (stridelab.program)
        """CREATE TABLE workout_entry (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            exercise_id TEXT NOT NULL,
            target_reps INTEGER NOT NULL,
            unit TEXT NOT NULL,
            rpe REAL,
            note TEXT,
            logged_at TEXT NOT NULL
        )""",
        "CREATE INDEX workout_entry_exercise ON workout_entry(exercise_id, day)",
        """CREATE TABLE workout_set (
            entry_id INTEGER NOT NULL REFERENCES workout_entry(id) ON DELETE CASCADE,
            set_no INTEGER NOT NULL,
            reps INTEGER NOT NULL,
            load_kg REAL,
            PRIMARY KEY (entry_id, set_no)
        )""",
    ],
    4: [
        # balance tests (`stridelab balance`): one row per session and condition (force-plate
        # posturography, Y-balance), with the per-trial values a retest is judged against
        """CREATE TABLE balance_session (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            kind TEXT NOT NULL,
            condition TEXT NOT NULL,
            measures_json TEXT NOT NULL,
            trial_values_json TEXT NOT NULL,
            findings_json TEXT NOT NULL,
            sources_json TEXT NOT NULL,
            note TEXT,
            stored_at TEXT NOT NULL
        )""",
        "CREATE INDEX balance_session_condition ON balance_session(kind, condition, day)",
    ],
}


def _legacy_log(path: Path, version: int) -> Path:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for number in range(1, version + 1):
        for statement in LEGACY_SQL[number]:
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?)", (number,))
    if version >= 1:
        con.execute("INSERT INTO activity (sha256, source, format, decoder, sport, is_running, "
                    "start_utc, has_gps, has_running_dynamics, imported_at, totals_json, "
                    "summary_json, warnings_json) VALUES ('ab', 'run.fit', 'fit', 'fitfast', "
                    "'running', 1, 0, 1, 0, 'now', '{}', '{}', '[]')")
        con.execute("INSERT INTO channel VALUES (1, 'time_s', '<f8', 0, x'789c030000000001')")
    con.close()
    return path


def test_a_log_written_by_stridelab_0_1_is_upgraded_in_place_with_nothing_lost(tmp_path):
    path = shutil.copy(V4, tmp_path / "log.sqlite")
    with ActivityStore(path) as store:
        assert store.version == migrations.LATEST
        (run,) = store.activities()
        assert run.sport == "running" and run.distance_m == pytest.approx(5379, abs=1)
        assert len(store.records(run.id)["time_s"]) == 360  # the channels survived the copy
    with WorkoutLog(path) as log:
        assert [(e.exercise_id, e.reps, e.loads_kg) for e in log.entries()] == [
            ("str_goblet_squat", (12, 12), (16.0, 16.0)),
            ("bal_single_firm_eo", (30, 25), (None, None))]
    with BalanceLog(path) as log:
        (session,) = log.sessions()
        assert session.note == "retest" and session.trial_values["composite_l_pct"] == [94, 96]
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0005"
    con.close()


@pytest.mark.parametrize("version", [0, 1, 2, 3])
def test_every_older_schema_reaches_the_latest(tmp_path, version):
    path = _legacy_log(tmp_path / "old.sqlite", version)
    with ActivityStore(path) as store:
        assert store.version == migrations.LATEST
        with store.reading() as con:
            tables = set(inspect(con).get_table_names())
            columns = {c["name"] for c in inspect(con).get_columns("activity")}
        assert {"workout_entry", "balance_session", "athlete", "analysis"} <= tables
        assert {"duplicate_of", "rpe", "athlete_id"} <= columns
        assert store.count() == (1 if version else 0)


def test_a_log_from_a_newer_stridelab_is_refused_unchanged(tmp_path):
    path = shutil.copy(V4, tmp_path / "log.sqlite")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("INSERT INTO schema_version VALUES (99)")
    con.close()
    before = path.read_bytes()
    with pytest.raises(StridelabError, match="newer"):
        ActivityStore(path)
    assert path.read_bytes() == before


def test_an_unknown_alembic_revision_is_refused(db):
    ActivityStore(db)
    with ActivityStore(db).transaction() as con:
        con.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    migrations.forget()
    with pytest.raises(StridelabError, match="newer"):
        ActivityStore(db)
    migrations.forget()


def test_the_same_file_in_two_logs_is_stored_in_each_and_seen_only_by_its_owner(db, tmp_path):
    from datetime import datetime, timezone

    from stridelab.io.activity.synth import encode_run
    from stridelab.load.log import IMPORTED, PRESENT, import_paths
    from stridelab.store.schema import athlete

    (tmp_path / "run.fit").write_bytes(
        encode_run(datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc), 10000, 3000))
    with ActivityStore(db).transaction() as con:
        for name in ("A", "B"):
            con.execute(athlete.insert().values(name=name, created_at="2026-11-30"))
    ids = {}
    for owner in (None, 1, 2):
        store = ActivityStore(db, athlete_id=owner)
        (outcome,) = import_paths(store, [tmp_path / "run.fit"])
        assert outcome.status == IMPORTED
        (again,) = import_paths(store, [tmp_path / "run.fit"])
        assert again.status == PRESENT
        ids[owner] = outcome.activity_id
    assert len(set(ids.values())) == 3
    with pytest.raises(StridelabError, match="no activity"):
        ActivityStore(db, athlete_id=2).get(ids[1])
    assert [a.id for a in ActivityStore(db).activities()] == [ids[None]]
