"""HTTP API of Web Push: the server's public key, subscriptions, the SMS preference."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .errors import PushUnavailable
from .serializers import (
    PushPreferencesSerializer,
    PushPublicKeySerializer,
    PushSubscriptionCreateSerializer,
    PushSubscriptionIdSerializer,
)
from .vapid import vapid_config


class PushPublicKeyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="push_public_key",
        summary="The VAPID public key to subscribe with",
        responses={200: PushPublicKeySerializer},
    )
    def get(self, request: Request) -> Response:
        config = vapid_config()
        if not config.enabled:
            raise PushUnavailable()
        return Response({"public_key": config.public_key})


class PushSubscriptionCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="push_subscription_create",
        summary="Store this browser's push subscription (the same endpoint again: the same id)",
        request=PushSubscriptionCreateSerializer,
        responses={201: PushSubscriptionIdSerializer},
    )
    def post(self, request: Request) -> Response:
        data = PushSubscriptionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.push_subscription_save(
            user_id=request.user.pk,
            endpoint=data.validated_data["endpoint"],
            p256dh=data.validated_data["keys"]["p256dh"],
            auth=data.validated_data["keys"]["auth"],
        )
        return Response({"id": subscription.pk}, status=status.HTTP_201_CREATED)


class PushSubscriptionDeleteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="push_subscription_delete", summary="Forget a push subscription", responses={204: None})
    def delete(self, request: Request, subscription_id: int) -> Response:
        services.push_subscription_delete(user_id=request.user.pk, subscription_id=subscription_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PushPreferencesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="push_preferences_retrieve", responses={200: PushPreferencesSerializer})
    def get(self, request: Request) -> Response:
        return Response(selectors.push_preferences_get(user_id=request.user.pk))

    @extend_schema(
        operation_id="push_preferences_update",
        summary="Turn SMS off (only once push works: else 409 push_not_working) or on",
        request=PushPreferencesSerializer,
        responses={200: PushPreferencesSerializer},
    )
    def put(self, request: Request) -> Response:
        data = PushPreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.push_preference_set(user_id=request.user.pk, sms=data.validated_data["sms"]))
