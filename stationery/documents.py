"""A document and the student's choices, read and priced once (submission and the estimate alike).

`document_read` takes the upload (a PDF, or a JPEG/PNG photo made into a one-page PDF),
checks it with pypdf (`pdf_inspect`: structure, encryption, page count), checks the choices
(page range, colour mode, pages per sheet, finishing), and renders the selected pages with
PDFium (`analysis`): every one of them when there are at most PRINT_ANALYSIS_INLINE_PAGES,
else only the first (so a file PDFium cannot render is still refused at once) and the rest in
the background (`analysis: "pending"`, see `tasks.analyse_print_job`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from catalog.models import PrintService
from core.errors import ValidationFailed

from .analysis import analyse_pdf
from .images import image_kind, image_to_pdf
from .models import PrintJob
from .pages import page_range_format, page_range_parse
from .pdf import pdf_inspect
from .pricing import PAGES_PER_SHEET_CHOICES, estimate_for, sheets_for

MAX_FINISHING = 5


@dataclass(frozen=True)
class PrintChoices:
    """What the student chose besides the service and the file."""

    copies: int = 1
    double_sided: bool = False
    page_range: str = ""
    colour_mode: str = PrintJob.ColourMode.BW
    pages_per_sheet: int = 1
    finishing: tuple[int, ...] = ()


@dataclass(frozen=True)
class DocumentQuote:
    upload: UploadedFile  # the PDF to store (a photo already made into one)
    pages: int
    selected: list[int]
    page_range: str
    colour_pages: list[int] | None  # None while the analysis is pending
    sheets: int
    paper_size: str
    finishing: list[PrintService]
    estimated_paise: int
    estimated_max_paise: int  # all pages still being analysed counted as colour
    previews: dict[int, bytes] = field(default_factory=dict)

    @property
    def analysis(self) -> str:
        return PrintJob.Analysis.PENDING if self.colour_pages is None else PrintJob.Analysis.DONE


def document_as_pdf(upload: UploadedFile) -> UploadedFile:
    """The upload itself when it is a PDF, a one-page PDF of it when it is a JPEG or PNG photo."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if image_kind(head):
        return image_to_pdf(upload, name=upload.name or "photo")
    return upload


def finishing_for(*, service: PrintService, ids: tuple[int, ...] | list[int]) -> list[PrintService]:
    """The shop's live, available `job` services with these ids (binding, lamination); else ValidationFailed."""
    ids = list(ids)
    if len(ids) > MAX_FINISHING or len(set(ids)) != len(ids):
        raise ValidationFailed(
            details={
                "finishing": [
                    _("Choose up to %(max_finishing)s different finishing services.") % {"max_finishing": MAX_FINISHING}
                ]
            }
        )
    if not ids:
        return []
    found = {
        extra.pk: extra
        for extra in PrintService.objects.filter(
            pk__in=ids, vendor_id=service.vendor_id, unit=PrintService.Unit.JOB, is_deleted=False, is_available=True
        ).exclude(pk=service.pk)
    }
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationFailed(
            details={
                "finishing": [
                    _("No such finishing service at this shop: %(missing)s.") % {"missing": ", ".join(missing)}
                ]
            }
        )
    return [found[pk] for pk in ids]


def _check_choices(*, service: PrintService, choices: PrintChoices) -> None:
    if choices.pages_per_sheet not in PAGES_PER_SHEET_CHOICES:
        raise ValidationFailed(details={"pages_per_sheet": [_("Choose 1, 2 or 4 pages per sheet.")]})
    if choices.colour_mode not in PrintJob.ColourMode.values:
        raise ValidationFailed(details={"colour_mode": [_('Choose "bw" or "auto".')]})
    if choices.colour_mode == PrintJob.ColourMode.AUTO and (
        service.unit != PrintService.Unit.PAGE or service.colour_price_paise is None
    ):
        raise ValidationFailed(details={"colour_mode": [_("This service prints black and white only.")]})


def document_read(*, service: PrintService, upload: UploadedFile, choices: PrintChoices) -> DocumentQuote:
    """Read, check and price the document (see the module docstring). Raises InvalidFile, ValidationFailed."""
    _check_choices(service=service, choices=choices)
    finishing = finishing_for(service=service, ids=choices.finishing)
    pdf = document_as_pdf(upload)
    info = pdf_inspect(pdf)
    selected = page_range_parse(choices.page_range, pages=info.pages)
    inline = len(selected) <= settings.PRINT_ANALYSIS_INLINE_PAGES
    rendered = analyse_pdf(pdf, pages=selected if inline else selected[:1], previews=True)
    colour_pages = rendered.colour_pages if inline else None

    def priced(colour: list[int]) -> int:
        return estimate_for(
            service=service,
            selected=selected,
            colour_pages=colour,
            colour_mode=choices.colour_mode,
            copies=choices.copies,
            finishing=finishing,
        ).estimated_paise

    estimated = priced(colour_pages if colour_pages is not None else rendered.colour_pages)
    return DocumentQuote(
        upload=pdf,
        pages=info.pages,
        selected=selected,
        page_range=page_range_format(selected, pages=info.pages),
        colour_pages=colour_pages,
        sheets=sheets_for(
            pages_selected=len(selected),
            pages_per_sheet=choices.pages_per_sheet,
            double_sided=choices.double_sided,
            copies=choices.copies,
        ),
        paper_size=service.paper_size,
        finishing=finishing,
        estimated_paise=estimated,
        estimated_max_paise=estimated if inline else priced(selected),
        previews=rendered.previews,
    )
