"""The loopback push service refuses what a real one refuses, so the delivery tests can fail."""

from __future__ import annotations

import time

import pytest
from py_vapid import Vapid02

from push.vapid import generate_keys

from .push_service import b64url, unb64url, verify_vapid

AUD = "http://127.0.0.1:9"


def _signed(claims: dict) -> tuple[str, str]:
    private, public = generate_keys()
    header = Vapid02.from_raw(private.encode())
    return header.sign(claims)["Authorization"], public


def test_a_good_vapid_header_verifies():
    authorization, public = _signed({"aud": AUD, "sub": "mailto:ops@tnt.example.edu", "exp": int(time.time()) + 600})
    assert verify_vapid(authorization, audience=AUD, server_public_key=public)["sub"] == "mailto:ops@tnt.example.edu"


@pytest.mark.parametrize(
    ("claims", "audience", "why"),
    [
        ({"aud": AUD, "sub": "mailto:a@b.c", "exp": int(time.time()) - 1}, AUD, "exp"),
        ({"aud": AUD, "sub": "mailto:a@b.c", "exp": int(time.time()) + 90000}, AUD, "exp"),
        ({"aud": "http://127.0.0.1:10", "sub": "mailto:a@b.c", "exp": int(time.time()) + 600}, AUD, "aud"),
    ],
)
def test_bad_claims_are_refused(claims, audience, why):
    authorization, public = _signed(claims)
    with pytest.raises(ValueError, match=why):
        verify_vapid(authorization, audience=audience, server_public_key=public)


def test_another_servers_key_or_a_tampered_token_is_refused():
    authorization, public = _signed({"aud": AUD, "sub": "mailto:a@b.c", "exp": int(time.time()) + 600})
    with pytest.raises(ValueError, match="k is not"):
        verify_vapid(authorization, audience=AUD, server_public_key=generate_keys()[1])
    token = authorization.split("t=")[1].split(",")[0]
    head, claims, _signature = token.split(".")
    forged = b64url(unb64url(claims).replace(b"a@b.c", b"x@b.c"))
    tampered = authorization.replace(f"{head}.{claims}.", f"{head}.{forged}.")
    with pytest.raises(ValueError, match="signature"):
        verify_vapid(tampered, audience=AUD, server_public_key=public)
