"""The console's background work: long jobs with their progress (agency), and the mail outbox
(admins: counts per status, failed messages with a retry button). Never a message's body."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from marketplace import jobs
from marketplace.agency import bp
from marketplace.agency.forms import ActionForm
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.jobs import outbox as outbox_admin


def _admin_only() -> None:
    if not current_user.has_role("admin"):
        abort(403)


@bp.get("/jobs")
def jobs_list():
    """Long jobs, newest first, with their progress."""
    return render_template("agency/jobs.html", jobs=jobs.recent_jobs())


@bp.get("/outbox")
def outbox():
    """Admins: messages per status, per channel and status, and the failed ones (channel,
    recipient, subject, delivery status, error, attempts)."""
    _admin_only()
    return render_template(
        "agency/outbox.html",
        counts=outbox_admin.counts_by_status(),
        by_channel=outbox_admin.counts_by_channel(),
        failed=outbox_admin.failed_messages(),
    )


@bp.post("/outbox/<int:message_id>/retry")
def retry_message(message_id: int):
    """Admins: put a failed message back in the queue (audited). :raise 404:"""
    _admin_only()
    if not ActionForm().validate_on_submit():
        abort(400)
    if outbox_admin.retry(message_id, current_user):
        db.session.commit()
        flash(_("Pesan #%(id)d masuk antrean kirim lagi.", id=message_id), "success")
    else:
        db.session.rollback()
        flash(_("Pesan #%(id)d tidak sedang gagal.", id=message_id), "info")
    return redirect(url_for(".outbox"))
