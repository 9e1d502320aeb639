"""Investeringar: utgifter, inkomster and netto × budget, utfall and prognos, as the engine computes them.

The investments are the tillgång konton the kontoplan marks `investering = true` (kind
KIND_INVESTERING). The engine computes their netto; utgifter and inkomster are the same
computation on the ledger's reading with the other side's amounts set to zero: an utgift is
a debit on an investment account (Beancount sign positive: a budget line, a prognos line, a
day's utfall per account), an inkomst (investeringsbidrag, försäljning) a credit. Amounts
are zeroed, not dropped, so each line still stands where it stood (the latest follow-up
per unit stays the latest). Utgifter + inkomster = netto.

Pure: LedgerData and a date in, rows out, in the committee's sign (utgifter negative).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Callable, NamedTuple

from namndbok.accounts import KIND_INVESTERING
from namndbok.engine import Measures, compute

UTGIFTER, INKOMSTER, NETTO = "Utgifter", "Inkomster", "Netto"


class InvestmentRow(NamedTuple):
    label: str
    measures: Measures | None  # None: no investment in the ledger for the year


def investment_rows(data, date: datetime.date) -> list[InvestmentRow]:
    """Utgifter, inkomster and netto of the year's investments per `date`."""
    def measures(reading) -> Measures | None:
        table = compute(reading, date, group_by=("typ",), kinds=(KIND_INVESTERING,))
        return table.total.measures if table.rows else None

    return [
        InvestmentRow(UTGIFTER, measures(one_side(data, lambda amount: amount > 0))),
        InvestmentRow(INKOMSTER, measures(one_side(data, lambda amount: amount < 0))),
        InvestmentRow(NETTO, measures(data)),
    ]


def one_side(data, keep: Callable[[Decimal], bool]):
    """`data` with the amounts on investment accounts that `keep` refuses set to zero."""
    investments = {name for name, ref in data.refs.items() if ref.kind == KIND_INVESTERING}
    zero = Decimal(0)

    def kept(account: str, amount: Decimal) -> Decimal:
        return amount if account not in investments or keep(amount) else zero

    utfall = {account: ({date: kept(account, amount) for date, amount in by_date.items()} if account in investments else by_date)
              for account, by_date in data.utfall.items()}
    return data._replace(
        utfall=utfall,
        budget_lines=[line._replace(amount=kept(line.account, line.amount)) for line in data.budget_lines],
        prognos=[line._replace(amount=kept(line.account, line.amount)) for line in data.prognos],
        cache={},
        utfall_cache={},
    )
