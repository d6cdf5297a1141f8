"""A food shop's menu, its cart and placing the order.

The cart is lines of (item, options, quantity) (pages/cart.py). Items without options are
counted on the menu itself; a dish with options is chosen in its sheet (with JavaScript) or on
its own page (pages/views/menu_item.py), and each choice is one more line of the cart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from catalog import selectors as catalog_selectors
from catalog.models import MenuItem, Option, Shop
from core.errors import ApplicationError
from ordering import selectors as ordering_selectors
from ordering import services as ordering_services
from ordering.limits import enforce_order_place_limit

from .. import cart
from ..access import page, student_required
from ..forms import OrderForm
from . import checkout
from .common import shop_or_404

VEG_COOKIE = "tnt_veg"
VEG_COOKIE_SECONDS = 365 * 24 * 3600


def veg_only(request: HttpRequest) -> bool:
    """The "veg only" filter: `?veg=1` / `?veg=0` set it, otherwise the remembered choice."""
    asked = request.GET.get("veg")
    if asked in ("0", "1"):
        return asked == "1"
    return request.COOKIES.get(VEG_COOKIE) == "1"


def remember_veg(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Remember a filter the visitor just chose (a cookie: it needs no session and no sign-in)."""
    asked = request.GET.get("veg")
    if asked == "1":
        response.set_cookie(VEG_COOKIE, "1", max_age=VEG_COOKIE_SECONDS, samesite="Lax", httponly=True)
    elif asked == "0":
        response.delete_cookie(VEG_COOKIE, samesite="Lax")
    return response


@dataclass(frozen=True)
class CartRow:
    """One line of the cart as the menu shows it, priced from the menu just read (the services
    price it again when the order is placed)."""

    field: str
    item: MenuItem
    options: tuple[Option, ...]
    quantity: int
    unit_price_paise: int

    @property
    def option_names(self) -> str:
        return ", ".join(option.name for option in self.options)


@dataclass
class MenuRow:
    item: MenuItem
    has_options: bool
    quantity: int = 0  # an item without options: its quantity on the menu
    lines: list[CartRow] = field(default_factory=list)  # a dish with options: its lines
    error: str = ""  # a refusal of the order that is about this dish


def cart_rows(items: list[MenuItem], lines: list[cart.Line]) -> list[CartRow]:
    by_id = {item.pk: item for item in items}
    rows = []
    for line in lines:
        item = by_id[line.item_id]
        known = {option.pk: option for group in item.option_groups.all() for option in group.options.all()}
        options = tuple(known[pk] for pk in line.options if pk in known)
        unit = item.price_paise + sum(option.price_delta_paise for option in options)
        rows.append(CartRow(line.field, item, options, line.quantity, unit))
    return rows


def menu_context(
    request: HttpRequest,
    *,
    shop: Shop,
    items: list[MenuItem],
    lines: list[cart.Line],
    wanted_slot: int | None = None,
    errors: dict[str, str] | None = None,
    note: str = "",
) -> dict:
    """The menu with its cart; `errors` {where: message} are shown beside what caused them
    (checkout.refusal_places), `wanted_slot` is chosen again while it can still be."""
    veg = veg_only(request)
    errors = errors or {}
    priced = cart_rows(items, lines)
    rows = []
    for item in items:
        if veg and item.diet != MenuItem.Diet.VEG:
            continue
        has_options = bool(item.option_groups.all())
        row = MenuRow(item=item, has_options=has_options, error=errors.get(f"item-{item.pk}", ""))
        if has_options:
            row.lines = [line for line in priced if line.item.pk == item.pk]
        else:
            row.quantity = next((line.quantity for line in priced if line.field == cart.line_field(item.pk)), 0)
        rows.append(row)
    shown = {row.item.pk for row in rows}
    shown_errors = {f"item-{pk}" for pk in shown} | {checkout.SLOT, checkout.NOTE, checkout.CART}
    # A refusal about a dish the veg filter hides is said beside the cart.
    cart_error = " ".join(
        [errors.get(checkout.CART, ""), *(message for where, message in errors.items() if where not in shown_errors)]
    ).strip()
    user = request.user
    days = checkout.slot_days(list(ordering_selectors.slot_list_open_for_vendor(vendor_id=shop.vendor_id)), shop=shop)
    total = sum(line.quantity * line.unit_price_paise for line in priced)
    hidden = [line for line in priced if line.item.pk not in shown]
    return {
        "nav": "home",
        "shop": shop,
        "rows": rows,
        # Lines of items the veg filter hides stay in the cart (hidden fields of the form).
        "hidden_lines": hidden,
        "hidden_summary": ", ".join(
            f"{line.quantity} × {line.item.name}" + (f" ({line.option_names})" if line.option_names else "")
            for line in hidden
        ),
        "slot_days": days,
        "can_order": shop.is_open and (not user.is_authenticated or user.role == User.Role.STUDENT),
        "max_quantity": ordering_services.MAX_QUANTITY,
        "cart_count": sum(line.quantity for line in priced),
        "cart_total": total,
        "cart_version": cart.cart_version(request, vendor_id=shop.vendor_id),
        "veg_only": veg,
        "restore_cart": request.method == "GET",
        "selected_slot": checkout.slot_to_choose(days, wanted=wanted_slot),
        "note": note,
        "slot_error": errors.get(checkout.SLOT, ""),
        "note_error": errors.get(checkout.NOTE, ""),
        "cart_error": cart_error,
        "has_errors": bool(errors),
        "gateway": checkout.gateway_context(),
    }


@page
@require_http_methods(["GET", "POST"])
def menu(request: HttpRequest, vendor_id: int) -> HttpResponse:
    shop = shop_or_404(vendor_id=vendor_id, vendor_type=User.VendorType.FOOD)
    if request.method == "POST":
        return _order_place(request, shop=shop)
    items = catalog_selectors.vendor_menu_public(vendor_id=shop.vendor_id)
    lines = cart.cart_lines(request, vendor_id=shop.vendor_id, item_ids=[item.pk for item in items])
    context = menu_context(request, shop=shop, items=items, lines=lines)
    return remember_veg(request, render(request, "pages/menu.html", context))


@student_required
def _order_place(request: HttpRequest, *, shop: Shop) -> HttpResponse:
    """The cart form was sent: place the order, or show the page again with the cart kept.

    From the page script (checkout.wants_json) the answer is JSON: the placed order, which the
    script pays for at once, or the refusal with where each message belongs."""
    items = catalog_selectors.vendor_menu_public(vendor_id=shop.vendor_id)
    names = {item.pk: item.name for item in items}
    form = OrderForm(request.POST, item_ids=list(names))
    note = request.POST.get("note", "")[:300]
    wanted_slot = None
    if form.is_valid():
        wanted_slot = form.cleaned_data["slot"]
        try:
            enforce_order_place_limit(request, student_id=request.user.pk)
            order = ordering_services.order_place(
                student=request.user,
                vendor_id=shop.vendor_id,
                slot_id=form.cleaned_data["slot"],
                lines=[
                    ordering_services.OrderLine(menu_item_id=line.item_id, quantity=line.quantity, options=line.options)
                    for line in form.lines
                ],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            errors, status, code = checkout.refusal_places(exc, item_names=names), exc.status_code, exc.code
            if exc.code in ("slot_full", "slot_closed"):
                wanted_slot = None  # that time is no longer on offer
        else:
            cart.cart_clear(request, vendor_id=shop.vendor_id)
            if checkout.wants_json(request):
                return checkout.placed_json(order, shop_name=shop.name)
            messages.success(request, _("Order #%(id)s placed. Pay now to confirm it.") % {"id": order.pk})
            return redirect("pages:order", order_id=order.pk)
    else:
        if form.cleaned_data.get("slot"):
            wanted_slot = form.cleaned_data["slot"]
        errors, status, code = checkout.form_places(form.errors), 400, "validation_error"
    cart.cart_replace(request, vendor_id=shop.vendor_id, lines=form.lines)  # the cart is what was just sent
    if checkout.wants_json(request):
        return checkout.refusal_json(code=code, places=errors, status=status)
    context = menu_context(
        request, shop=shop, items=items, lines=form.lines, wanted_slot=wanted_slot, errors=errors, note=note
    )
    return render(request, "pages/menu.html", context, status=status)
