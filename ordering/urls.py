from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import OrderViewSet, SlotViewSet, VendorSlotsView
from .kitchen_api import ClosureViewSet, SlotScheduleViewSet

router = SimpleRouter(trailing_slash=False)
router.register("slots", SlotViewSet, basename="slot")
router.register("orders", OrderViewSet, basename="order")
router.register("slot-schedules", SlotScheduleViewSet, basename="slot-schedule")
router.register("closures", ClosureViewSet, basename="closure")

urlpatterns = [
    path("vendors/<int:vendor_id>/slots", VendorSlotsView.as_view(), name="vendor-slots"),
    *router.urls,
]
