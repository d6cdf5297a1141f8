"""Staff views of shops, menu items and print services.

Shops are created at vendor sign-up, and items and services by their vendors, so
staff do not add them here. Nothing is hard-deleted: order lines and print jobs
point at items and services (PROTECT); staff hide and restore them with actions.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet

from core.admin_display import RupeesField, time_column
from core.money import rupees

from .models import MenuItem, PrintService, Shop
from .services import catalog_entry_set_deleted


def shop_filter(field: str = "vendor", vendor_type: str | None = None) -> type[admin.SimpleListFilter]:
    """A "By shop" list filter on the vendor foreign key `field`: it lists shops, never people."""

    class ShopFilter(admin.SimpleListFilter):
        title = "shop"
        parameter_name = f"{field}_shop"

        def lookups(self, request, model_admin):
            shops = Shop.objects.order_by("name")
            if vendor_type:
                shops = shops.filter(vendor_type=vendor_type)
            return [(str(vendor_id), name) for vendor_id, name in shops.values_list("vendor_id", "name")]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit():
                return queryset.filter(**{f"{field}_id": int(value)})
            return queryset

    return ShopFilter


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "vendor_type", "is_open", "vendor_approved", "vendor_active", "changed")
    list_filter = ("vendor_type", "is_open", "vendor__is_approved", "vendor__is_active")
    search_fields = ("name", "vendor__phone", "vendor__name")
    list_select_related = ("vendor",)
    readonly_fields = ("vendor", "vendor_type", "opened", "changed")
    fields = ("vendor", "vendor_type", "name", "description", "is_open", "opening_note", "gstin", "opened", "changed")
    ordering = ("name",)
    opened = time_column("created_at", "created")
    changed = time_column("updated_at", "last changed")

    @admin.display(description="owner", ordering="vendor__name")
    def owner(self, shop: Shop) -> str:
        return f"{shop.vendor.name} · {shop.vendor.phone}" if shop.vendor.name else shop.vendor.phone

    @admin.display(boolean=True, description="approved", ordering="vendor__is_approved")
    def vendor_approved(self, shop: Shop) -> bool:
        return shop.vendor.is_approved

    @admin.display(boolean=True, description="active", ordering="vendor__is_active")
    def vendor_active(self, shop: Shop) -> bool:
        return shop.vendor.is_active

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PriceInRupeesForm(forms.ModelForm):
    """Staff type prices in rupees ("45.50"); they are stored as paise (4550), exactly."""

    price_paise = RupeesField(label="Price (₹)")


class _SoftDeletableAdmin(admin.ModelAdmin):
    form = PriceInRupeesForm
    actions = ("hide_entries", "restore_entries")
    list_select_related = ("vendor__shop",)
    search_fields = ("name", "vendor__phone", "vendor__name", "vendor__shop__name")
    readonly_fields = ("vendor", "is_deleted", "changed")
    changed = time_column("updated_at", "last changed")

    @admin.display(description="shop", ordering="vendor__shop__name")
    def shop_name(self, obj) -> str:
        shop = getattr(obj.vendor, "shop", None)
        return shop.name if shop else str(obj.vendor)

    @admin.display(description="price", ordering="price_paise")
    def price(self, obj) -> str:
        return rupees(obj.price_paise)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _set_deleted(self, request, queryset: QuerySet, *, deleted: bool) -> None:
        done = skipped = 0
        for obj in queryset:
            if catalog_entry_set_deleted(actor=request.user, obj=obj, deleted=deleted):
                done += 1
            else:
                skipped += 1
        verb = "Hidden" if deleted else "Restored"
        self.message_user(request, f"{verb}: {done}.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"Not restored (a live entry has the same name): {skipped}.", messages.WARNING)

    def has_hide_permission(self, request) -> bool:
        # catalog.hide_menuitem / catalog.hide_printservice, as in accounts.permissions.
        return request.user.has_perm(f"{self.opts.app_label}.hide_{self.opts.model_name}")

    @admin.action(description="Hide selected (orders and print jobs keep their snapshots)", permissions=["hide"])
    def hide_entries(self, request, queryset: QuerySet) -> None:
        self._set_deleted(request, queryset, deleted=True)

    @admin.action(description="Restore selected", permissions=["hide"])
    def restore_entries(self, request, queryset: QuerySet) -> None:
        self._set_deleted(request, queryset, deleted=False)


@admin.register(MenuItem)
class MenuItemAdmin(_SoftDeletableAdmin):
    list_display = ("name", "shop_name", "category", "price", "is_available", "is_deleted", "changed")
    list_filter = (shop_filter(vendor_type="food"), "is_available", "is_deleted", "vendor__is_approved", "category")
    search_fields = (*_SoftDeletableAdmin.search_fields, "category")
    fields = ("vendor", "name", "description", "category", "price_paise", "is_available", "is_deleted")
    ordering = ("vendor_id", "category", "name")


@admin.register(PrintService)
class PrintServiceAdmin(_SoftDeletableAdmin):
    list_display = ("name", "shop_name", "unit", "is_colour", "price", "is_available", "is_deleted", "changed")
    list_filter = (shop_filter(vendor_type="stationery"), "unit", "is_colour", "is_available", "is_deleted")
    fields = ("vendor", "name", "unit", "is_colour", "price_paise", "is_available", "is_deleted")
    ordering = ("vendor_id", "name")
