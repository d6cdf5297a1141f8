from django.urls import path

from . import api, views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("api/payment-states", api.PaymentStateView.as_view(), name="payment-states"),
]
