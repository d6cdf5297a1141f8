"""The Django admin for accounts: every approval, rejection, block and unblock goes through services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.admin_display import campus_time, shop_of, time_column
from core.errors import ApplicationError
from ordering.models import Order

from . import admin_queue, services
from .errors import PrivilegesOnlyBySuperuser
from .models import AccountEvent, User
from .permissions import APPROVE_VENDOR, BLOCK_USER, REJECT_VENDOR, UNBLOCK_USER
from .phones import InvalidPhone, normalize_phone


class UserAddForm(forms.ModelForm):
    """Add a phone-login account. Vendors need a shop name (their shop is created with them);
    staff need a password to use the admin. Everyone else signs in by OTP only."""

    shop_name = forms.CharField(max_length=120, required=False, help_text="Vendors only: the shop students will see.")
    password1 = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Staff only (for the admin). Students and vendors sign in by OTP.",
    )
    password2 = forms.CharField(
        label="Password again",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ("phone", "name", "role", "vendor_type")

    def clean_phone(self) -> str:
        try:
            phone = normalize_phone(self.cleaned_data["phone"])
        except InvalidPhone as exc:
            raise ValidationError(str(exc)) from None
        if User.objects.filter(phone=phone).exists():
            raise ValidationError(_("An account with this phone already exists."))
        return phone

    def clean(self):
        cleaned = super().clean()
        role, vendor_type = cleaned.get("role"), cleaned.get("vendor_type")
        if role == User.Role.VENDOR:
            if not vendor_type:
                self.add_error("vendor_type", "A vendor is food or stationery.")
            if not (cleaned.get("shop_name") or "").strip():
                self.add_error("shop_name", "A vendor needs a shop name.")
        elif vendor_type:
            self.add_error("vendor_type", "Only vendors have a vendor type.")
        acting_user = getattr(self, "acting_user", None)
        if role == User.Role.STAFF and acting_user is not None and not acting_user.is_superuser:
            self.add_error("role", "Only a superuser can add staff accounts.")
        password1, password2 = cleaned.get("password1") or "", cleaned.get("password2") or ""
        if password1 != password2:
            self.add_error("password2", "The two passwords differ.")
        elif role == User.Role.STAFF and not password1:
            self.add_error("password1", "Staff need a password to sign in to the admin.")
        elif password1:
            try:
                validate_password(password1, self.instance)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes: dict = {}

    def clean_phone(self) -> str:
        try:
            phone = normalize_phone(self.cleaned_data["phone"])
        except InvalidPhone as exc:
            raise ValidationError(str(exc)) from None
        if User.objects.filter(phone=phone).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("An account with this phone already exists."))
        return phone

    def clean(self):
        cleaned = super().clean()
        # The staff role and the staff flag go together (the user_staff_role_is_staff constraint):
        # a form error here, rather than the database refusing the save.
        role = cleaned.get("role", self.instance.role)
        is_staff = cleaned.get("is_staff", self.instance.is_staff) if "is_staff" in self.fields else None
        if is_staff is None:
            if (role == User.Role.STAFF) != (self.instance.role == User.Role.STAFF):
                self.add_error("role", "Only a superuser can make an account staff or take the staff role away.")
        elif (role == User.Role.STAFF) != bool(is_staff):
            self.add_error("is_staff", "Staff status goes with the staff role: set both or neither.")
        return cleaned


class AccountEventInline(admin.TabularInline):
    model = AccountEvent
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("when", "kind", "actor", "reason")
    readonly_fields = fields
    ordering = ("-created_at",)
    when = time_column("created_at", "when")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    ordering = ("-created_at",)
    list_display = ("phone", "name", "role", "shop", "unclaimed", "is_approved", "is_active", "joined")
    list_filter = ("role", "vendor_type", "is_approved", "is_active", "is_staff")
    list_select_related = ("shop",)
    search_fields = ("phone", "name", "shop__name")
    readonly_fields = ("access", "unclaimed", "joined", "changed", "last_signed_in")
    inlines = [AccountEventInline]
    actions = ["approve_vendors", "reject_vendors", "block_users", "unblock_users"]
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        ("Profile", {"fields": ("name", "role", "vendor_type")}),
        (
            "Access",
            {
                "fields": ("access", "unclaimed", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": "Block (with a reason the user sees), unblock, approve or reject here: "
                "each goes through the same service as the staff API. Unclaimed: the student's orders "
                "nobody collected (a habit of it is a reason to block).",
            },
        ),
        ("Dates (campus time)", {"fields": ("last_signed_in", "joined", "changed")}),
    )
    joined = time_column("created_at", "joined")
    changed = time_column("updated_at", "last changed")
    last_signed_in = time_column("last_login", "last signed in")

    @admin.display(description="shop", ordering="shop__name")
    def shop(self, user: User) -> str:
        return shop_of(user) if user.role == User.Role.VENDOR else "—"

    def get_queryset(self, request):
        # Each student's orders left uncollected (issue 20), one aggregate for the whole page.
        return (
            super()
            .get_queryset(request)
            .annotate(unclaimed_count=Count("orders", filter=Q(orders__status=Order.Status.UNCLAIMED)))
        )

    @admin.display(description="unclaimed orders", ordering="unclaimed_count")
    def unclaimed(self, user: User) -> str:
        count = getattr(user, "unclaimed_count", 0) or 0
        if user.pk is None or user.role != User.Role.STUDENT:
            return "—"
        if not count:
            return "0"
        query = urlencode({"status__exact": Order.Status.UNCLAIMED, "q": user.phone})
        url = f"{reverse('admin:ordering_order_changelist')}?{query}"
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description="access")
    def access(self, user: User) -> str:
        """The account's state in words, with the buttons of what staff may do about it."""
        if user.pk is None:
            return "—"
        lines = []
        if user.is_active:
            lines.append(("Active.", ""))
        else:
            until = f" until {campus_time(user.blocked_until)}" if user.blocked_until else " until unblocked"
            lines.append((f"Blocked{until}.", f" Reason: {user.blocked_reason}" if user.blocked_reason else ""))
        if user.role == User.Role.VENDOR:
            lines.append(("Approved vendor." if user.is_approved else "Not approved.", ""))
        return format_html_join(" ", "<strong>{}</strong>{}", lines)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("approvals/", wrap(lambda r: admin_queue.approvals_view(self, r)), name="accounts_user_approvals"),
            path(
                "<int:object_id>/block/",
                wrap(lambda r, object_id: admin_queue.block_view(self, r, object_id)),
                name="accounts_user_block",
            ),
            path(
                "<int:object_id>/unblock/",
                wrap(lambda r, object_id: admin_queue.unblock_view(self, r, object_id)),
                name="accounts_user_unblock",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The buttons of what this staff member may do to the account (templates/admin/accounts/user/change_form.html).
        user = request.user
        context = {
            "may_block": user.has_perm(BLOCK_USER),
            "may_unblock": user.has_perm(UNBLOCK_USER),
            "may_approve": user.has_perm(APPROVE_VENDOR) or user.has_perm(REJECT_VENDOR),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # Only superusers see (and so change) privileges.
        return [
            (name, {**options, "fields": tuple(f for f in options["fields"] if f not in services.PRIVILEGE_FIELDS)})
            for name, options in fieldsets
        ]

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("phone", "name", "role", "vendor_type", "shop_name", "password1", "password2"),
            },
        ),
    )

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            phone = normalize_phone(search_term)
        except InvalidPhone:
            return results, may_have_duplicates
        return results | queryset.filter(phone=phone), True

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    # --- Who may change what: privileges only by superusers; each staff action its permission ---

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user  # a fresh class per request (modelform_factory)
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += sorted(services.PRIVILEGE_FIELDS)
        return fields

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts are blocked, not deleted (orders and payments point at them): only superusers delete.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def has_approve_vendor_permission(self, request) -> bool:
        return request.user.has_perm(APPROVE_VENDOR)

    def has_reject_vendor_permission(self, request) -> bool:
        return request.user.has_perm(REJECT_VENDOR)

    def has_block_user_permission(self, request) -> bool:
        return request.user.has_perm(BLOCK_USER)

    def has_unblock_user_permission(self, request) -> bool:
        return request.user.has_perm(UNBLOCK_USER)

    def _ensure_may_save(self, request, obj, form) -> None:
        """The guard behind the read-only fields: refuse (403) before anything is saved."""
        stored = User.objects.filter(pk=obj.pk).first()
        try:
            services.user_ensure_may_change(by=request.user, user=stored, changed=set(form.changed_data))
        except PrivilegesOnlyBySuperuser as exc:
            raise PermissionDenied(exc.message) from None

    def save_model(self, request, obj, form, change):
        if not change:
            data = form.cleaned_data
            created = services.user_create_by_staff(
                by=request.user,
                phone=data["phone"],
                name=data.get("name") or "",
                role=data["role"],
                vendor_type=data.get("vendor_type") or None,
                shop_name=data.get("shop_name") or "",
                password=data.get("password1") or None,
            )
            obj.pk = created.pk
            obj._state.adding = False
            obj.refresh_from_db()
            return

        self._ensure_may_save(request, obj, form)
        # Blocking and approval are not field edits: they have their own pages (`access`).
        super().save_model(request, obj, form, change)

    def _apply(self, request, queryset, action, verb: str) -> None:
        done, refused = 0, []
        for user in queryset:
            try:
                action(user)
            except ApplicationError as exc:
                refused.append(f"{user.phone}: {exc.message}")
            else:
                done += 1
        if done:
            self.message_user(request, f"{verb} {done} account(s).", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description="Approve selected vendors", permissions=["approve_vendor"])
    def approve_vendors(self, request, queryset):
        self._apply(request, queryset, lambda u: services.vendor_approve(vendor=u, by=request.user), "Approved")

    @admin.action(description="Reject selected vendors… (asks a reason the vendor sees)", permissions=["reject_vendor"])
    def reject_vendors(self, request, queryset):
        return admin_queue.bulk_with_reason(
            self,
            request,
            queryset,
            action="reject_vendors",
            verb="Rejected",
            apply=lambda u, data: services.vendor_reject(vendor=u, by=request.user, reason=data["reason"]),
        )

    @admin.action(description="Block selected users… (asks the reason and an optional end)", permissions=["block_user"])
    def block_users(self, request, queryset):
        return admin_queue.bulk_with_reason(
            self,
            request,
            queryset,
            action="block_users",
            verb="Blocked",
            apply=lambda u, data: services.user_block(
                user=u, by=request.user, reason=data["reason"], until=data.get("until")
            ),
        )

    @admin.action(description="Unblock selected users", permissions=["unblock_user"])
    def unblock_users(self, request, queryset):
        self._apply(request, queryset, lambda u: services.user_unblock(user=u, by=request.user), "Unblocked")
