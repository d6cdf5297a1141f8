from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import PaymentVerifyView, PaymentViewSet, PayView, RazorpayWebhookView

router = SimpleRouter(trailing_slash=False)
router.register("payments", PaymentViewSet, basename="payment")

# Included under /api/v1/ before ordering and stationery, so the pay routes are ours.
urlpatterns = [
    path("orders/<int:pk>/pay", PayView.as_view(payable="order"), name="order-pay"),
    path("print-jobs/<int:pk>/pay", PayView.as_view(payable="print_job"), name="print-job-pay"),
    path("payments/verify", PaymentVerifyView.as_view(), name="payment-verify"),
    path("payments/webhooks/razorpay", RazorpayWebhookView.as_view(), name="payments-webhook-razorpay"),
    *router.urls,
]
