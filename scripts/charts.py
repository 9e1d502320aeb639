"""Charts for the period's report, as inline SVG (no fonts or files fetched).

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

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from namndbok.engine import compute  # noqa: E402
from namndbok.prognos import follow_ups  # noqa: E402
from namndbok.swedish import MONTHS_SHORT, format_number  # noqa: E402

NETTO = ("intäkt", "kostnad")
MN = Decimal(1_000_000)
plt.rcParams.update({"svg.fonttype": "path", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
                     "svg.hashsalt": "namndbok"})


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)  # RDF about the file, not needed
    return text[text.index("<svg"):]


def _mnkr_axis(axis) -> None:
    axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(Decimal(str(v)), 0)))
    axis.set_ylabel("mnkr")


def monthly_chart(data, date: datetime.date) -> str:
    months = list(range(1, date.month + 1))
    utfall, budget = [], []
    for month in months:
        end = (datetime.date(date.year, month + 1, 1) if month < 12 else datetime.date(date.year + 1, 1, 1)) - datetime.timedelta(days=1)
        total = compute(data, min(end, date), kinds=NETTO, period_start=datetime.date(date.year, month, 1)).total.measures
        utfall.append(float((total.utfall or 0) / MN))
        budget.append(float((total.budget or 0) / MN))
    figure, axis = plt.subplots(figsize=(7, 3))
    labels = [MONTHS_SHORT[m - 1] for m in months]
    axis.bar(labels, utfall, color="#4a7ab5", label="Utfall")
    axis.plot(labels, budget, color="#c0504d", marker="o", label="Periodiserad budget")
    axis.set_title(f"Nettokostnader per månad {date.year}")
    _mnkr_axis(axis)
    axis.legend(frameon=False)
    return _svg(figure)


def prognos_chart(data, date: datetime.date) -> str:
    dates = [d for d in follow_ups(data.prognos, date.year) if d <= date]
    if not dates:
        return ""
    values = {"prognos": [], "budget": [], "basta": [], "samsta": []}
    for at in dates:
        total = compute(data, at).total.measures
        values["prognos"].append(float((total.prognos or 0) / MN))
        values["budget"].append(float((total.budget_helar or 0) / MN))
        values["basta"].append(float((total.prognos_basta or 0) / MN))
        values["samsta"].append(float((total.prognos_samsta or 0) / MN))
    labels = [MONTHS_SHORT[d.month - 1] for d in dates]
    figure, axis = plt.subplots(figsize=(7, 3))
    axis.fill_between(labels, values["samsta"], values["basta"], color="#9bbb59", alpha=0.25, label="Bästa–sämsta fall")
    axis.plot(labels, values["prognos"], color="#4a7ab5", marker="o", label="Prognos årets resultat")
    axis.plot(labels, values["budget"], color="#c0504d", linestyle="--", label="Budget")
    axis.set_title(f"Prognos för årets resultat vid varje uppföljning {date.year}")
    _mnkr_axis(axis)
    axis.legend(frameon=False)
    return _svg(figure)


def deviation_chart(data, date: datetime.date) -> str:
    table = compute(data, date, group_by=("radgrupp",), kinds=NETTO)
    rows = [(r.label, float((r.measures.avvikelse_helar or 0) / MN)) for r in table.rows]
    figure, axis = plt.subplots(figsize=(7, 0.45 * len(rows) + 1))
    axis.barh([label for label, _ in rows], [v for _, v in rows],
              color=["#9bbb59" if v >= 0 else "#c0504d" for _, v in rows])
    axis.invert_yaxis()
    axis.axvline(0, color="#444", linewidth=0.8)
    axis.set_title("Avvikelse mot budget helår per radgrupp (prognos)")
    axis.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(Decimal(str(v)), 0)))
    axis.set_xlabel("mnkr")
    return _svg(figure)
