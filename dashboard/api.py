"""JSON the dashboard reads that the other apps' APIs do not offer (session or token auth)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsApprovedVendor

from . import selectors
from .serializers import PaymentStateListSerializer, PaymentStateQuerySerializer, ShopSetupSerializer


class PaymentStateView(APIView):
    """Was the money of these orders / print jobs captured, and refunded? Only the caller's own."""

    permission_classes = [IsApprovedVendor]

    @extend_schema(
        operation_id="dashboard_payment_states",
        summary="Payment and refund state of your own orders and print jobs",
        parameters=[
            OpenApiParameter("order", OpenApiTypes.INT, many=True, description="Order ids (repeat the parameter)."),
            OpenApiParameter("print_job", OpenApiTypes.INT, many=True, description="Print job ids (repeat)."),
        ],
        responses=PaymentStateListSerializer,
        tags=["dashboard"],
    )
    def get(self, request: Request) -> Response:
        query = PaymentStateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        states = selectors.payment_states_for_vendor(
            vendor=request.user,
            order_ids=query.validated_data["order"],
            print_job_ids=query.validated_data["print_job"],
        )
        return Response(PaymentStateListSerializer({"results": states}).data)


class ShopSetupView(APIView):
    """The first-screen checklist of a new shop: menu, slots, open, and whether it has taken an order."""

    permission_classes = [IsApprovedVendor]

    @extend_schema(
        operation_id="dashboard_setup",
        summary="How far your shop is from its first order",
        responses=ShopSetupSerializer,
        tags=["dashboard"],
    )
    def get(self, request: Request) -> Response:
        return Response(ShopSetupSerializer(selectors.shop_setup_for_vendor(vendor=request.user)).data)
