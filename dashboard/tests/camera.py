"""A fake camera for browser tests: a Y4M video of a QR code, for Chromium's fake capture device.

`write_y4m(path, qr_picture(code))` writes the video; the `camera_browser` fixture (conftest.py)
starts a Chromium whose camera plays it.
"""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image

FRAME = (640, 480)


def write_y4m(path: Path, picture: Image.Image, frames: int = 15) -> Path:
    """A YUV4MPEG2 video (4:2:0, 10 fps) of `picture` centred on a light grey frame, `frames` long.

    Each frame is the header line FRAME, then the Y plane at full size and the Cb and Cr
    planes at half width and height (C420jpeg).
    """
    width, height = FRAME
    canvas = Image.new("RGB", FRAME, (235, 235, 235))
    side = min(width, height) - 80
    qr = picture.convert("RGB").resize((side, side), Image.NEAREST)
    canvas.paste(qr, ((width - side) // 2, (height - side) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(half, Image.BILINEAR).tobytes() + cr.resize(half, Image.BILINEAR).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path


def qr_picture(data: str) -> Image.Image:
    """The QR of `data` as the student's pages draw it (qrcode, border 4)."""
    return qrcode.make(data, border=4, box_size=10).get_image()


def blank_picture() -> Image.Image:
    """Nothing to read: a grey square."""
    return Image.new("RGB", (8, 8), (200, 200, 200))
