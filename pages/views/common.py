"""Helpers the page journeys share: safe redirects, landings, shop lookups, paging, refund rows."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from accounts.models import User
from catalog import selectors as catalog_selectors
from catalog.models import Shop
from core.errors import NotFound
from payments.serializers import payable_refunds

PAGE_SIZE = 20


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """`candidate` when it points back into this site, else ""."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def landing_for(user: User) -> str:
    """Where a signed-in user belongs: vendors on the dashboard, staff in the admin, students at home."""
    if user.role == User.Role.VENDOR:
        return reverse("dashboard:home")
    if user.is_campus_staff:
        return reverse("admin:index")
    return reverse("pages:home")


def shop_names(vendor_ids) -> dict[int, str]:
    """Shop name by vendor id, for a page of orders or print jobs (one query)."""
    ids = set(vendor_ids)
    if not ids:
        return {}
    return dict(catalog_selectors.shop_list_public().filter(vendor_id__in=ids).values_list("vendor_id", "name"))


def open_first(shops) -> list[Shop]:
    return sorted(shops, key=lambda shop: not shop.is_open)


def shop_or_404(*, vendor_id: int, vendor_type: str) -> Shop:
    try:
        shop = catalog_selectors.shop_get_public(vendor_id=vendor_id)
    except NotFound:
        raise Http404("No such shop.") from None
    if shop.vendor_type != vendor_type:
        raise Http404("No such shop.")
    return shop


def page_of(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@dataclass(frozen=True)
class RefundRow:
    amount_paise: int
    status: str
    state: str
    at: object


# What a student reads for each refund state: a failed refund is never called refunded.
_REFUND_STATES = {
    "processed": gettext_lazy("processed"),
    "pending": gettext_lazy("on its way"),
    "failed": gettext_lazy("delayed — the campus office is on it"),
}


def refund_rows(obj) -> list[RefundRow]:
    """The refunds of an order or print job as the student's page shows them, oldest first."""
    return [
        RefundRow(
            amount_paise=refund.amount_paise,
            status=refund.status,
            state=_REFUND_STATES.get(refund.status, refund.status),
            at=refund.processed_at or refund.created_at,
        )
        for refund in payable_refunds(obj)
    ]
