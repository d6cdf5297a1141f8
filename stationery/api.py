"""The print-job API: validate, call one service or selector, serialize."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsStationeryVendor, IsStudent, IsStudentOrApprovedVendor
from core.errors import NotFound
from core.idempotency import run_idempotent
from core.schema import IDEMPOTENCY_KEY_PARAMETER, ErrorEnvelopeSerializer

from . import selectors, services
from .errors import FileTooLarge
from .limits import enforce_print_limit
from .models import PrintJob
from .previews import preview_open
from .requests import estimate_body, finishing_names, print_choices
from .serializers import (
    PrintJobCompleteSerializer,
    PrintJobEstimateSerializer,
    PrintJobListQuerySerializer,
    PrintJobReadySerializer,
    PrintJobRejectSerializer,
    PrintJobSerializer,
    PrintJobSubmitSerializer,
    PrintUploadCreateSerializer,
    PrintUploadSerializer,
)
from .uploads import UploadLimitHandler, max_upload_bytes, refuse_oversized_request, upload_was_refused

_SAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def download_filename(job: PrintJob) -> str:
    """A filename safe in a Content-Disposition header: ASCII letters, digits, `._-`, ending `.pdf`."""
    name = unicodedata.normalize("NFKD", job.original_name).encode("ascii", "ignore").decode()
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = _SAFE_NAME_CHARS.sub("_", stem).strip("._-")[:100]
    return f"{stem or f'print-job-{job.pk}'}.pdf"


class _AlwaysJson(BaseContentNegotiation):
    """The file endpoint answers with the PDF itself; errors are JSON whatever `Accept` says."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


_ERRORS = {
    400: OpenApiResponse(ErrorEnvelopeSerializer, description="validation_error"),
    401: OpenApiResponse(ErrorEnvelopeSerializer, description="not_authenticated"),
    403: OpenApiResponse(
        ErrorEnvelopeSerializer, description="permission_denied, vendor_not_approved, wrong_vendor_type"
    ),
    404: OpenApiResponse(ErrorEnvelopeSerializer, description="not_found (also another user's job)"),
    409: OpenApiResponse(ErrorEnvelopeSerializer, description="invalid_transition"),
}


# The actions whose body is an uploaded file: size-limited before anything reads it.
_UPLOADS = frozenset({"create", "estimate"})


def _errors(*codes: int) -> dict:
    return {code: _ERRORS[code] for code in codes}


@extend_schema_view(
    list=extend_schema(
        summary="Print jobs: a student's own, a stationery vendor's shop's",
        parameters=[OpenApiParameter("status", str, enum=[c for c, _ in PrintJob.Status.choices], required=False)],
        responses={200: PrintJobSerializer(many=True), **_errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One print job (its student or its vendor)",
        responses={200: PrintJobSerializer, **_errors(401, 403, 404)},
    ),
)
class PrintJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PrintJobSerializer
    queryset = PrintJob.objects.none()  # get_queryset() scopes to the caller
    lookup_value_converter = "int"

    permission_by_action = {
        "create": [IsStudent],
        "estimate": [IsStudent],
        "cancel": [IsStudent],
        "accept": [IsStationeryVendor],
        "ready": [IsStationeryVendor],
        "complete": [IsStationeryVendor],
        "reject": [IsStationeryVendor],
        # Scoping decides: anyone but the job's student and vendor gets 404.
        "retrieve": [IsAuthenticated],
        "file": [IsAuthenticated],
        "page_preview": [IsAuthenticated],
    }

    def get_permissions(self):
        classes = self.permission_by_action.get(self.action, [IsStudentOrApprovedVendor])
        return [permission() for permission in classes]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PrintJob.objects.none()
        query = PrintJobListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.print_job_list_for(user=self.request.user, status=query.validated_data.get("status"))

    def get_object(self) -> PrintJob:
        return selectors.print_job_get_for(user=self.request.user, job_id=self.kwargs["pk"])

    # --- upload ---------------------------------------------------------------

    def initialize_request(self, request, *args, **kwargs) -> Request:
        drf_request = super().initialize_request(request, *args, **kwargs)
        if self.action in _UPLOADS:
            # First in the chain, before anything reads the body (even session auth's CSRF check).
            request.upload_handlers.insert(0, UploadLimitHandler(request, max_bytes=max_upload_bytes()))
        return drf_request

    def initial(self, request, *args, **kwargs) -> None:
        if self.action in _UPLOADS:
            # Like a proxy's body limit: refused unread, before authentication even looks at it.
            refuse_oversized_request(request._request)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="Send a PDF to a stationery shop (multipart; or JSON naming an earlier upload)",
        request={"multipart/form-data": PrintJobSubmitSerializer, "application/json": PrintJobSubmitSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            201: PrintJobSerializer,
            **_errors(401, 403),
            400: OpenApiResponse(ErrorEnvelopeSerializer, description="validation_error, invalid_file"),
            404: OpenApiResponse(ErrorEnvelopeSerializer, description="not_found (another student's upload)"),
            409: OpenApiResponse(
                ErrorEnvelopeSerializer,
                description="shop_closed, item_unavailable, too_many_open_jobs, idempotency_conflict",
            ),
            410: OpenApiResponse(ErrorEnvelopeSerializer, description="upload_expired"),
            413: OpenApiResponse(ErrorEnvelopeSerializer, description="file_too_large"),
            429: OpenApiResponse(ErrorEnvelopeSerializer, description="rate_limited (RATE_LIMIT_PRINT)"),
        },
    )
    def create(self, request: Request) -> Response:
        request.data  # noqa: B018 - parse now, so an upload stopped for its size is known before anything else
        if upload_was_refused(request._request):
            raise FileTooLarge(max_mb=settings.PRINT_MAX_UPLOAD_MB)
        enforce_print_limit(request, student_id=request.user.pk)
        return run_idempotent(request, lambda: self._submit(request), atomic=True)

    def _submit(self, request: Request) -> Response:
        form = PrintJobSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if "upload" in data:
            job = services.print_job_submit_upload(
                student=request.user,
                upload_id=data["upload"],
                service_id=data["service"],
                note=data["note"],
                choices=print_choices(data),
            )
        else:
            job = services.print_job_submit(
                student=request.user,
                service_id=data["service"],
                upload=data["file"],
                note=data["note"],
                choices=print_choices(data),
            )
        return Response(self._job_data(job), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Price a PDF before sending it (the fields of POST /print-jobs); nothing is stored",
        request={"multipart/form-data": PrintJobSubmitSerializer, "application/json": PrintJobSubmitSerializer},
        responses={
            200: PrintJobEstimateSerializer,
            **_errors(401, 403),
            400: OpenApiResponse(ErrorEnvelopeSerializer, description="validation_error, invalid_file"),
            404: OpenApiResponse(ErrorEnvelopeSerializer, description="not_found (another student's upload)"),
            409: OpenApiResponse(ErrorEnvelopeSerializer, description="shop_closed, item_unavailable"),
            410: OpenApiResponse(ErrorEnvelopeSerializer, description="upload_expired"),
            413: OpenApiResponse(ErrorEnvelopeSerializer, description="file_too_large"),
            429: OpenApiResponse(
                ErrorEnvelopeSerializer, description="rate_limited (RATE_LIMIT_PRINT, shared with uploads)"
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def estimate(self, request: Request) -> Response:
        request.data  # noqa: B018 - parse now, so an upload stopped for its size is known before anything else
        if upload_was_refused(request._request):
            raise FileTooLarge(max_mb=settings.PRINT_MAX_UPLOAD_MB)
        form = PrintJobSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        # Counted once the form is sound, as the print page always did; uploads share the counter.
        enforce_print_limit(request, student_id=request.user.pk)
        if "upload" in data:
            quote = services.print_job_quote_upload(
                student=request.user, upload_id=data["upload"], service_id=data["service"], choices=print_choices(data)
            )
        else:
            quote = services.print_job_quote(
                student=request.user, service_id=data["service"], upload=data["file"], choices=print_choices(data)
            )
        return Response(PrintJobEstimateSerializer(estimate_body(quote, double_sided=data["double_sided"])).data)

    # --- the file ---------------------------------------------------------------

    @extend_schema(
        summary="Download the PDF (its student or its vendor)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The uploaded PDF."),
            **_errors(401, 403, 404),
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=_AlwaysJson)
    def file(self, request: Request, pk: int) -> FileResponse:
        job = selectors.print_job_file_for(user=request.user, job_id=pk)
        try:
            handle = job.file.storage.open(job.file.name, "rb")
        except FileNotFoundError:
            raise NotFound(_("The file of this print job is no longer stored.")) from None
        response = FileResponse(
            handle, as_attachment=True, filename=download_filename(job), content_type="application/pdf"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    # --- the workflow -----------------------------------------------------------

    def _job_data(self, job: PrintJob) -> dict:
        return PrintJobSerializer(job, context=self.get_serializer_context()).data

    def _job_response(self, job: PrintJob) -> Response:
        return Response(self._job_data(job))

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "finishing_names": finishing_names(page)}
        return self.get_paginated_response(PrintJobSerializer(page, many=True, context=context).data)

    @extend_schema(
        summary="Vendor: accept a submitted job",
        request=None,
        responses={200: PrintJobSerializer, **_errors(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: int) -> Response:
        return self._job_response(services.print_job_accept(vendor=request.user, job_id=pk))

    @extend_schema(
        summary="Vendor: the job is printed; set what the student pays",
        request=PrintJobReadySerializer,
        responses={200: PrintJobSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def ready(self, request: Request, pk: int) -> Response:
        form = PrintJobReadySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        job = services.print_job_mark_ready(
            vendor=request.user,
            job_id=pk,
            amount_paise=form.validated_data["amount_paise"],
            reason=form.validated_data["reason"],
        )
        return self._job_response(job)

    @extend_schema(
        summary="Vendor: hand over a paid job to the student showing its pickup code",
        request=PrintJobCompleteSerializer,
        responses={
            200: PrintJobSerializer,
            **_errors(401, 403, 404, 409),
            400: OpenApiResponse(ErrorEnvelopeSerializer, description="validation_error, invalid_pickup_code"),
            429: OpenApiResponse(ErrorEnvelopeSerializer, description="rate_limited (too many wrong codes)"),
        },
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: int) -> Response:
        form = PrintJobCompleteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        job = services.print_job_complete(
            vendor=request.user, job_id=pk, pickup_code=form.validated_data["pickup_code"]
        )
        return self._job_response(job)

    @extend_schema(
        summary="A preview (PNG) of the document's page n, within the selection (its student or its vendor)",
        responses={
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="A small PNG of the page."),
            **_errors(401, 403, 404),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="pages/<int:number>.png",
        url_name="page-preview",
        content_negotiation_class=_AlwaysJson,
    )
    def page_preview(self, request: Request, pk: int, number: int) -> FileResponse:
        job = selectors.print_job_get_for(user=request.user, job_id=pk)
        try:
            handle = preview_open(folder=job.preview_folder if job.is_file_available else "", number=number)
        except FileNotFoundError:
            raise NotFound(_("There is no preview of this page.")) from None
        response = FileResponse(handle, content_type="image/png")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=300"
        return response

    @extend_schema(
        summary="Vendor: turn a job down before it is paid",
        request=PrintJobRejectSerializer,
        responses={200: PrintJobSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: int) -> Response:
        form = PrintJobRejectSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        job = services.print_job_reject(vendor=request.user, job_id=pk, reason=form.validated_data["reason"])
        return self._job_response(job)

    @extend_schema(
        summary="Student: withdraw a job before paying",
        request=None,
        responses={200: PrintJobSerializer, **_errors(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int) -> Response:
        return self._job_response(services.print_job_cancel(student=request.user, job_id=pk))


class PrintUploadViewSet(viewsets.GenericViewSet):
    """`POST /print-uploads`: the print form uploads the chosen file once; prices and the job name it by id."""

    permission_classes = [IsStudent]
    serializer_class = PrintUploadSerializer
    queryset = PrintJob.objects.none()  # nothing is listed

    def initialize_request(self, request, *args, **kwargs) -> Request:
        drf_request = super().initialize_request(request, *args, **kwargs)
        request.upload_handlers.insert(0, UploadLimitHandler(request, max_bytes=max_upload_bytes()))
        return drf_request

    def initial(self, request, *args, **kwargs) -> None:
        refuse_oversized_request(request._request)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="Upload the file chosen on the print form once (multipart); price and send it by its id",
        request={"multipart/form-data": PrintUploadCreateSerializer},
        responses={
            201: PrintUploadSerializer,
            **_errors(401, 403),
            400: OpenApiResponse(ErrorEnvelopeSerializer, description="validation_error, invalid_file"),
            413: OpenApiResponse(ErrorEnvelopeSerializer, description="file_too_large"),
            429: OpenApiResponse(ErrorEnvelopeSerializer, description="rate_limited (RATE_LIMIT_PRINT)"),
        },
    )
    def create(self, request: Request) -> Response:
        request.data  # noqa: B018 - parse now, so an upload stopped for its size is known before anything else
        if upload_was_refused(request._request):
            raise FileTooLarge(max_mb=settings.PRINT_MAX_UPLOAD_MB)
        form = PrintUploadCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        enforce_print_limit(request, student_id=request.user.pk)
        pending = services.print_upload_create(student=request.user, upload=form.validated_data["file"])
        return Response(PrintUploadSerializer(pending).data, status=status.HTTP_201_CREATED)
