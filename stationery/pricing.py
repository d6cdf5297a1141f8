"""Sheets and the estimate of a print job (API.md, "Print shops").

Estimate: each selected page once per copy, at the service's `colour_price_paise` when it is
a colour page and the colour mode is `auto`, else at `price_paise`; plus each finishing
service once per copy. A `job` service as the main service is its flat price (plus finishing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from catalog.models import PrintService

PAGES_PER_SHEET_CHOICES = (1, 2, 4)


def sheets_for(*, pages_selected: int, pages_per_sheet: int, double_sided: bool, copies: int) -> int:
    """Sheets of paper: pages laid out `pages_per_sheet` to a side, one or two sides a sheet, per copy."""
    sides = -(-pages_selected // pages_per_sheet)
    per_copy = -(-sides // 2) if double_sided else sides
    return per_copy * copies


@dataclass(frozen=True)
class Estimate:
    bw_pages: int
    colour_pages: int
    pages_paise: int
    finishing_paise: int

    @property
    def estimated_paise(self) -> int:
        return self.pages_paise + self.finishing_paise


def estimate_for(
    *,
    service: PrintService,
    selected: list[int],
    colour_pages: Iterable[int],
    colour_mode: str,
    copies: int,
    finishing: Iterable[PrintService] = (),
) -> Estimate:
    """The breakdown of what the job costs in paise (see the module docstring)."""
    finishing_paise = sum(extra.price_paise for extra in finishing) * copies
    if service.unit == PrintService.Unit.JOB:
        return Estimate(bw_pages=0, colour_pages=0, pages_paise=service.price_paise, finishing_paise=finishing_paise)
    in_colour = 0
    if colour_mode == "auto" and service.colour_price_paise is not None:
        wanted = set(selected)
        in_colour = sum(1 for number in set(colour_pages) if number in wanted)
    bw = len(selected) - in_colour
    pages_paise = (bw * service.price_paise + in_colour * (service.colour_price_paise or 0)) * copies
    return Estimate(bw_pages=bw, colour_pages=in_colour, pages_paise=pages_paise, finishing_paise=finishing_paise)
