"""Menu API of the second stage: an item's photo, its stock controls, its option groups.

Writes only, by the owning approved food vendor (IsFoodVendor); the services look the item
or group up in the caller's own live menu, so another vendor's is 404 and unchanged.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsFoodVendor
from core.schema import ErrorEnvelopeSerializer

from . import images, options, selectors, stock
from .errors import ImageTooLarge, InvalidImage
from .serializers import (
    MenuItemImageInputSerializer,
    MenuItemSerializer,
    MenuItemStockInputSerializer,
    OptionGroupInputSerializer,
    OptionGroupSerializer,
)

# Form fields and boundaries of a multipart body around the photo itself.
_MULTIPART_OVERHEAD = 64 * 1024


def _item_answer(request, item_id: int) -> Response:
    item = selectors.menu_item_list_for_vendor(vendor=request.user).get(pk=item_id)
    return Response(MenuItemSerializer(item).data)


class MenuItemImageView(APIView):
    permission_classes = [IsFoodVendor]

    @extend_schema(
        operation_id="menu_items_image_create",
        request={"multipart/form-data": MenuItemImageInputSerializer},
        responses={
            200: MenuItemSerializer,
            400: OpenApiResponse(ErrorEnvelopeSerializer, description="invalid_image"),
            413: OpenApiResponse(ErrorEnvelopeSerializer, description="file_too_large"),
        },
        summary="Give my menu item a photo (re-encoded to WebP, EXIF dropped)",
    )
    def post(self, request, item_id: int):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > images.max_bytes() + _MULTIPART_OVERHEAD:  # refused unread
            raise ImageTooLarge(details={"max_mb": int(settings.MENU_IMAGE_MAX_MB)})
        uploaded = request.FILES.get("image")
        if uploaded is None:
            raise InvalidImage(details={"image": [_("Attach the photo as `image`.")]})
        images.menu_item_photo_set(vendor=request.user, item_id=item_id, uploaded=uploaded)
        return _item_answer(request, item_id)

    @extend_schema(operation_id="menu_items_image_destroy", request=None, responses={200: MenuItemSerializer})
    def delete(self, request, item_id: int):
        images.menu_item_photo_remove(vendor=request.user, item_id=item_id)
        return _item_answer(request, item_id)


class MenuItemStockView(APIView):
    permission_classes = [IsFoodVendor]

    @extend_schema(
        operation_id="menu_items_stock_create",
        request=MenuItemStockInputSerializer,
        responses=MenuItemSerializer,
        summary='During service: mark my item sold out, or add to its stock ("+10")',
    )
    def post(self, request, item_id: int):
        data = MenuItemStockInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stock.menu_item_stock_adjust(
            vendor=request.user,
            item_id=item_id,
            add=data.validated_data.get("add"),
            sold_out=data.validated_data["sold_out"],
        )
        return _item_answer(request, item_id)


class OptionGroupCreateView(APIView):
    permission_classes = [IsFoodVendor]

    @extend_schema(
        operation_id="menu_items_option_groups_create",
        request=OptionGroupInputSerializer,
        responses={201: OptionGroupSerializer},
        summary="Add a group of options to my menu item",
    )
    def post(self, request, item_id: int):
        data = OptionGroupInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("sort_order", None)
        group = options.option_group_create(vendor=request.user, item_id=item_id, **values)
        return Response(OptionGroupSerializer(group).data, status=status.HTTP_201_CREATED)


class OptionGroupDetailView(APIView):
    permission_classes = [IsFoodVendor]

    @extend_schema(
        operation_id="option_groups_partial_update",
        request=OptionGroupInputSerializer,
        responses=OptionGroupSerializer,
        summary="Change my option group (its options are replaced when given)",
    )
    def patch(self, request, group_id: int):
        data = OptionGroupInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        group = options.option_group_update(vendor=request.user, group_id=group_id, **data.validated_data)
        group.refresh_from_db()
        return Response(OptionGroupSerializer(group).data)

    @extend_schema(operation_id="option_groups_destroy", request=None, responses={204: None})
    def delete(self, request, group_id: int):
        options.option_group_delete(vendor=request.user, group_id=group_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
