"""Förslag till prognos: a starting point for each unit's helårsprognos.

`namndbok prognos forslag --per 2026-10` prints it beside the budget and the
latest prognos; nothing is written. The unit is the prognos unit
(`namndbok.prognos.unit_of`): nämnd × verksamhet × typ, intäkter and kostnader
apart (kommunbidrag is decided, not forecast). Where utfall is booked per
ansvar, each ansvar gets a row of its own below its verksamhet, computed by the
same rule on its own accounts (so the ansvar rows need not add up to the
verksamhet's: each has its own trend). Amounts are in Beancount's sign, as in a
prognos file (kostnader positive, intäkter negative).

The rule, for a report month M of year Y (`--per ÅÅÅÅ-MM`, whole months):

    förslag = utfall jan–M (Y)
            + fjolårets rest × kvot                       (the row's konton with history)
            + periodiserad budget för resten av året      (its budget lines without history)

- *Konto*: the row's utfall on one konto, its ansvar together (on an ansvar
  row, that ansvar's), e.g. Kostnader:Socialnämnden:5731:4610 with all of
  4610:2200 and 4610:2500 below it; a konto moved to another ansvar from one
  year to the next keeps its history in its verksamhet. A konto has *history*
  when some month of Y−1 has utfall on it other than 0.
- *Fjolårets rest*: the utfall of Y−1 in months M+1–12 on the row's konton
  with history. *Kvot* = their utfall jan–M in Y / their utfall jan–M in Y−1,
  when the latter is not 0 and the two have the same sign; otherwise 1 (last
  year's rest as it was: "fjolårets mönster, oskalat"). So the rest of the year
  follows last year's months, at this year's level so far.
- *Periodiserad budget för resten av året*: for each budget line of the row (as
  in effect at the report date) with no konto of history at or under its
  account, its amount × (1 − its periodised share through M), by the line's
  periodisering key exactly as the engine spreads it (`engine.line_weights`,
  `periodisering.share_through`). A line over a konto with history is
  already answered by that history.
- A budget line on the nämnd itself (no verksamhet, e.g. a saving not yet
  spread) adds nothing: utfall is booked on the verksamheter, whose own
  förslag show whether the saving is made ("ej fördelad budget").
- M = December: the förslag is the year's utfall ("utfall = helår"). A nämnd
  whose year is closed (custom "bokslut", `engine.closed_namnder`): the year's
  utfall ("utfall = helår (bokslut)").
- A row with neither history nor a budget line to spread: its utfall so far
  ("utfall hittills").

The förslag is rounded to whole kronor (half up); nothing else is rounded. Each
row names its method. *Volym mot i fjol*: where nyckeltal.toml follows a volume
for the verksamhet, the kostnad rows show the volume jan–M against jan–M last
year (per ansvar on the ansvar rows). It is shown beside the förslag and does
not change it: the kvot already carries this year's level of cost, volume and
price together, and scaling by the volume as well would count it twice; set
against the kvot it tells volume from price.

Worked example (verksamhet 5731 kostnader, per oktober): utfall jan–okt 2026 is
200, jan–okt 2025 was 180 and nov–dec 2025 40 on the same accounts, so kvot =
200/180 and the förslag is 200 + 40 × 200/180 = 244,4. A new konto in the same
verksamhet, budgeted 12 with the key jämn and never booked before, adds 12 × 2/12
= 2: 246,4, "fjolårets mönster + periodiserad budget".

Pure: the reading (LedgerData), the date and the parsed volumes and nyckeltal
in; `suggest` gives the table, `suggested_amounts` the helår amount and the
method per unit (for a page that fills a prognos form).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, NamedTuple

from namndbok.accounts import KIND_KOSTNAD, NETTO, result_account
from namndbok.budget import BudgetLine, lines_in_effect
from namndbok.engine import closed_namnder, line_weights
from namndbok.ledgerdata import LedgerData
from namndbok.periodisering import share_through
from namndbok.prognos import follow_ups, prognos_at

HISTORY = "fjolårets mönster"
UNSCALED = "fjolårets mönster, oskalat"
BUDGET = "periodiserad budget"
WHOLE_YEAR = "utfall = helår"
CLOSED = "utfall = helår (bokslut)"
UTFALL_ONLY = "utfall hittills"
UNSPREAD = "ej fördelad budget"
ZERO = Decimal(0)


class ForslagError(ValueError):
    """A report date the förslag cannot use (message in Swedish)."""


class VolumeTrend(NamedTuple):
    enhet: str
    antal: Decimal  # jan–M this year
    antal_fg: Decimal  # jan–M last year
    andring: Decimal | None  # antal / antal_fg − 1; None where last year had none


class Suggestion(NamedTuple):
    """One row: a verksamhet's intäkter or kostnader (ansvar None), or one ansvar's part of them."""

    namnd: str
    verksamhet: str | None  # None: the nämnd itself (budget not spread on verksamheter)
    ansvar: str | None
    kind: str  # intäkt or kostnad
    account: str  # the prognos unit's account, where its prognos line goes: Kostnader:<nämnd>:<verksamhet>
    utfall: Decimal  # jan–M, Beancount sign
    budget_helar: Decimal | None  # the year's budget at the date; None: no budget line
    prognos: Decimal | None  # the latest follow-up's at the date (`prognos_at`); None: none
    forslag: Decimal  # helår, whole kronor
    method: str
    kvot: Decimal | None  # this year's utfall jan–M / last year's, on the konton with history
    fjolar_rest: Decimal  # what last year's pattern adds
    budget_rest: Decimal  # what the periodised budget adds
    volymer: tuple[VolumeTrend, ...] = ()

    @property
    def avvikelse(self) -> Decimal | None:
        """förslag − budget helår (Beancount sign: positive is more cost or less revenue)."""
        return None if self.budget_helar is None else self.forslag - self.budget_helar


class Total(NamedTuple):
    label: str
    utfall: Decimal
    budget_helar: Decimal | None
    prognos: Decimal | None  # None unless every verksamhet row has a prognos
    forslag: Decimal

    @property
    def avvikelse(self) -> Decimal | None:
        return None if self.budget_helar is None else self.forslag - self.budget_helar


class ForslagTable(NamedTuple):
    date: datetime.date
    uppfoljning: datetime.date | None  # the latest follow-up at the date
    rows: list[Suggestion]  # each verksamhet row followed by its ansvar rows; intäkter first
    totals: list[Total]  # intäkter, kostnader, nettokostnader (the verksamhet rows)


class SuggestedAmount(NamedTuple):
    account: str  # the prognos unit's account
    ansvar: str | None
    kind: str
    amount: Decimal  # helår, Beancount sign, whole kronor
    method: str


class AccountFigures(NamedTuple):
    """One konto's utfall in a row (its ansvar together) as the rule needs it."""

    utfall: Decimal  # jan–M this year
    fg_hittills: Decimal  # jan–M last year
    fg_rest: Decimal  # M+1–12 last year
    helar: Decimal  # all of this year (a closed year's förslag)
    history: bool  # some month of last year other than 0


def check_date(date: datetime.date) -> None:
    if date.day != calendar.monthrange(date.year, date.month)[1]:
        raise ForslagError(f"Förslaget räknas på hela månader: skriv --per {date:%Y-%m} (inte {date}).")


def months_of(by_date: dict[datetime.date, Decimal], year: int) -> tuple[Decimal, ...]:
    """Twelve monthly sums of one account's utfall (this account only, not its sub-accounts)."""
    months = [ZERO] * 12
    for day, amount in by_date.items():
        if day.year == year:
            months[day.month - 1] += amount
    return tuple(months)


def calculate_figures(this: tuple[Decimal, ...], last: tuple[Decimal, ...], month: int) -> AccountFigures:
    """The figures of twelve months this year and last year, for a report month."""
    return AccountFigures(sum(this[:month], ZERO), sum(last[:month], ZERO), sum(last[month:], ZERO), sum(this, ZERO),
                          any(last))


def _plus(a: tuple[Decimal, ...], b: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    return tuple(x + y for x, y in zip(a, b))


def calculate_kvot(utfall: Decimal, fg_hittills: Decimal) -> Decimal | None:
    """This year's utfall so far over last year's, where it means a level: None when last year's
    is 0 or the signs differ (the rest is then last year's as it was)."""
    if fg_hittills == 0 or utfall == 0 or (utfall > 0) != (fg_hittills > 0):
        return None
    return utfall / fg_hittills


def budget_rest(data: LedgerData, line: BudgetLine, date: datetime.date) -> Decimal:
    """The line's periodised budget after `date` (the engine's periodisering)."""
    return line.amount * (1 - share_through(line_weights(data, line), date))


def whole(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def calculate_row(
    data: LedgerData,
    date: datetime.date,
    figures: dict[str, AccountFigures],
    lines: list[BudgetLine],
    closed: bool,
    unspread: bool,
) -> tuple[Decimal, str, Decimal | None, Decimal, Decimal]:
    """(förslag, method, kvot, fjolår rest, budget rest) of one row: its konton's figures
    (by konto account name) and its budget lines (see the module docstring)."""
    utfall = sum((f.utfall for f in figures.values()), ZERO)
    if closed:
        return whole(sum((f.helar for f in figures.values()), ZERO)), CLOSED, None, ZERO, ZERO
    if date.month == 12:
        return whole(utfall), WHOLE_YEAR, None, ZERO, ZERO
    with_history = {konto: f for konto, f in figures.items() if f.history}
    methods = []
    kvot, pattern = None, ZERO
    if with_history:
        kvot = calculate_kvot(sum((f.utfall for f in with_history.values()), ZERO),
                              sum((f.fg_hittills for f in with_history.values()), ZERO))
        pattern = sum((f.fg_rest for f in with_history.values()), ZERO) * (kvot if kvot is not None else 1)
        methods.append(HISTORY if kvot is not None else UNSCALED)
    spread = ZERO
    if not unspread:
        # a konto with history at or under the line (or over it: a line per ansvar) answers it
        answered = [line for line in lines
                    if not any(_at_or_under(k, line.account) or _at_or_under(line.account, k) for k in with_history)]
        if answered:
            spread = sum((budget_rest(data, line, date) for line in answered), ZERO)
            methods.append(BUDGET)
    if not methods:
        methods.append(UNSPREAD if unspread and lines else UTFALL_ONLY)
    return whole(utfall + pattern + spread), " + ".join(methods), kvot, pattern, spread


def _at_or_under(account: str, parent: str) -> bool:
    return account == parent or account.startswith(parent + ":")


def volume_trends(volumes: Iterable, enheter: Iterable[str], namnd: str, verksamhet: str, ansvar: str | None,
                  date: datetime.date) -> tuple[VolumeTrend, ...]:
    """Each enhet's volume jan–M against jan–M last year (of one ansvar where given); none where no volume is booked."""
    out = []
    for enhet in enheter:
        now = last = ZERO
        found = False
        for v in volumes:
            if v.budget or v.enhet != enhet or v.verksamhet != verksamhet or (v.namnd not in (None, namnd)):
                continue
            if ansvar is not None and v.ansvar != ansvar:
                continue
            if v.date.month > date.month:
                continue
            if v.date.year == date.year:
                now += v.antal
                found = True
            elif v.date.year == date.year - 1:
                last += v.antal
                found = True
        if found:
            out.append(VolumeTrend(enhet, now, last, now / last - 1 if last else None))
    return tuple(out)


def suggest(data: LedgerData, date: datetime.date, volumes: Iterable = (), specs: Iterable = ()) -> ForslagTable:
    """The förslag of every unit at `date` (a month's last day): `volumes` from
    `nyckeltal.parse_volumes`, `specs` from `nyckeltal.load_specs` (for the volume trends)."""
    check_date(date)
    year = date.year
    closed = closed_namnder(data, date)
    specs = list(specs)
    volumes = list(volumes)

    # Twelve months this year and last year per row and konto: a konto's ansvar together
    # (moved between ansvar from one year to the next, it keeps its history in the verksamhet).
    months: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    for account, by_date in data.utfall.items():
        ref = data.refs.get(account)
        if ref is None or ref.kind not in NETTO or ref.namnd is None:
            continue
        this, last = months_of(by_date, year), months_of(by_date, year - 1)
        if not any(last) and not any(this[:date.month]):
            continue  # nothing last year nor this year so far
        konto = result_account(data.roots, ref.kind, ref.namnd, ref.verksamhet, ref.konto)
        for key in _keys(ref):
            known = months[key].get(konto)
            months[key][konto] = (this, last) if known is None else (_plus(known[0], this), _plus(known[1], last))
    figures = {key: {konto: calculate_figures(this, last, date.month) for konto, (this, last) in kontos.items()}
               for key, kontos in months.items()}

    lines: dict[tuple, list[BudgetLine]] = defaultdict(list)
    for line in lines_in_effect(data.decisions, data.budget_lines, year, date):
        ref = data.refs.get(line.account)
        if ref is not None and ref.kind in NETTO and ref.namnd is not None:
            for key in _keys(ref):
                lines[key].append(line)

    prognos: dict[tuple, Decimal] = defaultdict(Decimal)
    for line in prognos_at(data.prognos, data.refs, date):
        ref = data.refs[line.account]
        if ref.kind in NETTO and ref.namnd is not None:
            for key in _keys(ref):
                prognos[key] += line.amount

    rows = []
    for key in sorted(set(figures) | set(lines) | set(prognos), key=lambda k: _order(data, k)):
        namnd, verksamhet, ansvar, kind = key
        row_lines = lines.get(key, [])
        forslag, method, kvot, pattern, spread = calculate_row(
            data, date, figures.get(key, {}), row_lines, None in closed or namnd in closed, verksamhet is None)
        enheter = dict.fromkeys(s.enhet for s in specs if verksamhet in s.verksamhet)
        trends = volume_trends(volumes, enheter, namnd, verksamhet, ansvar, date) if kind == KIND_KOSTNAD and verksamhet else ()
        rows.append(Suggestion(
            namnd, verksamhet, ansvar, kind, result_account(data.roots, kind, namnd, verksamhet),
            sum((f.utfall for f in figures.get(key, {}).values()), ZERO),
            sum((line.amount for line in row_lines), ZERO) if row_lines else None,
            prognos.get(key), forslag, method, kvot, pattern, spread, trends))
    dates = [d for d in follow_ups(data.prognos, year) if d <= date]
    return ForslagTable(date, dates[-1] if dates else None, rows, totals(rows))


def _keys(ref) -> list[tuple]:
    """The rows an account or a line counts in: its verksamhet's, and its ansvar's where it has one."""
    keys = [(ref.namnd, ref.verksamhet, None, ref.kind)]
    if ref.ansvar is not None and ref.verksamhet is not None:
        keys.append((ref.namnd, ref.verksamhet, ref.ansvar, ref.kind))
    return keys


def _order(data: LedgerData, key: tuple) -> tuple:
    namnd, verksamhet, ansvar, kind = key
    plan = data.kontoplaner.get(namnd)
    listing = tuple(plan.verksamheter) if plan else ()
    ansvar_listing = tuple(plan.ansvar) if plan else ()
    return (NETTO.index(kind), namnd,
            (1, 0, "") if verksamhet is None else (0, listing.index(verksamhet) if verksamhet in listing else len(listing), verksamhet),
            (0, 0, "") if ansvar is None else (1, ansvar_listing.index(ansvar) if ansvar in ansvar_listing else len(ansvar_listing), ansvar))


TOTAL_LABELS = {"intäkt": "Summa intäkter", "kostnad": "Summa kostnader"}
NET_LABEL = "Nettokostnader"


def totals(rows: list[Suggestion]) -> list[Total]:
    """Intäkter, kostnader and the two together, over the verksamhet rows."""
    units = [row for row in rows if row.ansvar is None]
    out = [_total(TOTAL_LABELS[kind], [row for row in units if row.kind == kind]) for kind in NETTO]
    return [*out, _total(NET_LABEL, units)]


def _total(label: str, rows: list[Suggestion]) -> Total:
    budgets = [row.budget_helar for row in rows if row.budget_helar is not None]
    prognoser = [row.prognos for row in rows]
    return Total(label, sum((row.utfall for row in rows), ZERO), sum(budgets, ZERO) if budgets else None,
                 sum(prognoser, ZERO) if prognoser and None not in prognoser else None,
                 sum((row.forslag for row in rows), ZERO))


def suggested_amounts(data: LedgerData, date: datetime.date) -> dict[tuple[str, str | None], SuggestedAmount]:
    """The förslag per unit for a prognos form: (unit account, ansvar) → helår amount in Beancount
    sign and the method; ansvar None is the whole verksamhet (the unit a prognos line is written for)."""
    return {(row.account, row.ansvar): SuggestedAmount(row.account, row.ansvar, row.kind, row.forslag, row.method)
            for row in suggest(data, date).rows}
