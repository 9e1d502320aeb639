"""Give Fava's budget module our budget: Fava's `custom "budget"` directives, derived.

`namndbok.fava_budget` computes the directives from the ledger's budget lines, by
rules that leave no budget figure on Fava's pages that our engine would not print
(read its docstring: where a line is given, on which name, until which day).
Here they are handed to Fava through its public parts only: Fava's
`BudgetModule.load_file` parses the ledger's `Custom` entries, so it is run once
more over those entries plus ours (in date order: Fava takes an account's budgets
as they come), and the ledger's entry groups are put back as they were. Budget
directives written in the ledger by hand still count, beside ours: they are the
ledger's own, and Fava shows them as written.
"""

from __future__ import annotations

from operator import attrgetter

from namndbok.fava_budget import fava_budgets


def give_fava_budgets(ledger, data) -> list[str]:
    """Load Fava's budgets for `ledger` (a FavaLedger) from `data` (its LedgerData).

    Returns the warnings (Swedish) for the roots whose budget Fava does not get."""
    given = fava_budgets(data, ledger.accounts)
    warnings = [
        f"Varning: Fava visar ingen budget under {root}: Fava räknar in budgeten för varje konto vars namn "
        f"börjar med '{shown}', alltså även {budgeted}, som inte ligger under det kontot, och skulle visa fel "
        f"summa. Budgeten mot utfall finns under Nämndbok → Budgetuppföljning. Byt kontots kod i kontoplanen "
        f"om Favas budgetkolumner behövs."
        for root, (shown, budgeted) in sorted(given.withheld.items())
    ]
    if given.directives:
        grouped = ledger.all_entries_by_type
        customs = sorted([*grouped.Custom, *given.directives], key=attrgetter("date"))
        ledger.all_entries_by_type = grouped._replace(Custom=customs)
        try:
            ledger.budgets.load_file()
        finally:
            ledger.all_entries_by_type = grouped
    return warnings
