"""The workout log: strength & balance sessions in the training-log database.

Tables ``workout_entry`` (one exercise done on one day, with its target and RPE) and
``workout_set`` (reps and load per set) come with schema migration 3
(:mod:`stridelab.store.migrations`). Each entry is written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import insert, select

from stridelab.errors import StridelabError
from stridelab.store import schema
from stridelab.store.db import LogPart, owned_by

E = schema.workout_entry
S = schema.workout_set

_ENTRY = (E.c.id, E.c.day, E.c.exercise_id, E.c.target_reps, E.c.unit, E.c.rpe, E.c.note)


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
            entry_id = conn.execute(insert(E).values(
                day=day.isoformat(), exercise_id=exercise_id, target_reps=int(target_reps),
                unit=unit, rpe=rpe, note=note, athlete_id=self.athlete_id,
                logged_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            ).returning(E.c.id)).scalar_one()
            conn.execute(insert(S), [
                {"entry_id": entry_id, "set_no": i + 1, "reps": int(r), "load_kg": x}
                for i, (r, x) in enumerate(zip(reps, loads_kg, strict=True))])
        return self.get(entry_id)

    def get(self, entry_id: int) -> WorkoutEntry:
        """One of this owner's entries by id."""
        with self.store.reading() as conn:
            row = conn.execute(select(*_ENTRY).where(E.c.id == entry_id, self._mine())).first()
            if row is None:
                raise StridelabError(f"no workout entry {entry_id} in {self.path}")
            return _entry(conn, row)

    def _mine(self):
        return owned_by(E.c.athlete_id, self.athlete_id)

    def entries(self, exercise_id: str | None = None) -> list[WorkoutEntry]:
        """Entries of this owner, oldest first (by day, then by the order they were logged)."""
        query = select(*_ENTRY).where(self._mine())
        if exercise_id:
            query = query.where(E.c.exercise_id == exercise_id)
        with self.store.reading() as conn:
            rows = conn.execute(query.order_by(E.c.day, E.c.id)).all()
            sets = _sets_of(conn, [r[0] for r in rows])
        return [_from_row(r, sets.get(r[0], [])) for r in rows]

    def exercises(self) -> list[str]:
        """Ids of the exercises logged, in the order first logged."""
        with self.store.reading() as conn:
            rows = conn.execute(select(E.c.exercise_id).where(self._mine())
                                .order_by(E.c.day, E.c.id)).scalars()
            return list(dict.fromkeys(rows))

    def delete(self, entry_id: int) -> None:
        """Remove one entry and its sets (logged by mistake)."""
        self.get(entry_id)
        with self.store.transaction() as conn:
            conn.execute(S.delete().where(S.c.entry_id == entry_id))
            conn.execute(E.delete().where(E.c.id == entry_id))


def _sets_of(conn, entry_ids: list[int]) -> dict[int, list[tuple]]:
    """The ``(reps, load_kg)`` of each entry's sets in order, by entry id: one query."""
    out: dict[int, list[tuple]] = {}
    for start in range(0, len(entry_ids), 500):  # bounded IN lists
        chunk = entry_ids[start:start + 500]
        rows = conn.execute(select(S.c.entry_id, S.c.reps, S.c.load_kg)
                            .where(S.c.entry_id.in_(chunk))
                            .order_by(S.c.entry_id, S.c.set_no)).all()
        for entry_id, reps, load in rows:
            out.setdefault(entry_id, []).append((reps, load))
    return out


def _from_row(row, sets: list[tuple]) -> WorkoutEntry:
    return WorkoutEntry(id=row[0], day=date.fromisoformat(row[1]), exercise_id=row[2],
                        target_reps=row[3], unit=row[4],
                        reps=tuple(int(r) for r, _ in sets),
                        loads_kg=tuple(x for _, x in sets), rpe=row[5], note=row[6])


def _entry(conn, row) -> WorkoutEntry:
    return _from_row(row, _sets_of(conn, [row[0]]).get(row[0], []))
