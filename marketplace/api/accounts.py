"""API endpoints: accounts — sign up, bearer tokens (issue, list, revoke), e-mail confirmation,
the signed-in user."""

from __future__ import annotations

from flask import request

from marketplace.accounts import mails, services
from marketplace.accounts import tokens as api_tokens
from marketplace.accounts.services import RESEND_LIMIT, SIGN_IN_LIMIT, SIGN_IN_SCOPE
from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body
from marketplace.errors import Unauthorized, error_response
from marketplace.extensions import db, limiter
from marketplace.stores.services import stores_of


def user_json(user) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "roles": user.roles,
        "email_confirmed": user.email_confirmed_at is not None,
    }


def _iso(moment) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def token_json(token, current_id: int | None) -> dict:
    """A token as its owner sees it: never the secret (only its hash is stored anyway)."""
    return {
        "id": token.id,
        "label": token.label,
        "created_at": _iso(token.created_at),
        "last_used_at": _iso(token.last_used_at or token.created_at),
        "expires_at": _iso(token.expires_at),
        "current": token.id == current_id,
    }


def _bearer() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _blocked(exc: services.SignInBlocked):
    response = error_response(exc.status, exc.code, exc.message, exc.fields, exc.details)
    response[0].headers["Retry-After"] = str(exc.retry_after)
    return response


@bp.post("/auth/register")
@limiter.limit("20 per hour")
def register():
    """Creates a shopper and mails the confirmation link: 201 {"email","name","roles","email_confirmed"};
    422 bad fields; 409 e-mail taken (behind the 20-an-hour limit)."""
    values = json_body().texts("email", "password", "name")
    with committing():
        user = services.create_user(values.get("email"), values.get("password"), values.get("name"))
    mails.email_confirmation(user)
    return user_json(user), 201


@bp.post("/auth/tokens")
@limiter.shared_limit(SIGN_IN_LIMIT, scope=SIGN_IN_SCOPE)
def create_token():
    """A bearer token for these credentials: 201 {"token","id","expires_at"}; 401 when they are wrong;
    429 with Retry-After while the address waits after too many wrong passwords. Optional "label"
    (else the User-Agent) names it in the token list."""
    values = json_body().texts("email", "password", "label")
    try:
        user = services.authenticate(values.get("email"), values.get("password"))
    except services.SignInBlocked as exc:
        db.session.rollback()
        return _blocked(exc)
    except Unauthorized:
        db.session.commit()  # the failure count
        raise
    issued, token = api_tokens.new_token(user, values.get("label") or request.headers.get("User-Agent"))
    db.session.flush()
    body = {"token": token, "id": issued.id, "expires_at": _iso(issued.expires_at)}
    db.session.commit()
    return body, 201


@bp.delete("/auth/tokens/current")
@auth_required()
def revoke_current_token():
    """Revokes the token this request was made with (signing out an app): 204."""
    user = current_api_user()
    with committing():
        api_tokens.revoke_token(user, api_tokens.token_id_of(user, _bearer()))
    return "", 204


@bp.get("/me/tokens")
@auth_required()
def my_tokens():
    """The user's live tokens: {"items": [{"id","label","created_at","last_used_at","expires_at","current"}]}."""
    user = current_api_user()
    current = api_tokens.token_id_of(user, _bearer())
    return {"items": [token_json(t, current) for t in api_tokens.tokens_of(user)]}


@bp.delete("/me/tokens/<int:token_id>")
@auth_required()
def revoke_my_token(token_id: int):
    """Revokes one of the user's tokens: 204; 404 for an id that is not the user's live token."""
    with committing():
        api_tokens.revoke_token(current_api_user(), token_id)
    return "", 204


def _resend_key() -> str:
    user = current_api_user()
    return f"confirm:{user.id}:{user.email}" if user else f"confirm:{request.remote_addr}"


@bp.post("/me/email-confirmation")
@auth_required()
@limiter.limit(RESEND_LIMIT)
@limiter.limit(RESEND_LIMIT, key_func=_resend_key)
def resend_confirmation():
    """Mails a new confirmation link: 202 {"email_confirmed": false}; 200 {"email_confirmed": true}
    when the address is already confirmed (nothing sent); 429 beyond 3 an hour."""
    user = current_api_user()
    if not services.needs_email_confirmation(user):
        return {"email_confirmed": True}, 200
    mails.email_confirmation(user)
    return {"email_confirmed": False}, 202


@bp.get("/me")
@auth_required()
def me():
    """The token's user with roles and the stores they belong to."""
    user = current_api_user()
    stores = [{"slug": s.slug, "name": s.name, "status": s.status} for s in stores_of(user)]
    return {**user_json(user), "stores": stores}
