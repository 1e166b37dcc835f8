"""Charts that tell what is not known from what is zero, and that write long names whole
(plumbing.charts): the certification report's "no data" and cut-off labels."""

import pytest
from django.utils import translation

from plumbing.charts import Series, bar_chart, line_chart
from tests.plumbing.test_charts import SVG, bars, by_class, parse, points, series_groups, texts


def test_a_long_name_takes_two_lines_rather_than_being_cut():
    name = "Kringloopwinkel De Nieuwe Kans aan de Brink"
    root = parse(bar_chart([name, "Bakker"], [Series("x", [2, 3])], title="t", horizontal=True))

    lines = {element.text: element for element in root.iter(f"{SVG}text")}
    first, second = lines["Kringloopwinkel De"], lines["Nieuwe Kans aan de Brink"]
    assert first.get("x") == second.get("x")
    assert float(second.get("y")) > float(first.get("y"))  # under it, not beside it
    assert not any(text.endswith("…") for text in texts(root))


@pytest.mark.parametrize(
    "draw",
    [
        lambda labels, series: line_chart(labels, series, title="Zeros"),
        lambda labels, series: bar_chart(labels, series, title="Zeros"),
        lambda labels, series: bar_chart(labels, series, title="Zeros", horizontal=True),
    ],
)
def test_zeros_are_figures_not_missing_data(draw):
    """A month in which nothing happened is a 0 on the chart, not "No data"."""
    with translation.override("en"):
        root = parse(draw(["a", "b"], [Series("x", [0, 0]), Series("y", [0.0, None])]))

    assert "No data" not in texts(root)
    assert "0" in texts(root)
    assert len(series_groups(root)) == 2


def test_a_missing_label_tells_unknown_values_from_zeros():
    """With ``missing_label``, months without data are a hatched band named in the legend, and
    a horizontal bar that is not known says so in its row; zeros stay zeros."""
    line = parse(
        line_chart(
            list("abcde"),
            [Series("x", [None, None, 0, 2, 0])],
            title="t",
            missing_label="No data",
            id_prefix="m",
        )
    )
    (gap,) = by_class(line, "chart-gap")
    assert gap.get("fill") == "url(#m-missing)"
    assert "No data" in texts(line)  # the legend names the band
    assert len(points(line)) == 3  # the zeros are points on the zero line

    bars_root = parse(
        bar_chart(
            ["Reports", "Thefts"],
            [Series("Baseline", [None, None]), Series("Now", [0, 4])],
            title="t",
            horizontal=True,
            missing_label="No data",
        )
    )
    assert texts(bars_root).count("No data") == 2
    assert texts(bars_root).count("0") >= 2  # the axis and the zero bar's value
    assert len(bars(bars_root)) == 2
