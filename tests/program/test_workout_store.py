from datetime import date

import pytest
from sqlalchemy import text

from stridelab.errors import StridelabError
from stridelab.store.workouts import WorkoutLog


def test_workout_log_stores_sets_in_order_and_atomically(db):
    with WorkoutLog(db) as log:
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
        with log.store.reading() as con:
            count = con.execute(text("SELECT COUNT(*) FROM workout_set")).scalar()
        assert count == 3 + 3 + 2
