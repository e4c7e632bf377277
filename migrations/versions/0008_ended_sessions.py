"""ended sessions: signed-out browser sessions, so a replayed cookie stays anonymous

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 23:58:00.000000

Each signed-in browser session carries a random id in its (signed, not
encrypted) cookie; sign-out records the id's SHA-256 here and the user loader
refuses sessions whose id is recorded. Rows older than the session cookie's
lifetime are pruned at sign-out.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ended_sessions",
        sa.Column("sid_hash", sa.String(length=64), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sid_hash", name=op.f("pk_ended_sessions")),
    )
    with op.batch_alter_table("ended_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ended_sessions_ended_at"), ["ended_at"], unique=False)


def downgrade():
    with op.batch_alter_table("ended_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ended_sessions_ended_at"))
    op.drop_table("ended_sessions")
