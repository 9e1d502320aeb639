"""What an import changes in the ledger, per month and verksamhet: before and after.

Computed once from what the ledger holds for the export's kalla and what it must
hold after the import (`importers.writer.ImportPlan`), so a dry run can show the
amounts, and a re-import of a month that differs from what is booked says which
months change and by how much.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from namndbok.accounts import KIND_INTAKT, KIND_KOMMUNBIDRAG, KIND_KOSTNAD, AccountNameError, Roots, parse_account

RESULT_KINDS = (KIND_INTAKT, KIND_KOSTNAD, KIND_KOMMUNBIDRAG)


class MonthChange(NamedTuple):
    """The amounts of one month and verksamhet ("" for balance accounts) that an import changes."""

    month: str  # YYYY-MM
    verksamhet: str
    before: Decimal  # what the ledger holds for the kalla (sum of the postings, debit positive)
    after: Decimal  # what it holds after the import
    accounts: int  # accounts whose amount changes (a change can net to zero)

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


def month_changes(held: dict[tuple[str, str], Decimal], expected: dict[tuple[str, str], Decimal],
                  roots: Roots) -> list[MonthChange]:
    """Per (month, verksamhet) whose accounts change between `held` and `expected`
    ((YYYY-MM, account) → amount), in month and verksamhet order."""
    changed = {key for key in held.keys() | expected.keys() if held.get(key, 0) != expected.get(key, 0)}
    groups: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    months = {month for month, _ in changed}
    for month, account in held.keys() | expected.keys():
        if month not in months:
            continue
        group = groups[(month, _verksamhet(account, roots))]
        group[0] += held.get((month, account), 0)
        group[1] += expected.get((month, account), 0)
        group[2] += (month, account) in changed
    return [MonthChange(month, verksamhet, before, after, count)
            for (month, verksamhet), (before, after, count) in sorted(groups.items()) if count]


def _verksamhet(account: str, roots: Roots) -> str:
    try:
        ref = parse_account(account, roots)
    except AccountNameError:
        return ""
    return (ref.verksamhet or "") if ref.kind in RESULT_KINDS else ""
