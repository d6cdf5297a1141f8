"""Issue 19's menus in real Chromium: a dish's options in its sheet with the running price, the
same dish twice with different options, the remembered veg filter, a sold-out dish, the order's
lines in the database; screenshots at 360 and 1280 px."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory
from catalog.images import menu_item_photo_set
from catalog.models import MenuItem
from catalog.tests.factories import OptionFactory, OptionGroupFactory
from ordering.models import Order

from . import factories
from .csp import watch_csp
from .test_browser import DESKTOP_WIDTH, PHONE_WIDTH, SCREENSHOTS, WAIT_MS, _pay_in_sandbox, _session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _photos_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "menu_images": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "menu"), "base_url": settings.MENU_IMAGE_URL},
        },
    }


def _photo(colour: tuple[int, int, int]) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (800, 600), colour)
    ImageDraw.Draw(picture).ellipse((150, 100, 650, 500), fill=(235, 190, 90))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return SimpleUploadedFile("dish.png", out.getvalue(), content_type="image/png")


def _menu():
    campus = factories.campus()
    shop = campus.canteen
    size = OptionGroupFactory(menu_item=campus.dosa, name="Size", min_choices=1, max_choices=1)
    OptionFactory(group=size, name="Plain", sort_order=0)
    OptionFactory(group=size, name="Masala", price_delta_paise=1500, sort_order=1)
    extras = OptionGroupFactory(menu_item=campus.dosa, name="Extras", max_choices=2, sort_order=1)
    OptionFactory(group=extras, name="Extra cheese", price_delta_paise=2000, sort_order=0)
    OptionFactory(group=extras, name="Ghee", price_delta_paise=1000, sort_order=1)
    OptionFactory(group=extras, name="Paneer", price_delta_paise=3000, sort_order=2, is_available=False)
    idli = factories.menu_item(shop, name="Idli", price_paise=3000, category="Meals")
    egg = factories.menu_item(shop, name="Egg Roll", price_paise=5000, category="Meals")
    chicken = factories.menu_item(shop, name="Chicken Biryani", price_paise=12000, category="Meals")
    MenuItem.objects.filter(pk__in=[campus.dosa.pk, campus.chai.pk, idli.pk]).update(diet="veg")
    MenuItem.objects.filter(pk=idli.pk).update(stock=0, daily_stock=40)
    MenuItem.objects.filter(pk=egg.pk).update(diet="egg", allergens=["egg", "gluten"])
    MenuItem.objects.filter(pk=chicken.pk).update(diet="non_veg", tags=["spicy", "bestseller"])
    menu_item_photo_set(vendor=shop.vendor, item_id=campus.dosa.pk, uploaded=_photo((120, 60, 20)))
    menu_item_photo_set(vendor=shop.vendor, item_id=chicken.pk, uploaded=_photo((160, 90, 30)))
    return campus


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_options_sheet_two_lines_of_a_dish_veg_filter_sold_out_and_the_order(chromium, live_server, sandbox):
    browser = chromium
    campus = _menu()
    student = StudentFactory(name="Asha")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 780}, base_url=live_server.url)
    context.set_default_timeout(WAIT_MS)
    violations = watch_csp(context)
    page = context.new_page()
    _session_cookie(page, student, live_server)
    menu_url = f"/vendors/{campus.canteen.vendor_id}"
    page.goto(menu_url)

    # A sold-out dish stays on the menu, marked, with no way to add it.
    idli = page.get_by_test_id("menu-item").filter(has_text="Idli")
    expect(idli.get_by_test_id("sold-out")).to_have_text("Sold out")
    assert idli.get_by_role("button").count() == 0
    expect(page.get_by_role("img", name="Egg")).to_have_count(1)
    expect(page.get_by_role("img", name="Non-veg")).to_have_count(1)
    thumb = page.locator("img.thumb").first
    assert thumb.get_attribute("loading") == "lazy" and thumb.get_attribute("width") and thumb.get_attribute("height")

    # Chai is counted on the menu (ADD, then its stepper); the dosa's options are chosen in its sheet.
    page.get_by_role("button", name="Add Chai").click()
    expect(page.get_by_role("button", name="One more Chai")).to_be_focused()
    page.get_by_role("button", name="Add Masala Dosa: choose options").click()
    sheet = page.locator(f"#sheet-{campus.dosa.pk}")
    expect(sheet).to_be_visible()
    price = sheet.locator("[data-item-price]")
    expect(price).to_have_text("₹60")
    sheet.get_by_label("Masala").check()
    sheet.get_by_label("Extra cheese").check()
    expect(price).to_have_text("₹95")
    assert sheet.get_by_label(re.compile("Paneer")).is_disabled()  # not available today
    sheet.get_by_label("Ghee").check()
    expect(price).to_have_text("₹105")
    sheet.get_by_label("Ghee").uncheck()
    sheet.get_by_label("How many").fill("2")
    expect(price).to_have_text("₹190")
    page.screenshot(path=str(SCREENSHOTS / f"menu-options-sheet-{PHONE_WIDTH}.png"))
    sheet.get_by_role("button", name=re.compile("Add to cart")).click()
    page.wait_for_url(re.compile(rf"{menu_url}#item-{campus.dosa.pk}$"))
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    expect(page.locator("[data-cart-total]")).to_have_text("₹205")  # 2 × ₹95 + Chai, still there

    # The same dish again, plain this time: a second line.
    page.get_by_role("button", name="Add Masala Dosa: choose options").click()
    sheet.get_by_role("button", name=re.compile("Add to cart")).click()  # nothing chosen: refused here
    expect(sheet.locator("[data-item-error]")).to_contain_text("Choose one of “Size”")
    sheet.get_by_label("Plain").check()
    sheet.get_by_role("button", name=re.compile("Add to cart")).click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("cart-line")).to_have_count(2)
    expect(page.locator("[data-cart-total]")).to_have_text("₹265")
    assert page.get_by_label("Quantity of Chai").input_value() == "1"
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"menu-cart-lines-{PHONE_WIDTH}.png"), full_page=True)

    # Veg only: the egg and chicken dishes go, and the choice is remembered after a reload.
    page.get_by_role("link", name="Veg only").click()
    expect(page.get_by_test_id("menu-item").filter(has_text="Egg Roll")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("menu-item").filter(has_text="Chicken Biryani")).to_have_count(0)
    expect(page.get_by_test_id("menu-item").filter(has_text="Masala Dosa")).to_have_count(1)
    expect(page.locator("[data-cart-total]")).to_have_text("₹265")
    page.screenshot(path=str(SCREENSHOTS / f"menu-veg-only-{PHONE_WIDTH}.png"), full_page=True)
    page.goto("/")
    expect(page.get_by_role("link", name=re.compile("show all shops"))).to_be_visible()
    page.goto(menu_url + "?veg=0")

    page.get_by_label(re.compile("5 places left")).check()
    _pay_in_sandbox(page, "Pay ₹265")  # the cart's total, options included
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    order = Order.objects.get()
    lines = sorted(
        (
            (line.name, line.quantity, line.unit_price_paise, [o["name"] for o in line.options])
            for line in order.items.all()
        ),
        key=lambda line: line[2],
    )
    assert lines == [
        ("Chai", 1, 1500, []),
        ("Masala Dosa", 1, 6000, ["Plain"]),
        ("Masala Dosa", 2, 9500, ["Masala", "Extra cheese"]),
    ]
    assert order.total_paise == 26500
    context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"

    # The wide screen: the menu with photos and the sheet as a centred card.
    context = browser.new_context(viewport={"width": DESKTOP_WIDTH, "height": 900}, base_url=live_server.url)
    violations = watch_csp(context)
    page = context.new_page()
    page.goto(menu_url)
    page.screenshot(path=str(SCREENSHOTS / f"menu-photos-{DESKTOP_WIDTH}.png"), full_page=True)
    page.get_by_role("button", name="Add Masala Dosa: choose options").click()
    expect(page.locator(f"#sheet-{campus.dosa.pk}")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"menu-options-sheet-{DESKTOP_WIDTH}.png"))
    page.goto(f"/vendors/{campus.canteen.vendor_id}/items/{campus.dosa.pk}")
    page.screenshot(path=str(SCREENSHOTS / f"menu-dish-page-{DESKTOP_WIDTH}.png"), full_page=True)
    context.close()
    assert violations == []
