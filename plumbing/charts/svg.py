"""The SVG writer, with the paint that tells the series apart and the small text helpers that
measure and shorten labels."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Dark enough for text and thin lines on white (WCAG 4.5:1 and more), apart in hue and in lightness.
PALETTE = ("#0b4f8a", "#b3261e", "#5c4700", "#1e6b35")
DASHES = ("", "8 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")
PATTERNS = ("solid", "stripes", "dots", "bars")

FONT_FAMILY = "DejaVu Sans, sans-serif"
FONT_SIZE = 12  # CSS px: 9 pt when a 640 px chart fills the width of an A4 page
CHAR_WIDTH = 0.62  # DejaVu Sans is wide: an average glyph is about 0.6 em
TEXT = "#1a1a1a"
MUTED = "#595959"
GRID = "#d9d9d9"
LINE_HEIGHT = FONT_SIZE + 2  # a label wrapped onto a second line
# A tooltip: a <title> without an id (the chart's own title has one). Its text is escaped.
_TOOLTIP = re.compile(r"<title>[^<]*</title>")


class _Svg:
    """Collects elements; every attribute value and text passes through ``escape``."""

    def __init__(self, prefix: str, width: int, height: int, *, title: str, desc: str):
        self.prefix = escape(prefix)
        self.defs: list[str] = []
        self.parts: list[str] = []
        # The same drawing for print (``finish_print``): no tooltips, and the bars and points of
        # a series as one path, painted once (WeasyPrint paints a pattern fill anew for every
        # shape that uses it: a tenth of the certification report's time).
        self.print_parts: list[str] = []
        self._series_path: list[str] | None = None
        self.patterns: set[int | str] = set()
        self.head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'aria-labelledby="{self.prefix}-title {self.prefix}-desc" '
            f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{TEXT}">'
            f'<title id="{self.prefix}-title">{escape(title)}</title>'
            f'<desc id="{self.prefix}-desc">{escape(desc)}</desc>'
        )

    def finish(self) -> SafeString:
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        return mark_safe(self.head + defs + "".join(self.parts) + "</svg>")  # noqa: S308 (escaped)

    def finish_print(self) -> SafeString:
        """The SVG for a printed page: see ``print_parts``."""
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        printed = self.head + defs + "".join(self.print_parts) + "</svg>"
        return mark_safe(printed)  # noqa: S308 (escaped)

    def element(self, tag, attrs: dict, content: str = "", *, shape: str = "") -> None:
        """An element; ``shape`` is its outline as path data, which a printed series' one path
        takes instead of the element (its tooltip has no use on paper)."""
        self.parts.append(_element(tag, attrs, content))
        if shape and self._series_path is not None:
            self._series_path.append(shape)
            return
        printed = _TOOLTIP.sub("", content) if content else content
        self.print_parts.append(_element(tag, attrs, printed))

    def text(self, x, y, text, *, anchor="start", fill=None, size=None, rotate=None, full=None):
        attrs = {"x": x, "y": y}
        if anchor != "start":
            attrs["text-anchor"] = anchor
        if fill:
            attrs["fill"] = fill
        if size:
            attrs["font-size"] = size
        if rotate:
            attrs["transform"] = f"rotate(-45 {_n(rotate[0])} {_n(rotate[1])})"
        content = escape(text)
        if full is not None and full != text:
            content = f"<title>{escape(full)}</title>{content}"
        self.element("text", attrs, content)

    def line(self, x1, y1, x2, y2, *, stroke, dash=""):
        attrs = {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": stroke}
        if dash:
            attrs["stroke-dasharray"] = dash
        self.element("line", attrs)

    def rect(self, x, y, width, height, **attrs):
        self.element("rect", {"x": x, "y": y, "width": width, "height": height, **attrs})

    def target_line(self, x1, y1, x2, y2, *, kind="chart-target"):
        attrs = {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": TEXT, "stroke-width": 1.5}
        self.element("line", {**attrs, "stroke-dasharray": "6 4", "class": kind})

    def fill(self, index: int) -> str:
        """The fill of series ``index``'s bars: solid, or its colour under a white pattern."""
        colour = PALETTE[index]
        kind = PATTERNS[index]
        if kind == "solid":
            return colour
        pattern_id = f"{self.prefix}-pattern-{index}"
        if index not in self.patterns:
            self.patterns.add(index)
            if kind == "stripes":
                marks = '<path d="M0,6L6,0M-1,1L1,-1M5,7L7,5" stroke="#ffffff" stroke-width="1.6"/>'
            elif kind == "dots":
                marks = '<circle cx="3" cy="3" r="1.4" fill="#ffffff"/>'
            else:
                marks = '<path d="M0,3H6" stroke="#ffffff" stroke-width="1.6"/>'
            self.defs.append(
                f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="{colour}"/>{marks}</pattern>'
            )
        return f"url(#{pattern_id})"

    def missing_fill(self) -> str:
        """The fill of a stretch without data: thin grey hatching over the grid, plainly not a
        bar and not a zero, also on a printer without colour."""
        pattern_id = f"{self.prefix}-missing"
        if pattern_id not in self.patterns:
            self.patterns.add(pattern_id)
            self.defs.append(
                f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse">'
                f'<path d="M0,8L8,0M-2,2L2,-2M6,10L10,6" stroke="{MUTED}" stroke-width="0.6"/>'
                "</pattern>"
            )
        return f"url(#{pattern_id})"

    def open_series(self, **attrs):
        """A group for one series' bars or line and points, which carries their paint."""
        group = _element("g", {"class": "chart-series", **attrs}, content=None)
        self.parts.append(group)
        self.print_parts.append(group)
        self._series_path = []

    def close_series(self):
        self.parts.append("</g>")
        if self._series_path:
            self.print_parts.append(_element("path", {"d": "".join(self._series_path)}))
        self.print_parts.append("</g>")
        self._series_path = None

    def bar(self, x, y, width, height, *, tip):
        attrs = {"x": x, "y": y, "width": width, "height": height}
        shape = f"M{_n(x)},{_n(y)}h{_n(width)}v{_n(height)}h{_n(-width)}z"
        self.element("rect", attrs, f"<title>{escape(tip)}</title>", shape=shape)

    def polyline(self, index, points):
        """A line through ``points``; a ``None`` point breaks it (a gap, not a drop to zero)."""
        path = []
        pen_down = False
        for point in points:
            if point is None:
                pen_down = False
                continue
            path.append(("L" if pen_down else "M") + f"{_n(point[0])},{_n(point[1])}")
            pen_down = True
        if not path:
            return
        attrs = {
            "d": "".join(path),
            "fill": "none",
            "stroke": PALETTE[index],
            "stroke-width": 2,
            "stroke-linejoin": "round",
            "class": "chart-line",
        }
        if DASHES[index]:
            attrs["stroke-dasharray"] = DASHES[index]
        self.element("path", attrs)

    def marker(self, index, x, y, *, tip="", **attrs):
        """A point of series ``index``: a circle, square, triangle or diamond."""
        content = f"<title>{escape(tip)}</title>" if tip else ""
        kind = MARKERS[index]
        # Its outline, for a printed series' one path (only a marker painted as its series is).
        if kind == "circle":
            outline = f"M{_n(x - 3.5)},{_n(y)}a3.5,3.5 0 1,0 7,0a3.5,3.5 0 1,0 -7,0z"
            element = ("circle", {"cx": x, "cy": y, "r": 3.5, **attrs})
        elif kind == "square":
            outline = f"M{_n(x - 3.5)},{_n(y - 3.5)}h7v7h-7z"
            element = ("rect", {"x": x - 3.5, "y": y - 3.5, "width": 7, "height": 7, **attrs})
        elif kind == "triangle":
            outline = f"M{_n(x)},{_n(y - 4.5)}l4.5,8h-9z"
            element = ("path", {"d": outline, **attrs})
        else:
            outline = f"M{_n(x)},{_n(y - 5)}l5,5l-5,5l-5,-5z"
            element = ("path", {"d": outline, **attrs})
        self.element(*element, content, shape="" if attrs else outline)

    def line_swatch(self, index, x, y):
        attrs = {"stroke": PALETTE[index], "stroke-width": 2}
        if DASHES[index]:
            attrs["stroke-dasharray"] = DASHES[index]
        self.element("path", {"d": f"M{_n(x)},{_n(y)}h16", "fill": "none", **attrs})
        self.marker(index, x + 8, y, fill=PALETTE[index])


def _element(tag: str, attrs: dict, content: str | None = "") -> str:
    """``<tag attrs>content</tag>``; ``<tag attrs/>`` without content, ``<tag attrs>`` for None."""
    rendered = "".join(
        f' {name}="{_n(value) if isinstance(value, int | float) else escape(value)}"'
        for name, value in attrs.items()
    )
    if content is None:
        return f"<{tag}{rendered}>"
    if content:
        return f"<{tag}{rendered}>{content}</{tag}>"
    return f"<{tag}{rendered}/>"


def _n(value: float) -> str:
    """A coordinate with at most one decimal, the same text for the same number."""
    text = f"{value:.1f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, limit: int, *, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``limit`` characters, broken between words;
    only what still does not fit is shortened (a single very long word, or a name longer than the
    lines hold), so a label is cut no sooner than it must be."""
    words = text.split()
    result: list[str] = []
    while words and len(result) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= limit:
            line += " " + words.pop(0)
        result.append(line)
    if words:
        result[-1] = " ".join([result[-1], *words])
    return [_shorten(line, limit) for line in result] or [""]
