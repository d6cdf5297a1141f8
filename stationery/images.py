"""Photos of documents: a JPEG or PNG upload becomes a one-page PDF.

The image is decoded by Pillow (refusing decompression bombs), turned upright by its EXIF
orientation, flattened onto white and written as a one-page PDF sized to fit A4 (portrait or
landscape as the photo is). Nothing of the photo's metadata (EXIF: camera, place, time) is
carried into the PDF.
"""

from __future__ import annotations

import io
import warnings
from typing import IO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from .errors import InvalidFile

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# At most this many pixels are decoded (a 48-megapixel phone photo fits).
MAX_PIXELS = 50_000_000
# A4 in inches: the photo is scaled to fill it.
_A4_INCHES = (8.27, 11.69)


def image_kind(head: bytes) -> str | None:
    """ "jpeg" or "png" from the file's first bytes, else None."""
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    if head.startswith(PNG_MAGIC):
        return "png"
    return None


def image_to_pdf(stream: IO[bytes], *, name: str = "photo") -> SimpleUploadedFile:
    """A one-page PDF of the photo in `stream`. Raises InvalidFile when it cannot be decoded."""
    from PIL import Image, ImageOps

    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as opened:
                if opened.format not in ("JPEG", "PNG"):
                    raise InvalidFile(_("Only PDF, JPEG and PNG files can be printed."))
                if opened.width * opened.height > MAX_PIXELS:
                    raise InvalidFile(_("The photo is too large; send one of at most 50 megapixels."))
                upright = ImageOps.exif_transpose(opened)
                upright.load()
    except InvalidFile:
        raise
    except Exception:
        raise InvalidFile(_("The photo is damaged and cannot be read.")) from None
    finally:
        stream.seek(0)
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = upright.convert("RGB")
    width_in, height_in = _A4_INCHES if flat.height >= flat.width else _A4_INCHES[::-1]
    dpi = max(flat.width / width_in, flat.height / height_in)
    clean = Image.frombytes("RGB", flat.size, flat.tobytes())  # pixels only: no info, no EXIF
    out = io.BytesIO()
    clean.save(out, "PDF", resolution=dpi, quality=90)
    stem = (name.rsplit(".", 1)[0] or "photo")[:150]
    return SimpleUploadedFile(f"{stem}.pdf", out.getvalue(), content_type="application/pdf")
