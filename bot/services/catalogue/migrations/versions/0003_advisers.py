"""advisers: accounts of the advisers' console, their sessions, failed sign-ins

Revision ID: 0003_advisers
Revises: 0002_people
Create Date: 2026-11-28

Tables owned by bot/accounts.py.
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_advisers"
down_revision = "0002_people"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "adviser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email", name="uq_adviser_email"),
    )
    op.create_table(
        "adviser_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("adviser_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["adviser_id"], ["adviser.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("adviser_session", schema=None) as batch_op:
        batch_op.create_index("ix_adviser_session_adviser", ["adviser_id"], unique=False)
    op.create_table(
        "adviser_login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("adviser_login_failure", schema=None) as batch_op:
        batch_op.create_index("ix_adviser_login_failure_email", ["email", "failed_at"], unique=False)
        batch_op.create_index("ix_adviser_login_failure_client", ["client_key", "failed_at"], unique=False)


def downgrade():
    with op.batch_alter_table("adviser_login_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_adviser_login_failure_client")
        batch_op.drop_index("ix_adviser_login_failure_email")
    op.drop_table("adviser_login_failure")
    with op.batch_alter_table("adviser_session", schema=None) as batch_op:
        batch_op.drop_index("ix_adviser_session_adviser")
    op.drop_table("adviser_session")
    op.drop_table("adviser")
