"""The workout log: strength & balance sessions in the training-log database.

Tables ``workout_entry`` (one exercise done on one day, with its target and RPE) and
``workout_set`` (reps and load per set) come with schema migration 3
(:mod:`stridelab.store.migrations`). Each entry is written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from stridelab.errors import StridelabError
from stridelab.store.db import LogPart


@dataclass(frozen=True)
class WorkoutEntry:
    """One logged exercise.

    Attributes
    ----------
    id
        Row id.
    day
        Day it was done.
    exercise_id
        Library id.
    target_reps
        The target the sets aimed at.
    unit
        ``reps``, ``s``, ``m`` or ``contacts``.
    reps, loads_kg
        Per set; a load of ``None`` is bodyweight.
    rpe
        Effort (CR-10), optional.
    note
        Free text, optional.
    """

    id: int
    day: date
    exercise_id: str
    target_reps: int
    unit: str
    reps: tuple[int, ...]
    loads_kg: tuple[float | None, ...]
    rpe: float | None
    note: str | None


class WorkoutLog(LogPart):
    """The workout part of a training log (:class:`~stridelab.store.db.LogPart`)."""

    def add(self, day: date, exercise_id: str, target_reps: int, unit: str,
            reps: list[int], loads_kg: list[float | None], rpe: float | None = None,
            note: str | None = None) -> WorkoutEntry:
        """Record one exercise (all its sets) in a single transaction."""
        if len(reps) != len(loads_kg) or not reps:
            raise StridelabError("one load per set is needed")
        if rpe is not None and not 0 <= rpe <= 10:
            raise StridelabError(f"RPE must be between 0 and 10 (CR-10 scale), got {rpe:g}")
        with self.store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO workout_entry (day, exercise_id, target_reps, unit, rpe, note, "
                "logged_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (day.isoformat(), exercise_id, int(target_reps), unit, rpe, note,
                 datetime.now(timezone.utc).isoformat(timespec="seconds")))
            entry_id = int(cur.lastrowid)
            conn.executemany(
                "INSERT INTO workout_set (entry_id, set_no, reps, load_kg) VALUES (?, ?, ?, ?)",
                [(entry_id, i + 1, int(r), x) for i, (r, x) in enumerate(zip(reps, loads_kg,
                                                                             strict=True))])
        return self.get(entry_id)

    def get(self, entry_id: int) -> WorkoutEntry:
        """One entry by id."""
        row = self.store.conn.execute(
            "SELECT id, day, exercise_id, target_reps, unit, rpe, note FROM workout_entry "
            "WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise StridelabError(f"no workout entry {entry_id} in {self.path}")
        return self._entry(row)

    def _entry(self, row: tuple) -> WorkoutEntry:
        sets = self.store.conn.execute(
            "SELECT reps, load_kg FROM workout_set WHERE entry_id = ? ORDER BY set_no",
            (row[0],)).fetchall()
        return WorkoutEntry(id=row[0], day=date.fromisoformat(row[1]), exercise_id=row[2],
                            target_reps=row[3], unit=row[4],
                            reps=tuple(int(r) for r, _ in sets),
                            loads_kg=tuple(x for _, x in sets), rpe=row[5], note=row[6])

    def entries(self, exercise_id: str | None = None) -> list[WorkoutEntry]:
        """Entries oldest first (by day, then by the order they were logged)."""
        where, args = ("WHERE exercise_id = ?", (exercise_id,)) if exercise_id else ("", ())
        rows = self.store.conn.execute(
            "SELECT id, day, exercise_id, target_reps, unit, rpe, note FROM workout_entry "
            f"{where} ORDER BY day, id", args).fetchall()
        return [self._entry(r) for r in rows]

    def exercises(self) -> list[str]:
        """Ids of the exercises logged, in the order first logged."""
        rows = self.store.conn.execute(
            "SELECT exercise_id, MIN(day || printf('%010d', id)) AS first FROM workout_entry "
            "GROUP BY exercise_id ORDER BY first").fetchall()
        return [r[0] for r in rows]
