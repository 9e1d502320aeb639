"""The engine's facts, flat: one row per month × account × measure.

`facts(data, volumes, date)` lays out what the engine sums — utfall, budget,
prognos and volumes — as rows a column store can hold, so that a region (or
all 290 municipalities) can query many ledgers together with DuckDB, Spark or
Trino. Every amount comes from the same functions `engine.compute` uses
(`lines_in_effect`, `line_weights`, `prognos_amounts`), in the committee's
sign (kommunbidrag and intäkter positive, kostnader negative), so that

    SELECT sum(belopp) FROM fakta WHERE ar = 2026 AND matt = 'budget' AND manad <= 10

is the engine's `budget` at 2026-10-31, and `matt = 'utfall'` its utfall.

| matt | one row per | manad | datum |
| --- | --- | --- | --- |
| utfall | account × month with postings | 1–12 | last day of the month |
| budget | budget line in effect at the date × month (periodized) | 1–12 | last day of the month |
| prognos | account × fall (`huvud`, `basta`, `samsta`) of the latest follow-up | none (whole year) | the follow-up's date (none: the year's date) |
| volym, volymbudget | volume line | its month | its date |

A year before the date's year is taken as it stood on 31 December; the date's
own year as it stands on the date. A year without follow-ups has the engine's
prognos too: its budget, or its utfall once the year is closed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Iterable, NamedTuple

from namndbok.budget import lines_in_effect
from namndbok.engine import dimensions, line_weights, prognos_amounts
from namndbok.ledgerdata import LedgerData
from namndbok.periodisering import month_end, month_shares
from namndbok.prognos import BEST, MAIN, WORST, follow_ups

FALL_NAMES = {MAIN: "huvud", BEST: "basta", WORST: "samsta"}
# Six decimals keep a periodized month exact to far below an öre.
PLACES = Decimal("0.000001")


class Fact(NamedTuple):
    ar: int
    manad: int | None
    datum: datetime.date
    namnd: str | None
    radgrupp: str | None
    verksamhet: str | None
    konto: str | None
    ansvar: str | None
    typ: str | None
    matt: str
    version: str | None  # the budget decision a budget row comes from
    fall: str | None  # the prognos case
    enhet: str | None  # the unit of a volume
    belopp: Decimal


def _dims(data: LedgerData, account: str) -> tuple:
    d = dimensions(data, data.refs[account])
    return d["nämnd"], d["radgrupp"], d["verksamhet"], d["konto"], d["ansvar"], d["typ"]


def years_of(data: LedgerData, volumes: Iterable, date: datetime.date, utfall_years: Iterable[int]) -> list[int]:
    """The years the ledger speaks to, up to the date's year (`utfall_years`: those with utfall facts)."""
    years = set(utfall_years)
    years |= {line.date.year for line in data.budget_lines} | {line.date.year for line in data.prognos}
    years |= {v.date.year for v in volumes}
    return sorted(y for y in years if y <= date.year)


def facts(data: LedgerData, volumes: Iterable, date: datetime.date) -> list[Fact]:
    """All facts up to `date` (see the module docstring)."""
    volumes = list(volumes)
    utfall = _utfall(data, date)
    out: list[Fact] = []
    for year in years_of(data, volumes, date, utfall):
        at = min(date, datetime.date(year, 12, 31))
        out += utfall.get(year, []) + _budget(data, year, at) + _prognos(data, year, at)
    for v in volumes:
        if v.date <= date:
            out.append(Fact(v.date.year, v.date.month, v.date, v.namnd, data.grupp_of(v), v.verksamhet, None, v.ansvar, None,
                            "volymbudget" if v.budget else "volym", None, None, v.enhet, v.antal))
    return out


def _utfall(data: LedgerData, date: datetime.date) -> dict[int, list[Fact]]:
    """Every year's utfall facts up to `date`, by year: one pass over the postings."""
    sums: dict[tuple[int, str, int], Decimal] = defaultdict(Decimal)
    for account, by_date in data.utfall.items():
        if account not in data.refs:
            continue
        for day, amount in by_date.items():
            if day <= date:
                sums[day.year, account, day.month] -= amount
    out: dict[int, list[Fact]] = defaultdict(list)
    for (year, account, month), amount in sorted(sums.items()):
        out[year].append(Fact(year, month, month_end(year, month), *_dims(data, account), "utfall", None, None, None, amount))
    return out


def line_months(data: LedgerData, line, places: Decimal = PLACES) -> list[Decimal]:
    """A budget line spread over its twelve months (Beancount's sign), each to `places`,
    the last month taking the rest so that the months add up to the line exactly."""
    amounts = [(line.amount * share).quantize(places) for share in month_shares(line_weights(data, line))]
    amounts[-1] = line.amount - sum(amounts[:-1])
    return amounts


def _budget(data: LedgerData, year: int, at: datetime.date) -> list[Fact]:
    out = []
    for line in lines_in_effect(data.decisions, data.budget_lines, year, at):
        if line.account not in data.refs:
            continue
        dims = _dims(data, line.account)
        out += [Fact(year, month, month_end(year, month), *dims, "budget", line.version, None, None, -amount)
                for month, amount in enumerate(line_months(data, line), start=1)]
    return out


def _prognos(data: LedgerData, year: int, at: datetime.date) -> list[Fact]:
    dates = [d for d in follow_ups(data.prognos, year) if d <= at]
    made = dates[-1] if dates else at  # no follow-up: the engine's prognos (budget; a closed year's utfall) at the date
    out = []
    for fall, name in FALL_NAMES.items():
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for account, amount in prognos_amounts(data, at, fall):
            if account in data.refs:
                sums[account] -= amount
        out += [Fact(year, None, made, *_dims(data, account), "prognos", None, name, None, amount)
                for account, amount in sorted(sums.items())]
    return out
