"""Give Fava's budget module our budget: Fava's `custom "budget"` directives, derived.

`namndbok.fava_budget` computes the directives from the ledger's budget lines.
Here they are handed to Fava through its public parts only: Fava's
`BudgetModule.load_file` parses the ledger's `Custom` entries, so it is run once
more over those entries plus ours (in date order: Fava takes an account's budgets
as they come), and the ledger's entry groups are put back as they were. Budget
directives written in the ledger by hand still count, beside ours.
"""

from __future__ import annotations

from operator import attrgetter

from namndbok.fava_budget import fava_budget_directives


def give_fava_budgets(ledger, data) -> int:
    """Load Fava's budgets for `ledger` (a FavaLedger) from `data` (its LedgerData); how many directives."""
    ours = fava_budget_directives(data)
    if not ours:
        return 0
    grouped = ledger.all_entries_by_type
    customs = sorted([*grouped.Custom, *ours], key=attrgetter("date"))
    ledger.all_entries_by_type = grouped._replace(Custom=customs)
    try:
        ledger.budgets.load_file()
    finally:
        ledger.all_entries_by_type = grouped
    return len(ours)
