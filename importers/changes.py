"""What an import changes in the ledger, per month and verksamhet: before and after.

Computed once from what the ledger holds for the export's kalla and what it must
hold after the import (`namndbok.importers.writer.ImportPlan`), so a dry run can show the
amounts, and a re-import of a month that differs from what is booked says which
months change and by how much.
"""

from __future__ import annotations

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
    ((YYYY-MM, account) → amount), in month and verksamhet order. One pass over the
    keys, each account's verksamhet parsed once (a summerad import of a million rows
    has some 70 000 keys)."""
    zero = Decimal(0)
    verksamhet_of: dict[str, str] = {}
    groups: dict[tuple[str, str], list] = {}
    for key in held.keys() | expected.keys():
        month, account = key
        before, after = held.get(key, zero), expected.get(key, zero)
        verksamhet = verksamhet_of.get(account)
        if verksamhet is None:
            verksamhet = verksamhet_of[account] = _verksamhet(account, roots)
        group = groups.get((month, verksamhet))
        if group is None:
            group = groups[(month, verksamhet)] = [zero, zero, 0]
        group[0] += before
        group[1] += after
        if before != after:
            group[2] += 1
    return [MonthChange(month, verksamhet, before, after, count)
            for (month, verksamhet), (before, after, count) in sorted(groups.items()) if count]


def _verksamhet(account: str, roots: Roots) -> str:
    try:
        ref = parse_account(account, roots)
    except AccountNameError:
        return ""
    return (ref.verksamhet or "") if ref.kind in RESULT_KINDS else ""
