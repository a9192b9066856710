"""Index for one area across every measure (overview tiles, tartan rug, data quality).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_observations_area", "observations", ["area_id", "cohort_id", "measure_id", "period_id"])


def downgrade() -> None:
    op.drop_index("ix_observations_area", table_name="observations")
