"""Input and output shapes of the push endpoints."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec
from django.utils.translation import gettext as _
from rest_framework import serializers

from .vapid import b64url_decode


def _decoded(value: str, *, what: str) -> bytes:
    try:
        return b64url_decode(value)
    except ValueError:
        raise serializers.ValidationError(_("The %(what)s is not base64url.") % {"what": what}) from None


class PushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=100, help_text="The browser's P-256 public key (65 bytes), base64url.")
    auth = serializers.CharField(max_length=32, help_text="The browser's auth secret (16 bytes), base64url.")

    def validate_p256dh(self, value: str) -> str:
        raw = _decoded(value, what="p256dh key")
        if len(raw) != 65 or raw[0] != 4:
            raise serializers.ValidationError(_("The p256dh key must be an uncompressed P-256 point (65 bytes)."))
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise serializers.ValidationError(_("The p256dh key is not a point on P-256.")) from None
        return value.rstrip("=")

    def validate_auth(self, value: str) -> str:
        if len(_decoded(value, what="auth secret")) != 16:
            raise serializers.ValidationError(_("The auth secret must be 16 bytes."))
        return value.rstrip("=")


class PushSubscriptionCreateSerializer(serializers.Serializer):
    endpoint = serializers.URLField(max_length=2048, help_text="The push service URL PushManager.subscribe gave.")
    keys = PushKeysSerializer()


class PushSubscriptionIdSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)


class PushPublicKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(
        read_only=True, help_text="The VAPID public key: PushManager.subscribe's applicationServerKey (base64url)."
    )


class PushPreferencesSerializer(serializers.Serializer):
    sms = serializers.BooleanField(help_text="false: no SMS while a push subscription is live.")
    push_works = serializers.BooleanField(read_only=True, help_text="A push has reached one of your devices.")
