"""Charts as inline SVG, drawn on the server: one helper for the officer's dashboard and the PDFs.

The same markup serves a browser and WeasyPrint, which draws inline SVG itself: no JavaScript, no
external resources (the PDF fetcher refuses every URL), one generic font family. Every chart is
also a table (``Chart.table``), the text alternative a page or report prints with the chart.

Accessibility: the ``<svg>`` is ``role="img"`` labelled by its own ``<title>`` and ``<desc>``; no
series relies on colour alone (lines carry a marker shape and a dash pattern, bars a fill
pattern); the palette keeps at least 4.5:1 against white.

Labels come from user data (shop names): every text is escaped. Numbers are formatted in the
active language (``1.234`` and ``12,5`` in Dutch). Apart from the element ids (``id_prefix``)
the same input gives the same SVG, so pages and PDFs do not change without a reason.
"""

from __future__ import annotations

import base64
import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float | Decimal

# Dark enough for text and thin lines on white (WCAG 4.5:1 and more), apart in hue and in lightness.
PALETTE = ("#0b4f8a", "#b3261e", "#5c4700", "#1e6b35")
DASHES = ("", "8 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")
PATTERNS = ("solid", "stripes", "dots", "bars")
MAX_SERIES = len(PALETTE)

FONT_FAMILY = "DejaVu Sans, sans-serif"
FONT_SIZE = 12  # CSS px: 9 pt when a 640 px chart fills the width of an A4 page
CHAR_WIDTH = 0.62  # DejaVu Sans is wide: an average glyph is about 0.6 em
TEXT = "#1a1a1a"
MUTED = "#595959"
GRID = "#d9d9d9"
LABEL_CHARS = 24  # longer category names are shortened on the chart, never in the table
# A tooltip: a <title> without an id (the chart's own title has one). Its text is escaped.
_TOOLTIP = re.compile(r"<title>[^<]*</title>")
NBSP = "\u00a0"
THIN_STEPS = (1, 2, 3, 4, 6, 12)  # every 3rd of 24 months is a quarter
DEFAULT_HEIGHT = 260


@dataclass(frozen=True)
class Series:
    """One named row of figures, one value per label; ``None`` is a value that is not known."""

    label: str
    values: Sequence[Number | None]

    def __post_init__(self):
        object.__setattr__(self, "values", tuple(self.values))


@dataclass(frozen=True, eq=False)
class Chart:
    """A drawn chart: ``{{ chart }}`` renders the SVG, ``chart.table`` holds the same figures as
    rows of text, header row first, for a ``<table>`` under the chart."""

    title: str
    description: str
    svg: SafeString
    table: list[list[str]]

    def __html__(self) -> SafeString:
        return self.svg

    # Django's template engine calls str() before it escapes: keep the SVG marked safe.
    __str__ = __html__

    @property
    def data_url(self) -> str:
        """The SVG as a ``data:`` URL, for ``<img src>`` in PDFs. WeasyPrint draws it exactly as
        the inline SVG, but without making an HTML box and computing CSS for every one of its
        elements first: the same pages, made faster (bench/report_pdf.py). Without the tooltips
        of bars, points and shortened labels (a printed page has no pointer to hover with); the
        chart's own title and description stay."""
        printed = _TOOLTIP.sub("", self.svg)
        return "data:image/svg+xml;base64," + base64.b64encode(printed.encode()).decode("ascii")


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    target: Number | None = None,
    target_label: str = "",
    decimals: int = 1,
    x_title: str = "",
    rotate_x_labels: bool = False,
    width: int = 640,
    height: int = DEFAULT_HEIGHT,
    id_prefix: str | None = None,
) -> Chart:
    """A line per series over ``labels`` (months, weeks); ``None`` leaves a gap in the line.

    ``target`` draws a dashed horizontal line, labelled ``target_label`` (default: the value).
    ``decimals`` rounds the figures in the table; ``x_title`` heads the table's first column.
    """
    chart = _ChartData.build(
        labels, series, unit=unit, target=target, target_label=target_label, decimals=decimals
    )
    if description:
        desc = description
    else:
        desc = _("Line chart of %(series)s, from %(first)s to %(last)s.") % chart.summary()
    return chart.render(
        _LineDrawing(rotate_x_labels=rotate_x_labels),
        title=title,
        desc=desc,
        x_title=x_title,
        width=width,
        height=height,
        id_prefix=id_prefix,
    )


def bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    stacked: bool = False,
    horizontal: bool = False,
    target: Number | None = None,
    target_label: str = "",
    decimals: int = 1,
    x_title: str = "",
    rotate_x_labels: bool = False,
    width: int = 640,
    height: int | None = None,
    id_prefix: str | None = None,
) -> Chart:
    """Bars per label, side by side or ``stacked``; ``horizontal`` suits long names (shops).

    Bars start at zero. ``height`` defaults to 260, or for horizontal bars to what the rows need.
    Unstacked bars carry their value where it fits.
    """
    chart = _ChartData.build(
        labels, series, unit=unit, target=target, target_label=target_label, decimals=decimals
    )
    if description:
        desc = description
    else:
        desc = _("Bar chart of %(series)s, from %(first)s to %(last)s.") % chart.summary()
    drawing = (
        _HorizontalBarDrawing(stacked=stacked)
        if horizontal
        else _BarDrawing(stacked=stacked, rotate_x_labels=rotate_x_labels)
    )
    return chart.render(
        drawing,
        title=title,
        desc=desc,
        x_title=x_title,
        width=width,
        height=height,
        id_prefix=id_prefix,
        total_column=stacked and len(series) > 1,
    )


def nice_ticks(low: float, high: float, *, count: int = 5, whole: bool = False) -> list[Number]:
    """Round axis ticks from at most ``low`` to at least ``high``, about ``count`` of them.

    Steps are 1, 2 or 5 times a power of ten (Heckbert, "Nice numbers for graph labels", 1990):
    0-7 gives 0, 2, 4, 6, 8 and 0-1234 gives 0, 500, 1000, 1500. ``whole`` keeps steps of at
    least 1, for counts.
    """
    ticks, _decimals = _nice_ticks(low, high, count=count, whole=whole)
    return ticks


def format_number(value: Number, *, decimals: int | None = None, unit: str = "") -> str:
    """``value`` in the active language, with grouping (Dutch: 1.234 and 12,5) and ``unit``.

    With ``decimals`` the value is rounded to that many places and trailing zeros are dropped
    (2.50 gives 2,5 and 2.0 gives 2). "%" follows the number directly, other units after a
    non-breaking space.
    """
    number = Decimal(str(value))
    if decimals is not None:
        number = round(number, decimals)
        number = number.to_integral() if number == number.to_integral() else number.normalize()
        number = number or Decimal(0)  # not "-0"
    text = number_format(number, use_l10n=True, force_grouping=True)
    return _with_unit(text, unit)


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ChartData:
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    target: float | None
    target_text: str
    decimals: int

    @classmethod
    def build(cls, labels, series, *, unit, target, target_label, decimals):
        labels = tuple(str(label) for label in labels)
        series = tuple(series)
        if len(series) > MAX_SERIES:
            raise ValueError(f"A chart shows at most {MAX_SERIES} series, not {len(series)}.")
        for one in series:
            if len(one.values) != len(labels):
                raise ValueError(
                    f"Series {one.label!r} has {len(one.values)} values for {len(labels)} labels."
                )
        target_text = ""
        if target is not None:
            target_text = target_label or _("Target: %(value)s") % {
                "value": format_number(target, decimals=decimals, unit=unit)
            }
        return cls(
            labels=labels,
            series=series,
            unit=unit,
            target=None if target is None else float(target),
            target_text=target_text,
            decimals=decimals,
        )

    @property
    def is_empty(self) -> bool:
        return not any(value for one in self.series for value in one.values if value is not None)

    @property
    def whole(self) -> bool:
        """Only whole numbers (counts): no axis step below 1."""
        values = [value for one in self.series for value in one.values if value is not None]
        if self.target is not None:
            values.append(self.target)
        return all(float(value).is_integer() for value in values)

    def summary(self) -> dict[str, str]:
        return {
            "series": ", ".join(one.label for one in self.series),
            "first": self.labels[0] if self.labels else "",
            "last": self.labels[-1] if self.labels else "",
        }

    def format(self, value: Number | None) -> str:
        if value is None:
            return "–"
        return format_number(value, decimals=self.decimals, unit=self.unit)

    def tip(self, index: int, i: int) -> str:
        """The tooltip of series ``index`` at label ``i``: "Incidents, jan 2026: 12"."""
        one = self.series[index]
        return f"{one.label}, {self.labels[i]}: {self.format(one.values[i])}"

    def table(self, x_title: str, *, total_column: bool) -> list[list[str]]:
        header = [x_title, *(one.label for one in self.series)]
        if total_column:
            header.append(_("Total"))
        rows = [header]
        for index, label in enumerate(self.labels):
            values = [one.values[index] for one in self.series]
            row = [label, *(self.format(value) for value in values)]
            if total_column:
                known = [value for value in values if value is not None]
                row.append(self.format(sum(known)) if known else self.format(None))
            rows.append(row)
        return rows

    def render(
        self, drawing, *, title, desc, x_title, width, height, id_prefix, total_column=False
    ) -> Chart:
        prefix = id_prefix or f"chart-{uuid.uuid4().hex[:10]}"
        if self.target_text:
            desc = " ".join([desc, _("Dashed line: %(target)s.") % {"target": self.target_text}])
        height = height or drawing.default_height(self)
        svg = _Svg(prefix, width, height, title=title, desc=desc)
        if self.is_empty:
            svg.rect(0.5, 0.5, width - 1, height - 1, fill="none", stroke=GRID)
            svg.text(width / 2, height / 2, _("No data"), anchor="middle", fill=MUTED, size=14)
        else:
            drawing.draw(svg, self, width, height)
        return Chart(
            title=title,
            description=desc,
            svg=svg.finish(),
            table=self.table(x_title, total_column=total_column),
        )


# --- scales ---------------------------------------------------------------------------------


def _nice_number(value: float, *, rounded: bool) -> float:
    exponent = math.floor(math.log10(value))
    fraction = value / 10**exponent
    if rounded:
        nice = 1 if fraction < 1.5 else 2 if fraction < 3 else 5 if fraction < 7 else 10
    else:
        nice = 1 if fraction <= 1 else 2 if fraction <= 2 else 5 if fraction <= 5 else 10
    return nice * 10**exponent


def _nice_ticks(low, high, *, count=5, whole=False) -> tuple[list[Number], int]:
    low, high = float(min(low, 0)), float(max(high, 0))
    if high == low:
        high = low + 1
    step = _nice_number(_nice_number(high - low, rounded=False) / (count - 1), rounded=True)
    if whole:
        step = max(step, 1)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    # Guard the float quotient: 0.3 / 0.1 is 2.9999999999999996.
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    ticks = [round(index * step, decimals) for index in range(first, last + 1)]
    if decimals == 0:
        ticks = [int(tick) for tick in ticks]
    return ticks, decimals


@dataclass(frozen=True)
class _Scale:
    """Values to pixels along the value axis: the lowest tick at ``start``, the highest at
    ``end``."""

    ticks: list[Number]
    labels: list[str]
    start: float = 0.0
    end: float = 1.0

    @classmethod
    def for_values(cls, values, chart: _ChartData, start=0.0, end=1.0) -> _Scale:
        """Ticks for ``values`` and the target; without pixels yet, to measure the labels."""
        values = [float(value) for value in values]
        if chart.target is not None:
            values.append(chart.target)
        ticks, decimals = _nice_ticks(min(values), max(values), whole=chart.whole)
        labels = [
            _with_unit(
                number_format(tick, decimals, use_l10n=True, force_grouping=True), chart.unit
            )
            for tick in ticks
        ]
        return cls(ticks, labels, start, end)

    def placed(self, start: float, end: float) -> _Scale:
        return _Scale(self.ticks, self.labels, start, end)

    @property
    def label_width(self) -> float:
        return max(_text_width(label) for label in self.labels)

    def __call__(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.start + (float(value) - low) / (high - low) * (self.end - self.start)


# --- drawings ---------------------------------------------------------------------------------


class _Drawing:
    rotate_x_labels = False

    def default_height(self, chart: _ChartData) -> int:
        return DEFAULT_HEIGHT

    def legend_kind(self) -> str:
        raise NotImplementedError

    def values(self, chart: _ChartData) -> list[float]:
        return [value for one in chart.series for value in one.values if value is not None]

    def draw_legend(self, svg: _Svg, chart: _ChartData, left: float, top: float, right: float):
        """The series' names with their marker or pattern, then the target's dashed line, in
        rows from ``top``; returns the height used. A single series without a target needs no
        legend: the title names it. The target is named here rather than on its line, where
        its label would hide data or be hidden by it."""
        if not _has_legend(chart):
            return 0
        items = [(index, _shorten(one.label, 40)) for index, one in enumerate(chart.series)]
        if chart.target is not None:
            items.append((None, _shorten(chart.target_text, 60)))
        x, y = left, top
        for index, label in items:
            item_width = 20 + _text_width(label) + 18
            if x > left and x + item_width > right:
                x, y = left, y + 20
            if index is None:
                svg.target_line(x, y + 7, x + 16, y + 7, kind="chart-legend")
            elif self.legend_kind() == "line":
                svg.line_swatch(index, x, y + 7)
            else:
                svg.rect(x, y + 1, 14, 12, fill=svg.fill(index), stroke=PALETTE[index])
            svg.text(x + 20, y + 11, label)
            x += item_width
        return y - top + 20 + 6

    def x_label_layout(self, chart: _ChartData, slot: float):
        """(every how many labels to show one, the labels as shown, the widest one's width).

        Names that nearly fit are shortened so that every bar keeps its name; short labels
        that do not fit side by side (24 months) are thinned out instead.
        """
        longest = max(len(label) for label in chart.labels)
        fitting = math.floor((slot - 10) / (FONT_SIZE * CHAR_WIDTH))
        if self.rotate_x_labels:
            limit = LABEL_CHARS
        elif fitting >= min(longest, 10):
            limit = min(fitting, LABEL_CHARS)
        else:
            limit = LABEL_CHARS
        labels = [_shorten(label, limit) for label in chart.labels]
        widest = max(_text_width(label) for label in labels)
        needed = (FONT_SIZE * 1.4 if self.rotate_x_labels else widest + 10) / max(slot, 1)
        step = next((step for step in THIN_STEPS if step >= needed), 12 * math.ceil(needed / 12))
        return step, labels, widest

    def draw_x_labels(self, svg: _Svg, chart, centres, baseline):
        step, labels, _widest = self.x_label_layout(chart, _slot(centres))
        for index in range(0, len(labels), step):
            x = centres[index]
            if self.rotate_x_labels:
                y = baseline + 12
                svg.text(x, y, labels[index], anchor="end", rotate=(x, y), full=chart.labels[index])
            else:
                svg.text(x, baseline + 16, labels[index], anchor="middle", full=chart.labels[index])

    def vertical_frame(self, svg, chart, width, height, *, headroom=0.0):
        """Legend, value axis on the left, labels along the bottom; returns the scale, the
        centres of the labels' slots, and the left and right edges of the plot."""
        scale = _Scale.for_values(self.values(chart), chart)
        left = 8 + scale.label_width + 8
        right = width - 12
        slot = (right - left) / len(chart.labels)
        _step, _labels, widest = self.x_label_layout(chart, slot)
        if self.rotate_x_labels:
            bottom = height - (8 + widest * 0.71 + FONT_SIZE)
            left = max(left, widest * 0.71 - slot / 2 + 4)
        else:
            bottom = height - (FONT_SIZE + 14)
            right = min(right, width - 4 - max(0, widest / 2 - slot / 2))
        top = 8 + self.draw_legend(svg, chart, left, 8, right) + 6 + headroom
        scale = scale.placed(bottom, top)
        slot = (right - left) / len(chart.labels)
        centres = [left + (index + 0.5) * slot for index in range(len(chart.labels))]
        for tick, text in zip(scale.ticks, scale.labels, strict=True):
            y = scale(tick)
            svg.line(left, y, right, y, stroke=MUTED if tick == 0 else GRID)
            svg.text(left - 8, y + FONT_SIZE * 0.35, text, anchor="end")
        self.draw_x_labels(svg, chart, centres, bottom)
        return scale, centres, left, right

    def draw_target(self, svg, chart, scale, left, right):
        """Drawn over the data, which shows which bars or points reach it."""
        if chart.target is not None:
            y = scale(chart.target)
            svg.target_line(left, y, right, y)


class _LineDrawing(_Drawing):
    def __init__(self, *, rotate_x_labels):
        self.rotate_x_labels = rotate_x_labels

    def legend_kind(self):
        return "line"

    def draw(self, svg: _Svg, chart: _ChartData, width, height):
        scale, centres, left, right = self.vertical_frame(svg, chart, width, height)
        for index, one in enumerate(chart.series):
            points = [
                None if value is None else (centres[i], scale(value))
                for i, value in enumerate(one.values)
            ]
            svg.open_series(fill=PALETTE[index])
            svg.polyline(index, points)
            for i, point in enumerate(points):
                if point is not None:
                    svg.marker(index, *point, tip=chart.tip(index, i))
            svg.close_series()
        self.draw_target(svg, chart, scale, left, right)


class _BarDrawing(_Drawing):
    def __init__(self, *, stacked, rotate_x_labels):
        self.stacked = stacked
        self.rotate_x_labels = rotate_x_labels

    def legend_kind(self):
        return "bar"

    def values(self, chart):
        return _bar_ends(chart, stacked=self.stacked)

    def draw(self, svg: _Svg, chart: _ChartData, width, height):
        headroom = 0 if self.stacked else FONT_SIZE + 2
        scale, centres, left, right = self.vertical_frame(
            svg, chart, width, height, headroom=headroom
        )
        slot = (right - left) / len(chart.labels)
        group = slot * 0.7
        bar = group / (1 if self.stacked else len(chart.series))
        labels = []
        for index, bars in _bars(chart, stacked=self.stacked):
            svg.open_series(fill=svg.fill(index), stroke=PALETTE[index])
            for i, value, start, end in bars:
                x = centres[i] - group / 2 + (0 if self.stacked else index * bar)
                y_start, y_end = scale(start), scale(end)
                height = abs(y_start - y_end)
                svg.bar(x, min(y_start, y_end), bar, height, tip=chart.tip(index, i))
                text = chart.format(value)
                if not self.stacked and _text_width(text) <= bar + 2:
                    y = y_end - 4 if end >= 0 else y_end + FONT_SIZE
                    labels.append((x + bar / 2, y, text))
            svg.close_series()
        for x, y, text in labels:
            svg.text(x, y, text, anchor="middle")
        self.draw_target(svg, chart, scale, left, right)


class _HorizontalBarDrawing(_Drawing):
    def __init__(self, *, stacked):
        self.stacked = stacked

    def legend_kind(self):
        return "bar"

    def row_height(self, chart):
        bars = 1 if self.stacked else len(chart.series)
        return max(24, 14 * bars + 10)

    def default_height(self, chart):
        legend = 26 if _has_legend(chart) else 0
        rows = max(len(chart.labels), 1)
        return round(16 + legend + rows * self.row_height(chart) + FONT_SIZE + 18)

    def values(self, chart):
        return _bar_ends(chart, stacked=self.stacked)

    def draw(self, svg: _Svg, chart: _ChartData, width, height):
        values = self.values(chart)
        names = [_shorten(label, LABEL_CHARS) for label in chart.labels]
        left = 8 + min(max(_text_width(name) for name in names), width * 0.35) + 8
        value_labels = not self.stacked
        widest_value = max(_text_width(chart.format(value)) for value in values)
        right = width - 8 - (widest_value + 6 if value_labels else 0)
        scale = _Scale.for_values(values, chart)
        right = min(right, width - scale.label_width / 2 - 4)
        top = 8 + self.draw_legend(svg, chart, left, 8, right)
        bottom = height - (FONT_SIZE + 14)
        scale = scale.placed(left, right)
        for tick, text in zip(scale.ticks, scale.labels, strict=True):
            x = scale(tick)
            svg.line(x, top, x, bottom, stroke=MUTED if tick == 0 else GRID)
            svg.text(x, bottom + 16, text, anchor="middle")
        slot = (bottom - top) / len(chart.labels)
        group = slot * 0.7
        thickness = group / (1 if self.stacked else len(chart.series))
        centres = [top + (i + 0.5) * slot for i in range(len(chart.labels))]
        for i, centre in enumerate(centres):
            y = centre + FONT_SIZE * 0.35
            svg.text(left - 8, y, names[i], anchor="end", full=chart.labels[i])
        labels = []
        for index, bars in _bars(chart, stacked=self.stacked):
            svg.open_series(fill=svg.fill(index), stroke=PALETTE[index])
            for i, value, start, end in bars:
                y = centres[i] - group / 2 + (0 if self.stacked else index * thickness)
                x_start, x_end = scale(start), scale(end)
                length = abs(x_end - x_start)
                svg.bar(min(x_start, x_end), y, length, thickness, tip=chart.tip(index, i))
                if value_labels and thickness >= FONT_SIZE - 2:
                    y_text = y + thickness / 2 + FONT_SIZE * 0.35
                    if end >= 0:
                        labels.append((x_end + 4, y_text, chart.format(value), "start"))
                    else:
                        labels.append((x_end - 4, y_text, chart.format(value), "end"))
            svg.close_series()
        for x, y, text, anchor in labels:
            svg.text(x, y, text, anchor=anchor)
        if chart.target is not None:
            x = scale(chart.target)
            svg.target_line(x, top, x, bottom)


def _has_legend(chart: _ChartData) -> bool:
    return len(chart.series) > 1 or chart.target is not None


def _bar_ends(chart: _ChartData, *, stacked: bool) -> list[float]:
    """Where the bars end: the values, or the tops and bottoms of the stacks."""
    return [end for stack in _stacks(chart, stacked=stacked) for value, _, end in stack if value]


def _bars(chart: _ChartData, *, stacked: bool):
    """Per series: its index and its bars as (label index, value, start, end)."""
    stacks = list(_stacks(chart, stacked=stacked))
    for index in range(len(chart.series)):
        bars = [
            (i, stack[index][0], stack[index][1], stack[index][2])
            for i, stack in enumerate(stacks)
            if stack[index][0] is not None
        ]
        yield index, bars


def _stacks(chart: _ChartData, *, stacked: bool):
    """Per label, per series: (value, where its bar starts, where it ends); positive values
    stack upwards from zero and negative ones downwards."""
    for i in range(len(chart.labels)):
        up = down = 0.0
        stack = []
        for one in chart.series:
            value = one.values[i]
            if value is None:
                stack.append((None, 0.0, 0.0))
            elif not stacked:
                stack.append((value, 0.0, float(value)))
            elif value >= 0:
                stack.append((value, up, up + float(value)))
                up += float(value)
            else:
                stack.append((value, down, down + float(value)))
                down += float(value)
        yield stack


# --- SVG writing ---------------------------------------------------------------------------


class _Svg:
    """Collects elements; every attribute value and text passes through ``escape``."""

    def __init__(self, prefix: str, width: int, height: int, *, title: str, desc: str):
        self.prefix = escape(prefix)
        self.defs: list[str] = []
        self.parts: list[str] = []
        self.patterns: set[int] = set()
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

    def element(self, tag, attrs: dict, content: str = "") -> None:
        self.parts.append(_element(tag, attrs, content))

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

    def open_series(self, **attrs):
        """A group for one series' bars or line and points, which carries their paint."""
        self.parts.append(_element("g", {"class": "chart-series", **attrs}, content=None))

    def close_series(self):
        self.parts.append("</g>")

    def bar(self, x, y, width, height, *, tip):
        attrs = {"x": x, "y": y, "width": width, "height": height}
        self.element("rect", attrs, f"<title>{escape(tip)}</title>")

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
        shape = MARKERS[index]
        if shape == "circle":
            self.element("circle", {"cx": x, "cy": y, "r": 3.5, **attrs}, content)
        elif shape == "square":
            self.element(
                "rect", {"x": x - 3.5, "y": y - 3.5, "width": 7, "height": 7, **attrs}, content
            )
        elif shape == "triangle":
            self.element("path", {"d": f"M{_n(x)},{_n(y - 4.5)}l4.5,8h-9z", **attrs}, content)
        else:
            self.element("path", {"d": f"M{_n(x)},{_n(y - 5)}l5,5l-5,5l-5,-5z", **attrs}, content)

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


def _with_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text}{NBSP}{unit}"


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _slot(centres: list[float]) -> float:
    return centres[1] - centres[0] if len(centres) > 1 else 1000.0
