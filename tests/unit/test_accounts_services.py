"""accounts.services: the rules behind sign-up, sign-in, profiles, passwords and tokens."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from marketplace.accounts import services as accounts
from marketplace.accounts import tokens as api_tokens
from marketplace.accounts.models import ApiToken, User
from marketplace.clock import now
from marketplace.errors import Conflict, NotFound, Unauthorized, ValidationError
from marketplace.extensions import db
from tests.factories import PASSWORD, gen_user


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize(
    "role, roles",
    [
        ("shopper", ["shopper"]),
        ("seller", ["shopper", "seller"]),
        ("agency", ["agency"]),
        ("admin", ["admin"]),
    ],
)
def test_new_user_gets_the_roles_of_its_kind(app, role, roles):
    user = gen_user(role=role)
    assert user.roles == roles
    assert user.session_version == 1


def test_insurer_user_belongs_to_one_known_insurer(app):
    with pytest.raises(ValidationError) as exc:
        accounts.create_user("klaim@test.id", PASSWORD, "Klaim", role="insurer")
    assert "insurer" in exc.value.fields
    with pytest.raises(ValidationError):
        accounts.create_user("klaim@test.id", PASSWORD, "Klaim", role="insurer", insurer="acme")
    user = accounts.create_user("klaim@test.id", PASSWORD, "Klaim", role="insurer", insurer="jasindo")
    assert user.roles == ["insurer"] and user.insurer_code == "jasindo"


def test_email_is_normalised_and_taken_whatever_its_case(app):
    user = gen_user("  Siti@Test.ID ")
    assert user.email == "siti@test.id"
    with pytest.raises(Conflict) as exc:
        accounts.create_user("SITI@test.id", PASSWORD, "Siti Lain")
    assert "email" in exc.value.fields
    assert user_count() == 1


def test_bad_fields_are_all_reported_and_nothing_is_written(app):
    with pytest.raises(ValidationError) as exc:
        accounts.create_user("bukan-email", "pendek", "  ", phone="12", role="raja")
    assert set(exc.value.fields) == {"email", "password", "name", "phone", "role"}
    db.session.rollback()
    assert user_count() == 0


def test_phone_is_stored_in_e164(app):
    user = gen_user(phone="0812-3456-7890")
    assert user.phone == "+6281234567890"
    accounts.update_profile(user, "Budi", "+62 857 1234 5678")
    assert user.phone == "+6285712345678"
    accounts.update_profile(user, "Budi", "")
    assert user.phone is None


def test_profile_with_a_bad_field_changes_nothing(app):
    user = gen_user(phone="081234567890")
    with pytest.raises(ValidationError) as exc:
        accounts.update_profile(user, "Nama Baru", "0000", "fr")
    assert set(exc.value.fields) == {"phone", "locale"}
    db.session.expire_all()
    assert (user.name, user.phone, user.locale) == ("Budi Santoso", "+6281234567890", None)


def test_authenticate_gives_one_vague_answer(app):
    user = gen_user("budi@test.id")
    assert accounts.authenticate("BUDI@test.id", PASSWORD) is user
    for email, password in (("budi@test.id", "salah12345"), ("siapa@test.id", PASSWORD), (None, None)):
        with pytest.raises(Unauthorized) as exc:
            accounts.authenticate(email, password)
        assert exc.value.message == "E-mail atau kata sandi salah."
    user.active = False
    with pytest.raises(Unauthorized):
        accounts.authenticate("budi@test.id", PASSWORD)


def test_password_change_needs_the_current_one_and_ends_other_sessions(app):
    user = gen_user()
    token = api_tokens.issue_token(user)
    db.session.commit()
    assert api_tokens.user_for_token(token) is user
    with pytest.raises(ValidationError) as exc:
        accounts.change_password(user, "salah12345", "barubaru123")
    assert "current_password" in exc.value.fields
    with pytest.raises(ValidationError) as exc:
        accounts.change_password(user, PASSWORD, "pendek")
    assert "password" in exc.value.fields
    accounts.change_password(user, PASSWORD, "barubaru123")
    db.session.commit()
    assert user.session_version == 2
    assert user.check_password("barubaru123")
    assert api_tokens.user_for_token(token) is None
    assert db.session.scalar(select(ApiToken.revoked)) is True


def test_unknown_token_is_nobody(app):
    assert api_tokens.user_for_token("apk_nope") is None


def test_reset_token_works_once(app):
    user = gen_user()
    token = accounts.password_reset_token(user)
    assert accounts.user_for_reset_token(token) is user
    accounts.set_new_password(user, "barubaru123")
    db.session.commit()
    with pytest.raises(NotFound):
        accounts.user_for_reset_token(token)


def test_reset_token_expires(app):
    user = gen_user()
    token = accounts.password_reset_token(user)
    max_age = app.config["PASSWORD_RESET_MAX_AGE"]
    with time_machine.travel(now() + timedelta(seconds=max_age + 60)):
        with pytest.raises(ValidationError) as exc:
            accounts.user_for_reset_token(token)
    assert "kedaluwarsa" in exc.value.message


def test_tampered_reset_token_is_refused(app):
    user = gen_user()
    token = accounts.password_reset_token(user)
    with pytest.raises(NotFound):
        accounts.user_for_reset_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_reset_token_reveals_nothing_of_the_password_hash(app):
    user = gen_user()
    payload = accounts._reset_serializer().loads(accounts.password_reset_token(user))
    assert payload["u"] == user.id
    assert payload["h"] not in user.password_hash
