from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import PaymentVerifyView, PaymentViewSet, PayView, RazorpayWebhookView, RefundRetryView, StatementView

router = SimpleRouter(trailing_slash=False)
router.register("payments", PaymentViewSet, basename="payment")

# Included under /api/v1/ before ordering and stationery, so the pay routes are ours.
urlpatterns = [
    path("orders/<int:pk>/pay", PayView.as_view(payable="order"), name="order-pay"),
    path("print-jobs/<int:pk>/pay", PayView.as_view(payable="print_job"), name="print-job-pay"),
    path("payments/verify", PaymentVerifyView.as_view(), name="payment-verify"),
    path("payments/webhooks/razorpay", RazorpayWebhookView.as_view(), name="payments-webhook-razorpay"),
    path("ledger/statement", StatementView.as_view(), name="ledger-statement"),
    path("refunds/<int:pk>/retry", RefundRetryView.as_view(), name="refund-retry"),
    *router.urls,
]
