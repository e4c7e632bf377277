"""The one way the store's answer and the agency's decision are submitted from a page: the
form's fields to the step, commit, or the step's errors on the form (HTTP-free; the page
modules render)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_login import current_user

from marketplace.complaints.forms import AnswerForm, DecisionForm
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.forms import failed

Page = Callable[[Any, Any, int], Any]


def submit(form: AnswerForm | DecisionForm, complaint, step: Callable, page: Page, reload: Callable[[], Any]):
    """Run ``step(user, complaint, data)`` with the form's decision, amount, return flag and
    note and commit; None when done, else the page again (422 for a form that does not
    validate; after a service error the complaint is loaded again, the request rolled back)."""
    if not form.validate_on_submit():
        return page(complaint, form, 422)
    data = {
        "decision": form.decision.data,
        "amount": form.amount.data,
        "return_needed": bool(form.return_needed.data),
        "note": form.note.data,
    }
    try:
        step(current_user, complaint, data)
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return page(reload(), form, status)
    return None
