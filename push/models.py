"""Web Push subscriptions (one per browser that said yes) and each user's choice about SMS."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PushSubscription(models.Model):
    """What `PushManager.subscribe()` gave one browser: where to POST and the keys to encrypt for.

    `endpoint` is unique: a browser re-subscribing (or another user signing in on it) takes the
    row over. `last_success_at` is set when a push service accepted a message for it;
    `failures` counts refusals and network errors since then.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.CharField(max_length=2048, unique=True)
    p256dh = models.CharField(max_length=100, help_text="The browser's P-256 public key, base64url.")
    auth = models.CharField(max_length=32, help_text="The browser's 16-byte auth secret, base64url.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["user", "last_success_at"], name="push_sub_user_success_idx")]

    def __str__(self) -> str:
        return f"push subscription #{self.pk} of user #{self.user_id}"


class PushPreference(models.Model):
    """A user's choice to stop SMS while push works; no row means SMS stays on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="push_preference"
    )
    sms = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"SMS {'on' if self.sms else 'off'} for user #{self.user_id}"
