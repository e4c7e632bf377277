"""accounts: token expiry and labels, e-mail confirmation, failed sign-ins per address

Revision ID: 0010
Revises: 0009

- api_tokens.expires_at (sliding expiry) and api_tokens.label; tokens that exist
  get the default idle lifetime (30 days) from now.
- users.email_confirmed_at; users that exist count as confirmed (their creation time).
- sign_in_failures: failed password checks per e-mail address (its SHA-256).
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("label", sa.String(length=200), nullable=True))
    expires = (datetime.now(UTC) + timedelta(days=30)).replace(tzinfo=None)
    op.execute(sa.text("UPDATE api_tokens SET expires_at = :t").bindparams(t=expires))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
    op.execute(sa.text("UPDATE users SET email_confirmed_at = created_at"))

    op.create_table(
        "sign_in_failures",
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("email_hash", name=op.f("pk_sign_in_failures")),
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_failures_last_failed_at"), ["last_failed_at"], unique=False)


def downgrade():
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failures_last_failed_at"))
    op.drop_table("sign_in_failures")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("label")
        batch_op.drop_column("expires_at")
