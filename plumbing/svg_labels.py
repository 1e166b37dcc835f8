"""SVG text in PDFs laid out a label at a time instead of a letter at a time.

WeasyPrint 70 draws an SVG ``<text>`` letter by letter: it asks Pango to lay out each character
on its own (so that ``x``, ``dx`` or ``rotate`` lists can place every letter) and shows each as
its own piece of text. A chart label of ten letters costs eleven Pango layouts and ten text
objects, which made the certification report's two charts (about 40 labels) take an eighth of
its time (bench/report_pdf.py, docs/performance.md).

Our charts (``plumbing.charts``) write every label as one ``<text>`` with one ``x`` and one ``y``
and nothing per letter. For such a label the letters follow each other exactly as in a single
layout, so it is handed to WeasyPrint's own text drawing as *one* letter: a string that iterates
as itself. WeasyPrint then makes one layout and one text object for the label, with its own
anchoring, colours and bounding box. (Laid out whole, the label is also shaped whole: kerned,
where letter by letter it was not.) Anything with per-letter placement (``dx``, ``dy``, ``rotate``,
lists of coordinates, ``textLength``, ``letter-spacing``) takes WeasyPrint's path unchanged.

`install` is called once, by ``plumbing.pdf`` when it imports WeasyPrint.
"""

from __future__ import annotations

import functools
import re

# Attributes that place letters one by one: a label with any of them is left to WeasyPrint.
PER_LETTER = ("dx", "dy", "rotate", "textLength", "lengthAdjust", "letter-spacing")
_SEPARATORS = re.compile(r"[\s,]+")


class _WholeLabel(str):
    """A label that iterates as one piece: the text drawing's loop over its letters then lays
    out and shows the whole label once."""

    __slots__ = ()

    def __iter__(self):
        yield str(self)


def _one_value(value) -> bool:
    return value is None or len(_SEPARATORS.split(str(value).strip())) <= 1


def is_whole_label(node) -> bool:
    """Whether ``node`` (a WeasyPrint SVG node) is a label WeasyPrint may lay out at once."""
    attributes = node.attrib
    return (
        bool(node.text)
        and not any(name in attributes for name in PER_LETTER)
        and _one_value(attributes.get("x"))
        and _one_value(attributes.get("y"))
    )


@functools.cache
def install() -> None:
    """Put the label drawing in place of WeasyPrint's text drawing, for every tag that uses it
    (``text``, ``tspan``, ``textPath``, ``a``), and where the SVG drawing compares a tag's
    drawing with it to anchor text (``text-anchor``)."""
    from weasyprint import svg

    letter_by_letter = svg.text

    def draw_text(svg_drawing, node, font_size):
        if not is_whole_label(node):
            return letter_by_letter(svg_drawing, node, font_size)
        element = node._etree_node  # where the node keeps its text
        text = element.text
        element.text = _WholeLabel(text)
        try:
            return letter_by_letter(svg_drawing, node, font_size)
        finally:
            element.text = text

    svg.text = draw_text
    for tag, drawing in svg.TAGS.items():
        if drawing is letter_by_letter:
            svg.TAGS[tag] = draw_text
