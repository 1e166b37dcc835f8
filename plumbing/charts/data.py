"""The figures behind a chart: its series and labels, the value axis' ticks and scale, and
numbers in the active language."""

from __future__ import annotations

import base64
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from plumbing.charts.svg import _TOOLTIP, GRID, MUTED, PALETTE, _Svg, _text_width

Number = int | float | Decimal

MAX_SERIES = len(PALETTE)  # each series needs a colour, dash, marker and pattern of its own
NBSP = "\u00a0"


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
    # The drawing for print (``data_url``): without tooltips, each series painted once.
    print_svg: str = ""

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
        printed = self.print_svg or _TOOLTIP.sub("", self.svg)
        return "data:image/svg+xml;base64," + base64.b64encode(printed.encode()).decode("ascii")


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


def _with_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text}{NBSP}{unit}"


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ChartData:
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    target: float | None
    target_text: str
    decimals: int
    missing_label: str = ""

    @classmethod
    def build(cls, labels, series, *, unit, target, target_label, decimals, missing_label=""):
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
            missing_label=missing_label,
        )

    @property
    def is_empty(self) -> bool:
        """No value is known. Zeros are figures (nothing happened), drawn as such."""
        return all(value is None for one in self.series for value in one.values)

    def missing_runs(self) -> list[tuple[int, int]]:
        """The stretches of labels where no series has a value, as (first, last) indexes."""
        runs: list[tuple[int, int]] = []
        for i in range(len(self.labels)):
            if any(one.values[i] is not None for one in self.series):
                continue
            if runs and runs[-1][1] == i - 1:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
        return runs

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
            print_svg=svg.finish_print(),
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
