import pytest
from django.core.files.uploadhandler import StopUpload
from django.test import RequestFactory

from stationery.errors import FileTooLarge
from stationery.uploads import (
    FORM_OVERHEAD_BYTES,
    UploadLimitHandler,
    max_upload_bytes,
    refuse_oversized_request,
    upload_was_refused,
)


def _request(**meta):
    return RequestFactory().post("/api/v1/print-jobs", **meta)


def test_limit_comes_from_the_setting(settings):
    settings.PRINT_MAX_UPLOAD_MB = 3
    assert max_upload_bytes() == 3 * 1024 * 1024


def test_handler_passes_chunks_through_until_the_limit():
    request = _request()
    handler = UploadLimitHandler(request, max_bytes=10)
    handler.new_file("file", "a.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    assert handler.receive_data_chunk(b"67890", 5) == b"67890"
    assert not upload_was_refused(request)


def test_handler_stops_the_parser_once_the_limit_is_passed():
    request = _request()
    handler = UploadLimitHandler(request, max_bytes=10)
    handler.new_file("file", "a.pdf", "application/pdf", None)
    handler.receive_data_chunk(b"1234567890", 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"1", 10)
    assert upload_was_refused(request)


def test_handler_refuses_a_part_that_declares_its_size_over_the_limit():
    request = _request()
    handler = UploadLimitHandler(request, max_bytes=10)
    with pytest.raises(StopUpload):
        handler.new_file("file", "a.pdf", "application/pdf", 11)
    assert upload_was_refused(request)


def test_declared_length_within_limit_and_overhead_passes(settings):
    settings.PRINT_MAX_UPLOAD_MB = 1
    refuse_oversized_request(_request(CONTENT_LENGTH=str(1024 * 1024 + FORM_OVERHEAD_BYTES)))
    refuse_oversized_request(_request(CONTENT_LENGTH="not-a-number"))  # left to Django's parser


def test_declared_length_over_limit_and_overhead_is_refused(settings):
    settings.PRINT_MAX_UPLOAD_MB = 1
    with pytest.raises(FileTooLarge) as caught:
        refuse_oversized_request(_request(CONTENT_LENGTH=str(1024 * 1024 + FORM_OVERHEAD_BYTES + 1)))
    assert (caught.value.status_code, caught.value.code) == (413, "file_too_large")
