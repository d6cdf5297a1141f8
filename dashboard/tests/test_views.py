"""Who gets what at /dashboard/ (Django test client, no browser)."""

import json
import re

import pytest
from django.urls import reverse

from accounts.tests.factories import (
    FoodVendorFactory,
    StaffFactory,
    StationeryVendorFactory,
    StudentFactory,
    VendorFactory,
)
from catalog.models import ALLERGENS, DIETS, TAGS, Shop

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


def _config(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="dashboard-config" type="application/json">') + len(
        '<script id="dashboard-config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_dashboard_lives_at_slash_dashboard():
    assert reverse("dashboard:home") == URL


def test_anonymous_visitors_are_sent_to_the_sign_in_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/dashboard/"


@pytest.mark.parametrize(("factory", "target"), [(StudentFactory, "/"), (StaffFactory, "/admin/")])
def test_students_and_staff_are_sent_to_their_own_start_page(client, factory, target):
    client.force_login(factory())
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == target


def test_an_unapproved_vendor_sees_only_its_pending_state(client):
    vendor = VendorFactory(is_approved=False)
    Shop.objects.create(vendor=vendor, name="Chai Corner", vendor_type="food")
    client.force_login(vendor)
    response = client.get(URL)
    assert response.status_code == 200
    # the page and its language switcher (issue 25), nothing of the dashboard
    assert [t.name for t in response.templates] == ["dashboard/pending.html", "i18n/_language.html"]
    html = response.content.decode()
    assert "waiting for approval" in html
    assert "Chai Corner" in html
    assert "dashboard-config" not in html
    assert "dashboard/main.js" not in html


def test_a_blocked_vendor_is_signed_out_and_sent_to_sign_in(client):
    vendor = FoodVendorFactory()
    client.force_login(vendor)
    vendor.is_active = False
    vendor.save(update_fields=["is_active"])
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_an_approved_food_vendor_gets_the_food_dashboard(client):
    vendor = FoodVendorFactory()
    Shop.objects.create(vendor=vendor, name="Dosa Point", vendor_type="food")
    client.force_login(vendor)
    response = client.get(URL)
    assert response.status_code == 200
    # The page and its partials (tabs, cards, menu, slots, money, setup).
    assert response.templates[0].name == "dashboard/dashboard.html"
    assert {t.name for t in response.templates} >= {"dashboard/_card.html", "dashboard/_menu.html", "dashboard/_slots.html"}
    assert "dashboard/pending.html" not in {t.name for t in response.templates}
    html = response.content.decode()
    assert "Dosa Point" in html
    for panel in ("panel-queue", "panel-slots", "panel-menu", "panel-history", "panel-money"):
        assert f'id="{panel}"' in html
    assert 'id="panel-jobs"' not in html
    config = _config(response)
    assert config["vendor_id"] == vendor.pk
    assert config["vendor_type"] == "food"
    assert config["utc_offset"] == "+05:30"
    assert config["api_base"] == "/api/v1/"
    # The page's script sends the CSRF token back with every write.
    assert response.cookies["csrftoken"].value
    assert "no-cache" in response["Cache-Control"]


def test_an_approved_stationery_vendor_gets_the_print_shop_dashboard(client):
    vendor = StationeryVendorFactory()
    client.force_login(vendor)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for panel in ("panel-jobs", "panel-services", "panel-history", "panel-money"):
        assert f'id="{panel}"' in html
    assert 'id="panel-menu"' not in html
    assert _config(response)["vendor_type"] == "stationery"


def test_the_page_is_read_only(client):
    client.force_login(FoodVendorFactory())
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize("approved", [True, False])
def test_the_dashboard_offers_sign_out_which_ends_the_session(client, approved):
    vendor = FoodVendorFactory(is_approved=approved)
    Shop.objects.create(vendor=vendor, name="Dosa Point", vendor_type="food")
    client.force_login(vendor)
    html = client.get(URL).content.decode()
    assert f'action="{reverse("pages:logout")}"' in html
    client.post(reverse("pages:logout"))
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_food_and_print_queues_render_the_same_card_template(client):
    food, shop = FoodVendorFactory(), StationeryVendorFactory()
    Shop.objects.create(vendor=food, name="Dosa Point", vendor_type="food")
    cards = []
    for vendor in (food, shop):
        client.force_login(vendor)
        response = client.get(URL)
        assert "dashboard/_card.html" in {t.name for t in response.templates}
        html = response.content.decode()
        start = html.index('<article class="order" x-data="queueCard"')
        cards.append(html[start : html.index("</article>", start)])
        assert html.count('x-data="queueCard"') == 1
    assert cards[0] == cards[1]


def test_the_menu_form_offers_catalogs_fixed_lists(client, settings):
    """Every diet (and "not stated"), allergen and tag of catalog.models, and nothing else."""
    vendor = FoodVendorFactory()
    Shop.objects.create(vendor=vendor, name="Dosa Point", vendor_type="food")
    client.force_login(vendor)
    response = client.get(URL)
    html = response.content.decode()
    for name, values in (("diet", (*DIETS, "")), ("allergens", ALLERGENS), ("tags", TAGS)):
        offered = re.findall(rf'name="{name}" value="([^"]*)"', html)
        assert offered == list(values), name
    for diet in DIETS:
        assert f'class="diet diet-{diet}"' in html  # the FSSAI mark beside its word
    config = _config(response)
    assert config["diet_labels"] == {"veg": "Veg", "egg": "Egg", "non_veg": "Non-veg"}
    assert config["menu_image_max_mb"] == settings.MENU_IMAGE_MAX_MB
