"""The training log: an SQLite database of imported activities.

One row per activity file (deduplicated by the SHA-256 of its content) with the totals the
load guards use, the ``summary.json`` dict, and the per-record channels as compressed
arrays. Each file is stored in its own transaction, so a crash or a bad file part-way
through an import loses nothing already stored.

The database lives in the user's data directory (``platformdirs.user_data_dir``) unless a
path is given or ``STRIDELAB_DB`` is set, so a clinic can keep one elsewhere.
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.errors import StridelabError
from stridelab.io.activity.model import Activity
from stridelab.store.migrations import migrate

#: Channels kept in double precision (epoch seconds, degrees, cumulative metres).
_FLOAT64 = frozenset({"time_s", "lat_deg", "lon_deg", "distance_m"})
#: Two files of the same sport starting this close are the same run exported twice.
DUPLICATE_START_S = 60.0
#: ... if their distances also agree within this fraction.
DUPLICATE_DISTANCE_FRACTION = 0.05


def default_db_path() -> Path:
    """``$STRIDELAB_DB`` or ``<user data dir>/stridelab/training_log.sqlite``."""
    env = os.environ.get("STRIDELAB_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("stridelab")) / "training_log.sqlite"


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


_COLUMNS = (
    "id, sha256, source, format, decoder, sport, sub_sport, is_running, start_utc, "
    "utc_offset_s, distance_m, distance_source, elapsed_s, timer_s, moving_s, "
    "elevation_gain_m, avg_hr_bpm, max_hr_bpm, avg_cadence_spm, pace_s_per_km, has_gps, "
    "has_running_dynamics, device, duplicate_of, rpe, warnings_json"
)


def _row(values: tuple) -> StoredActivity:
    data = dict(zip([c.strip() for c in _COLUMNS.split(",")], values, strict=True))
    data["warnings"] = json.loads(data.pop("warnings_json"))
    data["start_utc"] = datetime.fromtimestamp(data["start_utc"], tz=timezone.utc)
    for key in ("is_running", "has_gps", "has_running_dynamics"):
        data[key] = bool(data[key])
    return StoredActivity(**data)


class ActivityStore:
    """An open training log.

    Parameters
    ----------
    path
        Database file; ``None`` for :func:`default_db_path`. Created (with its folder)
        when missing and migrated to the latest schema.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.version = migrate(self.conn)
        except sqlite3.DatabaseError as exc:
            raise StridelabError(f"{self.path}: cannot open the training log: {exc}") from exc

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> ActivityStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: committed on success, rolled back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def find_hash(self, sha256: str) -> int | None:
        """Id of the activity imported from a file with this content hash, if any."""
        row = self.conn.execute("SELECT id FROM activity WHERE sha256 = ?", (sha256,)).fetchone()
        return int(row[0]) if row else None

    def _same_run(self, activity: Activity, distance: float | None) -> int | None:
        start = activity.start_utc.timestamp()
        rows = self.conn.execute(
            "SELECT id, distance_m FROM activity WHERE sport = ? AND duplicate_of IS NULL "
            "AND start_utc BETWEEN ? AND ? ORDER BY id",
            (activity.sport, start - DUPLICATE_START_S, start + DUPLICATE_START_S),
        ).fetchall()
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
            Hash of the file content (the dedupe key).
        totals
            From :func:`stridelab.load.totals.activity_totals`.
        summary
            From :func:`stridelab.summary.build.watch_summary`.
        """
        with self.transaction() as conn:
            duplicate_of = self._same_run(activity, totals.get("distance_m"))
            warnings = list(summary.get("warnings", []))
            if duplicate_of is not None:
                warnings.append(f"same run as activity {duplicate_of} (another export of it): "
                                "not counted twice")
            cursor = conn.execute(
                "INSERT INTO activity (sha256, source, format, decoder, sport, sub_sport, "
                "is_running, start_utc, utc_offset_s, distance_m, distance_source, elapsed_s, "
                "timer_s, moving_s, elevation_gain_m, avg_hr_bpm, max_hr_bpm, avg_cadence_spm, "
                "pace_s_per_km, has_gps, has_running_dynamics, device, imported_at, "
                "totals_json, summary_json, warnings_json, duplicate_of) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sha256, activity.source, activity.format, activity.decoder, activity.sport,
                    activity.sub_sport, int(activity.is_running),
                    activity.start_utc.timestamp(), activity.utc_offset_s,
                    totals["distance_m"], totals["distance_source"], totals["elapsed_s"],
                    totals["timer_s"], totals["moving_s"], totals["elevation_gain_m"],
                    totals["avg_hr_bpm"], totals["max_hr_bpm"], totals["avg_cadence_spm"],
                    totals["pace_s_per_km"], int(activity.has_gps),
                    int(activity.has_running_dynamics), activity.device,
                    datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    json.dumps(activity.totals), json.dumps(summary), json.dumps(warnings),
                    duplicate_of,
                ),
            )
            activity_id = int(cursor.lastrowid)
            conn.executemany(
                "INSERT INTO channel (activity_id, name, dtype, n, data) VALUES (?, ?, ?, ?, ?)",
                [(activity_id, name, *_encode(name, values))
                 for name, values in activity.records.items()],
            )
        return self.get(activity_id)

    def get(self, activity_id: int) -> StoredActivity:
        """One activity by id; :class:`StridelabError` when there is none."""
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM activity WHERE id = ?", (activity_id,)).fetchone()
        if row is None:
            raise StridelabError(f"no activity {activity_id} in the training log {self.path}")
        return _row(row)

    def activities(
        self, include_non_running: bool = True, include_duplicates: bool = False
    ) -> list[StoredActivity]:
        """All activities, oldest first.

        Parameters
        ----------
        include_non_running
            Also walks, rides, paddling and unknown sports.
        include_duplicates
            Also second exports of a run already in the log.
        """
        where = []
        if not include_non_running:
            where.append("is_running = 1")
        if not include_duplicates:
            where.append("duplicate_of IS NULL")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM activity{clause} ORDER BY start_utc, id").fetchall()
        return [_row(r) for r in rows]

    def count(self) -> int:
        """Return the number of stored activities."""
        return int(self.conn.execute("SELECT COUNT(*) FROM activity").fetchone()[0])

    def summary(self, activity_id: int) -> dict[str, Any]:
        """Return the stored ``summary.json`` dict of one activity."""
        self.get(activity_id)
        row = self.conn.execute(
            "SELECT summary_json FROM activity WHERE id = ?", (activity_id,)).fetchone()
        return json.loads(row[0])

    def records(self, activity_id: int) -> dict[str, np.ndarray]:
        """Return the per-record channels of one activity."""
        self.get(activity_id)
        rows = self.conn.execute(
            "SELECT name, dtype, n, data FROM channel WHERE activity_id = ?", (activity_id,))
        return {name: _decode(dtype, n, data) for name, dtype, n, data in rows}

    def set_sport(self, activity_id: int, sport: str) -> None:
        """Correct the sport of an activity (e.g. a GPX without a type)."""
        self.get(activity_id)
        with self.transaction() as conn:
            conn.execute("UPDATE activity SET sport = ?, is_running = ? WHERE id = ?",
                         (sport, int(sport == "running"), activity_id))

    def set_rpe(self, activity_id: int, rpe: float | None) -> None:
        """Record the session RPE (CR-10 scale) for Foster's session load."""
        self.get(activity_id)
        if rpe is not None and not 0 <= rpe <= 10:
            raise StridelabError(f"RPE must be between 0 and 10 (CR-10 scale), got {rpe}")
        with self.transaction() as conn:
            conn.execute("UPDATE activity SET rpe = ? WHERE id = ?", (rpe, activity_id))


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
        Database file (``None``: ``$STRIDELAB_DB`` or the user's data directory), migrated
        to the latest schema when opened.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.store = ActivityStore(path)
        self.path = self.store.path

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
