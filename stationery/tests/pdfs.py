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


# --- pages with content (issue 21: colour pages) ------------------------------------

GREY_BOX = b"0.5 g 60 500 300 200 re f 0 g 60 400 400 4 re f"
RED_BOX = b"0.5 g 60 500 300 200 re f 0.9 0.1 0.1 rg 60 300 120 80 re f"


def _page_with(writer, content: bytes, *, resources=None):
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    if resources is not None:
        page[NameObject("/Resources")] = resources
    else:
        page[NameObject("/Resources")] = DictionaryObject()
    return page


def content_pdf_bytes(kinds: list[str]) -> bytes:
    """A PDF whose pages are "grey" (grey and black boxes), "colour" (a red box too) or "blank"."""
    writer = PdfWriter()
    for kind in kinds:
        _page_with(writer, {"grey": GREY_BOX, "colour": RED_BOX, "blank": b""}[kind])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_page_pdf_bytes(*, colour: bool) -> bytes:
    """A one-page PDF holding an RGB photo: greys only, or with a small coloured patch."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 560), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    for step in range(0, 400, 20):
        draw.rectangle((step, 100, step + 19, 300), fill=(step // 2, step // 2, step // 2))
    if colour:
        draw.rectangle((20, 400, 80, 440), fill=(30, 90, 200))
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=48)
    return buffer.getvalue()


def heavy_pdf_bytes(boxes: int = 400_000) -> bytes:
    """One page with so many tiny paths that rendering it takes seconds."""
    parts = [b"0.2 g"]
    for index in range(boxes):
        x, y = index % 500, (index // 500) % 800
        parts.append(b"%d %d 0.5 0.5 re f" % (x, y))
    writer = PdfWriter()
    _page_with(writer, b"\n".join(parts))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def photo_bytes(*, fmt: str = "JPEG", size=(300, 200), orientation: int | None = None) -> bytes:
    """A photo (landscape pixels), optionally with an EXIF orientation tag and camera details."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((40, 40, 200), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "SecretPhone 9"  # Model
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif.tobytes())
    return buffer.getvalue()
