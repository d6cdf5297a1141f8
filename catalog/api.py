"""Catalogue API: public shops and menus, and each vendor's own shop, menu and print services.

Reads are public (anonymous included) and show only approved, active vendors.
Writes need the owning approved vendor of the right type: the permission class
refuses the wrong caller (401 / 403 `vendor_not_approved` / `wrong_vendor_type`),
the write queryset holds only the caller's objects (another vendor's is 404),
and the object-level permission checks ownership once more.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsApprovedVendor, IsFoodVendor, IsStationeryVendor, IsVendorOwnerOrReadOnly

from . import cache, selectors, services
from .permissions import IsVendor
from .serializers import (
    MenuFilterSerializer,
    MenuItemFilterSerializer,
    MenuItemInputSerializer,
    MenuItemSerializer,
    PrintServiceFilterSerializer,
    PrintServiceInputSerializer,
    PrintServiceSerializer,
    ShopUpdateInputSerializer,
    VendorListFilterSerializer,
    VendorSerializer,
    VendorShopSerializer,
)

# --- public shops ---------------------------------------------------------------


def _json_answer(body: bytes) -> HttpResponse:
    """A stored answer, sent as DRF's JSONRenderer made it (same bytes, same content type)."""
    return HttpResponse(body, content_type=JSONRenderer.media_type)


class VendorListView(GenericAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = VendorSerializer

    @extend_schema(
        operation_id="vendors_list",
        parameters=[VendorListFilterSerializer],
        responses=VendorSerializer(many=True),
        summary="Approved, active vendors (paginated)",
    )
    def get(self, request):
        params = VendorListFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        shops = selectors.shop_list_public(
            vendor_type=params.validated_data.get("type") or None, diet=params.validated_data.get("diet") or None
        )
        page = self.paginate_queryset(shops)
        return self.get_paginated_response(VendorSerializer(page, many=True).data)


class VendorDetailView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(operation_id="vendors_retrieve", responses=VendorSerializer, summary="One visible vendor")
    def get(self, request, vendor_id: int):
        def build() -> bytes:
            return JSONRenderer().render(VendorSerializer(selectors.shop_get_public(vendor_id=vendor_id)).data)

        return _json_answer(cache.vendor_public_answer(vendor_id=vendor_id, part=cache.DETAIL, build=build))


def _menu_part(diet: str | None) -> str:
    return f"{cache.MENU}:{diet}" if diet else cache.MENU


def _anonymous_cached_menu(request, vendor_id: int) -> HttpResponse | None:
    """The stored menu for a plain anonymous GET (no credentials, no parameter but a valid `diet`), else None.

    The campus's hottest request, answered before DRF wraps it: DRF's authentication, permission
    and negotiation would answer it the same way (no credentials, AllowAny, one renderer), and
    anything they could answer differently (a token or session to check, a parameter to refuse,
    a miss to build) takes the full path.
    """
    if (
        request.method != "GET"
        or "HTTP_AUTHORIZATION" in request.META
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    ):
        return None
    params = request.GET
    if not params:
        diet = None
    elif len(params) == 1 and params.get("diet") in ("veg", "") and len(params.getlist("diet")) == 1:
        diet = params["diet"] or None
    else:
        return None
    body = cache.vendor_public_stored(vendor_id=vendor_id, part=_menu_part(diet))
    return None if body is None else _json_answer(body)


class VendorMenuView(APIView):
    permission_classes = [permissions.AllowAny]

    def dispatch(self, request, *args, **kwargs):
        answer = _anonymous_cached_menu(request, kwargs["vendor_id"])
        if answer is not None:
            answer["Allow"] = ", ".join(self.allowed_methods)
            return answer
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        operation_id="vendors_menu",
        parameters=[MenuFilterSerializer],
        responses=MenuItemSerializer(many=True),
        summary="A visible vendor's available menu items (not paginated); ?diet=veg: only veg ones",
    )
    def get(self, request, vendor_id: int):
        params = MenuFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        diet = params.validated_data.get("diet") or None

        # Answered from the cache: see catalog/cache.py for how it stays fresh.
        def build() -> bytes:
            items = selectors.vendor_menu_public(vendor_id=vendor_id, diet=diet)
            return JSONRenderer().render(MenuItemSerializer(items, many=True).data)

        return _json_answer(cache.vendor_public_answer(vendor_id=vendor_id, part=_menu_part(diet), build=build))


# --- the vendor's own shop --------------------------------------------------------


class VendorShopView(APIView):
    """GET: any vendor sees its own shop, approved or not. PATCH: approved vendors only."""

    def get_permissions(self):
        if self.request.method in permissions.SAFE_METHODS:
            return [IsVendor()]
        return [IsApprovedVendor()]

    @extend_schema(operation_id="vendor_shop_retrieve", responses=VendorShopSerializer, summary="My shop")
    def get(self, request):
        shop = selectors.shop_get_for_vendor(vendor=request.user)
        return Response(VendorShopSerializer(shop).data)

    @extend_schema(
        operation_id="vendor_shop_partial_update",
        request=ShopUpdateInputSerializer,
        responses=VendorShopSerializer,
        summary="Change my shop (name, description, open/closed, opening note, category order)",
    )
    def patch(self, request):
        data = ShopUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        shop = services.shop_update(vendor=request.user, **data.validated_data)
        return Response(VendorShopSerializer(shop).data)


# --- menu items and print services --------------------------------------------------


class _VendorCatalogViewSet(viewsets.GenericViewSet):
    """Public reads; writes by the owning approved vendor of `write_permission`'s type."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"[0-9]+"
    write_permission: type[IsApprovedVendor]
    filter_serializer_class: type
    input_serializer_class: type

    def get_permissions(self):
        if self.request.method in permissions.SAFE_METHODS:
            return [permissions.AllowAny()]
        return [self.write_permission(), IsVendorOwnerOrReadOnly()]

    def get_queryset(self):
        if self.request.method in permissions.SAFE_METHODS:
            return self.public_queryset()
        return self.vendor_queryset(vendor=self.request.user)

    def public_queryset(self, **filters):
        raise NotImplementedError

    def vendor_queryset(self, *, vendor):
        raise NotImplementedError

    def list(self, request):
        params = self.filter_serializer_class(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = {key: value for key, value in params.validated_data.items() if value not in (None, "")}
        page = self.paginate_queryset(self.public_queryset(**filters))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def _input(self, request, *, partial: bool) -> dict:
        data = self.input_serializer_class(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return data.validated_data


@extend_schema_view(
    list=extend_schema(parameters=[MenuItemFilterSerializer], summary="Menu items of visible vendors"),
    retrieve=extend_schema(summary="One menu item"),
    create=extend_schema(request=MenuItemInputSerializer, responses={201: MenuItemSerializer}),
    partial_update=extend_schema(request=MenuItemInputSerializer, responses=MenuItemSerializer),
    destroy=extend_schema(responses={204: None}, summary="Hide a menu item (orders keep their snapshots)"),
)
class MenuItemViewSet(_VendorCatalogViewSet):
    serializer_class = MenuItemSerializer
    input_serializer_class = MenuItemInputSerializer
    filter_serializer_class = MenuItemFilterSerializer
    write_permission = IsFoodVendor

    def public_queryset(self, *, vendor=None, category=None, available=None):
        return selectors.menu_item_list_public(vendor_id=vendor, category=category, available=available)

    def vendor_queryset(self, *, vendor):
        return selectors.menu_item_list_for_vendor(vendor=vendor)

    def create(self, request):
        item = services.menu_item_create(vendor=request.user, **self._input(request, partial=False))
        return Response(MenuItemSerializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        item = self.get_object()
        item = services.menu_item_update(vendor=request.user, item_id=item.pk, **self._input(request, partial=True))
        return Response(MenuItemSerializer(item).data)

    def destroy(self, request, pk=None):
        services.menu_item_delete(vendor=request.user, item_id=self.get_object().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(parameters=[PrintServiceFilterSerializer], summary="Print services of visible vendors"),
    retrieve=extend_schema(summary="One print service"),
    create=extend_schema(request=PrintServiceInputSerializer, responses={201: PrintServiceSerializer}),
    partial_update=extend_schema(request=PrintServiceInputSerializer, responses=PrintServiceSerializer),
    destroy=extend_schema(responses={204: None}, summary="Hide a print service (print jobs keep theirs)"),
)
class PrintServiceViewSet(_VendorCatalogViewSet):
    serializer_class = PrintServiceSerializer
    input_serializer_class = PrintServiceInputSerializer
    filter_serializer_class = PrintServiceFilterSerializer
    write_permission = IsStationeryVendor

    def public_queryset(self, *, vendor=None, available=None, unit=None, is_colour=None):
        return selectors.print_service_list_public(
            vendor_id=vendor, available=available, unit=unit, is_colour=is_colour
        )

    def vendor_queryset(self, *, vendor):
        return selectors.print_service_list_for_vendor(vendor=vendor)

    def create(self, request):
        service = services.print_service_create(vendor=request.user, **self._input(request, partial=False))
        return Response(PrintServiceSerializer(service).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        service = self.get_object()
        service = services.print_service_update(
            vendor=request.user, service_id=service.pk, **self._input(request, partial=True)
        )
        return Response(PrintServiceSerializer(service).data)

    def destroy(self, request, pk=None):
        services.print_service_delete(vendor=request.user, service_id=self.get_object().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
