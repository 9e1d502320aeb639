"""`namndbok budgetbeslut`: the year's budget decisions and the kommunbidrag change of each, with its parts."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from beancount import loader
from beancount.core import data as bc_data

from namndbok.budget_decisions import year_decisions
from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger

from conftest import EXAMPLE_LEDGER, line_of, run

D = Decimal
KB = "Intäkter:Socialnämnden:Kommunbidrag"


def _example():
    entries, errors, options = loader.load_file(str(EXAMPLE_LEDGER))
    assert errors == []
    return entries, read_ledger(entries, options)


def test_example_decisions_and_their_kommunbidrag_changes():
    entries, data = _example()
    # Independently of the product: the 2026 budgetrad lines on kommunbidrag accounts, per decision.
    kb_lines: dict[str, Decimal] = defaultdict(Decimal)
    meta = {}
    for entry in entries:
        if isinstance(entry, bc_data.Custom) and entry.type == "budgetbeslut":
            meta[entry.values[0].value] = entry
        if (isinstance(entry, bc_data.Custom) and entry.type == "budgetrad" and entry.date.year == 2026):
            name, account, amount = (v.value for v in entry.values)
            kb_lines[name] += -amount.number if account.startswith(KB) else 0
    rows = year_decisions(data, 2026)
    assert {r.name for r in rows} == set(kb_lines)  # every decision with 2026 lines, and only those
    by_name = {r.name: r for r in rows}
    for name, row in by_name.items():
        replaced = meta[name].meta.get("ersatter")
        assert row.kommunbidrag == kb_lines[name] - (kb_lines[replaced] if replaced else 0), name
        assert row.beslut == meta[name].meta["beslut"] and row.typ == meta[name].meta["typ"]
        assert row.date == meta[name].date
    # The example's real decisions, as the committee's report prints them.
    assert by_name["KF-budget 2026"].kommunbidrag == D("941800000.00")
    assert by_name["Internbudget 2026"].kommunbidrag == 0  # replaces the frame, same kommunbidrag
    assert by_name["Återbetalning av underskott 2024, 2026"].kommunbidrag == D("-10000000.00")
    assert by_name["Hyreskompensation HVB Solrosen"].kommunbidrag == D("48600.00")
    assert by_name["Justerat PO-pålägg 2026"].kommunbidrag == D("-3000000.00")
    assert by_name["Justerat PO-pålägg 2026"].beslut == "KF 2026-04-27 §78"
    # The changes add up to the year's kommunbidrag budget as the engine computes it at the year's end.
    engine_kb = compute(data, datetime.date(2026, 12, 31), group_by=("typ",)).row("kommunbidrag").measures.budget_helar
    assert sum(r.kommunbidrag for r in rows) == engine_kb


PARTS = f"""
2025-11-24 custom "budgetbeslut" "KF-budget 2026"
  typ: "kf-budget"
  beslut: "KF 2025-11-24 §210"
2026-01-01 custom "budgetrad" "KF-budget 2026" {KB}:589  -10000000.00 SEK
2026-01-01 custom "budgetrad" "KF-budget 2026" Kostnader:Socialnämnden:589:5020  10000000.00 SEK

2026-04-27 custom "budgetbeslut" "Justerat kommunbidrag 2026"
  typ: "kommunbidrag"
  beslut: "KF 2026-04-27 §78"
2026-04-27 custom "budgetrad" "Justerat kommunbidrag 2026" {KB}:589  3000000.00 SEK
  del: "PO-pålägg"
2026-04-27 custom "budgetrad" "Justerat kommunbidrag 2026" Kostnader:Socialnämnden:589:5410  -3000000.00 SEK
2026-04-27 custom "budgetrad" "Justerat kommunbidrag 2026" {KB}:589  -1600000.00 SEK
  del: "Löneökning"
2026-04-27 custom "budgetrad" "Justerat kommunbidrag 2026" Kostnader:Socialnämnden:589:5020  1600000.00 SEK
"""


def test_a_decision_is_shown_with_its_parts(write_ledger):
    path = write_ledger(PARTS)[0]
    code, out = run("budgetbeslut", path, "--ar", "2026", "--format", "csv")
    assert code == 0, out
    lines = out.splitlines()
    assert "2026-04-27;Justerat kommunbidrag 2026;kommunbidrag;KF 2026-04-27 §78;-1,4" in lines
    at = lines.index("2026-04-27;Justerat kommunbidrag 2026;kommunbidrag;KF 2026-04-27 §78;-1,4")
    assert lines[at + 1:at + 3] == [";  varav PO-pålägg;;;-3,0", ";  varav Löneökning;;;1,6"]
    assert ";Kommunbidrag efter besluten;;;8,6" in lines
    code, out = run("budgetbeslut", path, "--ar", "2026", "--format", "csv", "--enhet", "tkr", "--decimaler", "0")
    assert ";  varav PO-pålägg;;;-3000" in out.splitlines()


def test_a_part_that_is_not_a_text_is_refused_with_file_and_line(write_ledger):
    path = write_ledger(PARTS.replace('del: "PO-pålägg"', "del: 3"))[0]
    code, out = run("budgetbeslut", path, "--ar", "2026")
    assert code != 0
    assert f"main.beancount:{line_of(path, 'del: 3') - 1}" in out and "del:" in out and "Traceback" not in out


def test_lines_without_del_in_a_decision_with_parts_are_its_rest(write_ledger):
    extra = f"""
2026-09-01 custom "budgetbeslut" "Omfördelning hösten 2026"
  typ: "omfördelning"
  beslut: "SN 2026-09-01 §120"
2026-09-01 custom "budgetrad" "Omfördelning hösten 2026" {KB}:589  -500000.00 SEK
  del: "Familjerätt"
2026-09-01 custom "budgetrad" "Omfördelning hösten 2026" {KB}:5731  200000.00 SEK
2026-09-01 custom "budgetrad" "Omfördelning hösten 2026" Kostnader:Socialnämnden:589:5020  500000.00 SEK
2026-09-01 custom "budgetrad" "Omfördelning hösten 2026" Kostnader:Socialnämnden:5731:5020  -200000.00 SEK
"""
    path = write_ledger(PARTS + extra)[0]
    code, out = run("budgetbeslut", path, "--ar", "2026", "--format", "csv", "--enhet", "tkr", "--decimaler", "0")
    assert code == 0, out
    lines = out.splitlines()
    at = lines.index("2026-09-01;Omfördelning hösten 2026;omfördelning;SN 2026-09-01 §120;300")
    assert lines[at + 1:at + 3] == [";  varav Familjerätt;;;500", ";  varav Övrigt;;;-200"]


def test_a_year_without_budget_decisions_is_said(write_ledger):
    path = write_ledger(PARTS)[0]
    code, out = run("budgetbeslut", path, "--ar", "2030")
    assert code != 0 and "inga budgetbeslut med budgetrader för 2030" in out and "Traceback" not in out


def test_the_report_set_lists_the_decisions_taken_by_its_date(example_copy):
    """period-close writes budgetbeslut.md: the year's decisions up to the period's end, each with its
    kommunbidrag change, and their sum; a decision taken later is not in it."""
    code, out = run("period-close", "2026-03", example_copy, "--utan-pdf")
    assert code == 0, out
    text = (example_copy.parent / "rapporter" / "2026-03" / "budgetbeslut.md").read_text(encoding="utf-8")
    assert text.startswith("**Budgetbeslut 2026 t.o.m. 2026-03-31 och förändringar av kommunbidraget (mnkr)**")
    assert "| 2026-03-11 | Hyreskompensation HVB Solrosen | kommunbidrag | KS 2026-03-11 §45 | 0,0 |" in text
    assert "| 2025-11-24 | KF-budget 2026 | kf-budget | KF 2025-11-24 §210 | 941,8 |" in text
    assert "Justerat PO-pålägg" not in text  # decided 2026-04-27, after the period
    assert "| Kommunbidrag efter besluten" in text and "931,8" in text  # 941,8 − 10,0 + 0,05
    assert "[budgetbeslut.md](budgetbeslut.md)" in (example_copy.parent / "rapporter" / "2026-03" / "README.md").read_text(encoding="utf-8")



def _csv_rows(out: str) -> list[list[str]]:
    import csv

    return [row for row in csv.reader([line for line in out.splitlines() if ";" in line], delimiter=";")][1:]


def test_a_waiting_proposal_is_listed_after_the_decisions_and_not_summed(example_copy):
    """`namndbok budget fordela 2027` writes Internbudget 2027 as a förslag: `budgetbeslut --ar 2027` lists
    it after the decided rows, marked as a förslag with its kommunbidrag, outside "Kommunbidrag efter
    besluten" (the same as before the proposal), and says how to decide it."""
    import re

    code, before = run("budgetbeslut", "-f", example_copy, "--ar", "2027", "--format", "csv", "--enhet", "kr", "--decimaler", "0")
    assert code == 0, before
    code, out = run("budget", "fordela", "2027", "-f", example_copy)
    assert code == 0, out
    proposal = (example_copy.parent / "2027" / "budget.beancount").read_text(encoding="utf-8")
    # Independently of the product: the proposal's kommunbidrag lines, committee sign.
    kommunbidrag = -sum(Decimal(m.group(1)) for m in re.finditer(
        r'custom "budgetrad" "Internbudget 2027" Intäkter:Socialnämnden:Kommunbidrag\S*\s+(-?[\d.]+) SEK', proposal))
    assert kommunbidrag > 0
    code, out = run("budgetbeslut", "-f", example_copy, "--ar", "2027", "--format", "csv", "--enhet", "kr", "--decimaler", "0")
    assert code == 0, out
    rows, decided = _csv_rows(out), _csv_rows(before)
    assert rows[:len(decided)] == decided  # the decided rows and their total, unchanged
    assert decided[-1][1] == "Kommunbidrag efter besluten"
    [waiting] = rows[len(decided):]
    assert waiting[1:4] == ["Internbudget 2027", "internbudget (förslag)", "ej beslutad"]
    assert Decimal(re.sub(r"\s", "", waiting[4])) == kommunbidrag
    assert "Förslaget 'Internbudget 2027' är inte beslutat" in out
    assert '`namndbok budget fordela 2027 --beslut "…"`' in out
    # Once decided, it is a decision: counted, no longer a förslag.
    code, out = run("budget", "fordela", "2027", "-f", example_copy, "--beslut", "SN 2026-12-10 §150")
    assert code == 0, out
    code, out = run("budgetbeslut", "-f", example_copy, "--ar", "2027", "--format", "csv", "--enhet", "kr", "--decimaler", "0")
    assert "förslag" not in out
    total = Decimal(re.sub(r"\s", "", _csv_rows(out)[-1][4]))
    assert total == Decimal(re.sub(r"\s", "", decided[-1][4])) + kommunbidrag


def test_a_proposal_is_listed_after_the_total_whatever_its_date(write_ledger):
    path = write_ledger(PARTS.replace('beslut: "KF 2025-11-24 §210"', 'beslut: "ej beslutad"\n  status: "förslag"', 1))[0]
    code, out = run("budgetbeslut", path, "--ar", "2026", "--format", "csv")
    assert code == 0, out
    lines = out.splitlines()
    assert lines.index(";Kommunbidrag efter besluten;;;-1,4") < lines.index("2025-11-24;KF-budget 2026;kf-budget (förslag);ej beslutad;10,0")
