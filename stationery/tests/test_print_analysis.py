"""Issue 21: reading pages (colour or grey), page ranges, sheets, the estimate, photos."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from catalog.tests.factories import PrintServiceFactory
from core.errors import ValidationFailed
from stationery.analysis import analyse_pdf
from stationery.errors import InvalidFile
from stationery.images import image_to_pdf
from stationery.pages import page_range_format, page_range_parse
from stationery.pricing import estimate_for, sheets_for

from .pdfs import content_pdf_bytes, heavy_pdf_bytes, image_page_pdf_bytes, pdf_bytes, photo_bytes, text_as_pdf_bytes

# --- colour pages -------------------------------------------------------------------


def test_a_colour_page_and_grey_ones_are_told_apart():
    result = analyse_pdf(io.BytesIO(content_pdf_bytes(["grey", "colour", "blank", "colour"])), pages=[1, 2, 3, 4])
    assert result.pages == 4
    assert result.colour_pages == [2, 4]
    assert result.sizes[0] == (595.0, 842.0)


def test_only_the_pages_asked_for_are_read():
    result = analyse_pdf(io.BytesIO(content_pdf_bytes(["colour", "grey", "colour"])), pages=[2, 3])
    assert result.colour_pages == [3]


@pytest.mark.parametrize("colour, expected", [(False, []), (True, [1])])
def test_a_page_with_only_grey_images_is_grey(colour, expected):
    assert analyse_pdf(io.BytesIO(image_page_pdf_bytes(colour=colour)), pages=[1]).colour_pages == expected


def test_previews_are_small_pngs_of_the_pages():
    result = analyse_pdf(io.BytesIO(content_pdf_bytes(["grey", "colour"])), pages=[1, 2], previews=True)
    assert set(result.previews) == {1, 2}
    image = Image.open(io.BytesIO(result.previews[2]))
    assert image.format == "PNG" and image.width == 180 and image.height > image.width


def test_a_file_pdfium_cannot_render_is_refused():
    with pytest.raises(InvalidFile):
        analyse_pdf(io.BytesIO(text_as_pdf_bytes()), pages=[1])


def test_a_file_that_takes_too_long_to_render_is_refused_not_left_hanging(settings):
    # The heavy page takes about a second to render on an idle machine, an ordinary one 0.1 s.
    settings.PRINT_ANALYSIS_TIMEOUT_SECONDS = 0.3
    with pytest.raises(InvalidFile, match="too long"):
        analyse_pdf(io.BytesIO(heavy_pdf_bytes(600_000)), pages=[1])
    # The same limits let an ordinary page through.
    assert analyse_pdf(io.BytesIO(content_pdf_bytes(["colour"])), pages=[1], timeout=10).colour_pages == [1]


def test_the_renderer_runs_under_a_memory_limit(settings):
    settings.PRINT_ANALYSIS_MEMORY_MB = 16  # too little for the interpreter and PDFium
    with pytest.raises(InvalidFile):
        analyse_pdf(io.BytesIO(pdf_bytes(1)), pages=[1])


# --- page ranges --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        (None, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        ("1-3,7", [1, 2, 3, 7]),
        (" 2 - 4 , 4 ,10", [2, 3, 4, 10]),
        ("7,1-2", [1, 2, 7]),
        ("10", [10]),
        ("1-10", list(range(1, 11))),
    ],
)
def test_page_ranges_select_pages(text, expected):
    assert page_range_parse(text, pages=10) == expected


@pytest.mark.parametrize(
    "text", ["0", "0-2", "3-1", "11", "10-11", "1-3,", "a", "1-2-3", "-3", "1;2", "1 2", "x" * 201]
)
def test_bad_page_ranges_are_refused(text):
    with pytest.raises(ValidationFailed) as refused:
        page_range_parse(text, pages=10)
    assert "page_range" in refused.value.details


def test_the_range_end_is_the_last_page():
    assert page_range_parse("5-10", pages=10)[-1] == 10
    with pytest.raises(ValidationFailed) as refused:
        page_range_parse("5-11", pages=10)
    assert "past the end" in refused.value.details["page_range"][0]


@pytest.mark.parametrize(
    "selected, text", [([1, 2, 3, 7], "1-3,7"), ([1, 2, 3, 4], ""), ([2], "2"), ([1, 3, 4, 6], "1,3-4,6")]
)
def test_a_selection_has_one_normal_form(selected, text):
    assert page_range_format(selected, pages=4 if text == "" else 10) == text


# --- sheets and the estimate --------------------------------------------------------


@pytest.mark.parametrize(
    "pages, per_sheet, double, copies, sheets",
    [
        (7, 1, False, 1, 7),
        (7, 1, True, 1, 4),
        (7, 2, False, 1, 4),
        (7, 2, True, 1, 2),
        (7, 4, False, 1, 2),
        (7, 4, True, 1, 1),
        (8, 4, True, 3, 3),
        (9, 4, True, 2, 4),
        (1, 1, True, 5, 5),
        (16, 2, True, 1, 4),
    ],
)
def test_sheets_for_every_combination_of_sides_and_pages_per_sheet(pages, per_sheet, double, copies, sheets):
    assert sheets_for(pages_selected=pages, pages_per_sheet=per_sheet, double_sided=double, copies=copies) == sheets


@pytest.mark.django_db
def test_the_estimate_charges_colour_pages_at_the_colour_price_in_auto_mode():
    service = PrintServiceFactory(price_paise=200, colour_price_paise=1000)
    binding = PrintServiceFactory(vendor=service.vendor, unit="job", price_paise=3000, name="Binding")
    estimate = estimate_for(
        service=service, selected=[1, 2, 3, 7], colour_pages=[2, 5], colour_mode="auto", copies=3, finishing=[binding]
    )
    # 3 b/w + 1 colour page (5 is not selected), per copy; binding once per copy.
    assert (estimate.bw_pages, estimate.colour_pages) == (3, 1)
    assert estimate.estimated_paise == (3 * 200 + 1000) * 3 + 3000 * 3


@pytest.mark.django_db
def test_black_and_white_mode_charges_every_page_at_the_page_price():
    service = PrintServiceFactory(price_paise=200, colour_price_paise=1000)
    estimate = estimate_for(service=service, selected=[1, 2], colour_pages=[1, 2], colour_mode="bw", copies=2)
    assert estimate.estimated_paise == 2 * 200 * 2


# --- photos of documents ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_photo_becomes_a_one_page_pdf_without_its_exif(fmt):
    pdf = image_to_pdf(io.BytesIO(photo_bytes(fmt=fmt)), name="form.jpg")
    data = pdf.read()
    assert pdf.name == "form.pdf" and data.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert b"SecretPhone" not in data and b"PhoneMaker" not in data and b"Exif" not in data


def test_a_photo_keeps_its_orientation():
    # Landscape pixels tagged "rotate 90°": the page is portrait.
    upright = image_to_pdf(io.BytesIO(photo_bytes(size=(300, 200), orientation=6)))
    box = PdfReader(io.BytesIO(upright.read())).pages[0].mediabox
    assert box.height > box.width
    plain = image_to_pdf(io.BytesIO(photo_bytes(size=(300, 200))))
    box = PdfReader(io.BytesIO(plain.read())).pages[0].mediabox
    assert box.width > box.height


def test_a_damaged_photo_is_refused():
    with pytest.raises(InvalidFile):
        image_to_pdf(io.BytesIO(photo_bytes()[:200]))


def test_a_large_file_is_split_between_renderers_and_every_colour_page_found(settings):
    settings.PRINT_ANALYSIS_PROCESSES = 2
    kinds = ["grey"] * 50
    for number in (3, 30, 49):
        kinds[number - 1] = "colour"
    result = analyse_pdf(io.BytesIO(content_pdf_bytes(kinds)), pages=list(range(1, 51)), previews=True)
    assert result.colour_pages == [3, 30, 49]
    assert sorted(result.previews) == list(range(1, 51))
