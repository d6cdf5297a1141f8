"""The student menu page with issue 19's menus: options in the plain form, marks, the veg filter."""

from __future__ import annotations

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


def test_options_chosen_in_the_plain_form_are_priced_and_kept(student_client, campus):
    size = OptionGroupFactory(menu_item=campus.dosa, name="Size", min_choices=1, max_choices=1)
    OptionFactory(group=size, name="Plain")
    masala = OptionFactory(group=size, name="Masala", price_delta_paise=1500)
    extras = OptionGroupFactory(menu_item=campus.dosa, name="Extras", max_choices=2)
    cheese = OptionFactory(group=extras, name="Extra cheese", price_delta_paise=2000)
    page = student_client.get(f"/vendors/{campus.canteen.vendor_id}").content.decode()
    assert f'name="opt_{campus.dosa.pk}_{size.pk}" value="{masala.pk}"' in page
    assert f'type="checkbox" name="opt_{campus.dosa.pk}" value="{cheese.pk}"' in page

    response = student_client.post(
        f"/vendors/{campus.canteen.vendor_id}",
        {
            f"qty_{campus.dosa.pk}": "2",
            f"opt_{campus.dosa.pk}_{size.pk}": str(masala.pk),
            f"opt_{campus.dosa.pk}": [str(cheese.pk)],
            "slot": campus.lunch.pk,
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302
    line = order.items.get()
    assert line.unit_price_paise == campus.dosa.price_paise + 1500 + 2000
    assert [o["name"] for o in line.options] == ["Masala", "Extra cheese"]


def test_a_required_choice_left_out_shows_the_page_again_with_the_reason(student_client, campus):
    size = OptionGroupFactory(menu_item=campus.dosa, name="Size", min_choices=1, max_choices=1)
    OptionFactory(group=size, name="Plain")
    response = student_client.post(
        f"/vendors/{campus.canteen.vendor_id}", {f"qty_{campus.dosa.pk}": "1", "slot": campus.lunch.pk}
    )
    assert response.status_code == 400 and not Order.objects.exists()


def test_diet_marks_sold_out_and_the_veg_filter(client, campus):
    MenuItem.objects.filter(pk=campus.dosa.pk).update(diet="veg", stock=0)
    MenuItem.objects.filter(pk=campus.chai.pk).update(diet="non_veg")
    from django.core.cache import cache

    cache.clear()
    page = client.get(f"/vendors/{campus.canteen.vendor_id}").content.decode()
    assert 'class="diet diet-veg" role="img" aria-label="Veg"' in page
    assert 'aria-label="Non-veg"' in page
    assert 'data-testid="sold-out"' in page
    assert f'name="qty_{campus.dosa.pk}"' not in page  # a sold-out item cannot be added
    veg = client.get(f"/vendors/{campus.canteen.vendor_id}?veg=1").content.decode()
    assert campus.dosa.name in veg and campus.chai.name not in veg
