"""HTTP API of the food vendor's weekly slot schedules and closure days (API.md, "Kitchen").

The food vendor's own rows only: another vendor's schedule or closure is not found (404).
Every write regenerates the vendor's slots at once (ordering/services/generation.py).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsFoodVendor

from . import selectors, services
from .kitchen_serializers import (
    ClosureInputSerializer,
    ClosureSerializer,
    SlotScheduleInputSerializer,
    SlotScheduleSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="My weekly slot schedules", responses=SlotScheduleSerializer(many=True)),
    retrieve=extend_schema(summary="One of my weekly slot schedules", responses=SlotScheduleSerializer),
)
class SlotScheduleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsFoodVendor]
    serializer_class = SlotScheduleSerializer
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.slot_schedule_list_for_vendor(vendor=self.request.user)

    @extend_schema(
        summary="Add a weekly slot schedule (its slots are made at once)",
        request=SlotScheduleInputSerializer,
        responses={201: SlotScheduleSerializer},
    )
    def create(self, request: Request) -> Response:
        data = SlotScheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        schedule = services.slot_schedule_create(vendor=request.user, data=data.validated_data)
        return Response(SlotScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a weekly slot schedule (its empty future slots follow)",
        request=SlotScheduleInputSerializer,
        responses=SlotScheduleSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        schedule = self.get_object()
        data = SlotScheduleInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        schedule = services.slot_schedule_update(schedule_id=schedule.pk, vendor=request.user, data=data.validated_data)
        return Response(SlotScheduleSerializer(schedule).data)

    @extend_schema(summary="Delete a weekly slot schedule (slots with orders stay)", responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        services.slot_schedule_delete(schedule_id=self.get_object().pk, vendor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="My closure days (from today on)", responses=ClosureSerializer(many=True)),
)
class ClosureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsFoodVendor]
    serializer_class = ClosureSerializer
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.closure_list_for_vendor(vendor=self.request.user, upcoming=self.action == "list")

    @extend_schema(
        summary="Close the shop for a day (that day's empty slots go)",
        request=ClosureInputSerializer,
        responses={201: ClosureSerializer},
    )
    def create(self, request: Request) -> Response:
        data = ClosureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        closure = services.closure_create(
            vendor=request.user, day=data.validated_data["date"], reason=data.validated_data["reason"]
        )
        return Response(ClosureSerializer(closure).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Open a closed day again (its slots are made)", responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        services.closure_delete(closure_id=self.get_object().pk, vendor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
