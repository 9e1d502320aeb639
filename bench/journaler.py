"""A Nämndbok ledger as hledger and ledger-cli journals: the same utfall and budget.

For `bench/jamfor.py`: Debian's `hledger` (1.25) and `ledger` (3.3)
run their budget reports on exactly what our engine reads from the loaded
ledger (`LedgerData`), so the three tools can be timed and their totals
compared. What the journals hold, per year:

- **utfall**: one transaction per Beancount transaction of the ledger, with
  its postings on result accounts (kommunbidrag, intäkter, kostnader,
  disposition; several on one account summed), balanced against `MOTKONTO`.
  So the journals hold what the ledger holds: after a summerad import one
  transaction per month with a posting per account, after a detaljerad
  import one per voucher — each tool reads the same number of postings.
- **budget**: the lines in effect at 31 December (`lines_in_effect`), spread
  over the months by the engine's own periodisering (`fakta.line_months`, in
  öre, the last month taking the rest so the year is exact), as periodic
  rules: every account in one rule for the whole year
  (`~ monthly from ÅÅÅÅ-01-01 to ÅÅÅÅ+1-01-01`) with its commonest non-zero
  month, and, for the months that differ (a profile, the öre left over in
  December), one rule per month (`~ monthly from ÅÅÅÅ-MM-01 to` the next
  month) with the difference, so that every month's budget is the engine's.
  Each rule balances against `MOTKONTO` (both tools require periodic
  transactions to balance). The rules come first, one set per account depth,
  deepest first: ledger-cli (3.3, `budget_posts`) books an actual posting on
  the *first* budgeted ancestor in the order the rules were read, not the
  nearest, so a nämnd-level budget line read before a verksamhet's would take
  the verksamhet's utfall (hledger takes the nearest, so the order is
  harmless there).

Account names are the ledger's own (`Kostnader:Socialnämnden:5731:4610:2200`),
so all three tools roll up nämnd → verksamhet → konto alike. The syntax is the
subset both tools read (ISO dates, `~ monthly from … to …` with no comment
on its line — ledger refuses one —, amounts as `1234.50 SEK`); the two files
differ only in their header and file ending.
Balance-sheet accounts and investments are left out: the budget report is
about the result.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from beancount.core.data import Transaction

from namndbok.accounts import RESULT_KINDS
from namndbok.budget import lines_in_effect
from namndbok.fakta import line_months
from namndbok.fileio import atomic_write_text
from namndbok.ledgerdata import LedgerData

ORE = Decimal("0.01")
MOTKONTO = "Motkonto"  # under the assets root; balances every transaction and rule
DIALECTS = {"hledger": "journal", "ledger": "ledger"}  # dialect → file ending


def _amount(value: Decimal, currency: str) -> str:
    text = f"{value:.2f}" if value == value.quantize(ORE) else f"{value.normalize():f}"
    return f"{text} {currency}"


def _postings(amounts: dict[str, Decimal], currency: str, counter: str) -> list[str]:
    width = max(len(account) for account in amounts)
    lines = [f"    {account.ljust(width)}  {_amount(amount, currency):>20}" for account, amount in sorted(amounts.items())]
    return [*lines, f"    {counter}"]


def _result_accounts(data: LedgerData) -> set[str]:
    return {name for name, ref in data.refs.items() if ref.kind in RESULT_KINDS}


def utfall_transactions(entries, data: LedgerData) -> list[tuple[datetime.date, str, dict[str, Decimal]]]:
    """(date, narration, account → amount) of every transaction with postings on result accounts."""
    wanted = _result_accounts(data)
    out = []
    for entry in entries:
        if isinstance(entry, Transaction):
            amounts: dict[str, Decimal] = defaultdict(Decimal)
            for posting in entry.postings:
                if posting.account in wanted and posting.units.currency == data.currency:
                    amounts[posting.account] += posting.units.number
            amounts = {a: v for a, v in amounts.items() if v}
            if amounts:
                out.append((entry.date, entry.narration or "Utfall", amounts))
    return out


def budget_by_month(data: LedgerData, year: int) -> dict[str, list[Decimal]]:
    """account → its twelve months of budget for `year`, as the engine periodizes it (in öre)."""
    wanted = _result_accounts(data)
    out: dict[str, list[Decimal]] = {}
    for line in lines_in_effect(data.decisions, data.budget_lines, year, datetime.date(year, 12, 31)):
        if line.account in wanted:
            months = out.setdefault(line.account, [Decimal(0)] * 12)
            for i, amount in enumerate(line_months(data, line, ORE)):
                months[i] += amount
    return out


def _base(months: list[Decimal]) -> Decimal:
    """The month amount the whole-year rule carries: the commonest that is not zero."""
    nonzero = [m for m in months if m]
    return max(nonzero, key=nonzero.count)


def _first(year: int, month: int) -> datetime.date:
    return datetime.date(year + month // 13, (month - 1) % 12 + 1, 1)


def _budget_rules(year: int, budget: dict[str, list[Decimal]], currency: str, counter: str) -> list[str]:
    """The year's rule (each account's commonest month) and the months' rules (what differs from it)."""
    if not budget:
        return []
    base = {a: _base(m) for a, m in budget.items()}
    out = [f"; budget {year}", f"~ monthly from {year}-01-01 to {year + 1}-01-01", *_postings(base, currency, counter), ""]
    for month in range(1, 13):
        rest = {a: m[month - 1] - base[a] for a, m in budget.items() if m[month - 1] != base[a]}
        if rest:
            out += [f"; budget {year}-{month:02d}, utöver årsregeln", f"~ monthly from {_first(year, month)} to {_first(year, month + 1)}",
                    *_postings(rest, currency, counter), ""]
    return out


def journal_header(data: LedgerData, dialect: str) -> list[str]:
    """The journal's opening comment lines; `dialect` is hledger or ledger."""
    title = data.options.get("title", "Nämndbok")
    return [f"; {title} – utfall och budget för {dialect}, skriven av `python -m bench`.",
            "; Samma siffror som Nämndboks liggare: utfallet som liggarens transaktioner, budgeten som periodiska regler.", ""]


def journal_body(data: LedgerData, entries) -> list[str]:
    """The journal's rules and transactions (see the module docstring), the same for both dialects."""
    currency, counter = data.currency, f"{data.roots.tillgangar}:{MOTKONTO}"
    out: list[str] = []
    utfall = utfall_transactions(entries, data)
    years = sorted({day.year for day, _, _ in utfall} | {line.date.year for line in data.budget_lines})
    budgets = {year: {a: m for a, m in budget_by_month(data, year).items() if any(m)} for year in years}
    depths = sorted({a.count(":") for budget in budgets.values() for a in budget}, reverse=True)
    for depth in depths:  # deepest accounts first: ledger-cli matches a posting to the first budgeted ancestor it meets
        for year, budget in budgets.items():
            out += _budget_rules(year, {a: m for a, m in budget.items() if a.count(":") == depth}, currency, counter)
    for day, narration, amounts in utfall:
        out += [f"{day} {' '.join(narration.replace(';', ',').split())}", *_postings(amounts, currency, counter), ""]
    return out


def write_journals(data: LedgerData, entries, folder: Path, stem: str) -> dict[str, Path]:
    """Write `<stem>.journal` (hledger) and `<stem>.ledger` (ledger-cli) into `folder`; dialect → path.
    The body is built once; only the header differs."""
    body = journal_body(data, entries)
    paths = {}
    for dialect, ending in DIALECTS.items():
        path = folder / f"{stem}.{ending}"
        atomic_write_text(path, "\n".join(journal_header(data, dialect) + body))
        paths[dialect] = path
    return paths
