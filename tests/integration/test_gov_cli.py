"""`flask users create --role gov --org CODE --position P` and `flask agency commission --gov`."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace import site_settings
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.gov import offices
from marketplace.gov.models import GovOfficial
from marketplace.gov.officials import official_of
from tests.factories import gen_user
from tests.gov_support import SETDA, make_office

PASSWORD = "rahasia123"


@pytest.fixture
def setda(app):
    office = make_office(**SETDA)
    db.session.commit()
    return office


def create(runner, *args):
    return runner.invoke(args=["users", "create", "--password", PASSWORD, *args])


def counts() -> tuple[int, int]:
    db.session.rollback()  # see what the command committed
    return (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(GovOfficial)),
    )


def test_an_official_is_created_with_the_position(runner, setda):
    result = create(
        runner, "--email", "ppk@tegalkota.go.id", "--role", "gov", "--org", SETDA["code"], "--position", "PPK",
        "--nip", "197811042005011002", "--name", "Agus Setiawan",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Pejabat Pembuat Komitmen (PPK)" in result.output and SETDA["name"] in result.output
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.email == "ppk@tegalkota.go.id"))
    official = official_of(user)
    assert user.roles == ["gov"] and user.check_password(PASSWORD) and user.email_confirmed_at is not None
    assert (official.office.code, official.position, official.nip) == (SETDA["code"], "ppk", "197811042005011002")


@pytest.mark.parametrize(
    "args,says",
    [
        (["--org", "9.99.9", "--position", "pp"], "9.99.9 tidak ditemukan"),
        (["--position", "pp"], "--org"),
        (["--org", SETDA["code"]], "--position"),
        (["--org", SETDA["code"], "--position", "kepala"], "--position"),
        (["--org", SETDA["code"], "--position", "pp", "--nip", "123"], "--nip"),
    ],
)
def test_a_bad_org_or_position_exits_1_and_writes_nothing(runner, setda, args, says):
    before = counts()
    result = create(runner, "--email", "x@tegalkota.go.id", "--role", "gov", *args)
    assert result.exit_code == 1 and says in result.output, result.output
    assert counts() == before


def test_org_and_position_belong_to_the_gov_role_only(runner, setda):
    before = counts()
    result = create(runner, "--email", "s@test.id", "--role", "seller", "--org", SETDA["code"], "--position", "pp")
    assert result.exit_code == 1 and "--org" in result.output
    assert counts() == before


def test_a_taken_address_is_refused(runner, setda):
    gen_user("ada@test.id")
    before = counts()
    result = create(runner, "--email", "ada@test.id", "--role", "gov", "--org", SETDA["code"], "--position", "pp")
    assert result.exit_code == 1 and "sudah terdaftar" in result.output
    assert counts() == before


def test_an_inactive_office_takes_no_one(runner, setda):
    offices.update_office(
        None, setda, {**SETDA, "npwp": SETDA["npwp"], "address": "Jl. Ki Gede Sebayu 12", "active": False}
    )
    db.session.commit()
    before = counts()
    result = create(runner, "--email", "x@test.id", "--role", "gov", "--org", SETDA["code"], "--position", "pp")
    assert result.exit_code == 1 and "nonaktif" in result.output
    assert counts() == before


def test_the_help_documents_the_gov_options(runner):
    result = runner.invoke(args=["users", "create", "--help"])
    assert "--org" in result.output and "--position" in result.output and "bendahara" in result.output


def test_the_cli_sets_the_government_commission(runner, app):
    assert runner.invoke(args=["agency", "commission", "--gov", "1,5"]).output.strip() == "0 % (instansi 1,5 %)"
    assert runner.invoke(args=["agency", "commission", "2", "--gov", "0"]).output.strip() == "2 % (instansi 0 %)"
    refused = runner.invoke(args=["agency", "commission", "3", "--gov", "200"])
    assert refused.exit_code == 1 and "100" in refused.output
    db.session.rollback()
    assert (site_settings.get_commission_bps(), site_settings.get_gov_commission_bps()) == (200, 0)


def test_the_demo_load_command_is_idempotent_for_the_offices(runner, app, monkeypatch):
    """The whole demo is heavy; its other loaders are tested elsewhere, so only demo_gov runs here."""
    from marketplace import demo

    def only_gov():
        summary = demo.Summary()
        demo.demo_gov.load(summary)
        return summary

    monkeypatch.setattr(demo, "load", only_gov)
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "2 government offices, 4 officials" in first.output
    assert "pp@demo.test" in first.output
    again = runner.invoke(args=["demo", "load"])
    assert "nothing changed" in again.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(GovOfficial)) == 4


def test_production_refuses_a_database_holding_the_demo_officials(make_app, app):
    from marketplace import demo_gov
    from marketplace.demo import Summary
    from marketplace.production import ConfigurationError
    from tests.integration.test_production import production_app

    demo_gov.load(Summary())
    db.session.commit()
    with pytest.raises(ConfigurationError, match=r"demo accounts \(pp@demo.test, ppk@demo.test, bendahara@demo.test\)"):
        production_app(make_app)
