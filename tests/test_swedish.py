from decimal import Decimal as D

import pytest

from namndbok.engine import Measures
from namndbok.swedish import format_measure
from namndbok.swedish import format_amount, format_number, format_percent


@pytest.mark.parametrize(
    "value, unit, decimals, text",
    [
        (D("-1209660000"), "mnkr", 1, "-1 209,7"),
        (D("18460000"), "mnkr", 1, "18,5"),
        (D("-129280000"), "mnkr", 1, "-129,3"),
        (D("-40000"), "mnkr", 1, "0,0"),  # a rounded zero has no sign
        (D("1234567.89"), "tkr", 1, "1 234,6"),
        (D("-50"), "kr", 0, "-50"),
        (D("0.05"), "kr", 1, "0,1"),  # half away from zero
        (D("-0.05"), "kr", 1, "-0,1"),
        (None, "mnkr", 1, ""),
    ],
)
def test_format_amount(value, unit, decimals, text):
    assert format_amount(value, unit, decimals) == text


def test_format_percent_and_number():
    assert format_percent(D("-0.0219")) == "-2 %"
    assert format_percent(D("0.025")) == "3 %"
    assert format_percent(D("-0.004")) == "0 %"
    assert format_percent(None) == ""
    assert format_number(D("1234567.891"), 2) == "1 234 567,89"


def test_a_budget_that_prints_as_zero_has_no_percentage():
    tiny = Measures(budget_helar=D("1000"), avvikelse_helar=D("-4000000"), avvikelse_helar_pct=D("-4000"))
    assert format_measure(tiny, "avvikelse_helar_pct", "mnkr", 1) == ""
    assert format_measure(tiny, "avvikelse_helar_pct", "kr", 0) == "-400 000 %"
    assert format_measure(tiny, "budget_helar", "tkr", 1) == "1,0"


def test_a_float_rounds_as_it_prints_not_by_its_binary_value():
    # 1.45 is 1.4499999… in binary; the economist reads 1,45 and expects 1,5 (half up).
    assert format_number(1.45, 1) == "1,5"
    assert format_number(2.675, 2) == "2,68"
    assert format_percent(0.125, 0) == "13 %"


@pytest.mark.parametrize("value, unit, decimals, text", [
    # Found by tests/test_fuzz_ledger.py (a budgetrad of 99999999999999999999999999.99 SEK): rounding a number
    # to more digits than the Decimal context's 28 raised decimal.InvalidOperation out of namndbok.plugins.budget.
    (D("1E34"), "kr", 2, "10 000 000 000 000 000 000 000 000 000 000 000,00"),
    (D("-5E30"), "tkr", 1, "-5 000 000 000 000 000 000 000 000 000,0"),
    (D("-123456789012345678901234567.891"), "kr", 2, "-123 456 789 012 345 678 901 234 567,89"),
])
def test_numbers_longer_than_the_decimal_context_round_and_print(value, unit, decimals, text):
    assert format_amount(value, unit, decimals) == text
