"""The menus part of `manage.py seed_demo` (issue 19): diet marks on every demo dish, option
groups on the dosas and rolls, a few photos drawn at seed time, one item with a small daily
stock, and the vendor's category order. Safe to run again: it only fills in what is missing."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from accounts.models import User
from catalog.images import menu_item_photo_set
from catalog.models import MenuItem, OptionGroup
from catalog.options import option_group_create
from catalog.services import menu_item_update, shop_update

NON_VEG = {"Chicken Kathi Roll"}
EGG = {"Egg Roll"}
ALLERGENS = {
    "Masala Dosa": ["dairy"],
    "Chole Bhature": ["gluten"],
    "Paneer Tikka Roll": ["gluten", "dairy"],
    "Pav Bhaji": ["gluten", "dairy"],
    "Cold Coffee": ["dairy"],
    "Egg Roll": ["gluten", "egg"],
    "Chicken Kathi Roll": ["gluten"],
}
TAGS = {"Masala Dosa": ["bestseller"], "Gobi Manchurian": ["spicy"], "Veg Thali": ["bestseller"]}
GROUPS = {
    "Plain Dosa": [
        ("Style", 1, 1, [("Plain", 0), ("Ghee roast", 1500), ("Paper", 1000)]),
        ("Extras", 0, 3, [("Extra cheese", 2000), ("Butter", 1000), ("Extra chutney", 0)]),
    ],
    "Masala Dosa": [("Extras", 0, 3, [("Extra cheese", 2000), ("Butter", 1000), ("Podi", 500)])],
    "Veg Frankie Roll": [("Size", 1, 1, [("Regular", 0), ("Jumbo", 2500)])],
    "Chicken Kathi Roll": [("Size", 1, 1, [("Regular", 0), ("Double chicken", 4000)])],
    "Masala Chai": [("Sugar", 1, 1, [("Normal", 0), ("Less", 0), ("None", 0)])],
}
PHOTOS = {"Masala Dosa": (214, 150, 60), "Veg Thali": (190, 90, 40), "Veg Frankie Roll": (170, 120, 70)}
DAILY_STOCK = {"Veg Thali": 12}
CATEGORY_ORDER = {"Annapurna Canteen": ["Tiffin", "Meals", "Beverages"]}


def _photo(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    """A plate drawn with Pillow: no photo files in the repository, still something to look at."""
    image = Image.new("RGB", (960, 720), (245, 236, 220))
    draw = ImageDraw.Draw(image)
    draw.ellipse((180, 60, 780, 660), fill=(255, 255, 255), outline=(210, 200, 190), width=12)
    draw.ellipse((290, 170, 670, 550), fill=colour)
    draw.ellipse((380, 260, 470, 330), fill=tuple(min(c + 40, 255) for c in colour))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return SimpleUploadedFile(f"{name}.jpg", out.getvalue(), content_type="image/jpeg")


def _diet(name: str) -> str:
    return "non_veg" if name in NON_VEG else "egg" if name in EGG else "veg"


def seed_demo_menus(vendors: list[User]) -> list[str]:
    """Fill in the issue-19 parts of the demo food vendors' menus; returns notes for the report."""
    notes: list[str] = []
    for vendor in vendors:
        if not (vendor.is_food_vendor and vendor.is_approved and vendor.is_active):
            continue
        shop_name = vendor.shop.name
        if shop_name in CATEGORY_ORDER and not vendor.shop.category_order:
            shop_update(vendor=vendor, category_order=CATEGORY_ORDER[shop_name])
        for item in MenuItem.objects.filter(vendor=vendor, is_deleted=False):
            changes: dict = {}
            if item.diet is None:
                changes.update(
                    diet=_diet(item.name), allergens=ALLERGENS.get(item.name, []), tags=TAGS.get(item.name, [])
                )
            if item.name in DAILY_STOCK and item.daily_stock is None:
                changes.update(daily_stock=DAILY_STOCK[item.name], stock=DAILY_STOCK[item.name], max_per_order=2)
            if changes:
                menu_item_update(vendor=vendor, item_id=item.pk, **changes)
            if item.name in GROUPS and not OptionGroup.objects.filter(menu_item=item).exists():
                for group_name, low, high, options in GROUPS[item.name]:
                    option_group_create(
                        vendor=vendor,
                        item_id=item.pk,
                        name=group_name,
                        min_choices=low,
                        max_choices=high,
                        options=[{"name": n, "price_delta_paise": d} for n, d in options],
                    )
            if item.name in PHOTOS and not item.image:
                menu_item_photo_set(vendor=vendor, item_id=item.pk, uploaded=_photo(item.name, PHOTOS[item.name]))
        if any(name in DAILY_STOCK for name in MenuItem.objects.filter(vendor=vendor).values_list("name", flat=True)):
            notes.append(f"{shop_name}: Veg Thali has a daily stock of {DAILY_STOCK['Veg Thali']} (max 2 per order).")
    return notes
