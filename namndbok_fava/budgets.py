"""Fava's budget figures from our engine: a `BudgetModule` of our own in Fava's place.

Fava asks its budget module (`FavaLedger.budgets`) for an account's budget in a
period, its own (`calculate`) and with its sub-accounts' (`calculate_children`),
and prints it beside utfall on account pages and in charts. Directives cannot
make those figures right for our ledgers (`namndbok.fava_budget` says why), so
the extension puts this subclass of Fava's `BudgetModule` in its place after each
load, and it answers from `namndbok.fava_budget.FavaBudgetTable`: our engine's
periodised budget for exactly the account and days asked, only where Fava compares
like with like and only for periods booked in full. Budget directives written in
the ledger by hand still count: Fava's own parsing and sums, added to ours.
"""

from __future__ import annotations

from fava.core.budgets import BudgetModule

from namndbok.fava_budget import fava_budget_table


class NamndbokBudgets(BudgetModule):
    """Fava's budget module, answering from our budget table beside the ledger's own directives."""

    table = None  # a FavaBudgetTable, set by `give_fava_budgets` after each load

    def load_file(self) -> None:
        super().load_file()  # the hand-written directives
        self.table = None  # until the extension reads the new load

    def calculate(self, account, begin_date, end_date):
        ours = self.table.own(account, begin_date, end_date) if self.table else None
        return _plus(super().calculate(account, begin_date, end_date), ours, self.table)

    def calculate_children(self, account, begin_date, end_date):
        ours = self.table.children(account, begin_date, end_date) if self.table else None
        return _plus(super().calculate_children(account, begin_date, end_date), ours, self.table)


def _plus(favas, ours, table):
    if ours is None:
        return favas
    total = dict(favas)
    total[table.currency] = total.get(table.currency, 0) + ours
    return total


def give_fava_budgets(ledger, data) -> None:
    """Put our budget module in `ledger` (a FavaLedger) with the table of `data` (its LedgerData)."""
    table = fava_budget_table(data)
    module = ledger.budgets
    if not isinstance(module, NamndbokBudgets):
        module = NamndbokBudgets(ledger)
        module.load_file()
        ledger.budgets = module
    module.table = table
