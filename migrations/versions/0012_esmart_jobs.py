"""esmart: pulls and pushes run as jobs (issue #17)

Revision ID: 0012
Revises: 0011

- esmart_runs.status gains 'queued': a run a request created whose job has not started yet.
- esmart_runs.job_id, photo_job_id: the jobs (progress) of the run and of its photo downloads.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OLD = "status IN ('running','succeeded','failed')"
NEW = "status IN ('queued','running','succeeded','failed')"


def upgrade():
    with op.batch_alter_table("esmart_runs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_esmart_runs_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_esmart_runs_status"), NEW)
        batch_op.add_column(sa.Column("job_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("photo_job_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_esmart_runs_job_id_jobs"), "jobs", ["job_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(
            op.f("fk_esmart_runs_photo_job_id_jobs"), "jobs", ["photo_job_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    op.execute("UPDATE esmart_runs SET status = 'failed' WHERE status = 'queued'")
    with op.batch_alter_table("esmart_runs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_esmart_runs_photo_job_id_jobs"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_esmart_runs_job_id_jobs"), type_="foreignkey")
        batch_op.drop_column("photo_job_id")
        batch_op.drop_column("job_id")
        batch_op.drop_constraint(op.f("ck_esmart_runs_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_esmart_runs_status"), OLD)
