"""The one computation: ledger + report date + grouping → a table of measures.

Everything that shows an avvikelse — the CLI, the Fava extension, the exports —
calls `compute`. Amounts are exact Decimals in the committee's sign
(kommunbidrag and intäkter positive, kostnader negative); nothing is rounded
here.

The measures of a row, for a report date D in year Y:

| measure | what it is |
| --- | --- |
| utfall | utfall from the period's start (1 January) to D |
| budget | the budget for the same period, periodized by each line's key |
| avvikelse | utfall − budget |
| budget_helar | the year's budget as known at D |
| prognos | the year's prognos, latest follow-up at or before D |
| avvikelse_helar | prognos − budget_helar |
| avvikelse_helar_pct | avvikelse_helar / budget_helar, keeping the budget's sign; None where the budget is 0 |
| utfall_fg | utfall for the same period of Y−1 |
| utfall_fg_helar | utfall for all of Y−1 |
| prognos_foregaende | the prognos of the follow-up before the latest one |
| prognos_forandring | prognos − prognos_foregaende |
| prognos_basta, prognos_samsta | the bästa and sämsta fall |

A measure is None where nothing in the ledger speaks to it (no postings, no
budget line, no prognos), and 0 where something does and nets to zero: a table
prints the first as an empty cell, the second as 0,0.

Groupings (any combination, in order): nämnd, radgrupp, verksamhet, konto,
ansvar, typ. A budget or prognos line on a parent account (e.g. per verksamhet)
has no konto: grouped by konto it lands in the row "(ej fördelat)".

An avvikelse is only computed where both its sides are: grouped finer than a
prognos (or budget) is made, the prognos stands alone on "(ej fördelat)" while
the budget it answers is spread over the konto rows, and prognos − budget on
either row would compare a whole with a part. Such rows (`Table.across_levels`,
per avvikelse measure) get no avvikelse, in every table that prints them; the
level above (the verksamhet) has it. A line answers the nearest line of the
other side at or above its own account within the same nämnd × verksamhet ×
typ (`namndbok.prognos.unit_of`): a budget line per konto answers the prognos
per verksamhet, utfall per ansvar answers the budget per konto; a budget line
on the nämnd itself (a saving not spread) answers no verksamhet's utfall.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Iterable, Mapping, NamedTuple

from namndbok.accounts import (
    KIND_DISPOSITION,
    KIND_INTAKT,
    KIND_INVESTERING,
    KIND_KOMMUNBIDRAG,
    KIND_KOSTNAD,
    NETTO,
    RESULT_KINDS,
    AccountRef,
)
from namndbok.budget import BudgetLine, lines_in_effect
from namndbok.ledgerdata import LedgerData
from namndbok.periodisering import key_for, share_through, weights_for
from namndbok.prognos import BEST, MAIN, WORST, follow_ups, prognos_at, unit_of
from namndbok.utfallsindex import utfall_index

GROUPINGS = ("nämnd", "radgrupp", "verksamhet", "konto", "ansvar", "typ")
# What a follow-up table sums (`namndbok uppfoljning --urval`, `namndbok.frames`), and what its total is called.
SELECTIONS = {"netto": NETTO, "resultat": RESULT_KINDS}
SELECTION_TOTALS = {"netto": "Nettokostnader", "resultat": "Årets resultat"}
KIND_LABELS = {
    KIND_KOMMUNBIDRAG: "Kommunbidrag",
    KIND_INTAKT: "Intäkter",
    KIND_KOSTNAD: "Kostnader",
    KIND_DISPOSITION: "Ianspråktagande av ackumulerat resultat",
    KIND_INVESTERING: "Investeringar",
}
UNALLOCATED = "(ej fördelat)"
DIMENSIONS_CACHE = ("dimensioner",)  # in LedgerData.cache: account → its dimensions
SELECTION_CACHE = "urval"  # in LedgerData.cache, with the grouping and selection: see _selection
PROGNOS_CACHE = "prognos"  # in LedgerData.cache, with the date, fall and budget version: see prognos_amounts


class Measures(NamedTuple):
    utfall: Decimal | None = None
    budget: Decimal | None = None
    avvikelse: Decimal | None = None
    budget_helar: Decimal | None = None
    prognos: Decimal | None = None
    avvikelse_helar: Decimal | None = None
    avvikelse_helar_pct: Decimal | None = None
    utfall_fg: Decimal | None = None
    utfall_fg_helar: Decimal | None = None
    prognos_foregaende: Decimal | None = None
    prognos_forandring: Decimal | None = None
    prognos_basta: Decimal | None = None
    prognos_samsta: Decimal | None = None


# The measures summed from the ledger; the others are derived from these.
BASE = ("utfall", "budget", "budget_helar", "prognos", "utfall_fg", "utfall_fg_helar",
        "prognos_foregaende", "prognos_basta", "prognos_samsta")
MEASURES = Measures._fields


class Row(NamedTuple):
    key: tuple
    label: str
    measures: Measures


class Table(NamedTuple):
    date: datetime.date
    period_start: datetime.date
    group_by: tuple[str, ...]
    rows: list[Row]
    total: Row
    uppfoljning: datetime.date | None  # the follow-up whose prognos is shown
    foregaende_uppfoljning: datetime.date | None
    # "avvikelse" / "avvikelse_helar" → the row keys where its two sides are booked at different
    # levels (see the module docstring): there it is None. () is the total: one side is outside the selection.
    across_levels: Mapping[str, frozenset] = {}

    def row(self, *key) -> Row:
        for row in self.rows:
            if row.key == tuple(key):
                return row
        raise KeyError(key)


def compute(
    data: LedgerData,
    date: datetime.date,
    group_by: Iterable[str] = ("typ",),
    kinds: Iterable[str] = RESULT_KINDS,
    where: Mapping[str, object] | None = None,
    budget_version: str | None = None,
    period_start: datetime.date | None = None,
    budget_known_at: datetime.date | None = None,
) -> Table:
    """The table of measures for `date`, one row per group (see the module docstring).

    The budget is the one decided by `date`, or by `budget_known_at` (same year) when
    given: a month's periodised part of the budget as it stands at a later report date."""
    group_by = tuple(group_by)
    for dimension in (*group_by, *(where or {})):
        if dimension not in GROUPINGS:
            raise ValueError(f"Okänd gruppering '{dimension}'; välj bland {', '.join(GROUPINGS)}.")
    kinds = set(kinds)
    where = {k: (set(v) if isinstance(v, (set, list, tuple, frozenset)) else {v}) for k, v in (where or {}).items()}
    year = date.year
    start = period_start or datetime.date(year, 1, 1)

    row_keys, with_utfall = _selection(data, group_by, kinds, where)

    def row_key(account: str) -> tuple | None:
        if account not in row_keys:
            row_keys[account] = _row_key(data, account, group_by, kinds, where)
        return row_keys[account]

    sums: dict[tuple, dict[str, Decimal]] = defaultdict(dict)

    def add(key: tuple, measure: str, amount: Decimal) -> None:
        """Add a Beancount-sign amount, in the committee's sign."""
        cell = sums[key]
        cell[measure] = cell.get(measure, Decimal(0)) - amount

    # Utfall: this period, all of last year, the same period last year (within last year).
    last_year = (datetime.date(year - 1, 1, 1), datetime.date(year - 1, 12, 31))
    ranges = (
        ("utfall", start, date),
        ("utfall_fg_helar", *last_year),
        ("utfall_fg", max(_year_back(start), last_year[0]), min(_year_back(date), last_year[1])),
    )
    # Where each side of an avvikelse is booked: account → row key (None: outside the selection).
    booked: dict[str, dict[str, tuple | None]] = {"utfall": {}, "budget": {}, "prognos": {}}
    for key, running, account in with_utfall:
        for measure, first, last in ranges:
            amount = running.between(first, last)
            if amount is not None:
                add(key, measure, amount)
                if measure == "utfall":
                    booked["utfall"][account] = key

    # Budget: the year's lines as known at the date, and their periodized part.
    budget = lines_in_effect(data.decisions, data.budget_lines, year, budget_known_at or date, budget_version)
    before_start = start - datetime.timedelta(days=1)
    for line in budget:
        key = booked["budget"][line.account] = row_key(line.account)
        if key is None:
            continue
        add(key, "budget_helar", line.amount)
        weights = line_weights(data, line)
        share = share_through(weights, date)
        if before_start.year == year:
            share -= share_through(weights, before_start)
        add(key, "budget", line.amount * share)

    # Prognos: this follow-up, the one before, bästa and sämsta fall.
    dates = [d for d in follow_ups(data.prognos, year) if d <= date]
    current = dates[-1] if dates else None
    previous = dates[-2] if len(dates) > 1 else None
    for measure, at, fall in (
        ("prognos", date, MAIN),
        ("prognos_basta", date, BEST),
        ("prognos_samsta", date, WORST),
        ("prognos_foregaende", previous, MAIN),
    ):
        if at is None:
            continue
        for account, amount in prognos_amounts(data, at, fall, budget_version):
            key = row_key(account)
            if measure == "prognos":
                booked["prognos"][account] = key
            if key is not None:
                add(key, measure, amount)

    across = {
        "avvikelse": across_levels(data, booked["utfall"], booked["budget"]),
        "avvikelse_helar": across_levels(data, booked["prognos"], booked["budget"]),
    }
    rows = [Row(key, _label(data, group_by, key), _at_one_level(_derive(cell), key, across))
            for key, cell in sums.items()]
    rows.sort(key=lambda row: _sort_key(data, group_by, row.key))
    total = _at_one_level(_derive(_sum_cells(sums.values())), (), across)
    return Table(date, start, group_by, rows, Row((), "Summa", total), current, previous, across)


def across_levels(data: LedgerData, one: Mapping[str, tuple | None], other: Mapping[str, tuple | None]) -> frozenset:
    """The row keys where a line of `one` and the line of `other` it answers (or the reverse) are
    in different rows: each account is matched with the nearest account of the other side at or
    above it in the same nämnd × verksamhet × typ (see the module docstring)."""
    split = set()
    for mine, theirs in ((one, other), (other, one)):
        for account, key in mine.items():
            answer = _nearest_above(data, account, theirs)
            if answer is not None and theirs[answer] != key:
                split.update((key, theirs[answer]))
    if None in split:  # one side outside the selection: the total compares a part with a whole too
        split.discard(None)
        split.add(())
    return frozenset(split)


def _nearest_above(data: LedgerData, account: str, accounts: Mapping[str, object]) -> str | None:
    ref = data.refs.get(account)
    if ref is None:
        return None
    unit = unit_of(ref)
    name = account
    while name:
        if name in accounts:
            other = data.refs.get(name)
            if other is not None and unit_of(other) == unit:
                return name
        name = name.rpartition(":")[0]
    return None


def _at_one_level(measures: Measures, key: tuple, across: Mapping[str, frozenset]) -> Measures:
    """The row's measures without the avvikelser whose sides are booked at different levels."""
    if key in across["avvikelse"]:
        measures = measures._replace(avvikelse=None)
    if key in across["avvikelse_helar"]:
        measures = measures._replace(avvikelse_helar=None, avvikelse_helar_pct=None)
    return measures


def prognos_amounts(
    data: LedgerData, date: datetime.date, fall: str | None, budget_version: str | None = None
) -> tuple[tuple[str, Decimal], ...]:
    """(account, Beancount-sign amount) of the prognos at `date`, once per reading (`data.cache`:
    a function of the reading and the arguments alone; a chart asks for the same date per table).

    Where no follow-up has forecast a nämnd × verksamhet × typ, its prognos is
    its budget at that date ("prognos enligt budget"), so that a total prognos
    is always whole; `unforecast_verksamheter` lists the verksamheter period-close asks for.
    A nämnd whose year is closed (`closed_namnder`) has its utfall as prognos.
    """
    key = (PROGNOS_CACHE, date, fall, budget_version)
    if key not in data.cache:
        data.cache[key] = tuple(_prognos_amounts(data, date, fall, budget_version))
    return data.cache[key]


def _prognos_amounts(data: LedgerData, date: datetime.date, fall: str | None, budget_version: str | None):
    closed = closed_namnder(data, date)
    lines = [line for line in prognos_at(data.prognos, data.refs, date, fall)
             if not _in(closed, data.refs[line.account].namnd)]
    out = [(line.account, line.amount) for line in lines]
    covered = {unit_of(data.refs[line.account]) for line in lines}
    for line in lines_in_effect(data.decisions, data.budget_lines, date.year, date, budget_version):
        ref = data.refs.get(line.account)
        if ref is not None and unit_of(ref) not in covered:
            # closed: budgeted, so its prognos is its utfall even where nothing was booked (0)
            out.append((line.account, Decimal(0) if _in(closed, ref.namnd) else line.amount))
    if closed:
        year = (datetime.date(date.year, 1, 1), datetime.date(date.year, 12, 31))
        for account, running in utfall_index(data).items():
            ref = data.refs.get(account)
            amount = running.between(*year) if ref is not None and _in(closed, ref.namnd) else None
            if amount is not None:
                out.append((account, amount))
    return out


def closed_namnder(data: LedgerData, date: datetime.date) -> set:
    """The nämnder whose year of `date` is closed by a bokslut dated at or before `date`
    (None in it: a bokslut without namnd:, closing every nämnd). Their prognos, in every
    fall, is the year's utfall: nothing is left to forecast once the books are closed."""
    return {close.namnd for close in data.planned.closes if close.year == date.year and close.date <= date}


def _in(closed: set, namnd: str | None) -> bool:
    return None in closed or namnd in closed


def unforecast_units(data: LedgerData, date: datetime.date) -> list[tuple]:
    """Budgeted nämnd × verksamhet × typ that no follow-up up to `date` has forecast."""
    covered = {unit_of(data.refs[line.account]) for line in prognos_at(data.prognos, data.refs, date)}
    closed = closed_namnder(data, date)
    units = {
        unit_of(data.refs[line.account])
        for line in lines_in_effect(data.decisions, data.budget_lines, date.year, date)
        if line.account in data.refs and not _in(closed, data.refs[line.account].namnd)
    }
    return sorted((u for u in units if u not in covered), key=lambda u: tuple(x or "" for x in u))


def unforecast_verksamheter(data: LedgerData, date: datetime.date, kinds: Iterable[str]) -> list[tuple]:
    """Nämnd × verksamhet with budget lines of `kinds` that no follow-up up to `date` has
    forecast in any of `kinds`, all of them. A verksamhet forecast in one typ (its kostnader,
    say) is whole: its other typer count with their budget, as everywhere (`prognos_amounts`)."""
    kinds = set(kinds)
    covered = {unit_of(data.refs[line.account])[:2] for line in prognos_at(data.prognos, data.refs, date)
               if data.refs[line.account].kind in kinds}
    closed = closed_namnder(data, date)
    budgeted = {unit_of(data.refs[line.account])[:2]
                for line in lines_in_effect(data.decisions, data.budget_lines, date.year, date)
                if line.account in data.refs and data.refs[line.account].kind in kinds
                and not _in(closed, data.refs[line.account].namnd)}
    return sorted(budgeted - covered, key=lambda u: tuple(x or "" for x in u))


def line_weights(data: LedgerData, line: BudgetLine) -> tuple[Decimal, ...]:
    """The twelve weights that spread one budget line over its year."""
    ref = data.refs[line.account]
    key = key_for(data.periodisering, ref, data.grupp_of(ref), line.nyckel)
    return weights_for(key, data.periodisering, lambda: data.monthly_utfall(line.account, line.date.year - 1))


def _row_key(data: LedgerData, account: str, group_by: tuple[str, ...], kinds: set[str],
             where: Mapping[str, set]) -> tuple | None:
    """The account's row key, or None when the selection leaves it out."""
    values = account_dimensions(data, account)
    if values is None or values["typ"] not in kinds:
        return None
    if not all(values[k] in allowed for k, allowed in where.items()):
        return None
    return tuple(values[g] for g in group_by)


def _selection(data: LedgerData, group_by: tuple[str, ...], kinds: set[str], where: Mapping[str, set]):
    """For one grouping and selection, once per ledger read (in `data.cache`): the row key of
    each account asked about so far, and (row key, running utfall sums, account) of the selected
    accounts that have utfall, in the ledger's order. A Fava page or a chart computes many
    tables with the same selection (one per month or follow-up); each then costs only the
    accounts it selects."""
    cache_key = (SELECTION_CACHE, group_by, frozenset(kinds),
                 tuple(sorted((k, frozenset(v)) for k, v in where.items())))
    if cache_key not in data.cache:
        row_keys: dict[str, tuple | None] = {}
        with_utfall = []
        for name, running in utfall_index(data).items():
            key = row_keys[name] = _row_key(data, name, group_by, kinds, where)
            if key is not None:
                with_utfall.append((key, running, name))
        data.cache[cache_key] = (row_keys, with_utfall)
    return data.cache[cache_key]


def account_dimensions(data: LedgerData, account: str) -> dict[str, str | None] | None:
    """`dimensions` of an account by name (None when it does not parse), once per ledger read."""
    cache = data.cache.setdefault(DIMENSIONS_CACHE, {})
    if account not in cache:
        ref = data.refs.get(account)
        cache[account] = None if ref is None else dimensions(data, ref)
    return cache[account]


def dimensions(data: LedgerData, ref: AccountRef) -> dict[str, str | None]:
    return {
        "nämnd": ref.namnd,
        "radgrupp": data.grupp_of(ref),
        "verksamhet": ref.verksamhet,
        "konto": ref.konto,
        "ansvar": ref.ansvar,
        "typ": ref.kind,
    }


def _year_back(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def add_measures(items: Iterable[Measures]) -> Measures:
    """The measures of several rows together: base measures summed, the rest derived again."""
    cell: dict[str, Decimal] = {}
    for measures in items:
        for name in BASE:
            value = getattr(measures, name)
            if value is not None:
                cell[name] = cell.get(name, Decimal(0)) + value
    return _derive(cell)


def _sum_cells(cells: Iterable[dict[str, Decimal]]) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for cell in cells:
        for measure, value in cell.items():
            total[measure] = total.get(measure, Decimal(0)) + value
    return total


def _derive(cell: dict[str, Decimal]) -> Measures:
    base = {m: cell.get(m) for m in BASE}

    def diff(a, b):
        return None if base[a] is None and base[b] is None else (base[a] or 0) - (base[b] or 0)

    avvikelse_helar = diff("prognos", "budget_helar") if base["prognos"] is not None else None
    budget_helar = base["budget_helar"]
    pct = (
        avvikelse_helar / budget_helar
        if avvikelse_helar is not None and budget_helar not in (None, 0)
        else None
    )
    return Measures(
        utfall=base["utfall"],
        budget=base["budget"],
        avvikelse=diff("utfall", "budget"),
        budget_helar=budget_helar,
        prognos=base["prognos"],
        avvikelse_helar=avvikelse_helar,
        avvikelse_helar_pct=pct,
        utfall_fg=base["utfall_fg"],
        utfall_fg_helar=base["utfall_fg_helar"],
        prognos_foregaende=base["prognos_foregaende"],
        prognos_forandring=(
            base["prognos"] - base["prognos_foregaende"]
            if base["prognos"] is not None and base["prognos_foregaende"] is not None
            else None
        ),
        prognos_basta=base["prognos_basta"],
        prognos_samsta=base["prognos_samsta"],
    )


def label(data: LedgerData, dimension: str, value) -> str:
    """The Swedish label of one group value."""
    if value is None:
        return UNALLOCATED
    if dimension == "typ":
        return KIND_LABELS.get(value, value)
    for plan in data.kontoplaner.values():
        if dimension == "nämnd" and value == plan.namnd:
            return plan.namn
        if dimension == "verksamhet" and value in plan.verksamheter:
            return f"{value} {plan.verksamheter[value].namn}"
        if dimension == "konto" and value in plan.konton:
            return f"{value} {plan.konton[value].namn}"
        if dimension == "ansvar" and value in plan.ansvar:
            return f"{value} {plan.ansvar[value].namn}"
    return str(value)


def _label(data: LedgerData, group_by: tuple[str, ...], key: tuple) -> str:
    return " / ".join(label(data, g, v) for g, v in zip(group_by, key))


def _sort_key(data: LedgerData, group_by: tuple[str, ...], key: tuple) -> tuple:
    def order(dimension: str, value) -> tuple:
        if value is None:
            return (2, 0, "")
        if dimension == "typ":
            return (0, RESULT_KINDS.index(value) if value in RESULT_KINDS else 99, value)
        for plan in data.kontoplaner.values():
            listing = {
                "radgrupp": plan.radgrupper,
                "verksamhet": tuple(plan.verksamheter),
                "ansvar": tuple(plan.ansvar),
            }.get(dimension)
            if listing is not None and value in listing:
                return (0, listing.index(value), value)
        return (1, 0, str(value))

    return tuple(order(g, v) for g, v in zip(group_by, key))
