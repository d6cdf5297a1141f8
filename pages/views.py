"""The student pages: thin views over the same services and selectors the API uses.

A view parses the browser's form, calls one service or selector, and renders.
Refusals come back as `ApplicationError`s and are shown in plain words; no
business rule is repeated here. Paying happens in the browser (`site.js`):
the page script calls the JSON API (`/orders/{id}/pay`, `/payments/verify`)
with the session and the CSRF token.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from accounts import limits as otp_limits
from accounts import services as account_services
from accounts.errors import AccountBlockedError
from accounts.models import User
from catalog import selectors as catalog_selectors
from catalog.models import MenuItem, Shop
from core.errors import ApplicationError, Forbidden, NotFound, RateLimited, ValidationFailed, envelope
from ordering import selectors as ordering_selectors
from ordering import services as ordering_services
from ordering.limits import enforce_order_place_limit
from ordering.models import Order, Slot
from payments import services as payment_services
from payments.api import rate_limit as payments_rate_limit
from payments.serializers import payable_refunds
from stationery import selectors as stationery_selectors
from stationery import services as stationery_services
from stationery.errors import FileTooLarge
from stationery.limits import enforce_print_limit
from stationery.models import PrintJob
from stationery.uploads import UploadLimitHandler, max_upload_bytes, refuse_oversized_request, upload_was_refused

from .access import blocked_response, is_blocked_visitor, not_for_role_response, page, student_required
from .errors import plain_error
from .forms import CodeForm, OrderForm, PhoneForm, PrintJobForm, ShopSignUpForm
from .payment_ui import gateway_context

PAGE_SIZE = 20
# How often a page asks the API whether a status moved (seconds).
ORDER_POLL_SECONDS = 4
PRINT_JOB_POLL_SECONDS = 10
_SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
_OTP_PENDING = "pages.otp_pending"

# The timeline's words for each status an order moved to.
_ORDER_EVENT_LABELS = {
    Order.Status.PENDING_PAYMENT: "Order placed",
    Order.Status.PAID: "Paid",
    Order.Status.ACCEPTED: "Accepted by the shop",
    Order.Status.READY: "Ready for pickup",
    Order.Status.COMPLETED: "Collected",
    Order.Status.CANCELLED: "Cancelled",
    Order.Status.REJECTED: "Rejected by the shop",
    Order.Status.EXPIRED: "Expired: not paid in time",
}
_PICKUP_STATUSES = (Order.Status.PAID, Order.Status.ACCEPTED, Order.Status.READY)
_CHECKOUT_FIELDS = ("razorpay_order_id", "razorpay_payment_id", "razorpay_signature")


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _landing_for(user: User) -> str:
    if user.role == User.Role.VENDOR:
        return "/dashboard/"
    if user.is_campus_staff:
        return "/admin/"
    return reverse("pages:home")


def _shop_names(vendor_ids) -> dict[int, str]:
    """Shop name by vendor id, for a page of orders or print jobs (one query)."""
    ids = set(vendor_ids)
    if not ids:
        return {}
    return dict(catalog_selectors.shop_list_public().filter(vendor_id__in=ids).values_list("vendor_id", "name"))


def _open_first(shops) -> list[Shop]:
    return sorted(shops, key=lambda shop: not shop.is_open)


def _shop_or_404(*, vendor_id: int, vendor_type: str) -> Shop:
    try:
        shop = catalog_selectors.shop_get_public(vendor_id=vendor_id)
    except NotFound:
        raise Http404("No such shop.") from None
    if shop.vendor_type != vendor_type:
        raise Http404("No such shop.")
    return shop


def _page_of(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- home ------------------------------------------------------------------------


@page
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "nav": "home",
        "food_shops": _open_first(catalog_selectors.shop_list_public(vendor_type=User.VendorType.FOOD)),
        "stationery_shops": _open_first(catalog_selectors.shop_list_public(vendor_type=User.VendorType.STATIONERY)),
    }
    return render(request, "pages/home.html", context)


# --- sign in / out, and registering a shop ------------------------------------------------


@dataclass(frozen=True)
class _OtpFlow:
    """The two ways in by OTP. Both share every step, limit and counter; registering a
    shop only adds the new vendor's shop name and type to the code step."""

    phone_url: str
    code_url: str
    register_shop: bool = False


_SIGN_IN = _OtpFlow(phone_url="pages:login", code_url="pages:login-code")
_REGISTER_SHOP = _OtpFlow(phone_url="pages:register-shop", code_url="pages:register-shop-code", register_shop=True)


def _remember_code_sent(request: HttpRequest, *, phone: str, resend_after: int, expires_in: int) -> None:
    request.session[_OTP_PENDING] = {
        "phone": phone,
        "resend_at": time.time() + resend_after,
        "expires_in": expires_in,
    }


def _flow_context(flow: _OtpFlow) -> dict:
    return {
        "nav": "register-shop" if flow.register_shop else "login",
        "register_shop": flow.register_shop,
        "phone_action": reverse(flow.phone_url),
        "code_action": reverse(flow.code_url),
    }


def _already_signed_in(request: HttpRequest, *, flow: _OtpFlow, next_url: str) -> HttpResponse:
    user = request.user
    if flow.register_shop and user.role != User.Role.VENDOR:
        messages.info(
            request,
            "You are already signed in. To register a shop, sign out first and use the shop's own phone number.",
        )
    return redirect(next_url or _landing_for(user))


def _otp_phone_step(request: HttpRequest, *, flow: _OtpFlow) -> HttpResponse:
    """Step 1: the phone number. Sends the code, rate-limited like the API, and goes to step 2."""
    # A new shop always lands on the dashboard, so registering ignores `next`.
    next_url = "" if flow.register_shop else _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return _already_signed_in(request, flow=flow, next_url=next_url)
    if request.GET.get("change"):
        request.session.pop(_OTP_PENDING, None)

    form = PhoneForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            try:
                # The same limits, groups and counters as POST /api/v1/auth/otp/request.
                otp_limits.enforce_otp_request_limits_by_ip(request)
                otp_limits.enforce_otp_request_limits_by_phone(request, phone=phone)
                sent = account_services.otp_request(phone=phone)
            except RateLimited as exc:
                wait = exc.details.get("resend_after")
                if wait:
                    # Inside the resend cool-down: the code sent moments ago still works.
                    pending = request.session.get(_OTP_PENDING) or {}
                    _remember_code_sent(
                        request,
                        phone=phone,
                        resend_after=int(wait),
                        expires_in=pending.get("expires_in") or settings.OTP_TTL_SECONDS,
                    )
                    messages.info(request, f"We sent a code moments ago. You can ask for a new one in {wait} seconds.")
                    return redirect(_with_next(reverse(flow.code_url), next_url))
                error, status = plain_error(exc), 429
            except ApplicationError as exc:
                error, status = plain_error(exc), exc.status_code
            else:
                _remember_code_sent(request, phone=phone, resend_after=sent.resend_after, expires_in=sent.expires_in)
                messages.success(request, "We sent you a code by SMS.")
                return redirect(_with_next(reverse(flow.code_url), next_url))
    context = {**_flow_context(flow), "form": form, "error": error, "next": next_url}
    return render(request, "pages/login.html", context, status=status)


def _signed_in_redirect(
    request: HttpRequest, *, signed_in: account_services.SignIn, flow: _OtpFlow, next_url: str
) -> HttpResponse:
    """Where a fresh sign-in goes, with a word on what happened. An existing phone keeps its role."""
    user = signed_in.user
    if flow.register_shop:
        if user.role == User.Role.VENDOR:
            # Its dashboard says the rest: pending approval, or the shop itself.
            return redirect(_landing_for(user))
        kind = "a student" if user.role == User.Role.STUDENT else "a staff"
        messages.warning(
            request,
            f"This number already has {kind} account, so no shop was registered: you are signed in with it. "
            "To register a shop, sign out and use the shop's own phone number.",
        )
        return redirect(_landing_for(user))
    messages.success(request, f"You are signed in{', ' + user.name if user.name else ''}.")
    if user.role != User.Role.STUDENT:
        return redirect(_landing_for(user))
    return redirect(next_url or _landing_for(user))


def _otp_code_step(request: HttpRequest, *, flow: _OtpFlow) -> HttpResponse:
    """Step 2: the code. Signs the browser in; a new phone becomes a student, or a new shop
    (an unapproved vendor) when registering."""
    next_url = "" if flow.register_shop else _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return _already_signed_in(request, flow=flow, next_url=next_url)
    pending = request.session.get(_OTP_PENDING)
    if not pending:
        return redirect(_with_next(reverse(flow.phone_url), next_url))

    form = (ShopSignUpForm if flow.register_shop else CodeForm)(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                otp_limits.enforce_otp_verify_limits(request)
                signed_in = account_services.otp_verify(
                    phone=pending["phone"],
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    **form.sign_up_fields(),
                )
            except AccountBlockedError as exc:
                request.session.pop(_OTP_PENDING, None)
                return render(request, "pages/blocked.html", {"refusal": plain_error(exc)}, status=403)
            except ApplicationError as exc:
                error, status = plain_error(exc), exc.status_code
            else:
                login(request, signed_in.user, backend=_SESSION_BACKEND)
                request.session.pop(_OTP_PENDING, None)
                return _signed_in_redirect(request, signed_in=signed_in, flow=flow, next_url=next_url)
        elif flow.register_shop:
            error = "Please check: " + " ".join(e for errors in form.errors.values() for e in errors)
    context = {
        **_flow_context(flow),
        "form": form,
        "error": error,
        "phone": pending["phone"],
        "next": next_url,
        "resend_after": max(0, int(pending["resend_at"] - time.time() + 0.999)),
        "expires_minutes": max(1, int(pending.get("expires_in") or settings.OTP_TTL_SECONDS) // 60),
        "vendor_types": User.VendorType.choices,
    }
    return render(request, "pages/login_code.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def login_phone(request: HttpRequest) -> HttpResponse:
    return _otp_phone_step(request, flow=_SIGN_IN)


@page
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    return _otp_code_step(request, flow=_SIGN_IN)


@page
@require_http_methods(["GET", "POST"])
def register_shop(request: HttpRequest) -> HttpResponse:
    """Register a shop, step 1: the shop's phone number (the sign-in step with the same limits)."""
    return _otp_phone_step(request, flow=_REGISTER_SHOP)


@page
@require_http_methods(["GET", "POST"])
def register_shop_code(request: HttpRequest) -> HttpResponse:
    """Register a shop, step 2: the code, the shop's name and what it sells.

    Signs up through `otp_verify` exactly as POST /api/v1/auth/otp/verify with
    role=vendor does; the shop is made by the vendor sign-up hook in that transaction.
    """
    return _otp_code_step(request, flow=_REGISTER_SHOP)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """End this browser's session. An API token the user holds elsewhere keeps working."""
    logout(request)
    messages.success(request, "You are signed out.")
    return redirect("pages:home")


# --- a food vendor's menu, the cart and placing the order ------------------------------


@dataclass(frozen=True)
class _MenuRow:
    item: MenuItem
    quantity: int


def _menu_context(request: HttpRequest, *, shop: Shop, quantities: dict[int, int], **extra) -> dict:
    items = catalog_selectors.vendor_menu_public(vendor_id=shop.vendor_id)
    slots: list[Slot] = list(ordering_selectors.slot_list_open_for_vendor(vendor_id=shop.vendor_id))
    user = request.user
    rows = [_MenuRow(item=item, quantity=quantities.get(item.pk, 0)) for item in items]
    return {
        "nav": "home",
        "shop": shop,
        "rows": rows,
        "slots": slots,
        "can_order": shop.is_open and (not user.is_authenticated or user.role == User.Role.STUDENT),
        "max_quantity": ordering_services.MAX_QUANTITY,
        "cart_count": sum(row.quantity for row in rows),
        "cart_total": sum(row.quantity * row.item.price_paise for row in rows),
        "restore_cart": not quantities,
        "selected_slot": None,
        "note": "",
        "error": "",
        "field_errors": {},
        **extra,
    }


@page
@require_http_methods(["GET", "POST"])
def menu(request: HttpRequest, vendor_id: int) -> HttpResponse:
    shop = _shop_or_404(vendor_id=vendor_id, vendor_type=User.VendorType.FOOD)
    if request.method == "GET":
        return render(request, "pages/menu.html", _menu_context(request, shop=shop, quantities={}))
    return _order_place(request, shop=shop)


@student_required
def _order_place(request: HttpRequest, *, shop: Shop) -> HttpResponse:
    """The cart form was sent: place the order, or show the page again with the cart kept."""
    items = catalog_selectors.vendor_menu_public(vendor_id=shop.vendor_id)
    names = {item.pk: item.name for item in items}
    form = OrderForm(request.POST, item_ids=list(names))
    kept = {"selected_slot": None, "note": request.POST.get("note", "")[:300]}
    if form.is_valid():
        quantities = form.quantities()
        kept["selected_slot"] = form.cleaned_data["slot"]
        try:
            enforce_order_place_limit(request, student_id=request.user.pk)
            order = ordering_services.order_place(
                student=request.user,
                vendor_id=shop.vendor_id,
                slot_id=form.cleaned_data["slot"],
                lines=[ordering_services.OrderLine(menu_item_id=i, quantity=q) for i, q in quantities.items()],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            error, status = plain_error(exc, item_names=names), exc.status_code
            if exc.code in ("slot_full", "slot_closed"):
                kept["selected_slot"] = None  # that time is no longer on offer
        else:
            messages.success(request, f"Order #{order.pk} placed. Pay now to confirm it.")
            return redirect("pages:order", order_id=order.pk)
    else:
        quantities = {}
        for item_id in names:
            value = request.POST.get(f"qty_{item_id}", "")
            if value.isdigit() and int(value) > 0:
                quantities[item_id] = int(value)
        if form.cleaned_data.get("slot"):
            kept["selected_slot"] = form.cleaned_data["slot"]
        error = " ".join(form.non_field_errors()) or "Please check your order."
        status = 400
    context = _menu_context(
        request,
        shop=shop,
        quantities=quantities,
        error=error,
        field_errors={name: errors for name, errors in form.errors.items() if name != "__all__"},
        **kept,
    )
    context["restore_cart"] = False  # the cart is what was just sent
    return render(request, "pages/menu.html", context, status=status)


# --- orders ----------------------------------------------------------------------------


@student_required
def orders(request: HttpRequest) -> HttpResponse:
    page_obj = _page_of(request, ordering_selectors.order_list_for(user=request.user))
    names = _shop_names(order.vendor_id for order in page_obj)
    for order in page_obj:
        order.vendor_shop_name = names.get(order.vendor_id, "Campus vendor")
    return render(request, "pages/orders.html", {"nav": "orders", "orders": page_obj, "page_obj": page_obj})


def _order_for(request: HttpRequest, order_id: int) -> Order:
    try:
        return ordering_selectors.order_get_for(user=request.user, order_id=order_id)
    except NotFound:
        raise Http404("No such order.") from None


@dataclass(frozen=True)
class _RefundRow:
    amount_paise: int
    status: str
    state: str
    at: object


# What a student reads for each refund state: a failed refund is never called refunded.
_REFUND_STATES = {
    "processed": "processed",
    "pending": "on its way",
    "failed": "delayed — the campus office is on it",
}


def _refund_rows(obj) -> list[_RefundRow]:
    """The refunds of an order or print job as the student's page shows them, oldest first."""
    return [
        _RefundRow(
            amount_paise=refund.amount_paise,
            status=refund.status,
            state=_REFUND_STATES.get(refund.status, refund.status),
            at=refund.processed_at or refund.created_at,
        )
        for refund in payable_refunds(obj)
    ]


@dataclass(frozen=True)
class _TimelineEntry:
    label: str
    created_at: object
    reason: str


@student_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for(request, order_id)
    events = [
        _TimelineEntry(
            label=_ORDER_EVENT_LABELS.get(event.to_status, event.to_status),
            created_at=event.created_at,
            # Why an order ended is the student's business; payment bookkeeping notes are not.
            reason=event.reason if event.to_status in Order.RELEASING_STATUSES else "",
        )
        for event in order.events.all()
    ]
    was_paid = order.paid_at is not None
    refunds = _refund_rows(order)
    refund_note = ""
    if was_paid and not refunds and order.status in (Order.Status.CANCELLED, Order.Status.REJECTED):
        refund_note = "You paid for this order, so the full amount is being refunded to how you paid."
    shop_name = _shop_names([order.vendor_id]).get(order.vendor_id, "Campus vendor")
    context = {
        "nav": "orders",
        "order": order,
        "shop_name": shop_name,
        "events": events,
        "is_live": order.status in Order.LIVE_STATUSES,
        "poll_seconds": ORDER_POLL_SECONDS,
        "show_pickup": order.status in _PICKUP_STATUSES,
        "can_cancel": Order.Status.CANCELLED in Order.TRANSITIONS[order.status],
        "refund_note": refund_note,
        "refunds": refunds,
        "pay_url": f"/api/v1/orders/{order.pk}/pay",
        "pay_description": f"Order #{order.pk} at {shop_name}",
        "gateway": gateway_context(),
    }
    return render(request, "pages/order.html", context)


@student_required
@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for(request, order_id)
    try:
        ordering_services.order_cancel(order=order, student=request.user, reason="Cancelled by the student.")
    except ApplicationError as exc:
        messages.error(request, plain_error(exc))
    else:
        messages.success(request, f"Order #{order.pk} is cancelled.")
    return redirect("pages:order", order_id=order.pk)


# --- printing ----------------------------------------------------------------------------


@page
def print_shops(request: HttpRequest) -> HttpResponse:
    shops = _open_first(catalog_selectors.shop_list_public(vendor_type=User.VendorType.STATIONERY))
    return render(request, "pages/print_shops.html", {"nav": "print", "shops": shops})


def _limit_upload(request: HttpRequest) -> None:
    """Refuse an oversized body before reading it, and stop reading once the file passes the limit."""
    refuse_oversized_request(request)
    request.upload_handlers.insert(0, UploadLimitHandler(request, max_bytes=max_upload_bytes()))


def _print_form_context(*, shop: Shop, services, form: PrintJobForm | None, **extra) -> dict:
    return {
        "nav": "print",
        "shop": shop,
        "services": services,
        "form": form,
        "max_upload_mb": settings.PRINT_MAX_UPLOAD_MB,
        "estimate": None,
        "error": "",
        **extra,
    }


def _orderable_services(shop: Shop):
    return list(catalog_selectors.print_service_list_public(vendor_id=shop.vendor_id, available=True))


@dataclass(frozen=True)
class _Estimate:
    pages: int
    copies: int
    double_sided: bool
    estimated_paise: int


def _estimate(request: HttpRequest, form: PrintJobForm) -> _Estimate:
    """Price the chosen file with the stationery service's own checks and estimate (nothing is stored)."""
    quote = stationery_services.print_job_quote(
        student=request.user,
        service_id=form.cleaned_data["service"],
        upload=form.cleaned_data["file"],
        copies=form.cleaned_data["copies"],
    )
    return _Estimate(
        pages=quote.pages,
        copies=quote.copies,
        double_sided=form.cleaned_data["double_sided"],
        estimated_paise=quote.estimated_paise,
    )


def _check_upload_completed(request: HttpRequest) -> None:
    """FileTooLarge when the upload handler stopped reading the file part-way."""
    if upload_was_refused(request):
        raise FileTooLarge(max_mb=settings.PRINT_MAX_UPLOAD_MB)


@csrf_exempt  # the CSRF check runs in _print_form_checked, after the upload limit is in place
def print_form(request: HttpRequest, vendor_id: int) -> HttpResponse:
    if request.method == "POST":
        try:
            _limit_upload(request)
        except ApplicationError as exc:
            return _print_form_refused(request, vendor_id, exc)
    return _print_form_checked(request, vendor_id)


@page
@csrf_protect
@require_http_methods(["GET", "POST"])
def _print_form_checked(request: HttpRequest, vendor_id: int) -> HttpResponse:
    shop = _shop_or_404(vendor_id=vendor_id, vendor_type=User.VendorType.STATIONERY)
    services = _orderable_services(shop)
    if request.method == "GET":
        if request.user.is_authenticated and request.user.role != User.Role.STUDENT:
            return not_for_role_response(request)
        return render(request, "pages/print_form.html", _print_form_context(shop=shop, services=services, form=None))
    return _print_submit(request, shop=shop, services=services)


@student_required
def _print_submit(request: HttpRequest, *, shop: Shop, services) -> HttpResponse:
    form = PrintJobForm(request.POST, request.FILES, service_ids=[s.pk for s in services])
    estimate, error, status = None, "", 400
    try:
        _check_upload_completed(request)
    except ApplicationError as exc:
        return _print_form_refused(request, shop.vendor_id, exc)
    if form.is_valid():
        try:
            enforce_print_limit(request, student_id=request.user.pk)
            if request.POST.get("action") == "estimate":
                estimate, status = _estimate(request, form), 200
            else:
                job = stationery_services.print_job_submit(
                    student=request.user,
                    service_id=form.cleaned_data["service"],
                    upload=form.cleaned_data["file"],
                    copies=form.cleaned_data["copies"],
                    double_sided=form.cleaned_data["double_sided"],
                    note=form.cleaned_data["note"],
                )
                messages.success(
                    request, f"Print #{job.pk} sent to {shop.name}. We will text you when it is ready to pay."
                )
                return redirect("pages:print-jobs")
        except ApplicationError as exc:
            error, status = plain_error(exc), exc.status_code
    elif form.errors and not error:
        error = "Please check the form."
    context = _print_form_context(shop=shop, services=services, form=form, estimate=estimate, error=error)
    return render(request, "pages/print_form.html", context, status=status)


def _print_form_refused(request: HttpRequest, vendor_id: int, exc: ApplicationError) -> HttpResponse:
    shop = _shop_or_404(vendor_id=vendor_id, vendor_type=User.VendorType.STATIONERY)
    context = _print_form_context(shop=shop, services=_orderable_services(shop), form=None, error=plain_error(exc))
    return render(request, "pages/print_form.html", context, status=exc.status_code)


def _json_error(request: HttpRequest, exc: ApplicationError) -> JsonResponse:
    return JsonResponse(envelope(exc.code, plain_error(exc), exc.details, request), status=exc.status_code)


@csrf_exempt  # checked in _print_estimate_checked, after the upload limit is in place
@require_POST
def print_estimate(request: HttpRequest, vendor_id: int) -> HttpResponse:
    """The price of a PDF before it is sent: JSON for the print page's script. Nothing is stored."""
    try:
        _limit_upload(request)
    except ApplicationError as exc:
        return _json_error(request, exc)
    return _print_estimate_checked(request, vendor_id)


@csrf_protect
def _print_estimate_checked(request: HttpRequest, vendor_id: int) -> HttpResponse:
    if is_blocked_visitor(request) or not request.user.is_authenticated:
        return _json_error(
            request, Forbidden("Sign in to send a print job.", code="not_authenticated", status_code=401)
        )
    if request.user.role != User.Role.STUDENT:
        return _json_error(request, Forbidden("Only students can send print jobs."))
    shop = _shop_or_404(vendor_id=vendor_id, vendor_type=User.VendorType.STATIONERY)
    services = _orderable_services(shop)
    form = PrintJobForm(request.POST, request.FILES, service_ids=[s.pk for s in services])
    try:
        _check_upload_completed(request)
        if not form.is_valid():
            raise ValidationFailed(details={name: list(errors) for name, errors in form.errors.items()})
        enforce_print_limit(request, student_id=request.user.pk)
        estimate = _estimate(request, form)
    except ApplicationError as exc:
        return _json_error(request, exc)
    return JsonResponse(
        {
            "pages": estimate.pages,
            "copies": estimate.copies,
            "double_sided": estimate.double_sided,
            "estimated_paise": estimate.estimated_paise,
        }
    )


@dataclass(frozen=True)
class _JobRow:
    job: PrintJob
    shop_name: str
    can_cancel: bool
    pay_url: str
    pay_status_id: str
    pay_description: str
    refunds: list[_RefundRow]

    @property
    def refunds_heading_id(self) -> str:
        return f"refunds-{self.job.pk}"


def _print_job_cancellable(job: PrintJob) -> bool:
    # A printed (ready) job can be withdrawn only when its amount is well above the estimate.
    if job.status == PrintJob.Status.READY:
        return job.is_above_estimate_tolerance
    return PrintJob.Status.CANCELLED in PrintJob.TRANSITIONS[job.status]


@student_required
def print_jobs(request: HttpRequest) -> HttpResponse:
    page_obj = _page_of(request, stationery_selectors.print_job_list_for(user=request.user))
    names = _shop_names(job.vendor_id for job in page_obj)
    rows = [
        _JobRow(
            job=job,
            shop_name=names.get(job.vendor_id, "Print shop"),
            can_cancel=_print_job_cancellable(job),
            pay_url=f"/api/v1/print-jobs/{job.pk}/pay",
            pay_status_id=f"pay-status-{job.pk}",
            pay_description=f"Print #{job.pk} at {names.get(job.vendor_id, 'the print shop')}",
            refunds=_refund_rows(job),
        )
        for job in page_obj
    ]
    context = {
        "nav": "print-jobs",
        "rows": rows,
        "page_obj": page_obj,
        "gateway": gateway_context(),
        "any_live": any(row.job.status not in PrintJob.ENDED_STATUSES for row in rows),
        "poll_seconds": PRINT_JOB_POLL_SECONDS,
        "ended_statuses": PrintJob.ENDED_STATUSES,
    }
    return render(request, "pages/print_jobs.html", context)


@student_required
@require_POST
def print_job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        stationery_selectors.print_job_get_for(user=request.user, job_id=job_id)
    except NotFound:
        raise Http404("No such print job.") from None
    try:
        stationery_services.print_job_cancel(student=request.user, job_id=job_id)
    except ApplicationError as exc:
        messages.error(request, plain_error(exc))
    else:
        messages.success(request, f"Print #{job_id} is cancelled.")
    return redirect("pages:print-jobs")


# --- the checkout's redirect fallback ------------------------------------------------------


@csrf_exempt  # posted by the checkout page, which cannot know our CSRF token; the signature authenticates it
@require_POST
def pay_return(request: HttpRequest) -> HttpResponse:
    """The checkout page posts its signed result here when it could not hand it to the page script.

    Same service as POST /api/v1/payments/verify: only the payer's payment is found
    and the signature is checked against our own Razorpay order id.
    """
    next_url = _safe_next(request, request.GET.get("next")) or reverse("pages:orders")
    if is_blocked_visitor(request):
        return blocked_response(request)
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    fields = {name: request.POST.get(name, "") for name in _CHECKOUT_FIELDS}
    if not all(fields.values()):
        reason = request.POST.get("error[description]") or "The payment was not completed."
        messages.error(request, f"{reason} Nothing was charged; you can try again.")
        return redirect(next_url)
    try:
        payments_rate_limit(request, group="verify")
        payment_services.payment_verify(user=request.user, **fields)
    except ApplicationError as exc:
        messages.error(request, plain_error(exc))
    else:
        messages.success(request, "Payment received. Thank you!")
    return redirect(next_url)
