"""Flerårsplan in eget kapital (issue 22, point 5): the years of a repayment plan after the report
date's year show as "ÅR plan" columns in `namndbok eget-kapital` and on the Eget kapital page —
ingående the year before's utgående by budget, årets resultat the council's planned result."""

from __future__ import annotations

import csv
from decimal import Decimal

from conftest import EXAMPLE_LEDGER, run
from test_fava_budgetarbete import _figures, _page, _tables  # noqa: F401 - the page helpers

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


LATER_PLAN = ('\n2026-12-01 custom "eget-kapital" "Återbetalning av underskott 2026" "2027" 5000000.00 SEK '
              '"2028" -5000000.00 SEK\n  typ: "aterbetalning"\n  beslut: "KF 2026-11-30 §120"\n')


def _plan_columns(table) -> list[str]:
    return [c for c in table[OPENING] if c.endswith("plan")]


def test_a_plan_seen_at_a_date_knows_only_the_decisions_taken_by_then(example_copy):
    """A repayment plan decided on 1 December 2026 (a planned surplus of 5 mnkr in 2027) is not in the
    plan per 31 October 2026; per 31 December 2026 it is."""
    with example_copy.open("a", encoding="utf-8") as handle:
        handle.write(LATER_PLAN)
    table = _csv(example_copy, "--per", "2026-10-31")
    assert _plan_columns(table) == ["2027 plan"]  # 2028: only the later decision reaches it
    assert _number(table[RESULT]["2027 plan"]) == Decimal(0)
    assert _number(table["varav resultatreglering"]["2027 plan"]) == Decimal(0)
    assert _number(table[CLOSING]["2027 plan"]) == _number(table[CLOSING]["2026 budget"])
    # Once decided, it is the plan.
    later = _csv(example_copy, "--per", "2026-12-31")
    assert _plan_columns(later) == ["2027 plan", "2028 plan"]
    assert _number(later[RESULT]["2027 plan"]) == Decimal("5.0")
    assert _number(later[CLOSING]["2027 plan"]) == _number(later[CLOSING]["2026"]) + Decimal("5.0")


def test_a_later_planned_result_budget_decision_is_not_in_the_plan_before_it_is_taken(example_copy):
    """The same for a budget decision of typ resultatreglering (no eget kapital decision reaches 2027 but
    the example's own plan): dated after the report date, it is not in the 2027 plan."""
    with example_copy.open("a", encoding="utf-8") as handle:
        handle.write('\n2026-12-01 custom "budgetbeslut" "Planerat överskott 2027"\n  typ: "resultatreglering"\n'
                     '  beslut: "KF 2026-11-30 §121"\n'
                     '2027-01-01 custom "budgetrad" "Planerat överskott 2027" Intäkter:Socialnämnden:Kommunbidrag '
                     '-3000000.00 SEK\n')
    assert _number(_csv(example_copy, "--per", "2026-10-31")[RESULT]["2027 plan"]) == Decimal(0)
    assert _number(_csv(example_copy, "--per", "2026-11-30")[RESULT]["2027 plan"]) == Decimal(0)
    assert _number(_csv(example_copy, "--per", "2026-12-01")[RESULT]["2027 plan"]) == Decimal("3.0")


def test_a_proposal_is_never_a_plan_years_result(example_copy):
    """A förslag (`status: "förslag"`) of a planned result, dated before the report date, is not decided:
    the 2027 plan has no result from it."""
    with example_copy.open("a", encoding="utf-8") as handle:
        handle.write('\n2026-09-15 custom "budgetbeslut" "Förslag planerat överskott 2027"\n  typ: "resultatreglering"\n'
                     '  beslut: "ej beslutad"\n  status: "förslag"\n'
                     '2027-01-01 custom "budgetrad" "Förslag planerat överskott 2027" '
                     'Intäkter:Socialnämnden:Kommunbidrag -3000000.00 SEK\n')
    table = _csv(example_copy, "--per", "2026-10-31")
    assert _number(table[RESULT]["2027 plan"]) == Decimal(0)
    assert _number(table["varav resultatreglering"]["2027 plan"]) == Decimal(0)


PLAN_NAME = "Plan (återbetalningsplan)"  # the plan trace's legend


def test_the_chart_shows_the_plan_years_as_the_table_does(example_copy):
    """The Eget kapital page's chart: the plan years as their own trace (dashed, hollow markers), from the
    year's end by budget, each point the table's "ÅR plan" utgående."""
    with example_copy.open("a", encoding="utf-8") as handle:  # a decided plan with a planned surplus in 2027
        handle.write('\n2026-09-15 custom "eget-kapital" "Återbetalning av underskott 2026" "2027" 5000000.00 SEK '
                     '"2028" -5000000.00 SEK\n  typ: "aterbetalning"\n  beslut: "KF 2026-09-14 §99"\n')
    body = _page(example_copy, sida="eget-kapital")
    table = _tables(body)["eget-kapital"]
    header, closing = table[0], next(row for row in table if row[0] == CLOSING)
    cells = dict(zip(header[1:], (_number(c.replace(" ", "")) for c in closing[1:])))
    [figure] = _figures(body)
    [trace] = [t for t in figure["data"] if t["name"] == PLAN_NAME]
    assert trace["line"]["dash"] == "dash" and trace["marker"]["symbol"] == "circle-open"
    points = dict(zip(trace["x"], (Decimal(str(y)) for y in trace["y"])))
    assert points == {"2026-12-31": cells["2026 budget"], "2027-12-31": cells["2027 plan"],
                      "2028-12-31": cells["2028 plan"]}
    assert cells["2027 plan"] == cells["2026 budget"] + Decimal("5.0")  # the planned surplus is on the line
    assert "2028-12-31" in figure["layout"]["xaxis"]["tickvals"]
    # No plan (the report date after the plan's last year): no plan trace.
    [later] = _figures(_page(example_copy, sida="eget-kapital", time="2028-06"))
    assert PLAN_NAME not in [t["name"] for t in later["data"]]
