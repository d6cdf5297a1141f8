"""Page ranges: what the student types ("1-3,7") and the page numbers it selects."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import ValidationFailed

from .models import PAGE_RANGE_MAX

_PART = re.compile(r"^(\d{1,6})(?:\s*-\s*(\d{1,6}))?$")


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(details={"page_range": [message]})


def page_range_parse(text: str | None, *, pages: int) -> list[int]:
    """The sorted, distinct page numbers `text` selects in a document of `pages` pages.

    Empty or None selects every page. Parts are separated by commas, each a page ("7") or an
    inclusive range ("12-40"); overlapping parts count a page once. Raises ValidationFailed
    (`page_range`) for anything else: a malformed part, page 0, a backwards range, or a page
    past the end of the document.
    """
    text = (text or "").strip()
    if not text:
        return list(range(1, pages + 1))
    if len(text) > PAGE_RANGE_MAX:
        raise _refuse(_("At most %(page_range_max)s characters.") % {"page_range_max": PAGE_RANGE_MAX})
    selected: set[int] = set()
    for raw in text.split(","):
        part = raw.strip()
        match = _PART.match(part)
        if not match:
            raise _refuse(_('"%(part)s" is not a page or a range like 12-40.') % {"part": part})
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if first < 1:
            raise _refuse(_("Pages are numbered from 1."))
        if last < first:
            raise _refuse(
                _('"%(part)s" runs backwards; write %(last)s-%(first)s.') % {"part": part, "last": last, "first": first}
            )
        if last > pages:
            raise _refuse(
                ngettext(
                    'The document has %(pages)s page; "%(part)s" goes past the end.',
                    'The document has %(pages)s pages; "%(part)s" goes past the end.',
                    pages,
                )
                % {"pages": pages, "part": part}
            )
        selected.update(range(first, last + 1))
    return sorted(selected)


def page_range_format(selected: list[int], *, pages: int) -> str:
    """The normal form of a selection: "" for every page, else runs like "1-3,7"."""
    if selected == list(range(1, pages + 1)):
        return ""
    runs: list[str] = []
    start = previous = None
    for number in selected:
        if previous is not None and number == previous + 1:
            previous = number
            continue
        if start is not None:
            runs.append(f"{start}-{previous}" if previous != start else str(start))
        start = previous = number
    if start is not None:
        runs.append(f"{start}-{previous}" if previous != start else str(start))
    return ",".join(runs)
