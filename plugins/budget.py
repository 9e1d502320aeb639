"""Check budget and prognos directives, and give Fava its own budget columns.

The ledger holds budget decisions (`custom "budgetbeslut"`), their lines
(`custom "budgetrad"`) and prognoses (`custom "prognos"`), see
`namndbok.budget` and `namndbok.prognos`. This plugin

1. refuses what cannot be right, at its file and line, in Swedish: a line for a
   decision that does not exist, a decision without its reference, a budget or
   prognos on a balance-sheet account, an unknown periodisering key;
2. warns (the message starts with "Varning:") after each decision that leaves a
   year's budget out of balance for a nämnd;
3. emits Fava's own `custom "budget"` directive for every budgeted account and
   month, carrying the periodisering, so that Fava's income statement shows the
   budget beside utfall without our extension. The amounts are the budget as of
   the last decision (or of the version named with `fava=`), rounded to öre per
   month for Fava's display; our engine keeps them exact.

    plugin "plugins.budget" "periodisering.toml"
    plugin "plugins.budget" "periodisering.toml; fava=KF-budget 2026"

Example: with

    2025-12-10 custom "budgetbeslut" "Internbudget 2026"
      typ: "internbudget"
      beslut: "SN 2025-12-10 §150"
    2026-01-01 custom "budgetrad" "Internbudget 2026" Kostnader:Socialnämnden:5731  120000.00 SEK

the plugin adds, with an even key, two directives (Fava keeps a monthly budget
until the next directive; a key that varies by month gets one per month)

    2026-01-01 custom "budget" Kostnader:Socialnämnden:5731 "monthly" 10000.00 SEK
    2027-01-01 custom "budget" Kostnader:Socialnämnden:5731 "monthly" 0.00 SEK

and warns that the budget 2026 is not in balance (no kommunbidrag line).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount.core import account as bc_account
from beancount.core import amount as bc_amount
from beancount.core import data
from beancount.parser.grammar import ValueType

from namndbok.accounts import KIND_INVESTERING, RESULT_KINDS
from namndbok.budget import LedgerInputError, balance_warnings, lines_in_effect
from namndbok.collector import paused_plugin
from namndbok.engine import line_weights
from namndbok.ledgerdata import read_ledger
from namndbok.periodisering import EVEN, LAST_YEAR, is_known_key, month_shares

__plugins__ = ("budget",)

CENT = Decimal("0.01")
ZERO_CENTS = Decimal("0.00")
BUDGETED_KINDS = (*RESULT_KINDS, KIND_INVESTERING)
FAR_FUTURE = datetime.date(9999, 12, 31)


@paused_plugin
def budget(entries, options_map, config=None):
    ledger = read_ledger(entries, options_map)
    errors = list(ledger.errors)
    known_keys = sorted(set(ledger.periodisering.profiler) | {EVEN, LAST_YEAR})

    usable = []
    for line in ledger.budget_lines:
        ref = ledger.refs.get(line.account)
        if ref is None:
            continue  # plugins.kontoplan reports the account
        if ref.kind not in BUDGETED_KINDS:
            errors.append(LedgerInputError(line.meta, f"Budget sätts på resultatkonton (kommunbidrag, intäkter, kostnader) och investeringskonton, inte på {line.account}.", None))
        elif line.nyckel is not None and not is_known_key(line.nyckel, ledger.periodisering):
            errors.append(LedgerInputError(line.meta, f"Periodiseringsnyckeln '{line.nyckel}' finns inte; kända nycklar: {', '.join(known_keys)}, eller egna vikter som \"vikter: 1 1 1 1 1 1 1 1 1 1 1 1\".", None))
        else:
            usable.append(line)
    for line in ledger.prognos:
        ref = ledger.refs.get(line.account)
        if ref is not None and ref.kind not in BUDGETED_KINDS:
            errors.append(LedgerInputError(line.meta, f"Prognos görs på resultatkonton (kommunbidrag, intäkter, kostnader) och investeringskonton, inte på {line.account}.", None))

    ledger = ledger._replace(budget_lines=usable)
    errors += balance_warnings(ledger.decisions, usable, ledger.refs)
    # Unsorted: Beancount's loader sorts the entries after every plugin
    # (loader.run_transformations), so sorting here would sort them twice.
    return [*entries, *fava_budgets(ledger)], errors


def fava_budgets(ledger) -> list[data.Custom]:
    """Fava `custom "budget"` directives: where an account's monthly amount changes, then a zero.

    One pass over the lines in effect, summing each account's twelve months per year
    as a list (no date per line and month), then one directive per change."""
    version = ledger.budget_config.fava_version
    years = sorted({line.date.year for line in ledger.budget_lines})
    monthly: dict[str, dict[int, list[Decimal]]] = {}
    for year in years:
        for line in lines_in_effect(ledger.decisions, ledger.budget_lines, year, FAR_FUTURE, version):
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
            out.append(data.Custom(data.new_metadata("<plugins.budget>", index), month, "budget",
                                   [account_type, monthly_type, ValueType(bc_amount.Amount(number, currency), bc_amount.Amount)]))
    return out
