"""Form helpers shared by every HTML view."""

from __future__ import annotations

from flask_wtf import FlaskForm

from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db


def apply_errors(form: FlaskForm, exc: ValidationError) -> None:
    """Show a service's field errors next to the form's fields; the rest on top."""
    leftovers = []
    for name, message in exc.fields.items():
        field = getattr(form, name.replace(".", "_"), None) or getattr(form, name.split(".")[-1], None)
        if field is not None and hasattr(field, "errors"):
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors.append(message)
        else:
            leftovers.append(message)
    if exc.message and not exc.fields:
        leftovers.append(exc.message)
    form.form_errors = list(getattr(form, "form_errors", []) or []) + leftovers


def failed(form: FlaskForm, exc: ServiceError) -> int:
    """Roll back what the request wrote and show the service's errors on the form; the status to
    answer with (422 for bad input, else the error's own: 403, 404, 409)."""
    db.session.rollback()
    apply_errors(form, exc)
    return 422 if exc.status in (400, 422) else exc.status
