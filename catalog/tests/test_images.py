"""Menu photos: decoded, stripped, re-encoded at two sizes, stored under random names."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.images import photo_storage
from catalog.models import MenuItem

from .factories import FoodShopFactory, MenuItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def photo_root(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "menu_images": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media/menu/"},
        },
    }
    return tmp_path


def picture(fmt: str = "JPEG", size=(1200, 900), exif: bool = True) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {2: (12.0, 58.0, 0.0)}  # GPS info: where the vendor stood
        image.save(out, format=fmt, exif=data.tobytes())
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def upload(client, item, data: bytes, name="dosa.jpg", content_type="image/jpeg"):
    return client.post(
        f"/api/v1/menu-items/{item.pk}/image",
        {"image": SimpleUploadedFile(name, data, content_type=content_type)},
        format="multipart",
    )


def test_a_photo_is_re_encoded_to_webp_at_640_and_160_without_exif(make_client, photo_root):
    item = MenuItemFactory()
    response = upload(make_client(item.vendor), item, picture())
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["image_url"].startswith("/media/menu/") and body["image_url"].endswith(".webp")
    assert (body["image_width"], body["image_height"]) == (640, 480)
    assert (body["thumbnail_width"], body["thumbnail_height"]) == (160, 120)
    item.refresh_from_db()
    for name, width in ((item.image, 640), (item.thumbnail, 160)):
        with photo_storage().open(name) as stored, Image.open(stored) as image:
            assert image.format == "WEBP" and image.width == width
            assert not image.getexif() and "exif" not in image.info
    assert "dosa" not in item.image and len(item.image) > 20  # a random name, not the upload's


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(make_client, fmt):
    item = MenuItemFactory()
    response = upload(make_client(item.vendor), item, picture(fmt, exif=False), name=f"x.{fmt.lower()}")
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4 not a photo", picture()[:2000], picture("GIF", exif=False), b""],
    ids=["pdf", "truncated", "gif", "empty"],
)
def test_anything_but_a_whole_jpeg_png_or_webp_is_invalid_image(make_client, data):
    item = MenuItemFactory()
    response = upload(make_client(item.vendor), item, data)
    assert response.status_code == 400 and response.json()["error"]["code"] in ("invalid_image", "validation_error")
    item.refresh_from_db()
    assert item.image == "" and not photo_storage().listdir("")[1]


def test_a_decompression_bomb_is_refused_unread(make_client, monkeypatch):
    monkeypatch.setattr("catalog.images.MAX_PIXELS", 1000)
    item = MenuItemFactory()
    response = upload(make_client(item.vendor), item, picture(size=(2000, 2000), exif=False))
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_image"


def test_over_menu_image_max_mb_is_file_too_large(make_client, settings):
    settings.MENU_IMAGE_MAX_MB = 1
    item = MenuItemFactory()
    response = upload(make_client(item.vendor), item, picture() + b"\0" * (1024 * 1024 + 1))
    assert response.status_code == 413 and response.json()["error"]["code"] == "file_too_large"
    assert MenuItem.objects.get(pk=item.pk).image == ""


def test_the_owner_removes_the_photo_and_its_files_go(make_client, django_capture_on_commit_callbacks):
    item = MenuItemFactory()
    client = make_client(item.vendor)
    upload(client, item, picture())
    item.refresh_from_db()
    names = (item.image, item.thumbnail)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/v1/menu-items/{item.pk}/image")
    assert response.status_code == 200 and response.json()["image_url"] is None
    assert not any(photo_storage().exists(name) for name in names)


def test_another_vendor_cannot_set_the_photo(make_client):
    item = MenuItemFactory()
    response = upload(make_client(FoodShopFactory().vendor), item, picture())
    assert response.status_code == 404
    assert MenuItem.objects.get(pk=item.pk).image == ""
    assert not photo_storage().listdir("")[1]  # the re-encoded files were removed again


def test_photos_are_served_publicly_and_cacheable(make_client, client):
    item = MenuItemFactory()
    url = upload(make_client(item.vendor), item, picture()).json()["thumbnail_url"]
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"]
    assert client.get("/media/menu/..%2Fsettings.py").status_code == 404
