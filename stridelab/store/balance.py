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

from sqlalchemy import insert, select

from stridelab.errors import StridelabError
from stridelab.store import schema
from stridelab.store.db import LogPart, owned_by

B = schema.balance_session

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


_COLUMNS = tuple(B.c[name] for name in (
    "id", "day", "kind", "condition", "measures_json", "trial_values_json", "findings_json",
    "sources_json", "note"))


class BalanceLog(LogPart):
    """The balance part of a training log (:class:`~stridelab.store.db.LogPart`)."""

    def add(self, day: date, kind: str, condition: str, measures: dict[str, float],
            trial_values: dict[str, list[float]], findings: list[dict], sources: list[str],
            note: str | None = None) -> BalanceRecord:
        """Store one session's condition in a single transaction."""
        if kind not in KINDS:
            raise StridelabError(f"balance kind must be one of {', '.join(KINDS)}, got {kind!r}")
        with self.store.transaction() as conn:
            record_id = conn.execute(insert(B).values(
                day=day.isoformat(), kind=kind, condition=condition,
                measures_json=json.dumps(measures), trial_values_json=json.dumps(trial_values),
                findings_json=json.dumps(findings), sources_json=json.dumps(sources), note=note,
                stored_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                athlete_id=self.athlete_id,
            ).returning(B.c.id)).scalar_one()
        return self.get(record_id)

    def _mine(self):
        return owned_by(B.c.athlete_id, self.athlete_id)

    def get(self, record_id: int) -> BalanceRecord:
        """One of this owner's sessions by id."""
        with self.store.reading() as conn:
            row = conn.execute(select(*_COLUMNS).where(B.c.id == record_id,
                                                       self._mine())).first()
        if row is None:
            raise StridelabError(f"no balance session {record_id} in {self.path}")
        return _record(row)

    def sessions(self, kind: str | None = None,
                 condition: str | None = None) -> list[BalanceRecord]:
        """Sessions of this owner, oldest first (by day, then by the order they were stored)."""
        query = select(*_COLUMNS).where(self._mine())
        if kind is not None:
            query = query.where(B.c.kind == kind)
        if condition is not None:
            query = query.where(B.c.condition == condition)
        with self.store.reading() as conn:
            rows = conn.execute(query.order_by(B.c.day, B.c.id)).all()
        return [_record(r) for r in rows]

    def delete(self, record_id: int) -> None:
        """Remove one session (a test stored by mistake)."""
        self.get(record_id)
        with self.store.transaction() as conn:
            conn.execute(B.delete().where(B.c.id == record_id))


def _record(row) -> BalanceRecord:
    return BalanceRecord(id=row[0], day=date.fromisoformat(row[1]), kind=row[2],
                         condition=row[3], measures=json.loads(row[4]),
                         trial_values=json.loads(row[5]), findings=json.loads(row[6]),
                         sources=json.loads(row[7]), note=row[8])
