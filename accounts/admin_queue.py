"""The office's account pages in the admin: the approval queue and blocking with a reason.

Views of `UserAdmin` (accounts.admin), kept apart so that file stays about the user form.
Every decision goes through `accounts.services`; the vendor sees a rejection's reason on
its dashboard, a blocked user the block's reason (and end) on the blocked page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campus.office import vendors_awaiting_approval
from core.admin_display import campus_time
from core.errors import ApplicationError

from . import services
from .models import User
from .permissions import APPROVE_VENDOR, BLOCK_USER, REJECT_VENDOR, UNBLOCK_USER


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=services.BLOCK_REASON_MAX_LENGTH,
        help_text="Required. The person sees it.",
        widget=forms.TextInput(attrs={"size": 60}),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why."))
        return reason


class BlockForm(ReasonForm):
    until = forms.DateTimeField(
        required=False,
        label="Blocked until",
        input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Optional, campus time. The account is unblocked automatically after it; empty: until unblocked.",
    )

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until is not None and until <= timezone.now():
            raise forms.ValidationError(_("The end of a block must be in the future."))
        return until


def _page(model_admin, request, template: str, **context) -> TemplateResponse:
    return TemplateResponse(
        request,
        template,
        {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, **context},
    )


def _done(model_admin, request, text: str, level=messages.SUCCESS) -> None:
    model_admin.message_user(request, text, level)


def approvals_view(model_admin, request: HttpRequest) -> HttpResponse:
    """The queue of vendors awaiting approval: shop, type, owner, phone, when they applied;
    approve, or reject with a reason the vendor sees."""
    if not request.user.has_perm("accounts.view_user"):
        raise PermissionDenied
    may_approve, may_reject = request.user.has_perm(APPROVE_VENDOR), request.user.has_perm(REJECT_VENDOR)
    errors: dict[int, str] = {}
    if request.method == "POST":
        vendor_id = request.POST.get("vendor", "")
        if not vendor_id.isdigit():
            raise BadRequest(_("Choose a vendor from the queue."))
        vendor = get_object_or_404(vendors_awaiting_approval(), pk=int(vendor_id))
        decision = request.POST.get("decision")
        if not ((decision == "approve" and may_approve) or (decision == "reject" and may_reject)):
            raise PermissionDenied
        try:
            if decision == "approve":
                services.vendor_approve(vendor=vendor, by=request.user)
                _done(model_admin, request, f"Approved {_shop(vendor)}: the vendor was told by SMS.")
                return HttpResponseRedirect(request.path)
            form = ReasonForm(request.POST)
            if form.is_valid():
                services.vendor_reject(vendor=vendor, by=request.user, reason=form.cleaned_data["reason"])
                _done(model_admin, request, f"Rejected {_shop(vendor)}. The vendor sees the reason.")
                return HttpResponseRedirect(request.path)
            errors[vendor.pk] = "Give the vendor a reason for the rejection."
        except ApplicationError as exc:
            errors[vendor.pk] = exc.message
    queue = vendors_awaiting_approval().select_related("shop").order_by("created_at")
    rows = [
        {
            "vendor": vendor,
            "shop": _shop(vendor),
            "type": vendor.get_vendor_type_display(),
            "applied": campus_time(vendor.created_at),
            "error": errors.get(vendor.pk, ""),
        }
        for vendor in queue
    ]
    return _page(
        model_admin,
        request,
        "admin/accounts/user/approvals.html",
        title="Vendors awaiting approval",
        rows=rows,
        may_approve=may_approve,
        may_reject=may_reject,
    )


def _shop(vendor: User) -> str:
    shop = getattr(vendor, "shop", None)
    return shop.name if shop is not None else vendor.phone


def block_view(model_admin, request: HttpRequest, object_id: int) -> HttpResponse:
    """Block one account with a reason (the user sees it) and an optional end date."""
    if not request.user.has_perm(BLOCK_USER):
        raise PermissionDenied
    user = get_object_or_404(User, pk=object_id)
    change_url = reverse("admin:accounts_user_change", args=[user.pk])
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_block(
                user=user, by=request.user, reason=form.cleaned_data["reason"], until=form.cleaned_data["until"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            until = form.cleaned_data["until"]
            _done(
                model_admin,
                request,
                f"Blocked {user.phone}" + (f" until {campus_time(until)}." if until else " until unblocked."),
            )
            return HttpResponseRedirect(change_url)
    return _page(
        model_admin,
        request,
        "admin/accounts/user/reason.html",
        title=f"Block {user.name or user.phone}",
        subject=user,
        form=form,
        submit="Block",
        change_url=change_url,
        explanation="Signs the account out everywhere at once (tokens and sessions). It cannot sign in, order "
        "or sell until unblocked.",
    )


def unblock_view(model_admin, request: HttpRequest, object_id: int) -> HttpResponse:
    if not request.user.has_perm(UNBLOCK_USER) or request.method != "POST":
        raise PermissionDenied
    user = get_object_or_404(User, pk=object_id)
    try:
        services.user_unblock(user=user, by=request.user, reason=request.POST.get("reason", "").strip()[:300])
    except ApplicationError as exc:
        _done(model_admin, request, exc.message, messages.ERROR)
    else:
        _done(model_admin, request, f"Unblocked {user.phone}: it can sign in again.")
    return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))


TITLES = {"block_users": "Block", "reject_vendors": "Reject"}


def bulk_with_reason(
    model_admin, request: HttpRequest, queryset, *, action: str, verb: str, apply
) -> HttpResponse | None:
    """An admin action that asks for a reason first (Django's intermediate-page pattern)."""
    form_class = BlockForm if action == "block_users" else ReasonForm
    form = form_class(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        model_admin._apply(request, queryset, lambda user: apply(user, form.cleaned_data), verb)
        return None
    return _page(
        model_admin,
        request,
        "admin/accounts/user/reason.html",
        title=f"{TITLES[action]}: {queryset.count()} account(s)",
        subjects=list(queryset),
        form=form,
        action=action,
        submit=TITLES[action],
        change_url=reverse("admin:accounts_user_changelist"),
        explanation="",
    )
