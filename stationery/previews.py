"""Page previews: small PNGs of a job's selected pages, stored privately like its file.

They live in the default storage under `print-previews/<random>/<n>.png`; the folder name
is kept on the job (`preview_folder`) and nothing else leads to them. They are served only
through `GET /print-jobs/{id}/pages/{n}.png` to the job's student and vendor, and are
deleted together with the job's file.
"""

from __future__ import annotations

import base64
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PREVIEW_FOLDER = "print-previews"


def previews_save(images: dict[int, bytes], *, folder: str = "") -> str:
    """Store `images` (page number → PNG) in `folder` (a new random one if empty); return the folder."""
    folder = folder or f"{PREVIEW_FOLDER}/{secrets.token_hex(16)}"
    for number, data in sorted(images.items()):
        name = f"{folder}/{number}.png"
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(data))
    return folder


def preview_open(*, folder: str, number: int):
    """The stored PNG of page `number`, opened for reading; FileNotFoundError if there is none."""
    if not folder:
        raise FileNotFoundError(number)
    return default_storage.open(f"{folder}/{int(number)}.png", "rb")


def previews_delete(folder: str) -> None:
    """Remove every preview in `folder` (nothing happens if it is empty or already gone)."""
    if not folder or not folder.startswith(f"{PREVIEW_FOLDER}/"):
        return
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{folder}/{name}")


def preview_data_urls(images: dict[int, bytes], *, limit: int) -> list[dict]:
    """The first `limit` previews as `{"page", "src"}` with a data: URL, for the estimate's answer."""
    return [
        {"page": number, "src": "data:image/png;base64," + base64.b64encode(data).decode()}
        for number, data in sorted(images.items())[:limit]
    ]
