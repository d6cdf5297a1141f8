"""Reads of the accounts app.

`*_get*` selectors raise `core.errors.NotFound` when there is no such row; `*_find*` ones
return None for callers to whom "no such user" is an answer, not an error.
"""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from core.errors import NotFound

from .models import RevokedCredential, User


def credential_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def credential_is_revoked_for_blocked_user(*, kind: str, secret: str) -> bool:
    """Whether `secret` (a token key or session key) was revoked when its user was blocked,
    and that user is still blocked."""
    return RevokedCredential.objects.filter(kind=kind, digest=credential_digest(secret), user__is_active=False).exists()


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
