"""Periodisering: keys move budget between months and keep the year's total."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from namndbok.accounts import Roots, parse_account
from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger
from namndbok.periodisering import (
    EVEN_WEIGHTS,
    PeriodiseringError,
    key_for,
    month_shares,
    parse_periodisering,
    share_through,
)

D = Decimal
KEYS = """
standard = "jämn"
[profiler]
"höstfakturering" = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
"semester" = [100, 97, 100, 100, 100, 106, 72, 93, 104, 104, 105, 119]
[nycklar]
"konto:3320" = "höstfakturering"
"konto:5020" = "semester"
"grupp:Familjerätt och familjerådgivning" = "fjolår"
"Kostnader:Socialnämnden:589:5020" = "jämn"
"""

LEDGER = """
2024-12-10 custom "budgetbeslut" "Budget 2025"
  typ: "internbudget"
  beslut: "SN 2024-12-10 §1"
2025-01-01 custom "budgetrad" "Budget 2025" Intäkter:Socialnämnden:Kommunbidrag:589  -1200.00 SEK
2025-01-01 custom "budgetrad" "Budget 2025" Kostnader:Socialnämnden:589:4690  1200.00 SEK
2025-12-10 custom "budgetbeslut" "Budget 2026"
  typ: "internbudget"
  beslut: "SN 2025-12-10 §2"
2026-01-01 custom "budgetrad" "Budget 2026" Intäkter:Socialnämnden:Kommunbidrag:589  -1440.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" Intäkter:Socialnämnden:589:3320  -1200.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:589:4690  1200.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:581:5020  1440.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:589:5020:4100  0.00 SEK

2025-01-31 * "Utfall"
  Kostnader:Socialnämnden:589:4690  300.00 SEK
  Tillgångar:Socialnämnden:1690
2025-07-31 * "Utfall"
  Kostnader:Socialnämnden:589:4690  900.00 SEK
  Tillgångar:Socialnämnden:1690
"""


@pytest.fixture
def data(write_ledger):
    path, entries, errors, options = write_ledger(LEDGER, periodisering=KEYS)
    assert errors == []
    return read_ledger(entries, options)


def budget(data, date, verksamhet, kind):
    table = compute(data, date, group_by=("verksamhet", "typ"))
    return table.row(verksamhet, kind).measures.budget


def test_a_seasonal_key_moves_budget_to_the_autumn_and_keeps_the_year(data):
    # Fees invoiced in the autumn: nothing budgeted by February, all by December.
    assert budget(data, datetime.date(2026, 2, 28), "589", "intäkt") == 0
    assert budget(data, datetime.date(2026, 9, 30), "589", "intäkt") == D("300.00")
    assert budget(data, datetime.date(2026, 12, 31), "589", "intäkt") == D("1200.00")
    # Evenly spread, the same line would have had 200 by February.
    assert budget(data, datetime.date(2026, 2, 28), "589", "kommunbidrag") == D("240.00")


def test_salary_profile(data):
    by_feb = budget(data, datetime.date(2026, 2, 28), "581", "kostnad")
    assert by_feb == D("-1440.00") * 197 / 1200
    assert budget(data, datetime.date(2026, 12, 31), "581", "kostnad") == D("-1440.00")


def test_last_years_pattern(data):
    # 589's köp had 300 in January and 900 in July 2025: the 2026 budget follows.
    assert budget(data, datetime.date(2026, 6, 30), "589", "kostnad") == D("-300.00")
    assert budget(data, datetime.date(2026, 7, 31), "589", "kostnad") == D("-1200.00")
    # 2025 had no utfall in 2024 to follow: even.
    assert budget(data, datetime.date(2025, 3, 31), "589", "kostnad") == D("-300.00")


def test_a_partial_month_counts_by_days():
    assert share_through(EVEN_WEIGHTS, datetime.date(2026, 1, 31)) == D(1) / 12
    assert share_through(EVEN_WEIGHTS, datetime.date(2026, 2, 14)) == (1 + D(14) / 28) / 12
    assert share_through(EVEN_WEIGHTS, datetime.date(2026, 12, 31)) == 1


def test_month_shares_add_up_to_one_exactly():
    for weights in ((D(1),) * 12, tuple(D(w) for w in (3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8))):
        assert sum(month_shares(weights)) == 1


def test_key_precedence():
    p = parse_periodisering(KEYS)
    roots = Roots()

    def key(account, grupp=None, override=None):
        return key_for(p, parse_account(account, roots), grupp, override)

    assert key("Kostnader:Socialnämnden:589:5020:4100") == "jämn"  # account prefix beats konto
    assert key("Kostnader:Socialnämnden:581:5020") == "semester"  # konto
    assert key("Kostnader:Socialnämnden:589:4690", "Familjerätt och familjerådgivning") == "fjolår"  # grupp
    assert key("Kostnader:Socialnämnden:610:4690", "Flyktingmottagande") == "jämn"  # standard
    assert key("Kostnader:Socialnämnden:581:5020", override="höstfakturering") == "höstfakturering"


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ('[profiler]\n"x" = [1, 2, 3]\n', 2, "tolv vikter"),
        ('standard = "vår"\n', 1, "ingen känd nyckel"),
        ('[nycklar]\n"konto:5020" = "vår"\n', 2, "Nyckeln 'vår'"),
        ('[nycklar]\n"kontot:5020" = "jämn"\n', 2, "ingen giltig väljare"),
        ('[profiler]\n"jämn" = [1,1,1,1,1,1,1,1,1,1,1,1]\n', 2, "inbyggd nyckel"),
    ],
)
def test_periodisering_file_faults(text, line, fragment):
    with pytest.raises(PeriodiseringError) as caught:
        parse_periodisering(text, "p.toml")
    assert (caught.value.line, fragment in caught.value.message) == (line, True)


def test_a_lines_own_weights(write_ledger):
    _, entries, errors, options = write_ledger("""
2025-12-10 custom "budgetbeslut" "Budget 2026"
  typ: "internbudget"
  beslut: "SN 2025-12-10 §2"
2026-01-01 custom "budgetrad" "Budget 2026" Intäkter:Socialnämnden:Kommunbidrag:589  -600.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:589:5020  600.00 SEK
  nyckel: "vikter: 0 0 0 0 0 0 1 1 1 1 1 1"
""")
    assert errors == []
    data = read_ledger(entries, options)
    assert budget(data, datetime.date(2026, 6, 30), "589", "kostnad") == 0
    assert budget(data, datetime.date(2026, 8, 31), "589", "kostnad") == D("-200.00")
    assert budget(data, datetime.date(2026, 12, 31), "589", "kostnad") == D("-600.00")
