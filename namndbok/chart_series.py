"""The numbers behind the charts, computed once for every picture of them.

The period's HTML/PDF report draws them with matplotlib (`namndbok.export.charts`), the
Fava pages hand them to Fava's own charts (`namndbok_fava.charts`); both call
these pure functions, so a chart never shows a number the tables do not.

    monthly_netto(data, date)        nettokostnad per month: utfall and periodised budget
    prognos_by_follow_up(data, date) the year's result at each follow-up: prognos,
                                     budget helår, bästa and sämsta fall
    per_enhet_by_month(...)          nettokostnad per enhet month by month, per nyckeltal

Amounts are in kronor (Decimal) with the ledger's signs: nettokostnader are negative.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from namndbok.accounts import NETTO
from namndbok.engine import compute
from namndbok.periodisering import month_end



class MonthPoint(NamedTuple):
    end: datetime.date  # the month's last day, or the report date in its month
    utfall: Decimal
    budget: Decimal  # the month's part of the budget as decided by the report date


class FollowUpPoint(NamedTuple):
    date: datetime.date
    prognos: Decimal
    budget_helar: Decimal
    basta: Decimal
    samsta: Decimal


class TrendSeries(NamedTuple):
    label: str  # "Vårddygn (per dygn)"
    points: tuple[tuple[datetime.date, Decimal | None], ...]  # (month end, kr per enhet)


def months_until(date: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """(first day, last day up to `date`) for each month of the year through `date`."""
    return [(datetime.date(date.year, m, 1), min(date, month_end(date.year, m))) for m in range(1, date.month + 1)]


def monthly_netto(data, date: datetime.date) -> list[MonthPoint]:
    points = []
    for start, end in months_until(date):
        total = compute(data, end, kinds=NETTO, period_start=start, budget_known_at=date).total.measures
        points.append(MonthPoint(end, total.utfall or Decimal(0), total.budget or Decimal(0)))
    return points


def prognos_by_follow_up(data, date: datetime.date) -> list[FollowUpPoint]:
    """One point per follow-up with a prognos in the year, up to `date` (none: empty)."""
    from namndbok.prognos import follow_ups

    points = []
    for at in (d for d in follow_ups(data.prognos, date.year) if d <= date):
        total = compute(data, at).total.measures
        points.append(FollowUpPoint(at, total.prognos or Decimal(0), total.budget_helar or Decimal(0),
                                    total.prognos_basta or Decimal(0), total.prognos_samsta or Decimal(0)))
    return points


def per_enhet_by_month(data, volumes, specs, date: datetime.date) -> list[TrendSeries]:
    """Nettokostnad per enhet for each month alone (not year to date); None without volume."""
    from namndbok.nyckeltal import compute_nyckeltal

    months = months_until(date)
    return [TrendSeries(f"{spec.label} (per {spec.enhet})",
                        tuple((end, compute_nyckeltal(data, volumes, spec, end, start=start).per_enhet)
                              for start, end in months))
            for spec in specs]
