"""Documents for upload tests, generated with pypdf (never read from disk)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter


def pdf_bytes(pages: int = 3, *, padding: int = 0) -> bytes:
    """A valid PDF of blank A4 pages; `padding` bytes of metadata make it bigger but still valid."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)  # A4 in points
    if padding:
        writer.add_metadata({"/Padding": "x" * padding})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf_bytes(pages: int = 2, *, user_password: str = "secret") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def truncated_pdf_bytes(pages: int = 3) -> bytes:
    data = pdf_bytes(pages)
    return data[: len(data) * 2 // 3]


def text_as_pdf_bytes() -> bytes:
    return b"Notes for the exam\nThis is plain text that someone renamed to notes.pdf\n" * 20


def upload(data: bytes, name: str = "notes.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root) -> list:
    """Every file under a storage root (the tests' private MEDIA_ROOT)."""
    return sorted(path for path in root.rglob("*") if path.is_file())


def print_files(root) -> list:
    """The stored print files (PDFs) under a storage root, leaving out page previews."""
    return [path for path in stored_files(root) if path.relative_to(root).parts[0] == "print-jobs"]
