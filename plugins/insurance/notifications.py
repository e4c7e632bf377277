"""E-mails of the insurance plugin, delivered after the commit (as the core's order mails)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.mail import queue_mail
from marketplace.urls import absolute_url

from .models import STATUS_LABELS


def _user(user_id: int | None):
    from marketplace.accounts.models import User

    return db.session.get(User, user_id) if user_id else None


def _insurer_users(insurer_code: str) -> list:
    from marketplace.accounts.models import User

    return list(db.session.scalars(select(User).where(User.insurer_code == insurer_code).order_by(User.id)))


def policy_granted(policy, store, product) -> None:
    owner = _user(store.owner_id)
    if owner:
        queue_mail(
            owner.email,
            _l(
                "Polis %(product)s untuk %(store)s: %(number)s",
                product=product.name,
                store=store.name,
                number=policy.number,
            ),
            "insurance/mail/policy_granted.txt",
            owner.locale,
            user=owner,
            policy=policy,
            store=store,
            product=product,
            url=absolute_url("insurance.certificate", policy_id=policy.id),
        )


def claim_filed(claim, insurer) -> None:
    """The insurer's users hear of a new claim; the claimant gets a receipt."""
    for user in _insurer_users(insurer.code):
        queue_mail(
            user.email,
            _l("Klaim baru #%(id)d", id=claim.id),
            "insurance/mail/claim_filed_insurer.txt",
            user.locale,
            user=user,
            claim=claim,
            url=absolute_url("insurance.claim", claim_id=claim.id),
        )
    claimant = _user(claim.claimant_id)
    if claimant:
        queue_mail(
            claimant.email,
            _l("Klaim #%(id)d diterima", id=claim.id),
            "insurance/mail/claim_filed.txt",
            claimant.locale,
            user=claimant,
            claim=claim,
            url=absolute_url("insurance.claim", claim_id=claim.id),
        )


def claim_decided(claim) -> None:
    """The claimant (and, for a store's policy, the store's owner) hear of each step."""
    people = [_user(claim.claimant_id)]
    if claim.store_id:
        from marketplace.stores import services as stores

        people.append(_user(stores.get_store_by_id(claim.store_id).owner_id))
    seen = set()
    for person in people:
        if person is None or person.id in seen:
            continue
        seen.add(person.id)
        queue_mail(
            person.email,
            _l("Klaim #%(id)d: %(status)s", id=claim.id, status=STATUS_LABELS[claim.status]),
            "insurance/mail/claim_decided.txt",
            person.locale,
            user=person,
            claim=claim,
            status=STATUS_LABELS[claim.status],
            url=absolute_url("insurance.claim", claim_id=claim.id),
        )
