"""Razorpay's paths (the SDK adds /v1) plus the sandbox checkout page."""

from django.urls import path

from . import views

urlpatterns = [
    path("v1/orders", views.orders, name="razorpay-sandbox-orders"),
    path("v1/orders/<str:order_id>", views.order_detail, name="razorpay-sandbox-order"),
    path("v1/orders/<str:order_id>/payments", views.order_payments, name="razorpay-sandbox-order-payments"),
    path("v1/payments/<str:payment_id>", views.payment_detail, name="razorpay-sandbox-payment"),
    path("v1/payments/<str:payment_id>/refund", views.payment_refund, name="razorpay-sandbox-payment-refund"),
    path("v1/payments/<str:payment_id>/refunds", views.payment_refunds, name="razorpay-sandbox-payment-refunds"),
    path(
        "v1/payments/<str:payment_id>/refunds/<str:refund_id>",
        views.payment_refund_detail,
        name="razorpay-sandbox-payment-refund-detail",
    ),
    path("v1/refunds/<str:refund_id>", views.refund_detail, name="razorpay-sandbox-refund"),
    path("checkout.js", views.checkout_js, name="razorpay-sandbox-checkout-js"),
    path("checkout/<str:order_id>", views.checkout_page, name="razorpay-sandbox-checkout"),
    path("checkout/<str:order_id>/pay", views.checkout_pay, name="razorpay-sandbox-checkout-pay"),
    path("checkout/<str:order_id>/fail", views.checkout_fail, name="razorpay-sandbox-checkout-fail"),
]
