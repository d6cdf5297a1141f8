"""Printing: the print shops, sending a PDF (with its estimate), a student's print jobs.

With the page script, the chosen file is uploaded once (`POST /api/v1/print-uploads`), priced
by its id (`POST /api/v1/print-jobs/estimate`) and sent here by its id (`upload`), so the PDF
crosses the network once; without the script the form posts the file itself (and its
"estimate" button posts here). Signed out, the form asks to sign in first and comes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from catalog import selectors as catalog_selectors
from catalog.models import PrintService, Shop
from core.errors import ApplicationError, NotFound
from events import bus as event_bus
from stationery import selectors as stationery_selectors
from stationery import services as stationery_services
from stationery.errors import FileTooLarge
from stationery.limits import enforce_print_limit
from stationery.models import PrintJob, PrintUpload
from stationery.requests import estimate_body, print_choices
from stationery.uploads import UploadLimitHandler, max_upload_bytes, refuse_oversized_request, upload_was_refused

from ..access import not_for_role_response, page, student_required
from ..errors import plain_error
from ..forms import PrintJobForm
from .checkout import gateway_context
from .common import RefundRow, open_first, page_of, refund_rows, shop_names, shop_or_404, with_next

# How often the print jobs page asks the API whether a status moved (seconds).
PRINT_JOB_POLL_SECONDS = 10


@page
def print_shops(request: HttpRequest) -> HttpResponse:
    shops = open_first(catalog_selectors.shop_list_public(vendor_type=User.VendorType.STATIONERY))
    return render(request, "pages/print_shops.html", {"nav": "print", "shops": shops})


def _limit_upload(request: HttpRequest) -> None:
    """Refuse an oversized body before reading it, and stop reading once the file passes the limit."""
    refuse_oversized_request(request)
    request.upload_handlers.insert(0, UploadLimitHandler(request, max_bytes=max_upload_bytes()))


def _print_form_context(*, shop: Shop, services, form: PrintJobForm | None, **extra) -> dict:
    main, finishing = _split_services(services)
    return {
        "nav": "print",
        "shop": shop,
        "services": main,
        "finishing_services": finishing,
        "chosen_finishing": [str(pk) for pk in (form.cleaned_data.get("finishing") or [])]
        if form is not None and hasattr(form, "cleaned_data")
        else [],
        "form": form,
        "max_upload_mb": settings.PRINT_MAX_UPLOAD_MB,
        "estimate": None,
        "error": "",
        "pending_upload": None,
        # Signed out, choosing a file asks to sign in first and comes back to this shop's form.
        "sign_in_url": with_next(reverse("pages:login"), reverse("pages:print-form", args=[shop.vendor_id])),
        **extra,
    }


def _orderable_services(shop: Shop):
    return list(catalog_selectors.print_service_list_public(vendor_id=shop.vendor_id, available=True))


def _split_services(services) -> tuple[list, list]:
    """Page services to print with; `job` services (binding, lamination) as finishing, when there are page ones."""
    pages = [service for service in services if service.unit == PrintService.Unit.PAGE]
    if not pages:
        return list(services), []
    return pages, [service for service in services if service.unit == PrintService.Unit.JOB]


def _estimate(request: HttpRequest, form: PrintJobForm) -> dict:
    """Price the chosen file (or its upload) with the stationery service's own checks (nothing is stored)."""
    data = form.cleaned_data
    if data.get("upload"):
        quote = stationery_services.print_job_quote_upload(
            student=request.user, upload_id=data["upload"], service_id=data["service"], choices=print_choices(data)
        )
    else:
        quote = stationery_services.print_job_quote(
            student=request.user, service_id=data["service"], upload=data["file"], choices=print_choices(data)
        )
    return estimate_body(quote, double_sided=data["double_sided"])


def _send(request: HttpRequest, form: PrintJobForm) -> PrintJob:
    """Make the job from the uploaded file when the page script uploaded it, else from the file sent now."""
    data = form.cleaned_data
    if data.get("upload"):
        return stationery_services.print_job_submit_upload(
            student=request.user,
            upload_id=data["upload"],
            service_id=data["service"],
            note=data["note"],
            choices=print_choices(data),
        )
    return stationery_services.print_job_submit(
        student=request.user,
        service_id=data["service"],
        upload=data["file"],
        note=data["note"],
        choices=print_choices(data),
    )


def _pending_upload(request: HttpRequest, form: PrintJobForm | None) -> PrintUpload | None:
    """The student's upload the refused form named, while it can still be sent (so it is not chosen again)."""
    upload_id = form.cleaned_data.get("upload") if form is not None and hasattr(form, "cleaned_data") else None
    if not upload_id:
        return None
    try:
        return stationery_selectors.print_upload_get_for(user=request.user, upload_id=upload_id)
    except ApplicationError:
        return None


def _check_upload_completed(request: HttpRequest) -> None:
    """FileTooLarge when the upload handler stopped reading the file part-way."""
    if upload_was_refused(request):
        raise FileTooLarge(max_mb=settings.PRINT_MAX_UPLOAD_MB)


@csrf_exempt  # the CSRF check runs in _print_form_checked, after the upload limit is in place
def print_form(request: HttpRequest, vendor_id: int) -> HttpResponse:
    if request.method == "POST":
        try:
            _limit_upload(request)
        except ApplicationError as exc:
            return _print_form_refused(request, vendor_id, exc)
    return _print_form_checked(request, vendor_id)


@page
@csrf_protect
@require_http_methods(["GET", "POST"])
def _print_form_checked(request: HttpRequest, vendor_id: int) -> HttpResponse:
    shop = shop_or_404(vendor_id=vendor_id, vendor_type=User.VendorType.STATIONERY)
    services = _orderable_services(shop)
    if request.method == "GET":
        if request.user.is_authenticated and request.user.role != User.Role.STUDENT:
            return not_for_role_response(request)
        return render(request, "pages/print_form.html", _print_form_context(shop=shop, services=services, form=None))
    return _print_submit(request, shop=shop, services=services)


@student_required
def _print_submit(request: HttpRequest, *, shop: Shop, services) -> HttpResponse:
    form = PrintJobForm(
        request.POST,
        request.FILES,
        service_ids=[s.pk for s in services],
        finishing_ids=[s.pk for s in _split_services(services)[1]],
    )
    estimate, error, status = None, "", 400
    try:
        _check_upload_completed(request)
    except ApplicationError as exc:
        return _print_form_refused(request, shop.vendor_id, exc)
    if form.is_valid():
        try:
            enforce_print_limit(request, student_id=request.user.pk)
            if request.POST.get("action") == "estimate":
                estimate, status = _estimate(request, form), 200
            else:
                job = _send(request, form)
                messages.success(
                    request,
                    _("Print #%(id)s sent to %(shop)s. We will text you when it is ready to pay.")
                    % {"id": job.pk, "shop": shop.name},
                )
                return redirect("pages:print-jobs")
        except ApplicationError as exc:
            error, status = plain_error(exc), exc.status_code
    elif form.errors and not error:
        error = _("Please check the form.")
    context = _print_form_context(
        shop=shop,
        services=services,
        form=form,
        estimate=estimate,
        error=error,
        pending_upload=_pending_upload(request, form),
    )
    return render(request, "pages/print_form.html", context, status=status)


def _print_form_refused(request: HttpRequest, vendor_id: int, exc: ApplicationError) -> HttpResponse:
    shop = shop_or_404(vendor_id=vendor_id, vendor_type=User.VendorType.STATIONERY)
    context = _print_form_context(shop=shop, services=_orderable_services(shop), form=None, error=plain_error(exc))
    return render(request, "pages/print_form.html", context, status=exc.status_code)


@dataclass(frozen=True)
class _JobRow:
    job: PrintJob
    shop_name: str
    can_cancel: bool
    pay_url: str
    pay_status_id: str
    pay_description: str
    refunds: list[RefundRow]

    @property
    def refunds_heading_id(self) -> str:
        return f"refunds-{self.job.pk}"


def _print_job_cancellable(job: PrintJob) -> bool:
    # A printed (ready) job can be withdrawn only when its amount is well above the estimate.
    if job.status == PrintJob.Status.READY:
        return job.is_above_estimate_tolerance
    return PrintJob.Status.CANCELLED in PrintJob.TRANSITIONS[job.status]


@student_required
def print_jobs(request: HttpRequest) -> HttpResponse:
    live_since = event_bus.position(request.user.pk)  # before the reading: the stream replays what changes after
    page_obj = page_of(request, stationery_selectors.print_job_list_for(user=request.user))
    names = shop_names(job.vendor_id for job in page_obj)
    rows = [
        _JobRow(
            job=job,
            shop_name=names.get(job.vendor_id, _("Print shop")),
            can_cancel=_print_job_cancellable(job),
            pay_url=reverse("print-job-pay", args=[job.pk]),
            pay_status_id=f"pay-status-{job.pk}",
            pay_description=_("Print #%(id)s at %(shop)s")
            % {"id": job.pk, "shop": names.get(job.vendor_id) or _("the print shop")},
            refunds=refund_rows(job),
        )
        for job in page_obj
    ]
    context = {
        "nav": "print-jobs",
        "rows": rows,
        "page_obj": page_obj,
        "gateway": gateway_context(),
        "any_live": any(row.job.status not in PrintJob.ENDED_STATUSES for row in rows),
        "poll_seconds": PRINT_JOB_POLL_SECONDS,
        "live_since": live_since,
        "ended_statuses": PrintJob.ENDED_STATUSES,
    }
    return render(request, "pages/print_jobs.html", context)


@student_required
@require_POST
def print_job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        stationery_selectors.print_job_get_for(user=request.user, job_id=job_id)
    except NotFound:
        raise Http404("No such print job.") from None
    try:
        stationery_services.print_job_cancel(student=request.user, job_id=job_id)
    except ApplicationError as exc:
        messages.error(request, plain_error(exc))
    else:
        messages.success(request, _("Print #%(id)s is cancelled.") % {"id": job_id})
    return redirect("pages:print-jobs")
