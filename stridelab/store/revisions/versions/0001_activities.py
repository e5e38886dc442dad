"""Activities and their record channels (stridelab 0.1 schema version 1).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``activity``, ``channel`` and ``schema_version``."""
    op.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.Text, nullable=False, unique=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("decoder", sa.Text, nullable=False),
        sa.Column("sport", sa.Text, nullable=False),
        sa.Column("sub_sport", sa.Text),
        sa.Column("is_running", sa.Integer, nullable=False),
        sa.Column("start_utc", sa.Float, nullable=False),
        sa.Column("utc_offset_s", sa.Integer),
        sa.Column("distance_m", sa.Float),
        sa.Column("distance_source", sa.Text),
        sa.Column("elapsed_s", sa.Float),
        sa.Column("timer_s", sa.Float),
        sa.Column("moving_s", sa.Float),
        sa.Column("elevation_gain_m", sa.Float),
        sa.Column("avg_hr_bpm", sa.Float),
        sa.Column("max_hr_bpm", sa.Float),
        sa.Column("avg_cadence_spm", sa.Float),
        sa.Column("pace_s_per_km", sa.Float),
        sa.Column("has_gps", sa.Integer, nullable=False),
        sa.Column("has_running_dynamics", sa.Integer, nullable=False),
        sa.Column("device", sa.Text),
        sa.Column("imported_at", sa.Text, nullable=False),
        sa.Column("totals_json", sa.Text, nullable=False),
        sa.Column("summary_json", sa.Text, nullable=False),
        sa.Column("warnings_json", sa.Text, nullable=False),
    )
    op.create_index("activity_start", "activity", ["start_utc"])
    op.create_table(
        "channel",
        sa.Column("activity_id", sa.Integer,
                  sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("dtype", sa.Text, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.execute("INSERT INTO schema_version (version) VALUES (1)")
