"""The drawings: where a line chart, a bar chart and a horizontal bar chart put their axes,
legend, labels, lines and bars."""

from __future__ import annotations

import math

from plumbing.charts.data import _ChartData, _Scale
from plumbing.charts.svg import (
    CHAR_WIDTH,
    FONT_SIZE,
    GRID,
    LINE_HEIGHT,
    MUTED,
    PALETTE,
    _shorten,
    _Svg,
    _text_width,
    _wrap,
)

LABEL_CHARS = 24  # longer category names are wrapped or shortened on the chart, never in the table
THIN_STEPS = (1, 2, 3, 4, 6, 12)  # every 3rd of 24 months is a quarter
DEFAULT_HEIGHT = 260


class _Drawing:
    rotate_x_labels = False

    def default_height(self, chart: _ChartData) -> int:
        return DEFAULT_HEIGHT

    def legend_kind(self) -> str:
        raise NotImplementedError

    def values(self, chart: _ChartData) -> list[float]:
        return [value for one in chart.series for value in one.values if value is not None]

    def draw_legend(self, svg: _Svg, chart: _ChartData, left: float, top: float, right: float):
        """The series' names with their marker or pattern, then the target's dashed line, then
        the swatch of the stretches without data, in rows from ``top``; returns the height used.
        A single series without a target or gaps needs no legend: the title names it. The target
        is named here rather than on its line, where its label would hide data or be hidden by
        it."""
        if not self.has_legend(chart):
            return 0
        items = [(index, _shorten(one.label, 40)) for index, one in enumerate(chart.series)]
        if chart.target is not None:
            items.append(("target", _shorten(chart.target_text, 60)))
        if self.shows_gaps(chart):
            items.append(("missing", _shorten(chart.missing_label, 40)))
        x, y = left, top
        for index, label in items:
            item_width = 20 + _text_width(label) + 18
            if x > left and x + item_width > right:
                x, y = left, y + 20
            if index == "target":
                svg.target_line(x, y + 7, x + 16, y + 7, kind="chart-legend")
            elif index == "missing":
                svg.rect(x, y + 1, 14, 12, fill=svg.missing_fill(), stroke=MUTED)
            elif self.legend_kind() == "line":
                svg.line_swatch(index, x, y + 7)
            else:
                svg.rect(x, y + 1, 14, 12, fill=svg.fill(index), stroke=PALETTE[index])
            svg.text(x + 20, y + 11, label)
            x += item_width
        return y - top + 20 + 6

    def has_legend(self, chart: _ChartData) -> bool:
        return _has_legend(chart) or self.shows_gaps(chart)

    def shows_gaps(self, chart: _ChartData) -> bool:
        """Whether the stretches without data are drawn as bands named in the legend."""
        return bool(chart.missing_label and chart.missing_runs())

    def draw_gaps(self, svg: _Svg, chart: _ChartData, scale, centres, slot):
        """A hatched band over each stretch of labels where no series has data, behind the
        data: a month without data is not a month with 0, and looks different. The band is
        named in the legend, and on the band itself where the name fits."""
        if not self.shows_gaps(chart):
            return
        top, bottom = scale(scale.ticks[-1]), scale(scale.ticks[0])
        for first, last in chart.missing_runs():
            x = centres[first] - slot / 2
            width = (last - first + 1) * slot
            attrs = {"fill": svg.missing_fill(), "class": "chart-gap"}
            svg.rect(x, top, width, bottom - top, **attrs)
            if _text_width(chart.missing_label) + 8 <= width:
                middle = (top + bottom) / 2
                svg.text(x + width / 2, middle, chart.missing_label, anchor="middle", fill=MUTED)

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
        self.draw_gaps(svg, chart, scale, centres, _slot(centres, right - left))
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
    def __init__(self, *, stacked, rotate_x_labels, value_labels=True):
        self.stacked = stacked
        self.rotate_x_labels = rotate_x_labels
        self.value_labels = value_labels and not stacked

    def legend_kind(self):
        return "bar"

    def values(self, chart):
        return _bar_ends(chart, stacked=self.stacked)

    def draw(self, svg: _Svg, chart: _ChartData, width, height):
        headroom = FONT_SIZE + 2 if self.value_labels else 0
        scale, centres, left, right = self.vertical_frame(
            svg, chart, width, height, headroom=headroom
        )
        slot = (right - left) / len(chart.labels)
        self.draw_gaps(svg, chart, scale, centres, slot)
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
                if self.value_labels and _text_width(text) <= bar + 2:
                    y = y_end - 4 if end >= 0 else y_end + FONT_SIZE
                    labels.append((x + bar / 2, y, text))
            svg.close_series()
        for x, y, text in labels:
            svg.text(x, y, text, anchor="middle")
        self.draw_target(svg, chart, scale, left, right)


class _HorizontalBarDrawing(_Drawing):
    """Bars from a name column on the left. A long name takes two lines rather than being cut
    (it is shortened only where two lines do not hold it); with ``missing_label`` an unknown
    value is named where its bar would be, so that it does not pass for a zero."""

    def __init__(self, *, stacked, value_labels=True):
        self.stacked = stacked
        self.value_labels = value_labels and not stacked

    def legend_kind(self):
        return "bar"

    def shows_gaps(self, chart):
        return False  # each unknown value is named in its row instead

    def names(self, chart) -> list[list[str]]:
        return [_wrap(label, LABEL_CHARS) for label in chart.labels]

    def row_height(self, chart):
        bars = 1 if self.stacked else len(chart.series)
        lines = max((len(name) for name in self.names(chart)), default=1)
        return max(24, 14 * bars + 10, LINE_HEIGHT * lines + 10)

    def default_height(self, chart):
        legend = 26 if self.has_legend(chart) else 0
        rows = max(len(chart.labels), 1)
        return round(16 + legend + rows * self.row_height(chart) + FONT_SIZE + 18)

    def values(self, chart):
        return _bar_ends(chart, stacked=self.stacked)

    def draw(self, svg: _Svg, chart: _ChartData, width, height):
        values = self.values(chart)
        names = self.names(chart)
        widest_name = max(_text_width(line) for name in names for line in name)
        left = 8 + min(widest_name, width * 0.35) + 8
        value_labels = self.value_labels
        # An unknown value's label starts at zero, by the names: it needs no room on the right.
        widest_value = max(_text_width(chart.format(value)) for value in values)
        right = width - 8 - (widest_value + 6 if value_labels else 0)
        scale = _Scale.for_values(values, chart)
        right = min(right, width - scale.label_width / 2 - 4)
        top = 8 + self.draw_legend(svg, chart, left, 8, width - 8)
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
            lines = names[i]
            first = centre + FONT_SIZE * 0.35 - (len(lines) - 1) * LINE_HEIGHT / 2
            for number, line in enumerate(lines):
                # The full name as the tooltip of the line that shows it cut, if one does.
                full = chart.labels[i] if line.endswith("…") else None
                svg.text(left - 8, first + number * LINE_HEIGHT, line, anchor="end", full=full)
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
                        labels.append((x_end + 4, y_text, chart.format(value), "start", None))
                    else:
                        labels.append((x_end - 4, y_text, chart.format(value), "end", None))
            svg.close_series()
        if not self.stacked and chart.missing_label and thickness >= FONT_SIZE - 2:
            for index, one in enumerate(chart.series):
                for i, value in enumerate(one.values):
                    if value is None:
                        y = centres[i] - group / 2 + index * thickness
                        y_text = y + thickness / 2 + FONT_SIZE * 0.35
                        labels.append((scale(0) + 4, y_text, chart.missing_label, "start", MUTED))
        for x, y, text, anchor, fill in labels:
            svg.text(x, y, text, anchor=anchor, fill=fill)
        if chart.target is not None:
            x = scale(chart.target)
            svg.target_line(x, top, x, bottom)


def _has_legend(chart: _ChartData) -> bool:
    return len(chart.series) > 1 or chart.target is not None


def _bar_ends(chart: _ChartData, *, stacked: bool) -> list[float]:
    """Where the bars end: the values, or the tops and bottoms of the stacks."""
    return [
        end
        for stack in _stacks(chart, stacked=stacked)
        for value, _, end in stack
        if value is not None
    ]


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


def _slot(centres: list[float], span: float = 1000.0) -> float:
    return centres[1] - centres[0] if len(centres) > 1 else span
