"""Fava's own budget columns on our ledger: the extension answers for Fava's budget module (namndbok.fava_budget)."""

from __future__ import annotations

import datetime
import json
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
from beancount.core import data as bc_data

from namndbok.engine import compute
from namndbok.fava_budget import fava_budget_table
from namndbok.ledgerdata import read_ledger

D = Decimal

# A balanced budget 2026: 1 200 kr of kommunbidrag and of costs on verksamhet 589.
BUDGET_2026 = """
2025-12-10 custom "budgetbeslut" "Budget 2026"
  typ: "internbudget"
  beslut: "SN 2025-12-10 §2"
2026-01-01 custom "budgetrad" "Budget 2026" Intäkter:Socialnämnden:Kommunbidrag:589  -1200.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:589:5020  1200.00 SEK
"""
# Utfall through the year's last day: Fava gets no budget after the last utfall (namndbok.fava_budget).
UTFALL_2026 = """
2026-12-31 * "Utfall 2026"
  Kostnader:Socialnämnden:589:5020  1200.00 SEK
  Tillgångar:Socialnämnden:1690
"""


def month(table, account, year, number):
    """The budget Fava gets for `account` and its sub-accounts in one month, to öre (None: none)."""
    begin = datetime.date(year, number, 1)
    end = datetime.date(year + number // 12, number % 12 + 1, 1)
    found = table.children(account, begin, end)
    return None if found is None else found.quantize(D("0.01"))


def test_fava_gets_the_periodisering(write_ledger):
    _, entries, errors, options = write_ledger(
        BUDGET_2026 + '  nyckel: "halvår"\n' + UTFALL_2026,
        periodisering='[profiler]\n"halvår" = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]\n',
    )
    assert errors == []
    assert not [e for e in entries if isinstance(e, bc_data.Custom) and e.type == "budget"]  # not in the load
    table = fava_budget_table(read_ledger(entries, options))
    assert [month(table, "Kostnader:Socialnämnden:589:5020", 2026, m) for m in range(1, 13)] == [D("0.00")] * 6 + [D("200.00")] * 6
    assert [month(table, "Intäkter:Socialnämnden:Kommunbidrag:589", 2026, m) for m in range(1, 13)] == [D("-100.00")] * 12
    assert month(table, "Kostnader:Socialnämnden:589:5020", 2027, 1) is None  # no budget after the last utfall


@pytest.mark.slow
def test_fava_shows_the_same_monthly_budget_as_the_engine(fava_url, example_ledger):
    """Fava's account report (its own budget column) equals the engine's periodized budget."""
    entries, _, options = example_ledger
    ledger = read_ledger(entries, options)
    base = fava_url.split("/income_statement/")[0]
    account = "Kostnader:Socialnämnden:5731"
    query = urllib.parse.urlencode({"a": account, "r": "changes", "interval": "month", "time": "2026"})
    with urllib.request.urlopen(urllib.parse.quote(base, safe=":/") + "/api/account_report?" + query, timeout=60) as response:
        report = json.load(response)["data"]
    budgets = report["budgets"][account]
    latest = ledger.decisions[-1].name  # Fava shows the budget after the last decision
    compared = 0
    for date_range, budget in zip(report["dates"], budgets):
        begin = datetime.date.fromisoformat(date_range["begin"])
        end = datetime.date.fromisoformat(date_range["end"]) - datetime.timedelta(days=1)
        def engine_budget(day):
            table = compute(ledger, day, group_by=("verksamhet",), kinds=("kostnad",), where={"verksamhet": "5731"},
                            budget_version=latest)
            return -table.row("5731").measures.budget  # Beancount sign, as Fava shows it
        if end > ledger.utfall_span()[1]:  # November and December 2026: no utfall yet, so no budget either
            assert budget["budget_children"] == {} and budget["budget"] == {}, date_range
            compared += 1
            continue
        month = engine_budget(end) - (engine_budget(begin - datetime.timedelta(days=1)) if begin.month > 1 else 0)
        assert abs(D(str(budget["budget_children"]["SEK"])) - month) < D("0.10"), date_range
        compared += 1
    assert compared == 12


def test_fava_ledger_gets_our_budget_beside_its_own_directives(write_ledger):
    """A real FavaLedger with our extension: Fava's budget module sees our derived budget
    and a `custom "budget"` written by hand, and its entry groups are left as loaded."""
    from fava.core import FavaLedger

    path, entries, errors, _ = write_ledger(
        '2025-01-01 custom "fava-extension" "namndbok_fava"\n' + BUDGET_2026 + UTFALL_2026 + """
2026-01-01 open Kostnader:Socialnämnden:589:4010
2026-01-01 custom "budget" Kostnader:Socialnämnden:589:4010 "monthly" 31.00 SEK
"""
    )
    assert errors == []
    ledger = FavaLedger(str(path))
    assert [e for e in ledger.errors if not e.message.startswith("Varning")] == []

    def budget(account, begin, end):  # Fava sums a day's share at a time: to öre
        return {currency: number.quantize(D("0.01")) for currency, number in ledger.budgets.calculate(account, begin, end).items()}

    march = (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))
    assert budget("Kostnader:Socialnämnden:589:5020", *march) == {"SEK": D("100.00")}
    assert budget("Intäkter:Socialnämnden:Kommunbidrag:589", *march) == {"SEK": D("-100.00")}
    assert budget("Kostnader:Socialnämnden:589:4010", *march) == {"SEK": D("31.00")}
    assert budget("Kostnader:Socialnämnden:589:5020", datetime.date(2027, 1, 1), datetime.date(2027, 2, 1)) == {}
    customs = [e.type for e in ledger.all_entries_by_type.Custom]
    assert customs.count("budget") == 1  # ours are in Fava's budget module, not in the ledger's entries


TWO_DECISIONS = BUDGET_2026 + UTFALL_2026 + """2026-03-01 custom "budgetbeslut" "Tillägg 2026"
  typ: "tilläggsbudget"
  beslut: "SN 2026-03-01 §9"
2026-01-01 custom "budgetrad" "Tillägg 2026" Intäkter:Socialnämnden:Kommunbidrag:589  -120.00 SEK
2026-01-01 custom "budgetrad" "Tillägg 2026" Kostnader:Socialnämnden:589:5020  120.00 SEK
"""


def test_fava_shows_the_version_named_on_the_plugin_line_and_an_unknown_one_is_refused(write_ledger):
    from beancount import loader

    path, entries, errors, options = write_ledger(TWO_DECISIONS, periodisering="[profiler]\n")
    assert errors == []

    def monthly(entries, options):
        table = fava_budget_table(read_ledger(entries, options))
        return {month(table, "Kostnader:Socialnämnden:589:5020", 2026, m) for m in range(1, 13)} - {None}

    assert monthly(entries, options) == {D("110.00")}  # the budget after the last decision
    text = path.read_text(encoding="utf-8")
    for version, expected, fault in (("Budget 2026", {D("100.00")}, None), ("Budget 2062", set(), 'fava="Budget 2062"')):
        path.write_text(text.replace('periodisering=periodisering.toml"', f'periodisering=periodisering.toml; fava={version}"'), encoding="utf-8")
        entries, errors, options = loader.load_file(str(path))
        assert monthly(entries, options) == expected
        if fault is None:
            assert errors == []
        else:
            assert len(errors) == 1 and errors[0].message.startswith(fault)
            assert '"Budget 2026", "Tillägg 2026"' in errors[0].message and errors[0].source["filename"] == str(path)


def test_a_fault_in_giving_fava_the_budget_is_shown_as_an_error_and_fava_still_loads(write_ledger, monkeypatch):
    from fava.core import FavaLedger

    import namndbok_fava.budgets

    path, _, errors, _ = write_ledger('2025-01-01 custom "fava-extension" "namndbok_fava"\n' + TWO_DECISIONS)
    assert errors == []

    def broken(data):
        raise RuntimeError("provfel")

    monkeypatch.setattr(namndbok_fava.budgets, "fava_budget_table", broken)
    ledger = FavaLedger(str(path))
    messages = [e.message for e in ledger.errors]
    assert any(m.startswith("Nämndbok kunde inte ge Fava budgeten (RuntimeError: provfel)") for m in messages), messages
    assert ledger.all_entries  # the ledger is there, without Fava's budget columns
