"""Which reading of an SIE file its own control figures prove (the rule of issue 18).

No import may end well unless its amounts equal the file's own figures: the
vouchers (type 4) against #UB − #IB and #RES, the period balances (#PSALDO,
types 2 and 3) against the same. Where an account's #PSALDO has object rows,
two readings are possible: the object rows break down the `{}` row (count `{}`
only), or they are disjoint parts with no total row (count every row). The one
that balances against the file's figures is taken and named; where none does,
the file is refused with the accounts and amounts. A file without figures is
said to have none; its period balances are then only taken if each month
balances by itself, since nothing else says what lies outside the committee
(the avräkning must never absorb a difference).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from namndbok.importers.model import ControlTotal, SourceError, SourceRow
from namndbok.importers.sie.parser import PSALDO_CUMULATIVE, check_control_totals, control_figures, kronor
from namndbok.periodisering import month_end

NO_FIGURES = "Filen har inga kontrollsummor (#UB/#IB/#RES): summorna kan inte kontrolleras mot filen."
BREAKDOWN = "Objektraderna lästes som en uppdelning av kontots totalrad ({})"
DISJOINT = "Objektraderna lästes som delar utan totalrad (kontots summa är alla raders summa)"


class Checked(NamedTuple):
    rows: list[SourceRow]
    reading: list[str]  # what was proven and how the file was read, for the import's output
    warnings: list[str]


def checked_rows(sie, summed: bool) -> Checked:
    """The rows to import, proven against the file's control figures; SourceError where they cannot be."""
    if sie.vouchers:
        return _vouchers(sie, summed)
    periods = _year_zero_periods(sie)
    if not periods:
        raise SourceError(sie.path, 0, (
            f"SIE typ {sie.sietyp} innehåller bara årssaldon, inga verifikationer eller periodsaldon att läsa in "
            "som utfall. Exportera SIE typ 4 (eller typ 3 för periodsaldon)."))
    return _period_balances(sie, periods)


def _vouchers(sie, summed: bool) -> Checked:
    rows = sie.summed if summed else sie.rows
    problems = check_control_totals(sie)
    if problems:
        shown = " ".join(problems[:5]) + (f" (och {len(problems) - 5} till)" if len(problems) > 5 else "")
        raise SourceError(sie.path, 0, f"Exporten stämmer inte med sina egna kontrollsummor, så något saknas eller är dubbelt: {shown} Exportera filen på nytt.")
    figures = control_figures(sie)
    if figures:
        return Checked(rows, [f"Verifikationerna stämmer med filens #UB/#IB/#RES för alla {len(figures)} konton."],
                       _unchecked_vouchers(sie, figures))
    if any(t.label.startswith("#PSALDO 0 ") and not t.objekt for t in sie.psaldo):
        return Checked(rows, ["Verifikationerna stämmer med filens periodsaldon (#PSALDO)."], [])
    return Checked(rows, [NO_FIGURES], [])


def _year_zero_periods(sie) -> list[ControlTotal]:
    """#PSALDO of year 0 in the months of #RAR 0 (some systems label last year's periods 0 too)."""
    start, end = sie.rar.get(0, (None, None))
    first, last = (f"{start:%Y%m}", f"{end:%Y%m}") if start else ("000000", "999999")
    return [t for t in sie.psaldo if t.label.startswith("#PSALDO 0 ") and first <= t.period <= last]


def _period_balances(sie, periods: list[ControlTotal]) -> Checked:
    totals_only = [t for t in periods if not t.objekt]
    readings = [(BREAKDOWN, totals_only)]
    if len(totals_only) < len(periods):
        readings.append((DISJOINT, periods))
    figures = control_figures(sie)
    warnings = _unchecked(sie, periods, figures) if figures else []
    if figures:
        fits = [(name, chosen) for name, chosen in readings if not _differences(chosen, figures)]
        why = "eftersom det är den läsning som stämmer med filens #UB/#IB/#RES"
    else:
        fits = [(name, chosen) for name, chosen in readings if not _unbalanced_months(chosen)]
        why = "eftersom det är den läsning där varje månad balanserar (filen har inga #UB/#IB/#RES)"
    if not fits:
        raise SourceError(sie.path, 0, _refusal(readings, figures))
    name, chosen = fits[0]  # both fit only where the object rows add nothing: the totals, as the specification has it
    reading = [NO_FIGURES] if not figures else [f"Periodsaldona stämmer med filens #UB/#IB/#RES för alla {len(figures)} konton."]
    if len(readings) > 1:
        reading.append(f"{name}, {why}.")
    return Checked(_rows(chosen), reading, warnings)


def _sums(periods: list[ControlTotal]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for total in periods:
        sums[total.konto] += total.amount
    return sums


def _differences(periods: list[ControlTotal], figures) -> list[tuple[str, Decimal, Decimal, ControlTotal]]:
    """(konto, the periods' sum, the file's figure, its record) where they differ."""
    sums = _sums(periods)
    return [(konto, sums.get(konto, Decimal(0)), expected, record)
            for konto, (expected, record) in sorted(figures.items()) if sums.get(konto, Decimal(0)) != expected]


def _unbalanced_months(periods: list[ControlTotal]) -> dict[str, Decimal]:
    months: dict[str, Decimal] = defaultdict(Decimal)
    for total in periods:
        months[total.period] += total.amount
    return {month: amount for month, amount in sorted(months.items()) if amount}


def _refusal(readings, figures) -> str:
    if not figures:
        lines = ["Filen har inga kontrollsummor (#UB/#IB/#RES), och ingen läsning av periodsaldona balanserar varje månad, "
                 "så det går inte att veta vad som hör till nämnden. Inget är skrivet."]
        for name, chosen in readings:
            shown = ", ".join(f"{m[:4]}-{m[4:]}: {kronor(a)}" for m, a in list(_unbalanced_months(chosen).items())[:6])
            lines.append(f"  {name}: {shown}")
    else:
        lines = ["Periodsaldona (#PSALDO) stämmer inte med filens egna #UB/#IB/#RES"
                 + (", hur objektraderna än läses" if len(readings) > 1 else "") + ". Inget är skrivet."]
        sums = [(name, _sums(chosen)) for name, chosen in readings]
        nearest_name, nearest = min(readings, key=lambda reading: len(_differences(reading[1], figures)))
        differing = [konto for konto, *_ in _differences(nearest, figures)]
        if len(readings) > 1:
            lines.append(f"Närmast kommer läsningen där {_short(nearest_name, 2)} räknas; den skiljer på {len(differing)} {'konto' if len(differing) == 1 else 'konton'}:")
        for konto in differing[:10]:
            expected, record = figures[konto]
            found = "; ".join(f"{_short(name, len(readings))} ger {kronor(s.get(konto, Decimal(0)))}" for name, s in sums)
            what = "#RES" if record.label.startswith("#RES") else "#UB − #IB"
            lines.append(f"  Konto {konto}: {what} = {kronor(expected)} (rad {record.line}); {found}.")
        if len(differing) > 10:
            lines.append(f"  … och {len(differing) - 10} konton till.")
    lines.append("Exportera filen på nytt (typ 4 med verifikationer om det går), eller rätta den i ekonomisystemet.")
    return "\n".join(lines)


def _short(name: str, count: int) -> str:
    if count == 1:
        return "periodsaldona"
    return "bara totalraderna ({})" if name == BREAKDOWN else "alla rader"


def _unchecked(sie, periods: list[ControlTotal], figures) -> list[str]:
    """A warning naming the accounts with period balances but no figure to check them against."""
    first: dict[str, int] = {}
    for total in periods:
        if total.konto not in figures and total.amount:
            first.setdefault(total.konto, total.line)
    if not first:
        return []
    shown = ", ".join(f"{konto} (rad {line})" for konto, line in sorted(first.items())[:10])
    line = min(first.values())
    return [f"{sie.path}:{line}: Konton med periodsaldon men utan #UB/#RES att kontrollera mot: {shown}."]


def _unchecked_vouchers(sie, figures) -> list[str]:
    """A warning naming the accounts with voucher rows in year 0 but no figure to check them against."""
    year = sie.rar.get(0)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for (konto, date), amount in sie.row_sums.items():
        if konto not in figures and (year is None or year[0] <= date <= year[1]):
            sums[konto] += amount
    missing = sorted(konto for konto, amount in sums.items() if amount)
    if not missing:
        return []
    shown = ", ".join(missing[:10]) + (f" och {len(missing) - 10} till" if len(missing) > 10 else "")
    return [f"{sie.path}: Konton med verifikationer men utan #UB/#RES att kontrollera mot: {shown}."]


def _rows(periods: list[ControlTotal]) -> list[SourceRow]:
    """Monthly rows: each period's change, per account and object list."""
    by_key: dict[tuple, list[ControlTotal]] = {}
    for total in periods:
        by_key.setdefault((total.konto, total.objekt), []).append(total)
    rows = []
    for (konto, objekt), totals in sorted(by_key.items()):
        previous = 0
        for total in sorted(totals, key=lambda t: t.period):
            change = total.amount - previous if PSALDO_CUMULATIVE else total.amount
            previous = total.amount
            year, month = int(total.period[:4]), int(total.period[4:])
            rows.append(SourceRow(month_end(year, month), konto, objekt, change, "Periodsaldo", None, total.line))
    return rows


FISCAL_YEAR_FLAG = "--brutet-rakenskapsar"


def check_calendar_year(sie, accept_fiscal_year: bool = False) -> list[str]:
    """A committee's books keep calendar years: a file whose #RAR 0 is another span is refused, naming its years,
    unless `accept_fiscal_year` (`namndbok import --brutet-rakenskapsar`). Then each amount is booked in its own
    month, the control figures are those of the file's whole fiscal year, and the returned line says so."""
    if 0 not in sie.rar:
        return []
    start, end = sie.rar[0]
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return []
    years = f"går över två år, {start.year} och {end.year}" if start.year != end.year else f"är bara en del av {start.year}"
    said = f"Räkenskapsåret i filen (#RAR 0) är {start.isoformat()}–{end.isoformat()}, inte ett kalenderår: det {years}."
    if not accept_fiscal_year:
        raise SourceError(sie.path, sie.rar_lines.get(0, 0), (
            f"{said} Nämndens bok följer kalenderår (januari–december); exportera ett kalenderår ur ekonomisystemet. "
            f"Ska filens räkenskapsår läsas in ändå, varje belopp i sin egen månad: {FISCAL_YEAR_FLAG}."))
    return [f"{said} Inläst ändå ({FISCAL_YEAR_FLAG}): varje belopp i sin egen månad, {start:%Y-%m}–{end:%Y-%m}, "
            f"kontrollerat mot filens #UB/#IB/#RES för hela räkenskapsåret. Rapporterna följer kalenderår: "
            f"{start.year} och {end.year} är hela först när deras andra delar också är inlästa."]
