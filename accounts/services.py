"""Writes of the accounts app: OTP sign-in, sign-up, profile, vendor approval, blocking.

Every service is keyword-only and atomic; services that staff run name the
acting user (`by`) and leave an `AccountEvent` row. Texts are worded in
`notifications` and go out through `queue_sms`, i.e. only after the transaction commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core.errors import RateLimited, ValidationFailed

from . import limits, notifications, otp
from .errors import (
    AccountBlockedError,
    CannotActOnSelf,
    InvalidCredentials,
    InvalidOtp,
    PrivilegesOnlyBySuperuser,
    StaffOnlyBySuperuser,
)
from .hooks import run_user_blocked, run_vendor_access_changed, run_vendor_signup
from .models import AccountEvent, RevokedCredential, User
from .selectors import credential_digest, user_find_by_phone

logger = logging.getLogger(__name__)

BLOCK_REASON_MAX_LENGTH = 300  # User.blocked_reason


# --- OTP sign-in ---------------------------------------------------------------


@dataclass(frozen=True)
class OtpSent:
    expires_in: int
    resend_after: int


def otp_request(*, phone: str) -> OtpSent:
    """Make a new sign-in code for `phone` (already normalised) and text it.

    Raises RateLimited (with Retry-After) inside the resend cool-down. Answers the
    same for known, unknown and blocked phones, so it tells nobody who has an account.
    """
    wait = otp.resend_wait(phone=phone)
    if wait:
        raise RateLimited(
            _("A code was sent moments ago. Wait before asking for another."),
            details={"resend_after": wait},
            headers={"Retry-After": str(wait)},
        )
    issued = otp.issue(phone=phone)
    notifications.otp_code(phone=phone, code=issued.code, expires_in=issued.expires_in)
    logger.info("otp issued", extra={"phone_suffix": phone[-4:]})
    return OtpSent(expires_in=issued.expires_in, resend_after=issued.resend_after)


@dataclass(frozen=True)
class SignIn:
    user: User
    token: str
    created: bool


def otp_code_check(*, phone: str, code: str) -> None:
    """Check the sign-in code of `phone`, counting a wrong one against the phone's hourly budget.

    Raises RateLimited (429, Retry-After) while the phone has had OTP_MAX_FAILURES_PER_HOUR
    wrong codes in the hour (all its codes together; the right code is then refused too),
    else InvalidOtp for a wrong, expired or used code.
    """
    limits.otp_failures_check(phone=phone)
    if not otp.check(phone=phone, code=code):
        limits.otp_failure_count(phone=phone)
        logger.info("otp rejected", extra={"phone_suffix": phone[-4:]})
        raise InvalidOtp()


def otp_verify(
    *,
    phone: str,
    code: str,
    password: str = "",
    name: str = "",
    role: str = User.Role.STUDENT,
    shop_name: str = "",
    vendor_type: str | None = None,
) -> SignIn:
    """Check the code and sign the phone in, creating the account if the phone is new.

    A new phone becomes a student, or with `role=vendor` an unapproved vendor whose
    shop is created by the vendor sign-up hook in the same transaction. A staff
    account also needs its `password`: a missing or wrong one raises
    InvalidCredentials and counts as a wrong try of the code (the code stays unused).
    Raises RateLimited, InvalidOtp (one answer for every bad code) or AccountBlockedError.
    """
    limits.otp_failures_check(phone=phone)
    existing = user_find_by_phone(phone=phone)
    # Staff (superusers included) sign in with password and code.
    staff = existing is not None and existing.is_campus_staff
    if staff and not (password and existing.check_password(password)):
        otp.count_wrong_try(phone=phone)
        limits.otp_failure_count(phone=phone)
        logger.info("staff password rejected", extra={"phone_suffix": phone[-4:]})
        raise InvalidCredentials()
    otp_code_check(phone=phone, code=code)
    user = user_find_by_phone(phone=phone)
    created = False
    if user is None:
        try:
            user = user_sign_up(phone=phone, name=name, role=role, shop_name=shop_name, vendor_type=vendor_type)
            created = True
        except IntegrityError:
            # The same phone signed up in a concurrent request a moment ago.
            user = user_find_by_phone(phone=phone)
            if user is None:
                raise
    if not user.is_active:
        raise AccountBlockedError()
    token, _created = Token.objects.get_or_create(user=user)
    return SignIn(user=user, token=token.key, created=created)


@transaction.atomic
def user_sign_up(
    *,
    phone: str,
    name: str = "",
    role: str = User.Role.STUDENT,
    shop_name: str = "",
    vendor_type: str | None = None,
) -> User:
    """Create the account of a new phone: a student, or an unapproved vendor with its shop."""
    if role == User.Role.VENDOR:
        errors = {}
        if not shop_name.strip():
            errors["shop_name"] = ["A new vendor needs a shop name."]
        if vendor_type not in User.VendorType.values:
            errors["vendor_type"] = ["Choose food or stationery."]
        if errors:
            raise ValidationFailed(details=errors)
        user = User.objects.create_user(
            phone, name=name.strip(), role=User.Role.VENDOR, vendor_type=vendor_type, is_approved=False
        )
        run_vendor_signup(user=user, shop_name=shop_name.strip())
    elif role == User.Role.STUDENT:
        user = User.objects.create_user(phone, name=name.strip(), role=User.Role.STUDENT)
    else:
        raise ValidationFailed(details={"role": [_("Sign up as a student or a vendor.")]})
    AccountEvent.objects.create(user=user, actor=None, kind=AccountEvent.Kind.SIGNED_UP)
    return user


@transaction.atomic
def user_create_by_staff(
    *,
    by: User,
    phone: str,
    name: str = "",
    role: str = User.Role.STUDENT,
    vendor_type: str | None = None,
    shop_name: str = "",
    password: str | None = None,
) -> User:
    """An account added by staff (the admin's add form). Vendors get their shop and start
    unapproved; staff accounts get admin access and need `password` to use it."""
    if role == User.Role.STAFF:
        if not by.is_superuser:
            raise PrivilegesOnlyBySuperuser()
        user = User.objects.create_user(phone, password, name=name.strip(), role=User.Role.STAFF, is_staff=True)
    else:
        user = user_sign_up(phone=phone, name=name, role=role, shop_name=shop_name, vendor_type=vendor_type)
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        AccountEvent.objects.filter(user=user, kind=AccountEvent.Kind.SIGNED_UP).update(actor=by)
        return user
    AccountEvent.objects.create(user=user, actor=by, kind=AccountEvent.Kind.SIGNED_UP)
    return user


@transaction.atomic
def user_sign_out(*, user: User) -> None:
    """Revoke the user's API token (the view ends the session)."""
    Token.objects.filter(user=user).delete()


@transaction.atomic
def user_update_profile(*, user: User, name: str) -> User:
    user.name = name.strip()
    user.save(update_fields=["name", "updated_at"])
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Store the language `user` chose with the switcher: one of settings.LANGUAGES, else 400."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(details={"language": [_("Choose English or Hindi.")]})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language", "updated_at"])
    return user


# --- Staff: vendor approval ------------------------------------------------------


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _ensure_vendor(user: User) -> None:
    if user.role != User.Role.VENDOR:
        raise ValidationFailed(_("Only vendors are approved or rejected."), details={"user": [_("Not a vendor.")]})


@transaction.atomic
def vendor_approve(*, vendor: User, by: User) -> User:
    """Let a vendor sell. Approving an approved vendor changes nothing."""
    _ensure_vendor(vendor)
    vendor = _locked(vendor)
    if vendor.is_approved:
        return vendor
    vendor.is_approved = True
    vendor.save(update_fields=["is_approved", "updated_at"])
    run_vendor_access_changed(user=vendor)
    AccountEvent.objects.create(user=vendor, actor=by, kind=AccountEvent.Kind.APPROVED)
    notifications.vendor_approved(vendor=vendor)
    return vendor


@transaction.atomic
def vendor_reject(*, vendor: User, by: User, reason: str = "") -> User:
    """Refuse (or withdraw) a vendor's approval: the vendor stays signed-in-able but unapproved.

    Its shop disappears from students' lists and its vendor endpoints answer
    `vendor_not_approved`; the account is not blocked (block it separately to shut
    it out), so staff can approve it later. The reason is kept on the event row.
    """
    _ensure_vendor(vendor)
    vendor = _locked(vendor)
    was_approved = vendor.is_approved
    if was_approved:
        vendor.is_approved = False
        vendor.save(update_fields=["is_approved", "updated_at"])
        run_vendor_access_changed(user=vendor)
    AccountEvent.objects.create(user=vendor, actor=by, kind=AccountEvent.Kind.REJECTED, reason=reason.strip())
    notifications.vendor_rejected(vendor=vendor, was_approved=was_approved)
    return vendor


# --- Staff: blocking -----------------------------------------------------------


def _ensure_may_block(*, user: User, by: User | None) -> None:
    if by is None:  # the system (the end date of a block has passed)
        return
    if user.pk == by.pk:
        raise CannotActOnSelf()
    if user.is_campus_staff and not by.is_superuser:
        raise StaffOnlyBySuperuser()


def _user_session_keys(user: User) -> list[str]:
    # Database sessions are not indexed by user, so decode the live ones
    # (as Zulip's delete_user_sessions does); blocking is rare.
    keys = []
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=2000):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            keys.append(session.session_key)
    return keys


@transaction.atomic
def user_block(*, user: User, by: User, reason: str = "", until: datetime | None = None) -> User:
    """Shut the user out everywhere at once: deactivate, delete every token and session.

    `reason` is kept on the account (the blocked page shows it to the user) and on the
    event row; `until`, if given, is when `users_unblock_expired` lets the user back in
    (it must be in the future). Deleted credentials are remembered by digest so they are
    answered `account_blocked`. Blocking a blocked user only sweeps credentials again.
    """
    _ensure_may_block(user=user, by=by)
    reason = reason.strip()
    if len(reason) > BLOCK_REASON_MAX_LENGTH:
        message = _("At most %(block_reason_max_length)s characters.")
        raise ValidationFailed(details={"reason": [message % {"block_reason_max_length": BLOCK_REASON_MAX_LENGTH}]})
    if until is not None and until <= timezone.now():
        raise ValidationFailed(details={"until": [_("The end of a block must be in the future.")]})
    user = _locked(user)
    was_active = user.is_active
    if was_active:
        user.is_active = False
        user.blocked_reason = reason
        user.blocked_until = until
        user.save(update_fields=["is_active", "blocked_reason", "blocked_until", "updated_at"])
        if user.role == User.Role.VENDOR:
            run_vendor_access_changed(user=user)
        AccountEvent.objects.create(user=user, actor=by, kind=AccountEvent.Kind.BLOCKED, reason=reason)

    revoked = [
        RevokedCredential(user=user, kind=RevokedCredential.Kind.TOKEN, digest=credential_digest(key))
        for key in Token.objects.filter(user=user).values_list("key", flat=True)
    ]
    session_keys = _user_session_keys(user)
    revoked += [
        RevokedCredential(user=user, kind=RevokedCredential.Kind.SESSION, digest=credential_digest(key))
        for key in session_keys
    ]
    RevokedCredential.objects.bulk_create(revoked, ignore_conflicts=True)
    Token.objects.filter(user=user).delete()
    Session.objects.filter(session_key__in=session_keys).delete()
    run_user_blocked(user=user)  # e.g. events: end the streams opened before the block
    logger.info("user blocked", extra={"user_id": user.pk, "by_user_id": by.pk, "sessions": len(session_keys)})
    return user


@transaction.atomic
def user_unblock(*, user: User, by: User | None, reason: str = "") -> User:
    """Let the user sign in again (by OTP; the old tokens and sessions stay dead).

    `by` None is the system, when the block's end date has passed (`users_unblock_expired`).
    """
    _ensure_may_block(user=user, by=by)
    user = _locked(user)
    if user.is_active:
        return user
    user.is_active = True
    user.blocked_reason = ""
    user.blocked_until = None
    user.save(update_fields=["is_active", "blocked_reason", "blocked_until", "updated_at"])
    if user.role == User.Role.VENDOR:
        run_vendor_access_changed(user=user)
    RevokedCredential.objects.filter(user=user).delete()
    AccountEvent.objects.create(user=user, actor=by, kind=AccountEvent.Kind.UNBLOCKED, reason=reason.strip())
    return user


def users_unblock_expired(*, now: datetime | None = None) -> list[int]:
    """Unblock every account whose block ended by `now`; returns their ids. Safe to run twice
    or concurrently: each user is unblocked under its row lock, and only while still blocked
    with an end date that has passed."""
    now = now or timezone.now()
    expired = Q(is_active=False, blocked_until__lte=now)
    done = []
    for user_id in User.objects.filter(expired).values_list("pk", flat=True):
        with transaction.atomic():
            # Read again under the row lock: staff may have unblocked, or blocked anew, meanwhile.
            user = User.objects.select_for_update().filter(expired, pk=user_id).first()
            if user is None:
                continue
            user_unblock(user=user, by=None, reason="The block's end date passed.")
            done.append(user_id)
    if done:
        logger.info("blocks ended", extra={"users": len(done)})
    return done


# --- Staff: sign-in to the admin, and who may change privileges ------------------------------


def admin_sign_in_code_verify(*, user_id: int, phone: str, code: str) -> User:
    """Second step of the admin sign-in (the password was checked in the first): the SMS code.

    Raises RateLimited or InvalidOtp like `otp_verify`, InvalidCredentials when the account
    is no longer active staff.
    """
    otp_code_check(phone=phone, code=code)
    user = User.objects.filter(pk=user_id, phone=phone).first()
    if user is None or not user.is_active or not user.is_staff:
        raise InvalidCredentials()
    return user


PRIVILEGE_FIELDS = frozenset({"is_superuser", "is_staff", "groups", "user_permissions"})


def user_ensure_may_change(*, by: User, user: User | None, changed: set[str] | frozenset[str]) -> None:
    """Only a superuser edits a superuser, or changes anyone's superuser or staff flag, groups
    or permissions (a staff member with `change_user` cannot raise itself). Raises
    PrivilegesOnlyBySuperuser."""
    if by.is_superuser:
        return
    if user is not None and user.is_superuser:
        raise PrivilegesOnlyBySuperuser()
    if PRIVILEGE_FIELDS & set(changed):
        raise PrivilegesOnlyBySuperuser()
