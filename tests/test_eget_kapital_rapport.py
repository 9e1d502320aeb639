"""`namndbok eget-kapital` as committees print it: --enhet, "varav resultatreglering", the repayment plan."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

from beancount import loader

from namndbok.eget_kapital import parse_decisions, plan_years, roll_forward_table, table_years
from namndbok.ledgerdata import read_ledger

from conftest import EXAMPLE_LEDGER, run

DATE = datetime.date(2026, 10, 31)


def _example():
    entries, errors, options = loader.load_file(str(EXAMPLE_LEDGER))
    assert errors == []
    return entries, read_ledger(entries, options)


def _csv(*args):
    code, out = run("eget-kapital", EXAMPLE_LEDGER, "--per", "2026-10", "--format", "csv", *args)
    assert code == 0, out
    return list(csv.reader(io.StringIO(out), delimiter=";"))


def test_eget_kapital_in_tkr():
    entries, data = _example()
    plan = plan_years(parse_decisions(entries, data.currency)[0], DATE)  # the repayment plan's later years, as the CLI
    assert plan == [2027]
    table = roll_forward_table(data, table_years(data, DATE), DATE, plan=plan)
    rows = _csv("--enhet", "tkr", "--decimaler", "0")
    assert rows[0][0] == "Tkr"
    printed = {r[0]: r[1:] for r in rows[1:]}
    for label, values in table.rows:
        expected = ["" if v is None else str((v / 1000).quantize(Decimal(1), ROUND_HALF_UP)) for v in values]
        assert printed[label] == expected, label
    assert printed["Årets resultat"][3] == "-4295"  # the example's result to October 2026, in tkr


def _plan(entries) -> dict[int, Decimal]:
    """The example's repayment plan, read here from its `custom "eget-kapital"` directive: year → kommunbidrag change."""
    (entry,) = [e for e in entries if getattr(e, "type", None) == "eget-kapital" and e.meta.get("typ") == "aterbetalning"]
    values = [v.value for v in entry.values][1:]  # the name, then year, amount, year, amount …
    return {int(year): amount.number for year, amount in zip(values[0::2], values[1::2])}


def test_arets_resultat_varav_resultatreglering():
    entries, _ = _example()
    plan = _plan(entries)
    # Only the plan's increases are a planned result (resultatreglering); a decrease is met by a saving.
    planned = {year: change for year, change in plan.items() if change > 0}
    assert planned == {2025: Decimal("20000000.00")}
    rows = {r[0]: r[1:] for r in _csv("--enhet", "kr", "--decimaler", "0")}
    header = _csv("--enhet", "kr", "--decimaler", "0")[0][1:]
    varav = dict(zip(header, rows["varav resultatreglering"]))
    assert varav == {column: str(int(planned.get(int(column[:4]), 0))) for column in header}
    # Mid-year, the part to the date: the kommunbidrag is spread evenly, so half of it by June.
    code, out = run("eget-kapital", EXAMPLE_LEDGER, "--per", "2025-06", "--format", "csv", "--enhet", "kr", "--decimaler", "0")
    table = list(csv.reader(io.StringIO(out), delimiter=";"))
    varav = dict(zip(table[0][1:], {r[0]: r[1:] for r in table[1:]}["varav resultatreglering"]))
    assert varav["2025 t.o.m. jun"] == str(int(planned[2025] / 2))
    assert varav["2025 budget"] == varav["2025 prognos"] == str(int(planned[2025]))
    # The row is a part of årets resultat: utgående still adds up without it.
    rows = {r[0]: r[1:] for r in table[1:]}
    writeoff = next(k for k in rows if k.startswith("Avskrivning"))
    for i in range(len(table[0]) - 1):
        assert (int(rows["Ingående eget kapital"][i]) + int(rows[writeoff][i] or 0) + int(rows["Årets resultat"][i])
                == int(rows["Utgående eget kapital (inklusive årets resultat)"][i]))


def test_no_resultatreglering_row_without_such_a_decision(write_ledger):
    path = write_ledger("""
2026-01-15 * "Lön"
  Kostnader:Socialnämnden:589:5020  10.00 SEK
  Tillgångar:Socialnämnden:1690
""")[0]
    code, out = run("eget-kapital", path, "--per", "2026-01", "--format", "csv")
    assert code == 0, out
    assert "varav resultatreglering" not in out and "Årets resultat" in out


def test_the_repayment_plan_year_by_year():
    entries, _ = _example()
    plan = _plan(entries)
    code, out = run("eget-kapital", EXAMPLE_LEDGER, "--beslut", "--format", "csv", "--enhet", "kr", "--decimaler", "0")
    assert code == 0, out
    rows = list(csv.reader(io.StringIO(out), delimiter=";"))
    assert rows[0] == ["Datum", "Beslut", "Typ", "Referens", "Avser år", "Belopp (kr)"]
    at = next(i for i, r in enumerate(rows) if r[1] == "Återbetalning av underskott 2024")
    assert rows[at][:4] == ["2025-02-17", "Återbetalning av underskott 2024", "Återbetalning av underskott", "KF 2025-02-17 §14"]
    printed = {int(r[4]): Decimal(r[5]) for r in rows[at:at + len(plan)]}
    assert printed == plan and len(plan) == 3
    assert all(r[:4] == ["", "", "", ""] for r in rows[at + 1:at + len(plan)])


def test_the_report_set_has_varav_resultatreglering_and_the_plan(example_copy):
    entries, _ = _example()
    plan = _plan(entries)
    code, out = run("period-close", "2026-08", example_copy, "--utan-pdf")
    assert code == 0, out
    text = (example_copy.parent / "rapporter" / "2026-08" / "eget-kapital.md").read_text(encoding="utf-8")
    assert "| varav resultatreglering | 0,0 | 0,0 | 20,0 | 0,0 | 0,0 | 0,0 |" in text
    assert "**Fullmäktiges och nämndens beslut om eget kapital (mnkr)**" in text
    for year, change in plan.items():
        assert f"| {year} | {str((change / 1000000).quantize(Decimal('0.1'))).replace('.', ',')} |" in text
