"""The sandbox's HTTP face: Razorpay's API as the SDK calls it, and a checkout page for people."""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
import time
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.money import rupees
from payments.conf import razorpay_config, sandbox_enabled

from . import state


def _razorpay_error(status: int, code: str, description: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "description": description}}, status=status)


def _authenticated(request: HttpRequest) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return False
    try:
        key_id, _, secret = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    config = razorpay_config()
    return hmac.compare_digest(key_id, config.key_id) & hmac.compare_digest(secret, config.key_secret)


def _require_sandbox(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not sandbox_enabled():
            raise Http404("The Razorpay sandbox is off.")
        return view(request, *args, **kwargs)

    return wrapper


def sandbox_api(view: Callable) -> Callable:
    """Razorpay's API rules: Basic auth, JSON bodies, its error shape, and the test-controlled faults."""

    @csrf_exempt
    @_require_sandbox
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if fault := state.fault():
            if fault["mode"] == "hang":
                time.sleep(float(fault.get("seconds", 3.0)))
            elif fault["mode"] == "error":
                return _razorpay_error(500, "SERVER_ERROR", "The server encountered an error.")
            elif fault["mode"] == "garbage":
                return HttpResponse("<html>502 Bad Gateway</html>", status=502, content_type="text/html")
        if not _authenticated(request):
            return _razorpay_error(401, "BAD_REQUEST_ERROR", "Authentication failed")
        try:
            return view(request, *args, **kwargs)
        except state.SandboxError as exc:
            return _razorpay_error(400, "BAD_REQUEST_ERROR", str(exc))

    return wrapper


def _json_body(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise state.SandboxError("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise state.SandboxError("The request body must be a JSON object.")
    return data


def _webhook_url(request: HttpRequest) -> str:
    configured = settings.RAZORPAY_SANDBOX_WEBHOOK_URL
    return configured or request.build_absolute_uri(reverse("payments-webhook-razorpay"))


def _not_found() -> JsonResponse:
    return _razorpay_error(400, "BAD_REQUEST_ERROR", "The id provided does not exist")


@sandbox_api
def orders(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _razorpay_error(405, "BAD_REQUEST_ERROR", "Only POST is supported here.")
    data = _json_body(request)
    order = state.order_create(
        amount=data.get("amount"),
        currency=data.get("currency"),
        receipt=data.get("receipt"),
        notes=data.get("notes"),
        webhook_url=_webhook_url(request),
    )
    return JsonResponse(order)


@sandbox_api
@require_GET
def order_detail(request: HttpRequest, order_id: str) -> JsonResponse:
    order = state.order_get(order_id)
    return JsonResponse(order) if order else _not_found()


@sandbox_api
@require_GET
def order_payments(request: HttpRequest, order_id: str) -> JsonResponse:
    if state.order_get(order_id) is None:
        return _not_found()
    items = state.order_payments(order_id)
    return JsonResponse({"entity": "collection", "count": len(items), "items": items})


@sandbox_api
@require_GET
def payment_detail(request: HttpRequest, payment_id: str) -> JsonResponse:
    payment = state.payment_get(payment_id)
    return JsonResponse(payment) if payment else _not_found()


@sandbox_api
@require_POST
def payment_refund(request: HttpRequest, payment_id: str) -> JsonResponse:
    data = _json_body(request)
    refund = state.refund_create(
        payment_id=payment_id,
        amount=data.get("amount"),
        notes=data.get("notes"),
        idempotency_key=request.headers.get("X-Refund-Idempotency"),
    )
    return JsonResponse(refund)


@sandbox_api
@require_GET
def payment_refunds(request: HttpRequest, payment_id: str) -> JsonResponse:
    items = state.payment_refunds(payment_id)
    return JsonResponse({"entity": "collection", "count": len(items), "items": items})


@sandbox_api
@require_GET
def payment_refund_detail(request: HttpRequest, payment_id: str, refund_id: str) -> JsonResponse:
    refund = state.refund_get(refund_id)
    return JsonResponse(refund) if refund and refund["payment_id"] == payment_id else _not_found()


@sandbox_api
@require_GET
def refund_detail(request: HttpRequest, refund_id: str) -> JsonResponse:
    refund = state.refund_get(refund_id)
    return JsonResponse(refund) if refund else _not_found()


# --- the checkout page ---------------------------------------------------------------------


def _safe_callback(request: HttpRequest) -> str:
    url = request.POST.get("callback_url") or request.GET.get("callback_url") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return ""


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@_require_sandbox
@require_GET
def checkout_page(request: HttpRequest, order_id: str) -> HttpResponse:
    order = state.order_get(order_id)
    if order is None:
        raise Http404("No such Razorpay order.")
    return render(
        request,
        "razorpay_sandbox/checkout.html",
        {
            "order": order,
            "rupees": rupees(order["amount"]),
            "callback_url": _safe_callback(request),
            "key_id": razorpay_config().key_id,
        },
    )


def _checkout_finish(request: HttpRequest, order_id: str, *, succeed: bool) -> HttpResponse:
    try:
        result = state.checkout_complete(order_id, succeed=succeed)
    except state.SandboxError as exc:
        if _wants_json(request):
            return _razorpay_error(400, "BAD_REQUEST_ERROR", str(exc))
        return render(request, "razorpay_sandbox/result.html", {"problem": str(exc)}, status=400)
    if _wants_json(request):
        return JsonResponse(result)
    return render(
        request,
        "razorpay_sandbox/result.html",
        {"result": result, "result_json": result, "succeeded": succeed, "callback_url": _safe_callback(request)},
    )


@csrf_exempt
@_require_sandbox
@require_POST
def checkout_pay(request: HttpRequest, order_id: str) -> HttpResponse:
    return _checkout_finish(request, order_id, succeed=True)


@csrf_exempt
@_require_sandbox
@require_POST
def checkout_fail(request: HttpRequest, order_id: str) -> HttpResponse:
    return _checkout_finish(request, order_id, succeed=False)


@_require_sandbox
@require_GET
def checkout_js(request: HttpRequest) -> HttpResponse:
    """A stand-in for Razorpay's checkout.js: `new Razorpay(options).open()` opens the sandbox page."""
    response = render(
        request,
        "razorpay_sandbox/checkout.js",
        {"checkout_base": reverse("razorpay-sandbox-checkout", args=["ORDER_ID"])},
        content_type="application/javascript",
    )
    return response
