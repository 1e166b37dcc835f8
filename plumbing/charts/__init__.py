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

from collections.abc import Sequence

from django.utils.translation import gettext as _

from plumbing.charts.data import Chart, Number, Series, _ChartData, format_number, nice_ticks
from plumbing.charts.drawings import (
    DEFAULT_HEIGHT,
    _BarDrawing,
    _HorizontalBarDrawing,
    _LineDrawing,
)
from plumbing.charts.svg import DASHES, MUTED, PALETTE, TEXT

__all__ = [
    "DASHES",
    "MUTED",
    "PALETTE",
    "TEXT",
    "Chart",
    "Series",
    "bar_chart",
    "format_number",
    "line_chart",
    "nice_ticks",
]


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
    missing_label: str = "",
    width: int = 640,
    height: int = DEFAULT_HEIGHT,
    id_prefix: str | None = None,
) -> Chart:
    """A line per series over ``labels`` (months, weeks); ``None`` leaves a gap in the line.

    ``target`` draws a dashed horizontal line, labelled ``target_label`` (default: the value).
    ``decimals`` rounds the figures in the table; ``x_title`` heads the table's first column.
    ``missing_label`` (say "No data") marks the labels where no series has a value with a
    hatched band, named in the legend: a stretch without data, not a drop to zero.
    """
    chart = _ChartData.build(
        labels,
        series,
        unit=unit,
        target=target,
        target_label=target_label,
        decimals=decimals,
        missing_label=missing_label,
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
    missing_label: str = "",
    value_labels: bool = True,
    width: int = 640,
    height: int | None = None,
    id_prefix: str | None = None,
) -> Chart:
    """Bars per label, side by side or ``stacked``; ``horizontal`` suits long names (shops),
    which it writes on two lines where one does not hold them.

    Bars start at zero; ``None`` draws no bar. ``height`` defaults to 260, or for horizontal
    bars to what the rows need. Unstacked bars carry their value where it fits. With
    ``missing_label`` (say "No data") a value that is not known is told apart from a zero:
    horizontal bars write the label in its row, upright bars hatch the labels where no series
    has a value, as a line chart does. ``value_labels=False`` leaves the values off the bars
    (a printed page whose table above the chart gives them: fewer boxes to lay out).
    """
    chart = _ChartData.build(
        labels,
        series,
        unit=unit,
        target=target,
        target_label=target_label,
        decimals=decimals,
        missing_label=missing_label,
    )
    if description:
        desc = description
    else:
        desc = _("Bar chart of %(series)s, from %(first)s to %(last)s.") % chart.summary()
    drawing = (
        _HorizontalBarDrawing(stacked=stacked, value_labels=value_labels)
        if horizontal
        else _BarDrawing(
            stacked=stacked, rotate_x_labels=rotate_x_labels, value_labels=value_labels
        )
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
