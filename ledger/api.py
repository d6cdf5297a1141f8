"""GET /api/v1/ledger/balance, /ledger/entries and /ledger/sales: thin views over the selectors."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import VIEW_LEDGER_ENTRY, IsApprovedVendor, StaffPermission

from . import selectors
from .serializers import (
    BalanceSerializer,
    DailySalesFilterSerializer,
    DailySalesSerializer,
    EntryFilterSerializer,
    EntrySerializer,
)


class IsStaffOrApprovedVendor(permissions.BasePermission):
    """Staff allowed to view ledger entries, or an approved vendor (whose reads are then scoped
    to its own account)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user and user.is_authenticated and user.is_campus_staff:
            return StaffPermission.requires(VIEW_LEDGER_ENTRY)().has_permission(request, view)
        return IsApprovedVendor().has_permission(request, view)


class BalanceView(APIView):
    permission_classes = [IsApprovedVendor]

    @extend_schema(operation_id="ledger_balance", responses=BalanceSerializer, tags=["ledger"])
    def get(self, request):
        summary = selectors.vendor_summary(vendor_id=request.user.pk)
        return Response(BalanceSerializer(summary).data)


class DailySalesView(APIView):
    permission_classes = [IsApprovedVendor]

    @extend_schema(
        operation_id="ledger_daily_sales",
        parameters=[DailySalesFilterSerializer],
        responses=DailySalesSerializer(many=True),
        tags=["ledger"],
    )
    def get(self, request):
        params = DailySalesFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        series = selectors.vendor_daily_sales(vendor_id=request.user.pk, days=params.validated_data["days"])
        return Response(DailySalesSerializer(series, many=True).data)


class EntryListView(ListAPIView):
    permission_classes = [IsStaffOrApprovedVendor]
    serializer_class = EntrySerializer

    def get_queryset(self):
        params = EntryFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.entries_for(user=self.request.user, account_code=params.validated_data.get("account"))

    @extend_schema(
        operation_id="ledger_entries",
        parameters=[
            OpenApiParameter(
                "account", str, description="Staff: entries of this account code. Vendors: only their own account."
            )
        ],
        tags=["ledger"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
