"""The balance log: balance test sessions in the training-log database.

Table ``balance_session`` (schema migration 4, :mod:`stridelab.store.migrations`): one row
per session day, kind (``posturography``, ``ybalance``) and condition (``"double, eyes
open"``, ``"single L, eyes open"``, ``"ybalance"``), with the session's measures, the
per-trial values (for the runner's own measurement error), its findings and the files it
came from. Each row is written in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

from stridelab.errors import StridelabError
from stridelab.store.db import LogPart

KINDS = ("posturography", "ybalance")


@dataclass(frozen=True)
class BalanceRecord:
    """One stored balance session (one condition).

    Attributes
    ----------
    id
        Row id.
    day
        Day of the test.
    kind
        ``"posturography"`` or ``"ybalance"``.
    condition
        The test condition.
    measures
        Measure -> session value (mean over trials; best hold).
    trial_values
        Measure -> the value of each trial.
    findings
        The findings as dicts (``Finding.to_dict``).
    sources
        The files measured.
    note
        Free text, optional.
    """

    id: int
    day: date
    kind: str
    condition: str
    measures: dict[str, float]
    trial_values: dict[str, list[float]]
    findings: list[dict]
    sources: list[str]
    note: str | None


_COLUMNS = ("id, day, kind, condition, measures_json, trial_values_json, findings_json, "
            "sources_json, note")


class BalanceLog(LogPart):
    """The balance part of a training log (:class:`~stridelab.store.db.LogPart`)."""

    def add(self, day: date, kind: str, condition: str, measures: dict[str, float],
            trial_values: dict[str, list[float]], findings: list[dict], sources: list[str],
            note: str | None = None) -> BalanceRecord:
        """Store one session's condition in a single transaction."""
        if kind not in KINDS:
            raise StridelabError(f"balance kind must be one of {', '.join(KINDS)}, got {kind!r}")
        with self.store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO balance_session (day, kind, condition, measures_json, "
                "trial_values_json, findings_json, sources_json, note, stored_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (day.isoformat(), kind, condition, json.dumps(measures),
                 json.dumps(trial_values), json.dumps(findings), json.dumps(sources), note,
                 datetime.now(timezone.utc).isoformat(timespec="seconds")))
        return self.get(int(cur.lastrowid))

    def get(self, record_id: int) -> BalanceRecord:
        """One session by id."""
        row = self.store.conn.execute(
            f"SELECT {_COLUMNS} FROM balance_session WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise StridelabError(f"no balance session {record_id} in {self.path}")
        return _record(row)

    def sessions(self, kind: str | None = None,
                 condition: str | None = None) -> list[BalanceRecord]:
        """Sessions oldest first (by day, then by the order they were stored)."""
        where, args = [], []
        for column, value in (("kind", kind), ("condition", condition)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self.store.conn.execute(
            f"SELECT {_COLUMNS} FROM balance_session{clause} ORDER BY day, id", args).fetchall()
        return [_record(r) for r in rows]

    def delete(self, record_id: int) -> None:
        """Remove one session (a test stored by mistake)."""
        self.get(record_id)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM balance_session WHERE id = ?", (record_id,))


def _record(row: tuple) -> BalanceRecord:
    return BalanceRecord(id=row[0], day=date.fromisoformat(row[1]), kind=row[2],
                         condition=row[3], measures=json.loads(row[4]),
                         trial_values=json.loads(row[5]), findings=json.loads(row[6]),
                         sources=json.loads(row[7]), note=row[8])
