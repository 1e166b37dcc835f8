"""SVG charts (plumbing.charts): one markup for the dashboard and the PDFs.

The SVG is parsed as XML (it must be well-formed for WeasyPrint and for ``<svg>`` inside XHTML),
then rendered for real: through the one PDF path, and in Chromium. Both renderings are written to
test-artifacts/charts/ to be looked at.
"""

import io
import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from plumbing.charts import (
    DASHES,
    PALETTE,
    Chart,
    Series,
    bar_chart,
    format_number,
    line_chart,
    nice_ticks,
)
from plumbing.pdf import html_to_pdf
from tests.conftest import ROOT, skip_or_fail

SVG = "{http://www.w3.org/2000/svg}"
ARTIFACTS = ROOT / "test-artifacts" / "charts"
CHROMIUM = Path("/usr/bin/chromium")

MONTH_NAMES = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTHS = [f"{month} {year}" for year in (2025, 2026) for month in MONTH_NAMES]
SHOPS = ["Albert Heijn Brink", "HEMA <script>alert(1)</script>", "Zeeman & Zn.", "Kruidvat"]


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart))  # noqa: S314 (our own output, no entities)


def texts(root: ET.Element) -> list[str]:
    """The visible texts, in order; a shortened label keeps its full name in a <title> child."""
    shown = []
    for element in root.iter(f"{SVG}text"):
        tooltip = element.find(f"{SVG}title")
        shown.append(element.text if tooltip is None else tooltip.tail)
    return shown


def series_groups(root: ET.Element) -> list[ET.Element]:
    return [group for group in root.iter(f"{SVG}g") if group.get("class") == "chart-series"]


def bars(root: ET.Element) -> list[ET.Element]:
    return [bar for group in series_groups(root) for bar in group.findall(f"{SVG}rect")]


def points(root: ET.Element) -> list[ET.Element]:
    """The markers on the lines, without the legend's."""
    return [
        point
        for group in series_groups(root)
        for point in group
        if point.get("class") != "chart-line"
    ]


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [element for element in root.iter() if element.get("class") == name]


def three_series(length=24):
    incidents = [(index * 7) % 40 for index in range(length)]
    bans = [None if index % 7 == 3 else (index * 5) % 20 for index in range(length)]
    sightings = [(index * 3) % 11 for index in range(length)]
    return [Series("Incidents", incidents), Series("Bans", bans), Series("Sightings", sightings)]


# --- structure and accessibility -------------------------------------------------------------


def test_line_chart_is_an_accessible_image_with_title_and_description():
    chart = line_chart(
        MONTHS[:3],
        [Series("Incidents", [1, 2, 3])],
        title="Incidents per month",
        description="Rising in spring.",
        id_prefix="incidents",
    )
    root = parse(chart)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "incidents-title incidents-desc"
    assert root.find(f"{SVG}title").get("id") == "incidents-title"
    assert root.find(f"{SVG}title").text == "Incidents per month"
    assert root.find(f"{SVG}desc").get("id") == "incidents-desc"
    assert root.find(f"{SVG}desc").text == "Rising in spring."
    assert root.get("font-family") == "DejaVu Sans, sans-serif"
    assert (chart.title, chart.description) == ("Incidents per month", "Rising in spring.")


def test_without_a_description_the_desc_names_the_series_and_the_range():
    with translation.override("en"):
        chart = line_chart(MONTHS[:12], three_series(12), title="Per month")

    assert (
        chart.description == "Line chart of Incidents, Bans, Sightings, from jan 2025 to dec 2025."
    )


def test_each_chart_has_its_own_ids():
    first = parse(line_chart(["a"], [Series("x", [1])], title="One"))
    second = parse(line_chart(["a"], [Series("x", [1])], title="One"))

    ids = [root.find(f"{SVG}title").get("id") for root in (first, second)]
    assert ids[0] != ids[1]
    assert all(re.fullmatch(r"chart-[0-9a-f]{10}-title", id_) for id_ in ids)
    assert first.get("aria-labelledby") == f"{ids[0]} {ids[0].removesuffix('-title')}-desc"


def test_same_input_gives_the_same_svg():
    def draw():
        return line_chart(MONTHS, three_series(), title="Per month", target=30, id_prefix="c")

    assert str(draw()) == str(draw())


def test_the_svg_refers_to_nothing_outside_itself():
    chart = bar_chart(MONTHS, three_series(), title="Per month", id_prefix="p")
    svg = str(chart)

    attributes = {name for element in parse(chart).iter() for name in element.attrib}
    assert not [name for name in attributes if "href" in name]
    assert set(re.findall(r"url\(([^)]*)\)", svg)) == {"#p-pattern-1", "#p-pattern-2"}
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in svg
    assert "<image" not in svg
    assert "<style" not in svg  # presentation attributes, no stylesheet of its own


def test_renders_as_svg_in_a_template_without_escaping_it():
    chart = bar_chart(SHOPS, [Series("Incidents", [3, 1, 2, 0])], title="Per shop")

    html = Template("{{ chart }}").render(Context({"chart": chart}))

    assert html == str(chart.svg)
    assert html.startswith("<svg ")


def test_include_renders_figure_caption_svg_and_table():
    chart = bar_chart(SHOPS, [Series("Incidents", [3, 1, 2, 0])], title="Per shop", x_title="Shop")

    with translation.override("en"):
        folded = render_to_string("includes/chart.html", {"chart": chart})
        printed = render_to_string("includes/chart.html", {"chart": chart, "table_open": True})

    assert "<figcaption>Per shop</figcaption>" in folded
    assert str(chart.svg) in folded
    assert "<details><summary>Figures of this chart</summary>" in folded
    assert '<th scope="col">Shop</th>' in folded
    assert '<th scope="row">HEMA &lt;script&gt;alert(1)&lt;/script&gt;</th>' in folded
    assert "<td>3</td>" in folded
    assert "<details>" not in printed
    assert '<th scope="row">Kruidvat</th><td>0</td>' in printed


# --- what is drawn -----------------------------------------------------------------------------


def test_line_chart_draws_one_line_and_one_marker_per_value():
    root = parse(line_chart(MONTHS, three_series(), title="Per month", id_prefix="l"))

    lines = by_class(root, "chart-line")
    assert [line.get("stroke") for line in lines] == list(PALETTE[:3])
    # 24 + 24 + 24 values, of which 3 bans are unknown (index 3, 10 and 17).
    assert len(points(root)) == 24 + 21 + 24
    incidents, bans, sightings = series_groups(root)
    assert len(incidents.findall(f"{SVG}circle")) == 24
    assert len(bans.findall(f"{SVG}rect")) == 21
    assert len(sightings.findall(f"{SVG}path")) == 1 + 24  # the line and its triangles
    assert bans.find(f"{SVG}rect/{SVG}title").text == "Bans, jan 2025: 0"


def test_series_differ_by_more_than_colour():
    root = parse(line_chart(MONTHS, three_series(), title="Per month", id_prefix="l"))
    lines = by_class(root, "chart-line")
    assert [line.get("stroke-dasharray", "") for line in lines] == list(DASHES[:3])
    assert len(set(DASHES)) == len(DASHES)

    bars = parse(bar_chart(MONTHS, three_series(), title="Per month", id_prefix="b"))
    fills = [group.get("fill") for group in series_groups(bars)]
    assert fills == [PALETTE[0], "url(#b-pattern-1)", "url(#b-pattern-2)"]
    patterns = bars.findall(f".//{SVG}defs/{SVG}pattern")
    assert [pattern.get("id") for pattern in patterns] == ["b-pattern-1", "b-pattern-2"]
    # The legend shows the same marks as the data.
    legend_swatches = [r for r in bars.findall(f"{SVG}rect") if r.get("width") == "14"]
    assert [swatch.get("fill") for swatch in legend_swatches] == [
        PALETTE[0],
        "url(#b-pattern-1)",
        "url(#b-pattern-2)",
    ]


def contrast(colour: str) -> float:
    """WCAG 2 contrast ratio of a #rrggbb colour against white."""

    def channel(value: int) -> float:
        value = value / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def test_colours_have_text_contrast_on_white():
    from plumbing.charts import MUTED, TEXT

    for colour in (*PALETTE, TEXT, MUTED):
        assert contrast(colour) >= 4.5, colour


def test_the_legend_names_the_series_and_the_target():
    with translation.override("en"):
        one = parse(line_chart(list("ab"), [Series("Incidents", [1, 2])], title="t"))
        with_target = parse(
            line_chart(list("ab"), [Series("Incidents", [1, 2])], title="t", target=3)
        )
        theft_and_fraud = [Series("Theft", [1, 2]), Series("Fraud", [2, 1])]
        two = parse(bar_chart(list("ab"), theft_and_fraud, title="t"))

    assert "Incidents" not in texts(one)  # the title names a single series
    assert texts(with_target)[:2] == ["Incidents", "Target: 3"]
    assert len(by_class(with_target, "chart-legend")) == 1  # the dashed swatch
    assert texts(two)[:2] == ["Theft", "Fraud"]


def test_an_unknown_value_is_a_gap_in_the_line_not_a_drop_to_zero():
    values = [4, 5, None, 6, 7]
    root = parse(line_chart(list("abcde"), [Series("Days", values)], title="t", id_prefix="g"))

    (line,) = by_class(root, "chart-line")
    segments = re.findall(r"M[^M]+", line.get("d"))
    assert len(segments) == 2
    assert [segment.count("L") for segment in segments] == [1, 1]
    xs = [float(point.get("cx")) for point in points(root)]
    assert len(xs) == 4
    # The gap is where "c" would be: the second and third markers are two slots apart.
    assert xs[2] - xs[1] == pytest.approx(2 * (xs[1] - xs[0]))
    zero_y = [float(point.get("cy")) for point in points(root)]
    assert max(zero_y) < float(root.get("height")) - 30  # nothing sits on the zero line


def test_a_single_known_value_between_gaps_still_shows_its_marker():
    root = parse(line_chart(list("abc"), [Series("x", [None, 3, None])], title="t"))

    assert len(points(root)) == 1
    assert re.fullmatch(r"M[\d.,]+", by_class(root, "chart-line")[0].get("d"))


def test_bar_chart_draws_one_bar_per_known_value_with_value_labels():
    series = [Series("2025", [12, 5.5, 1234, 0]), Series("2026", [3, None, 800, 2])]
    with translation.override("en"):
        root = parse(bar_chart(SHOPS, series, title="Per shop", id_prefix="b"))

    drawn = bars(root)
    assert len(drawn) == 7  # one value is unknown: no bar, not a bar of zero
    heights = [float(bar.get("height")) for bar in drawn]
    assert heights[2] == max(heights)  # 1234
    assert heights[3] == 0  # a zero is a bar of no height
    assert texts(root)[-7:] == ["12", "5.5", "1,234", "0", "3", "800", "2"]


def test_bars_start_at_zero():
    root = parse(bar_chart(list("abc"), [Series("x", [950, 970, 990])], title="t"))

    assert texts(root)[0] == "0"
    bottoms = {round(float(bar.get("y")) + float(bar.get("height")), 1) for bar in bars(root)}
    assert len(bottoms) == 1


def test_stacked_bars_sit_on_each_other_and_the_table_has_totals():
    series = [Series("Theft", [3, 0]), Series("Aggression", [2, 4])]
    with translation.override("en"):
        chart = bar_chart(["Q1", "Q2"], series, title="t", stacked=True, id_prefix="s")
    first_theft, _second_theft, first_aggression, _second_aggression = bars(parse(chart))

    assert float(first_theft.get("x")) == float(first_aggression.get("x"))
    assert float(first_aggression.get("y")) + float(first_aggression.get("height")) == (
        pytest.approx(float(first_theft.get("y")))
    )
    assert chart.table == [
        ["", "Theft", "Aggression", "Total"],
        ["Q1", "3", "2", "5"],
        ["Q2", "0", "4", "4"],
    ]


def test_horizontal_bars_grow_with_the_number_of_shops():
    shops = [f"Shop {index}" for index in range(20)]
    chart = bar_chart(shops, [Series("Incidents", list(range(20)))], title="t", horizontal=True)
    root = parse(chart)

    assert len(bars(root)) == 20
    assert int(root.get("height")) >= 20 * 24
    names = [text for text in texts(root) if text.startswith("Shop ")]
    assert names == shops  # every shop named, none thinned out


def test_long_names_are_shortened_on_the_chart_but_not_in_the_table():
    name = "Kringloopwinkel De Nieuwe Kans aan de Brink bij het station"
    chart = bar_chart([name], [Series("x", [2])], title="t", horizontal=True)
    root = parse(chart)

    shown = [
        element for element in root.iter(f"{SVG}text") if element.find(f"{SVG}title") is not None
    ]
    assert shown[0].find(f"{SVG}title").text == name
    assert shown[0].find(f"{SVG}title").tail.endswith("…")
    assert chart.table[1][0] == name


def test_every_bar_keeps_its_name_shortened_if_need_be():
    shops = [f"Kringloopwinkel nummer {index}" for index in range(6)]
    root = parse(bar_chart(shops, [Series("x", [1, 2, 3, 4, 5, 6])], title="t"))

    names = [text for text in root.iter(f"{SVG}text") if text.find(f"{SVG}title") is not None]
    assert [name.find(f"{SVG}title").text for name in names] == shops
    assert all(name.find(f"{SVG}title").tail.endswith("…") for name in names)


def test_many_month_labels_are_thinned_to_every_third():
    root = parse(line_chart(MONTHS, three_series(), title="t"))

    shown = [text for text in texts(root) if text in MONTHS]
    assert shown == MONTHS[::3]


def test_x_labels_can_be_rotated():
    root = parse(bar_chart(MONTHS, three_series(), title="t", rotate_x_labels=True))

    rotated = [
        text for text in root.iter(f"{SVG}text") if "rotate(-45" in text.get("transform", "")
    ]
    assert [element.text for element in rotated] == MONTHS  # rotated labels need less room


def test_target_line_is_dashed_labelled_and_inside_the_axis():
    with translation.override("en"):
        chart = line_chart(
            MONTHS[:6],
            [Series("Days to first contact", [1, 1.5, 3, 2, 1, 1])],
            title="t",
            unit="d",
            target=4,
            target_label="target 2 working days",
        )
    root = parse(chart)

    (line,) = by_class(root, "chart-target")
    assert line.get("stroke-dasharray")
    assert line.get("y1") == line.get("y2")
    assert "target 2 working days" in texts(root)
    ticks = [text for text in texts(root) if text.endswith("\xa0d")]
    assert ticks[-1] == "4\xa0d"  # the axis reaches the target, though no value does
    assert chart.description.endswith("Dashed line: target 2 working days.")


def test_target_label_defaults_to_its_value():
    with translation.override("en"):
        chart = bar_chart(SHOPS, [Series("x", [10, 20, 30, 40])], title="t", unit="%", target=75)

    assert "Target: 75%" in texts(parse(chart))
    assert len(by_class(parse(chart), "chart-target")) == 1


def test_horizontal_bars_draw_the_target_across_the_rows():
    chart = bar_chart(SHOPS, [Series("x", [1, 2, 3, 4])], title="t", horizontal=True, target=3)

    (line,) = by_class(parse(chart), "chart-target")
    assert line.get("x1") == line.get("x2")


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "whole", "expected"),
    [
        (0, 7, False, [0, 2, 4, 6, 8]),
        (0, 1234, False, [0, 500, 1000, 1500]),
        (0, 100, False, [0, 20, 40, 60, 80, 100]),
        (0, 1, False, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0, 0.3, False, [0, 0.1, 0.2, 0.3]),  # 0.3 / 0.1 is not quite 3 in floats
        (0, 1, True, [0, 1]),
        (0, 3, True, [0, 1, 2, 3]),
        (-3, 7, False, [-4, -2, 0, 2, 4, 6, 8]),
        (5, 7, False, [0, 2, 4, 6, 8]),  # always from zero
        (0, 0, False, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    ],
)
def test_nice_ticks(low, high, whole, expected):
    assert nice_ticks(low, high, whole=whole) == pytest.approx(expected)


def test_axis_ticks_are_round_numbers():
    root = parse(line_chart(list("abc"), [Series("x", [1, 7, 3])], title="t"))
    assert [text for text in texts(root) if text.isdigit()] == ["0", "2", "4", "6", "8"]

    root = parse(bar_chart(list("ab"), [Series("x", [1234, 20])], title="t"))
    ticks = [text for text in texts(root) if text.replace(",", "").replace(".", "").isdigit()]
    assert ticks[:4] in (["0", "500", "1,000", "1,500"], ["0", "500", "1.000", "1.500"])


def test_counts_get_whole_ticks():
    root = parse(line_chart(list("ab"), [Series("x", [0, 1])], title="t"))

    assert [text for text in texts(root) if text.isdigit()] == ["0", "1"]


def test_dutch_numbers_on_the_axis_in_labels_and_in_the_table():
    series = [Series("Incidents", [1234, 12.5, None])]
    with translation.override("nl"):
        chart = bar_chart(["a", "b", "c"], series, title="t", id_prefix="nl")
        percent = line_chart(list("ab"), [Series("x", [12.5, 40])], title="t", unit="%")

    shown = texts(parse(chart))
    assert shown[:4] == ["0", "500", "1.000", "1.500"]
    assert {"1.234", "12,5"} <= set(shown)
    assert chart.table == [["", "Incidents"], ["a", "1.234"], ["b", "12,5"], ["c", "–"]]
    assert "12,5%" in [row[1] for row in percent.table]
    assert "40%" in texts(parse(percent))


def test_english_numbers():
    with translation.override("en"):
        chart = bar_chart(["a", "b"], [Series("x", [1234, 12.5])], title="t")

    assert chart.table[1:] == [["a", "1,234"], ["b", "12.5"]]
    assert "1,000" in texts(parse(chart))


def test_format_number_rounds_and_adds_the_unit():
    with translation.override("nl"):
        assert format_number(2.456, decimals=1, unit="d") == "2,5\xa0d"
        assert format_number(2.0, decimals=1) == "2"
        assert format_number(-0.01, decimals=1) == "0"
        assert format_number(12345.5, decimals=1, unit="%") == "12.345,5%"
        assert format_number(1 / 3, decimals=2) == "0,33"


# --- awkward input ---------------------------------------------------------------------------


def test_labels_are_escaped():
    series = [Series('Bans <b onmouseover="x">', [1, 2, 3, 4]), Series("A & B", [1, 1, 1, 1])]
    chart = bar_chart(
        SHOPS,
        series,
        title="<script>alert('t')</script>",
        description="Tom & Jerry's <shop>",
        x_title="<i>",
        target=2,
        target_label="<target>",
    )
    svg = str(chart)
    root = parse(chart)  # well-formed, so nothing broke out of its element or attribute

    assert "<script" not in svg
    assert "<b " not in svg
    assert "<i>" not in svg
    assert "<target>" not in svg
    assert root.find(f"{SVG}title").text == "<script>alert('t')</script>"
    assert root.find(f"{SVG}desc").text.startswith("Tom & Jerry's <shop>")
    shortened = [text for text in root.iter(f"{SVG}text") if text.find(f"{SVG}title") is not None]
    assert shortened[0].find(f"{SVG}title").text == "HEMA <script>alert(1)</script>"
    assert shortened[0].find(f"{SVG}title").tail.startswith("HEMA <script>")
    assert {'Bans <b onmouseover="x">', "A & B", "<target>"} <= set(texts(root))
    # The table holds plain text: the template escapes it.
    assert chart.table[0] == ["<i>", 'Bans <b onmouseover="x">', "A & B"]


def test_a_crafted_id_prefix_cannot_break_out():
    root = parse(line_chart(["a"], [Series("x", [1])], title="t", id_prefix='x" onload="y'))

    assert root.get("onload") is None


@pytest.mark.parametrize(
    "draw",
    [
        lambda labels, series: line_chart(labels, series, title="Empty"),
        lambda labels, series: bar_chart(labels, series, title="Empty"),
        lambda labels, series: bar_chart(labels, series, title="Empty", stacked=True),
        lambda labels, series: bar_chart(labels, series, title="Empty", horizontal=True),
        lambda labels, series: line_chart(labels, series, title="Empty", target=2),
    ],
)
@pytest.mark.parametrize(
    ("labels", "series"),
    [
        ([], []),
        ([], [Series("x", [])]),
        (["a", "b"], []),
        (["a", "b"], [Series("x", [None, None])]),
    ],
)
def test_no_data_draws_an_empty_chart_with_a_message(draw, labels, series):
    with translation.override("en"):
        chart = draw(labels, series)
    root = parse(chart)

    assert texts(root) == ["No data"]
    assert not series_groups(root)
    assert root.find(f"{SVG}title").text == "Empty"
    assert len(chart.table) == 1 + len(labels)


def test_a_series_must_match_the_labels():
    with pytest.raises(ValueError, match="3 values for 2 labels"):
        line_chart(["a", "b"], [Series("x", [1, 2, 3])], title="t")


def test_at_most_four_series():
    with pytest.raises(ValueError, match="at most 4"):
        bar_chart(["a"], [Series(str(index), [index]) for index in range(5)], title="t")


def test_decimal_values_are_accepted():
    from decimal import Decimal

    with translation.override("nl"):
        chart = line_chart(["a", "b"], [Series("x", [Decimal("1.25"), Decimal("3")])], title="t")

    assert chart.table[1:] == [["a", "1,2"], ["b", "3"]]  # rounded half to even


def test_two_years_of_three_series_stay_small():
    chart = line_chart(MONTHS, three_series(), title="Per month", target=30, target_label="target")
    bars = bar_chart(MONTHS, three_series(), title="Per month", target=30)

    assert len(str(chart).encode()) < 15_000
    assert len(str(bars).encode()) < 15_000


# --- real renderings ---------------------------------------------------------------------------


def report_html() -> str:
    """A page with both kinds of chart and their tables, as a report or dashboard shows them."""
    with translation.override("nl"):
        responses = line_chart(
            MONTHS[:12],
            [
                Series("Eerste contact", [1, 1.5, 3, None, 2, 1, 0.5, 1, 2.5, 2, 1, 1]),
                Series("Afhandeling", [4, 5, 6, None, None, 5, 4, 3, 5, 6, 4, 3]),
            ],
            title="Reactietijd per maand",
            unit="d",
            target=2,
            target_label="doel 2 werkdagen",
            x_title="Maand",
            id_prefix="responses",
        )
        shops = bar_chart(
            SHOPS,
            [Series("2025", [12, 5.5, 1234, 0]), Series("2026", [3, None, 800, 2])],
            title="Incidenten per winkel",
            horizontal=True,
            x_title="Winkel",
            id_prefix="shops",
        )
        charts = "".join(
            render_to_string("includes/chart.html", {"chart": chart, "table_open": True})
            for chart in (responses, shops)
        )
    return (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Rapport</title><style>'
        "@page { size: A4; margin: 15mm }"
        "body { font-family: 'DejaVu Sans', sans-serif; font-size: 10pt; margin: 0 }"
        "figure { margin: 0 0 8mm } figcaption { font-weight: bold; margin-bottom: 2mm }"
        "table { border-collapse: collapse; font-size: 7.5pt; margin-top: 2mm }"
        "th, td { border: 1px solid #999; padding: 0 4px; text-align: right }"
        "</style></head><body><h1>Certificering Binnenstad 2025</h1>"
        f"{charts}</body></html>"
    )


def test_charts_come_out_of_weasyprint_as_text_and_lines():
    import pypdfium2

    pdf = html_to_pdf(report_html())  # raises if WeasyPrint logged any error
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    image.save(ARTIFACTS / "report.png")
    reader = PdfReader(io.BytesIO(pdf))

    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Reactietijd per maand" in text
    assert "Incidenten per winkel" in text
    # The SVG's own texts are text in the PDF too: legend, axis, labels, target.
    for shown in ("Eerste contact", "doel 2 werkdagen", "1.234", "Zeeman & Zn.", "1.500"):
        assert shown in text, shown
    # Ink on the page: the lines and bars were drawn, in the palette's colours.
    colours = {colour for _count, colour in image.convert("RGB").getcolors(1_000_000)}
    assert (0x0B, 0x4F, 0x8A) in colours
    assert (0xB3, 0x26, 0x1E) in colours


def test_charts_in_chromium():
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with translation.override("nl"):
        line = line_chart(
            MONTHS, three_series(), title="Incidenten per maand", target=30, target_label="doel"
        )
        stacked = bar_chart(
            MONTHS, three_series(), title="Gestapeld", stacked=True, rotate_x_labels=True
        )
        charts = "".join(
            render_to_string("includes/chart.html", {"chart": chart}) for chart in (line, stacked)
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page_file = ARTIFACTS / "charts.html"
    page_file.write_text(report_html().replace("</body>", charts + "</body>"), encoding="utf-8")

    # pytest-playwright may hold a sync Playwright (an event loop) in this thread already.
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(_screenshot, page_file, ARTIFACTS / "charts-chromium.png").result()

    boxes, violations = result
    assert len(boxes) == 4
    assert all(width > 300 and height > 150 for width, height in boxes), boxes
    assert not violations, violations


def _screenshot(page_file: Path, image: Path):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            page = browser.new_page(viewport={"width": 760, "height": 900})
            page.goto(page_file.as_uri())
            page.screenshot(path=str(image), full_page=True)
            boxes = page.eval_on_selector_all(
                "svg.chart",
                "nodes => nodes.map(node => [node.clientWidth, node.clientHeight])",
            )
            results = Axe().run(page)
            violations = [
                f"{v['id']}: {v['help']}"
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            return boxes, violations
        finally:
            browser.close()


def test_a_printed_chart_paints_each_series_once_without_tooltips():
    """For print (Chart.data_url) the bars of a series are one path, painted once: a PDF reader
    shows the same shapes, and WeasyPrint fills a pattern once instead of per bar. The texts and
    every bar's outline are still there; a printed page has no tooltips."""
    import base64

    chart = bar_chart(
        SHOPS, [Series("2025", [3, 5, 2, 4]), Series("2026", [4, 1, 6, 2])], title="Diefstal"
    )
    printed = base64.b64decode(chart.data_url.split(",", 1)[1]).decode()
    root = ET.fromstring(printed)  # noqa: S314 (our own output, no entities)
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-series"]
    assert len(groups) == 2
    for group in groups:
        (path,) = list(group)
        assert path.tag == f"{SVG}path" and path.get("d").count("z") == len(SHOPS)
    assert "<title>" not in printed.split("</desc>", 1)[1]  # only the chart's own title

    def shown(text):  # a shortened label has the full one as its tooltip, before the text
        tooltip = text.find(f"{SVG}title")
        return text.text if tooltip is None else tooltip.tail

    web_texts = [shown(t) for t in parse(chart).iter(f"{SVG}text")]
    assert [t.text for t in root.iter(f"{SVG}text")] == web_texts
    # The web's SVG keeps a rectangle with its tooltip per bar.
    assert len(list(parse(chart).iter(f"{SVG}rect"))) >= 2 * len(SHOPS)
