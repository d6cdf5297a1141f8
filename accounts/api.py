"""The accounts API: OTP sign-in, logout, /me, and the staff endpoints for vendors and blocking."""

from __future__ import annotations

from django.contrib.auth import login, logout
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import limits, selectors, services
from .permissions import (
    APPROVE_VENDOR,
    BLOCK_USER,
    REJECT_VENDOR,
    UNBLOCK_USER,
    VIEW_USER,
    StaffPermission,
)
from .serializers import (
    MeUpdateInputSerializer,
    OtpRequestInputSerializer,
    OtpRequestOutputSerializer,
    OtpVerifyInputSerializer,
    SignInOutputSerializer,
    StaffReasonInputSerializer,
    StaffVendorFilterSerializer,
    StaffVendorSerializer,
    UserSerializer,
)
from .session_marks import mark_session_auth_method

_SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class _SignInView(APIView):
    # No authentication: a stale or blocked token must not stop anyone signing in.
    # JSON only: an HTML form on another site cannot post here (no login CSRF).
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]


class OtpRequestView(_SignInView):
    @extend_schema(
        operation_id="auth_otp_request",
        request=OtpRequestInputSerializer,
        responses={202: OtpRequestOutputSerializer},
        summary="Text a 6-digit sign-in code to a phone",
    )
    def post(self, request):
        # A body that does not validate (a phone in other than ASCII digits …) counts against no limit.
        serializer = OtpRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        limits.enforce_otp_request_limits_by_ip(request)
        phone = serializer.validated_data["phone"]
        limits.enforce_otp_request_limits_by_phone(request, phone=phone)
        sent = services.otp_request(phone=phone)
        body = OtpRequestOutputSerializer({"expires_in": sent.expires_in, "resend_after": sent.resend_after}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


class OtpVerifyView(_SignInView):
    @extend_schema(
        operation_id="auth_otp_verify",
        request=OtpVerifyInputSerializer,
        responses={200: SignInOutputSerializer},
        summary="Exchange the code for a token (and a session for the pages)",
    )
    def post(self, request):
        serializer = OtpVerifyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        limits.enforce_otp_verify_limits(request)
        signed_in = services.otp_verify(**serializer.validated_data)
        # The pages use the Django session; API clients just ignore the cookie.
        # It is marked as made by a code, so it never opens the admin (which signs in itself).
        login(request._request, signed_in.user, backend=_SESSION_BACKEND)
        mark_session_auth_method(request._request, method="otp")
        return Response(SignInOutputSerializer({"token": signed_in.token, "user": signed_in.user}).data)


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="auth_logout", request=None, responses={204: None}, summary="Revoke the token")
    def post(self, request):
        services.user_sign_out(user=request.user)
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_retrieve", responses={200: UserSerializer})
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(operation_id="me_update", request=MeUpdateInputSerializer, responses={200: UserSerializer})
    def patch(self, request):
        serializer = MeUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, name=serializer.validated_data["name"])
        return Response(UserSerializer(user).data)


# --- Staff -------------------------------------------------------------------


class StaffVendorListView(generics.ListAPIView):
    permission_classes = [StaffPermission.requires(VIEW_USER)]
    serializer_class = StaffVendorSerializer

    def get_queryset(self):
        filters = StaffVendorFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        return selectors.vendor_list(is_approved=filters.validated_data["is_approved"])

    @extend_schema(
        operation_id="staff_vendors_list",
        parameters=[OpenApiParameter("is_approved", bool, description="Only approved (true) or pending (false).")],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class StaffVendorApproveView(APIView):
    permission_classes = [StaffPermission.requires(APPROVE_VENDOR)]

    @extend_schema(operation_id="staff_vendor_approve", request=None, responses={200: UserSerializer})
    def post(self, request, user_id: int):
        vendor = services.vendor_approve(vendor=selectors.vendor_get(user_id=user_id), by=request.user)
        return Response(UserSerializer(vendor).data)


class StaffVendorRejectView(APIView):
    permission_classes = [StaffPermission.requires(REJECT_VENDOR)]

    @extend_schema(
        operation_id="staff_vendor_reject",
        request=StaffReasonInputSerializer,
        responses={200: UserSerializer},
        description="Refuse or withdraw approval: the vendor stays unapproved (and unlisted) but is not blocked.",
    )
    def post(self, request, user_id: int):
        serializer = StaffReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        vendor = services.vendor_reject(
            vendor=selectors.vendor_get(user_id=user_id), by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(UserSerializer(vendor).data)


class StaffUserBlockView(APIView):
    permission_classes = [StaffPermission.requires(BLOCK_USER)]

    @extend_schema(operation_id="staff_user_block", request=StaffReasonInputSerializer, responses={200: UserSerializer})
    def post(self, request, user_id: int):
        serializer = StaffReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_block(
            user=selectors.user_get(user_id=user_id), by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(UserSerializer(user).data)


class StaffUserUnblockView(APIView):
    permission_classes = [StaffPermission.requires(UNBLOCK_USER)]

    @extend_schema(
        operation_id="staff_user_unblock", request=StaffReasonInputSerializer, responses={200: UserSerializer}
    )
    def post(self, request, user_id: int):
        serializer = StaffReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_unblock(
            user=selectors.user_get(user_id=user_id), by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(UserSerializer(user).data)
