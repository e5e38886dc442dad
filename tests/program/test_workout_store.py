import sqlite3
from datetime import date

import pytest

from stridelab.errors import StridelabError
from stridelab.store import migrations
from stridelab.store.db import ActivityStore
from stridelab.store.workouts import WorkoutLog


def test_migration_3_upgrades_a_version_2_log_without_touching_activities(tmp_path):
    path = tmp_path / "v2.sqlite"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for number in (1, 2):
        for statement in migrations.MIGRATIONS[number]:
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?)", (number,))
    con.execute("INSERT INTO activity (sha256, source, format, decoder, sport, is_running, "
                "start_utc, has_gps, has_running_dynamics, imported_at, totals_json, "
                "summary_json, warnings_json) VALUES ('ab', 'run.fit', 'fit', 'fitfast', "
                "'running', 1, 0, 1, 0, 'now', '{}', '{}', '[]')")
    con.close()
    with ActivityStore(path) as store:
        assert store.version == migrations.LATEST >= 3
        assert store.count() == 1
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert {"workout_entry", "workout_set"} <= tables


def test_workout_log_stores_sets_in_order_and_atomically(tmp_path):
    with WorkoutLog(tmp_path / "log.sqlite") as log:
        log.add(date(2026, 12, 4), "str_db_row", 10, "reps", [10, 10, 9], [20, 20, 22])
        first = log.add(date(2026, 12, 1), "str_back_squat", 8, "reps", [9, 9, 10], [60] * 3,
                        rpe=8, note="felt good")
        assert first.reps == (9, 9, 10) and first.rpe == 8 and first.note == "felt good"
        log.add(date(2026, 12, 1), "bal_single_firm_eo", 30, "s", [30, 25], [None, None])
        with pytest.raises(StridelabError, match="RPE"):
            log.add(date(2026, 12, 5), "str_back_squat", 8, "reps", [8], [60], rpe=11)
        with pytest.raises(StridelabError):
            log.add(date(2026, 12, 5), "str_back_squat", 8, "reps", [8, 8], [60])
        entries = log.entries()
        assert [(e.day.day, e.exercise_id) for e in entries] == [
            (1, "str_back_squat"), (1, "bal_single_firm_eo"), (4, "str_db_row")]
        assert entries[1].loads_kg == (None, None) and entries[1].unit == "s"
        assert entries[2].loads_kg == (20, 20, 22)
        assert [e.id for e in log.entries("str_back_squat")] == [first.id]
        assert log.exercises() == ["str_back_squat", "bal_single_firm_eo", "str_db_row"]
        count = log.store.conn.execute("SELECT COUNT(*) FROM workout_set").fetchone()[0]
        assert count == 3 + 3 + 2
