"""The training log: imported activities in the stridelab database.

One row per activity file (deduplicated per owner by the SHA-256 of its content) with the
totals the load guards use, the ``summary.json`` dict, and the per-record channels as
compressed arrays. Each file is stored in its own transaction, so a crash or a bad file
part-way through an import loses nothing already stored.

The database is a SQLite file in the user's data directory (``platformdirs.user_data_dir``)
unless a path or a PostgreSQL URL is given or ``STRIDELAB_DB`` is set, so a clinic can keep
one elsewhere (:mod:`stridelab.store.engine`). Rows of the command line's own runner have no
owner; the web app opens the log of one athlete (``athlete_id``).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Connection, and_, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from stridelab.errors import StridelabError
from stridelab.io.activity.model import Activity
from stridelab.store import schema
from stridelab.store.engine import (
    database_url,
    default_db_path,
    describe,
    engine_for,
    writing,
)
from stridelab.store.migrations import migrate

A = schema.activity
C = schema.channel

__all__ = ["DUPLICATE_DISTANCE_FRACTION", "DUPLICATE_START_S", "ActivityStore", "LogPart",
           "StoredActivity", "default_db_path"]
#: Channels kept in double precision (epoch seconds, degrees, cumulative metres).
_FLOAT64 = frozenset({"time_s", "lat_deg", "lon_deg", "distance_m"})
#: Two files of the same sport starting this close are the same run exported twice.
DUPLICATE_START_S = 60.0
#: ... if their distances also agree within this fraction.
DUPLICATE_DISTANCE_FRACTION = 0.05


@dataclass
class StoredActivity:
    """One row of the training log (without its record arrays)."""

    id: int
    sha256: str
    source: str
    format: str
    decoder: str
    sport: str
    sub_sport: str | None
    is_running: bool
    start_utc: datetime
    utc_offset_s: int | None
    distance_m: float | None
    distance_source: str | None
    elapsed_s: float | None
    timer_s: float | None
    moving_s: float | None
    elevation_gain_m: float | None
    avg_hr_bpm: float | None
    max_hr_bpm: float | None
    avg_cadence_spm: float | None
    pace_s_per_km: float | None
    has_gps: bool
    has_running_dynamics: bool
    device: str | None
    duplicate_of: int | None
    rpe: float | None
    warnings: list[str] = field(default_factory=list)

    @property
    def local_start(self) -> datetime:
        """Start in the file's local time, or this computer's time zone when unknown."""
        if self.utc_offset_s is not None:
            return self.start_utc.astimezone(timezone(timedelta(seconds=self.utc_offset_s)))
        return self.start_utc.astimezone()

    @property
    def duration_s(self) -> float:
        """Time used for load: moving time, else timer time, else elapsed time."""
        for value in (self.moving_s, self.timer_s, self.elapsed_s):
            if value:
                return float(value)
        return 0.0


_COLUMNS = ("id", "sha256", "source", "format", "decoder", "sport", "sub_sport", "is_running",
            "start_utc", "utc_offset_s", "distance_m", "distance_source", "elapsed_s",
            "timer_s", "moving_s", "elevation_gain_m", "avg_hr_bpm", "max_hr_bpm",
            "avg_cadence_spm", "pace_s_per_km", "has_gps", "has_running_dynamics", "device",
            "duplicate_of", "rpe", "warnings_json")


def _row(values: Any) -> StoredActivity:
    data = dict(zip(_COLUMNS, values, strict=True))
    data["warnings"] = json.loads(data.pop("warnings_json"))
    data["start_utc"] = datetime.fromtimestamp(data["start_utc"], tz=timezone.utc)
    for key in ("is_running", "has_gps", "has_running_dynamics"):
        data[key] = bool(data[key])
    return StoredActivity(**data)


def owned_by(column: Any, athlete_id: int | None) -> ColumnElement[bool]:
    """Rows of one owner: an athlete, or (``None``) the command line's own runner."""
    return column.is_(None) if athlete_id is None else column == athlete_id


class ActivityStore:
    """An open training log.

    Parameters
    ----------
    path
        SQLite file or database URL (``postgresql://...``); ``None`` for ``$STRIDELAB_DB``
        or :func:`default_db_path`. Created (a file with its folder) when missing and
        migrated to the latest schema.
    athlete_id
        Whose log: an athlete of the web app, or ``None`` for the command line's runner.
    """

    def __init__(self, path: str | Path | None = None, athlete_id: int | None = None) -> None:
        self.url = database_url(path)
        self.path = describe(self.url)
        self.athlete_id = athlete_id
        try:
            self.engine = engine_for(self.url)
            self.version = migrate(self.engine)
        except DBAPIError as exc:
            raise StridelabError(f"{self.path}: cannot open the training log: "
                                 f"{exc.orig or exc}") from exc

    def close(self) -> None:
        """Nothing to release: connections return to the process's pool after each use."""

    def __enter__(self) -> ActivityStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One atomic unit of work: committed on success, rolled back on any exception."""
        with writing(self.engine).begin() as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for queries."""
        with self.engine.connect() as conn:
            yield conn

    def _mine(self) -> ColumnElement[bool]:
        return owned_by(A.c.athlete_id, self.athlete_id)

    def find_hash(self, sha256: str, conn: Connection | None = None) -> int | None:
        """Id of this owner's activity imported from a file with this content hash, if any."""
        query = select(A.c.id).where(A.c.sha256 == sha256, self._mine())
        if conn is not None:
            return conn.execute(query).scalar()
        with self.reading() as c:
            return c.execute(query).scalar()

    def _same_run(self, conn: Connection, activity: Activity,
                  distance: float | None) -> int | None:
        start = activity.start_utc.timestamp()
        rows = conn.execute(
            select(A.c.id, A.c.distance_m)
            .where(A.c.sport == activity.sport, A.c.duplicate_of.is_(None), self._mine(),
                   A.c.start_utc.between(start - DUPLICATE_START_S, start + DUPLICATE_START_S))
            .order_by(A.c.id)).all()
        for other_id, other_distance in rows:
            if distance is None or other_distance is None:
                return int(other_id)
            if abs(distance - other_distance) <= DUPLICATE_DISTANCE_FRACTION * max(
                distance, other_distance
            ):
                return int(other_id)
        return None

    def add(
        self,
        activity: Activity,
        sha256: str,
        totals: dict[str, Any],
        summary: dict[str, Any],
    ) -> StoredActivity:
        """Store one activity and its channels in a single transaction.

        Parameters
        ----------
        activity
            The decoded activity.
        sha256
            Hash of the file content (the dedupe key, per owner).
        totals
            From :func:`stridelab.load.totals.activity_totals`.
        summary
            From :func:`stridelab.summary.build.watch_summary`.

        Raises
        ------
        StridelabError
            When this owner already has a file with this content.
        """
        with self.transaction() as conn:
            if self.find_hash(sha256, conn) is not None:
                raise StridelabError(f"{activity.source}: already in the training log")
            duplicate_of = self._same_run(conn, activity, totals.get("distance_m"))
            warnings = list(summary.get("warnings", []))
            if duplicate_of is not None:
                warnings.append(f"same run as activity {duplicate_of} (another export of it): "
                                "not counted twice")
            activity_id = conn.execute(insert(A).values(
                sha256=sha256, source=activity.source, format=activity.format,
                decoder=activity.decoder, sport=activity.sport, sub_sport=activity.sub_sport,
                is_running=int(activity.is_running), start_utc=activity.start_utc.timestamp(),
                utc_offset_s=activity.utc_offset_s,
                **{k: totals[k] for k in (
                    "distance_m", "distance_source", "elapsed_s", "timer_s", "moving_s",
                    "elevation_gain_m", "avg_hr_bpm", "max_hr_bpm", "avg_cadence_spm",
                    "pace_s_per_km")},
                has_gps=int(activity.has_gps),
                has_running_dynamics=int(activity.has_running_dynamics),
                device=activity.device,
                imported_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                totals_json=json.dumps(activity.totals), summary_json=json.dumps(summary),
                warnings_json=json.dumps(warnings), duplicate_of=duplicate_of,
                athlete_id=self.athlete_id,
            ).returning(A.c.id)).scalar_one()
            if activity.records:
                conn.execute(insert(C), [
                    {"activity_id": activity_id, "name": name,
                     **dict(zip(("dtype", "n", "data"), _encode(name, values), strict=True))}
                    for name, values in activity.records.items()])
        return self.get(activity_id)

    def get(self, activity_id: int) -> StoredActivity:
        """One of this owner's activities by id; :class:`StridelabError` when there is none."""
        with self.reading() as conn:
            row = conn.execute(select(*(A.c[c] for c in _COLUMNS))
                               .where(A.c.id == activity_id, self._mine())).first()
        if row is None:
            raise StridelabError(f"no activity {activity_id} in the training log {self.path}")
        return _row(row)

    def activities(
        self, include_non_running: bool = True, include_duplicates: bool = False
    ) -> list[StoredActivity]:
        """All of this owner's activities, oldest first.

        Parameters
        ----------
        include_non_running
            Also walks, rides, paddling and unknown sports.
        include_duplicates
            Also second exports of a run already in the log.
        """
        where = [self._mine()]
        if not include_non_running:
            where.append(A.c.is_running == 1)
        if not include_duplicates:
            where.append(A.c.duplicate_of.is_(None))
        with self.reading() as conn:
            rows = conn.execute(select(*(A.c[c] for c in _COLUMNS)).where(and_(*where))
                                .order_by(A.c.start_utc, A.c.id)).all()
        return [_row(r) for r in rows]

    def count(self) -> int:
        """Return the number of this owner's stored activities."""
        with self.reading() as conn:
            return int(conn.execute(select(func.count()).select_from(A)
                                    .where(self._mine())).scalar_one())

    def summary(self, activity_id: int) -> dict[str, Any]:
        """Return the stored ``summary.json`` dict of one activity."""
        self.get(activity_id)
        with self.reading() as conn:
            text = conn.execute(select(A.c.summary_json).where(A.c.id == activity_id)).scalar()
        return json.loads(text)

    def records(self, activity_id: int) -> dict[str, np.ndarray]:
        """Return the per-record channels of one activity."""
        self.get(activity_id)
        with self.reading() as conn:
            rows = conn.execute(select(C.c.name, C.c.dtype, C.c.n, C.c.data)
                                .where(C.c.activity_id == activity_id)).all()
        return {name: _decode(dtype, n, bytes(data)) for name, dtype, n, data in rows}

    def set_sport(self, activity_id: int, sport: str) -> None:
        """Correct the sport of an activity (e.g. a GPX without a type)."""
        self.get(activity_id)
        with self.transaction() as conn:
            conn.execute(update(A).where(A.c.id == activity_id)
                         .values(sport=sport, is_running=int(sport == "running")))

    def set_rpe(self, activity_id: int, rpe: float | None) -> None:
        """Record the session RPE (CR-10 scale) for Foster's session load."""
        self.get(activity_id)
        if rpe is not None and not 0 <= rpe <= 10:
            raise StridelabError(f"RPE must be between 0 and 10 (CR-10 scale), got {rpe}")
        with self.transaction() as conn:
            conn.execute(update(A).where(A.c.id == activity_id).values(rpe=rpe))


def _encode(name: str, values: np.ndarray) -> tuple[str, int, bytes]:
    dtype = "<f8" if name in _FLOAT64 else "<f4"
    array = np.ascontiguousarray(values, dtype=dtype)
    return dtype, int(array.size), zlib.compress(array.tobytes(), 1)


def _decode(dtype: str, n: int, data: bytes) -> np.ndarray:
    array = np.frombuffer(zlib.decompress(data), dtype=dtype, count=n)
    return array.astype(float)


class LogPart:
    """One part of the training log (workouts, balance sessions) over an :class:`ActivityStore`.

    Parameters
    ----------
    path
        Database file or URL (``None``: ``$STRIDELAB_DB`` or the user's data directory),
        migrated to the latest schema when opened.
    athlete_id
        Whose log (``None``: the command line's runner).
    """

    def __init__(self, path: str | Path | None = None, athlete_id: int | None = None) -> None:
        self.store = ActivityStore(path, athlete_id)
        self.path = self.store.path
        self.athlete_id = athlete_id

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
