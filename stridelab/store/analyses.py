"""Analyses of uploaded files, and the state of their jobs, in the stridelab database.

An analysis is created with its uploaded files in one transaction, ``queued``. A worker
claims it (``running``, one more attempt), reports its progress, and ends it ``done`` (with
the summary and findings kept for the athlete's trends), ``failed`` (with the reason) or
``cancelled``. After a server restart, analyses left ``running`` are queued again once
(:func:`Analyses.recover`); one stopped by restarts twice is failed with that reason. The
files themselves live in the web app's data folder; only their random names are here.
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from stridelab.store import schema
from stridelab.store.accounts import NotFoundError
from stridelab.store.db import ActivityStore
from stridelab.store.engine import writing

AN = schema.analysis
UP = schema.upload
#: States an analysis does not leave.
FINAL = ("done", "failed", "cancelled")
#: An analysis interrupted by this many server restarts is failed, not tried again.
MAX_ATTEMPTS = 2
# The reads of every page, built once: SQLAlchemy then only binds the values.
_GET = select(AN).where(AN.c.id == bindparam("analysis_id"))
_FOR_ATHLETE = (select(AN).where(AN.c.athlete_id == bindparam("athlete_id"))
                .order_by(AN.c.created_at.desc(), AN.c.id.desc()))
_UPLOADS = select(UP).where(UP.c.analysis_id == bindparam("analysis_id")).order_by(UP.c.id)
_LIGHT = [c for c in AN.c if c.name not in ("summary_json", "findings_json")]
_RANKED = (select(*_LIGHT, func.row_number().over(
    partition_by=AN.c.athlete_id, order_by=(AN.c.created_at.desc(), AN.c.id.desc()))
    .label("rank")).where(AN.c.athlete_id.in_(bindparam("athlete_ids", expanding=True)))
    .subquery())
_LATEST = select(*(_RANKED.c[c.name] for c in _LIGHT)).where(_RANKED.c.rank == 1)


@dataclass(frozen=True)
class AnalysisRow:
    """One analysis as stored (``summary`` and ``findings`` once done)."""

    id: int
    athlete_id: int
    title: str
    kind: str
    status: str
    options: dict[str, Any]
    result_dir: str
    frames_done: int
    frames_total: int | None
    rate_fps: float | None
    stage: str | None
    attempts: int
    error: str | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    recorded_on: str | None
    summary_json: str | None = field(default=None, repr=False)
    findings_json: str | None = field(default=None, repr=False)

    @functools.cached_property
    def summary(self) -> dict[str, Any] | None:
        """The summary of a finished analysis (decoded when first asked for)."""
        return json.loads(self.summary_json) if self.summary_json else None

    @functools.cached_property
    def findings(self) -> list[dict] | None:
        """The findings of a finished analysis (decoded when first asked for)."""
        return json.loads(self.findings_json) if self.findings_json else None

    @property
    def final(self) -> bool:
        """Whether the analysis has ended (done, failed or cancelled)."""
        return self.status in FINAL

    def progress(self) -> dict[str, Any]:
        """What a progress bar shows: state, stage, frames done of total, rate."""
        return {"id": self.id, "status": self.status, "stage": self.stage,
                "frames_done": self.frames_done, "frames_total": self.frames_total,
                "rate_fps": self.rate_fps, "error": self.error}


@dataclass(frozen=True)
class UploadRow:
    """One uploaded file: its name as given (shown only) and as stored (random)."""

    id: int
    analysis_id: int
    original_name: str
    stored_name: str
    kind: str
    size_bytes: int
    sha256: str


def _analysis(row) -> AnalysisRow:
    # summary and findings (tens of kB each) are decoded only when read: lists, progress and
    # the athlete list need neither
    data = dict(row._mapping)
    data["options"] = json.loads(data.pop("options_json"))
    data.pop("created_by")
    return AnalysisRow(**data)


class Analyses:
    """The analyses table.

    Parameters
    ----------
    db
        SQLite file or database URL.
    """

    def __init__(self, db: str | Path | None = None) -> None:
        self.engine = ActivityStore(db).engine

    def create(self, athlete_id: int, created_by: int | None, title: str, kind: str,
               options: dict[str, Any], result_dir: str, files: list[dict[str, Any]]) -> int:
        """Store a new queued analysis and its files (dicts of :class:`UploadRow` fields)."""
        with writing(self.engine).begin() as conn:
            analysis_id = conn.execute(insert(AN).values(
                athlete_id=athlete_id, created_by=created_by, title=title[:300], kind=kind,
                status="queued", options_json=json.dumps(options), result_dir=result_dir,
                frames_done=0, attempts=0, created_at=time.time(),
            ).returning(AN.c.id)).scalar_one()
            conn.execute(insert(UP), [{**f, "analysis_id": analysis_id} for f in files])
        return analysis_id

    def get(self, analysis_id: int) -> AnalysisRow:
        """One analysis by id (:class:`NotFoundError` when there is none)."""
        with self.engine.connect() as conn:
            row = conn.execute(_GET, {"analysis_id": analysis_id}).first()
        if row is None:
            raise NotFoundError(f"no analysis {analysis_id}")
        return _analysis(row)

    def for_athlete(self, athlete_id: int) -> list[AnalysisRow]:
        """An athlete's analyses, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(_FOR_ATHLETE, {"athlete_id": athlete_id})
            return [_analysis(r) for r in rows]

    def latest_for(self, athlete_ids: list[int]) -> dict[int, AnalysisRow]:
        """The newest analysis of each of these athletes (those with one), in one query.

        The same row as ``for_athlete(a)[0]`` (newest created, then highest id), without
        its summary and findings (a list shows neither).
        """
        if not athlete_ids:
            return {}
        with self.engine.connect() as conn:
            rows = [_analysis(r) for r in conn.execute(
                _LATEST, {"athlete_ids": sorted(set(athlete_ids))})]
        return {r.athlete_id: r for r in rows}

    def uploads(self, analysis_id: int) -> list[UploadRow]:
        """The files of one analysis, in the order uploaded."""
        with self.engine.connect() as conn:
            rows = conn.execute(_UPLOADS, {"analysis_id": analysis_id})
            return [UploadRow(**r._mapping) for r in rows]

    def upload(self, upload_id: int) -> UploadRow:
        """One file by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(UP).where(UP.c.id == upload_id)).first()
        if row is None:
            raise NotFoundError(f"no file {upload_id}")
        return UploadRow(**row._mapping)

    def claim_next(self) -> AnalysisRow | None:
        """Take the oldest queued analysis for a worker (``running``), or ``None``."""
        with writing(self.engine).begin() as conn:
            row = conn.execute(select(AN.c.id, AN.c.attempts).where(AN.c.status == "queued")
                               .order_by(AN.c.created_at, AN.c.id).limit(1)).first()
            if row is None:
                return None
            claimed = conn.execute(update(AN).where(AN.c.id == row.id,
                                                    AN.c.status == "queued").values(
                status="running", attempts=row.attempts + 1, started_at=time.time(),
                frames_done=0, stage="starting"))
            if claimed.rowcount != 1:
                return None
        return self.get(row.id)

    def progress(self, analysis_id: int, stage: str, done: int, total: int | None,
                 rate_fps: float | None) -> None:
        """Record how far a running analysis is."""
        label = stage if len(stage) <= 40 else stage[:39] + "…"
        with writing(self.engine).begin() as conn:
            conn.execute(update(AN).where(AN.c.id == analysis_id, AN.c.status == "running")
                         .values(stage=label, frames_done=int(done),
                                 frames_total=None if total is None else int(total),
                                 rate_fps=rate_fps))

    def finish(self, analysis_id: int, summary: dict[str, Any], findings: list[dict],
               recorded_on: str | None = None) -> None:
        """Mark done, keeping the summary and findings for trends."""
        self._end(analysis_id, "done", summary_json=json.dumps(summary),
                  findings_json=json.dumps(findings), recorded_on=recorded_on, stage="done")

    def fail(self, analysis_id: int, reason: str) -> None:
        """Mark failed with the reason (one line, shown to the user)."""
        self._end(analysis_id, "failed", error=reason.strip().splitlines()[0][:2000]
                  if reason.strip() else "failed")

    def cancel(self, analysis_id: int) -> bool:
        """Cancel a queued or running analysis; whether it was still going."""
        return self._end(analysis_id, "cancelled", error="cancelled by the user")

    def _end(self, analysis_id: int, status: str, **values: Any) -> bool:
        with writing(self.engine).begin() as conn:
            done = conn.execute(update(AN).where(AN.c.id == analysis_id,
                                                 AN.c.status.not_in(FINAL))
                                .values(status=status, finished_at=time.time(), **values))
        return done.rowcount == 1

    def status(self, analysis_id: int) -> str:
        """The current state of one analysis."""
        with self.engine.connect() as conn:
            value = conn.execute(select(AN.c.status).where(AN.c.id == analysis_id)).scalar()
        if value is None:
            raise NotFoundError(f"no analysis {analysis_id}")
        return value

    def recover(self, max_attempts: int = MAX_ATTEMPTS) -> dict[int, str]:
        """After a restart: queue again what was running, or fail it; what was done to each."""
        outcome: dict[int, str] = {}
        with writing(self.engine).begin() as conn:
            rows = conn.execute(select(AN.c.id, AN.c.attempts)
                                .where(AN.c.status == "running")).all()
            for row in rows:
                if row.attempts >= max_attempts:
                    conn.execute(update(AN).where(AN.c.id == row.id).values(
                        status="failed", finished_at=time.time(),
                        error=f"the server stopped during this analysis {row.attempts} "
                              "times; the uploaded files are kept: upload them again or "
                              "ask an admin"))
                    outcome[row.id] = "failed"
                else:
                    conn.execute(update(AN).where(AN.c.id == row.id).values(
                        status="queued", stage="resumed after a server restart",
                        frames_done=0))
                    outcome[row.id] = "queued"
        return outcome
