"""analytics: anonymous raw events (keyed-hash contributor) and their daily aggregates

Revision ID: 0004_analytics
Revises: 0003_advisers
Create Date: 2026-12-01

Tables owned by bot/analytics.py.
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_analytics"
down_revision = "0003_advisers"
branch_labels = None
depends_on = None


def _cell_columns():
    return [
        sa.Column("departement", sa.String(length=10), nullable=True),
        sa.Column("age_band", sa.String(length=10), nullable=True),
        sa.Column("niveau", sa.String(length=20), nullable=True),
        sa.Column("domaine", sa.String(length=40), nullable=True),
        sa.Column("equipement", sa.String(length=20), nullable=True),
        sa.Column("creneau", sa.String(length=20), nullable=True),
        sa.Column("course_id", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.String(length=40), nullable=True),
    ]


def upgrade():
    op.create_table(
        "analytics_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("contributor", sa.String(length=64), nullable=False),
        *_cell_columns(),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("analytics_event", schema=None) as batch_op:
        batch_op.create_index("ix_analytics_event_kind_time", ["kind", "occurred_at"], unique=False)
        batch_op.create_index("ix_analytics_event_contributor", ["contributor"], unique=False)
    op.create_table(
        "analytics_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        *_cell_columns(),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("analytics_daily", schema=None) as batch_op:
        batch_op.create_index("ix_analytics_daily_kind_day", ["kind", "day"], unique=False)


def downgrade():
    with op.batch_alter_table("analytics_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_daily_kind_day")
    op.drop_table("analytics_daily")
    with op.batch_alter_table("analytics_event", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_event_contributor")
        batch_op.drop_index("ix_analytics_event_kind_time")
    op.drop_table("analytics_event")
