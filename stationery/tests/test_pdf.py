import io

import pytest

from stationery.errors import InvalidFile
from stationery.pdf import pdf_inspect

from .pdfs import encrypted_pdf_bytes, pdf_bytes, text_as_pdf_bytes, truncated_pdf_bytes


def _inspect(data: bytes, **kwargs):
    return pdf_inspect(io.BytesIO(data), **kwargs)


def test_page_count_comes_from_the_file():
    assert _inspect(pdf_bytes(3)).pages == 3
    assert _inspect(pdf_bytes(1)).pages == 1


def test_stream_is_rewound_for_storing_afterwards():
    stream = io.BytesIO(pdf_bytes(2))
    pdf_inspect(stream)
    assert stream.tell() == 0


@pytest.mark.parametrize(
    ("data", "reason_part"),
    [
        (b"", "empty"),
        (text_as_pdf_bytes(), "not a PDF"),
        (truncated_pdf_bytes(), "incomplete"),
        (encrypted_pdf_bytes(), "encrypted"),
        (encrypted_pdf_bytes(user_password=""), "encrypted"),  # opens without a password, still refused
        (pdf_bytes(0), "no pages"),
    ],
    ids=["empty", "text-renamed", "truncated", "encrypted", "encrypted-empty-password", "zero-pages"],
)
def test_unprintable_files_are_refused_with_a_reason(data, reason_part):
    with pytest.raises(InvalidFile) as caught:
        _inspect(data)
    assert reason_part in caught.value.reason
    assert caught.value.code == "invalid_file"
    assert caught.value.details == {"file": [caught.value.reason]}


def test_magic_bytes_alone_are_not_enough():
    """A header and an end marker around garbage is still not a PDF: the parser decides."""
    fake = b"%PDF-1.7\n" + b"this is not a pdf body\n" * 50 + b"%%EOF\n"
    with pytest.raises(InvalidFile) as caught:
        _inspect(fake)
    assert "damaged" in caught.value.reason


def test_more_pages_than_allowed_are_refused(settings):
    settings.PRINT_MAX_PAGES = 4
    assert _inspect(pdf_bytes(4)).pages == 4
    with pytest.raises(InvalidFile) as caught:
        _inspect(pdf_bytes(5))
    assert "5 pages" in caught.value.reason and "at most 4" in caught.value.reason
