from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Lower

models.CharField.register_lookup(Length)

MAX_PRICE_PAISE = 10_00_000  # ₹10,000


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(name__length__gte=1), name="shop_name_not_empty"),
            models.CheckConstraint(condition=Q(vendor_type__in=["food", "stationery"]), name="shop_vendor_type_valid"),
        ]
        indexes = [models.Index(fields=["vendor_type", "is_open"], name="shop_type_open")]

    def __str__(self) -> str:
        return self.name


class MenuItem(models.Model):
    """A dish a food vendor sells. Deleting one hides it; past orders keep their snapshots."""

    vendor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="menu_items")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    price_paise = models.PositiveIntegerField()
    is_available = models.BooleanField(default=True)
    category = models.CharField(max_length=60, blank=True)
    is_deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [("hide_menuitem", "Can hide and restore menu items")]
        ordering = ["category", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_paise__gte=1) & Q(price_paise__lte=MAX_PRICE_PAISE), name="menu_item_price_in_range"
            ),
            models.CheckConstraint(condition=Q(name__length__gte=1), name="menu_item_name_not_empty"),
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
