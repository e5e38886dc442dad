"""Numbered schema migrations for the training-log database.

Each migration is a list of SQL statements applied in one transaction together with the
new ``schema_version``; a database is brought up to date when it is opened. A database
written by a newer stridelab (higher version than known here) is refused, not altered.
"""

from __future__ import annotations

import sqlite3

from stridelab.errors import StridelabError

MIGRATIONS: dict[int, list[str]] = {
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

LATEST = max(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    """Return the schema version of an open database (0 for an empty one)."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration newer than the database's version.

    Parameters
    ----------
    conn
        An open connection in autocommit mode (``isolation_level=None``).

    Returns
    -------
    int
        The schema version after migrating.

    Raises
    ------
    StridelabError
        When the database comes from a newer stridelab.
    """
    version = current_version(conn)
    if version > LATEST:
        raise StridelabError(
            f"the training log has schema version {version}, newer than this stridelab "
            f"knows ({LATEST}): update stridelab")
    for number in sorted(n for n in MIGRATIONS if n > version):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return current_version(conn)
