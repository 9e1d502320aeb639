"""Prognos: the full-year forecast made at each follow-up, kept as history.

Each follow-up adds lines dated at the follow-up (the month's last day) and
changes none; amounts are the whole year's outcome in Beancount's sign:

    2026-02-28 custom "prognos" Kostnader:Socialnämnden:5731  251000000.00 SEK
      kommentar: "Fler placeringar på HVB än budgeterat."
    2026-02-28 custom "prognos" Kostnader:Socialnämnden:5731  247000000.00 SEK
      fall: "bästa"
    2026-02-28 custom "prognos" Kostnader:Socialnämnden:5731  256000000.00 SEK
      fall: "sämsta"

A prognos may be per verksamhet (as above) or per verksamhet × konto. What
counts at a date, for each nämnd × verksamhet × typ (kommunbidrag, intäkt,
kostnad): all the lines of the latest follow-up at or before the date that
has lines there. So a follow-up may restate only some verksamheter, or only
their costs, and may move between per-verksamhet and per-konto detail, without
anything counted twice. A line on a nämnd-level account (no verksamhet)
forecasts what is budgeted and booked on that account itself, e.g. a saving
the committee has not yet spread over its verksamheter.
Where no follow-up covers a unit, the engine takes its budget as its prognos
(`namndbok.engine.prognos_amounts`); kommunbidrag, being decided rather than
forecast, is usually left to that. Bästa and sämsta fall count only from the
same follow-up as the main prognos of their unit, and equal the main prognos
where that follow-up gives no case.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Iterable, NamedTuple

from beancount.core import account as bc_account
from beancount.core import amount as bc_amount
from beancount.core import data

from namndbok.accounts import AccountRef
from namndbok.budget import LedgerInputError, valued

DIRECTIVE = "prognos"
MAIN = None
BEST = "bästa"
WORST = "sämsta"
CASES = (BEST, WORST)


class PrognosLine(NamedTuple):
    date: datetime.date
    account: str
    amount: Decimal  # Beancount sign, whole year
    fall: str | None  # None = the main prognos
    kommentar: str | None
    meta: dict


def parse_prognos(entries: Iterable, currency: str) -> tuple[list[PrognosLine], list]:
    lines, errors = [], []
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type != DIRECTIVE:
            continue
        entry = valued(entry)
        values = entry.values
        if len(values) != 2 or values[0].dtype != bc_account.TYPE or not isinstance(values[1].value, bc_amount.Amount):
            errors.append(LedgerInputError(entry.meta, 'En prognos skrivs: DATUM custom "prognos" Konto Helårsbelopp SEK (med fall: "bästa" eller "sämsta" för alternativen).', entry))
            continue
        fall = entry.meta.get("fall")
        if fall is not None and (not isinstance(fall, str) or fall not in CASES):
            errors.append(LedgerInputError(entry.meta, f"fall: '{fall}' finns inte; skriv fall: \"bästa\" eller fall: \"sämsta\", eller inget för huvudprognosen.", entry))
            continue
        amount = values[1].value
        if amount.currency != currency:
            errors.append(LedgerInputError(entry.meta, f"Prognosen är i {amount.currency}; liggaren räknar i {currency}.", entry))
            continue
        lines.append(PrognosLine(entry.date, values[0].value, amount.number, fall, entry.meta.get("kommentar"), entry.meta))
    return lines, errors


def follow_ups(lines: list[PrognosLine], year: int) -> list[datetime.date]:
    """The follow-up dates of a year (dates with main prognos lines), in order."""
    return sorted({line.date for line in lines if line.date.year == year and line.fall is MAIN})


def unit_of(ref: AccountRef) -> tuple:
    """What one follow-up's lines replace as a whole: nämnd × verksamhet × typ."""
    return (ref.namnd, ref.verksamhet, ref.kind)


def prognos_at(
    lines: list[PrognosLine],
    refs: dict[str, AccountRef],
    date: datetime.date,
    fall: str | None = MAIN,
) -> list[PrognosLine]:
    """The prognos lines that count at `date` for its year (see the docstring)."""
    candidates = [l for l in lines if l.date.year == date.year and l.date <= date and l.account in refs]
    main = _latest_per_unit([l for l in candidates if l.fall is MAIN], refs)
    if fall is MAIN:
        return [line for unit_lines in main.values() for line in unit_lines]
    cases: dict[tuple, list[PrognosLine]] = {}
    for line in candidates:
        if line.fall == fall:
            cases.setdefault((unit_of(refs[line.account]), line.date), []).append(line)
    out = []
    for unit, unit_lines in main.items():
        # A case counts only from the same follow-up as the main prognos.
        out.extend(cases.get((unit, unit_lines[0].date)) or unit_lines)
    return out


def _latest_per_unit(lines: list[PrognosLine], refs) -> dict[tuple, list[PrognosLine]]:
    latest: dict[tuple, datetime.date] = {}
    for line in lines:
        unit = unit_of(refs[line.account])
        if line.date > latest.get(unit, datetime.date.min):
            latest[unit] = line.date
    out: dict[tuple, list[PrognosLine]] = {}
    for line in lines:
        unit = unit_of(refs[line.account])
        if line.date == latest[unit]:
            out.setdefault(unit, []).append(line)
    return out
