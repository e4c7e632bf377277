"""The accounts' paths: sign-up, tokens, the signed-in user, e-mail confirmation."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    BOOLEAN,
    answer,
    array,
    body,
    obj,
    operation,
    path_param,
    ref,
)


def account_paths() -> dict:
    """Every path of the accounts area."""
    return {
        **_sign_in(),
        **_token_revocation(),
        **_email_confirmation(),
    }


def _sign_in() -> dict:
    """Sign-up, a bearer token, the signed-in user."""
    return {
        "/auth/register": {
            "post": operation(
                "register",
                "Create a shopper account",
                "accounts",
                {"201": answer("The new user.", ref("User"))},
                request=body(ref("Registration")),
                errors=("409",),
                description="409 when the e-mail is taken.",
            )
        },
        "/auth/tokens": {
            "post": operation(
                "createToken",
                "Get a bearer token",
                "accounts",
                {"201": answer("A new token; send it as `Authorization: Bearer <token>`.", ref("Token"))},
                request=body(ref("Credentials")),
                errors=("401",),
            )
        },
        "/me": {
            "get": operation(
                "me",
                "The signed-in user, their roles and stores",
                "accounts",
                {"200": answer("The token's user.", ref("Me"))},
                auth="any signed-in user",
            )
        },
    }


def _token_revocation() -> dict:
    """The user's live tokens and their revocation (accounts and limits, issue 15)."""
    return {
        "/auth/tokens/current": {
            "delete": operation(
                "revokeCurrentToken",
                "Revoke the token of this request",
                "accounts",
                {"204": answer("Revoked.")},
                auth="any signed-in user",
            )
        },
        "/me/tokens": {
            "get": operation(
                "myTokens",
                "The user's live API tokens (never the secret)",
                "accounts",
                {"200": answer("Tokens.", obj({"items": array(ref("TokenInfo"))}, ["items"]))},
                auth="any signed-in user",
            )
        },
        "/me/tokens/{id}": {
            "delete": operation(
                "revokeToken",
                "Revoke one of the user's tokens",
                "accounts",
                {"204": answer("Revoked.")},
                auth="the token's user",
                params=[path_param("id", {"type": "integer"}, "the token's id")],
                errors=("404",),
                description="404 for an id that is not one of the user's live tokens.",
            )
        },
    }


def _email_confirmation() -> dict:
    """A new e-mail confirmation link (accounts and limits, issue 15)."""
    return {
        "/me/email-confirmation": {
            "post": operation(
                "resendEmailConfirmation",
                "Mail a new e-mail confirmation link",
                "accounts",
                {
                    "202": answer("Sent.", obj({"email_confirmed": BOOLEAN}, ["email_confirmed"])),
                    "200": answer(
                        "Already confirmed; nothing sent.", obj({"email_confirmed": BOOLEAN}, ["email_confirmed"])
                    ),
                },
                auth="any signed-in user",
                description="At most 3 an hour.",
            )
        },
    }
