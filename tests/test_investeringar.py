"""`namndbok investeringar`: utgifter, inkomster and netto × budget, utfall and prognos."""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader

from namndbok.engine import compute
from namndbok.investeringar import investment_rows
from namndbok.ledgerdata import read_ledger

from conftest import EXAMPLE_LEDGER, run

INV = "Tillgångar:Socialnämnden:1220"
LEDGER = f"""
2025-11-24 custom "budgetbeslut" "Investeringsbudget 2026"
  typ: "kf-budget"
  beslut: "KF 2025-11-24 §211"
2026-01-01 custom "budgetrad" "Investeringsbudget 2026" {INV}:3300  1000.00 SEK
2026-01-01 custom "budgetrad" "Investeringsbudget 2026" {INV}:2300  -300.00 SEK

2026-03-15 * "Inventarier"
  {INV}:3300  500.00 SEK
  Tillgångar:Socialnämnden:1690
2026-05-15 * "Investeringsbidrag"
  {INV}:2300  -200.00 SEK
  Tillgångar:Socialnämnden:1690

2026-04-30 custom "prognos" {INV}:3300  900.00 SEK
2026-04-30 custom "prognos" {INV}:2300  -300.00 SEK
"""


def test_utgifter_inkomster_and_netto(write_ledger):
    path, _, errors, _ = write_ledger(LEDGER)
    assert [e for e in errors if not str(e.message).startswith("Varning")] == []
    code, out = run("investeringar", path, "--per", "2026-06", "--format", "csv", "--enhet", "kr", "--decimaler", "0")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == ";Budget 2026;Utfall t.o.m. 2026-06-30;Prognos 2026;Avvikelse helår"
    # Committee sign: an utgift negative, an inkomst positive; netto = utgifter + inkomster.
    assert lines[1:] == ["Utgifter;-1000;-500;-900;100", "Inkomster;300;200;300;0", "Netto;-700;-300;-600;100"]


def test_example_investments_match_the_engine_and_the_ledger():
    entries, errors, options = loader.load_file(str(EXAMPLE_LEDGER))
    assert errors == []
    data = read_ledger(entries, options)
    date = datetime.date(2026, 10, 31)
    utgifter, inkomster, netto = investment_rows(data, date)
    engine = compute(data, date, group_by=("typ",), kinds=("investering",)).total.measures
    assert netto.measures == engine
    # The example's 2026 investments, summed here from its transactions: all debits on konto 1220.
    debits = sum(p.units.number for e in entries if hasattr(e, "postings") and datetime.date(2026, 1, 1) <= e.date <= date
                 for p in e.postings if ":1220" in p.account and p.units.number > 0)
    assert debits > 0 and utgifter.measures.utfall == -debits and inkomster.measures.utfall == 0
    assert utgifter.measures.budget_helar == Decimal("-2000000.00") == engine.budget_helar
    assert utgifter.measures.prognos == engine.prognos


def test_a_year_without_investments_is_said(write_ledger):
    path = write_ledger(LEDGER)[0]
    code, out = run("investeringar", path, "--per", "2025-06")
    assert code != 0 and "inga investeringar 2025" in out and "Traceback" not in out
