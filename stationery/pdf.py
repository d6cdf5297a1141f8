"""Reading an uploaded PDF: is it a real, unencrypted, complete PDF, and how many pages has it.

The page count that prices a job comes from here, never from the client.
Parsing is done by pypdf (a real parser, not a look at the magic bytes), on
top of two structural checks every PDF reader makes: the `%PDF-` header near
the start and the `%%EOF` marker near the end (a truncated upload lacks it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader

from .errors import InvalidFile

logger = logging.getLogger(__name__)

# Readers (Acrobat included) accept the header and the end marker this far from the edges.
_EDGE_BYTES = 1024


@dataclass(frozen=True)
class PdfInfo:
    pages: int


def _read_edges(stream: IO[bytes]) -> tuple[bytes, bytes, int]:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    head = stream.read(_EDGE_BYTES)
    stream.seek(max(0, size - _EDGE_BYTES))
    tail = stream.read(_EDGE_BYTES)
    stream.seek(0)
    return head, tail, size


def pdf_inspect(stream: IO[bytes], *, max_pages: int | None = None) -> PdfInfo:
    """The page count of a printable PDF. Raises `InvalidFile` (with the reason) for anything else.

    `stream` must be seekable (Django's uploaded files are); it is rewound afterwards.
    """
    max_pages = settings.PRINT_MAX_PAGES if max_pages is None else max_pages
    head, tail, size = _read_edges(stream)
    if size == 0:
        raise InvalidFile(_("The file is empty."))
    if b"%PDF-" not in head:
        raise InvalidFile(_("This is not a PDF document."))
    if b"%%EOF" not in tail:
        raise InvalidFile(_("The PDF is incomplete (it may have been cut off while uploading)."))

    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise InvalidFile(_("The PDF is password-protected or encrypted. Upload an unprotected copy."))
        pages = len(reader.pages)
    except InvalidFile:
        raise
    except Exception as exc:
        logger.info("pdf upload refused by the parser", extra={"error": type(exc).__name__})
        raise InvalidFile(_("The PDF is damaged and cannot be read.")) from None
    finally:
        stream.seek(0)

    if pages < 1:
        raise InvalidFile(_("The PDF has no pages."))
    if pages > max_pages:
        raise InvalidFile(
            _("The PDF has %(pages)s pages; at most %(max_pages)s can be printed in one job.")
            % {"pages": pages, "max_pages": max_pages}
        )
    return PdfInfo(pages=pages)
