"""Between the print-job forms (API and pages) and the services: choices in, the estimate's answer out."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from catalog.models import PrintService

from .documents import PrintChoices
from .models import PrintJob
from .previews import preview_data_urls


def print_choices(data: dict) -> PrintChoices:
    """The choices of a validated submit form (PrintJobSubmitSerializer or the page's PrintJobForm)."""
    return PrintChoices(
        copies=data["copies"],
        double_sided=bool(data["double_sided"]),
        page_range=data.get("page_range") or "",
        colour_mode=data.get("colour_mode") or PrintJob.ColourMode.BW,
        pages_per_sheet=int(data.get("pages_per_sheet") or 1),
        finishing=tuple(data.get("finishing") or ()),
    )


def estimate_body(quote, *, double_sided: bool) -> dict:
    """The answer of `POST /print-jobs/estimate` for a PrintQuote."""
    document = quote.document
    return {
        "pages": document.pages,
        "pages_selected": len(document.selected),
        "page_range": document.page_range or None,
        "colour_pages": document.colour_pages,
        "sheets": document.sheets,
        "paper_size": document.paper_size,
        "copies": quote.copies,
        "double_sided": double_sided,
        "analysis": document.analysis,
        "estimated_paise": quote.estimated_paise,
        "estimated_max_paise": document.estimated_max_paise,
        "previews": preview_data_urls(document.previews, limit=settings.PRINT_ESTIMATE_PREVIEWS),
    }


def finishing_names(jobs: Iterable[PrintJob]) -> dict[int, str]:
    """Names of the finishing services of `jobs`, in one query."""
    ids = {pk for job in jobs for pk in job.finishing}
    if not ids:
        return {}
    return dict(PrintService.objects.filter(pk__in=ids).values_list("pk", "name"))
