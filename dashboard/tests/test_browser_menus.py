"""Issue 19's dashboard in real Chromium: a vendor edits a dish's diet, allergens, photo and
options, and runs its stock and menu order during service. The page only talks to the API,
so each step is checked in the database as well as on the page."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from catalog.images import photo_storage
from catalog.models import MenuItem, OptionGroup, Shop

from .conftest import LAPTOP
from .factories import dish, food_vendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


@pytest.fixture(autouse=True)
def photo_root(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "menu_images": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media/menu/"},
        },
    }
    return tmp_path


def picture(fmt: str = "PNG", size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (214, 140, 40)).save(out, format=fmt)
    return out.getvalue()


def menu_names(page) -> list[str]:
    return page.locator("#menu-table tr.menu-row").evaluate_all("rows => rows.map((r) => r.dataset.name)")


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width[0] > width[1]:
        wide = page.evaluate(
            "() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right >"
            " document.documentElement.clientWidth).slice(-3).map((e) => e.tagName + '.' + e.className)"
        )
        pytest.fail(f"the menu tab scrolls sideways: {width}, widest: {wide}")


def shoot(page, screenshots_dir, name: str) -> None:
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        page.evaluate("() => window.scrollTo(0, 0)")  # the sticky top bar stays at the top of the shot
        no_sideways_scroll(page)
        shot = screenshots_dir / f"{name}-{viewport['width']}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000


def test_a_vendor_edits_diet_photo_options_stock_and_menu_order(open_dashboard, screenshots_dir, photo_root):
    vendor = food_vendor()
    dosa = dish(vendor, "Masala dosa", 6000, category="Tiffin")
    idli = dish(vendor, "Idli", 4000, category="Tiffin")
    dish(vendor, "Vada", 3000, category="Tiffin")
    dish(vendor, "Filter coffee", 2000, category="Drinks")
    page = open_dashboard(vendor, viewport=LAPTOP)
    page.locator('.tab[data-tab="menu"]').click()
    # By category, then (all sort orders being equal) by name.
    expect(page.locator("#menu-table tr.menu-row")).to_have_count(4)
    assert menu_names(page) == ["Filter coffee", "Idli", "Masala dosa", "Vada"]
    row = page.locator('#menu-table tr[data-name="Masala dosa"]')
    expect(row.locator(".stock")).to_have_text("No limit")

    # Diet, allergens, tags and limits.
    row.get_by_role("button", name="Edit").click()
    form = page.locator("#menu-form")
    form.get_by_label("Veg", exact=True).check()
    form.get_by_label("Dairy").check()
    form.get_by_label("Nuts", exact=True).check()
    form.get_by_label("Spicy").check()
    form.get_by_label("Most per order").fill("25")
    form.get_by_role("button", name="Save changes").click()
    expect(page.locator("#menu-error-max_per_order")).to_contain_text("from 1 to 20")
    dosa.refresh_from_db()
    assert dosa.max_per_order is None and dosa.diet is None  # nothing sent
    form.get_by_label("Most per order").fill("5")
    form.get_by_label("Daily stock").fill("40")
    form.get_by_role("button", name="Save changes").click()
    expect(row.locator(".diet-veg")).to_have_attribute("aria-label", "Veg")
    expect(row.locator(".dish__notes")).to_contain_text("Spicy · Allergens: dairy, nuts")
    dosa.refresh_from_db()
    assert (dosa.diet, dosa.allergens, dosa.tags) == ("veg", ["dairy", "nuts"], ["spicy"])
    assert (dosa.max_per_order, dosa.daily_stock, dosa.stock) == (5, 40, None)

    # The photo: a file that is no picture is refused at once, one the server does not take
    # (a GIF named .png) by the server, each by the field; a PNG is previewed, then uploaded.
    row.get_by_role("button", name="Edit").click()
    expect(form.get_by_label("Veg", exact=True)).to_be_checked()
    photo = page.locator("#menu-photo")
    choose = photo.get_by_label("Choose a photo")
    choose.set_input_files({"name": "dosa.png", "mimeType": "image/png", "buffer": b"not a picture at all"})
    expect(page.locator("#photo-error")).to_contain_text("This file is not a photo")
    expect(page.locator("#photo-preview")).to_have_count(0)
    expect(photo.get_by_role("button", name="Upload photo")).to_be_disabled()
    choose.set_input_files({"name": "dosa.png", "mimeType": "image/png", "buffer": picture("GIF")})
    expect(page.locator("#photo-preview")).to_be_visible()
    photo.get_by_role("button", name="Upload photo").click()
    expect(page.locator("#photo-error")).to_contain_text("Upload a JPEG, PNG or WebP photo.")
    dosa.refresh_from_db()
    assert dosa.image == ""
    choose.set_input_files({"name": "dosa.png", "mimeType": "image/png", "buffer": picture()})
    expect(page.locator("#photo-preview")).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    expect(page.locator("#photo-error")).to_be_hidden()
    photo.get_by_role("button", name="Upload photo").click()
    thumb = row.locator("img.dish__thumb")
    expect(thumb).to_have_attribute("width", "160")
    page.wait_for_function(
        "() => { const i = document.querySelector('img.dish__thumb'); return i && i.complete && i.naturalWidth === 160; }"
    )
    expect(page.locator("#photo-current")).to_be_visible()
    dosa.refresh_from_db()
    assert dosa.image.endswith(".webp") and dosa.thumbnail.endswith(".webp")
    assert (dosa.thumbnail_width, dosa.thumbnail_height) == (160, 120)
    assert photo_storage().exists(dosa.thumbnail)

    # An option group with two options, then an option switched off.
    options = page.locator("#menu-options")
    options.get_by_role("button", name="Add option group").click()
    group = options.locator("fieldset.group").last
    group.get_by_label("Group name").fill("Size")
    group.get_by_label("At least").fill("1")
    group.get_by_label("At most").fill("1")
    group.get_by_label("Size option 1 name").fill("Plain")
    group.get_by_role("button", name="Add option").click()
    group.get_by_label("Size option 2 name").fill("Ghee roast")
    group.get_by_label("Size option 2 extra in rupees").fill("15.50")
    group.get_by_role("button", name="Save group").click()
    expect(group).to_have_attribute("data-group-id", re.compile(r"^\d+$"))
    saved = OptionGroup.objects.get(menu_item=dosa)
    assert (saved.name, saved.min_choices, saved.max_choices) == ("Size", 1, 1)
    assert list(saved.options.values_list("name", "price_delta_paise", "is_available")) == [
        ("Plain", 0, True),
        ("Ghee roast", 1550, True),
    ]
    group.get_by_label("Size option 1 available").uncheck()
    with page.expect_response(lambda r: r.request.method == "PATCH" and f"/option-groups/{saved.pk}" in r.url):
        group.get_by_role("button", name="Save group").click()
    expect(group.get_by_label("Size option 1 available")).not_to_be_checked()
    assert list(saved.options.values_list("name", "is_available")) == [("Plain", False), ("Ghee roast", True)]
    expect(row.locator(".dish__notes")).to_contain_text("1 option group")
    shoot(page, screenshots_dir, "dashboard-menu-edit")
    page.locator("#menu-cancel").click()

    # During service: sold out, and +10 (from no limit it counts from 0).
    row.get_by_role("button", name="Mark Masala dosa sold out").click()
    expect(row.locator(".stock")).to_have_text("Sold out")
    dosa.refresh_from_db()
    assert dosa.stock == 0 and dosa.is_sold_out
    idli_row = page.locator('#menu-table tr[data-name="Idli"]')
    idli_row.get_by_role("button", name="Add 10 to the stock of Idli").click()
    expect(idli_row.locator(".stock")).to_have_text("10 left")
    idli.refresh_from_db()
    assert idli.stock == 10
    idli_row.get_by_role("button", name="Add 10 to the stock of Idli").click()
    expect(idli_row.locator(".stock")).to_have_text("20 left")
    idli.refresh_from_db()
    assert idli.stock == 20
    # The form sends the stock only when it is typed: what orders take while it is open stays taken.
    idli_row.get_by_role("button", name="Edit").click()
    expect(form.get_by_label("Stock left today")).to_have_value("20")
    MenuItem.objects.filter(pk=idli.pk).update(stock=17)  # three sold meanwhile
    form.get_by_label("Price (₹)").fill("45")
    form.get_by_role("button", name="Save changes").click()
    expect(idli_row.locator(".price")).to_have_text("₹45.00")
    expect(idli_row.locator(".stock")).to_have_text("17 left")
    idli.refresh_from_db()
    assert (idli.price_paise, idli.stock) == (4500, 17)

    # Menu order, by keyboard: Vada up past Masala dosa, then past Idli.
    move_up = page.get_by_role("button", name="Move Vada up")
    move_up.focus()
    page.keyboard.press("Enter")
    expect(page.locator('#menu-table tbody[data-category="Tiffin"] tr.menu-row').nth(1)).to_have_attribute(
        "data-name", "Vada"
    )
    assert menu_names(page) == ["Filter coffee", "Idli", "Vada", "Masala dosa"]
    orders = dict(MenuItem.objects.filter(category="Tiffin").values_list("name", "sort_order"))
    assert orders["Idli"] < orders["Vada"] < orders["Masala dosa"]
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.getAttribute('aria-label') === 'Move Vada up'"
    )
    page.keyboard.press("Enter")
    expect(page.locator('#menu-table tbody[data-category="Tiffin"] tr.menu-row').first).to_have_attribute(
        "data-name", "Vada"
    )
    orders = dict(MenuItem.objects.filter(category="Tiffin").values_list("name", "sort_order"))
    assert orders["Vada"] < orders["Idli"] < orders["Masala dosa"]
    expect(page.get_by_role("button", name="Move Vada up")).to_be_disabled()
    # With a mouse: Masala dosa dragged onto Vada goes before it.
    page.locator('#menu-table tr[data-name="Masala dosa"]').drag_to(page.locator('#menu-table tr[data-name="Vada"]'))
    expect(page.locator('#menu-table tbody[data-category="Tiffin"] tr.menu-row').first).to_have_attribute(
        "data-name", "Masala dosa"
    )
    orders = dict(MenuItem.objects.filter(category="Tiffin").values_list("name", "sort_order"))
    assert orders["Masala dosa"] < orders["Vada"] < orders["Idli"]
    # Categories too: the shop's category order, as students get it.
    page.get_by_role("button", name="Move category Tiffin up").click()
    expect(page.locator("#menu-table tbody").first).to_have_attribute("data-category", "Tiffin")
    assert menu_names(page) == ["Masala dosa", "Vada", "Idli", "Filter coffee"]
    assert Shop.objects.get(vendor=vendor).category_order == ["Tiffin", "Drinks"]
    shoot(page, screenshots_dir, "dashboard-menu-service")
