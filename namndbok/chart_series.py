"""The numbers behind the charts, computed once for every picture of them.

The period's HTML/PDF report draws them with matplotlib (`namndbok.export.charts`), the
Fava pages as plotly figures (`namndbok_fava.charts`); both call
these pure functions, so a chart never shows a number the tables do not.

    monthly_netto(data, date, where) nettokostnad per month: utfall and periodised budget
                                     (all, or one radgrupp/verksamhet: the drill-down's selection)
    deviation_by(data, date, group)  avvikelse mot budget helår (prognos) per radgrupp/verksamhet
    prognos_by_follow_up(data, date) the year's result at each follow-up: prognos,
                                     budget helår, bästa and sämsta fall
    per_enhet_by_month(...)          nettokostnad per enhet month by month, per nyckeltal
    eget_kapital_by_year(...)        utgående eget kapital year by year, and where each of the
                                     council's decisions falls on that line
    eget_kapital_plan(...)           utgående eget kapital of the plan years (flerårsplan), as the
                                     table's "ÅR plan" columns

Amounts are in kronor (Decimal) with the ledger's signs: nettokostnader are negative.
An avvikelse and eget kapital carry the committee's sign (positive: better than budget, a surplus).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Mapping, NamedTuple

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


class Deviation(NamedTuple):
    key: str | None  # the radgrupp's or verksamhet's code (None: accounts outside the kontoplan's groups)
    label: str  # "5731 Institutionsvård (HVB) barn och unga"
    avvikelse: Decimal  # avvikelse helår: prognos less budget helår in the ledger's signs, so positive is better


class EquityPoint(NamedTuple):
    date: datetime.date  # a year's end, or the report date in its year
    utgaende: Decimal  # utgående eget kapital (including the year's result to `date`)
    prognos: Decimal | None = None  # the year's end by the latest prognos (a year not yet ended)
    budget: Decimal | None = None  # the year's end by the budget (a year not yet ended)


class EquityDecision(NamedTuple):
    date: datetime.date
    name: str
    typ: str  # TYPE_LABELS' text
    beslut: str  # the reference: "KF 2024-04-22 §61"
    amounts: tuple[tuple[int | None, Decimal | None], ...]  # as namndbok.eget_kapital.decision_listing
    level: Decimal  # where it sits on the line: eget kapital at its date, straight between two points


class TrendSeries(NamedTuple):
    label: str  # "Vårddygn (per dygn)"
    points: tuple[tuple[datetime.date, Decimal | None], ...]  # (month end, kr per enhet)


def months_until(date: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """(first day, last day up to `date`) for each month of the year through `date`."""
    return [(datetime.date(date.year, m, 1), min(date, month_end(date.year, m))) for m in range(1, date.month + 1)]


def monthly_netto(data, date: datetime.date, where: Mapping[str, str] | None = None,
                  budget_version: str | None = None) -> list[MonthPoint]:
    """Each month alone (not year to date), for the accounts `where` selects (all: None), against
    the budget as decided by `date` (or as it was after the decision `budget_version`)."""
    points = []
    for start, end in months_until(date):
        total = compute(data, end, kinds=NETTO, where=where, period_start=start, budget_known_at=date,
                        budget_version=budget_version).total.measures
        points.append(MonthPoint(end, total.utfall or Decimal(0), total.budget or Decimal(0)))
    return points


def deviation_by(data, date: datetime.date, group_by: str,
                 where: Mapping[str, str] | None = None, budget_version: str | None = None) -> list[Deviation]:
    """Avvikelse helår per `group_by` (radgrupp, verksamhet) of the nettokostnader `where` selects
    (against the budget `budget_version`, as `monthly_netto`)."""
    table = compute(data, date, group_by=(group_by,), kinds=NETTO, where=where, budget_version=budget_version)
    return [Deviation(r.key[0], r.label, r.measures.avvikelse_helar or Decimal(0)) for r in table.rows]


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


def eget_kapital_by_year(data, decisions, date: datetime.date) -> tuple[list[EquityPoint], list[EquityDecision]]:
    """Utgående eget kapital at the end of each year of the eget kapital table (the first
    point: the first year's ingående, at the year before's end), the last at `date`, with the
    year's end by prognos and budget when `date` is inside its year; and each of `decisions`
    (namndbok.eget_kapital.parse_decisions) to `date` placed on that line at its date.
    No years (`date` before the first year with utfall): nothing."""
    from namndbok.eget_kapital import decision_listing, roll_forward, table_years

    points: list[EquityPoint] = []
    for year in table_years(data, date):
        year_end = datetime.date(year, 12, 31)
        at = min(date, year_end)
        rows = roll_forward(data, year, at, plan=at < year_end)  # budget and prognos: only a year not ended
        if not points:
            points.append(EquityPoint(datetime.date(year - 1, 12, 31), sum((r.ingaende for r in rows), Decimal(0))))
        closing = sum((r.utgaende for r in rows), Decimal(0))
        if at < year_end:
            points.append(EquityPoint(at, closing, sum((r.utgaende_prognos or 0 for r in rows), Decimal(0)),
                                      sum((r.utgaende_budget or 0 for r in rows), Decimal(0))))
        else:
            points.append(EquityPoint(at, closing))
    if not points:  # a date before the first year with utfall: no line to mark
        return [], []
    marks = [EquityDecision(d.date, d.name, d.typ, d.beslut, d.amounts, _level(points, d.date))
             for d in decision_listing(decisions) if d.date <= date]
    return points, marks


def eget_kapital_plan(data, points: list[EquityPoint], plan: list[int], date: datetime.date) -> list[EquityPoint]:
    """Utgående eget kapital at the end of each plan year (`namndbok.eget_kapital.plan_years`) after
    the last of `points` (`eget_kapital_by_year`'s), from its year's end by budget: the same
    numbers as the eget kapital table's "ÅR plan" columns (`plan_roll_forward`, as decided by `date`)."""
    from namndbok.eget_kapital import plan_roll_forward

    if not points:
        return []
    last = points[-1]
    plan = [year for year in plan if year > last.date.year]
    opening = last.budget if last.budget is not None else last.utgaende
    return [EquityPoint(datetime.date(p.year, 12, 31), p.utgaende) for p in plan_roll_forward(data, opening, plan, date)]


def _level(points: list[EquityPoint], date: datetime.date) -> Decimal:
    """The line through `points` at `date` (the nearest end outside them)."""
    if date <= points[0].date:
        return points[0].utgaende
    for before, after in zip(points, points[1:]):
        if date <= after.date:
            share = Decimal((date - before.date).days) / Decimal((after.date - before.date).days)
            return before.utgaende + (after.utgaende - before.utgaende) * share
    return points[-1].utgaende
