"""Second exports of a run and session RPE (stridelab 0.1 schema version 2).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``activity.duplicate_of`` and ``activity.rpe`` (CR-10, for Foster's load)."""
    with op.batch_alter_table("activity", recreate="never") as batch:
        batch.add_column(sa.Column("duplicate_of", sa.Integer))
        batch.add_column(sa.Column("rpe", sa.Float))
    op.execute("INSERT INTO schema_version (version) VALUES (2)")
