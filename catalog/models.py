from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

models.CharField.register_lookup(Length)

MAX_PRICE_PAISE = 10_00_000  # ₹10,000
MAX_CUTOFF_MINUTES = 240
MAX_PREP_UNITS = 100
# India's GSTIN: state code, the PAN (5 letters, 4 digits, 1 letter), entity number, "Z", checksum.
GSTIN_PATTERN = r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$"


class Shop(models.Model):
    """A vendor's shop as students see it. Its primary key is the vendor's user id."""

    vendor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="shop"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=1000, blank=True)
    vendor_type = models.CharField(max_length=10, choices=[("food", "Food"), ("stationery", "Stationery")])
    is_open = models.BooleanField(default=True)
    opening_note = models.CharField(max_length=200, blank=True, help_text="e.g. 'Open 8 am to 8 pm'")
    # The vendor's order of its menu's categories (names); categories not listed follow, by name.
    category_order = models.JSONField(default=list, blank=True)
    # Kitchen flow (issue 20): no new orders until this moment (null or past: taking orders);
    # the order cut-off of this shop in minutes before a slot starts (null: ORDER_CUTOFF_MINUTES).
    paused_until = models.DateTimeField(null=True, blank=True)
    order_cutoff_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    # The shop's GST registration, printed on its receipts; blank: not registered.
    gstin = models.CharField(
        "GSTIN",
        max_length=15,
        blank=True,
        validators=[RegexValidator(GSTIN_PATTERN, "Enter the 15-character GSTIN, e.g. 29ABCDE1234F1Z5.")],
        help_text="e.g. 29ABCDE1234F1Z5; blank if the shop is not registered",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(name__length__gte=1), name="shop_name_not_empty"),
            models.CheckConstraint(condition=Q(gstin="") | Q(gstin__regex=GSTIN_PATTERN), name="shop_gstin_format"),
            models.CheckConstraint(condition=Q(vendor_type__in=["food", "stationery"]), name="shop_vendor_type_valid"),
            models.CheckConstraint(
                condition=Q(order_cutoff_minutes__isnull=True) | Q(order_cutoff_minutes__lte=MAX_CUTOFF_MINUTES),
                name="shop_order_cutoff_in_range",
            ),
        ]
        indexes = [models.Index(fields=["vendor_type", "is_open"], name="shop_type_open")]

    def __str__(self) -> str:
        return self.name

    @property
    def cutoff_minutes(self) -> int:
        """This shop's order cut-off: its own, else ORDER_CUTOFF_MINUTES."""
        if self.order_cutoff_minutes is not None:
            return self.order_cutoff_minutes
        return int(settings.ORDER_CUTOFF_MINUTES)

    def paused_until_now(self, now=None):
        """`paused_until` while it is still ahead of `now` (default: now), else None."""
        if self.paused_until is None or self.paused_until <= (now or timezone.now()):
            return None
        return self.paused_until


DIETS = ("veg", "egg", "non_veg")
ALLERGENS = ("gluten", "dairy", "nuts", "peanuts", "soy", "egg", "fish", "shellfish", "sesame", "mustard")
TAGS = ("jain", "vegan", "spicy", "bestseller")
MAX_STOCK = 10_000


class MenuItem(models.Model):
    """A dish a food vendor sells. Deleting one hides it; past orders keep their snapshots.

    `stock` is what is left to order today (null: no limit); orders take it with their slot
    place and give it back with it (ordering/stock.py). `daily_stock` is what it is reset to
    every campus morning (catalog/stock.py); `stock_reset_at` is when that last happened, so
    an order placed before a reset gives nothing back to the fresh stock.
    """

    class Diet(models.TextChoices):
        VEG = "veg", _("Veg")
        EGG = "egg", _("Egg")
        NON_VEG = "non_veg", _("Non-veg")

    vendor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="menu_items")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    price_paise = models.PositiveIntegerField()
    is_available = models.BooleanField(default=True)
    category = models.CharField(max_length=60, blank=True)
    is_deleted = models.BooleanField(default=False)
    diet = models.CharField(max_length=8, choices=Diet.choices, null=True, blank=True)
    allergens = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    # Names in the "menu_images" storage (catalog/images.py): 640 px photo and 160 px thumbnail.
    image = models.CharField(max_length=200, blank=True)
    image_width = models.PositiveSmallIntegerField(null=True, blank=True)
    image_height = models.PositiveSmallIntegerField(null=True, blank=True)
    thumbnail = models.CharField(max_length=200, blank=True)
    thumbnail_width = models.PositiveSmallIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveSmallIntegerField(null=True, blank=True)
    stock = models.PositiveIntegerField(null=True, blank=True)
    daily_stock = models.PositiveIntegerField(null=True, blank=True)
    stock_reset_at = models.DateTimeField(null=True, blank=True)
    max_per_order = models.PositiveSmallIntegerField(null=True, blank=True)
    sort_order = models.IntegerField(default=0)
    # Kitchen load of one unit of this item (a chai 1, a thali 3; 0: nothing to prepare): an
    # order takes quantity × prep_units of its slot's `capacity_units` (ordering.services.slots).
    prep_units = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [("hide_menuitem", "Can hide and restore menu items")]
        ordering = ["category", "sort_order", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_paise__gte=1) & Q(price_paise__lte=MAX_PRICE_PAISE), name="menu_item_price_in_range"
            ),
            models.CheckConstraint(condition=Q(name__length__gte=1), name="menu_item_name_not_empty"),
            models.CheckConstraint(condition=Q(diet__isnull=True) | Q(diet__in=DIETS), name="menu_item_diet_valid"),
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__lte=MAX_STOCK), name="menu_item_stock_max"
            ),
            models.CheckConstraint(
                condition=Q(daily_stock__isnull=True) | Q(daily_stock__lte=MAX_STOCK), name="menu_item_daily_stock_max"
            ),
            models.CheckConstraint(
                condition=Q(max_per_order__isnull=True) | (Q(max_per_order__gte=1) & Q(max_per_order__lte=20)),
                name="menu_item_max_per_order_1_20",
            ),
            models.CheckConstraint(condition=Q(prep_units__lte=MAX_PREP_UNITS), name="menu_item_prep_units_max"),
            # One live item per name in a shop (case-insensitive); a deleted item frees its name.
            models.UniqueConstraint(
                "vendor", Lower("name"), condition=Q(is_deleted=False), name="menu_item_name_unique_per_vendor"
            ),
        ]
        indexes = [
            models.Index(fields=["vendor", "is_deleted", "is_available"], name="menu_item_vendor_avail"),
            models.Index(fields=["vendor", "category"], name="menu_item_vendor_category"),
            models.Index(fields=["category"], name="menu_item_category"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sold_out(self) -> bool:
        return self.stock == 0


class OptionGroup(models.Model):
    """A choice on a menu item ("Size": exactly 1; "Extras": up to 3)."""

    menu_item = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="option_groups")
    name = models.CharField(max_length=60)
    min_choices = models.PositiveSmallIntegerField(default=0)
    max_choices = models.PositiveSmallIntegerField(default=1)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(name__length__gte=1), name="option_group_name_not_empty"),
            models.CheckConstraint(
                condition=Q(max_choices__gte=1) & Q(max_choices__lte=20) & Q(min_choices__lte=F("max_choices")),
                name="option_group_choices_in_range",
            ),
            models.UniqueConstraint("menu_item", Lower("name"), name="option_group_name_unique_per_item"),
        ]

    def __str__(self) -> str:
        return self.name


class Option(models.Model):
    """One choice of a group, adding `price_delta_paise` (0 or more) to the item's price."""

    group = models.ForeignKey(OptionGroup, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=60)
    price_delta_paise = models.PositiveIntegerField(default=0)
    is_available = models.BooleanField(default=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(name__length__gte=1), name="option_name_not_empty"),
            models.CheckConstraint(condition=Q(price_delta_paise__lte=MAX_PRICE_PAISE), name="option_delta_in_range"),
            models.UniqueConstraint("group", Lower("name"), name="option_name_unique_per_group"),
        ]

    def __str__(self) -> str:
        return self.name


class PrintService(models.Model):
    """Something a stationery shop sells: per page (B/W, colour) or per job (binding)."""

    class Unit(models.TextChoices):
        PAGE = "page", "Per page"
        JOB = "job", "Per job"

    class PaperSize(models.TextChoices):
        A4 = "A4", "A4"
        A3 = "A3", "A3"
        LETTER = "Letter", "Letter"

    DEFAULT_PAGES_PER_MINUTE = 20

    vendor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="print_services")
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=4, choices=Unit.choices, default=Unit.PAGE)
    price_paise = models.PositiveIntegerField()
    is_colour = models.BooleanField(default=False)
    # A page service's price for a page with colour on it; null: this service prints black and white only.
    colour_price_paise = models.PositiveIntegerField(null=True, blank=True)
    paper_size = models.CharField(max_length=6, choices=PaperSize.choices, default=PaperSize.A4)
    # How fast the shop prints with this service: gives accepted jobs their `estimated_ready_at`.
    pages_per_minute = models.PositiveSmallIntegerField(default=DEFAULT_PAGES_PER_MINUTE)
    is_available = models.BooleanField(default=True)
    is_deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [("hide_printservice", "Can hide and restore print services")]
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_paise__gte=1) & Q(price_paise__lte=MAX_PRICE_PAISE),
                name="print_service_price_in_range",
            ),
            models.CheckConstraint(
                condition=Q(colour_price_paise__isnull=True)
                | (Q(colour_price_paise__gte=1) & Q(colour_price_paise__lte=MAX_PRICE_PAISE)),
                name="print_service_colour_price_in_range",
            ),
            models.CheckConstraint(
                condition=Q(pages_per_minute__gte=1) & Q(pages_per_minute__lte=1000),
                name="print_service_pages_per_minute_range",
            ),
            models.CheckConstraint(condition=Q(name__length__gte=1), name="print_service_name_not_empty"),
            models.UniqueConstraint(
                "vendor", Lower("name"), condition=Q(is_deleted=False), name="print_service_name_unique_per_vendor"
            ),
        ]
        indexes = [models.Index(fields=["vendor", "is_deleted", "is_available"], name="print_service_vendor_avail")]

    def __str__(self) -> str:
        return self.name
