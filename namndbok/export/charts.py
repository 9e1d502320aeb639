"""Charts for the period's report, as inline SVG (no fonts or files fetched).

The numbers come from `namndbok.chart_series` (the Fava pages draw the same
series with Fava's own charts); this module only draws them with matplotlib.

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

from contextlib import contextmanager

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from namndbok.accounts import NETTO
from namndbok.chart_series import monthly_netto, prognos_by_follow_up
from namndbok.engine import compute
from namndbok.swedish import MONTHS_SHORT, format_number

MN = Decimal(1_000_000)
# Our style, set for each drawing only (no pyplot, no backend chosen, nothing process-wide changed at import).
STYLE = {"svg.fonttype": "path", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
         "svg.hashsalt": "namndbok"}


@contextmanager
def _figure(size: tuple[float, float]):
    """A figure and its axes, drawn in our style."""
    with rc_context(STYLE):
        figure = Figure(figsize=size)
        yield figure, figure.subplots()


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)  # RDF about the file, not needed
    return text[text.index("<svg"):]


def _mnkr_axis(axis) -> None:
    axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, 0)))
    axis.set_ylabel("mnkr")


def monthly_chart(data, date: datetime.date) -> str:
    points = monthly_netto(data, date)
    with _figure((7, 3)) as (figure, axis):
        labels = [MONTHS_SHORT[p.end.month - 1] for p in points]
        axis.bar(labels, [float(p.utfall / MN) for p in points], color="#4a7ab5", label="Utfall")
        axis.plot(labels, [float(p.budget / MN) for p in points], color="#c0504d", marker="o", label="Periodiserad budget")
        axis.set_title(f"Nettokostnader per månad {date.year}")
        _mnkr_axis(axis)
        axis.legend(frameon=False)
        return _svg(figure)


def prognos_chart(data, date: datetime.date) -> str:
    points = prognos_by_follow_up(data, date)
    if not points:
        return ""
    labels = [MONTHS_SHORT[p.date.month - 1] for p in points]

    def mnkr(field: str) -> list[float]:
        return [float(getattr(p, field) / MN) for p in points]

    with _figure((7, 3)) as (figure, axis):
        axis.fill_between(labels, mnkr("samsta"), mnkr("basta"), color="#9bbb59", alpha=0.25, label="Bästa–sämsta fall")
        axis.plot(labels, mnkr("prognos"), color="#4a7ab5", marker="o", label="Prognos årets resultat")
        axis.plot(labels, mnkr("budget_helar"), color="#c0504d", linestyle="--", label="Budget")
        axis.set_title(f"Prognos för årets resultat vid varje uppföljning {date.year}")
        _mnkr_axis(axis)
        axis.legend(frameon=False)
        return _svg(figure)


def deviation_chart(data, date: datetime.date) -> str:
    table = compute(data, date, group_by=("radgrupp",), kinds=NETTO)
    rows = [(r.label, float((r.measures.avvikelse_helar or 0) / MN)) for r in table.rows]
    with _figure((7, 0.45 * len(rows) + 1)) as (figure, axis):
        axis.barh([label for label, _ in rows], [v for _, v in rows],
                  color=["#9bbb59" if v >= 0 else "#c0504d" for _, v in rows])
        axis.invert_yaxis()
        axis.axvline(0, color="#444", linewidth=0.8)
        axis.set_title("Avvikelse mot budget helår per radgrupp (prognos)")
        axis.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, 0)))
        axis.set_xlabel("mnkr")
        return _svg(figure)
