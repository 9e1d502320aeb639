"""Utfall per account as running sums: any date range's sum in two bisects.

The engine asks for the same accounts' utfall over a few date ranges in every
table (this period, the same period last year, all of last year), and a Fava
page or a chart asks for many tables. Summing every (account, date) of the
ledger for each range made each table cost the size of the ledger; with the
running sums, built once per utfall and kept in `LedgerData.utfall_cache`, it costs the
number of accounts. Sums are exact (Decimal additions well within the context's
28 digits), so a range's sum is the same value the loop over its days gives (its
exponent may differ where amounts mix decimals, 1.100 for 1.10: every printer
rounds and XLSX takes floats, so nothing shown changes).
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from decimal import Decimal
from itertools import accumulate
from typing import Mapping, NamedTuple

CACHE_KEY = ("utfallsindex",)


class RunningSums(NamedTuple):
    days: list[datetime.date]  # sorted
    sums: list[Decimal]  # sums[i]: the amounts of days[:i]; one longer than days

    def between(self, first: datetime.date, last: datetime.date) -> Decimal | None:
        """The sum over first..last (inclusive); None when no day falls in it."""
        lo = bisect_left(self.days, first)
        hi = bisect_right(self.days, last)
        if lo >= hi:
            return None
        return self.sums[hi] - self.sums[lo]


def running_sums(by_date: Mapping[datetime.date, Decimal]) -> RunningSums:
    days = sorted(by_date)
    return RunningSums(days, list(accumulate((by_date[day] for day in days), initial=Decimal(0))))


def utfall_index(data) -> dict[str, RunningSums]:
    """Running sums of every account's utfall, built once per utfall (in `data.utfall_cache`)."""
    index = data.utfall_cache.get(CACHE_KEY)
    if index is None:
        index = {name: running_sums(by_date) for name, by_date in data.utfall.items()}
        data.utfall_cache[CACHE_KEY] = index
    return index
