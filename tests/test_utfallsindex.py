"""The running sums give every date range the sum its days give, and None where none fall."""

from __future__ import annotations

import datetime
from decimal import Decimal

from namndbok.ledgerdata import read_ledger
from namndbok.utfallsindex import running_sums, utfall_index

D = datetime.date


def test_a_range_sums_its_days_and_is_none_without_any():
    sums = running_sums({D(2026, 3, 1): Decimal("-3.00"), D(2026, 1, 1): Decimal("2.50"), D(2026, 1, 31): Decimal("1.25")})
    assert sums.between(D(2026, 1, 1), D(2026, 1, 31)) == Decimal("3.75")
    assert sums.between(D(2026, 1, 2), D(2026, 12, 31)) == Decimal("-1.75")
    assert sums.between(D(2026, 1, 1), D(2026, 1, 1)) == Decimal("2.50")
    assert sums.between(D(2026, 2, 1), D(2026, 2, 28)) is None
    assert sums.between(D(2026, 4, 1), D(2026, 3, 1)) is None  # an empty range


def test_every_account_of_the_example_sums_like_the_loop_over_its_days(example_ledger):
    entries, _, options = example_ledger
    data = read_ledger(entries, options)
    index = utfall_index(data)
    assert index is utfall_index(data)  # built once per read
    assert list(index) == list(data.utfall)
    ranges = [(D(y, 1, 1), D(y, m, last)) for y in (2023, 2025, 2026) for m, last in ((1, 31), (6, 30), (12, 31))]
    ranges += [(D(2026, 3, 15), D(2026, 4, 14)), (D(2024, 2, 29), D(2024, 2, 29))]
    for name, by_date in data.utfall.items():
        for first, last in ranges:
            days = [amount for day, amount in by_date.items() if first <= day <= last]
            assert index[name].between(first, last) == (sum(days, Decimal(0)) if days else None), (name, first, last)
