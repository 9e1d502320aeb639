"""Eget kapital (ackumulerat resultat): carried results and the council's decisions.

The committee's eget kapital lives on its eget kapital konto (the kontoplan's
`eget_kapital_konto`, e.g. `Eget-kapital:Socialnämnden:2011`, per ansvar
where units carry their own result). At any date

    utgående = ingående + beslut + årets resultat

where ingående is the opening balance when the ledger starts plus every
earlier year's result and decision, beslut are the council's decisions of the
year, and årets resultat is kommunbidrag + intäkter + kostnader (+ disposition)
so far, by budget or by prognos.

The council's decisions are written as one directive each:

    2024-04-22 custom "eget-kapital" "Avskrivning av negativt eget kapital 2023"
      typ: "avskrivning"          ; write a negative eget kapital off to zero
      beslut: "KF 2024-04-22 §61"
      ar: 2023                    ; the year whose closing eget kapital it concerns
    2026-04-27 custom "eget-kapital" "Tak för överskott 2025"
      typ: "tak"                  ; cap what a surplus may carry
      beslut: "KF 2026-04-27 §80"
      ar: 2025
      belopp: 5000000.00 SEK
    2026-03-01 custom "eget-kapital" "Ianspråktagande för digitalisering"
      typ: "disposition"          ; use part of the eget kapital this year
      beslut: "KF 2026-02-23 §20"
      belopp: 3000000.00 SEK
      verksamhet: "5739"          ; optional: where the disposition row shows
    2025-02-17 custom "eget-kapital" "Återbetalning av underskott 2024" "2025" 20000000.00 SEK "2026" -10000000.00 SEK
      typ: "aterbetalning"        ; a deficit repaid by changing kommunbidrag per year
      beslut: "KF 2025-02-17 §14"

`generated_entries` turns them into ledger entries (namndbok.plugins.eget_kapital):
avskrivning and tak into transactions between the eget kapital konto and the
avräkning with the municipality, for the amount the eget kapital has at the
decision; disposition into a transaction from eget kapital to
`Intäkter:<nämnd>:Disposition` (its own row in the resultaträkning);
aterbetalning into one kommunbidrag budget decision per year (a planned result
the first year, `resultatreglering`; a lower kommunbidrag the committee must
balance the later years). It also carries each finished year's result into
the eget kapital konto on 1 January of the next year, against Beancount's
`account_previous_earnings`, so that Fava's balance sheet for a year shows the
accumulated result on the eget kapital konto itself.

The year-end close writes `custom "bokslut"` with the year's result and
closing eget kapital; `check_bokslut` refuses a closed year whose numbers have
changed since.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from beancount.core import account as bc_account
from beancount.core import amount as bc_amount
from beancount.core import data
from beancount.parser import options as bc_options
from beancount.parser.grammar import ValueType

from namndbok.accounts import (
    KIND_DISPOSITION,
    KIND_EGET_KAPITAL,
    KIND_KOMMUNBIDRAG,
    KIND_TILLGANG,
    RESULT_KINDS,
    balance_account,
    result_account,
)
from namndbok.budget import LedgerInputError, valued
from namndbok.engine import compute
from namndbok.ledgerdata import META_CARRY, META_DECISION, META_PLAN, EKMovement
from namndbok.swedish import format_amount
from namndbok.utfallsindex import utfall_index

DECISION = "eget-kapital"
BOKSLUT = "bokslut"
TYPES = ("avskrivning", "tak", "disposition", "aterbetalning")
TYPE_LABELS = {
    "avskrivning": "Avskrivning av negativt eget kapital",
    "tak": "Tak för överfört överskott",
    "disposition": "Ianspråktagande av ackumulerat resultat",
    "aterbetalning": "Återbetalning av underskott",
}


class EKDecision(NamedTuple):
    date: datetime.date
    name: str
    typ: str
    beslut: str
    ar: int | None
    belopp: Decimal | None
    plan: tuple[tuple[int, Decimal], ...]  # aterbetalning: (year, kommunbidrag change)
    namnd: str | None
    verksamhet: str | None
    ansvar: str | None
    meta: dict


class Bokslut(NamedTuple):
    date: datetime.date
    year: int
    namnd: str | None
    arets_resultat: Decimal  # committee's sign
    utgaende: Decimal  # committee's sign
    meta: dict


def parse_decisions(entries, currency: str) -> tuple[list[EKDecision], list[Bokslut], list]:
    decisions, closes, errors = [], [], []
    for entry in entries:
        if not isinstance(entry, data.Custom):
            continue
        entry = valued(entry)
        if entry.type == DECISION:
            decision = _decision(entry, currency, errors)
            if decision:
                decisions.append(decision)
        elif entry.type == BOKSLUT:
            close = _bokslut(entry, currency, errors)
            if close:
                closes.append(close)
    return decisions, closes, errors


def _decision(entry, currency, errors) -> EKDecision | None:
    meta = entry.meta
    values = entry.values
    usage = ('Ett beslut om eget kapital skrivs: DATUM custom "eget-kapital" "Namn" med typ: '
             f"({', '.join(TYPES)}) och beslut: (referens).")
    if not values or values[0].dtype is not str:
        errors.append(LedgerInputError(meta, usage, entry))
        return None
    typ, beslut = meta.get("typ"), meta.get("beslut")
    if not isinstance(typ, str) or typ not in TYPES or not isinstance(beslut, str) or not beslut.strip():
        errors.append(LedgerInputError(meta, usage, entry))
        return None
    belopp = meta.get("belopp")
    if belopp is not None:
        if not isinstance(belopp, bc_amount.Amount) or belopp.currency != currency or belopp.number <= 0:
            errors.append(LedgerInputError(meta, f"belopp: ska vara ett positivt belopp i {currency}, t.ex. belopp: 5000000.00 {currency}.", entry))
            return None
        belopp = belopp.number
    ar = meta.get("ar")
    if ar is not None:
        ar = _year(ar)
        if ar is None:
            errors.append(LedgerInputError(meta, f"ar: {meta['ar']} är inget år; skriv t.ex. ar: 2023.", entry))
            return None
    for key in ("namnd", "verksamhet", "ansvar"):
        if not isinstance(meta.get(key, ""), str):
            errors.append(LedgerInputError(meta, f'{key}: skrivs som text inom citattecken, t.ex. {key}: "{EXAMPLES[key]}".', entry))
            return None
    plan = []
    rest = [v.value for v in values[1:]]
    if typ == "aterbetalning":
        # Years are quoted: Beancount would read `SEK 2026 -100.00` as arithmetic.
        if not rest or len(rest) % 2 or not all(
            isinstance(y, str) and y.isdigit() and len(y) == 4 and isinstance(a, bc_amount.Amount) and a.currency == currency
            for y, a in zip(rest[::2], rest[1::2])
        ):
            errors.append(LedgerInputError(meta, 'En återbetalningsplan skrivs med år (inom citattecken) och belopp efter namnet: custom "eget-kapital" "Namn" "2025" 20000000.00 SEK "2026" -10000000.00 SEK.', entry))
            return None
        plan = [(int(y), a.number) for y, a in zip(rest[::2], rest[1::2])]
    elif rest:
        errors.append(LedgerInputError(meta, "Bara en återbetalningsplan har år och belopp efter namnet; ange annars belopp: som metadata.", entry))
        return None
    if typ in ("avskrivning", "tak") and ar is None:
        errors.append(LedgerInputError(meta, f"Ett beslut av typen {typ} behöver ar: (det år vars utgående eget kapital det gäller).", entry))
        return None
    if typ in ("tak", "disposition") and belopp is None:
        errors.append(LedgerInputError(meta, f"Ett beslut av typen {typ} behöver belopp:.", entry))
        return None
    return EKDecision(entry.date, values[0].value, typ, beslut, ar, belopp, tuple(plan),
                      meta.get("namnd"), meta.get("verksamhet"), meta.get("ansvar"), meta)


EXAMPLES = {"namnd": "Socialnämnden", "verksamhet": "5731", "ansvar": "2200"}  # how a text metadata value is written


def _year(value) -> int | None:
    """A year from metadata (ar: 2023, or ar: "2023"); None for anything else."""
    if isinstance(value, str) and value.isdigit() and len(value) == 4:
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value() and 1 <= value <= 9999:
        return int(value)
    return None


def _bokslut(entry, currency, errors) -> Bokslut | None:
    meta = entry.meta
    try:
        year = int(entry.values[0].value)
        result = meta["arets_resultat"]
        closing = meta["utgaende_eget_kapital"]
        assert isinstance(result, bc_amount.Amount) and isinstance(closing, bc_amount.Amount)
        assert isinstance(meta.get("namnd", ""), str)
    except (IndexError, KeyError, ValueError, TypeError, AssertionError):
        errors.append(LedgerInputError(meta, 'Ett bokslut skrivs: DATUM custom "bokslut" "ÅÅÅÅ" med arets_resultat: och utgaende_eget_kapital: (belopp) och namnd: som text. Skapa det med `namndbok bokslut ÅÅÅÅ`.', entry))
        return None
    return Bokslut(entry.date, year, meta.get("namnd"), result.number, closing.number, meta)


# ---------------------------------------------------------------------------
# Computing eget kapital


def results_by_year(ledgerdata) -> dict[tuple[str, str | None], dict[int, Decimal]]:
    """Årets resultat per nämnd (or ansvar, where units carry their own) and year: one
    pass over the result accounts' utfall (the balance sheet's is not summed), once per
    reading (in `ledgerdata.cache`)."""
    if RESULTS_KEY in ledgerdata.cache:
        return ledgerdata.cache[RESULTS_KEY]
    out: dict[tuple[str, str | None], dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for name, group in _result_accounts(ledgerdata):
        by_date = ledgerdata.utfall[name]
        years = out[group]
        dates = sorted(by_date)
        first, last = dates[0].year, dates[-1].year
        if first == last:  # most accounts: one year, summed at C speed
            years[first] -= sum(by_date.values())
            continue
        amount_on = by_date.__getitem__
        start = 0
        for year in range(first, last + 1):  # each year's dates are a slice of the sorted ones
            # The year 9999 (datetime's last) runs to the last date: it has no 1 January after it.
            end = len(dates) if year == datetime.MAXYEAR else bisect.bisect_left(dates, datetime.date(year + 1, 1, 1), start)
            if end > start:
                years[year] -= sum(map(amount_on, dates[start:end]))
            start = end
    ledgerdata.cache[RESULTS_KEY] = out
    return out


RESULTS_KEY = ("eget kapital", "resultat per år")


def _result_accounts(ledgerdata):
    """(account, its group) for each result account with utfall: the group is (nämnd, ansvar)
    where the nämnd's units carry their own result, else (nämnd, None)."""
    per_ansvar = {namnd: _per_ansvar(ledgerdata, namnd) for namnd in ledgerdata.kontoplaner}
    refs = ledgerdata.refs
    for name in ledgerdata.utfall:
        ref = refs.get(name)
        if ref is not None and ref.kind in RESULT_KINDS:
            yield name, (ref.namnd, ref.ansvar if per_ansvar.get(ref.namnd) else None)


def _per_ansvar(ledgerdata, namnd) -> bool:
    plan = ledgerdata.kontoplaner.get(namnd)
    return plan is not None and plan.eget_kapital_per == "ansvar"


class RollForward(NamedTuple):
    """Eget kapital of one nämnd (or unit) for one year, as known at a date."""

    namnd: str
    ansvar: str | None
    year: int
    ingaende: Decimal  # = utgående eget kapital of the previous year's bokslut
    beslut: tuple[EKMovement, ...]
    arets_resultat: Decimal  # utfall to the date
    arets_resultat_budget: Decimal | None = None  # the year's budgeted result
    arets_resultat_prognos: Decimal | None = None  # the year's result by the latest prognos

    @property
    def beslut_summa(self) -> Decimal:
        return sum((m.amount for m in self.beslut), Decimal(0))

    @property
    def utgaende(self) -> Decimal:
        return self.ingaende + self.beslut_summa + self.arets_resultat

    @property
    def utgaende_budget(self) -> Decimal | None:
        return None if self.arets_resultat_budget is None else self.ingaende + self.beslut_summa + self.arets_resultat_budget

    @property
    def utgaende_prognos(self) -> Decimal | None:
        return None if self.arets_resultat_prognos is None else self.ingaende + self.beslut_summa + self.arets_resultat_prognos


def roll_forward(ledgerdata, year: int, date: datetime.date | None = None, plan: bool = True,
                 results: dict | None = None) -> list[RollForward]:
    """Per nämnd (and ansvar where units carry their own): ingående, beslut, årets
    resultat to `date` (default: the year's end) and by budget and prognos, utgående.

    `plan=False` leaves budget and prognos out (the closed-year check needs only
    utfall); `results` stands in for `results_by_year(ledgerdata)` where the years'
    results are those of another reading (namndbok.plugins.eget_kapital's closed-year check)."""
    year_end = datetime.date(year, 12, 31)
    date = date or year_end
    start = datetime.date(year, 1, 1)
    results = results if results is not None else results_by_year(ledgerdata)
    keys = set(results) | {(m.namnd, m.ansvar) for m in ledgerdata.eget_kapital}
    whole = _plan_results(ledgerdata, date) if plan else {}
    so_far = {} if date == year_end else _results_between(ledgerdata, start, date)
    out = []
    for namnd, ansvar in sorted(keys, key=lambda k: (k[0], k[1] or "")):
        own = [m for m in ledgerdata.eget_kapital if (m.namnd, m.ansvar) == (namnd, ansvar) and m.kind != "överföring"]
        opening = sum((m.amount for m in own if m.date < start or (m.date == start and m.kind != "beslut")), Decimal(0))
        opening += sum((r for y, r in results.get((namnd, ansvar), {}).items() if y < year), Decimal(0))
        decisions = tuple(m for m in own if m.kind == "beslut" and start <= m.date <= date)
        result = (results.get((namnd, ansvar), {}).get(year, Decimal(0)) if date == year_end
                  else so_far.get((namnd, ansvar), Decimal(0)))
        budget, prognos = whole.get((namnd, ansvar), (None, None))
        out.append(RollForward(namnd, ansvar, year, opening, decisions, result, budget, prognos))
    return out


def _plan_results(ledgerdata, date: datetime.date) -> dict[tuple, tuple[Decimal, Decimal]]:
    """(budgeted, forecast) result of the year per nämnd (or unit), as known at `date`."""
    whole: dict[tuple, tuple[Decimal, Decimal]] = {}
    for row in compute(ledgerdata, date, group_by=("nämnd", "ansvar")).rows:
        namnd, ansvar = row.key
        key = (namnd, ansvar if _per_ansvar(ledgerdata, namnd) else None)
        budget, prognos = whole.get(key, (Decimal(0), Decimal(0)))
        whole[key] = (budget + (row.measures.budget_helar or 0), prognos + (row.measures.prognos or 0))
    return whole


def _results_between(ledgerdata, start: datetime.date, date: datetime.date) -> dict[tuple, Decimal]:
    """Result per nämnd (or ansvar) from `start` to `date`: each result account's utfall
    over the range from its running sums (`utfallsindex`, two bisects an account)."""
    index = utfall_index(ledgerdata)
    out: dict[tuple, Decimal] = defaultdict(Decimal)
    for name, group in _result_accounts(ledgerdata):
        amount = index[name].between(start, date)
        if amount is not None:
            out[group] -= amount
    return out


# ---------------------------------------------------------------------------
# Entries generated by namndbok.plugins.eget_kapital


def generated_entries(ledgerdata, decisions: list[EKDecision]) -> tuple[list, list]:
    """Carry transactions, decision transactions and repayment budget entries."""
    contra = bc_options.get_previous_accounts(ledgerdata.options)[0]
    currency = ledgerdata.currency
    errors: list = []
    out: list = []

    span = ledgerdata.utfall_span()
    last_year = span[1].year if span else None
    results = results_by_year(ledgerdata)

    # 1. Each finished year's result into the eget kapital konto, on 1 January.
    for (namnd, ansvar), by_year in sorted(results.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        plan = ledgerdata.kontoplaner.get(namnd)
        if plan is None or plan.eget_kapital_konto is None:
            continue
        ek_account = balance_account(ledgerdata.roots, KIND_EGET_KAPITAL, namnd, plan.eget_kapital_konto, ansvar)
        for year, result in sorted(by_year.items()):
            if year >= last_year or result == 0:
                continue
            date = datetime.date(year + 1, 1, 1)
            meta = data.new_metadata("<namndbok.plugins.eget_kapital>", year, {META_CARRY: year})
            postings = [
                data.Posting(ek_account, bc_amount.Amount(-result, currency), None, None, None, None),
                data.Posting(contra, bc_amount.Amount(result, currency), None, None, None, None),
            ]
            out.append(data.Transaction(meta, date, "*", None, f"Årets resultat {year} förs till ackumulerat resultat",
                                        frozenset({"bokslut"}), frozenset(), postings))

    # 2. The council's decisions, in date order, each on the eget kapital as it then stands.
    made: list[EKMovement] = []
    for decision in sorted(decisions, key=lambda d: d.date):
        namnd = decision.namnd or _only_namnd(ledgerdata)
        plan = ledgerdata.kontoplaner.get(namnd) if namnd else None
        if plan is None or plan.eget_kapital_konto is None or (
            decision.typ in ("avskrivning", "tak") and plan.avrakningskonto is None
        ):
            errors.append(LedgerInputError(decision.meta, f"Beslutet '{decision.name}' kräver att kontoplanen för {namnd or 'nämnden'} anger eget_kapital_konto och avrakningskonto.", None))
            continue
        if decision.typ == "aterbetalning":
            out += _repayment_budget(decision, namnd, ledgerdata)
            continue
        ek_account = balance_account(ledgerdata.roots, KIND_EGET_KAPITAL, namnd, plan.eget_kapital_konto, decision.ansvar)
        if decision.typ == "disposition":
            amount = -decision.belopp
            counter = result_account(ledgerdata.roots, KIND_DISPOSITION, namnd, decision.verksamhet, None, decision.ansvar)
        else:
            standing = _standing(ledgerdata, results, made, namnd, decision)
            if decision.typ == "avskrivning":
                amount = decision.belopp if decision.belopp is not None else max(Decimal(0), -standing)
            else:  # tak
                amount = -max(Decimal(0), standing - decision.belopp)
            counter = balance_account(ledgerdata.roots, KIND_TILLGANG, namnd, plan.avrakningskonto)
        if amount == 0:
            continue
        made.append(EKMovement(decision.date, namnd, decision.ansvar, amount, "beslut", decision.name, decision.beslut))
        meta = dict(decision.meta, **{META_DECISION: decision.beslut})
        postings = [
            data.Posting(ek_account, bc_amount.Amount(-amount, currency), None, None, None, None),
            data.Posting(counter, bc_amount.Amount(amount, currency), None, None, None, None),
        ]
        out.append(data.Transaction(meta, decision.date, "*", None, f"{decision.name} ({decision.beslut})",
                                    frozenset({"eget-kapital"}), frozenset(), postings))
    return out, errors


def _only_namnd(ledgerdata) -> str | None:
    return next(iter(ledgerdata.kontoplaner)) if len(ledgerdata.kontoplaner) == 1 else None


def _standing(ledgerdata, results, made, namnd, decision) -> Decimal:
    """Eget kapital after year `ar`, with the decisions taken since, before this one."""
    group = decision.ansvar
    own = [m for m in ledgerdata.eget_kapital if m.namnd == namnd and m.ansvar == group and m.kind != "överföring"]
    total = sum((m.amount for m in own if m.date < decision.date), Decimal(0))
    total += sum((r for y, r in results.get((namnd, group), {}).items() if y <= decision.ar), Decimal(0))
    total += sum((m.amount for m in made if m.namnd == namnd and m.ansvar == group), Decimal(0))
    return total


def _repayment_budget(decision: EKDecision, namnd: str, ledgerdata) -> list:
    """One budget decision per year of the plan, on the nämnd's kommunbidrag."""
    account = result_account(ledgerdata.roots, KIND_KOMMUNBIDRAG, namnd, decision.verksamhet, None, decision.ansvar)
    out = []
    for year, change in decision.plan:
        name = f"{decision.name}, {year}"
        typ = "resultatreglering" if change > 0 else "kommunbidrag"
        meta = dict(decision.meta, typ=typ, beslut=decision.beslut, **{META_PLAN: decision.name})
        out.append(data.Custom(meta, decision.date, "budgetbeslut", [ValueType(name, str)]))
        line_meta = dict(decision.meta)
        line_meta.pop("typ", None)
        values = [
            ValueType(name, str),
            ValueType(account, bc_account.TYPE),
            ValueType(bc_amount.Amount(-change, ledgerdata.currency), bc_amount.Amount),
        ]
        out.append(data.Custom(line_meta, datetime.date(year, 1, 1), "budgetrad", values))
    return out


def check_bokslut(ledgerdata, closes: list[Bokslut], results: dict | None = None) -> list:
    """An error for each closed year whose result or closing eget kapital has changed;
    `results` as for `roll_forward`."""
    errors = []
    results = results if results is not None else results_by_year(ledgerdata)
    for close in closes:
        rows = [r for r in roll_forward(ledgerdata, close.year, plan=False, results=results) if close.namnd in (None, r.namnd)]
        result = sum((r.arets_resultat for r in rows), Decimal(0))
        closing = sum((r.utgaende for r in rows), Decimal(0))
        if (result, closing) != (close.arets_resultat, close.utgaende):
            errors.append(LedgerInputError(
                close.meta,
                f"Det stängda året {close.year} har ändrats efter bokslutet: årets resultat är nu "
                f"{format_amount(result, 'kr', 2)} kr (bokslutet: {format_amount(close.arets_resultat, 'kr', 2)} kr) "
                f"och utgående eget kapital {format_amount(closing, 'kr', 2)} kr (bokslutet: "
                f"{format_amount(close.utgaende, 'kr', 2)} kr). Ta bort ändringen, eller bokför den som en "
                "rättelse i det öppna året.",
                None,
            ))
    return errors


# ---------------------------------------------------------------------------
# The roll-forward as a table (shared by the CLI and the Fava extension)


class RollForwardTable(NamedTuple):
    columns: tuple[str, ...]
    rows: list[tuple[str, tuple[Decimal | None, ...]]]  # label, one value per column


def table_years(ledgerdata, date: datetime.date) -> list[int]:
    """The years of the eget kapital table to `date`: from the first year with utfall
    (`date`'s own year when there is none yet)."""
    span = ledgerdata.utfall_span()
    return list(range(span[0].year if span else date.year, date.year + 1))


def table_date_refusal(ledgerdata, date: datetime.date) -> str | None:
    """Why the eget kapital table cannot be drawn to `date` (Swedish), or None: a table is
    a column per year, from the first year with utfall to at most one year after the last
    year the ledger has utfall, budget or prognos for (not thousands of empty years)."""
    span = ledgerdata.utfall_span()
    dates = [d for d in (span[1] if span else None, *(l.date for l in ledgerdata.budget_lines),
                         *(l.date for l in ledgerdata.prognos)) if d is not None]
    if span and date.year < span[0].year:
        return (f"{date} ligger före liggarens första utfall ({span[0]}); eget kapital visas från "
                f"{span[0].year}. Ange ett datum från {span[0].year}-01.")
    if dates and date.year > max(dates).year + 1:
        last = max(dates).year
        return (f"{date} ligger långt efter liggarens sista år med utfall, budget eller prognos ({last}); "
                f"eget kapital visas högst ett år framåt. Ange ett datum t.o.m. {last + 1}-12.")
    return None


class ListedDecision(NamedTuple):
    """A decision on eget kapital as the committee lists it; `amounts`: (year, amount) — the
    decision's year and belopp, or each year of a repayment plan (kommunbidrag change)."""

    date: datetime.date
    name: str
    typ: str  # TYPE_LABELS' text
    beslut: str
    amounts: tuple[tuple[int | None, Decimal | None], ...]


def decision_listing(decisions: list[EKDecision]) -> list[ListedDecision]:
    """The decisions in date order, each with its amount or its plan year by year."""
    out = []
    for d in sorted(decisions, key=lambda d: d.date):
        amounts = d.plan if d.belopp is None and d.plan else ((d.ar, d.belopp),)
        out.append(ListedDecision(d.date, d.name, TYPE_LABELS.get(d.typ, d.typ), d.beslut, tuple(amounts)))
    return out


PLANNED_ROW = "varav resultatreglering"


def planned_results(ledgerdata, years: list[int], date: datetime.date | None = None) -> tuple[Decimal, ...] | None:
    """The part of årets resultat the council planned (budget decisions of typ resultatreglering:
    a surplus repaying a deficit, a deficit using a surplus), per column of `roll_forward_table`:
    for a year not yet ended at `date`, its periodised budget to the date, then the year's (budget,
    prognos); for an ended year the year's; for a year after `date`'s (a plan year) the year's as
    the decisions taken by `date` plan it. Committee sign. None when the ledger has no such
    decision taken by `date` (a proposal, `status: "förslag"`, is no decision)."""
    from namndbok.budget import PLANNED_RESULT, is_proposal

    names = {d.name for d in ledgerdata.decisions
             if d.typ == PLANNED_RESULT and not is_proposal(d) and (date is None or d.date <= date)}
    if not names:
        return None
    reading = ledgerdata._replace(budget_lines=[l for l in ledgerdata.budget_lines if l.version in names], cache={})
    out = []
    for y in years:
        year_end = datetime.date(y, 12, 31)
        if date is not None and y > date.year:  # a plan year: its whole year, as decided by `date`
            out.append(compute(reading, year_end, group_by=(), budget_known_at=date).total.measures.budget_helar
                       or Decimal(0))
            continue
        at = min(date, year_end) if date else year_end
        measures = compute(reading, at, group_by=()).total.measures
        whole = measures.budget_helar or Decimal(0)
        if at < year_end:
            out.extend((measures.budget or Decimal(0), whole, whole))
        else:
            out.append(whole)
    return tuple(out)


class PlanYear(NamedTuple):
    """A year of the flerårsplan (an "ÅR plan" column): ingående the year before's utgående by
    budget (or by the plan), årets resultat the council's planned result."""

    year: int
    ingaende: Decimal
    arets_resultat: Decimal

    @property
    def utgaende(self) -> Decimal:
        return self.ingaende + self.arets_resultat


def plan_roll_forward(ledgerdata, opening: Decimal, plan: list[int], date: datetime.date | None) -> list[PlanYear]:
    """The plan years `plan` (`plan_years`) from `opening`, the utgående by budget of the year
    before the first: each year's planned result (`planned_results`, as decided by `date`; 0 where
    the plan only changes kommunbidrag: the committee is to balance) on the year before's utgående.
    The table's "ÅR plan" columns and the chart's plan line are both these."""
    planned = planned_results(ledgerdata, plan, date) if plan else None
    out = []
    for index, year in enumerate(plan):
        result = planned[index] if planned is not None else Decimal(0)
        out.append(PlanYear(year, opening, result))
        opening += result
    return out


PLAN_NOTE = ("Kolumnerna ”ÅR plan”: flerårsplanen efter fullmäktiges återbetalningsplan. Ingående är föregående års utgående eget kapital "
             "enligt budget; årets resultat är det planerade (resultatreglering), 0 där planen bara ändrar kommunbidraget "
             "och nämnden ska gå jämnt ut. En plan, inte budget eller utfall.")


def plan_years(decisions: list[EKDecision], date: datetime.date) -> list[int]:
    """The years after `date`'s that a repayment plan decided by `date` reaches (flerårsplan)."""
    return sorted({year for d in decisions if d.date <= date for year, _ in d.plan if year > date.year})


def roll_forward_table(ledgerdata, years: list[int], date: datetime.date | None = None,
                       plan: list[int] = ()) -> RollForwardTable:
    """Ingående, each decision (with its reference), årets resultat and utgående per
    year; for a year not yet ended at `date`, also by budget and by prognos.

    `plan` (`plan_years`): a column "ÅR plan" per plan year after the last of `years`: ingående
    the year before's utgående by budget (a plan builds on the budget, not on the prognos),
    årets resultat the result the council planned (resultatreglering, `planned_results`; 0 where
    the plan only changes kommunbidrag: the committee is to balance), utgående the sum."""
    from namndbok.swedish import MONTHS_SHORT

    columns, cells = [], []  # cells: (ingående, beslut movements, resultat) per column
    by_budget = []  # per column: is it the budget's (an ended year's or "ÅR budget")
    for y in years:
        at = min(date, datetime.date(y, 12, 31)) if date else datetime.date(y, 12, 31)
        rows = roll_forward(ledgerdata, y, at)
        opening = sum((r.ingaende for r in rows), Decimal(0))
        decisions = [m for r in rows for m in r.beslut]
        if at < datetime.date(y, 12, 31):
            columns.append(f"{y} t.o.m. {MONTHS_SHORT[at.month - 1]}")
            cells.append((opening, decisions, sum((r.arets_resultat for r in rows), Decimal(0))))
            by_budget.append(False)
            for label, attr in (("budget", "arets_resultat_budget"), ("prognos", "arets_resultat_prognos")):
                columns.append(f"{y} {label}")
                cells.append((opening, decisions, sum((getattr(r, attr) or 0 for r in rows), Decimal(0))))
                by_budget.append(label == "budget")
        else:
            columns.append(str(y))
            cells.append((opening, decisions, sum((r.arets_resultat for r in rows), Decimal(0))))
            by_budget.append(True)
    plan = [y for y in plan if y > max(years, default=y)]
    base = next((i for i in reversed(range(len(cells))) if by_budget[i]), None)
    before = cells[base] if base is not None else (Decimal(0), [], Decimal(0))
    known = date or (datetime.date(max(years), 12, 31) if years else None)  # the decisions the plan knows: taken by then
    planned = plan_roll_forward(ledgerdata, before[0] + sum((m.amount for m in before[1]), Decimal(0)) + before[2],
                                plan, known)
    for p in planned:
        columns.append(f"{p.year} plan")
        cells.append((p.ingaende, [], p.arets_resultat))

    out = [("Ingående eget kapital", tuple(c[0] for c in cells))]
    seen = []
    for _, decisions, _ in cells:
        for m in decisions:
            if m not in seen:
                seen.append(m)
    for m in seen:
        out.append((m.name, tuple(m.amount if m in c[1] else None for c in cells)))
    out.append(("Årets resultat", tuple(c[2] for c in cells)))
    reglering = planned_results(ledgerdata, years, date)
    if reglering is not None:
        out.append((PLANNED_ROW, reglering + tuple(p.arets_resultat for p in planned)))
    out.append(("Utgående eget kapital (inklusive årets resultat)",
                tuple(c[0] + sum((m.amount for m in c[1]), Decimal(0)) + c[2] for c in cells)))
    return RollForwardTable(tuple(columns), out)
