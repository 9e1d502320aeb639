"""The shared reading of transactions (ledgerdata.transaction_sums) equals a fresh one.

One Beancount load runs several of our plugins that read the ledger; the sums
of the last transactions read are reused when the same transactions come
again, and extended when only transactions were added. These tests hold the
reused and extended readings to a reading from scratch, on the example ledger.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount.core import amount, data

from namndbok import ledgerdata
from namndbok.eget_kapital import results_by_year
from namndbok.ledgerdata import read_ledger

D = Decimal


def fresh(entries, options):
    """A reading with nothing remembered."""
    ledgerdata._memo = None
    return read_ledger(entries, options)


def transaction(date, *postings, meta=None):
    return data.Transaction(
        data.new_metadata("<test>", 1, meta), date, "*", None, "Tillagd", frozenset(), frozenset(),
        [data.Posting(account, amount.Amount(D(number), currency), None, None, None, None)
         for account, number, currency in postings],
    )


def same(a, b):
    assert a.utfall == b.utfall
    assert a.eget_kapital == b.eget_kapital
    assert a.refs == b.refs
    assert a.yearly_utfall() == b.yearly_utfall()
    assert results_by_year(a) == results_by_year(b)
    for account in ("Kostnader:Socialnämnden:5731", "Intäkter:Socialnämnden:Kommunbidrag"):
        for year in (2025, 2026):
            assert a.monthly_utfall(account, year) == b.monthly_utfall(account, year)


@pytest.fixture
def example(example_ledger):
    entries, errors, options = example_ledger
    assert errors == []
    return entries, options


def test_the_same_transactions_give_the_same_reading(example):
    entries, options = example
    first = fresh(entries, options)
    again = read_ledger(list(entries), options)  # a new list of the same directives
    assert again.utfall is first.utfall  # reused, not summed again
    assert again.utfall_cache is first.utfall_cache  # what derives from utfall alone is shared
    assert again.cache is not first.cache  # the engine's selections are per reading (they use refs)
    same(again, fresh(entries, options))


def test_added_transactions_are_added_to_a_copy(example):
    entries, options = example
    before = fresh(entries, options)
    before.yearly_utfall()  # so that the yearly sums are carried forward too
    kept = {name: dict(by_date) for name, by_date in before.utfall.items()}
    added = [
        # onto an account with utfall, on a date it already has and on a new one
        transaction(datetime.date(2026, 3, 31), ("Kostnader:Socialnämnden:5731:4610", "1234.50", "SEK"),
                    ("Tillgångar:Socialnämnden:1690", "-1234.50", "SEK")),
        transaction(datetime.date(2026, 3, 17), ("Kostnader:Socialnämnden:5731:4610", "100.00", "SEK"),
                    ("Tillgångar:Socialnämnden:1690", "-100.00", "SEK")),
        # onto eget kapital (a movement, ordered among the others by date)
        transaction(datetime.date(2025, 6, 1), ("Eget-kapital:Socialnämnden:2011", "-500.00", "SEK"),
                    ("Tillgångar:Socialnämnden:1690", "500.00", "SEK"), meta={"ek_beslut": "KF test"}),
        # in another currency: not utfall, but the account is named
        transaction(datetime.date(2026, 2, 1), ("Kostnader:Socialnämnden:5731:4610", "10.00", "EUR"),
                    ("Tillgångar:Socialnämnden:1690", "-10.00", "EUR")),
    ]
    extended = sorted([*entries, *added], key=data.entry_sortkey)
    after = read_ledger(extended, options)
    assert {name: dict(by_date) for name, by_date in before.utfall.items()} == kept  # untouched
    assert after.utfall["Kostnader:Socialnämnden:5731:4610"][datetime.date(2026, 3, 17)] == D("100.00")
    sums = ledgerdata._memo.sums
    assert sums.other_currencies["Kostnader:Socialnämnden:5731:4610"] == datetime.date(2026, 2, 1)
    same(after, fresh(extended, options))
    assert any(m.beslut == "KF test" for m in after.eget_kapital)


def test_removed_transactions_are_summed_anew(example):
    entries, options = example
    fresh(entries, options)
    fewer = [e for e in entries if not (isinstance(e, data.Transaction) and e.date.year == 2026 and e.date.month == 1)]
    reading = read_ledger(fewer, options)
    assert all(d.month != 1 for name, by_date in reading.utfall.items() for d in by_date if d.year == 2026
               if not name.startswith("Eget-kapital"))
    same(reading, fresh(fewer, options))


def test_plan_directives_are_parsed_again_only_when_they_change(example_ledger):
    from beancount.core import data

    from namndbok.ledgerdata import plan_directives

    entries, _, _ = example_ledger
    first = plan_directives(entries, "SEK")
    assert first.budget_lines and first.prognos and first.decisions
    # The same directives (other entries added, e.g. Fava's budgets or Open): the same parse.
    extra = data.Custom(data.new_metadata("<test>", 1), entries[-1].date, "budget", [])
    assert plan_directives([*entries, extra], "SEK") is first
    # One budget line changed: parsed anew, and the change is there.
    index, line = next((i, e) for i, e in enumerate(entries) if isinstance(e, data.Custom) and e.type == "budgetrad")
    values = list(line.values)
    values[2] = values[2]._replace(value=values[2].value._replace(number=values[2].value.number + 1))
    changed = [*entries[:index], line._replace(values=values), *entries[index + 1:]]
    again = plan_directives(changed, "SEK")
    assert again is not first
    assert sum(l.amount for l in again.budget_lines) == sum(l.amount for l in first.budget_lines) + 1
    # Another currency is another reading.
    assert plan_directives(entries, "EUR") is not first
