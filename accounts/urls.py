from django.urls import path

from . import api

urlpatterns = [
    path("auth/otp/request", api.OtpRequestView.as_view(), name="auth-otp-request"),
    path("auth/otp/verify", api.OtpVerifyView.as_view(), name="auth-otp-verify"),
    path("auth/logout", api.LogoutView.as_view(), name="auth-logout"),
    path("me", api.MeView.as_view(), name="me"),
    path("staff/vendors", api.StaffVendorListView.as_view(), name="staff-vendors"),
    path("staff/vendors/<int:user_id>/approve", api.StaffVendorApproveView.as_view(), name="staff-vendor-approve"),
    path("staff/vendors/<int:user_id>/reject", api.StaffVendorRejectView.as_view(), name="staff-vendor-reject"),
    path("staff/users/<int:user_id>/block", api.StaffUserBlockView.as_view(), name="staff-user-block"),
    path("staff/users/<int:user_id>/unblock", api.StaffUserUnblockView.as_view(), name="staff-user-unblock"),
]
