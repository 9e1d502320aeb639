"""A reading changed explicitly (ledgerdata.with_entries) equals a fresh one.

namndbok.plugins.namndbok reads the ledger once per load and changes that reading for
the entries its stages add or leave out (`with_entries`, told which): the sums
change only where those transactions post, the plan directives are parsed
again only when some came or went. Nothing is remembered between calls. These
tests hold the changed readings to a reading from scratch, on the example ledger.
"""

from __future__ import annotations

import datetime
import shutil
from decimal import Decimal

import pytest
from beancount.core import amount, data

from namndbok import ledgerdata
from namndbok.eget_kapital import results_by_year
from namndbok.ledgerdata import read_ledger
from conftest import EXAMPLE_DIR

D = Decimal


def fresh(entries, options):
    """A reading from scratch (read_ledger remembers nothing)."""
    return read_ledger(entries, options)


def changed_list(before, after):
    """(added, removed) between two lists of entries, told as namndbok.plugins.namndbok's stages tell them."""
    old, new = set(map(id, before)), set(map(id, after))
    return [e for e in after if id(e) not in old], [e for e in before if id(e) not in new]


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
    assert results_by_year(a) == results_by_year(b)
    for account in ("Kostnader:Socialnämnden:5731", "Intäkter:Socialnämnden:Kommunbidrag"):
        for year in (2025, 2026):
            assert a.monthly_utfall(account, year) == b.monthly_utfall(account, year)


@pytest.fixture
def example(example_ledger):
    entries, errors, options = example_ledger
    assert errors == []
    return entries, options


def test_entries_a_reading_does_not_depend_on_leave_it_as_it_is(example):
    entries, options = example
    first = fresh(entries, options)
    opened = [data.Open(data.new_metadata("<test>", 1), entries[0].date, "Tillgångar:Socialnämnden:1999", None, None)]
    again = ledgerdata.with_entries(first, [*opened, *entries], added=opened)  # an Open: not read
    assert again is first
    same(again, fresh(entries, options))


def test_nothing_is_remembered_between_readings(example, tmp_path):
    """Each read_ledger reads the settings files: a kontoplan changed between two readings
    of the same entries and options is seen by the second (no memo to go stale)."""
    entries, options = example
    for name in ("kontoplan.toml", "periodisering.toml"):
        shutil.copy(EXAMPLE_DIR / name, tmp_path / name)
    moved = dict(options, filename=str(tmp_path / "main.beancount"))
    before = read_ledger(entries, moved)
    assert before.kontoplaner["Socialnämnden"].verksamheter["5731"].namn != "HVB barn och unga"
    plan = tmp_path / "kontoplan.toml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Institutionsvård (HVB)", "HVB"), encoding="utf-8")
    after = read_ledger(entries, moved)
    assert after is not before
    assert after.kontoplaner["Socialnämnden"].verksamheter["5731"].namn == "HVB barn och unga"
    assert not hasattr(ledgerdata, "_memo") and not hasattr(ledgerdata, "_reading_memo")


def test_a_transaction_changed_in_place_is_seen_by_the_next_reading(example):
    """Beancount's own plugins change postings in place (check_closing): a memo keyed on the
    transactions' identity would hand out the old sums; a new reading sums them again."""
    entries, options = example
    before = fresh(entries, options)
    index, entry = next((i, e) for i, e in enumerate(entries) if isinstance(e, data.Transaction)
                        and e.postings[0].account.startswith("Kostnader:") and e.postings[0].units.currency == "SEK")
    account, date = entry.postings[0].account, entry.date
    was = before.utfall[account][date]
    posting = entry.postings[0]
    entry.postings[0] = posting._replace(units=amount.Amount(posting.units.number + 1, "SEK"))
    try:
        assert read_ledger(entries, options).utfall[account][date] == was + 1
    finally:
        entry.postings[0] = posting


def test_added_transactions_are_added_to_a_copy(example):
    entries, options = example
    before = fresh(entries, options)
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
    after = ledgerdata.with_entries(before, extended, added=added)
    assert {name: dict(by_date) for name, by_date in before.utfall.items()} == kept  # untouched
    assert after.utfall["Kostnader:Socialnämnden:5731:4610"][datetime.date(2026, 3, 17)] == D("100.00")
    sums = after.sums
    assert sums.other_currencies["Kostnader:Socialnämnden:5731:4610"] == datetime.date(2026, 2, 1)
    same(after, fresh(extended, options))
    assert any(m.beslut == "KF test" for m in after.eget_kapital)


def test_removed_transactions_are_taken_away_from_a_copy(example):
    entries, options = example
    before = fresh(entries, options)
    fewer = [e for e in entries if not (isinstance(e, data.Transaction) and e.date.year == 2026 and e.date.month == 1)]
    reading = ledgerdata.with_entries(before, fewer, *changed_list(entries, fewer))
    assert all(d.month != 1 for name, by_date in reading.utfall.items() for d in by_date if d.year == 2026
               if not name.startswith("Eget-kapital"))
    same(reading, fresh(fewer, options))


def _summed(monkeypatch) -> list[int]:
    """How many transactions each `_sum_transactions` call sums."""
    sizes: list[int] = []
    real = ledgerdata._sum_transactions

    def counting(transactions, *args):
        sizes.append(len(transactions))
        return real(transactions, *args)

    monkeypatch.setattr(ledgerdata, "_sum_transactions", counting)
    return sizes


EXTRA = transaction(datetime.date(2026, 5, 4), ("Kostnader:Socialnämnden:5731:4610", "77.00", "SEK"),
                    ("Tillgångar:Socialnämnden:1690", "-77.00", "SEK"))
ONLY = transaction(datetime.date(2026, 5, 5), ("Kostnader:Socialnämnden:5731:4999", "5.00", "SEK"),
                   ("Tillgångar:Socialnämnden:1690", "-5.00", "SEK"))
EUR = transaction(datetime.date(2026, 5, 6), ("Kostnader:Socialnämnden:5731:4610", "5.00", "EUR"),
                  ("Tillgångar:Socialnämnden:1690", "-5.00", "EUR"))


def _without(entries, pick):
    return [e for e in entries if not pick(e)]


@pytest.mark.parametrize("before_extra, change, incremental", [
    # the only posting on an account: the account is gone, as in a fresh reading
    ([ONLY], lambda es: _without(es, lambda e: e is ONLY), True),
    # one of several postings on a date: that date summed again from what is left
    ([EXTRA], lambda es: _without(es, lambda e: e is EXTRA), True),
    # a movement on eget kapital (a carry of namndbok.plugins.eget_kapital's kind)
    ([], lambda es: _without(es, lambda e: isinstance(e, data.Transaction) and "ek_overforing" in e.meta), True),
    # one removed and one added at once
    ([ONLY], lambda es: sorted([*_without(es, lambda e: e is ONLY), EXTRA], key=data.entry_sortkey), True),
    # a posting in another currency removed: its account's first such date is searched for anew
    ([EUR], lambda es: _without(es, lambda e: e is EUR), False),
    # more than a quarter gone: summed anew
    ([], lambda es: _without(es, lambda e: isinstance(e, data.Transaction) and e.date.year >= 2025), False),
])
def test_a_changed_list_equals_a_fresh_reading(example, monkeypatch, before_extra, change, incremental):
    entries, options = example
    entries = sorted([*entries, *before_extra], key=data.entry_sortkey)
    before = fresh(entries, options)
    results_by_year(before)  # kept with this reading, not the next
    kept = {name: dict(by_date) for name, by_date in before.utfall.items()}
    changed = change(entries)
    assert changed != entries
    added, removed = changed_list(entries, changed)
    sizes = _summed(monkeypatch)
    after = ledgerdata.with_entries(before, changed, added, removed)
    other_currencies = after.sums.other_currencies
    transactions = sum(isinstance(e, data.Transaction) for e in changed)
    assert (max(sizes) < transactions) is incremental, sizes
    assert {name: dict(by_date) for name, by_date in before.utfall.items()} == kept  # the old sums untouched
    monkeypatch.undo()
    again = fresh(changed, options)
    same(after, again)
    assert other_currencies == again.sums.other_currencies
    assert ("Kostnader:Socialnämnden:5731:4999" in after.utfall) is (ONLY in changed)


def test_plan_directives_are_parsed_again_only_when_they_change(example_ledger):
    from namndbok.ledgerdata import plan_directives

    entries, _, options = example_ledger
    reading = fresh(entries, options)
    first = reading.planned
    assert first.budget_lines and first.prognos and first.decisions
    # Other entries added (e.g. Fava's budgets or Open): the same reading.
    extra = data.Custom(data.new_metadata("<test>", 1), entries[-1].date, "budget", [])
    assert ledgerdata.with_entries(reading, [*entries, extra], added=[extra]) is reading
    # One budget line changed: parsed anew, and the change is there.
    index, line = next((i, e) for i, e in enumerate(entries) if isinstance(e, data.Custom) and e.type == "budgetrad")
    values = list(line.values)
    values[2] = values[2]._replace(value=values[2].value._replace(number=values[2].value.number + 1))
    new_line = line._replace(values=values)
    changed = [*entries[:index], new_line, *entries[index + 1:]]
    again = ledgerdata.with_entries(reading, changed, added=[new_line], removed=[line]).planned
    assert again is not first
    assert sum(l.amount for l in again.budget_lines) == sum(l.amount for l in first.budget_lines) + 1
    assert again == plan_directives(changed, "SEK")
    # Another currency is another parse.
    assert plan_directives(entries, "EUR") != first


def test_added_budget_lines_are_parsed_alone_and_put_in_their_places(example_ledger, monkeypatch):
    from beancount.core import amount as bc_amount
    from beancount.parser.grammar import ValueType

    from namndbok import budget
    from namndbok.ledgerdata import plan_directives

    entries, _, options = example_ledger
    decision = next(e for e in entries if isinstance(e, data.Custom) and e.type == "budgetbeslut")

    def line(date, version, number, lineno):
        return data.Custom(data.new_metadata("<test>", lineno), date, "budgetrad", [
            ValueType(version, str), ValueType("Kostnader:Socialnämnden:5731", "<AccountDummy>"),
            ValueType(bc_amount.Amount(D(number), "SEK"), bc_amount.Amount)])

    parsed: list[int] = []  # budget lines parsed
    real = budget.parse_line

    def counting(*args):
        parsed.append(1)
        return real(*args)

    monkeypatch.setattr(budget, "parse_line", counting)
    monkeypatch.setattr(ledgerdata, "parse_line", counting)
    base = fresh(entries, options)
    first = base.planned
    assert len(parsed) == len(first.budget_lines) > 500
    new_decision = decision._replace(meta=data.new_metadata("<test>", 3, {"typ": "tilläggsbudget", "beslut": "SN §1"}),
                                     date=datetime.date(2026, 6, 1), values=[ValueType("Tillägg juni", str)])
    cases = [
        # budget lines only, for an existing decision
        [line(datetime.date(2025, 3, 1), decision.values[0].value, "10.00", 1),
         line(datetime.date(2026, 7, 1), decision.values[0].value, "-4.00", 2)],
        # a new decision and its line (namndbok.plugins.eget_kapital's återbetalning)
        [new_decision, line(datetime.date(2026, 6, 1), "Tillägg juni", "7.00", 4)],
    ]
    for added in cases:
        more = sorted([*entries, *added], key=data.entry_sortkey)
        parsed.clear()
        extended = ledgerdata.with_entries(base, more, added=added).planned
        assert len(parsed) == sum(d.type == "budgetrad" for d in added)  # the added lines alone
        assert extended.prognos is first.prognos
        assert extended == plan_directives(more, "SEK")  # equal to a fresh parse, lines in their places
        assert len(extended.budget_lines) == len(first.budget_lines) + sum(d.type == "budgetrad" for d in added)
    # A line for a decision that does not exist: parsed anew, so that the error is where a fresh parse puts it.
    wrong_line = line(datetime.date(2026, 2, 1), "Finns inte", "1.00", 5)
    parsed.clear()
    wrong = ledgerdata.with_entries(base, sorted([*entries, wrong_line], key=data.entry_sortkey), added=[wrong_line]).planned
    assert len(parsed) > 500 and "Finns inte" in wrong.budget_errors[0].message
