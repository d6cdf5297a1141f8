"""The home page, a food shop's menu, the cart and placing the order."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from catalog import selectors as catalog_selectors
from catalog.models import MenuItem, Shop
from core.errors import ApplicationError
from ordering import selectors as ordering_selectors
from ordering import services as ordering_services
from ordering.limits import enforce_order_place_limit
from ordering.models import Slot

from ..access import page, student_required
from ..errors import plain_error
from ..forms import OrderForm
from .common import open_first, shop_or_404


@page
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "nav": "home",
        "food_shops": open_first(
            catalog_selectors.shop_list_public(
                vendor_type=User.VendorType.FOOD, diet="veg" if request.GET.get("veg") == "1" else None
            )
        ),
        "veg_only": request.GET.get("veg") == "1",
        "stationery_shops": open_first(catalog_selectors.shop_list_public(vendor_type=User.VendorType.STATIONERY)),
    }
    return render(request, "pages/home.html", context)


def _options_of(request: HttpRequest, item_id: int) -> tuple[int, ...]:
    """The option ids sent for one item: checkboxes `opt_<item id>`, radios `opt_<item id>_<group id>`."""
    names = [k for k in request.POST if k == f"opt_{item_id}" or k.startswith(f"opt_{item_id}_")]
    return tuple(int(v) for k in names for v in request.POST.getlist(k) if v.isdigit() and len(v) < 19)


def _chosen_options(request: HttpRequest) -> list[int]:
    if request.method != "POST":
        return []
    return [
        int(v)
        for k in request.POST
        if k.startswith("opt_")
        for v in request.POST.getlist(k)
        if v.isdigit() and len(v) < 19
    ]


@dataclass(frozen=True)
class _MenuRow:
    item: MenuItem
    quantity: int


def _menu_context(request: HttpRequest, *, shop: Shop, quantities: dict[int, int], **extra) -> dict:
    veg_only = request.GET.get("veg") == "1"
    items = catalog_selectors.vendor_menu_public(vendor_id=shop.vendor_id, diet="veg" if veg_only else None)
    chosen = {pk for pk in _chosen_options(request)}
    slots: list[Slot] = list(ordering_selectors.slot_list_open_for_vendor(vendor_id=shop.vendor_id))
    user = request.user
    rows = [_MenuRow(item=item, quantity=quantities.get(item.pk, 0)) for item in items]
    return {
        "nav": "home",
        "shop": shop,
        "rows": rows,
        "slots": slots,
        "can_order": shop.is_open and (not user.is_authenticated or user.role == User.Role.STUDENT),
        "max_quantity": ordering_services.MAX_QUANTITY,
        "cart_count": sum(row.quantity for row in rows),
        "cart_total": sum(
            row.quantity
            * (
                row.item.price_paise
                + sum(
                    o.price_delta_paise for g in row.item.option_groups.all() for o in g.options.all() if o.pk in chosen
                )
            )
            for row in rows
        ),
        "chosen_options": chosen,
        "veg_only": veg_only,
        "restore_cart": not quantities,
        "selected_slot": None,
        "note": "",
        "error": "",
        "field_errors": {},
        **extra,
    }


@page
@require_http_methods(["GET", "POST"])
def menu(request: HttpRequest, vendor_id: int) -> HttpResponse:
    shop = shop_or_404(vendor_id=vendor_id, vendor_type=User.VendorType.FOOD)
    if request.method == "GET":
        return render(request, "pages/menu.html", _menu_context(request, shop=shop, quantities={}))
    return _order_place(request, shop=shop)


@student_required
def _order_place(request: HttpRequest, *, shop: Shop) -> HttpResponse:
    """The cart form was sent: place the order, or show the page again with the cart kept."""
    items = catalog_selectors.vendor_menu_public(vendor_id=shop.vendor_id)
    names = {item.pk: item.name for item in items}
    form = OrderForm(request.POST, item_ids=list(names))
    kept = {"selected_slot": None, "note": request.POST.get("note", "")[:300]}
    if form.is_valid():
        quantities = form.quantities()
        kept["selected_slot"] = form.cleaned_data["slot"]
        try:
            enforce_order_place_limit(request, student_id=request.user.pk)
            order = ordering_services.order_place(
                student=request.user,
                vendor_id=shop.vendor_id,
                slot_id=form.cleaned_data["slot"],
                lines=[
                    ordering_services.OrderLine(menu_item_id=i, quantity=q, options=_options_of(request, i))
                    for i, q in quantities.items()
                ],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            error, status = plain_error(exc, item_names=names), exc.status_code
            if exc.code in ("slot_full", "slot_closed"):
                kept["selected_slot"] = None  # that time is no longer on offer
        else:
            messages.success(request, f"Order #{order.pk} placed. Pay now to confirm it.")
            return redirect("pages:order", order_id=order.pk)
    else:
        quantities = {}
        for item_id in names:
            value = request.POST.get(f"qty_{item_id}", "")
            if value.isdigit() and int(value) > 0:
                quantities[item_id] = int(value)
        if form.cleaned_data.get("slot"):
            kept["selected_slot"] = form.cleaned_data["slot"]
        error = " ".join(form.non_field_errors()) or "Please check your order."
        status = 400
    context = _menu_context(
        request,
        shop=shop,
        quantities=quantities,
        error=error,
        field_errors={name: errors for name, errors in form.errors.items() if name != "__all__"},
        **kept,
    )
    context["restore_cart"] = False  # the cart is what was just sent
    return render(request, "pages/menu.html", context, status=status)
