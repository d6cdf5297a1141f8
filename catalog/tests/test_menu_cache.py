"""The cached public answers (catalog/cache.py): served without the database, never stale after a change.

Every "shows up in the next GET" test first reads the answer (so it is cached), then
changes something through the path a real caller uses, then reads again. Changes are made
through services where they exist; the `on_commit` callbacks run as they would on commit.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from rest_framework.test import APIClient

from accounts import hooks
from accounts import services as account_services
from accounts.tests.factories import FoodVendorFactory, StaffFactory, StudentFactory
from catalog import cache as catalog_cache
from catalog import services
from catalog.models import MenuItem
from catalog.tests.factories import FoodShopFactory, MenuItemFactory
from ordering import services as ordering_services
from ordering.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def menu_url(vendor_id: int) -> str:
    return f"/api/v1/vendors/{vendor_id}/menu"


def detail_url(vendor_id: int) -> str:
    return f"/api/v1/vendors/{vendor_id}"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()]


@pytest.fixture
def shop():
    shop = FoodShopFactory(name="Canteen")
    MenuItemFactory(vendor=shop.vendor, name="Chai", price_paise=1200)
    MenuItemFactory(vendor=shop.vendor, name="Dosa", price_paise=4000)
    return shop


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change and then its on_commit callbacks, as a real commit would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


# --- served from the cache -------------------------------------------------------------------


@pytest.mark.parametrize("url", [menu_url, detail_url])
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_cached_answer_needs_no_database_query(
    shop, api_client, make_client, django_assert_num_queries, url, signed_in
):
    client = make_client(StudentFactory()) if signed_in else api_client
    first = client.get(url(shop.vendor_id))
    assert first.status_code == 200
    # Nothing at all: the answer is cached, and so is the token (accounts/token_cache.py).
    with django_assert_num_queries(0):
        again = client.get(url(shop.vendor_id))
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"


def test_the_cached_answer_is_what_drf_renders(shop, api_client):
    built = api_client.get(menu_url(shop.vendor_id))
    served = api_client.get(menu_url(shop.vendor_id))
    assert served.content == built.content
    assert served.json() == [
        {
            "id": item.pk,
            "vendor": shop.vendor_id,
            "name": item.name,
            "description": "",
            "price_paise": item.price_paise,
            "is_available": True,
            "category": "Meals",
            "diet": None,
            "allergens": [],
            "tags": [],
            "image_url": None,
            "image_width": None,
            "image_height": None,
            "thumbnail_url": None,
            "thumbnail_width": None,
            "thumbnail_height": None,
            "stock": None,
            "daily_stock": None,
            "is_sold_out": False,
            "max_per_order": None,
            "prep_units": 1,
            "sort_order": 0,
            "option_groups": [],
        }
        for item in MenuItem.objects.filter(vendor=shop.vendor).order_by("category", "name", "id")
    ]


def _full_path_ran(monkeypatch) -> list[str]:
    """Names of the requests that went through DRF's dispatch (the fast path skips it)."""
    from rest_framework.views import APIView

    seen: list[str] = []
    original = APIView.initial

    def initial(self, request, *args, **kwargs):
        seen.append(request.get_full_path())
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(APIView, "initial", initial)
    return seen


def test_an_anonymous_cached_menu_is_answered_before_drf_with_the_same_answer(shop, api_client, monkeypatch):
    url = menu_url(shop.vendor_id)
    built = api_client.get(url)
    veg_built = api_client.get(url + "?diet=veg")
    full = _full_path_ran(monkeypatch)
    served = api_client.get(url)
    veg_served = api_client.get(url + "?diet=veg")
    assert full == []  # both hits skipped DRF
    assert (served.content, veg_served.content) == (built.content, veg_built.content)
    for name in ("Content-Type", "Allow"):
        assert served[name] == built[name]


@pytest.mark.parametrize(
    "query, status",
    [("?diet=vegan", 400), ("?diet=veg&diet=veg", 200), ("?page=2", 200)],
)
def test_a_menu_request_the_fast_path_cannot_judge_takes_the_full_path(shop, api_client, monkeypatch, query, status):
    url = menu_url(shop.vendor_id)
    api_client.get(url)
    api_client.get(url + "?diet=veg")
    full = _full_path_ran(monkeypatch)
    response = api_client.get(url + query)
    assert response.status_code == status
    assert full == [url + query]


def test_credentials_on_a_cached_menu_are_still_checked(shop, api_client, make_client):
    """A bad token is 401 and a blocked student's session `account_blocked`, cached menu or not."""
    url = menu_url(shop.vendor_id)
    assert api_client.get(url).status_code == 200
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.get(url).status_code == 401
    student = StudentFactory()
    browser = APIClient()
    browser.force_login(student)
    account_services.user_block(user=student, by=StaffFactory(), reason="abuse")
    answer = browser.get(url)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "account_blocked"


def test_the_cache_is_per_vendor(shop, api_client, commit, django_assert_num_queries):
    other = FoodShopFactory(name="Other canteen")
    MenuItemFactory(vendor=other.vendor, name="Vada")
    api_client.get(menu_url(shop.vendor_id))
    api_client.get(menu_url(other.vendor_id))

    commit(lambda: services.menu_item_create(vendor=shop.vendor, name="Upma", price_paise=3000, category="Meals"))

    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Chai", "Dosa", "Upma"]
    with django_assert_num_queries(0):  # the other vendor's answer is still the cached one
        assert names(api_client.get(menu_url(other.vendor_id))) == ["Vada"]


def test_unknown_and_hidden_vendors_leave_no_answer_in_the_cache(api_client):
    """404s are not stored, so asking for random ids cannot fill the cache."""
    hidden = FoodShopFactory(vendor=FoodVendorFactory(is_approved=False))
    for vendor_id in (hidden.vendor_id, 987654321):
        assert api_client.get(menu_url(vendor_id)).status_code == 404
        assert api_client.get(detail_url(vendor_id)).status_code == 404
        answers = [f"catalog:vendor:{vendor_id}:{part}" for part in (catalog_cache.MENU, catalog_cache.DETAIL)]
        assert cache.get_many(answers) == {}
    assert cache.get("catalog:vendor:987654321:version") is None


# --- every change shows up in the next GET -----------------------------------------------------


def test_menu_item_create_update_and_delete_show_up(shop, api_client, commit):
    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Chai", "Dosa"]
    chai = MenuItem.objects.get(vendor=shop.vendor, name="Chai")

    commit(lambda: services.menu_item_create(vendor=shop.vendor, name="Idli", price_paise=2500, category="Meals"))
    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Chai", "Dosa", "Idli"]

    commit(lambda: services.menu_item_update(vendor=shop.vendor, item_id=chai.pk, price_paise=1500))
    prices = {row["name"]: row["price_paise"] for row in api_client.get(menu_url(shop.vendor_id)).json()}
    assert prices["Chai"] == 1500

    commit(lambda: services.menu_item_update(vendor=shop.vendor, item_id=chai.pk, is_available=False))
    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Dosa", "Idli"]

    idli = MenuItem.objects.get(vendor=shop.vendor, name="Idli")
    commit(lambda: services.menu_item_delete(vendor=shop.vendor, item_id=idli.pk))
    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Dosa"]


def test_staff_hide_and_restore_show_up(shop, api_client, commit):
    staff = StaffFactory()
    dosa = MenuItem.objects.get(vendor=shop.vendor, name="Dosa")
    assert "Dosa" in names(api_client.get(menu_url(shop.vendor_id)))

    commit(lambda: services.catalog_entry_set_deleted(actor=staff, obj=dosa, deleted=True))
    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Chai"]

    commit(lambda: services.catalog_entry_set_deleted(actor=staff, obj=dosa, deleted=False))
    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Chai", "Dosa"]


def test_shop_close_and_rename_show_up_in_the_vendor_detail(shop, api_client, commit):
    assert api_client.get(detail_url(shop.vendor_id)).json()["is_open"] is True

    commit(lambda: services.shop_update(vendor=shop.vendor, is_open=False, shop_name="Canteen (closed)"))

    body = api_client.get(detail_url(shop.vendor_id)).json()
    assert (body["is_open"], body["shop_name"]) == (False, "Canteen (closed)")


@pytest.mark.parametrize("url", [menu_url, detail_url])
def test_vendor_block_and_unblock_show_up(shop, api_client, commit, url):
    staff = StaffFactory()
    assert api_client.get(url(shop.vendor_id)).status_code == 200

    commit(lambda: account_services.user_block(user=shop.vendor, by=staff, reason="Hygiene"))
    assert api_client.get(url(shop.vendor_id)).status_code == 404

    commit(lambda: account_services.user_unblock(user=shop.vendor, by=staff))
    assert api_client.get(url(shop.vendor_id)).status_code == 200


@pytest.mark.parametrize("url", [menu_url, detail_url])
def test_vendor_unapproval_and_approval_show_up(shop, api_client, commit, url):
    staff = StaffFactory()
    assert api_client.get(url(shop.vendor_id)).status_code == 200

    commit(lambda: account_services.vendor_reject(vendor=shop.vendor, by=staff, reason="Licence expired"))
    assert api_client.get(url(shop.vendor_id)).status_code == 404

    commit(lambda: account_services.vendor_approve(vendor=shop.vendor, by=staff))
    assert api_client.get(url(shop.vendor_id)).status_code == 200


def test_accounts_calls_catalog_through_the_access_hook():
    assert catalog_cache.on_vendor_access_changed in hooks._vendor_access_handlers


def test_writes_that_bypass_the_services_show_up_too(shop, api_client, commit):
    """The admin's change forms and the shell save rows directly: the save receivers catch them."""
    api_client.get(menu_url(shop.vendor_id))
    api_client.get(detail_url(shop.vendor_id))
    chai = MenuItem.objects.get(vendor=shop.vendor, name="Chai")

    def edit():
        chai.name = "Masala chai"
        chai.save()
        shop.opening_note = "8 am to 8 pm"
        shop.save()

    commit(edit)
    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Dosa", "Masala chai"]
    assert api_client.get(detail_url(shop.vendor_id)).json()["opening_note"] == "8 am to 8 pm"


# --- the race between a reader and a writer ----------------------------------------------------


def _get_in_another_connection(url: str) -> list[str]:
    result: list[list[str]] = []

    def read():
        try:
            result.append(names(APIClient().get(url)))
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=30)
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_an_answer_rebuilt_before_the_commit_is_not_served_after_it():
    """A reader that rebuilds the menu while a change is not yet committed stores the old menu;
    the new token set on commit keeps anyone from being served that after the commit."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections")
    shop = FoodShopFactory()
    chai = MenuItemFactory(vendor=shop.vendor, name="Chai")
    client = APIClient()
    assert names(client.get(menu_url(shop.vendor_id))) == ["Chai"]

    with transaction.atomic():
        services.menu_item_update(vendor=shop.vendor, item_id=chai.pk, name="Cutting chai")
        # Another request, on its own connection, misses and rebuilds from the committed rows.
        assert _get_in_another_connection(menu_url(shop.vendor_id)) == ["Chai"]

    assert names(client.get(menu_url(shop.vendor_id))) == ["Cutting chai"]


# --- bounds and fallbacks ------------------------------------------------------------------------


def test_writes_that_bypass_everything_show_up_within_the_ttl(shop, api_client, settings):
    """QuerySet.update() sends no signal: the answer expires after CATALOG_PUBLIC_CACHE_SECONDS."""
    settings.CATALOG_PUBLIC_CACHE_SECONDS = 1
    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Chai", "Dosa"]
    MenuItem.objects.filter(vendor=shop.vendor, name="Dosa").update(name="Rava dosa")
    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Chai", "Dosa"]  # documented staleness
    time.sleep(1.2)
    assert names(api_client.get(menu_url(shop.vendor_id))) == ["Chai", "Rava dosa"]


def test_a_stale_menu_never_sets_the_price_of_an_order(api_client, make_client):
    """Ordering reads prices from the database, whatever the menu a student was shown."""
    slot = SlotFactory()
    item = MenuItemFactory(vendor=slot.vendor, name="Thali", price_paise=8000)
    assert api_client.get(menu_url(slot.vendor_id)).json()[0]["price_paise"] == 8000
    MenuItem.objects.filter(pk=item.pk).update(price_paise=9000)  # bypasses the cache on purpose
    assert api_client.get(menu_url(slot.vendor_id)).json()[0]["price_paise"] == 8000

    order = ordering_services.order_place(
        student=StudentFactory(),
        vendor_id=slot.vendor_id,
        slot_id=slot.pk,
        lines=[ordering_services.OrderLine(menu_item_id=item.pk, quantity=2)],
    )
    assert order.total_paise == 18000


@pytest.fixture
def broken_cache(unused_port):
    """The default cache pointed at a port where nothing listens (Redis down)."""
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=redis_cache):
        yield


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_with_the_cache_down_reads_come_from_the_database_and_writes_commit(shop, broken_cache, commit):
    client = APIClient()
    assert names(client.get(menu_url(shop.vendor_id))) == ["Chai", "Dosa"]
    assert client.get(detail_url(shop.vendor_id)).json()["shop_name"] == "Canteen"

    commit(lambda: services.menu_item_create(vendor=shop.vendor, name="Poha", price_paise=2000, category="Meals"))
    assert names(client.get(menu_url(shop.vendor_id))) == ["Chai", "Dosa", "Poha"]
