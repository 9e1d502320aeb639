"""Charts for the period's report, as inline SVG (no fonts or files fetched).

The numbers come from `namndbok.chart_series` (the Fava pages draw the same
series with plotly, `namndbok_fava.charts`); this module only draws them with
matplotlib: each chart a `*_figure(data, date)` (the Figure) and a `*_chart`
(its SVG). Value axes are ticked at round values (1, 2 or 5 times a power of
ten) and legends stand under the axes, clear of the bars.

Three pictures the committee's economists draw every month, all from the
engine: monthly utfall against periodized budget, the year's prognos across the
follow-ups (with bästa/sämsta fall as a band), and the helårsavvikelse per row
group.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from namndbok.chart_series import deviation_by, monthly_netto, prognos_by_follow_up
from namndbok.swedish import MONTHS_SHORT, format_number

MN = Decimal(1_000_000)
GOOD, BAD = "#1b7a3a", "#b00020"  # an avvikelse better / worse than budget, as on the Fava pages
# Our style, set for each drawing only (no pyplot, no backend chosen, nothing process-wide changed at import).
STYLE = {"svg.fonttype": "path", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
         "svg.hashsalt": "namndbok"}


def _drawn(make):
    """`make(figure, axis)` run on a new figure in our style: the figure (its numbers and
    artists are what the tests read; `_svg` turns it into the page's picture)."""
    def build(data, date: datetime.date) -> Figure | None:
        with rc_context(STYLE):
            figure = Figure(figsize=(7, 3))
            drawn = make(figure, figure.subplots(), data, date)
            return figure if drawn is not False else None

    build.__name__, build.__doc__ = make.__name__, make.__doc__
    return build


def _svg(figure: Figure | None) -> str:
    if figure is None:
        return ""
    buffer = io.StringIO()
    with rc_context(STYLE):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)  # RDF about the file, not needed
    return text[text.index("<svg"):]


def _round_number(value: float, _position=None) -> str:
    """A tick as the tables print numbers, with no more decimals than it has (5 → '5', 2,5 → '2,5')."""
    for decimals in range(0, 3):
        if abs(round(value, decimals) - value) < 1e-9:
            break
    return format_number(value, decimals)


def _mnkr_axis(axis, which: str = "y") -> None:
    """A value axis in mnkr, ticked at round values (1, 2 or 5 times a power of ten)."""
    ticks = axis.yaxis if which == "y" else axis.xaxis
    ticks.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    ticks.set_major_formatter(FuncFormatter(_round_number))
    (axis.set_ylabel if which == "y" else axis.set_xlabel)("mnkr")


def _legend_below(axis, *handles) -> None:
    """The legend in one row under the axes, where it covers no bar or line; series in the order given."""
    axis.legend(handles=handles, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=len(handles))


@_drawn
def monthly_figure(figure, axis, data, date: datetime.date):
    """Utfall per month as bars against the periodised budget as a line."""
    points = monthly_netto(data, date)
    labels = [MONTHS_SHORT[p.end.month - 1] for p in points]
    bars = axis.bar(labels, [float(p.utfall / MN) for p in points], color="#4a7ab5", label="Utfall")
    [budget] = axis.plot(labels, [float(p.budget / MN) for p in points], color="#c0504d", marker="o",
                         label="Periodiserad budget")
    axis.set_title(f"Nettokostnader per månad {date.year}")
    _mnkr_axis(axis)
    _legend_below(axis, bars, budget)


@_drawn
def prognos_figure(figure, axis, data, date: datetime.date):
    """The year's result at each follow-up, each at its own month; None before the first."""
    points = prognos_by_follow_up(data, date)
    if not points:
        return False
    months = [p.date.month for p in points]

    def mnkr(field: str) -> list[float]:
        return [float(getattr(p, field) / MN) for p in points]

    band = axis.fill_between(months, mnkr("samsta"), mnkr("basta"), color="#9bbb59", alpha=0.25, label="Bästa–sämsta fall")
    [prognos] = axis.plot(months, mnkr("prognos"), color="#4a7ab5", marker="o", label="Prognos årets resultat")
    [budget] = axis.plot(months, mnkr("budget_helar"), color="#c0504d", linestyle="--", label="Budget")
    axis.set_xticks(months, [MONTHS_SHORT[m - 1] for m in months])
    axis.set_title(f"Prognos för årets resultat vid varje uppföljning {date.year}")
    _mnkr_axis(axis)
    _legend_below(axis, prognos, budget, band)


@_drawn
def deviation_figure(figure, axis, data, date: datetime.date):
    """Avvikelse helår per radgrupp as diverging bars (green: better than budget)."""
    rows = [(r.label, float(r.avvikelse / MN)) for r in deviation_by(data, date, "radgrupp")]
    figure.set_figheight(0.45 * len(rows) + 1)
    axis.barh([label for label, _ in rows], [v for _, v in rows],
              color=[GOOD if v >= 0 else BAD for _, v in rows])
    axis.invert_yaxis()
    axis.axvline(0, color="#444", linewidth=0.8)
    axis.set_title("Avvikelse mot budget helår per radgrupp (prognos)")
    _mnkr_axis(axis, "x")


def monthly_chart(data, date: datetime.date) -> str:
    return _svg(monthly_figure(data, date))


def prognos_chart(data, date: datetime.date) -> str:
    return _svg(prognos_figure(data, date))


def deviation_chart(data, date: datetime.date) -> str:
    return _svg(deviation_figure(data, date))
