"""Eget kapital across years: carried results, write-off, repayment plan, disposition, cap.

Hand-computed (mnkr, committee's sign):

| år   | ingående | beslut                     | årets resultat            | utgående |
| 2023 |  +2,0    |                            | 100 − 109,5     = −9,5    |  −7,5    |
| 2024 |  −7,5    | avskrivning +7,5           | 100 − 120       = −20,0   | −20,0    |
| 2025 | −20,0    | (återbetalning: +20 i kb)  | 120 − 115,1     = +4,9    | −15,1    |
| 2026 | −15,1    | disposition −3,0           | 90 − 95 + 3     = −2,0    | −20,1    |
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount.core import data as bc_data

from namndbok.eget_kapital import roll_forward
from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger

from conftest import line_of

D = Decimal
MN = D(1_000_000)
KB = "Intäkter:Socialnämnden:Kommunbidrag:589"
COST = "Kostnader:Socialnämnden:589:5020"
AVR = "Tillgångar:Socialnämnden:1690"


def year(y: int, kb: str, cost: str) -> str:
    return f"""
{y}-06-30 * "Utfall {y}"
  {KB}  -{kb}000000.00 SEK
  {COST}  {cost}00000.00 SEK
  {AVR}
"""


HISTORY = f"""
2023-01-01 * "Ingående ackumulerat resultat" "Enligt bokslut 2022"
  Eget-kapital:Socialnämnden:2011  -2000000.00 SEK
  {AVR}
{year(2023, "100", "1095")}
2024-04-22 custom "eget-kapital" "Avskrivning av negativt eget kapital 2023"
  typ: "avskrivning"
  beslut: "KF 2024-04-22 §61"
  ar: 2023
{year(2024, "100", "1200")}
2025-02-17 custom "eget-kapital" "Återbetalning av underskott 2024" "2025" 20000000.00 SEK "2026" -10000000.00 SEK "2027" -10000000.00 SEK
  typ: "aterbetalning"
  beslut: "KF 2025-02-17 §14"
{year(2025, "120", "1151")}
2026-03-01 custom "eget-kapital" "Ianspråktagande för digitalisering"
  typ: "disposition"
  beslut: "KF 2026-02-23 §20"
  belopp: 3000000.00 SEK
  verksamhet: "589"
{year(2026, "90", "950")}
"""


@pytest.fixture
def ledger(write_ledger):
    path, entries, errors, options = write_ledger(HISTORY)
    assert errors == []
    return path, entries, read_ledger(entries, options)


def row(data, y, date=None):
    (r,) = roll_forward(data, y, date)
    return r


def test_each_years_closing_eget_kapital(ledger):
    _, _, data = ledger
    expected = {2023: ("2.0", "-9.5", "0", "-7.5"), 2024: ("-7.5", "-20.0", "7.5", "-20.0"),
                2025: ("-20.0", "4.9", "0", "-15.1"), 2026: ("-15.1", "-2.0", "-3.0", "-20.1")}
    for y, (opening, result, decisions, closing) in expected.items():
        r = row(data, y)
        assert (r.ingaende, r.arets_resultat, r.beslut_summa, r.utgaende) == (
            D(opening) * MN, D(result) * MN, D(decisions) * MN, D(closing) * MN), y


def test_the_write_off_is_a_referenced_transaction(ledger):
    _, entries, data = ledger
    (writeoff,) = [e for e in entries if isinstance(e, bc_data.Transaction) and "ek_beslut" in e.meta and "Avskrivning" in e.narration]
    assert writeoff.date == datetime.date(2024, 4, 22)
    assert writeoff.narration == "Avskrivning av negativt eget kapital 2023 (KF 2024-04-22 §61)"
    assert {p.account: p.units.number for p in writeoff.postings} == {
        "Eget-kapital:Socialnämnden:2011": D("-7500000.00"), AVR: D("7500000.00")}
    (decision,) = row(data, 2024).beslut
    assert (decision.name, decision.beslut, decision.amount) == (writeoff.narration, "KF 2024-04-22 §61", D("7500000.00"))


def test_each_finished_year_is_carried_into_2011_on_new_years_day(ledger):
    _, entries, _ = ledger
    carries = {e.meta["ek_overforing"]: (e.date, e.postings[0]) for e in entries
               if isinstance(e, bc_data.Transaction) and "ek_overforing" in e.meta}
    assert sorted(carries) == [2023, 2024, 2025]  # 2026 is not finished
    date, posting = carries[2024]
    assert date == datetime.date(2025, 1, 1)
    assert (posting.account, posting.units.number) == ("Eget-kapital:Socialnämnden:2011", D("20000000.00"))


def test_the_repayment_plan_changes_kommunbidrag_budget_per_year(ledger):
    _, _, data = ledger
    for y, change in ((2025, "20"), (2026, "-10"), (2027, "-10")):
        table = compute(data, datetime.date(y, 12, 31), group_by=("typ",))
        assert table.row("kommunbidrag").measures.budget_helar == D(change) * MN
    kinds = {d.name: d.typ for d in data.decisions}
    assert kinds["Återbetalning av underskott 2024, 2025"] == "resultatreglering"
    assert kinds["Återbetalning av underskott 2024, 2026"] == "kommunbidrag"


def test_disposition_is_its_own_row_in_the_result(ledger):
    _, _, data = ledger
    table = compute(data, datetime.date(2026, 12, 31), group_by=("typ",))
    assert table.row("disposition").label == "Ianspråktagande av ackumulerat resultat"
    assert table.row("disposition").measures.utfall == D("3000000.00")
    assert table.total.measures.utfall == D("-2000000.00")


def test_a_cap_on_a_surplus(write_ledger):
    _, entries, errors, options = write_ledger(f"""
{year(2024, "100", "920")}
2025-03-10 custom "eget-kapital" "Tak för överskott 2024"
  typ: "tak"
  beslut: "KF 2025-03-10 §30"
  ar: 2024
  belopp: 5000000.00 SEK
{year(2025, "100", "1000")}
""")
    assert errors == []
    data = read_ledger(entries, options)
    r = row(data, 2025)
    assert (r.ingaende, r.beslut_summa, r.utgaende) == (D("8000000.00"), D("-3000000.00"), D("5000000.00"))


def test_units_carry_their_own_result(write_ledger, tmp_path):
    from conftest import EXAMPLE_DIR

    plan = (EXAMPLE_DIR / "kontoplan.toml").read_text(encoding="utf-8").replace(
        'avrakningskonto = "1690"', 'avrakningskonto = "1690"\neget_kapital_per = "ansvar"')
    _, entries, errors, options = write_ledger("""
2025-06-30 * "Utfall 2025"
  Intäkter:Socialnämnden:Kommunbidrag:589:4100  -100.00 SEK
  Kostnader:Socialnämnden:589:5020:4100  90.00 SEK
  Intäkter:Socialnämnden:Kommunbidrag:5731:2200  -200.00 SEK
  Kostnader:Socialnämnden:5731:4610:2200  230.00 SEK
  Tillgångar:Socialnämnden:1690
2026-01-31 * "Utfall 2026"
  Kostnader:Socialnämnden:5731:4610:2200  1.00 SEK
  Tillgångar:Socialnämnden:1690
""", kontoplan=plan)
    assert errors == []
    data = read_ledger(entries, options)
    rows = {r.ansvar: r for r in roll_forward(data, 2026)}
    assert (rows["4100"].ingaende, rows["2200"].ingaende) == (D("10.00"), D("-30.00"))
    # During the year each unit's result so far: to a date, from the running sums.
    for date, own in ((datetime.date(2026, 1, 30), D("0")), (datetime.date(2026, 1, 31), D("-1.00"))):
        so_far = {r.ansvar: r for r in roll_forward(data, 2026, date)}
        assert (so_far["2200"].arets_resultat, so_far["4100"].arets_resultat) == (own, D("0")), date
        assert so_far["2200"].utgaende == D("-30.00") + own
    carried = {p.account for e in entries if isinstance(e, bc_data.Transaction) and "ek_overforing" in e.meta for p in e.postings}
    assert "Eget-kapital:Socialnämnden:2011:4100" in carried and "Eget-kapital:Socialnämnden:2011:2200" in carried


def test_a_closed_year_that_changes_is_refused(write_ledger):
    body = HISTORY + """
2025-12-31 custom "bokslut" "2025"
  arets_resultat: 4900000.00 SEK
  utgaende_eget_kapital: -15100000.00 SEK
"""
    _, _, errors, _ = write_ledger(body)
    assert errors == []
    path, _, errors, _ = write_ledger(body + f"""
2025-11-30 * "Sen faktura"
  {COST}  250000.00 SEK
  {AVR}
""")
    assert len(errors) == 1
    assert errors[0].source["lineno"] == line_of(path, 'custom "bokslut" "2025"')
    assert errors[0].message.startswith(
        "Det stängda året 2025 har ändrats efter bokslutet: årets resultat är nu 4 650 000,00 kr (bokslutet: 4 900 000,00 kr)")


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('2024-01-01 custom "eget-kapital" "X"\n  typ: "avskrivning"\n  beslut: "KF"\n', "behöver ar:"),
        ('2024-01-01 custom "eget-kapital" "X"\n  typ: "tak"\n  beslut: "KF"\n  ar: 2023\n', "behöver belopp:"),
        ('2024-01-01 custom "eget-kapital" "X"\n  typ: "skänk"\n  beslut: "KF"\n', "Ett beslut om eget kapital skrivs"),
        ('2024-01-01 custom "eget-kapital" "X" "2025"\n  typ: "aterbetalning"\n  beslut: "KF"\n', "En återbetalningsplan skrivs"),
        ('2024-01-01 custom "eget-kapital" "X"\n  typ: "disposition"\n  beslut: "KF"\n  belopp: -5.00 SEK\n', "positivt belopp"),
    ],
)
def test_bad_decisions_are_refused_with_file_and_line(write_ledger, text, fragment):
    path, _, errors, _ = write_ledger(text)
    assert len(errors) == 1 and fragment in errors[0].message
    assert errors[0].source["lineno"] == line_of(path, '"eget-kapital"')


def test_eget_kapital_by_budget_and_prognos(write_ledger):
    """Ackumulerat resultat including the year's result, by utfall, budget and prognos."""
    _, entries, errors, options = write_ledger(HISTORY + """
2026-06-30 custom "prognos" Kostnader:Socialnämnden:589  190000000.00 SEK
""")
    assert errors == []
    r = row(read_ledger(entries, options), 2026, datetime.date(2026, 6, 30))
    assert (r.ingaende, r.beslut_summa, r.arets_resultat) == (D("-15.1") * MN, D("-3.0") * MN, D("-2.0") * MN)
    # The only 2026 budget is year 2 of the repayment plan: kommunbidrag −10.
    assert (r.arets_resultat_budget, r.utgaende_budget) == (D("-10") * MN, D("-28.1") * MN)
    # Prognos: costs 190; kommunbidrag by its budget (−10); no disposition forecast.
    assert (r.arets_resultat_prognos, r.utgaende_prognos) == (D("-200") * MN, D("-218.1") * MN)
    # Bokslut föregående år is the year's ingående eget kapital.
    assert row(read_ledger(entries, options), 2025).utgaende == r.ingaende
