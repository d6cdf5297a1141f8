"""Menu photos: checked by decoding, stripped, re-encoded, stored under random names.

A vendor's upload is trusted for nothing: it must be at most MENU_IMAGE_MAX_MB and decode as
a JPEG, PNG or WebP within Pillow's decompression-bomb guard (MAX_PIXELS). The pixels alone
are kept (EXIF, ICC, comments and anything appended are dropped; the EXIF orientation is
applied first), re-encoded as WebP at 640 px and 160 px on the long side, and written to
the "menu_images" storage (settings.STORAGES) under random names, so a disk can be swapped
for an object store and old names are never reused. Photos are public.
"""

from __future__ import annotations

import io
import logging
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.models import User

from .errors import ImageTooLarge, InvalidImage
from .locks import own_entry_lock
from .models import MenuItem
from .services import _require_vendor

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # well above any phone camera; a bomb claiming more is refused unread
LARGE_PX = 640
THUMB_PX = 160
STORAGE_ALIAS = "menu_images"


@dataclass(frozen=True)
class StoredPhoto:
    image: str
    image_size: tuple[int, int]
    thumbnail: str
    thumbnail_size: tuple[int, int]


def photo_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def max_bytes() -> int:
    return int(settings.MENU_IMAGE_MAX_MB) * 1024 * 1024


def _decode(data: bytes) -> Image.Image:
    """The decoded picture in RGB(A); InvalidImage for anything that is not a whole, sane image."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow raises DecompressionBombError beyond 2x this
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise InvalidImage()
                probe.verify()  # structure and checksums, without decoding the pixels
            picture = Image.open(io.BytesIO(data))  # verify() leaves the image unusable: open again
            picture.load()
    except InvalidImage:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidImage() from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt data
        raise InvalidImage() from exc
    picture = ImageOps.exif_transpose(picture)
    return picture.convert("RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB")


def _webp(picture: Image.Image, longest: int) -> tuple[bytes, tuple[int, int]]:
    copy = picture.copy()
    copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    clean = Image.new(copy.mode, copy.size)  # only the pixels: no info, EXIF or ICC carried over
    clean.paste(copy)
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=80, method=4)
    return out.getvalue(), clean.size


def photo_store(uploaded: UploadedFile) -> StoredPhoto:
    """Check, strip, re-encode and store one uploaded photo; ImageTooLarge (413) or InvalidImage (400)."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes():
        raise ImageTooLarge(details={"max_mb": int(settings.MENU_IMAGE_MAX_MB)})
    data = uploaded.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise ImageTooLarge(details={"max_mb": int(settings.MENU_IMAGE_MAX_MB)})
    picture = _decode(data)
    large, large_size = _webp(picture, LARGE_PX)
    thumb, thumb_size = _webp(picture, THUMB_PX)
    storage = photo_storage()
    stem = secrets.token_urlsafe(18)
    large_name = storage.save(f"{stem}-{LARGE_PX}.webp", ContentFile(large))
    thumb_name = storage.save(f"{stem}-{THUMB_PX}.webp", ContentFile(thumb))
    return StoredPhoto(image=large_name, image_size=large_size, thumbnail=thumb_name, thumbnail_size=thumb_size)


def photo_delete(*names: str) -> None:
    """Remove stored files (after the database no longer names them); a failure is only logged."""
    storage = photo_storage()
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            logger.warning("menu photo not deleted", extra={"photo": name}, exc_info=True)


def photo_url(name: str) -> str | None:
    return photo_storage().url(name) if name else None


# --- the photo of a menu item ---------------------------------------------------------


def _set_photo(*, vendor: User, item_id: int, photo: StoredPhoto | None) -> MenuItem:
    _require_vendor(vendor, vendor_type=User.VendorType.FOOD)
    with transaction.atomic():
        item = own_entry_lock(MenuItem, vendor_id=vendor.pk, obj_id=item_id)
        old = (item.image, item.thumbnail)
        item.image = photo.image if photo else ""
        item.thumbnail = photo.thumbnail if photo else ""
        item.image_width, item.image_height = photo.image_size if photo else (None, None)
        item.thumbnail_width, item.thumbnail_height = photo.thumbnail_size if photo else (None, None)
        item.save(
            update_fields=[
                "image",
                "image_width",
                "image_height",
                "thumbnail",
                "thumbnail_width",
                "thumbnail_height",
                "updated_at",
            ]
        )
        transaction.on_commit(lambda: photo_delete(*old))
    return item


def menu_item_photo_set(*, vendor: User, item_id: int, uploaded: UploadedFile) -> MenuItem:
    """Give one of the vendor's own items a new photo (the old files go once the change commits)."""
    photo = photo_store(uploaded)
    try:
        return _set_photo(vendor=vendor, item_id=item_id, photo=photo)
    except BaseException:
        photo_delete(photo.image, photo.thumbnail)  # nothing names them
        raise


def menu_item_photo_remove(*, vendor: User, item_id: int) -> MenuItem:
    """Take the photo off one of the vendor's own items; a menu without photos looks fine."""
    return _set_photo(vendor=vendor, item_id=item_id, photo=None)
