"""The vendor dashboard page: a shell served by Django whose script talks only to the DRF API.

Who gets what at `/dashboard/`:
- an approved, active vendor: the dashboard of its kind of shop (food or stationery);
- a vendor still waiting for approval: its pending state, nothing more;
- anyone signed out (blocked users' sessions no longer resolve): the sign-in page;
- students and staff: sent to their own start page (the student pages, the admin).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from accounts import selectors as account_selectors
from catalog.models import ALLERGENS, TAGS, MenuItem

from . import selectors

# How often the page asks the API for new orders and jobs.
POLL_INTERVAL_MS = 4000
# How far the polling backs off (a multiple of the interval) while the tab is hidden or the API fails.
POLL_BACKOFF_FACTOR = 8
# While the event stream is open (events refresh the queue at once), the poll is only a safety net.
POLL_FALLBACK_MS = 60000
# The Money tab's sales chart: one bar per day, the grid's three lines.
CHART_DAYS = 14


# The words for catalog.models' fixed lists, in the page's language (issue 25); a value missing
# here (added to the model later) shows its own name.
DIET_LABELS = {"veg": gettext_lazy("Veg"), "egg": gettext_lazy("Egg"), "non_veg": gettext_lazy("Non-veg")}
ALLERGEN_LABELS = {
    "gluten": gettext_lazy("Gluten"), "dairy": gettext_lazy("Dairy"), "nuts": gettext_lazy("Nuts"),
    "peanuts": gettext_lazy("Peanuts"), "soy": gettext_lazy("Soy"), "egg": gettext_lazy("Egg"),
    "fish": gettext_lazy("Fish"), "shellfish": gettext_lazy("Shellfish"), "sesame": gettext_lazy("Sesame"),
    "mustard": gettext_lazy("Mustard"),
}  # fmt: skip
TAG_LABELS = {
    "jain": gettext_lazy("Jain"), "vegan": gettext_lazy("Vegan"), "spicy": gettext_lazy("Spicy"),
    "bestseller": gettext_lazy("Bestseller"),
}  # fmt: skip


def _shop_name(user) -> str:
    shop = getattr(user, "shop", None)  # catalog.Shop, one-to-one with the vendor
    return shop.name if shop is not None else (user.name or _("Your shop"))


def _label(labels: dict, value: str, fallback: str) -> str:
    return str(labels.get(value, fallback))


def _menu_choices() -> dict:
    """The fixed lists the menu form offers (catalog.models holds them): diets, allergens, tags."""
    return {
        "diets": [(value, _label(DIET_LABELS, value, label)) for value, label in MenuItem.Diet.choices],
        "allergens": [(name, _label(ALLERGEN_LABELS, name, name.capitalize())) for name in ALLERGENS],
        "tags": [(name, _label(TAG_LABELS, name, name.capitalize())) for name in TAGS],
    }


@require_GET
@never_cache
@ensure_csrf_cookie
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not user.is_vendor:
        return redirect("/admin/" if user.is_campus_staff else "/")
    if not user.is_approved:
        rejection = account_selectors.vendor_rejection_reason_find(vendor_id=user.pk)
        context = {"shop_name": _shop_name(user), "vendor": user, "rejection": rejection}
        return render(request, "dashboard/pending.html", context)

    now = timezone.localtime()
    config = {
        "vendor_id": user.pk,
        "vendor_type": user.vendor_type,
        "shop_name": _shop_name(user),
        "api_base": "/api/v1/",
        "sales_url": "/api/v1/ledger/sales",
        "statement_url": reverse("ledger-statement"),
        "payment_states_url": reverse("dashboard-payment-states"),
        "setup_url": reverse("dashboard-setup"),
        "print_price_tolerance_pct": settings.PRINT_PRICE_TOLERANCE_PCT,
        "poll_ms": POLL_INTERVAL_MS,
        # While the tab is hidden or the API fails, the gap between polls doubles up to this.
        "poll_max_ms": POLL_INTERVAL_MS * POLL_BACKOFF_FACTOR,
        # Issue 24: the queue follows the event stream; the poll slows to this while it is open.
        "events_url": reverse("events"),
        "poll_fallback_ms": POLL_FALLBACK_MS,
        "time_zone": settings.TIME_ZONE,
        # e.g. "+05:30": slot times typed in the page are sent with the campus offset.
        "utc_offset": now.strftime("%z")[:3] + ":" + now.strftime("%z")[3:],
        "today": now.date().isoformat(),
        "menu_image_max_mb": settings.MENU_IMAGE_MAX_MB,
        "diet_labels": {value: _label(DIET_LABELS, value, label) for value, label in MenuItem.Diet.choices},
        "allergen_labels": {name: _label(ALLERGEN_LABELS, name, name.capitalize()) for name in ALLERGENS},
        # The first-order checklist as it stands now, so the page is drawn with it (or without it)
        # at once, not pushed down under the vendor's finger when the first API answer arrives.
        "setup": selectors.shop_setup_for_vendor(vendor=user),
    }
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "config": config,
            "shop_name": config["shop_name"],
            "vendor": user,
            "is_food": user.is_food_vendor,
            "chart_days": range(CHART_DAYS),
            "chart_axes": range(3),
            "menu_choices": _menu_choices(),
        },
    )


# How often the counter asks for the ready and unclaimed orders.
COUNTER_POLL_MS = 4000


@require_GET
@never_cache
@ensure_csrf_cookie
def counter(request: HttpRequest) -> HttpResponse:
    """Counter mode (issue 20): the food vendor's full-screen handover page.

    The vendor types the code the student says, or scans the student's pickup QR with the
    device's camera (static/dashboard/counter.js); the order completes through
    `POST /api/v1/orders/complete-by-code`. Anyone but an approved food vendor goes to /dashboard/.
    """
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not (user.is_food_vendor and user.is_approved):
        return redirect("dashboard:home")
    config = {"api_base": "/api/v1/", "poll_ms": COUNTER_POLL_MS, "jsqr_url": static("vendor/jsqr/jsQR.js")}
    return render(request, "dashboard/counter.html", {"shop_name": _shop_name(user), "config": config})
