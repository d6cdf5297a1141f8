"""The print-upload size limit, enforced before the body is read where possible.

Two layers:

1. `refuse_oversized_request` looks at the request's `Content-Length` before
   anything reads the body: a body larger than the limit plus room for the
   other form fields is refused at once, unread.
2. `UploadLimitHandler`, first in the request's upload handlers, counts the
   bytes of the file as they stream in and stops the parser as soon as the
   limit is passed, so nothing more is written to memory or temporary files.
   It records the refusal on the request; the view turns it into 413.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from .errors import FileTooLarge

# Room in a multipart body for the boundaries, part headers and the small form
# fields (service, copies, double_sided, note) next to the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024

_REFUSED_ATTR = "tnt_print_upload_too_large"


def max_upload_bytes() -> int:
    return settings.PRINT_MAX_UPLOAD_MB * 1024 * 1024


def refuse_oversized_request(request: HttpRequest) -> None:
    """Raise `FileTooLarge` when the declared body size alone is over the limit."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return  # Django's own parser refuses a malformed length.
    if declared > max_upload_bytes() + FORM_OVERHEAD_BYTES:
        raise FileTooLarge(max_mb=settings.PRINT_MAX_UPLOAD_MB)


def upload_was_refused(request: HttpRequest) -> bool:
    return getattr(request, _REFUSED_ATTR, False)


class UploadLimitHandler(FileUploadHandler):
    """Stops reading a multipart body once its files pass `max_bytes` in total."""

    def __init__(self, request: HttpRequest, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0

    def _refuse(self) -> None:
        setattr(self.request, _REFUSED_ATTR, True)
        # Layer 1 already bounded the body to the limit plus the form overhead,
        # so draining the rest (connection_reset=False) is cheap and lets the
        # client read our 413 instead of a reset connection.
        raise StopUpload(connection_reset=False)

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.content_length is not None and self.content_length > self.max_bytes:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler in the chain builds the file
