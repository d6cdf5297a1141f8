"""The student's home: the orders still to collect pinned on top, the shops as cards with
today's hours and state, and a search across shops and dishes (`?q=`, plain GET, no script needed)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import User
from catalog import selectors as catalog_selectors
from ordering import selectors as ordering_selectors

from ..access import page
from .common import open_first, shop_names
from .food import remember_veg, veg_only


@page
def home(request: HttpRequest) -> HttpResponse:
    veg = veg_only(request)
    query = request.GET.get("q", "").strip()[: catalog_selectors.SEARCH_MAX_LENGTH]
    to_collect = []
    if request.user.is_authenticated:
        to_collect = ordering_selectors.order_list_to_collect_for(student=request.user)
        names = shop_names(order.vendor_id for order in to_collect)
        for order in to_collect:
            order.vendor_shop_name = names.get(order.vendor_id, _("Campus vendor"))
    context = {"nav": "home", "to_collect": to_collect, "query": query, "veg_only": veg}
    if query:
        context["found_shops"], context["found_items"] = catalog_selectors.catalog_search_public(query=query)
    else:
        food = catalog_selectors.shop_list_public(vendor_type=User.VendorType.FOOD, diet="veg" if veg else None)
        cards = ordering_selectors.shop_cards_for(shops=list(food))
        # Shops taking orders first, then paused, then those not yet taking orders, closed last.
        rank = {"open": 0, "paused": 1, "not_taking_orders": 2, "closed": 3}
        context["food_cards"] = sorted(cards, key=lambda card: rank[card.state])
        context["stationery_shops"] = open_first(
            catalog_selectors.shop_list_public(vendor_type=User.VendorType.STATIONERY)
        )
    return remember_veg(request, render(request, "pages/home.html", context))
