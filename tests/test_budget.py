"""Budget decisions and versions in the ledger; the balance warning; bad budget input."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader

from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger

from conftest import EXAMPLE_LEDGER, line_of

D = Decimal
KB = "Intäkter:Socialnämnden:Kommunbidrag"

BUDGET = f"""
2025-11-24 custom "budgetbeslut" "KF-budget 2026"
  typ: "kf-budget"
  beslut: "KF 2025-11-24 §210"
2026-01-01 custom "budgetrad" "KF-budget 2026" {KB}  -1200.00 SEK
2026-01-01 custom "budgetrad" "KF-budget 2026" Kostnader:Socialnämnden  1200.00 SEK

2025-12-10 custom "budgetbeslut" "Internbudget 2026"
  typ: "internbudget"
  beslut: "SN 2025-12-10 §150"
  ersatter: "KF-budget 2026"
2026-01-01 custom "budgetrad" "Internbudget 2026" {KB}:589  -1200.00 SEK
2026-01-01 custom "budgetrad" "Internbudget 2026" Kostnader:Socialnämnden:589:5020  1440.00 SEK
2026-01-01 custom "budgetrad" "Internbudget 2026" Intäkter:Socialnämnden:589:3320  -240.00 SEK

2026-03-11 custom "budgetbeslut" "Hyreskompensation"
  typ: "kommunbidrag"
  beslut: "KS 2026-03-11 §45"
2026-03-11 custom "budgetrad" "Hyreskompensation" {KB}:589  -48.60 SEK
2026-03-11 custom "budgetrad" "Hyreskompensation" Kostnader:Socialnämnden:589:6110  48.60 SEK
"""


def table(path, date, **kwargs):
    entries, errors, options = loader.load_file(str(path))
    return compute(read_ledger(entries, options), date, **kwargs)


def test_versions_replace_and_add(write_ledger):
    path, _, errors, _ = write_ledger(BUDGET)
    assert errors == []
    # Before the internbudget only the KF frame exists, on the nämnd level.
    frame = table(path, datetime.date(2025, 12, 1), group_by=("verksamhet",))
    assert frame.rows == []  # a 2025 report has no 2026 budget
    kf = table(path, datetime.date(2026, 1, 31), group_by=("typ",), budget_version="KF-budget 2026")
    assert kf.row("kostnad").measures.budget_helar == D("-1200.00")
    assert kf.row("kommunbidrag").measures.budget_helar == D("1200.00")
    # The internbudget replaces the frame; the March decision adds to it from its date.
    feb = table(path, datetime.date(2026, 2, 28), group_by=("typ",))
    assert feb.row("kostnad").measures.budget_helar == D("-1440.00")
    assert feb.row("intäkt").measures.budget_helar == D("240.00")
    mar = table(path, datetime.date(2026, 3, 31), group_by=("typ",))
    assert mar.row("kostnad").measures.budget_helar == D("-1488.60")
    assert mar.row("kommunbidrag").measures.budget_helar == D("1248.60")
    # Asking for the budget as the internbudget set it ignores the later decision.
    intern = table(path, datetime.date(2026, 3, 31), group_by=("typ",), budget_version="Internbudget 2026")
    assert intern.row("kostnad").measures.budget_helar == D("-1440.00")


def test_unbalanced_budget_warns_at_the_decision(write_ledger):
    path, _, errors, _ = write_ledger(BUDGET + """
2026-06-10 custom "budgetbeslut" "Tilläggsbudget utan finansiering"
  typ: "tilläggsbudget"
  beslut: "SN 2026-06-10 §98"
2026-06-10 custom "budgetrad" "Tilläggsbudget utan finansiering" Kostnader:Socialnämnden:589:5020  300.00 SEK
""")
    assert len(errors) == 1
    warning = errors[0]
    assert warning.message.startswith(
        "Varning: budgeten 2026 för Socialnämnden är inte i balans efter beslutet 'Tilläggsbudget utan finansiering': "
        "nettokostnad 1 548,60 kr, kommunbidrag 1 248,60 kr; nettokostnaden överstiger kommunbidraget med 300,00 kr."
    )
    assert warning.source["lineno"] == line_of(path, '"budgetbeslut" "Tilläggsbudget utan')


def test_a_planned_result_by_council_decision_does_not_warn(write_ledger):
    _, _, errors, _ = write_ledger(BUDGET + f"""
2026-02-20 custom "budgetbeslut" "Återbetalning underskott 2025, år 1 av 3"
  typ: "resultatreglering"
  beslut: "KF 2026-02-20 §12"
2026-02-20 custom "budgetrad" "Återbetalning underskott 2025, år 1 av 3" {KB}:589  25.00 SEK
""")
    assert errors == []


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('2026-01-01 custom "budgetrad" "Saknas" Kostnader:Socialnämnden:589:5020  1.00 SEK\n',
         "Budgetraden hör till beslutet 'Saknas', som inte finns"),
        ('2026-01-01 custom "budgetbeslut" "X"\n  typ: "internbudget"\n', "saknar beslut:"),
        ('2026-01-01 custom "budgetbeslut" "X"\n  typ: "önskebudget"\n  beslut: "SN"\n', "behöver typ:"),
        ('2026-01-01 custom "budgetbeslut" "X"\n  typ: "internbudget"\n  beslut: "SN"\n'
         '2026-01-01 custom "budgetrad" "X" Tillgångar:Socialnämnden:1690  1.00 SEK\n', "Budget sätts på resultatkonton"),
        ('2026-01-01 custom "budgetbeslut" "X"\n  typ: "internbudget"\n  beslut: "SN"\n'
         '2026-01-01 custom "budgetrad" "X" Kostnader:Socialnämnden:589:5020  1.00 SEK\n  nyckel: "vår"\n',
         "Periodiseringsnyckeln 'vår' finns inte"),
        ('2026-01-01 custom "budgetrad" "X" Kostnader:Socialnämnden:589:5020\n', "En budgetrad skrivs"),
        ('2026-01-31 custom "prognos" Kostnader:Socialnämnden:589  1.00 SEK\n  fall: "bäst"\n', "fall: 'bäst' finns inte"),
        ('2026-01-31 custom "prognos" Kostnader:Socialnämnden:589\n', "En prognos skrivs"),
    ],
)
def test_bad_budget_and_prognos_lines_are_refused_with_file_and_line(write_ledger, text, fragment):
    path, _, errors, _ = write_ledger(text)
    faults = [e for e in errors if not e.message.startswith("Varning:")]
    assert len(faults) == 1, errors
    assert fragment in faults[0].message
    assert faults[0].source["filename"] == str(path)
    assert faults[0].source["lineno"] >= line_of(path, "custom")


def test_example_kommunbidrag_changes_during_2026():
    entries, errors, options = loader.load_file(str(EXAMPLE_LEDGER))
    assert errors == []
    data = read_ledger(entries, options)

    def kb(date, **kwargs):
        return compute(data, date, group_by=("typ",), **kwargs).row("kommunbidrag").measures.budget_helar

    start = kb(datetime.date(2026, 1, 31))
    # The KF frame less 10 mnkr, year 2 of the repayment plan (KF 2025-02-17 §14).
    assert start == D("931800000.00")
    assert kb(datetime.date(2026, 3, 31)) - start == D("48600.00")  # KS 2026-03-11 §45
    assert kb(datetime.date(2026, 4, 26)) - start == D("48600.00")
    assert kb(datetime.date(2026, 4, 27)) - start == D("48600.00") - D("3000000.00")  # KF 2026-04-27 §78
    # Every decision leaves the budget in balance: kommunbidrag = nettokostnad.
    total = compute(data, datetime.date(2026, 10, 31)).total.measures
    assert total.budget_helar == 0
    # The utfall of kommunbidrag follows the decisions: 10/12 of the year's, to the öre.
    oct_kb = compute(data, datetime.date(2026, 10, 31), group_by=("typ",)).row("kommunbidrag").measures
    assert abs(oct_kb.utfall - oct_kb.budget_helar * 10 / 12) < D("0.01") * 11
