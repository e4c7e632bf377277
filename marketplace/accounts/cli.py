"""`flask users ...`: account administration from the command line (CONTRACT.md)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace.accounts import services
from marketplace.accounts.models import ROLES
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.gov import offices
from marketplace.gov.models import POSITIONS
from marketplace.i18n import gettext as _

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
@click.option("--org", default=None, help="Untuk peran gov: kode satker instansi yang sudah didaftarkan dinas.")
@click.option(
    "--position",
    default=None,
    help="Untuk peran gov: pp (pejabat pengadaan), ppk (pejabat pembuat komitmen) atau bendahara.",
)
@click.option("--nip", default=None, help="Untuk peran gov: NIP 18 angka (boleh kosong).")
def create(
    email: str,
    password: str,
    role: str,
    insurer: str | None,
    name: str | None,
    org: str | None,
    position: str | None,
    nip: str | None,
) -> None:
    """Create a user with one role; exits 1 with the field errors on bad input.

    A government official (--role gov) needs --org (the office's kode satker) and --position
    (pp, ppk or bendahara), e.g. ``users create --email E --password P --role gov --org
    4.01.0.00.0.00.01.0000 --position ppk --nip 198001012005011001``; one position per person,
    and the rules of the agency's registry apply (marketplace/gov/offices.py)."""
    role = role.strip().lower()
    insurer = insurer.strip().lower() if insurer else None
    name = name or email.split("@")[0]
    try:
        office = _gov_office_for(role, org, position)
        user = services.create_user(email, password, name, role=role, insurer=insurer, confirmed=True)
        if office is not None:
            offices.appoint(None, office, user.email, (position or "").strip().lower(), nip=nip, notify=False)
    except ServiceError as exc:
        db.session.rollback()
        click.echo(_("Gagal: %(message)s", message=exc.message), err=True)
        for field, message in exc.fields.items():
            click.echo(f"  --{_OPTION.get(field, field)}: {message}", err=True)
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
    if office is not None:
        click.echo(
            _(
                "Jabatan: %(position)s di %(office)s (%(code)s).",
                position=offices.position_label(str(position).strip().lower()),
                office=office.name,
                code=office.code,
            )
        )


_OPTION = {"code": "org"}  # the registry names the office's field "code"; the command calls it --org


def _gov_office_for(role: str, org: str | None, position: str | None):
    """The office a gov user joins (None for other roles). :raise ValidationError: --org or
    --position missing, or given for another role. :raise NotFound: no office has the code."""
    if role != "gov":
        if org or position:
            raise ValidationError(fields={"org": _("--org dan --position hanya untuk peran gov.")})
        return None
    errors = {}
    if not (org or "").strip():
        errors["org"] = _("Pejabat instansi perlu --org: kode satker instansinya.")
    if not (position or "").strip():
        errors["position"] = _("Pejabat instansi perlu --position: pp, ppk atau bendahara.")
    elif position.strip().lower() not in POSITIONS:
        errors["position"] = _("Pilih jabatan: pejabat pengadaan, PPK atau bendahara.")
    if errors:
        raise ValidationError(fields=errors)
    return offices.get_office(str(org))


def register_cli(app: Flask) -> None:
    app.cli.add_command(users)
