"""How long reading a print file takes: a 300-page PDF through stationery.analysis (issue 21).

    .venv/bin/python bench/print_analysis.py [pages]

Builds the document in memory (every page a full-page scanned-style image, one in ten with a
coloured patch — the slow case for PDFium, which must decode each image), then renders every
page in the limited child process exactly as the background task does, with previews.
Prints the total and the time per page, and fails if the colour pages are not the ones drawn
or if it took over 30 s.
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from stationery.analysis import analyse_pdf  # noqa: E402

LIMIT_SECONDS = 30


def scanned_pdf(pages: int) -> bytes:
    images = []
    for number in range(1, pages + 1):
        image = Image.new("RGB", (595, 842), "white")
        draw = ImageDraw.Draw(image)
        for line in range(40):
            draw.rectangle((50, 60 + line * 18, 540 - (line * 37) % 120, 68 + line * 18), fill=(40, 40, 40))
        if number % 10 == 1:
            draw.rectangle((60, 700, 200, 800), fill=(200, 40, 40))
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return buffer.getvalue()


def main() -> int:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    data = scanned_pdf(pages)
    started = time.monotonic()
    result = analyse_pdf(
        io.BytesIO(data),
        pages=list(range(1, pages + 1)),
        previews=True,
        timeout=settings.PRINT_ANALYSIS_TASK_TIMEOUT_SECONDS,
    )
    elapsed = time.monotonic() - started
    expected = [n for n in range(1, pages + 1) if n % 10 == 1]
    print(
        f"{pages} pages ({len(data) / 1e6:.1f} MB): {elapsed:.1f} s, {elapsed / pages * 1000:.0f} ms per page, "
        f"{len(result.colour_pages)} colour pages, {sum(map(len, result.previews.values())) / 1e3:.0f} kB of previews"
    )
    if result.colour_pages != expected:
        print(f"wrong colour pages: {result.colour_pages[:10]}…", file=sys.stderr)
        return 1
    return 0 if elapsed <= LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
