"""Order again: an earlier order's dishes (and options, while still offered) put back into the
shop's cart, then the shop's menu with the cart open. What is gone is said, never silently dropped."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotFound
from ordering import selectors as ordering_selectors
from ordering import services as ordering_services

from .. import cart
from ..access import student_required


@student_required
@require_POST
def order_reorder(request: HttpRequest, order_id: int) -> HttpResponse:
    try:
        plan = ordering_selectors.order_reorder_plan(student=request.user, order_id=order_id)
    except NotFound:
        raise Http404("No such order.") from None
    if not plan.shop_listed:
        messages.error(request, _("That shop is not on Tap N Take any more, so this order cannot be made again."))
        return redirect("pages:orders")
    lines = [cart.Line(item_id=line.menu_item_id, options=line.options, quantity=line.quantity) for line in plan.lines]
    cart.cart_add(request, vendor_id=plan.vendor_id, lines=lines, max_quantity=ordering_services.MAX_QUANTITY)
    if lines and plan.gone:
        messages.warning(request, f"Added to your cart, except what is no longer available: {', '.join(plan.gone)}.")
    elif lines:
        messages.success(request, f"Order #{order_id} is back in your cart. Choose a pickup time to order it again.")
    else:
        messages.error(request, f"Nothing from order #{order_id} is available now: {', '.join(plan.gone)}.")
    return redirect(reverse("pages:menu", args=[plan.vendor_id]) + "?cart=open#cart")
