"""Prognos history: each follow-up adds, the latest counts, the change since the last one."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader

from namndbok.engine import compute, unforecast_units
from namndbok.ledgerdata import read_ledger

from conftest import EXAMPLE_LEDGER

D = Decimal
KB = "Intäkter:Socialnämnden:Kommunbidrag"

LEDGER = f"""
2025-12-10 custom "budgetbeslut" "Budget 2026"
  typ: "internbudget"
  beslut: "SN 2025-12-10 §2"
2026-01-01 custom "budgetrad" "Budget 2026" {KB}:5731  -1000.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:5731:4610  1000.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" {KB}:5732  -500.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:5732:4620  400.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:5732:4540  100.00 SEK

; Februari: per verksamhet.
2026-02-28 custom "prognos" Kostnader:Socialnämnden:5731  1100.00 SEK
2026-02-28 custom "prognos" Kostnader:Socialnämnden:5732  520.00 SEK
; Mars: bara 5731 ändras.
2026-03-31 custom "prognos" Kostnader:Socialnämnden:5731  1150.00 SEK
; April (T1): 5732 per konto, med bästa och sämsta fall för 5731.
2026-04-30 custom "prognos" Kostnader:Socialnämnden:5731  1120.00 SEK
  kommentar: "Två placeringar avslutade i april."
2026-04-30 custom "prognos" Kostnader:Socialnämnden:5731  1080.00 SEK
  fall: "bästa"
2026-04-30 custom "prognos" Kostnader:Socialnämnden:5731  1190.00 SEK
  fall: "sämsta"
2026-04-30 custom "prognos" Kostnader:Socialnämnden:5732:4620  430.00 SEK
2026-04-30 custom "prognos" Kostnader:Socialnämnden:5732:4540  95.00 SEK
"""


@pytest.fixture
def data(write_ledger):
    _, entries, errors, options = write_ledger(LEDGER)
    assert errors == []
    return read_ledger(entries, options)


def row(data, date, verksamhet):
    table = compute(data, date, group_by=("verksamhet",), kinds=("kostnad",))
    return table, table.row(verksamhet).measures


def test_no_prognos_yet_means_the_budget(data):
    table, m = row(data, datetime.date(2026, 1, 31), "5731")
    assert (table.uppfoljning, m.prognos, m.avvikelse_helar, m.prognos_foregaende) == (None, D("-1000.00"), 0, None)
    assert unforecast_units(data, datetime.date(2026, 1, 31)) == [
        ("Socialnämnden", "5731", "kommunbidrag"), ("Socialnämnden", "5731", "kostnad"),
        ("Socialnämnden", "5732", "kommunbidrag"), ("Socialnämnden", "5732", "kostnad"),
    ]


def test_the_latest_follow_up_counts_and_the_change_is_against_the_one_before(data):
    table, m = row(data, datetime.date(2026, 3, 31), "5731")
    assert (table.uppfoljning, table.foregaende_uppfoljning) == (datetime.date(2026, 3, 31), datetime.date(2026, 2, 28))
    assert (m.prognos, m.prognos_foregaende, m.prognos_forandring) == (D("-1150.00"), D("-1100.00"), D("-50.00"))
    assert m.avvikelse_helar == D("-150.00")
    # 5732 was not restated in March: February's prognos still counts, unchanged.
    _, m = row(data, datetime.date(2026, 3, 31), "5732")
    assert (m.prognos, m.prognos_foregaende, m.prognos_forandring) == (D("-520.00"), D("-520.00"), 0)


def test_moving_to_per_konto_detail_counts_nothing_twice(data):
    _, m = row(data, datetime.date(2026, 4, 30), "5732")
    assert m.prognos == D("-525.00")
    assert m.prognos_foregaende == D("-520.00")
    table = compute(data, datetime.date(2026, 4, 30), group_by=("konto",), kinds=("kostnad",), where={"verksamhet": "5732"})
    assert {r.key[0]: r.measures.prognos for r in table.rows} == {"4540": D("-95.00"), "4620": D("-430.00"), None: None}
    # March's prognos was per verksamhet: by konto it is "(ej fördelat)".
    assert table.row(None).label == "(ej fördelat)"
    assert table.row(None).measures.prognos_foregaende == D("-520.00")


def test_best_and_worst_case(data):
    _, m = row(data, datetime.date(2026, 4, 30), "5731")
    assert (m.prognos_basta, m.prognos, m.prognos_samsta) == (D("-1080.00"), D("-1120.00"), D("-1190.00"))
    # No case given for 5732: the band is the prognos itself.
    _, m = row(data, datetime.date(2026, 4, 30), "5732")
    assert m.prognos_basta == m.prognos_samsta == m.prognos
    # A case counts only from its own follow-up.
    _, m = row(data, datetime.date(2026, 3, 31), "5731")
    assert m.prognos_basta == m.prognos


def test_kommunbidrag_prognos_is_its_budget(data):
    table = compute(data, datetime.date(2026, 4, 30), group_by=("typ",))
    assert table.row("kommunbidrag").measures.prognos == D("1500.00")
    assert table.total.measures.prognos == D("1500.00") - D("1120.00") - D("525.00")


def test_history_is_kept_a_later_follow_up_changes_nothing_earlier(data):
    before = compute(data, datetime.date(2026, 2, 28), group_by=("verksamhet",))
    assert before.row("5731").measures.prognos == D("1000.00") - D("1100.00")


def test_example_prognos_change_since_september():
    entries, _, options = loader.load_file(str(EXAMPLE_LEDGER))
    data = read_ledger(entries, options)
    oct_ = compute(data, datetime.date(2026, 10, 31), group_by=("radgrupp",))
    sep = compute(data, datetime.date(2026, 9, 30), group_by=("radgrupp",))
    assert oct_.foregaende_uppfoljning == datetime.date(2026, 9, 30)
    for row_oct in oct_.rows:
        m = row_oct.measures
        assert m.prognos_foregaende == sep.row(*row_oct.key).measures.prognos
        assert m.prognos_forandring == m.prognos - m.prognos_foregaende
    # Eight follow-ups in 2026, and every verksamhet is forecast in each.
    assert unforecast_units(data, datetime.date(2026, 10, 31)) == [
        u for u in unforecast_units(data, datetime.date(2026, 10, 31)) if u[2] == "kommunbidrag"
    ]


def test_a_readings_prognos_is_computed_once_and_equals_a_fresh_one(data):
    """prognos_amounts keeps its answer in the reading (every table of a chart asks for the same date);
    the kept answer is the one computed afresh, and another reading does not see it."""
    from namndbok.engine import _prognos_amounts, prognos_amounts
    from namndbok.prognos import BEST, MAIN

    day = datetime.date(2026, 5, 31)
    first = prognos_amounts(data, day, MAIN)
    assert prognos_amounts(data, day, MAIN) is first
    assert list(first) == _prognos_amounts(data, day, MAIN, None) and first
    assert list(prognos_amounts(data, day, BEST)) == _prognos_amounts(data, day, BEST, None)
    other = data._replace(prognos=[], cache={})
    assert list(prognos_amounts(other, day, MAIN)) == _prognos_amounts(other, day, MAIN, None) != list(first)
