"""HTTP API of pickup slots and orders: validate → call one service or selector → serialise."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsFoodVendor, IsStudent, IsStudentOrApprovedVendor
from core.idempotency import run_idempotent
from core.pagination import PageNumberPagination
from core.schema import IDEMPOTENCY_KEY_PARAMETER

from . import listing, selectors, services
from .limits import enforce_order_place_limit
from .models import Order, Slot
from .serializers import (
    OrderCancelSerializer,
    OrderCompleteByCodeSerializer,
    OrderCompleteSerializer,
    OrderCreateSerializer,
    OrderDelaySerializer,
    OrderListQuerySerializer,
    OrderRejectSerializer,
    OrderSerializer,
    PrepSheetSerializer,
    SlotCreateSerializer,
    SlotListQuerySerializer,
    SlotSerializer,
    SlotUpdateSerializer,
)

# --- slots ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Pickup slots",
        parameters=[SlotListQuerySerializer],
        responses=SlotSerializer(many=True),
    ),
    retrieve=extend_schema(summary="One pickup slot", responses=SlotSerializer),
)
class SlotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read: anyone. Write: the owning approved food vendor; another vendor's slot is not found."""

    serializer_class = SlotSerializer
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    WRITE_ACTIONS = ("create", "partial_update", "destroy", "prep_sheet")

    def get_permissions(self):
        if self.action in self.WRITE_ACTIONS:
            return [IsFoodVendor()]
        return [permissions.AllowAny()]

    def get_queryset(self) -> QuerySet[Slot]:
        if self.action in self.WRITE_ACTIONS:
            return selectors.slot_list_for_vendor(vendor=self.request.user)
        if self.action == "list":
            query = SlotListQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            return selectors.slot_list(
                user=self.request.user,
                vendor_id=query.validated_data.get("vendor"),
                upcoming=query.validated_data["upcoming"],
            )
        return selectors.slot_list(user=self.request.user, upcoming=False)

    @extend_schema(summary="Create a pickup slot", request=SlotCreateSerializer, responses={201: SlotSerializer})
    def create(self, request: Request) -> Response:
        data = SlotCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = services.slot_create(vendor=request.user, **data.validated_data)
        return Response(SlotSerializer(slot).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a pickup slot", request=SlotUpdateSerializer, responses=SlotSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        slot = self.get_object()
        data = SlotUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = services.slot_update(slot_id=slot.pk, vendor=request.user, data=data.validated_data)
        return Response(SlotSerializer(slot).data)

    @extend_schema(summary="Delete a pickup slot (409 slot_has_orders while orders are live)", responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        services.slot_delete(slot_id=self.get_object().pk, vendor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="What to prepare for one of your slots", responses=PrepSheetSerializer)
    @action(detail=True, methods=["get"], url_path="prep-sheet")
    def prep_sheet(self, request: Request, pk: str) -> Response:
        slot = self.get_object()
        items = selectors.slot_prep_sheet(vendor=request.user, slot_id=slot.pk)
        return Response(PrepSheetSerializer({"slot": slot, "items": items}).data)


class UpcomingSlotsPagination(PageNumberPagination):
    # A vendor rarely has more than a few dozen upcoming slots; one page holds them all.
    page_size = 100


@extend_schema(
    summary="A vendor's upcoming open slots, with places remaining",
    responses=SlotSerializer(many=True),
    tags=["slots"],
)
class VendorSlotsView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = SlotSerializer
    pagination_class = UpcomingSlotsPagination

    def get_queryset(self) -> QuerySet[Slot]:
        return selectors.slot_list_open_for_vendor(vendor_id=self.kwargs["vendor_id"])


# --- orders -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Orders: a student's own, or a vendor's shop's",
        parameters=[OrderListQuerySerializer],
        responses=OrderSerializer(many=True),
    ),
    retrieve=extend_schema(summary="One order (the student or the vendor of it)", responses=OrderSerializer),
)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OrderSerializer
    lookup_value_regex = r"[0-9]+"
    STUDENT_ACTIONS = ("create", "cancel")
    VENDOR_ACTIONS = ("accept", "reject", "ready", "complete", "complete_by_code", "delay")

    def get_permissions(self):
        if self.action in self.STUDENT_ACTIONS:
            return [IsStudent()]
        if self.action in self.VENDOR_ACTIONS:
            return [IsFoodVendor()]
        if self.action == "retrieve":
            # Scoping decides: anyone but the order's student and vendor gets 404.
            return [permissions.IsAuthenticated()]
        return [IsStudentOrApprovedVendor()]

    def get_queryset(self) -> QuerySet[Order]:
        if self.action == "list":
            query = OrderListQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            return selectors.order_list_for(
                user=self.request.user,
                status=query.validated_data.get("status"),
                slot_id=query.validated_data.get("slot"),
                slot_date=query.validated_data.get("date"),
            )
        return selectors.order_list_for(user=self.request.user)

    def list(self, request: Request) -> Response:
        # The lean path (ordering/listing.py): the same objects as OrderSerializer, without a
        # model instance and a nested serializer per order, line and refund.
        page = self.paginate_queryset(listing.order_rows(self.get_queryset()))
        return self.get_paginated_response(listing.order_rows_render(rows=page, viewer=request.user))

    def _answer(self, order: Order, code: int = status.HTTP_200_OK) -> Response:
        # Read back through the scoped selector so the answer has the same shape as GET.
        fresh = selectors.order_get_for(user=self.request.user, order_id=order.pk)
        return Response(OrderSerializer(fresh, context={"request": self.request}).data, status=code)

    @extend_schema(
        summary="Place an order (prices from the menu; one slot place reserved)",
        request=OrderCreateSerializer,
        responses={201: OrderSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def create(self, request: Request) -> Response:
        enforce_order_place_limit(request, student_id=request.user.pk)
        return run_idempotent(request, lambda: self._place(request), atomic=True)

    def _place(self, request: Request) -> Response:
        data = OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_place(
            student=request.user,
            vendor_id=data.validated_data["vendor"],
            slot_id=data.validated_data["slot"],
            lines=data.lines(),
            note=data.validated_data["note"],
        )
        # order_place hands back the order with its slot, vendor and lines loaded: the answer
        # (GET's shape, ordering/listing.py) reads nothing back.
        return Response(listing.order_placed_render(order, viewer=request.user), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel your order before it is accepted", request=OrderCancelSerializer, responses=OrderSerializer
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        order = self.get_object()
        data = OrderCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            services.order_cancel(order_id=order.pk, student=request.user, reason=data.validated_data["reason"])
        )

    @extend_schema(summary="Accept a paid order", request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._answer(services.order_accept(order_id=self.get_object().pk, vendor=request.user))

    @extend_schema(summary="Reject a paid or accepted order", request=OrderRejectSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        order = self.get_object()
        data = OrderRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            services.order_reject(order_id=order.pk, vendor=request.user, reason=data.validated_data["reason"])
        )

    @extend_schema(summary="Mark an accepted order ready for pickup", request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def ready(self, request: Request, pk: str) -> Response:
        return self._answer(services.order_mark_ready(order_id=self.get_object().pk, vendor=request.user))

    @extend_schema(
        summary="Hand a ready order over against its pickup code",
        request=OrderCompleteSerializer,
        responses=OrderSerializer,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        order = self.get_object()
        data = OrderCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            services.order_complete(
                order_id=order.pk, vendor=request.user, pickup_code=data.validated_data["pickup_code"]
            )
        )

    @extend_schema(
        summary="Hand over your ready or unclaimed order by its pickup code alone (the counter)",
        request=OrderCompleteByCodeSerializer,
        responses=OrderSerializer,
    )
    @action(detail=False, methods=["post"], url_path="complete-by-code")
    def complete_by_code(self, request: Request) -> Response:
        data = OrderCompleteByCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            services.order_complete_by_code(vendor=request.user, pickup_code=data.validated_data["pickup_code"])
        )

    @extend_schema(
        summary="Your accepted order will be late by N minutes (the student is told)",
        request=OrderDelaySerializer,
        responses=OrderSerializer,
    )
    @action(detail=True, methods=["post"])
    def delay(self, request: Request, pk: str) -> Response:
        order = self.get_object()
        data = OrderDelaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            services.order_delay(order_id=order.pk, vendor=request.user, minutes=data.validated_data["minutes"])
        )
