"""Failed password checks per e-mail address: the count of wrong guesses, the growing wait it
puts on the address, and the signed note that lets a browser that signed in before past that wait.
:mod:`marketplace.accounts.services` re-exports these names and uses them to sign in."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from marketplace.accounts.models import SignInFailure
from marketplace.clock import now
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.i18n import gettext as _

# Failed password checks per e-mail address (login page, token endpoint, change password):
# FREE_FAILURES are free, then each further failure makes the address wait 1, 2, 4 ... minutes,
# at most MAX_BLOCK_MINUTES; a failure-free day forgets the count.
FREE_FAILURES = 5
MAX_BLOCK_MINUTES = 15
FAILURES_FORGOTTEN_AFTER = timedelta(hours=24)


class SignInBlocked(ServiceError):
    """Too many wrong passwords for this address: even the right one waits until ``until``."""

    status = 429
    code = "rate_limited"

    def __init__(self, until: datetime):
        self.until = until
        self.retry_after = max(1, math.ceil((until - now()).total_seconds()))
        minutes = max(1, math.ceil(self.retry_after / 60))
        super().__init__(
            _("Terlalu banyak percobaan kata sandi yang salah untuk akun ini. Coba lagi dalam %(n)d menit.", n=minutes)
        )


def _address_hash(email: str) -> str:
    return hashlib.sha256(("sign-in:" + email.strip().lower()).encode()).hexdigest()


DEVICE_PROOF_MAX_AGE = 180 * 24 * 3600


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="sign-in-device")


def device_proof(email: str) -> str:
    """A signed note, kept by a browser after it signed in to ``email``: it lets that browser past the
    wait that other people's wrong guesses put on the address (it proves no password)."""
    return _device_serializer().dumps(_address_hash(email))


def is_known_device(proof: str | None, email: str) -> bool:
    if not proof or not isinstance(proof, str):
        return False
    try:
        return _device_serializer().loads(proof, max_age=DEVICE_PROOF_MAX_AGE) == _address_hash(email)
    except BadSignature:
        return False


def blocked_until(email: str) -> datetime | None:
    """When the address may try a password again, if it is waiting now (one statement)."""
    until = db.session.scalar(
        select(SignInFailure.blocked_until).where(SignInFailure.email_hash == _address_hash(email))
    )
    return until if until is not None and until > now() else None


def block_minutes(failures: int) -> int:
    """Minutes an address waits after its ``failures``-th failure: 0 up to FREE_FAILURES, then 1, 2, 4 ...
    up to MAX_BLOCK_MINUTES."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_BLOCK_MINUTES, 2 ** min(failures - FREE_FAILURES, 16))


def record_failure(email: str) -> None:
    """Count a wrong password for the address (an upsert: concurrent workers add up, none fails);
    from the FREE_FAILURES-th on, the address waits before its next try."""
    moment = now()
    table = SignInFailure.__table__
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(email_hash=_address_hash(email), failures=1, last_failed_at=moment)
    upsert = stmt.on_conflict_do_update(
        index_elements=[table.c.email_hash],
        set_={
            "failures": case(
                (table.c.last_failed_at < moment - FAILURES_FORGOTTEN_AFTER, 1), else_=table.c.failures + 1
            ),
            "last_failed_at": moment,
        },
    ).returning(table.c.failures)
    failures = db.session.execute(upsert).scalar_one()
    minutes = block_minutes(failures)
    if minutes:
        db.session.execute(
            update(table)
            .where(table.c.email_hash == _address_hash(email))
            .values(blocked_until=moment + timedelta(minutes=minutes))
        )
    if failures == 1:  # now and then: forget addresses that have been quiet for a day
        db.session.execute(delete(table).where(table.c.last_failed_at < moment - FAILURES_FORGOTTEN_AFTER))


def clear_failures(email: str) -> None:
    db.session.execute(delete(SignInFailure).where(SignInFailure.email_hash == _address_hash(email)))
