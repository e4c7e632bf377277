"""`flask users ...`: account administration from the command line (CONTRACT.md)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from marketplace.accounts import services
from marketplace.accounts.models import ROLES
from marketplace.errors import ServiceError
from marketplace.extensions import db

users = AppGroup("users", help="Kelola akun pengguna.")


@users.command("create")
@click.option("--email", required=True, help="E-mail, dipakai untuk masuk.")
@click.option(
    "--password",
    required=True,
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Kata sandi, minimal 8 karakter.",
)
@click.option("--role", default="shopper", show_default=True, help="Salah satu: " + ", ".join(ROLES) + ".")
@click.option("--insurer", default=None, help="Untuk peran insurer: " + ", ".join(services.INSURERS) + ".")
@click.option("--name", default=None, help="Nama tampilan (bawaan: bagian depan e-mail).")
def create(email: str, password: str, role: str, insurer: str | None, name: str | None) -> None:
    """Create a user with one role; exits 1 with the field errors on bad input."""
    role = role.strip().lower()
    insurer = insurer.strip().lower() if insurer else None
    name = name or email.split("@")[0]
    try:
        user = services.create_user(email, password, name, role=role, insurer=insurer, confirmed=True)
    except ServiceError as exc:
        db.session.rollback()
        click.echo(_("Gagal: %(message)s", message=exc.message), err=True)
        for field, message in exc.fields.items():
            click.echo(f"  --{field}: {message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(
        _(
            "Pengguna dibuat: %(email)s (id %(id)d, peran %(roles)s%(insurer)s).",
            email=user.email,
            id=user.id,
            roles=", ".join(user.roles),
            insurer=f", {user.insurer_code}" if user.insurer_code else "",
        )
    )


def register_cli(app: Flask) -> None:
    app.cli.add_command(users)
