"""HTTP API of payments: validate → call one service or selector → serialise."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import REFUND_PAYMENT, VIEW_PAYMENT, StaffPermission, StaffReadsNeedPermission
from core import limits
from core.errors import NotFound, ValidationFailed
from core.idempotency import run_idempotent
from core.negotiation import FirstRendererOnly
from core.schema import IDEMPOTENCY_KEY_PARAMETER
from ledger.api import IsStaffOrApprovedVendor

from . import gateway, selectors, services, statement
from .conf import razorpay_config
from .errors import SignatureInvalid
from .models import Payment
from .serializers import (
    CheckoutSerializer,
    PaymentSerializer,
    PaymentVerifySerializer,
    RefundCreateSerializer,
    RefundSerializer,
    StatementQuerySerializer,
    StatementSerializer,
    WebhookAckSerializer,
)

logger = logging.getLogger(__name__)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(description=description)


def rate_limit(request: Request, *, group: str) -> None:
    """RATE_LIMIT_PAYMENTS per signed-in user and action: 429 `rate_limited` with Retry-After."""
    limits.enforce(request, group=f"payments.{group}", key="user_or_ip", rate=settings.RATE_LIMIT_PAYMENTS)


def checkout_of(payment: Payment) -> dict:
    config = razorpay_config()
    return {
        "payment_id": payment.pk,
        "razorpay_order_id": payment.razorpay_order_id,
        "razorpay_key_id": config.key_id,
        "amount_paise": payment.amount_paise,
        "currency": payment.currency,
        "sandbox": config.sandbox,
        "checkout_url": reverse("razorpay-sandbox-checkout", args=[payment.razorpay_order_id])
        if config.sandbox
        else None,
    }


class PayView(APIView):
    """`POST /orders/{id}/pay` and `POST /print-jobs/{id}/pay`: open (or reopen) the payment.

    The payable is found only among the caller's own (anyone else's: 404). The amount
    is the payable's stored amount, never one from the client.
    """

    payable: str = ""
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Pay: open Razorpay checkout for this",
        request=None,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            200: CheckoutSerializer,
            404: _error("Not found (or not yours)."),
            409: _error("already_paid, invalid_transition or idempotency_conflict."),
            429: _error("rate_limited"),
            502: _error("gateway_error: Razorpay is unreachable; nothing changed."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        rate_limit(request, group="pay")

        def handler() -> Response:
            payment = services.payment_open(payable=self.payable, object_id=pk, user=request.user)
            return Response(CheckoutSerializer(checkout_of(payment)).data, status=status.HTTP_200_OK)

        return run_idempotent(request, handler)


class PaymentVerifyView(APIView):
    """`POST /payments/verify`: the checkout callback, by the payer only."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Verify Razorpay checkout's signed result",
        request=PaymentVerifySerializer,
        responses={
            200: PaymentSerializer,
            400: _error("validation_error or signature_invalid (nothing changed)."),
            404: _error("No such payment of yours."),
            429: _error("rate_limited"),
            502: _error("gateway_error"),
        },
    )
    def post(self, request: Request) -> Response:
        rate_limit(request, group="verify")
        data = PaymentVerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_verify(user=request.user, **data.validated_data)
        return Response(PaymentSerializer(payment).data)


class RefundRetryView(APIView):
    """`POST /refunds/{id}/retry`: staff with the refund permission send a failed refund again."""

    permission_classes = [StaffPermission.requires(REFUND_PAYMENT)]

    @extend_schema(
        summary="Staff: send a failed refund again (a new pending refund of its amount)",
        request=None,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            201: RefundSerializer,
            401: _error("not_authenticated"),
            403: _error("permission_denied (staff with the refund permission only)"),
            404: _error("not_found"),
            409: _error("invalid_transition (not failed, or already retried), refund_exceeds_captured"),
            429: _error("rate_limited"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        rate_limit(request, group="refund")

        def handler() -> Response:
            refund = services.refund_retry(refund_id=pk, actor=request.user)
            return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)

        return run_idempotent(request, handler)


class StatementView(APIView):
    """`GET /ledger/statement?from=&to=`: a vendor's own statement; staff (ledger view permission) name `vendor`."""

    permission_classes = [IsStaffOrApprovedVendor]
    content_negotiation_class = FirstRendererOnly  # ?format= is the statement's own (json or csv)

    @extend_schema(
        operation_id="ledger_statement",
        summary="A vendor's statement: opening, every posting with its order or job, closing",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("vendor", OpenApiTypes.INT, description="Staff: the vendor (required); vendors: ignored."),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses={
            (200, "application/json"): StatementSerializer,
            (200, "text/csv"): OpenApiTypes.STR,  # ?format=csv: the same postings as a spreadsheet
            400: _error("validation_error"),
            404: _error("not_found"),
        },
        tags=["ledger"],
    )
    def get(self, request: Request) -> HttpResponse:
        query = StatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        user = request.user
        if user.is_staff or user.role == User.Role.STAFF:
            if "vendor" not in params:
                raise ValidationFailed(details={"vendor": [_("Staff name the vendor.")]})
            if not User.objects.filter(pk=params["vendor"], role=User.Role.VENDOR).exists():
                raise NotFound(_("No such vendor."))
            vendor_id = params["vendor"]
        else:
            vendor_id = user.pk  # a vendor's own statement, whatever `vendor` says
        found = statement.vendor_statement(vendor_id=vendor_id, date_from=params["from"], date_to=params["to"])
        if params["format"] == "csv":
            response = HttpResponse(statement.statement_csv(found), content_type="text/csv; charset=utf-8")
            name = f"statement-{vendor_id}-{params['from']:%Y%m%d}-{params['to']:%Y%m%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return Response(StatementSerializer({**found, "from_": found["from"]}).data)


class RazorpayWebhookView(APIView):
    """`POST /payments/webhooks/razorpay`: Razorpay's events. No session, no CSRF, no token:
    the signature over the raw body is the authentication."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Razorpay webhook",
        request=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter("X-Razorpay-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Razorpay-Event-Id", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
        ],
        responses={200: WebhookAckSerializer, 400: _error("signature_invalid or validation_error")},
    )
    def post(self, request: Request) -> Response:
        body: bytes = request._request.body  # the raw bytes, before anything parses them
        if not gateway.webhook_signature_valid(body=body, signature=request.headers.get("X-Razorpay-Signature")):
            raise SignatureInvalid(_("The webhook signature is not valid."))
        event_id = (request.headers.get("X-Razorpay-Event-Id") or "").strip()
        if not event_id or len(event_id) > 64:
            raise ValidationFailed(details={"X-Razorpay-Event-Id": [_("This header is required (1–64 characters).")]})
        try:
            payload = json.loads(body)
        except ValueError:
            raise ValidationFailed(details={"body": [_("Not JSON.")]}) from None
        if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
            raise ValidationFailed(details={"event": [_("Missing.")]})
        created = services.webhook_receive(event_id=event_id, event_type=payload["event"], body=body.decode("utf-8"))[1]
        # Stored: answered at once; a worker applies it (WebhookEvent.status says when it has).
        return Response({"status": "accepted" if created else "duplicate"})


@extend_schema_view(
    list=extend_schema(summary="Payments (students: their own; staff: all)", responses=PaymentSerializer(many=True)),
    retrieve=extend_schema(summary="One payment (its payer or staff)", responses=PaymentSerializer),
)
class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PaymentSerializer
    lookup_value_regex = r"[0-9]+"
    permission_classes = [StaffReadsNeedPermission.requires(VIEW_PAYMENT)]

    def get_permissions(self):
        if self.action == "refund":
            return [StaffPermission.requires(REFUND_PAYMENT)()]
        return super().get_permissions()

    def get_queryset(self) -> QuerySet[Payment]:
        return selectors.payment_list_for(user=self.request.user)

    @extend_schema(
        summary="Staff: refund a payment, in full or in part",
        request=RefundCreateSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            201: RefundSerializer,
            401: _error("not_authenticated"),
            403: _error("permission_denied (staff only)"),
            404: _error("not_found"),
            409: _error("refund_exceeds_captured, invalid_transition or idempotency_conflict"),
            429: _error("rate_limited"),
            502: _error("gateway_error: Razorpay refused the refund"),
        },
    )
    @action(detail=True, methods=["post"])
    def refund(self, request: Request, pk: str) -> Response:
        rate_limit(request, group="refund")
        payment = self.get_object()

        def handler() -> Response:
            data = RefundCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            refund = services.payment_refund(
                payment_id=payment.pk,
                amount_paise=data.validated_data.get("amount_paise"),
                reason=data.validated_data["reason"],
                actor=request.user,
                idempotency_key=request.headers.get("Idempotency-Key"),
            )
            return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)

        return run_idempotent(request, handler)
