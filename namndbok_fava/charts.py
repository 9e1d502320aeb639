"""The pages' charts as data for Fava's own chart component.

A template places `<svelte-component type="charts">` with this data as JSON
(`|tojson`, escaped); Fava's frontend draws it in the browser, with its
tooltips, legend and currency toggles. The server only computes the series
(`namndbok.chart_series`, the same numbers the report's matplotlib charts
draw), so a page costs no drawing time and passes no markup through.

The JSON is the shape Fava's `bar` and `balances` charts validate
(fava/frontend/src/charts/bar.ts, line.ts): a list of
`{"type", "label", "data": [{"date", "balance", ...}]}`. A series name is
what Fava prints after the number in a tooltip, so it carries the unit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from namndbok.chart_series import monthly_netto, per_enhet_by_month, prognos_by_follow_up
from namndbok.swedish import UNITS, round_half_up

MNKR = "mnkr"


def _in(amount: Decimal, unit: str) -> float:
    """`amount` in `unit` to one decimal, rounded as the tables round it (half up)."""
    return float(round_half_up(amount / UNITS[unit], 1))


def _mnkr(amount: Decimal) -> float:
    return _in(amount, MNKR)


def monthly_chart(data, date: datetime.date) -> list[dict]:
    """Utfall per month as bars with the periodised budget, as Fava draws budgets."""
    return [{
        "type": "bar",
        "label": f"Nettokostnader per månad {date.year} (utfall / periodiserad budget)",
        "data": [{"date": p.end.isoformat(), "balance": {MNKR: _mnkr(p.utfall)}, "budgets": {MNKR: _mnkr(p.budget)},
                  "account_balances": {}} for p in monthly_netto(data, date)],
    }]


PROGNOS_SERIES = (("prognos", "Prognos"), ("budget_helar", "Budget helår"), ("basta", "Bästa fall"), ("samsta", "Sämsta fall"))


def prognos_chart(data, date: datetime.date) -> list[dict]:
    """The year's result at each follow-up, one line per measure; empty before the first."""
    points = prognos_by_follow_up(data, date)
    if not points:
        return []
    return [{
        "type": "balances",
        "label": f"Prognos för årets resultat vid varje uppföljning {date.year}",
        "data": [{"date": p.date.isoformat(),
                  "balance": {f"{name} ({MNKR})": _mnkr(getattr(p, field)) for field, name in PROGNOS_SERIES}}
                 for p in points],
    }]


def trend_chart(data, volumes, specs, date: datetime.date) -> list[dict]:
    """Nettokostnad per enhet month by month (tkr), one line per nyckeltal; a month
    without volume has no point."""
    series = per_enhet_by_month(data, volumes, specs, date)
    dates = [end for end, _ in series[0].points] if series else []
    data_points = []
    for i, end in enumerate(dates):
        balance = {f"{s.label}, tkr": _in(s.points[i][1], "tkr")
                   for s in series if s.points[i][1] is not None}
        data_points.append({"date": end.isoformat(), "balance": balance})
    return [{"type": "balances", "label": f"Nettokostnad per enhet och månad {date.year}", "data": data_points}]
