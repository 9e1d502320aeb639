"""Budget workbooks and volume lists into the example committee's ledger."""

from __future__ import annotations

import datetime
import shutil
from decimal import Decimal

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger
from namndbok.loading import load
from namndbok.scripts.cli import main

from conftest import EXAMPLE_DIR

D = Decimal
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]


@pytest.fixture
def ledger(tmp_path):
    copy = tmp_path / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy)
    return copy / "socialnamnden.beancount"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def workbook(path, rows, header):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_monthly_budget_workbook_becomes_a_decision_with_its_months(ledger, tmp_path):
    header = ["Verksamhet", "Konto", "Ansvar", *MONTHS]
    rows = [
        ["589", "Kommunbidrag", None, *[100_000] * 12],
        ["589", "5020", "4100", *[-80_000] * 6, *[-120_000] * 6],
    ]
    path = workbook(tmp_path / "budget-2027.xlsx", rows, header)
    code, out = run("import-budget", path, ledger, "--namn", "Internbudget 2027", "--beslut", "SN 2026-12-10 §150",
                    "--ar", "2027", "--datum", "2026-12-10")
    assert code == 0, out
    assert "Budgetbeslutet 'Internbudget 2027' (SN 2026-12-10 §150) är inläst: 2 rader" in out
    entries, errors, options = load(ledger)
    assert [e for e in errors if not e.message.startswith("Varning:")] == []
    data = read_ledger(entries, options)
    june = compute(data, datetime.date(2027, 6, 30), group_by=("typ",), where={"verksamhet": "589"})
    assert june.row("kostnad").measures.budget == D("-480000.00")  # the workbook's months, not twelfths
    assert june.row("kostnad").measures.budget_helar == D("-1200000.00")
    assert june.row("kommunbidrag").measures.budget_helar == D("1200000.00")
    # Importing the same workbook again changes nothing.
    text = (ledger.parent / "2027" / "budget.beancount").read_text(encoding="utf-8")
    code, out = run("import-budget", path, ledger, "--namn", "Internbudget 2027", "--beslut", "SN 2026-12-10 §150",
                    "--ar", "2027", "--datum", "2026-12-10")
    assert code == 0 and "finns redan med samma 2 rader; inget ändrat" in out
    assert (ledger.parent / "2027" / "budget.beancount").read_text(encoding="utf-8") == text


def test_an_unknown_verksamhet_in_a_workbook_is_refused_with_its_row(ledger, tmp_path):
    path = workbook(tmp_path / "b.xlsx", [["589", "5020", None, -100], ["5799", "5020", None, -50]],
                    ["Verksamhet", "Konto", "Ansvar", "Belopp"])
    code, out = run("import-budget", path, ledger, "--namn", "X", "--beslut", "SN", "--ar", "2027")
    assert code == 1 and f"{path}:3: Okänd verksamhet '5799'" in out
    assert not (ledger.parent / "2027" / "budget.beancount").exists()


def test_a_volume_list_becomes_volume_directives(ledger, tmp_path):
    csv = "Verksamhet;Månad;Enhet;Antal;Ansvar\r\n5731;2026-11;vårddygn;2 712;2200\r\n5731;2026-12;vårddygn;2 650;2200\r\n5733;2026-11;vårdtagare;701;\r\n"
    path = tmp_path / "volymer.csv"
    path.write_bytes(csv.encode("utf-8"))
    code, out = run("import-volymer", path, ledger)
    assert code == 0 and "3 nya volymer inlästa" in out, out
    text = (ledger.parent / "2026" / "volymer.beancount").read_text(encoding="utf-8")
    assert '2026-11-30 custom "volym" Kostnader:Socialnämnden:5731 "vårddygn" 2712\n  ansvar: "2200"' in text
    assert '2026-11-30 custom "volym" Kostnader:Socialnämnden:5733 "vårdtagare" 701' in text
    assert 'include "*/volymer.beancount"' in ledger.read_text(encoding="utf-8")
    code, out = run("import-volymer", path, ledger)
    assert code == 0 and "0 nya volymer inlästa; 3 fanns redan." in out
    path.write_bytes(csv.replace("2 650", "2 600").encode("utf-8"))
    code, out = run("import-volymer", path, ledger)
    assert code == 1 and "finns redan med 2650" in out and "listan säger 2600" in out


def test_an_unknown_unit_is_refused(ledger, tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes("Verksamhet;Månad;Enhet;Antal\r\n5731;2026-11;sängar;5\r\n".encode("utf-8"))
    code, out = run("import-volymer", path, ledger)
    assert code == 1 and f"{path}:2: Okänd enhet 'sängar'" in out


def test_a_sie_files_pbudget_becomes_a_budget_decision(ledger, tmp_path):
    lines = ["#FLAGGA 0", "#SIETYP 4", "#RAR 0 20270101 20271231", '#KONTO 3911 "Kommunbidrag"']
    for month in range(1, 13):
        lines.append(f'#PBUDGET 0 2027{month:02d} 4610 {{20 "5731" 1 "2200"}} {1000 + 100 * (month > 6)}.00')
        lines.append(f'#PBUDGET 0 2027{month:02d} 3911 {{20 "5731"}} -{1000 + 100 * (month > 6)}.00')
        lines.append(f"#PBUDGET 0 2027{month:02d} 1690 {{}} 5.00")  # a balance account: not the committee's budget
    path = tmp_path / "budget.se"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))
    code, out = run("import-budget", path, ledger, "--namn", "Budget 2027 ur ekonomisystemet", "--beslut", "SN 2026-12-10 §150",
                    "--ar", "2027", "--datum", "2026-12-10")
    assert code == 0 and "2 rader" in out, out
    entries, errors, options = load(ledger)
    data = read_ledger(entries, options)
    june = compute(data, datetime.date(2027, 6, 30), group_by=("typ",), where={"verksamhet": "5731"})
    assert june.row("kostnad").measures.budget == D("-6000.00")
    assert june.row("kostnad").measures.budget_helar == D("-12600.00")
    assert june.row("kommunbidrag").measures.budget_helar == D("12600.00")
