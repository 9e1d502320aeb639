"""Prognossäkerhet: how far each follow-up's prognos was from what the closed year brought.

The table committees put in the annual report: for every follow-up of a closed
year (a year with a `custom "bokslut"`, `namndbok.bokslut`), the prognos of
årets resultat that follow-up gave, the final årets resultat, and the error.

The rule, for a closed year Y and each follow-up date F of Y (`namndbok.prognos.follow_ups`,
a date with main prognos lines) dated before Y's bokslut:

- prognos = the engine's prognos of årets resultat at F (`namndbok.engine.compute`, all the
  result kinds: kommunbidrag + intäkter − kostnader + ianspråktagande): the latest lines per
  unit up to F, and the budget where no follow-up has forecast a unit, as the follow-up
  table at F showed it;
- utfall = the engine's utfall of årets resultat for all of Y (at 31 December);
- avvikelse = prognos − utfall, in kronor, in the committee's sign (överskott positive).
  **Positive: the prognos was more optimistic than the outcome** (it promised a better
  result than came); negative: more pessimistic;
- i % av nettokostnad = avvikelse / |the year's nettokostnad by utfall| (intäkter − kostnader
  for all of Y), so that errors of different years and committees compare;
- bästa and sämsta fall: the engine's prognos in each case at F, where the follow-up F
  itself gave case lines (`fall: "bästa"`/`"sämsta"`); `inom` says whether the utfall fell
  inside [sämsta, bästa]. Without case lines the band is None.

Per verksamhet the same with the verksamhet's nettokostnad (intäkter − kostnader, the
committee's sign: a cost is negative) instead of årets resultat: avvikelse = prognos −
utfall, positive again where the prognos promised a lower nettokostnad than came, and the
percentage of the verksamhet's own nettokostnad. What lies on the nämnd itself, on no
verksamhet (an unallocated saving), is the row "(ej fördelat)".

A follow-up dated on or after the year's bokslut is left out: once the books are closed
the engine's prognos is the utfall itself (`namndbok.engine.closed_namnder`), no forecast.

A small example. A year closes with kommunbidrag 100, intäkter 20 and kostnader 123
(mnkr): årets resultat −3, nettokostnad −103. In April the prognos was kommunbidrag 100,
intäkter 20, kostnader 121: årets resultat −1, so the avvikelse is −1 − (−3) = +2 mnkr
(too optimistic by 2 mnkr), 2 / 103 = 1,9 % of nettokostnad. With a bästa fall of 0 and a
sämsta fall of −4, the utfall −3 fell inside the band.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from namndbok.accounts import NETTO, RESULT_KINDS
from namndbok.engine import compute
from namndbok.ledgerdata import LedgerData
from namndbok.prognos import CASES, follow_ups


class PrognossakerhetError(ValueError):
    """Why no table can be made for a year (Swedish, for the user)."""


class Band(NamedTuple):
    basta: Decimal
    samsta: Decimal
    inom: bool  # the utfall fell inside [sämsta, bästa]


class Accuracy(NamedTuple):
    """One follow-up's prognos against the outcome, committee's sign, in kronor."""

    uppfoljning: datetime.date
    prognos: Decimal
    utfall: Decimal
    avvikelse: Decimal  # prognos − utfall: positive = the prognos was more optimistic
    andel: Decimal | None  # avvikelse / |nettokostnad|, a fraction (0.019 = 1,9 %); None where it is 0
    band: Band | None  # None where the follow-up gave no bästa and sämsta fall


class VerksamhetAccuracy(NamedTuple):
    verksamhet: str | None  # None: on the nämnd itself ("(ej fördelat)")
    label: str
    rows: tuple[Accuracy, ...]  # one per follow-up, of the verksamhet's nettokostnad


class YearAccuracy(NamedTuple):
    year: int
    arets_resultat: Decimal  # the final utfall
    nettokostnad: Decimal  # the final utfall, committee's sign (negative: a cost)
    rows: tuple[Accuracy, ...]  # årets resultat, one per follow-up in date order
    verksamheter: tuple[VerksamhetAccuracy, ...]  # () unless asked for
    netto: tuple[Accuracy, ...] = ()  # the nämnd's nettokostnad, one per follow-up (with verksamheter)


def closed_years(data: LedgerData) -> list[int]:
    """The years with a bokslut (`custom "bokslut"`), in order."""
    return sorted({close.year for close in data.planned.closes})


def closing_date(data: LedgerData, year: int) -> datetime.date | None:
    """The earliest bokslut of `year` (None: the year is open)."""
    dates = [close.date for close in data.planned.closes if close.year == year]
    return min(dates) if dates else None


def measured_follow_ups(data: LedgerData, year: int) -> list[datetime.date]:
    """The follow-ups of `year` that the table measures: those before its bokslut."""
    closed = closing_date(data, year)
    return [d for d in follow_ups(data.prognos, year) if closed is None or d < closed]


def years_with_prognos(data: LedgerData) -> list[int]:
    """The closed years that have follow-ups to measure, in order."""
    return [year for year in closed_years(data) if measured_follow_ups(data, year)]


def default_year(data: LedgerData, before: datetime.date | None = None) -> int:
    """The last closed year with follow-ups (closed by `before` when given); refused in Swedish
    when there is none."""
    closed = [y for y in closed_years(data) if before is None or closing_date(data, y) <= before]
    years = [y for y in years_with_prognos(data) if y in closed]
    if not years:
        by = "" if before is None else f" per {before}"
        said = (f"De stängda åren{by} ({', '.join(map(str, closed))}) har inga prognoser" if closed
                else f"Liggaren har inget stängt år{by} (inget bokslut)")
        raise PrognossakerhetError(
            f"{said}, så det finns ingen prognossäkerhet att visa. Den räknas för ett år med bokslut "
            f"(`namndbok bokslut ÅR`) vars uppföljningar har prognoser (custom \"prognos\").")
    return years[-1]


def _refusal(data: LedgerData, year: int) -> str | None:
    if closing_date(data, year) is None:
        return (f"År {year} är inte stängt (inget bokslut), så dess utfall är inte slutligt. "
                f"Stäng året med `namndbok bokslut {year}`, eller välj ett stängt år"
                + (f": {', '.join(map(str, closed_years(data)))}." if closed_years(data) else "."))
    if not measured_follow_ups(data, year):
        with_prognos = years_with_prognos(data)
        return (f"År {year} har inga uppföljningar med prognos (custom \"prognos\" daterade i året före bokslutet). "
                + (f"Stängda år med prognoser: {', '.join(map(str, with_prognos))}." if with_prognos
                   else "Inget stängt år har prognoser."))
    return None


def _andel(avvikelse: Decimal, base: Decimal | None) -> Decimal | None:
    return avvikelse / abs(base) if base else None


def _has_cases(data: LedgerData, at: datetime.date, verksamhet=...) -> bool:
    """Whether follow-up `at` gave both a bästa and a sämsta fall (for `verksamhet` when given)."""
    given = {line.fall for line in data.prognos if line.date == at and line.account in data.refs
             and (verksamhet is ... or data.refs[line.account].verksamhet == verksamhet)}
    return given >= set(CASES)


def _accuracy(at: datetime.date, measures, final: Decimal, base: Decimal | None, cases: bool) -> Accuracy:
    prognos = measures.prognos or Decimal(0)
    avvikelse = prognos - final
    band = None
    if cases:
        basta, samsta = measures.prognos_basta or Decimal(0), measures.prognos_samsta or Decimal(0)
        band = Band(basta, samsta, min(basta, samsta) <= final <= max(basta, samsta))
    return Accuracy(at, prognos, final, avvikelse, _andel(avvikelse, base), band)


def calculate_prognossakerhet(data: LedgerData, year: int, per_verksamhet: bool = True) -> YearAccuracy:
    """The prognossäkerhet of closed `year` (see the module docstring); PrognossakerhetError when
    the year is not closed or has no follow-up with a prognos."""
    refusal = _refusal(data, year)
    if refusal:
        raise PrognossakerhetError(refusal)
    year_end = datetime.date(year, 12, 31)
    dates = measured_follow_ups(data, year)
    final = compute(data, year_end, group_by=(), kinds=RESULT_KINDS).total.measures.utfall or Decimal(0)
    netto_table = compute(data, year_end, group_by=("verksamhet",), kinds=NETTO)
    nettokostnad = netto_table.total.measures.utfall or Decimal(0)
    cases = {at: _has_cases(data, at) for at in dates}
    rows = tuple(_accuracy(at, compute(data, at, group_by=(), kinds=RESULT_KINDS).total.measures, final,
                           nettokostnad, cases[at]) for at in dates)
    verksamheter: tuple[VerksamhetAccuracy, ...] = ()
    netto: tuple[Accuracy, ...] = ()
    if per_verksamhet:
        at_follow_up = {at: compute(data, at, group_by=("verksamhet",), kinds=NETTO) for at in dates}
        keys = list(dict.fromkeys([row.key for row in netto_table.rows]
                                  + [row.key for table in at_follow_up.values() for row in table.rows]))
        out = []
        for key in keys:
            label = next(row.label for table in (netto_table, *at_follow_up.values()) for row in table.rows if row.key == key)
            own = _measures_of(netto_table, key).utfall or Decimal(0)
            out.append(VerksamhetAccuracy(key[0], label, tuple(
                _accuracy(at, _measures_of(at_follow_up[at], key), own, own, _has_cases(data, at, key[0]))
                for at in dates)))
        verksamheter = tuple(out)
        netto = tuple(_accuracy(at, at_follow_up[at].total.measures, nettokostnad, nettokostnad, False) for at in dates)
    return YearAccuracy(year, final, nettokostnad, rows, verksamheter, netto)


def _measures_of(table, key):
    from namndbok.engine import Measures

    try:
        return table.row(*key).measures
    except KeyError:
        return Measures()


# ---------------------------------------------------------------------------
# Per nämnd, for a whole kommun: the table of the kommun's annual report.
#
# For each nämnd ledger (and the finansförvaltning, a ledger like a nämnd's) of closed year Y:
# - bokslut = the avvikelse of årets resultat at the bokslut: utfall for all of Y − the year's
#   budget (as it stood on 31 December), the committee's sign (överskott positive);
# - delårsrapport = the avvikelse the delårsrapport promised: the prognos of årets resultat at the
#   latest follow-up of Y up to the end of `month` (August: jan–aug) − the year's budget as it
#   stood then;
# - avvikelse = bokslut − delårsrapport: positive where the year ended better than the
#   delårsrapport said (note: the other sign than the per-follow-up table above, as kommuner
#   print it). The rows sum to the kommun's row, ÅRETS RESULTAT.

DELAR_MONTH = 8


class NamndDeviation(NamedTuple):
    namnd: str
    bokslut: Decimal  # kronor
    delarsrapport: Decimal
    avvikelse: Decimal  # bokslut − delarsrapport
    uppfoljning: datetime.date | None  # the follow-up taken as the delårsrapport (None on the sum)


class KommunAccuracy(NamedTuple):
    year: int
    month: int
    rows: tuple[NamndDeviation, ...]
    total: NamndDeviation  # "ÅRETS RESULTAT"


TOTAL_LABEL = "ÅRETS RESULTAT"


def delar_follow_up(data: LedgerData, year: int, month: int = DELAR_MONTH) -> datetime.date | None:
    """The follow-up the delårsrapport of `year` rests on: the latest measured one up to the end of `month`."""
    end = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    dates = [d for d in measured_follow_ups(data, year) if d <= end]
    return dates[-1] if dates else None


def namnd_deviation(name: str, data: LedgerData, year: int, month: int = DELAR_MONTH) -> NamndDeviation:
    """One ledger's row (see above); PrognossakerhetError (Swedish) when the year is not closed or has
    no follow-up up to `month`."""
    from namndbok.swedish import month_name

    if closing_date(data, year) is None:
        raise PrognossakerhetError(_refusal(data, year))
    at = delar_follow_up(data, year, month)
    if at is None:
        raise PrognossakerhetError(
            f"År {year} har ingen uppföljning med prognos (custom \"prognos\") till och med {month_name(month)}, "
            "så delårsrapportens avvikelse saknas. Lägg in prognosen för delårsrapporten "
            f"(`namndbok prognos`), eller välj en annan månad.")
    final = compute(data, datetime.date(year, 12, 31), group_by=(), kinds=RESULT_KINDS).total.measures
    then = compute(data, at, group_by=(), kinds=RESULT_KINDS).total.measures
    bokslut = (final.utfall or Decimal(0)) - (final.budget_helar or Decimal(0))
    delar = (then.prognos or Decimal(0)) - (then.budget_helar or Decimal(0))
    return NamndDeviation(name, bokslut, delar, bokslut - delar, at)


def kommun_default_year(ledgers) -> int:
    """The latest year closed with follow-ups in every ledger of `ledgers` ((name, LedgerData, where))."""
    years = []
    for _, data, where in ledgers:
        try:
            years.append(default_year(data))
        except PrognossakerhetError as err:
            raise PrognossakerhetError(f"{where}: {err}") from None
    return min(years)


def kommun_prognossakerhet(ledgers, year: int, month: int = DELAR_MONTH) -> KommunAccuracy:
    """The kommun's table from `ledgers`, (name, LedgerData, where: the ledger as an error names it)
    in the order to show: a row per ledger and their sum."""
    rows = []
    for name, data, where in ledgers:
        try:
            rows.append(namnd_deviation(name, data, year, month))
        except PrognossakerhetError as err:
            raise PrognossakerhetError(f"{where}: {err}") from None
    return KommunAccuracy(year, month, tuple(rows), kommun_total(rows))


def kommun_total(rows) -> NamndDeviation:
    """The sum of the rows: the kommun's row, ÅRETS RESULTAT."""
    bokslut = sum((r.bokslut for r in rows), Decimal(0))
    delar = sum((r.delarsrapport for r in rows), Decimal(0))
    return NamndDeviation(TOTAL_LABEL, bokslut, delar, bokslut - delar, None)
