"""Fava's own budget directives, from our budget lines: pure, for the Fava extension.

Fava's income statement and account reports show a budget column from
`custom "budget"` directives (`fava.core.budgets`). Our ledger keeps its budget as
decisions and lines (`namndbok.budget`), spread over the months by the
periodisering, so Fava's directives are derived: one for every budgeted account
and month where the monthly amount changes, then a zero when the budget ends. The
amounts are the budget as of the last decision (or of the version named on the
plugin line with `fava=`), rounded to öre per month for Fava's display; our engine
keeps them exact.

They are built where Fava reads them, by the extension after each load
(`namndbok_fava.Namndbok.after_load_file`), not by a plugin: no command, check or
query of the ledger needs them, and a plugin would make every load pay for them.

Example: with an even key,

    2025-12-10 custom "budgetbeslut" "Internbudget 2026"
      typ: "internbudget"
      beslut: "SN 2025-12-10 §150"
    2026-01-01 custom "budgetrad" "Internbudget 2026" Kostnader:Socialnämnden:5731  120000.00 SEK

gives (Fava keeps a monthly budget until the next directive; a key that varies by
month gets one per month)

    2026-01-01 custom "budget" Kostnader:Socialnämnden:5731 "monthly" 10000.00 SEK
    2027-01-01 custom "budget" Kostnader:Socialnämnden:5731 "monthly" 0.00 SEK
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount.core import account as bc_account
from beancount.core import amount as bc_amount
from beancount.core import data
from beancount.parser.grammar import ValueType

from namndbok.budget import lines_in_effect
from namndbok.engine import line_weights
from namndbok.periodisering import month_shares
from namndbok.plan_lines import fava_version_known, usable_plan_lines

CENT = Decimal("0.01")
ZERO_CENTS = Decimal("0.00")
FAR_FUTURE = datetime.date(9999, 12, 31)
SOURCE = "<namndbok.fava_budget>"


def fava_budget_directives(ledger) -> list[data.Custom]:
    """Fava `custom "budget"` directives of a `LedgerData`: where an account's monthly amount changes, then a zero.

    One pass over the usable lines in effect (`usable_plan_lines`), summing each
    account's twelve months per year as a list, then one directive per change."""
    if not fava_version_known(ledger):
        return []  # namndbok.plugins.budget reports the unknown version
    lines, _ = usable_plan_lines(ledger)
    version = ledger.budget_config.fava_version
    years = sorted({line.date.year for line in lines})
    monthly: dict[str, dict[int, list[Decimal]]] = {}
    for year in years:
        for line in lines_in_effect(ledger.decisions, lines, year, FAR_FUTURE, version):
            by_year = monthly.setdefault(line.account, {})
            amount = line.amount
            parts = [amount * share for share in month_shares(line_weights(ledger, line))]
            months = by_year.get(year)
            by_year[year] = parts if months is None else [a + b for a, b in zip(months, parts)]
    every_month = {year: [datetime.date(year, month, 1) for month in range(1, 13)] for year in years}
    monthly_type = ValueType("monthly", str)
    currency = ledger.currency
    out = []
    for account, by_year in sorted(monthly.items()):
        account_type = ValueType(account, bc_account.TYPE)
        # Fava applies the last directive in effect, so only the months where the
        # amount changes need one (an even key: one per year, not twelve); Fava keeps
        # a budget until the next one, so a budgeted year not followed by one ends with a zero.
        changes: list[tuple[datetime.date, Decimal]] = []
        previous = None
        for year in sorted(by_year):
            for month, number in zip(every_month[year], [n.quantize(CENT) for n in by_year[year]]):
                if number != previous:
                    changes.append((month, number))
                    previous = number
            if year + 1 not in by_year and previous != ZERO_CENTS:
                changes.append((datetime.date(year + 1, 1, 1), ZERO_CENTS))
                previous = ZERO_CENTS
        for index, (month, number) in enumerate(changes):
            out.append(data.Custom(data.new_metadata(SOURCE, index), month, "budget",
                                   [account_type, monthly_type, ValueType(bc_amount.Amount(number, currency), bc_amount.Amount)]))
    return out
