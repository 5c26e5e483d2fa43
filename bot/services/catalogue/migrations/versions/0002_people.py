"""people: directory of places, recap codes, recap lookup failures

Revision ID: 0002_people
Revises: 0001
Create Date: 2026-11-28

Tables owned by bot/services/directory.py and bot/services/recap.py (models in bot/services/people.py).
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_people"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "directory_place",
        sa.Column("id", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("nom", sa.String(length=255), nullable=False),
        sa.Column("departement", sa.String(length=3), nullable=False),
        sa.Column("communes", sa.Text(), nullable=True),
        sa.Column("adresse", sa.String(length=500), nullable=True),
        sa.Column("telephone", sa.String(length=40), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("fictif", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("directory_place", schema=None) as batch_op:
        batch_op.create_index("ix_directory_place_type_departement", ["type", "departement"], unique=False)

    op.create_table(
        "recap",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("course_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    with op.batch_alter_table("recap", schema=None) as batch_op:
        batch_op.create_index("ix_recap_sender_hash", ["sender_hash"], unique=False)
        batch_op.create_index("ix_recap_expires_at", ["expires_at"], unique=False)

    op.create_table(
        "recap_lookup_failure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recap_lookup_failure", schema=None) as batch_op:
        batch_op.create_index("ix_recap_lookup_failure_client", ["client_hash", "failed_at"], unique=False)


def downgrade():
    op.drop_table("recap_lookup_failure")
    op.drop_table("recap")
    op.drop_table("directory_place")
