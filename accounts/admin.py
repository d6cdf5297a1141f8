from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("-created_at",)
    list_display = ("phone", "name", "role", "vendor_type", "is_approved", "is_active", "created_at")
    list_filter = ("role", "vendor_type", "is_approved", "is_active")
    search_fields = ("phone", "name")
    readonly_fields = ("created_at", "updated_at", "last_login")
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        ("Profile", {"fields": ("name", "role", "vendor_type")}),
        ("Access", {"fields": ("is_active", "is_approved", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("phone", "role", "vendor_type", "password1", "password2")}),
    )
