"""Accounts, athletes and analyses of the web app; training-log rows get an owner.

Revision ID: 0005
Revises: 0004

The command line's own rows keep ``athlete_id`` empty. A file's hash is now unique per
owner instead of in the whole database, so two athletes may import the same file and
neither learns that the other has it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

#: ``activity`` as revisions 0001-0004 (and stridelab 0.1's hand-written SQL) left it: SQLite
#: cannot drop a constraint in place, so the table is copied from this definition.
_ACTIVITY_0004 = sa.Table(
    "activity", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sha256", sa.Text, nullable=False),
    *(sa.Column(name, sa.Text, nullable=False)
      for name in ("source", "format", "decoder", "sport")),
    sa.Column("sub_sport", sa.Text),
    sa.Column("is_running", sa.Integer, nullable=False),
    sa.Column("start_utc", sa.Float, nullable=False),
    sa.Column("utc_offset_s", sa.Integer),
    *(sa.Column(name, sa.Float) for name in ("distance_m",)),
    sa.Column("distance_source", sa.Text),
    *(sa.Column(name, sa.Float) for name in (
        "elapsed_s", "timer_s", "moving_s", "elevation_gain_m", "avg_hr_bpm", "max_hr_bpm",
        "avg_cadence_spm", "pace_s_per_km")),
    sa.Column("has_gps", sa.Integer, nullable=False),
    sa.Column("has_running_dynamics", sa.Integer, nullable=False),
    sa.Column("device", sa.Text),
    *(sa.Column(name, sa.Text, nullable=False) for name in (
        "imported_at", "totals_json", "summary_json", "warnings_json")),
    sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("activity.id")),
    sa.Column("rpe", sa.Float),
    sa.UniqueConstraint("sha256", name="activity_sha256_key"),
    sa.Index("activity_start", "start_utc"),
)


def _owner() -> sa.Column:
    return sa.Column("athlete_id", sa.Integer,
                     sa.ForeignKey("athlete.id", name="fk_owner", ondelete="CASCADE"))


def upgrade() -> None:
    """Create the web app's tables and give the training log's rows an owner."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "athlete",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("user_id", sa.Integer,
                  sa.ForeignKey("user_account.id", ondelete="SET NULL")),
        sa.Column("clinician_id", sa.Integer,
                  sa.ForeignKey("user_account.id", ondelete="SET NULL")),
        sa.Column("height_m", sa.Float),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("last_used_at", sa.String(32)),
    )
    op.create_table(
        "analysis",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("athlete_id", sa.Integer, sa.ForeignKey("athlete.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("created_by", sa.Integer,
                  sa.ForeignKey("user_account.id", ondelete="SET NULL")),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("options_json", sa.Text, nullable=False),
        sa.Column("result_dir", sa.String(64), nullable=False),
        sa.Column("frames_done", sa.Integer, nullable=False),
        sa.Column("frames_total", sa.Integer),
        sa.Column("rate_fps", sa.Float),
        sa.Column("stage", sa.String(40)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("summary_json", sa.Text),
        sa.Column("findings_json", sa.Text),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("finished_at", sa.Float),
        sa.Column("recorded_on", sa.String(10)),
    )
    op.create_index("analysis_athlete", "analysis", ["athlete_id", "created_at"])
    op.create_index("analysis_status", "analysis", ["status"])
    op.create_table(
        "upload",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analysis.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )
    with op.batch_alter_table("activity", recreate="always" if sqlite else "never",
                              copy_from=_ACTIVITY_0004 if sqlite else None) as batch:
        batch.drop_constraint("activity_sha256_key", type_="unique")
        batch.add_column(_owner())
        batch.create_index("activity_owner_sha256", ["athlete_id", "sha256"])
    for table in ("workout_entry", "balance_session"):
        with op.batch_alter_table(table, recreate="always" if sqlite else "never") as batch:
            batch.add_column(_owner())
    op.execute("INSERT INTO schema_version (version) VALUES (5)")
