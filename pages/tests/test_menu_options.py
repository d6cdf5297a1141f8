"""The student menu with issue 19's menus: a dish's options on its own page (the sheet's plain
form), two lines of one dish, refusals with nothing added, diet marks, the remembered veg filter,
slot states."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.tests.factories import StudentFactory
from catalog.models import MenuItem
from catalog.tests.factories import OptionFactory, OptionGroupFactory
from ordering.models import Order

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def campus():
    return factories.campus()


@pytest.fixture
def student_client(client):
    client.force_login(StudentFactory())
    return client


@pytest.fixture
def dosa_options(campus):
    size = OptionGroupFactory(menu_item=campus.dosa, name="Size", min_choices=1, max_choices=1)
    plain = OptionFactory(group=size, name="Plain", sort_order=0)
    masala = OptionFactory(group=size, name="Masala", price_delta_paise=1500, sort_order=1)
    extras = OptionGroupFactory(menu_item=campus.dosa, name="Extras", max_choices=2, sort_order=1)
    cheese = OptionFactory(group=extras, name="Extra cheese", price_delta_paise=2000, sort_order=0)
    ghee = OptionFactory(group=extras, name="Ghee", price_delta_paise=1000, sort_order=1)
    paneer = OptionFactory(group=extras, name="Paneer", price_delta_paise=3000, sort_order=2)
    return {"size": size, "extras": extras, "plain": plain, "masala": masala, "cheese": cheese, "ghee": ghee,
            "paneer": paneer}  # fmt: skip


def _item_url(campus, item) -> str:
    return f"/vendors/{campus.canteen.vendor_id}/items/{item.pk}"


def _cart(client, campus) -> dict:
    return client.session.get(f"cart-{campus.canteen.vendor_id}", {}).get("lines", {})


def test_a_dish_is_added_twice_with_different_options_and_placed_as_two_lines(student_client, campus, dosa_options):
    o = dosa_options
    page = student_client.get(_item_url(campus, campus.dosa)).content.decode()
    assert f'type="radio" id="page-opt-{o["masala"].pk}" name="option_{o["size"].pk}"' in page
    assert f'type="checkbox" id="page-opt-{o["cheese"].pk}" name="option_{o["extras"].pk}"' in page
    menu = student_client.get(f"/vendors/{campus.canteen.vendor_id}").content.decode()
    assert f'name="qty_{campus.dosa.pk}"' not in menu  # a dish with options is added through its sheet
    assert f'data-sheet="sheet-{campus.dosa.pk}"' in menu and 'data-testid="options-sheet"' in menu

    response = student_client.post(
        _item_url(campus, campus.dosa),
        {f"option_{o['size'].pk}": o["masala"].pk, f"option_{o['extras'].pk}": [o["cheese"].pk], "quantity": "2"},
    )
    assert (
        response.status_code == 303
        and response["Location"] == f"/vendors/{campus.canteen.vendor_id}#item-{campus.dosa.pk}"
    )
    masala_field = f"qty_{campus.dosa.pk}_{'-'.join(map(str, sorted([o['masala'].pk, o['cheese'].pk])))}"
    plain_field = f"qty_{campus.dosa.pk}_{o['plain'].pk}"
    assert _cart(student_client, campus) == {masala_field: 2}
    # The sheet sends the menu's lines along (all of them, as the menu shows them): Chai counted
    # on the menu is kept.
    student_client.post(
        _item_url(campus, campus.dosa),
        {
            f"option_{o['size'].pk}": o["plain"].pk,
            "quantity": "1",
            f"qty_{campus.chai.pk}": "3",
            masala_field: "2",
        },
    )
    assert _cart(student_client, campus) == {masala_field: 2, plain_field: 1, f"qty_{campus.chai.pk}": 3}

    menu = student_client.get(f"/vendors/{campus.canteen.vendor_id}").content.decode()
    assert menu.count('data-testid="cart-line"') == 2
    assert f'name="{masala_field}" value="2"' in menu and "Masala, Extra cheese" in menu
    assert "₹" + str((2 * (6000 + 1500 + 2000) + 6000 + 3 * 1500) // 100) in menu  # the total with options

    response = student_client.post(
        f"/vendors/{campus.canteen.vendor_id}",
        {masala_field: "2", plain_field: "1", f"qty_{campus.chai.pk}": "0", "slot": campus.lunch.pk},
    )
    assert response.status_code == 302
    order = Order.objects.get()
    lines = sorted(order.items.all(), key=lambda line: line.unit_price_paise)
    assert [(line.quantity, line.unit_price_paise) for line in lines] == [(1, 6000), (2, 9500)]
    assert [o["name"] for o in lines[1].options] == ["Masala", "Extra cheese"]
    assert order.total_paise == 6000 + 2 * 9500
    assert _cart(student_client, campus) == {}  # placed: the cart is empty again


def test_the_dish_page_refuses_calmly_and_adds_nothing(student_client, campus, dosa_options):
    o = dosa_options
    url = _item_url(campus, campus.dosa)
    missing = student_client.post(url, {"quantity": "1"})
    assert missing.status_code == 400 and "choose exactly 1 of “Size”" in missing.content.decode()
    too_many = student_client.post(
        url,
        {
            f"option_{o['size'].pk}": o["plain"].pk,
            f"option_{o['extras'].pk}": [o["cheese"].pk, o["ghee"].pk, o["paneer"].pk],
        },
    )
    assert too_many.status_code == 400 and "choose 0 to 2 of “Extras”" in too_many.content.decode()
    foreign = OptionFactory(name="Sugar")  # an option of another item
    assert student_client.post(url, {f"option_{o['size'].pk}": [o["plain"].pk, foreign.pk]}).status_code == 400
    for quantity in ("0", "21", "lots"):
        response = student_client.post(url, {f"option_{o['size'].pk}": o["plain"].pk, "quantity": quantity})
        assert response.status_code == 400 and "Choose 1 to 20" in response.content.decode()
    # What was chosen is shown again, with the error beside it.
    assert f'value="{o["plain"].pk}" data-delta="0" checked' in response.content.decode()
    assert _cart(student_client, campus) == {}


def test_an_unavailable_option_is_refused_with_nothing_in_the_cart(student_client, campus, dosa_options):
    o = dosa_options
    o["masala"].is_available = False
    o["masala"].save()
    page = student_client.get(_item_url(campus, campus.dosa)).content.decode()
    assert f'value="{o["masala"].pk}" data-delta="1500" disabled' in page
    response = student_client.post(_item_url(campus, campus.dosa), {f"option_{o['size'].pk}": o["masala"].pk})
    assert response.status_code == 409
    assert "not available right now" in response.content.decode()
    assert _cart(student_client, campus) == {}
    assert 'data-testid="cart-line"' not in student_client.get(f"/vendors/{campus.canteen.vendor_id}").content.decode()


def test_another_shops_dish_or_a_hidden_one_is_not_found(student_client, campus):
    maggi = MenuItem.objects.get(vendor_id=campus.closed_cafe.vendor_id)
    assert student_client.get(_item_url(campus, maggi)).status_code == 404
    assert student_client.post(_item_url(campus, maggi), {"quantity": "1"}).status_code == 404
    assert student_client.get(f"/vendors/{campus.canteen.vendor_id}/items/999999").status_code == 404
    assert student_client.get(f"/vendors/{campus.xerox.vendor_id}/items/{campus.dosa.pk}").status_code == 404
    MenuItem.objects.filter(pk=campus.chai.pk).update(is_available=False)
    assert student_client.get(_item_url(campus, campus.chai)).status_code == 404
    assert _cart(student_client, campus) == {}


def test_a_sold_out_dish_is_shown_but_cannot_be_added(student_client, campus):
    MenuItem.objects.filter(pk=campus.dosa.pk).update(diet="veg", stock=0)
    MenuItem.objects.filter(pk=campus.chai.pk).update(diet="non_veg")
    page = student_client.get(f"/vendors/{campus.canteen.vendor_id}").content.decode()
    assert 'class="diet diet-veg" role="img" aria-label="Veg"' in page
    assert 'aria-label="Non-veg"' in page
    assert 'data-testid="sold-out"' in page and campus.dosa.name in page
    assert f'name="qty_{campus.dosa.pk}"' not in page
    dish = student_client.get(_item_url(campus, campus.dosa)).content.decode()
    assert "Sold out" in dish and 'name="quantity"' not in dish
    response = student_client.post(_item_url(campus, campus.dosa), {"quantity": "1"})
    assert response.status_code == 400 and "sold out" in response.content.decode()
    assert _cart(student_client, campus) == {}


def test_the_veg_filter_is_remembered_on_the_menu_and_the_shop_list(client, campus):
    MenuItem.objects.filter(pk=campus.dosa.pk).update(diet="veg")
    MenuItem.objects.filter(pk=campus.chai.pk).update(diet="egg")
    veggie = factories.food_shop(name="Green Leaf")
    salad = factories.menu_item(veggie, name="Salad", price_paise=5000)
    MenuItem.objects.filter(pk=salad.pk).update(diet="veg")
    menu = f"/vendors/{campus.canteen.vendor_id}"

    assert campus.chai.name in client.get(menu).content.decode()
    client.get(menu + "?veg=1")
    remembered = client.get(menu).content.decode()  # a later visit, no parameter
    assert campus.dosa.name in remembered and campus.chai.name not in remembered
    assert 'aria-current="true"' in remembered
    home = client.get("/").content.decode()
    assert "Green Leaf" in home and "Main Canteen" not in home and "Pure veg" in home
    client.get("/?veg=0")
    assert campus.chai.name in client.get(menu).content.decode()
    assert "Main Canteen" in client.get("/").content.decode()


def test_lines_the_veg_filter_hides_stay_in_the_cart(student_client, campus):
    MenuItem.objects.filter(pk=campus.dosa.pk).update(diet="veg")
    MenuItem.objects.filter(pk=campus.chai.pk).update(diet="non_veg")
    response = student_client.post(
        f"/vendors/{campus.canteen.vendor_id}?veg=1", {f"qty_{campus.chai.pk}": "2", f"qty_{campus.dosa.pk}": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 400  # no slot chosen
    assert f'type="hidden" name="qty_{campus.chai.pk}" value="2"' in page and "hidden by the veg filter" in page


def test_slots_show_their_state_and_ready_time(client, campus):
    few = factories.slot(campus.canteen, capacity=2, starts_in=timedelta(hours=5))
    full = factories.slot(campus.canteen, capacity=1, starts_in=timedelta(hours=6))
    factories.fill(full)
    page = client.get(f"/vendors/{campus.canteen.vendor_id}").content.decode()
    assert 'data-testid="slot" data-state="open"' in page  # lunch: 5 places
    assert f'for="slot-{few.pk}" data-testid="slot" data-state="few"' in page and "Few left" in page
    assert 'data-testid="full-slot" data-state="full"' in page
    assert f'id="slot-{full.pk}"' not in page
    assert page.count("Ready ") == 3


def test_a_quantity_that_is_not_a_number_is_explained(student_client, campus):
    response = student_client.post(
        f"/vendors/{campus.canteen.vendor_id}", {f"qty_{campus.dosa.pk}": "two", "slot": campus.lunch.pk}
    )
    assert response.status_code == 400 and "Enter a whole number" in response.content.decode()
    assert not Order.objects.exists()
