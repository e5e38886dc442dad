"""Balance test sessions (stridelab 0.1 schema version 4).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``balance_session``: one row per session day, kind and condition."""
    op.create_table(
        "balance_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("condition", sa.Text, nullable=False),
        sa.Column("measures_json", sa.Text, nullable=False),
        sa.Column("trial_values_json", sa.Text, nullable=False),
        sa.Column("findings_json", sa.Text, nullable=False),
        sa.Column("sources_json", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("stored_at", sa.Text, nullable=False),
    )
    op.create_index("balance_session_condition", "balance_session",
                    ["kind", "condition", "day"])
    op.execute("INSERT INTO schema_version (version) VALUES (4)")
