"""The database's tables as they are after the latest migration (SQLAlchemy Core).

The training log (``activity``, ``channel``, ``workout_entry``, ``workout_set``,
``balance_session``) is shared by the command line and the web app. Rows of the command
line's own runner have no ``athlete_id``; the web app's rows belong to an ``athlete``. The
web app adds accounts (``user_account``, ``web_session``, ``api_token``), ``athlete`` and
the analyses of uploaded files (``analysis``, ``upload``). Changes to these tables are made
by a new revision in ``stridelab/store/revisions/versions``, never here alone.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

user_account = Table(
    "user_account", metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),  # runner, clinician, admin
    Column("password_hash", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
)

athlete = Table(
    "athlete", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("user_id", Integer, ForeignKey("user_account.id", ondelete="SET NULL")),
    Column("clinician_id", Integer, ForeignKey("user_account.id", ondelete="SET NULL")),
    Column("height_m", Float),
    Column("created_at", String(32), nullable=False),
)

activity = Table(
    "activity", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("decoder", Text, nullable=False),
    Column("sport", Text, nullable=False),
    Column("sub_sport", Text),
    Column("is_running", Integer, nullable=False),
    Column("start_utc", Float, nullable=False),
    Column("utc_offset_s", Integer),
    Column("distance_m", Float),
    Column("distance_source", Text),
    Column("elapsed_s", Float),
    Column("timer_s", Float),
    Column("moving_s", Float),
    Column("elevation_gain_m", Float),
    Column("avg_hr_bpm", Float),
    Column("max_hr_bpm", Float),
    Column("avg_cadence_spm", Float),
    Column("pace_s_per_km", Float),
    Column("has_gps", Integer, nullable=False),
    Column("has_running_dynamics", Integer, nullable=False),
    Column("device", Text),
    Column("imported_at", Text, nullable=False),
    Column("totals_json", Text, nullable=False),
    Column("summary_json", Text, nullable=False),
    Column("warnings_json", Text, nullable=False),
    Column("duplicate_of", Integer, ForeignKey("activity.id")),
    Column("rpe", Float),
    Column("athlete_id", Integer, ForeignKey("athlete.id", ondelete="CASCADE")),
    Index("activity_start", "start_utc"),
    Index("activity_owner_sha256", "athlete_id", "sha256"),
)

channel = Table(
    "channel", metadata,
    Column("activity_id", Integer, ForeignKey("activity.id", ondelete="CASCADE"),
           primary_key=True),
    Column("name", Text, primary_key=True),
    Column("dtype", Text, nullable=False),
    Column("n", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

workout_entry = Table(
    "workout_entry", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Text, nullable=False),
    Column("exercise_id", Text, nullable=False),
    Column("target_reps", Integer, nullable=False),
    Column("unit", Text, nullable=False),
    Column("rpe", Float),
    Column("note", Text),
    Column("logged_at", Text, nullable=False),
    Column("athlete_id", Integer, ForeignKey("athlete.id", ondelete="CASCADE")),
    Index("workout_entry_exercise", "exercise_id", "day"),
)

workout_set = Table(
    "workout_set", metadata,
    Column("entry_id", Integer, ForeignKey("workout_entry.id", ondelete="CASCADE"),
           primary_key=True),
    Column("set_no", Integer, primary_key=True),
    Column("reps", Integer, nullable=False),
    Column("load_kg", Float),
)

balance_session = Table(
    "balance_session", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("condition", Text, nullable=False),
    Column("measures_json", Text, nullable=False),
    Column("trial_values_json", Text, nullable=False),
    Column("findings_json", Text, nullable=False),
    Column("sources_json", Text, nullable=False),
    Column("note", Text),
    Column("stored_at", Text, nullable=False),
    Column("athlete_id", Integer, ForeignKey("athlete.id", ondelete="CASCADE")),
    Index("balance_session_condition", "kind", "condition", "day"),
)

web_session = Table(
    "web_session", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
           nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

api_token = Table(
    "api_token", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
           nullable=False),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("last_used_at", String(32)),
)

analysis = Table(
    "analysis", metadata,
    Column("id", Integer, primary_key=True),
    Column("athlete_id", Integer, ForeignKey("athlete.id", ondelete="CASCADE"),
           nullable=False),
    Column("created_by", Integer, ForeignKey("user_account.id", ondelete="SET NULL")),
    Column("title", String(300), nullable=False),
    Column("kind", String(20), nullable=False),  # video, mocap, watch
    Column("status", String(20), nullable=False),  # queued running done failed cancelled
    Column("options_json", Text, nullable=False),
    Column("result_dir", String(64), nullable=False),  # random name under the data folder
    Column("frames_done", Integer, nullable=False, default=0),
    Column("frames_total", Integer),
    Column("rate_fps", Float),
    Column("stage", String(40)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("summary_json", Text),
    Column("findings_json", Text),
    Column("created_at", Float, nullable=False),
    Column("started_at", Float),
    Column("finished_at", Float),
    Column("recorded_on", String(10)),
    Index("analysis_athlete", "athlete_id", "created_at"),
    Index("analysis_status", "status"),
)

upload = Table(
    "upload", metadata,
    Column("id", Integer, primary_key=True),
    Column("analysis_id", Integer, ForeignKey("analysis.id", ondelete="CASCADE"),
           nullable=False),
    Column("original_name", String(255), nullable=False),
    Column("stored_name", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
)
