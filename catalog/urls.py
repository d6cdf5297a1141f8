from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=False)
router.register("menu-items", api.MenuItemViewSet, basename="menu-item")
router.register("print-services", api.PrintServiceViewSet, basename="print-service")

# `vendors/<id>/slots` belongs to ordering.urls.
urlpatterns = [
    path("vendors", api.VendorListView.as_view(), name="vendor-list"),
    path("vendors/<int:vendor_id>", api.VendorDetailView.as_view(), name="vendor-detail"),
    path("vendors/<int:vendor_id>/menu", api.VendorMenuView.as_view(), name="vendor-menu"),
    path("vendor/shop", api.VendorShopView.as_view(), name="vendor-shop"),
    *router.urls,
]
