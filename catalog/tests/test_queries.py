"""N+1 guards: public reads cost the same number of queries whatever their size."""

import pytest

from accounts.tests.factories import StudentFactory
from catalog.tests.factories import FoodShopFactory, MenuItemFactory, PrintServiceFactory, StationeryShopFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signed_in", [False, True])
def test_vendor_menu_uses_at_most_5_queries_for_1_or_200_items(
    api_client, make_client, django_assert_max_num_queries, django_assert_num_queries, signed_in
):
    shop = FoodShopFactory()
    MenuItemFactory(vendor=shop.vendor)
    client = make_client(StudentFactory()) if signed_in else api_client
    url = f"/api/v1/vendors/{shop.vendor_id}/menu"
    if signed_in:  # both measurements with the token in the cache (accounts/token_cache.py)
        assert client.get("/api/v1/me").status_code == 200

    # shop, items, their option groups, the groups' options
    with django_assert_max_num_queries(5) as one_item:
        assert len(client.get(url).json()) == 1

    MenuItemFactory.create_batch(199, vendor=shop.vendor)
    with django_assert_num_queries(len(one_item.captured_queries)):
        assert len(client.get(url).json()) == 200


def test_vendor_list_uses_the_same_queries_for_1_or_50_vendors(
    api_client, django_assert_max_num_queries, django_assert_num_queries
):
    FoodShopFactory()
    with django_assert_max_num_queries(2) as one_vendor:
        assert api_client.get("/api/v1/vendors?page_size=100").json()["count"] == 1

    FoodShopFactory.create_batch(30)
    StationeryShopFactory.create_batch(19)
    with django_assert_num_queries(len(one_vendor.captured_queries)):
        body = api_client.get("/api/v1/vendors?page_size=100").json()
    assert body["count"] == 50 and len(body["results"]) == 50


def test_menu_item_and_print_service_lists_do_not_grow_with_rows(
    api_client, django_assert_max_num_queries, django_assert_num_queries
):
    MenuItemFactory()
    PrintServiceFactory()
    with django_assert_max_num_queries(3) as items_one:  # count, items, their option groups
        api_client.get("/api/v1/menu-items?page_size=100")
    with django_assert_max_num_queries(2) as services_one:
        api_client.get("/api/v1/print-services?page_size=100")

    MenuItemFactory.create_batch(40)
    PrintServiceFactory.create_batch(40)
    with django_assert_num_queries(len(items_one.captured_queries)):
        assert len(api_client.get("/api/v1/menu-items?page_size=100").json()["results"]) == 41
    with django_assert_num_queries(len(services_one.captured_queries)):
        assert len(api_client.get("/api/v1/print-services?page_size=100").json()["results"]) == 41
