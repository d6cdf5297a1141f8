"""One dish's page: choose its options and how many, and add that line to the cart.

It is the plain-form way of the menu's options sheet (the sheet posts the same form here), so
it works without JavaScript. The cart's other lines come along with the form (the menu's fields
or the sheet's copies of them) and are kept first, so nothing typed on the menu is lost. The
line is checked by ordering's own pricing (every option the item's and available, each group's
count within its limits, the item's `max_per_order` over all its lines) before it is kept;
a refusal shows the page again with the reason, and the cart is left as it was.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from catalog import selectors as catalog_selectors
from catalog.models import MenuItem, Shop
from core.errors import ApplicationError, ValidationFailed
from ordering import pricing
from ordering import services as ordering_services

from .. import cart
from ..access import page
from ..errors import plain_error
from .common import shop_or_404
from .food import remember_veg


def _can_order(request: HttpRequest, shop: Shop) -> bool:
    user = request.user
    return shop.is_open and (not user.is_authenticated or user.role == User.Role.STUDENT)


def _chosen(request: HttpRequest) -> list[int]:
    """The option ids sent: radios and checkboxes named `option_<group id>`."""
    return [
        int(value)
        for name in request.POST
        if name.startswith("option_")
        for value in request.POST.getlist(name)
        if value.isdigit() and len(value) < 19
    ][: pricing.MAX_OPTIONS_PER_LINE + 1]


def _quantity(request: HttpRequest) -> int:
    value = request.POST.get("quantity", "1").strip() or "1"
    if not value.isdigit() or not 1 <= int(value) <= ordering_services.MAX_QUANTITY:
        raise ValidationFailed(
            details={"quantity": [_("Choose 1 to %(max)s.") % {"max": ordering_services.MAX_QUANTITY}]}
        )
    return int(value)


def _check(*, shop: Shop, item: MenuItem, lines: list[cart.Line]) -> None:
    """Refuse the item's lines as placing would (ValidationFailed / ItemUnavailable); reads only."""
    if item.is_sold_out:
        sold_out = _("%(item_name)s is sold out for today.") % {"item_name": item.name}
        raise ValidationFailed(details={"items": [sold_out]})
    order_lines = [
        ordering_services.OrderLine(menu_item_id=line.item_id, quantity=line.quantity, options=line.options)
        for line in lines
    ]
    pricing.lines_validate(order_lines)
    pricing.lines_price(vendor_id=shop.vendor_id, lines=order_lines)


@page
@require_http_methods(["GET", "POST"])
def menu_item(request: HttpRequest, vendor_id: int, item_id: int) -> HttpResponse:
    shop = shop_or_404(vendor_id=vendor_id, vendor_type=User.VendorType.FOOD)
    items = catalog_selectors.vendor_menu_public(vendor_id=shop.vendor_id)
    item = next((item for item in items if item.pk == item_id), None)
    if item is None:
        raise Http404("No such dish at this shop.")
    item_ids = [i.pk for i in items]
    context = {"nav": "home", "shop": shop, "item": item, "can_order": _can_order(request, shop), "error": ""}
    context["chosen"], context["quantity"] = set(), 1
    if request.method == "GET":
        return remember_veg(request, render(request, "pages/menu_item.html", context))

    # The cart's lines sent along with the form: what the menu showed, kept as it was.
    sent, _malformed = cart.lines_from(request.POST, item_ids=item_ids)
    if any(cart.parse_field(name) for name in request.POST):
        cart.cart_replace(request, vendor_id=shop.vendor_id, lines=sent)
    if "choose" in request.POST or not context["can_order"]:
        return render(request, "pages/menu_item.html", context)  # from the menu's "Add" without a script

    chosen = _chosen(request)
    context["chosen"] = set(chosen)
    try:
        quantity = _quantity(request)
        context["quantity"] = quantity
        line = cart.Line(item_id=item.pk, options=tuple(sorted(set(chosen))), quantity=quantity)
        lines = cart.cart_lines(request, vendor_id=shop.vendor_id, item_ids=item_ids)
        earlier = next((other.quantity for other in lines if other.field == line.field), 0)
        line = cart.Line(item_id=line.item_id, options=line.options, quantity=earlier + quantity)
        kept = [other for other in lines if other.field != line.field]
        _check(shop=shop, item=item, lines=[other for other in kept if other.item_id == item.pk] + [line])
    except ApplicationError as exc:
        context["error"] = plain_error(exc, item_names={item.pk: item.name})
        if exc.code == "item_unavailable" and exc.details.get("options"):
            context["error"] = _("Some of these choices are not available right now. Choose another.")
        return render(request, "pages/menu_item.html", context, status=exc.status_code)
    cart.cart_replace(request, vendor_id=shop.vendor_id, lines=[*kept, line])
    messages.success(
        request, _("Added %(quantity)s × %(item)s to your cart.") % {"quantity": quantity, "item": item.name}
    )
    response = HttpResponse(status=303)
    response["Location"] = reverse("pages:menu", args=[shop.vendor_id]) + f"#item-{item.pk}"
    return response
