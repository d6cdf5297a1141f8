"""Render pages of one PDF with PDFium, in a process of its own (see `stationery.analysis`).

Run as `python render_worker.py <pdf> <out_dir|-> <pages> <scale> <preview_width>`: `pages` is
a comma list of 1-based page numbers ("" = none, only the page count and sizes are read).
For each page it tells whether the page has colour on it and, with an `out_dir`, writes a
small PNG preview `<n>.png` there. It prints one JSON object to stdout:
`{"pages": n, "sizes": [[w, h] in points, ...], "colour": [n, ...]}`; on a PDF that cannot be
read it prints `{"error": "..."}` and exits 2.

No Django here: the parent limits this process's time and memory and kills it past them,
and this file imports only pypdfium2 and Pillow so it starts fast.
"""

from __future__ import annotations

import json
import os
import sys

# A pixel is coloured when its channels differ by more than this (0…255): grey, anti-aliased
# text and JPEG noise in grey images stay well below it.
CHROMA_THRESHOLD = 40
# A page is a colour page when more than this many of its rendered pixels are coloured.
MIN_COLOUR_PIXELS = 6


def is_colour_image(image) -> bool:
    """Whether an RGB Pillow image has pixels that are not grey."""
    from PIL import ImageChops

    red, green, blue = image.split()
    high = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    low = ImageChops.darker(ImageChops.darker(red, green), blue)
    histogram = ImageChops.subtract(high, low).histogram()
    return sum(histogram[CHROMA_THRESHOLD + 1 :]) > MIN_COLOUR_PIXELS


def render(pdf_path: str, out_dir: str | None, pages: list[int], scale: float, preview_width: int) -> dict:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf_path)
    try:
        count = len(document)
        sizes = [list(document.get_page_size(index)) for index in range(count)]
        colour: list[int] = []
        for number in pages:
            if not 1 <= number <= count:
                raise ValueError(f"page {number} of {count}")
            page = document[number - 1]
            try:
                image = page.render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
            finally:
                page.close()
            if is_colour_image(image):
                colour.append(number)
            if out_dir:
                height = max(1, round(image.height * preview_width / image.width))
                image.resize((preview_width, height)).save(os.path.join(out_dir, f"{number}.png"), optimize=False)
        return {"pages": count, "sizes": sizes, "colour": colour}
    finally:
        document.close()


def main(argv: list[str]) -> int:
    pdf_path, out_dir, pages_arg, scale, preview_width = argv[1:6]
    pages = [int(part) for part in pages_arg.split(",") if part]
    try:
        result = render(pdf_path, None if out_dir == "-" else out_dir, pages, float(scale), int(preview_width))
    except Exception as exc:  # any failure to read the PDF is the file's fault: the parent says so
        print(json.dumps({"error": type(exc).__name__}))
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
