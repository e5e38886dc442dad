"""Strength and balance workouts (stridelab 0.1 schema version 3).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``workout_entry`` (one exercise on one day) and ``workout_set``."""
    op.create_table(
        "workout_entry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("exercise_id", sa.Text, nullable=False),
        sa.Column("target_reps", sa.Integer, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("rpe", sa.Float),
        sa.Column("note", sa.Text),
        sa.Column("logged_at", sa.Text, nullable=False),
    )
    op.create_index("workout_entry_exercise", "workout_entry", ["exercise_id", "day"])
    op.create_table(
        "workout_set",
        sa.Column("entry_id", sa.Integer,
                  sa.ForeignKey("workout_entry.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("set_no", sa.Integer, primary_key=True),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("load_kg", sa.Float),
    )
    op.execute("INSERT INTO schema_version (version) VALUES (3)")
