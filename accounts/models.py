import contextlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .phones import PHONE_REGEX, InvalidPhone, normalize_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _normalized(self, phone: str) -> str:
        try:
            return normalize_phone(phone)
        except InvalidPhone as exc:
            raise ValidationError(str(exc)) from exc

    def get_by_natural_key(self, username):
        with contextlib.suppress(InvalidPhone):
            username = normalize_phone(username)
        return self.get(**{self.model.USERNAME_FIELD: username})

    def create_user(self, phone: str, password: str | None = None, **fields):
        fields.setdefault("role", User.Role.STUDENT)
        if fields["role"] != User.Role.VENDOR:
            fields.setdefault("is_approved", True)
        user = self.model(phone=self._normalized(phone), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields):
        fields.update(role=User.Role.STAFF, is_staff=True, is_superuser=True, is_approved=True, vendor_type=None)
        return self.create_user(phone, password, **fields)


# The languages a person can choose: settings.LANGUAGES, written out because a model is read at
# import time (tests/test_language_switcher.py keeps the two the same).
LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]

class User(AbstractBaseUser, PermissionsMixin):
    """A person on campus. The phone number is the login."""

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        VENDOR = "vendor", "Vendor"
        STAFF = "staff", "Staff"

    class VendorType(models.TextChoices):
        FOOD = "food", _("Food")
        STATIONERY = "stationery", _("Stationery")

    phone = models.CharField(max_length=13, unique=True, help_text="E.164, e.g. +919876543210")
    name = models.CharField(max_length=120, blank=True)
    # Issue 25: the language the person chose with the switcher ("" = none yet: cookie, then Accept-Language).
    language = models.CharField(max_length=8, choices=LANGUAGES, blank=True, default="")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STUDENT, db_index=True)
    vendor_type = models.CharField(max_length=10, choices=VendorType.choices, null=True, blank=True)
    is_active = models.BooleanField(default=True, help_text="Unset to block the account everywhere at once.")
    is_approved = models.BooleanField(default=False, help_text="Vendors can sell only once approved by staff.")
    is_staff = models.BooleanField(default=False)
    blocked_reason = models.CharField(
        max_length=300, blank=True, help_text="Why the account is blocked; the user sees it on the blocked page."
    )
    blocked_until = models.DateTimeField(
        null=True, blank=True, help_text="Unblocked automatically after this time; empty: until staff unblock it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(phone__regex=PHONE_REGEX), name="user_phone_e164_in"),
            models.CheckConstraint(
                condition=(Q(role="vendor") & Q(vendor_type__in=["food", "stationery"]))
                | (~Q(role="vendor") & Q(vendor_type__isnull=True)),
                name="user_vendor_type_only_for_vendors",
            ),
            # One truth for "staff": the staff role and Django's admin flag go together.
            models.CheckConstraint(
                condition=(Q(role="staff") & Q(is_staff=True)) | (~Q(role="staff") & Q(is_staff=False)),
                name="user_staff_role_is_staff",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["", *(code for code, _ in LANGUAGES)]),
                name="user_language_known",
            ),
        ]
        indexes = [models.Index(fields=["role", "is_approved", "is_active"], name="user_role_approved_active")]
        # Staff actions, each its own permission (API and admin alike; see accounts.permissions).
        permissions = [
            ("approve_vendor", "Can approve vendors"),
            ("reject_vendor", "Can reject vendors"),
            ("block_user", "Can block users"),
            ("unblock_user", "Can unblock users"),
        ]

    def __str__(self) -> str:
        return f"{self.name or 'unnamed'} ({self.phone})"

    @property
    def is_campus_staff(self) -> bool:
        """Campus staff: the one test of "is this staff", everywhere.

        The staff role; the database ties it to Django's `is_staff` flag
        (`user_staff_role_is_staff`), so either says the same. A superuser is staff
        whatever its role.
        """
        return self.role == self.Role.STAFF or self.is_superuser

    @property
    def is_student(self) -> bool:
        return self.role == self.Role.STUDENT

    @property
    def is_vendor(self) -> bool:
        return self.role == self.Role.VENDOR

    @property
    def is_food_vendor(self) -> bool:
        return self.is_vendor and self.vendor_type == self.VendorType.FOOD

    @property
    def is_stationery_vendor(self) -> bool:
        return self.is_vendor and self.vendor_type == self.VendorType.STATIONERY


class AccountEvent(models.Model):
    """What happened to an account and who did it: sign-up, approval, rejection, blocking."""

    class Kind(models.TextChoices):
        SIGNED_UP = "signed_up", "Signed up"
        APPROVED = "approved", "Vendor approved"
        REJECTED = "rejected", "Vendor rejected"
        BLOCKED = "blocked", "Blocked"
        UNBLOCKED = "unblocked", "Unblocked"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events")
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Staff who acted; empty for the user.",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["signed_up", "approved", "rejected", "blocked", "unblocked"]),
                name="account_event_kind_valid",
            )
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="account_event_user_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id}"


class RevokedCredential(models.Model):
    """A token or session deleted when its user was blocked, kept as a SHA-256 digest.

    It lets a request that still presents it be told `account_blocked` rather
    than a bare "invalid token". It never authenticates anyone.
    """

    class Kind(models.TextChoices):
        TOKEN = "token", "API token"
        SESSION = "session", "Session"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="revoked_credentials")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    digest = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "digest"], name="revoked_credential_unique"),
            models.CheckConstraint(condition=Q(kind__in=["token", "session"]), name="revoked_credential_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.user_id}"


class IdempotencyKey(models.Model):
    """The first response to a money-moving POST, replayed for retries with the same key."""

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", "In flight"
        DONE = "done", "Done"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=200, help_text="Method and path the key was used on.")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of scope and body.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
