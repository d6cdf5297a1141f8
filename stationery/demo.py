"""Demo data for print shops (issue 21), used by `seed_demo`: a report whose chart is its only colour page."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from accounts.models import User
from catalog.models import PrintService

from . import services
from .documents import PrintChoices
from .models import PrintJob

DEMO_COLOUR_NOTE = "Demo: the chart on page 2 is the only colour page."
_GREY_PAGE = b"0.3 g 60 700 420 18 re f 0.6 g 60 660 380 10 re f 60 640 400 10 re f 60 620 360 10 re f"
_CHART_PAGE = _GREY_PAGE + b" 0.1 0.4 0.8 rg 80 300 60 200 re f 0.9 0.3 0.1 rg 160 300 60 120 re f"


def demo_report_pdf(pages: int = 4, *, chart_page: int = 2) -> bytes:
    """A small A4 report: grey text-like bars on every page, a coloured bar chart on `chart_page`."""
    writer = PdfWriter()
    for number in range(1, pages + 1):
        page = writer.add_blank_page(width=595, height=842)
        stream = DecodedStreamObject()
        stream.set_data(_CHART_PAGE if number == chart_page else _GREY_PAGE)
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def demo_colour_job(*, vendor: User, student: User) -> PrintJob | None:
    """A submitted job printing pages 1-3 of the report, colour pages in colour; None if it exists or cannot be."""
    if PrintJob.objects.filter(student=student, note=DEMO_COLOUR_NOTE).exists():
        return None
    service = PrintService.objects.filter(
        vendor=vendor, is_deleted=False, is_available=True, unit="page", colour_price_paise__isnull=False
    ).first()
    if service is None:
        return None
    binding = PrintService.objects.filter(vendor=vendor, is_deleted=False, is_available=True, unit="job").first()
    return services.print_job_submit(
        student=student,
        service_id=service.pk,
        upload=SimpleUploadedFile("project-report.pdf", demo_report_pdf(), content_type="application/pdf"),
        note=DEMO_COLOUR_NOTE,
        choices=PrintChoices(
            copies=2,
            double_sided=True,
            page_range="1-3",
            colour_mode=PrintJob.ColourMode.AUTO,
            finishing=(binding.pk,) if binding else (),
        ),
    )
