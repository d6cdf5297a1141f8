"""The server's VAPID identity (RFC 8292): which key signs, which key browsers subscribe with.

`VAPID_PRIVATE_KEY` is the raw P-256 private scalar, base64url (43 characters, no padding:
what `web-push generate-vapid-keys` and `manage.py vapid_dev_keys` print). `VAPID_PUBLIC_KEY`
is its uncompressed public point, base64url (87 characters): the `applicationServerKey` the
browser subscribes with. `VAPID_SUBJECT` is a `mailto:` (or `https:`) contact for the push
services. With none of the three set push is off and every notification goes by SMS.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid02

_SUBJECT = re.compile(r"^(mailto:[^@\s]+@[^@\s]+|https://[^\s/]+(/\S*)?)$", re.IGNORECASE)


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; ValueError on anything else."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", text or ""):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_point(key: ec.EllipticCurvePublicKey) -> str:
    """The uncompressed point of a P-256 public key, base64url without padding."""
    return b64url_encode(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def generate_keys() -> tuple[str, str]:
    """A new VAPID key pair as (private scalar, public point), both base64url."""
    private = ec.generate_private_key(ec.SECP256R1())
    scalar = private.private_numbers().private_value.to_bytes(32, "big")
    return b64url_encode(scalar), public_point(private.public_key())


@dataclass(frozen=True)
class VapidConfig:
    signer: Vapid02 | None
    public_key: str
    subject: str
    problems: tuple[str, ...]

    @property
    def enabled(self) -> bool:
        return self.signer is not None


@lru_cache(maxsize=4)
def _load(private: str, public: str, subject: str) -> VapidConfig:
    if not (private or public or subject):
        return VapidConfig(None, "", "", ())
    problems = [
        f"{name} is not set."
        for name, value in (("VAPID_PRIVATE_KEY", private), ("VAPID_PUBLIC_KEY", public), ("VAPID_SUBJECT", subject))
        if not value
    ]
    signer = None
    if private:
        try:
            raw = b64url_decode(private)
            if len(raw) != 32:
                raise ValueError("not 32 bytes")
            signer = Vapid02.from_raw(private.rstrip("=").encode("ascii"))
        except ValueError:
            problems.append("VAPID_PRIVATE_KEY is not a base64url P-256 private key (32 bytes).")
            signer = None
    if signer is not None and public and public_point(signer.public_key) != public.rstrip("="):
        problems.append("VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY.")
    if subject and not _SUBJECT.match(subject):
        problems.append("VAPID_SUBJECT must be a mailto: address or an https: URL.")
    if problems:
        return VapidConfig(None, "", "", tuple(problems))
    return VapidConfig(signer, public.rstrip("="), subject, ())


def vapid_config() -> VapidConfig:
    """The configured VAPID identity, read from settings at each call (parsed once per value)."""
    return _load(settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY, settings.VAPID_SUBJECT)


def push_enabled() -> bool:
    return vapid_config().enabled
