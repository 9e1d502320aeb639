"""The engine reproduces fixture 003 (budgetuppföljning per februari 2026) cell by cell.

The fixture ledger in tests/fixtures/ledger003 holds unrounded amounts that
round to every printed cell. Two printed quirks are decided, not copied
(../shared/fixtures/README.md):
- a zero printed without decimals ("0") is printed "0,0" like every other amount;
- "100%" where the budget is 0 (Egen regi) has no percentage: we print nothing.
"""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal

import pytest
from beancount import loader

from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger
from namndbok.swedish import format_measure
from namndbok.swedish import format_amount, format_number, format_percent

from conftest import REPO, SHARED, shared_missing

LEDGER = REPO / "tests" / "fixtures" / "ledger003" / "main.beancount"
DATE = datetime.date(2026, 2, 28)
COLUMNS = {
    "utfall_feb_2026": "utfall",
    "budget_feb_2026": "budget",
    "prognos_helar_2026": "prognos",
    "budget_helar_2026": "budget_helar",
    "avvikelse_helar": "avvikelse_helar",
    "avvikelse_pct": "avvikelse_helar_pct",
    "utfall_helar_2025": "utfall_fg_helar",
}
QUIRKS = {("Egen regi", "avvikelse_pct"): ""}


@pytest.fixture(scope="module")
def data():
    entries, errors, options = loader.load_file(str(LEDGER))
    assert errors == []
    return read_ledger(entries, options)


def printed(cell: str) -> str:
    """A fixture cell in our print format: '-1209.7' → '-1 209,7', '6%' → '6 %'."""
    if cell == "":
        return ""
    if cell.endswith("%"):
        return format_percent(Decimal(cell[:-1]) / 100)
    return format_number(Decimal(cell), 1)


def ours(measures, measure: str) -> str:
    return format_measure(measures, measure, "mnkr", 1)


def fixture_rows(name: str) -> list[dict]:
    if shared_missing("fixtures"):
        pytest.skip(shared_missing("fixtures"))
    with open(SHARED / "fixtures" / name, encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def compare(rows_by_label: dict, fixture: list[dict]) -> list[str]:
    """Every cell that differs, as 'row / column: printed ≠ ours'."""
    problems = []
    for line in fixture:
        label = line["rad"]
        measures = rows_by_label[label]
        for column, measure in COLUMNS.items():
            expected = QUIRKS.get((label, column), printed(line[column]))
            got = ours(measures, measure)
            if got != expected:
                problems.append(f"{label} / {column}: {expected!r} ≠ {got!r}")
    return problems


def test_driftredovisning(data):
    table = compute(data, DATE, group_by=("typ",), kinds=("intäkt", "kostnad"))
    rows = {row.label: row.measures for row in table.rows}
    rows["Nettokostnader"] = table.total.measures
    assert compare(rows, fixture_rows("003-driftredovisning-feb-2026.csv")) == []
    # The printed total is not the sum of its printed parts: 60,8 − 190,0 → −129,3.
    assert format_amount(table.total.measures.utfall) == "-129,3"
    assert table.total.measures.utfall == Decimal("-129280000.00")


def test_nettokostnader_per_verksamhet(data):
    table = compute(data, DATE, group_by=("radgrupp",), kinds=("intäkt", "kostnad"))
    rows = {row.label: row.measures for row in table.rows}
    rows["Nettokostnader"] = table.total.measures
    fixture = fixture_rows("003-nettokostnader-per-verksamhet-feb-2026.csv")
    assert [line["rad"] for line in fixture][:-1] == [row.label for row in table.rows]
    assert compare(rows, fixture) == []


def test_empty_and_zero_are_different(data):
    table = compute(data, DATE, group_by=("radgrupp",), kinds=("intäkt", "kostnad"))
    # Familjerätt had no utfall in 2025 at all (printed empty), FoU had some netting to zero.
    assert table.row("Familjerätt").measures.utfall_fg_helar is None
    assert table.row("FoU Nordost").measures.utfall_fg_helar == 0
    # Egen regi: budget 0 (revenue and cost budgets that cancel) has no percentage.
    egen = table.row("Egen regi").measures
    assert egen.budget_helar == 0 and egen.avvikelse_helar_pct is None


def test_percent_keeps_the_budgets_sign(data):
    total = compute(data, DATE, kinds=("intäkt", "kostnad")).total.measures
    assert total.avvikelse_helar > 0 and total.budget_helar < 0
    assert total.avvikelse_helar_pct == total.avvikelse_helar / total.budget_helar
    assert format_percent(total.avvikelse_helar_pct) == "-2 %"
