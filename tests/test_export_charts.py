"""The report's matplotlib charts (namndbok.export.charts), read from the figures themselves:
legends stand clear of what they explain, value axes are ticked at round numbers, and the bars
are the series' numbers."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from namndbok.chart_series import deviation_by
from namndbok.export.charts import deviation_figure, monthly_figure, prognos_figure
from namndbok.ledgerdata import read_ledger

OCTOBER = datetime.date(2026, 10, 31)
FIGURES = {"monthly": monthly_figure, "prognos": prognos_figure, "deviation": deviation_figure}


@pytest.fixture(scope="module")
def drawn(example_ledger):
    """Each chart of the example at the end of October, laid out as it is saved."""
    entries, _, options = example_ledger
    data = read_ledger(entries, options)
    out = {}
    for name, make in FIGURES.items():
        figure = make(data, OCTOBER)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        out[name] = (figure, canvas.get_renderer())
    return data, out


@pytest.mark.parametrize("name", ["monthly", "prognos"])
def test_the_legend_covers_no_bar_and_no_point(drawn, name):
    _, figures = drawn
    figure, renderer = figures[name]
    [axis] = figure.axes
    legend = axis.get_legend().get_window_extent(renderer)
    assert axis.patches or axis.collections
    for patch in axis.patches:  # the bars
        assert not legend.overlaps(patch.get_window_extent(renderer)), patch
    for collection in axis.collections:  # the bästa–sämsta band
        assert not legend.overlaps(collection.get_window_extent(renderer)), collection
    for line in axis.lines:
        for x, y in axis.transData.transform(line.get_xydata()):
            assert not legend.contains(x, y), (line.get_label(), x, y)


def _number(label: str) -> float:
    return float(label.replace("−", "-").replace(" ", "").replace(",", "."))


@pytest.mark.parametrize("name, which", [("monthly", "y"), ("prognos", "y"), ("deviation", "x")])
def test_value_axes_are_ticked_at_round_numbers(drawn, name, which):
    """Steps of 1, 2 or 5 times a power of ten, each tick a multiple of its step, printed exactly (decimal comma)."""
    _, figures = drawn
    figure, _ = figures[name]
    [axis] = figure.axes
    ticks_axis = axis.yaxis if which == "y" else axis.xaxis
    low, high = sorted(ticks_axis.get_view_interval())
    ticks = [t for t in ticks_axis.get_majorticklocs() if low - 1e-9 <= t <= high + 1e-9]
    assert len(ticks) >= 3
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
    [step] = steps
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1, 2, 5), step
    assert all(abs(t / step - round(t / step)) < 1e-9 for t in ticks), ticks
    labels = {t: label.get_text() for t, label in zip(ticks_axis.get_majorticklocs(), ticks_axis.get_majorticklabels())}
    assert [_number(labels[t]) for t in ticks] == pytest.approx(ticks), labels


def test_the_deviation_bars_are_the_series(drawn):
    data, figures = drawn
    figure, _ = figures["deviation"]
    [axis] = figure.axes
    rows = deviation_by(data, OCTOBER, "radgrupp")
    widths = [patch.get_width() for patch in axis.patches]
    assert widths == pytest.approx([float(r.avvikelse / Decimal(1_000_000)) for r in rows])
    assert [t.get_text() for t in axis.get_yticklabels()] == [r.label for r in rows]
    assert [patch.get_facecolor()[:3] for patch in axis.patches] == [
        pytest.approx((0x1b / 255, 0x7a / 255, 0x3a / 255)) if r.avvikelse >= 0
        else pytest.approx((0xb0 / 255, 0, 0x20 / 255)) for r in rows]
