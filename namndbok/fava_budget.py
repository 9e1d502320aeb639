"""Fava's own budget figures, from our budget lines: pure, for the Fava extension.

Fava prints a budget beside utfall in three places (Fava 1.30): an account's
interval tables (Förändringar and Saldon, per month, quarter or year), an
account's bar chart, and the Intäkter and Kostnader charts of its income
statement. It asks its budget module for two figures per account and period:
`calculate` (the account's own budget) and `calculate_children` (the account's
and everything below it). A table row shows its own utfall against its own
budget when it has either, else (and always when collapsed) its children's
utfall against its children's budget, as "utfall (+avvikelse)" with the budget
as the tooltip; a chart draws the children's budget behind the children's utfall.

Fava's own module reads `custom "budget"` directives, and no set of directives
gives those figures right for our ledgers (why the extension no longer writes
any, issue 21):

- A line sits on the level it was decided on (nämnd, verksamhet, konto); utfall
  is booked below it (the example per ansvar, `…:5731:4610:2200`; a ledger made
  from a SIE file per verksamhet:konto, on the budgeted account itself). A
  directive on the konto makes its expanded row read its own utfall (none)
  against the whole budget: "0,00 SEK (+10 202 157,34)".
- Fava keeps an account's last directive for ever, so a period after the last
  utfall gets either the budget (November and December read 20,9 mnkr under
  budget) or the zero that ends it ("0,00 SEK (−0,00)", a budget of 0,00 SEK
  for a month that has one), and a period reaching past it (the year 2026 on
  31 October) gets a budget for days without utfall, or the budget to date
  under the year's name.
- Fava sums the children's budget by the text of the name: `…:57` would count
  the budget of `…:573`.

So the extension answers Fava's two questions itself (`namndbok_fava.budgets`
puts a `BudgetModule` of its own in Fava's place), from this table:

- **children(account, period)**: the budget of every line on the account or
  below it, as our engine periodises it (the same months, a month's part spread
  over its days as `namndbok.periodisering.share_through` does), as in effect
  after the last decision (or the version named with `fava=` on the plugin line).
- **own(account, period)**: the same, but only for an account with no utfall
  and no budget line below it (the SIE ledger's verksamhet:konto): its row then
  compares its own utfall with its own budget. A konto with ansvar below it gets
  none, so its row shows the sums of its ansvar against its budget, as Fava
  shows a parent without postings of its own. Left without a budget is only the
  expanded row of an account with utfall both on itself and below it (its own
  utfall stands alone; collapsed, the sums compare).
- **Only periods that end by the last utfall date** (the report date of our
  pages without a time filter) get a budget: a month or a year not yet booked
  in full shows utfall without a budget, never a budget against missing utfall.
- Only result accounts (kommunbidrag, intäkter, kostnader): an investment
  budget sits on a tillgång, and Fava's rows above it would compare it with the
  change of every asset.
- A period in years without a budget for the account gets none (no figure);
  a budgeted month whose key gives it 0 gets 0.

Budget directives written in the ledger by hand still count, as Fava reads them.
"""

from __future__ import annotations

import bisect
import calendar
import datetime
from decimal import Decimal
from typing import NamedTuple

from namndbok.accounts import RESULT_KINDS
from namndbok.budget import lines_in_effect
from namndbok.engine import line_weights
from namndbok.periodisering import month_shares
from namndbok.plan_lines import fava_version_known, usable_plan_lines

FAR_FUTURE = datetime.date(9999, 12, 31)
ONE_DAY = datetime.timedelta(days=1)


class FavaBudgetTable(NamedTuple):
    """The budget Fava may show, per account, year and month (see the module docstring)."""

    currency: str
    monthly: dict[str, dict[int, tuple[Decimal, ...]]]  # account → year → twelve months, Beancount sign
    names: list[str]  # the budgeted accounts, sorted
    below: frozenset[str]  # accounts with utfall or a budget line below them
    last: datetime.date | None  # the last utfall date: no budget for a period ending after it
    subtree: dict  # account → its and its sub-accounts' monthly, filled as Fava asks

    def children(self, account: str, begin: datetime.date, end: datetime.date) -> Decimal | None:
        """The budget of `account` and its sub-accounts from `begin` to `end` (exclusive), or None."""
        if self.last is None or end - ONE_DAY > self.last or end <= begin:
            return None
        by_year = self.subtree.get(account)
        if by_year is None:
            by_year = self.subtree[account] = _sum_below(self.monthly, self.names, account)
        return _in_period(by_year, begin, end)

    def own(self, account: str, begin: datetime.date, end: datetime.date) -> Decimal | None:
        """The budget of `account` alone, given only where nothing with utfall or budget is below it."""
        return None if account in self.below else self.children(account, begin, end)


def fava_budget_table(ledger) -> FavaBudgetTable:
    """The table of a `LedgerData`: its usable lines on result accounts, spread by month."""
    span = ledger.utfall_span()
    monthly: dict[str, dict[int, tuple[Decimal, ...]]] = {}
    if fava_version_known(ledger):  # else namndbok.plugins.budget reports the unknown version
        lines, _ = usable_plan_lines(ledger)
        lines = [line for line in lines if ledger.refs[line.account].kind in RESULT_KINDS]
        version = ledger.budget_config.fava_version
        for year in sorted({line.date.year for line in lines}):
            for line in lines_in_effect(ledger.decisions, lines, year, FAR_FUTURE, version):
                by_year = monthly.setdefault(line.account, {})
                parts = tuple(line.amount * share for share in month_shares(line_weights(ledger, line)))
                months = by_year.get(year)
                by_year[year] = parts if months is None else tuple(a + b for a, b in zip(months, parts))
    below = set()
    for name in {*monthly, *ledger.utfall}:
        parts = name.split(":")
        below.update(":".join(parts[:n]) for n in range(1, len(parts)))
    return FavaBudgetTable(ledger.currency, monthly, sorted(monthly), frozenset(below), span[1] if span else None, {})


def _sum_below(monthly, names: list[str], account: str) -> dict[int, tuple[Decimal, ...]]:
    """The months of `account` and its sub-accounts, from the sorted budgeted `names` (a range of them)."""
    prefix = account + ":"
    total: dict[int, tuple[Decimal, ...]] = {}
    for name in names[bisect.bisect_left(names, account):bisect.bisect_left(names, account + ";")]:  # ";" follows ":"
        if name == account or name.startswith(prefix):
            for year, months in monthly[name].items():
                known = total.get(year)
                total[year] = months if known is None else tuple(a + b for a, b in zip(known, months))
    return total


def _in_period(by_year: dict[int, tuple[Decimal, ...]], begin: datetime.date, end: datetime.date) -> Decimal | None:
    """The sum over the days `begin` … `end` (exclusive), each month's part spread evenly over its days;
    None when no year of the period has a budget."""
    found = False
    total = Decimal(0)
    last = end - ONE_DAY
    for year in range(begin.year, last.year + 1):
        months = by_year.get(year)
        if months is None:
            continue
        found = True
        for month in range(begin.month if year == begin.year else 1, (last.month if year == last.year else 12) + 1):
            days = calendar.monthrange(year, month)[1]
            first = datetime.date(year, month, 1)
            after = first + datetime.timedelta(days=days)
            overlap = (min(end, after) - max(begin, first)).days
            if overlap >= days:
                total += months[month - 1]
            elif overlap > 0:
                total += months[month - 1] * overlap / days
    return total if found else None
