"""Issue 22, the student's shell: the tab bar and account menu, the home page (the order to collect
pinned on top, shop cards, search), My orders split into Active and Past with Reorder, the menu's
ADD and the cart bar that shows only with something in the cart. Query counts are held constant."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.html import Element, parse_html
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from catalog import services as catalog_services
from catalog.models import Shop
from catalog.tests.factories import OptionFactory, OptionGroupFactory
from ordering import selectors as ordering_selectors
from ordering import services as ordering_services
from ordering.models import Order, Slot
from payments.models import Payment

from . import factories

pytestmark = pytest.mark.django_db


def _paid(order: Order) -> Order:
    payment = Payment.objects.create(
        payer_id=order.student_id, order=order, amount_paise=order.total_paise, razorpay_order_id=f"order_S{order.pk}"
    )
    return ordering_services.order_mark_paid(order_id=order.pk, payment=payment)


def _completed(order: Order) -> Order:
    order = _paid(order)
    vendor = order.vendor
    ordering_services.order_accept(order_id=order.pk, vendor=vendor)
    ordering_services.order_mark_ready(order_id=order.pk, vendor=vendor)
    return ordering_services.order_complete(order_id=order.pk, vendor=vendor, pickup_code=order.pickup_code)


def _elements(node, tag: str, /, **attrs) -> list[Element]:
    """Every element `tag` under `node` whose attributes include `attrs` (class: one of its classes)."""
    found = []
    for child in getattr(node, "children", []):
        if not isinstance(child, Element):
            continue
        have = dict(child.attributes)
        if child.name == tag and all(
            (value in (have.get("class") or "").split())
            if key == "class_"
            else have.get(key.replace("_", "-")) == value
            for key, value in attrs.items()
        ):
            found.append(child)
        found += _elements(child, tag, **attrs)
    return found


def _text(node) -> str:
    if isinstance(node, str):
        return node
    return " ".join(_text(child) for child in node.children).strip()


def _page(response) -> Element:
    assert response.status_code == 200
    return parse_html(response.content.decode())


def _cart(client, vendor_id: int) -> dict:
    return client.session.get(f"cart-{vendor_id}", {}).get("lines", {})


# --- the tab bar and the account menu -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "current"), [("/", "Food"), ("/print", "Print"), ("/orders", "Orders"), ("/print-jobs", "Print")]
)
def test_the_tab_bar_has_food_print_orders_and_marks_the_current_one(student_client, campus, path, current):
    root = _page(student_client.get(path))
    [tabbar] = _elements(root, "nav", class_="tabbar")
    tabs = _elements(tabbar, "a", class_="tab")
    assert [_text(tab) for tab in tabs] == ["Food", "Print", "Orders"]
    assert [dict(tab.attributes)["href"] for tab in tabs] == ["/", "/print", "/orders"]
    assert [_text(tab) for tab in tabs if dict(tab.attributes).get("aria-current") == "page"] == [current]


def test_sign_out_is_inside_the_account_menu_and_nowhere_else(student_client, student):
    root = _page(student_client.get("/"))
    [menu] = _elements(root, "details", class_="account")
    assert "Asha" in _text(menu)
    [form] = _elements(menu, "form", action="/logout")
    assert dict(form.attributes)["method"] == "post"
    assert _text(_elements(form, "button")[0]) == "Sign out"
    assert len(_elements(root, "form", action="/logout")) == 1  # not also in the header's links
    assert [_text(link) for link in _elements(menu, "a")] == ["My prints"]
    assert student_client.post("/logout").status_code == 302
    assert "_auth_user_id" not in student_client.session


def test_a_signed_out_visitor_gets_the_tabs_and_a_sign_in_link_but_no_account_menu(client, campus):
    root = _page(client.get("/"))
    [tabbar] = _elements(root, "nav", class_="tabbar")
    assert [_text(tab) for tab in _elements(tabbar, "a")] == ["Food", "Print", "Orders"]
    assert _elements(root, "details", class_="account") == []
    assert [_text(link) for link in _elements(root, "a", href="/login")] == ["Sign in"]
    # The Orders tab asks to sign in first and comes back.
    assert client.get("/orders")["Location"].startswith("/login?next=/orders")


# --- home: the order to collect, pinned -------------------------------------------------------------


def test_the_students_order_to_collect_is_pinned_with_its_code_and_link(student_client, student, campus):
    mine = _paid(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)]))
    unpaid = factories.order(student=student, slot=campus.lunch, items=[(campus.chai, 1)])
    done = _completed(factories.order(student=student, slot=campus.lunch, items=[(campus.chai, 2)]))
    theirs = _paid(factories.order(student=StudentFactory(), slot=campus.lunch, items=[(campus.chai, 1)]))
    root = _page(student_client.get("/"))
    pinned = _elements(root, "a", data_testid="pinned-order")
    assert [dict(card.attributes)["href"] for card in pinned] == [f"/orders/{mine.pk}"]
    text = _text(pinned[0])
    assert mine.pickup_code in text and "Main Canteen" in text and "Paid" in text
    html = student_client.get("/").content.decode()
    for other in (unpaid, done, theirs):
        assert f'href="/orders/{other.pk}"' not in html
    assert theirs.pickup_code not in html


def test_accepted_and_ready_orders_stay_pinned_until_collected(student_client, student, campus):
    order = _paid(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)]))
    vendor = campus.canteen.vendor
    ordering_services.order_accept(order_id=order.pk, vendor=vendor)
    assert _elements(_page(student_client.get("/")), "a", href=f"/orders/{order.pk}", data_testid="pinned-order")
    ordering_services.order_mark_ready(order_id=order.pk, vendor=vendor)
    [card] = _elements(_page(student_client.get("/")), "a", data_testid="pinned-order")
    assert "Ready for pickup" in _text(card)
    ordering_services.order_complete(order_id=order.pk, vendor=vendor, pickup_code=order.pickup_code)
    assert _elements(_page(student_client.get("/")), "a", data_testid="pinned-order") == []


def test_nobody_else_gets_a_pinned_order(client, student, campus):
    _paid(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)]))
    assert 'data-testid="pinned-order"' not in client.get("/").content.decode()
    client.force_login(campus.canteen.vendor)
    assert 'data-testid="pinned-order"' not in client.get("/").content.decode()


# --- home: shop cards -------------------------------------------------------------------------------


def _card(root, name: str) -> Element:
    [card] = [card for card in _elements(root, "li", data_testid="shop-card") if name in _text(card)]
    return card


def test_shop_cards_say_open_paused_closed_or_not_taking_orders_yet(client, campus):
    paused = factories.food_shop(name="Busy Dhaba")
    factories.slot(paused)
    until = timezone.now() + timedelta(minutes=20)
    catalog_services.shop_update(vendor=paused.vendor, paused_until=until)
    factories.food_shop(name="New Juice Bar")  # open, but no pickup times yet
    root = _page(client.get("/"))
    states = {
        name: dict(_card(root, name).attributes)["data-state"]
        for name in ("Main Canteen", "Busy Dhaba", "New Juice Bar", "Night Cafe")
    }
    assert states == {
        "Main Canteen": "open",
        "Busy Dhaba": "paused",
        "New Juice Bar": "not_taking_orders",
        "Night Cafe": "closed",
    }
    assert f"Paused until {timezone.localtime(until):%H:%M}" in _text(_card(root, "Busy Dhaba"))
    assert "Not taking orders yet" in _text(_card(root, "New Juice Bar"))
    # Taking orders first, closed last; only the closed one has no link to its menu.
    names = [_text(_elements(card, "h3")[0]) for card in _elements(root, "li", data_testid="shop-card")]
    assert names == ["Main Canteen", "Busy Dhaba", "New Juice Bar", "Night Cafe"]
    assert _elements(_card(root, "Night Cafe"), "a") == []
    juice = Shop.objects.get(name="New Juice Bar")
    assert _elements(_card(root, "New Juice Bar"), "a", href=f"/vendors/{juice.vendor_id}")  # its menu can be read


def test_a_slot_past_the_shops_own_cut_off_does_not_count_as_taking_orders(client, campus):
    """The canteen's only slot starts in 2 hours: with a 3-hour cut-off nothing can be ordered."""
    catalog_services.shop_update(vendor=campus.canteen.vendor, order_cutoff_minutes=180)
    root = _page(client.get("/"))
    assert dict(_card(root, "Main Canteen").attributes)["data-state"] == "not_taking_orders"
    assert "180 min prep" in _text(_card(root, "Main Canteen"))
    catalog_services.shop_update(vendor=campus.canteen.vendor, order_cutoff_minutes=60)
    root = _page(client.get("/"))
    assert dict(_card(root, "Main Canteen").attributes)["data-state"] == "open"
    assert "60 min prep" in _text(_card(root, "Main Canteen"))


def test_shop_cards_show_todays_hours_from_todays_slots_only(settings):
    settings.ORDER_CUTOFF_MINUTES = 15
    shop = factories.food_shop(name="Hours Cafe")
    other = factories.food_shop(name="Other Cafe", is_open=True)
    catalog_services.shop_update(vendor=other.vendor, order_cutoff_minutes=45)
    today = timezone.localdate()

    def at(day, hour, minute=0):
        return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=hour, minutes=minute)

    def make(vendor, starts_at, minutes=30):
        Slot.objects.create(
            vendor=vendor, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), capacity=5
        )

    make(shop.vendor, at(today, 8))  # the day's first: 8:00 AM
    make(shop.vendor, at(today, 12, 30))
    make(shop.vendor, at(today, 19, 30))  # the day's last ends 8:00 PM
    make(shop.vendor, at(today + timedelta(days=1), 7))  # tomorrow does not widen today's hours
    make(shop.vendor, at(today - timedelta(days=1), 21))  # nor does yesterday
    Slot.objects.create(
        vendor=shop.vendor, starts_at=at(today, 21), ends_at=at(today, 22), capacity=5, is_active=False
    )  # an inactive slot is no opening hour
    make(other.vendor, at(today, 12, 50))
    now = at(today, 12, 10)  # 12:10 PM
    shops = [shop, other]
    for s in shops:
        s.refresh_from_db()
    cards = {card.shop.name: card for card in ordering_selectors.shop_cards_for(shops=shops, now=now)}
    hours = cards["Hours Cafe"]
    assert (timezone.localtime(hours.today_from), timezone.localtime(hours.today_to)) == (at(today, 8), at(today, 20))
    assert hours.next_pickup == at(today, 12, 30) and hours.state == "open"
    other_card = cards["Other Cafe"]
    assert other_card.today_from == at(today, 12, 50) and other_card.prep_minutes == 45
    # 12:50 is inside the other cafe's own 45 min cut-off (12:55), not inside the campus's 15 min.
    assert other_card.next_pickup is None and other_card.state == "not_taking_orders"
    later = ordering_selectors.shop_cards_for(shops=shops, now=at(today, 12, 16))
    assert later[0].next_pickup == at(today, 19, 30)  # at 12:16 the 12:30 slot is inside the 15 min cut-off


# --- home: search -----------------------------------------------------------------------------------


def test_search_finds_shops_and_available_dishes_whatever_the_case(client, campus):
    catalog_services.menu_item_update(vendor=campus.canteen.vendor, item_id=campus.chai.pk, is_available=False)
    hidden = factories.food_shop(name="Dosa Corner Unapproved")
    factories.menu_item(hidden, name="Rava dosa", price_paise=5000)
    hidden.vendor.is_approved = False
    hidden.vendor.save(update_fields=["is_approved"])
    factories.food_shop(name="Dosa Point")

    root = _page(client.get("/", {"q": "DOSA"}))
    [results] = _elements(root, "section", data_testid="search-results")
    shops = [_text(_elements(li, "h3")[0]) for li in _elements(results, "ul", data_testid="found-shops")[0].children]
    assert shops == ["Dosa Point"]
    [item_list] = _elements(results, "ul", data_testid="found-items")
    links = [dict(a.attributes)["href"] for a in _elements(item_list, "a")]
    assert links == [f"/vendors/{campus.canteen.vendor_id}#item-{campus.dosa.pk}"]
    assert "Main Canteen" in _text(item_list) and "₹60" in _text(item_list)
    assert _elements(root, "li", data_testid="shop-card") == []  # results instead of the list

    html = client.get("/", {"q": "chai"}).content.decode()  # unavailable today
    assert "Nothing matches" in html and f"#item-{campus.chai.pk}" not in html
    html = client.get("/", {"q": "xerox"}).content.decode()  # print shops are shops too
    assert f'href="/print/{campus.xerox.vendor_id}"' in html
    html = client.get("/", {"q": "  "}).content.decode()  # blank: the usual home page
    assert 'data-testid="search-results"' not in html and 'data-testid="shop-card"' in html


def test_search_takes_the_query_as_text(client, campus):
    factories.food_shop(name="100% Juice")
    for query in ("%", "_", "'; drop table", "<script>", "x" * 500):
        response = client.get("/", {"q": query})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert "100% Juice" not in client.get("/", {"q": "_"}).content.decode()
    assert "100% Juice" in client.get("/", {"q": "0%"}).content.decode()


# --- My orders: Active and Past, Reorder ---------------------------------------------------------------


def test_my_orders_are_split_into_active_and_past_with_item_summaries(student_client, student, campus):
    unpaid = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 2), (campus.chai, 1)])
    paid = _paid(factories.order(student=student, slot=campus.lunch, items=[(campus.chai, 1)]))
    done = _completed(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)]))
    cancelled = factories.order(student=student, slot=campus.lunch, items=[(campus.chai, 3)])
    ordering_services.order_cancel(order_id=cancelled.pk, student=student, reason="changed my mind")
    factories.order(student=StudentFactory(), slot=campus.lunch, items=[(campus.dosa, 4)])

    root = _page(student_client.get("/orders"))
    [active] = _elements(root, "ul", data_testid="active-orders")
    [past] = _elements(root, "ul", data_testid="past-orders")
    ids = lambda ul: [int(dict(li.attributes)["data-order"]) for li in _elements(ul, "li", data_testid="order-card")]  # noqa: E731
    assert ids(active) == [paid.pk, unpaid.pk] and ids(past) == [cancelled.pk, done.pk]
    card = _elements(active, "li", data_order=str(unpaid.pk))[0]
    assert _text(_elements(card, "p", data_testid="order-summary")[0]) == "2 × Masala Dosa, 1 × Chai"
    assert "₹135" in _text(card)
    # Reorder is offered on past orders only, as a POST with the CSRF token.
    assert _elements(active, "form") == []
    forms = _elements(past, "form", method="post")
    assert [dict(form.attributes)["action"] for form in forms] == [
        f"/orders/{cancelled.pk}/reorder",
        f"/orders/{done.pk}/reorder",
    ]
    assert all(_elements(form, "input", name="csrfmiddlewaretoken") for form in forms)


def test_reorder_puts_the_same_items_back_and_opens_the_shops_cart(student_client, student, campus):
    done = _completed(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 2), (campus.chai, 1)]))
    student_client.post(f"/vendors/{campus.canteen.vendor_id}/items/{campus.chai.pk}")  # a chai already in the cart
    response = student_client.post(f"/orders/{done.pk}/reorder")
    assert response.status_code == 302
    assert response["Location"] == f"/vendors/{campus.canteen.vendor_id}?cart=open#cart"
    assert _cart(student_client, campus.canteen.vendor_id) == {f"qty_{campus.dosa.pk}": 2, f"qty_{campus.chai.pk}": 2}
    menu = student_client.get(response["Location"]).content.decode()
    assert re.search(rf'id="qty-{campus.dosa.pk}" name="qty_{campus.dosa.pk}" value="2"', menu)
    assert "is back in your cart" in menu
    assert not Order.objects.exclude(pk=done.pk).exists()  # nothing is ordered until the student places it


def test_reorder_skips_what_is_gone_and_says_which(student_client, student, campus):
    size = OptionGroupFactory(menu_item=campus.dosa, name="Size", min_choices=1, max_choices=1)
    plain = OptionFactory(group=size, name="Plain")
    masala = OptionFactory(group=size, name="Masala", price_delta_paise=1500)
    extras = OptionGroupFactory(menu_item=campus.dosa, name="Extras", max_choices=2, sort_order=1)
    cheese = OptionFactory(group=extras, name="Extra cheese", price_delta_paise=2000)
    ghee = OptionFactory(group=extras, name="Ghee", price_delta_paise=1000)
    upma = factories.menu_item(campus.canteen, name="Upma", price_paise=3000)
    order = ordering_services.order_place(
        student=student,
        vendor_id=campus.canteen.vendor_id,
        slot_id=campus.lunch.pk,
        lines=[
            ordering_services.OrderLine(
                menu_item_id=campus.dosa.pk, quantity=1, options=(plain.pk, cheese.pk, ghee.pk)
            ),
            ordering_services.OrderLine(menu_item_id=campus.dosa.pk, quantity=2, options=(masala.pk,)),
            ordering_services.OrderLine(menu_item_id=campus.chai.pk, quantity=1),
            ordering_services.OrderLine(menu_item_id=upma.pk, quantity=1),
        ],
    )
    ordering_services.order_cancel(order_id=order.pk, student=student, reason="later")
    # Since then: no cheese today, no masala size (a required choice), chai is off, upma is sold out.
    type(cheese).objects.filter(pk__in=[cheese.pk, masala.pk]).update(is_available=False)
    catalog_services.menu_item_update(vendor=campus.canteen.vendor, item_id=campus.chai.pk, is_available=False)
    type(upma).objects.filter(pk=upma.pk).update(stock=0)

    response = student_client.post(f"/orders/{order.pk}/reorder")
    assert response.status_code == 302
    assert _cart(student_client, campus.canteen.vendor_id) == {
        f"qty_{campus.dosa.pk}_{'-'.join(map(str, sorted([plain.pk, ghee.pk])))}": 1
    }
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Added to your cart, except what is no longer available:")
    for gone in ("Extra cheese on Masala Dosa", "Masala Dosa (Masala)", "Chai", "Upma"):
        assert gone in message


def test_reorder_with_nothing_left_adds_nothing_and_says_so(student_client, student, campus):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.chai, 1)])
    ordering_services.order_cancel(order_id=order.pk, student=student, reason="later")
    catalog_services.menu_item_delete(vendor=campus.canteen.vendor, item_id=campus.chai.pk)
    response = student_client.post(f"/orders/{order.pk}/reorder")
    assert _cart(student_client, campus.canteen.vendor_id) == {}
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Nothing from order #{order.pk} is available now: Chai."
    ]


def test_reorder_refuses_another_students_order_and_changes_nothing(student_client, campus):
    theirs = factories.order(student=StudentFactory(), slot=campus.lunch, items=[(campus.dosa, 3)])
    ordering_services.order_cancel(order_id=theirs.pk, student=theirs.student, reason="later")
    assert student_client.post(f"/orders/{theirs.pk}/reorder").status_code == 404
    assert student_client.post("/orders/999999/reorder").status_code == 404
    assert _cart(student_client, campus.canteen.vendor_id) == {}


def test_reorder_is_a_post_with_the_csrf_token(student, campus):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)])
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.get(f"/orders/{order.pk}/reorder").status_code == 405
    assert client.post(f"/orders/{order.pk}/reorder").status_code == 403
    assert _cart(client, campus.canteen.vendor_id) == {}
    anonymous = Client()
    assert anonymous.post(f"/orders/{order.pk}/reorder")["Location"].startswith("/login?next=")


# --- the menu: ADD, the stepper, the cart bar ---------------------------------------------------------


def test_the_cart_bar_is_hidden_while_the_cart_is_empty(student_client, campus):
    root = _page(student_client.get(f"/vendors/{campus.canteen.vendor_id}"))
    [bar] = _elements(root, "div", id="cart")
    assert "hidden" in dict(bar.attributes)
    student_client.post(f"/vendors/{campus.canteen.vendor_id}/items/{campus.chai.pk}")
    root = _page(student_client.get(f"/vendors/{campus.canteen.vendor_id}"))
    [bar] = _elements(root, "div", id="cart")
    assert "hidden" not in dict(bar.attributes) and "1 item" in _text(bar)


def test_add_shows_until_a_dish_is_in_the_cart_then_the_stepper(student_client, campus):
    vendor_id = campus.canteen.vendor_id
    root = _page(student_client.get(f"/vendors/{vendor_id}"))
    [add] = _elements(root, "button", data_add_one=f"qty-{campus.chai.pk}")
    [stepper] = _elements(root, "div", data_stepper=f"qty-{campus.chai.pk}")
    assert _text(add) == "ADD" and "hidden" not in dict(add.attributes) and "hidden" in dict(stepper.attributes)
    # Without a script ADD posts the menu's form to the dish's page, which adds one and comes back.
    assert dict(add.attributes)["formaction"] == f"/vendors/{vendor_id}/items/{campus.chai.pk}"
    response = student_client.post(f"/vendors/{vendor_id}/items/{campus.chai.pk}", {f"qty_{campus.dosa.pk}": "2"})
    assert response.status_code == 303 and response["Location"] == f"/vendors/{vendor_id}#item-{campus.chai.pk}"
    root = _page(student_client.get(f"/vendors/{vendor_id}"))
    for item in (campus.chai, campus.dosa):
        [add] = _elements(root, "button", data_add_one=f"qty-{item.pk}")
        [stepper] = _elements(root, "div", data_stepper=f"qty-{item.pk}")
        assert "hidden" in dict(add.attributes) and "hidden" not in dict(stepper.attributes)
    assert _cart(student_client, vendor_id) == {f"qty_{campus.dosa.pk}": 2, f"qty_{campus.chai.pk}": 1}


# --- query budgets --------------------------------------------------------------------------------------


def _queries(client, path: str, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, data or {}).status_code == 200
    return len(captured)


def _more_shops_and_orders(student, n: int) -> None:
    for i in range(n):
        shop = factories.food_shop(name=f"Stall {i}")
        dish = factories.menu_item(shop, name=f"Stall {i} dosa", price_paise=4000)
        slot = factories.slot(shop)
        _paid(factories.order(student=student, slot=slot, items=[(dish, 1)]))
        _completed(factories.order(student=student, slot=slot, items=[(dish, 2)]))
        factories.stationery_shop(name=f"Copy {i}")


@pytest.mark.parametrize(("path", "data"), [("/", None), ("/", {"q": "dosa"}), ("/orders", None)])
def test_home_search_and_my_orders_take_the_same_queries_for_any_number_of_shops_and_orders(
    student_client, student, campus, path, data
):
    _more_shops_and_orders(student, 1)
    few = _queries(student_client, path, data)
    _more_shops_and_orders(student, 6)
    many = _queries(student_client, path, data)
    assert many == few, f"{path} {data}: {few} queries with 2 shops, {many} with 8"
    assert many <= 10
