"""`flask users create`: accounts made from the command line, through the same service."""

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.extensions import db


def create(runner, *args):
    return runner.invoke(args=["users", "create", *args])


def stored(email: str) -> User | None:
    db.session.rollback()  # see what the command committed
    return db.session.scalar(select(User).where(User.email == email))


@pytest.mark.parametrize(
    "role, roles",
    [
        ("shopper", ["shopper"]),
        ("seller", ["shopper", "seller"]),
        ("agency", ["agency"]),
        ("admin", ["admin"]),
    ],
)
def test_admin_creates_a_user_of_each_role(runner, role, roles):
    result = create(runner, "--email", f"{role}@test.id", "--password", "rahasia123", "--role", role)
    assert result.exit_code == 0, result.output
    assert f"{role}@test.id" in result.output
    user = stored(f"{role}@test.id")
    assert user.roles == roles
    assert user.name == role  # the part before @ when --name is not given
    assert user.check_password("rahasia123")


def test_insurer_user_needs_its_insurer(runner):
    result = create(runner, "--email", "klaim@test.id", "--password", "rahasia123", "--role", "insurer")
    assert result.exit_code == 1
    assert "--insurer" in result.stderr
    assert stored("klaim@test.id") is None

    result = create(
        runner,
        "--email",
        "klaim@test.id",
        "--password",
        "rahasia123",
        "--role",
        "insurer",
        "--insurer",
        "Jasindo",
        "--name",
        "Petugas Klaim Jasindo",
    )
    assert result.exit_code == 0, result.output
    user = stored("klaim@test.id")
    assert (user.roles, user.insurer_code, user.name) == (["insurer"], "jasindo", "Petugas Klaim Jasindo")


def test_bad_input_prints_each_field_error_and_writes_nothing(runner):
    result = create(runner, "--email", "bukan-email", "--password", "pendek", "--role", "raja")
    assert result.exit_code == 1
    for option in ("--email", "--password", "--role"):
        assert option in result.stderr
    assert "Kata sandi minimal 8 karakter." in result.stderr
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_taken_email_is_refused(runner):
    assert create(runner, "--email", "budi@test.id", "--password", "rahasia123").exit_code == 0
    result = create(runner, "--email", "BUDI@test.id", "--password", "lainlain123", "--role", "agency")
    assert result.exit_code == 1
    assert "sudah terdaftar" in result.stderr
    assert stored("budi@test.id").roles == ["shopper"]
