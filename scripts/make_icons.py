"""Draw the installable app's icons (static/pwa/*.png) with Pillow; run again after a change.

    .venv/bin/python scripts/make_icons.py

The colours are the student pages' (static/pages/site.css: --brand, --bg). A maskable icon keeps
everything that matters inside the centre circle of 80 % (the "safe zone"), since the launcher
may cut it to any shape; the plain icons fill a rounded square.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = "#0b6e4f"
BRAND_DARK = "#08543c"
WHITE = "#ffffff"
OUT = Path(__file__).resolve().parent.parent / "static" / "pwa"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _font(size: int) -> ImageFont.FreeTypeFont:
    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default(size=size)


def draw(size: int, *, maskable: bool) -> Image.Image:
    # Drawn at 4x and scaled down: smooth edges without antialiasing primitives.
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BRAND)
        art = int(big * 0.62)  # well inside the 80 % safe circle
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BRAND)
        art = int(big * 0.8)
    origin = (big - art) // 2
    # A plate (white ring) with the initials on it.
    ring = max(4, art // 14)
    pen.ellipse((origin, origin, origin + art, origin + art), fill=WHITE)
    pen.ellipse((origin + ring, origin + ring, origin + art - ring, origin + art - ring), fill=BRAND_DARK)
    font = _font(int(art * 0.34))
    text = "TNT"
    left, top, right, bottom = pen.textbbox((0, 0), text, font=font)
    pen.text(((big - (right - left)) / 2 - left, (big - (bottom - top)) / 2 - top), text, font=font, fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),  # iOS rounds the corners itself: no transparency
    ]:
        draw(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
