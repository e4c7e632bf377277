"""API endpoints: accounts — sign up, bearer tokens, the signed-in user."""
from __future__ import annotations

from flask_babel import gettext as _

from marketplace.accounts import services
from marketplace.api import auth_required, bp, current_api_user, json_body
from marketplace.errors import ValidationError
from marketplace.extensions import db, limiter
from marketplace.stores.services import stores_of


def _text_fields(data: dict, *names: str) -> dict[str, str | None]:
    """The named fields of a JSON body; each must be a string or absent (422 otherwise)."""
    values, errors = {}, {}
    for name in names:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = _("Harus teks.")
        values[name] = value
    if errors:
        raise ValidationError(fields=errors)
    return values


def user_json(user) -> dict:
    return {"email": user.email, "name": user.name, "roles": user.roles}


@bp.post("/auth/register")
@limiter.limit("20 per hour")
def register():
    """Creates a shopper: 201 {"email","name","roles"}; 422 bad fields; 409 e-mail taken."""
    values = _text_fields(json_body(), "email", "password", "name")
    user = services.create_user(values["email"], values["password"], values["name"])
    db.session.commit()
    return user_json(user), 201


@bp.post("/auth/tokens")
@limiter.limit("20 per minute")
def create_token():
    """A bearer token for these credentials: 201 {"token"}; 401 when they are wrong."""
    values = _text_fields(json_body(), "email", "password")
    user = services.authenticate(values["email"], values["password"])
    token = services.issue_token(user)
    db.session.commit()
    return {"token": token}, 201


@bp.get("/me")
@auth_required()
def me():
    """The token's user with roles and the stores they belong to."""
    user = current_api_user()
    stores = [{"slug": s.slug, "name": s.name, "status": s.status} for s in stores_of(user)]
    return {**user_json(user), "stores": stores}
