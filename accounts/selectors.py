"""Reads of the accounts app.

`*_get*` selectors raise `core.errors.NotFound` when there is no such row; `*_find*` ones
return None for callers to whom "no such user" is an answer, not an error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from core.errors import NotFound

from .models import AccountEvent, RevokedCredential, User


def credential_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def credential_is_revoked_for_blocked_user(*, kind: str, secret: str) -> bool:
    """Whether `secret` (a token key or session key) was revoked when its user was blocked,
    and that user is still blocked."""
    return RevokedCredential.objects.filter(kind=kind, digest=credential_digest(secret), user__is_active=False).exists()


def blocked_user_find_by_credential(*, kind: str, secret: str) -> int | None:
    """The id of the still-blocked user whose `secret` was revoked when it was blocked, else None."""
    return (
        RevokedCredential.objects.filter(kind=kind, digest=credential_digest(secret), user__is_active=False)
        .values_list("user_id", flat=True)
        .first()
    )


@dataclass(frozen=True)
class BlockNotice:
    """What a blocked user is told: staff's reason and, if set, when the block ends."""

    reason: str
    until: datetime | None


def user_block_notice_find(*, user_id: int | None = None, phone: str | None = None) -> BlockNotice | None:
    """The block of the account (by id or phone), or None when it is not blocked."""
    if user_id is None and phone is None:
        return None
    lookup = {"pk": user_id} if user_id is not None else {"phone": phone}
    row = User.objects.filter(is_active=False, **lookup).values("blocked_reason", "blocked_until").first()
    return None if row is None else BlockNotice(reason=row["blocked_reason"], until=row["blocked_until"])


def vendor_rejection_reason_find(*, vendor_id: int) -> str | None:
    """Staff's reason for the vendor's latest rejection, if its latest approval decision was one
    ("" when rejected without a reason); None when it was never rejected or approved since."""
    latest = (
        AccountEvent.objects.filter(
            user_id=vendor_id, kind__in=[AccountEvent.Kind.APPROVED, AccountEvent.Kind.REJECTED]
        )
        .order_by("-created_at", "-pk")
        .values_list("kind", "reason")
        .first()
    )
    if latest is None or latest[0] != AccountEvent.Kind.REJECTED:
        return None
    return latest[1]


def user_is_blocked(*, user_id: int) -> bool:
    return User.objects.filter(pk=user_id, is_active=False).exists()


def user_find_by_phone(*, phone: str) -> User | None:
    """The account of a (normalised) phone, or None if the phone has none yet (sign-in then signs it up)."""
    return User.objects.filter(phone=phone).first()


def vendor_list(*, is_approved: bool | None = None) -> QuerySet[User]:
    """Vendors with their shops (one query), newest first; optionally only (un)approved ones."""
    vendors = User.objects.filter(role=User.Role.VENDOR).select_related("shop").order_by("-created_at", "-id")
    if is_approved is not None:
        vendors = vendors.filter(is_approved=is_approved)
    return vendors


def vendor_get(*, user_id: int) -> User:
    """A vendor with its shop; NotFound if `user_id` is no vendor."""
    vendor = vendor_list().filter(pk=user_id).first()
    if vendor is None:
        raise NotFound()
    return vendor


def user_get(*, user_id: int) -> User:
    """Any account; NotFound if there is none with `user_id`."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user
