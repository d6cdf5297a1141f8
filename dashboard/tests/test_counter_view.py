"""/dashboard/counter: the food vendor's counter mode (issue 20); everyone else is sent elsewhere."""

import json

import pytest

from accounts.tests.factories import FoodVendorFactory, StationeryVendorFactory, StudentFactory
from catalog.tests.factories import FoodShopFactory

pytestmark = pytest.mark.django_db


def test_an_approved_food_vendor_gets_the_counter(client):
    vendor = FoodShopFactory(name="Dosa Point").vendor
    client.force_login(vendor)
    response = client.get("/dashboard/counter")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'x-data="counter"' in html and "dashboard/counter.js" in html and "Dosa Point" in html
    assert '<label for="pickup-code"' in html  # the code field has a label
    config = json.loads(html.split('id="dashboard-config" type="application/json">')[1].split("</script>")[0])
    assert config["jsqr_url"].endswith("vendor/jsqr/jsQR.js")
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script or style


def test_the_food_dashboard_links_to_it(client):
    client.force_login(FoodShopFactory().vendor)
    assert 'href="/dashboard/counter"' in client.get("/dashboard/").content.decode()


@pytest.mark.parametrize(
    "make",
    [StationeryVendorFactory, lambda: FoodVendorFactory(is_approved=False)],
    ids=["print shop", "unapproved"],
)
def test_other_vendors_go_to_the_dashboard(client, make):
    client.force_login(make())
    response = client.get("/dashboard/counter")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_students_go_to_the_dashboard_and_from_there_home(client):
    client.force_login(StudentFactory())
    assert client.get("/dashboard/counter")["Location"] == "/dashboard/"


def test_anonymous_visitors_sign_in_first(client):
    response = client.get("/dashboard/counter")
    assert response.status_code == 302 and "next=/dashboard/counter" in response["Location"]
