"""Absolute links to the pages, for messages that leave the site (text messages)."""

from __future__ import annotations

from django.conf import settings


def site_link(path: str) -> str:
    """`/orders/12` → `https://tnt.example.edu/orders/12`, from SITE_URL (read at use)."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")
