from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, api_menus

router = SimpleRouter(trailing_slash=False)
router.register("menu-items", api.MenuItemViewSet, basename="menu-item")
router.register("print-services", api.PrintServiceViewSet, basename="print-service")

# `vendors/<id>/slots` belongs to ordering.urls.
urlpatterns = [
    path("vendors", api.VendorListView.as_view(), name="vendor-list"),
    path("vendors/<int:vendor_id>", api.VendorDetailView.as_view(), name="vendor-detail"),
    path("vendors/<int:vendor_id>/menu", api.VendorMenuView.as_view(), name="vendor-menu"),
    path("vendor/shop", api.VendorShopView.as_view(), name="vendor-shop"),
    path("menu-items/<int:item_id>/image", api_menus.MenuItemImageView.as_view(), name="menu-item-image"),
    path("menu-items/<int:item_id>/stock", api_menus.MenuItemStockView.as_view(), name="menu-item-stock"),
    path(
        "menu-items/<int:item_id>/option-groups",
        api_menus.OptionGroupCreateView.as_view(),
        name="menu-item-option-groups",
    ),
    path("option-groups/<int:group_id>", api_menus.OptionGroupDetailView.as_view(), name="option-group-detail"),
    *router.urls,
]
