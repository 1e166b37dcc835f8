"""SVG labels in PDFs (plumbing.svg_labels): a chart label is laid out and shown as one piece of
text, where it belongs; text placed letter by letter keeps its places."""

import base64
import io

import pypdfium2
import pytest
from pypdf import PdfReader

from plumbing.pdf import html_to_pdf
from plumbing.svg_labels import is_whole_label

PT = 0.75  # the test's SVG is drawn at 1 px = 0.75 pt from the page's top left corner


def chart_pdf(*texts: str) -> bytes:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" '
        'font-family="DejaVu Sans, sans-serif" font-size="12">' + "".join(texts) + "</svg>"
    )
    url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return html_to_pdf(
        "<style>@page { size: 400px 200px; margin: 0 } body { margin: 0 }</style>"
        f'<img src="{url}" style="display: block; width: 400px; height: 200px">'
    )


def shown_pieces(pdf: bytes) -> list[bytes]:
    """The pieces of text the page shows, one per text-showing operator: what a PDF reader
    selects and finds as a unit, in drawing order."""
    pieces = []

    def before(operator, operands, cm, tm):
        if operator in (b"Tj", b"TJ"):
            pieces.append(operator)

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    page.extract_text(visitor_operand_before=before)
    return pieces


def spans(pdf: bytes, text: str) -> list[tuple[float, float]]:
    """(left, right) in pt of every place ``text`` is printed, as PDFium reads the page."""
    page = pypdfium2.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    found = []
    search = textpage.search(text, match_case=True)
    while (match := search.get_next()) is not None:
        first, count = match
        left = textpage.get_charbox(first)[0]
        right = textpage.get_charbox(first + count - 1)[2]
        found.append((left, right))
    return found


def test_a_chart_label_is_one_piece_of_text_where_it_was_put():
    pdf = chart_pdf('<text x="20" y="30">Winkeldiefstal</text>')

    assert len(shown_pieces(pdf)) == 1
    ((left, right),) = spans(pdf, "Winkeldiefstal")
    assert left == pytest.approx(20 * PT, abs=1.5)
    assert right - left > 60


def test_labels_anchored_at_their_end_and_middle_end_and_centre_on_their_point():
    """A label anchored at its end (the bar chart's category names, right-aligned against the
    axis) ends at its x; one anchored in the middle (an axis tick) is centred on it."""
    label = "Overtreding winkelverbod"
    pdf = chart_pdf(
        f'<text x="10" y="30">{label}</text>',
        f'<text x="390" y="60" text-anchor="end">{label}</text>',
        f'<text x="200" y="90" text-anchor="middle">{label}</text>',
    )

    assert len(shown_pieces(pdf)) == 3
    start, end, middle = spans(pdf, label)
    assert start[0] == pytest.approx(10 * PT, abs=1.5)
    assert end[1] == pytest.approx(390 * PT, abs=1.5)
    assert (middle[0] + middle[1]) / 2 == pytest.approx(200 * PT, abs=1.5)
    assert end[1] - end[0] == pytest.approx(start[1] - start[0], abs=0.5)


def test_letters_placed_one_by_one_keep_their_places():
    """A list of x positions places each letter (as dx, dy and rotate do): WeasyPrint's own
    drawing does that, letter by letter."""
    pdf = chart_pdf('<text x="10 110 210" y="50">abc</text>')

    assert len(shown_pieces(pdf)) == 3
    assert [spans(pdf, letter)[0][0] for letter in "abc"] == pytest.approx(
        [10 * PT, 110 * PT, 210 * PT], abs=1.5
    )


def test_which_labels_are_laid_out_whole():
    class Node:
        def __init__(self, text, **attrib):
            self.text = text
            self.attrib = {name.replace("_", "-"): value for name, value in attrib.items()}

    assert is_whole_label(Node("Meldingen", x="10", y="20"))
    assert is_whole_label(Node("Meldingen"))
    assert not is_whole_label(Node("", x="10", y="20"))
    assert not is_whole_label(Node("abc", x="10 20 30", y="20"))
    assert not is_whole_label(Node("abc", x="10,20", y="20"))
    assert not is_whole_label(Node("abc", x="10", dx="2"))
    assert not is_whole_label(Node("abc", x="10", rotate="45"))
    assert not is_whole_label(Node("abc", x="10", letter_spacing="2"))
