"""Flerårsplan in eget kapital (issue 22, point 5): the years of a repayment plan after the report
date's year show as "ÅR plan" columns in `namndbok eget-kapital` and on the Eget kapital page —
ingående the year before's utgående by budget, årets resultat the council's planned result."""

from __future__ import annotations

import csv
from decimal import Decimal

from conftest import EXAMPLE_LEDGER, run
from test_fava_budgetarbete import _page, _tables  # noqa: F401 - the page helpers

from namndbok.eget_kapital import PLAN_NOTE


def _csv(ledger, *more) -> dict[str, dict[str, str]]:
    code, out = run("eget-kapital", "-f", ledger, "--format", "csv", *more)
    assert code == 0, out
    rows = list(csv.reader([line for line in out.splitlines() if ";" in line and line != PLAN_NOTE], delimiter=";"))
    header = rows[0]
    return {row[0]: dict(zip(header[1:], row[1:])) for row in rows[1:]}


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ".").replace("\u2212", "-")) if text else Decimal(0)


OPENING, RESULT, CLOSING = "Ingående eget kapital", "Årets resultat", "Utgående eget kapital (inklusive årets resultat)"


def test_the_repayment_plans_later_year_is_a_plan_column_built_on_the_budget():
    table = _csv(EXAMPLE_LEDGER, "--per", "2026-10")
    assert list(table[OPENING])[-1] == "2027 plan"  # the repayment plan reaches 2027; utfall and budget stop at 2026
    plan = {label: _number(row["2027 plan"]) for label, row in table.items()}
    assert plan[OPENING] == _number(table[CLOSING]["2026 budget"])  # not the prognos (-26,0)
    assert plan[OPENING] != _number(table[CLOSING]["2026 prognos"])
    assert plan[RESULT] == Decimal(0)  # the plan lowers 2027's kommunbidrag: the committee balances
    assert plan[CLOSING] == plan[OPENING] + plan[RESULT]
    code, out = run("eget-kapital", "-f", EXAMPLE_LEDGER, "--per", "2026-10")
    assert PLAN_NOTE in out


def test_a_planned_surplus_in_a_plan_year_is_its_result(tmp_path):
    import shutil

    from conftest import EXAMPLE_DIR

    copy = tmp_path / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy, ignore=shutil.ignore_patterns("rapporter"))
    ledger = copy / EXAMPLE_LEDGER.name
    with ledger.open("a", encoding="utf-8") as handle:  # after the last lock (31 August 2026)
        handle.write('\n2026-09-15 custom "eget-kapital" "Återbetalning av underskott 2026" "2027" 5000000.00 SEK '
                     '"2028" -5000000.00 SEK\n  typ: "aterbetalning"\n  beslut: "KF 2026-09-14 §99"\n')
    table = _csv(ledger, "--per", "2026-10")
    assert [c for c in table[OPENING] if c.endswith("plan")] == ["2027 plan", "2028 plan"]
    assert _number(table[RESULT]["2027 plan"]) == Decimal("5.0")
    assert _number(table["varav resultatreglering"]["2027 plan"]) == Decimal("5.0")
    assert _number(table[OPENING]["2027 plan"]) == _number(table[CLOSING]["2026 budget"])
    assert _number(table[OPENING]["2028 plan"]) == _number(table[CLOSING]["2027 plan"])
    assert _number(table[CLOSING]["2028 plan"]) == _number(table[CLOSING]["2027 plan"])  # 2028: kommunbidrag only
    assert _number(table[CLOSING]["2027 plan"]) == _number(table[CLOSING]["2026 budget"]) + Decimal("5.0")
    # The page shows the same columns and cells as the CLI.
    body = _page(ledger, sida="eget-kapital")
    page = _tables(body)["eget-kapital"]
    assert page[0][-2:] == ["2027 plan", "2028 plan"]
    assert [row[-2] for row in page[1:]] == [table[label]["2027 plan"] for label in table]
    assert PLAN_NOTE in body


def test_no_plan_column_once_the_plan_is_past():
    table = _csv(EXAMPLE_LEDGER, "--per", "2027-06")
    assert not [c for c in table[OPENING] if c.endswith("plan")]
