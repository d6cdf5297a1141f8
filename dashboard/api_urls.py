"""The dashboard's own JSON endpoint, mounted under /api/v1/ by tntproject/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("dashboard/payment-states", api.PaymentStateView.as_view(), name="dashboard-payment-states"),
    path("dashboard/setup", api.ShopSetupView.as_view(), name="dashboard-setup"),
]
