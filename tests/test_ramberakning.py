"""`namndbok budget ram`: the ramberäkning from the ledger and budget/ÅR.toml (namndbok.ramberakning)."""

from __future__ import annotations

import csv
import datetime
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger
from namndbok.ramberakning import RamError, calculate_ram, parse_assumptions, parse_override

from conftest import EXAMPLE_DIR, EXAMPLE_LEDGER, REPO, contents, line_of, needs_shared, snapshot

D = Decimal
FIXTURE = REPO / "tests" / "fixtures" / "ramberakning-2014" / "budget"
PUBLISHED = REPO.parent / "shared" / "fixtures" / "ramberakning-budget-2014.csv"
KB = "Intäkter:Socialnämnden:Kommunbidrag"

# A small ledger: the KF budget of 2013 (a kommunbidrag the 2014 file's own ram wins over).
LEDGER_2013 = f"""
2012-11-26 custom "budgetbeslut" "KF-budget 2013"
  typ: "kf-budget"
  beslut: "KF 2012-11-26 §150"
2013-01-01 custom "budgetrad" "KF-budget 2013" {KB}:589  -1000000000.00 SEK
2013-01-01 custom "budgetrad" "KF-budget 2013" Kostnader:Socialnämnden:589:5020  1000000000.00 SEK
"""


def invoke(*args, cwd: Path | None = None):
    """`namndbok ARGS` in this process: (exit code, stdout, stderr) apart, so that CSV can be read."""
    from namndbok.scripts.cli import main

    before = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(before)
    return result.exit_code, result.stdout, result.stderr


def csv_cells(text: str, delimiter: str) -> list[list[str]]:
    return [row for row in csv.reader((line for line in text.splitlines() if not line.startswith("#")), delimiter=delimiter)]


def budget_beside(path: Path, source: Path = FIXTURE) -> Path:
    """The fixture's budget/ folder copied beside the ledger `path`; the copy of 2014.toml."""
    shutil.copytree(source, path.parent / "budget")
    return path.parent / "budget" / "2014.toml"


@needs_shared("fixtures/ramberakning-budget-2014.csv")
def test_the_published_2014_table_cell_by_cell(write_ledger):
    path = write_ledger(LEDGER_2013)[0]
    budget_beside(path)
    code, out, err = invoke("budget", "ram", "2014", "-f", path, "--format", "csv")
    assert code == 0, out + err
    published = csv_cells(PUBLISHED.read_text(encoding="utf-8"), ",")
    ours = csv_cells(out, ";")
    assert ours[0][1:] == published[0][1:]  # the years
    assert [row[0] for row in ours[1:]] == [row[0] for row in published[1:]]  # the rows, in order
    for mine, theirs in zip(ours[1:], published[1:]):
        assert mine == theirs, mine[0]
    # The file's ram wins over the ledger's kommunbidrag 2013, and the note says both.
    assert "Ram året före 2014: 1 047 144 tkr enligt" in err and "1 000 000" in err


@needs_shared("fixtures/ramberakning-budget-2014.csv")
def test_the_22563_quirk_is_the_files_fixed_amount_and_the_rate_rounds_half_up(write_ledger):
    """2 % of 1 047 144 = 20 942,88 → 20 943 and 2 % of 1 080 087 = 21 601,74 → 21 602 (half up, whole tkr);
    the published 22 563 for 2016 (2 % of 1 128 189 = 22 563,78) is the file's belopp, said in a note."""
    path = write_ledger(LEDGER_2013)[0]
    toml = budget_beside(path)
    code, out, err = invoke("budget", "ram", "2014", "-f", path, "--format", "csv")
    assert code == 0, out + err
    assert "Generell uppräkning;20943;21602;22563" in out.splitlines()
    assert "2016: generell uppräkning 22 563 enligt filen (2 % ger 22 564): Publicerat belopp" in err
    # Without the fixed amount, the rate's rounded figure is carried into the ram.
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("belopp = 22563", "").replace('notering = "Publicerat', '# "'), encoding="utf-8")
    code, out, err = invoke("budget", "ram", "2014", "-f", path, "--format", "csv")
    assert code == 0, out + err
    lines = out.splitlines()
    assert "Generell uppräkning;20943;21602;22564" in lines
    assert "Summa rambudget;1080087;1128189;1173153" in lines and "22 564" not in err


def test_ram_from_the_ledgers_kommunbidrag_and_the_wage_and_price_uplift(write_ledger):
    path, entries, _, options = write_ledger(LEDGER_2013)
    (path.parent / "budget").mkdir()
    (path.parent / "budget" / "2014.toml").write_text(
        'enhet = "tkr"\n[upprakning.2014]\nloneokning = 3.0\npo = 0.5\nprisupprakning = 2.0\npersonalandel = 0.6\n'
        '[upprakning.2015]\ngenerell = 1.5\n', encoding="utf-8")
    code, out, err = invoke("budget", "ram", "2014", "-f", path, "--planar", "1", "--format", "csv")
    assert code == 0, out + err
    rows = {row[0]: row[1:] for row in csv_cells(out, ";")}
    kb = compute(read_ledger(entries, options), datetime.date(2013, 12, 31), group_by=("typ",)).row("kommunbidrag").measures.budget_helar
    assert rows["Ram året före"][0] == str(kb / 1000)[:-3].split(".")[0] == "1000000"
    # 60 % wages: 600 000 × 3 % and × 0,5 percentage points PO; 40 % prices: 400 000 × 2 %.
    assert rows["Löneökning"] == ["18000", ""] and rows["PO-förändring"] == ["3000", ""]
    assert rows["Prisuppräkning"] == ["8000", ""]
    assert rows["Summa rambudget"][0] == "1029000"
    assert rows["Generell uppräkning"] == ["", str(round(1029000 * 0.015))]  # 15 435
    assert "liggarens kommunbidrag 2013" in err


@pytest.mark.parametrize(("text", "needle", "message"), [
    ('enhet = "kkr"\n', 'enhet', 'enhet ska vara "kr", "tkr" eller "mnkr"'),
    ('ramm = 3\n', 'ramm', "Okänd inställning 'ramm'"),
    ('[upprakning.2014]\ngenerel = 2\n', 'generel', "Okänd nyckel generel i [upprakning.2014]"),
    ('[upprakning.2014]\ngenerell = "2 %"\n', 'generell', "generell ska vara en procentsats"),
    ('[upprakning.2014]\ngenerell = 2\nloneokning = 3\n', 'loneokning', "både generell och loneokning"),
    ('[upprakning.2014]\nloneokning = 3\n', '[upprakning.2014]', "saknar prisupprakning, personalandel"),
    ('[upprakning.2014]\ngenerell = 2\n[[forandring]]\nnamn = "X"\nbelopp = { 2014 = 1 }\n', '[[forandring]]',
     "behöver beslut"),
    ('[upprakning.2014]\ngenerell = 2\n[[forandring]]\nnamn = "X"\nbeslut = "KF"\nbelopp = { 2014 = "tre" }\n',
     'belopp', "belopp ska vara årets förändring"),
    ('[upprakning.2014]\ngenerell = 2\n[[forandring]]\nnamn = "X"\nbeslut = "KF"\ntyp = "bonus"\nbelopp = {}\n',
     'typ', 'typ ska vara en av "satsning"'),
    ('[upprakning.2014]\ngenerell = 2\n[[volym]]\nnamn = "Äldre"\npris = 1\n', '[[volym]]', "ange volymerna antingen"),
    ('[upprakning.2014]\ngenerell = 2\n[[volym]]\nnamn = "Äldre"\npris = 1\nvolymer = { 2014 = 5 }\n', 'volymer',
     "'Äldre' saknar volymen för 2013"),
    ('[upprakning.2015]\ngenerell = 2\n', '[upprakning.2015]', "Uppräkning saknas för 2014"),
    ('[upprakning.2014\n', '[upprakning.2014', "inte giltig TOML"),
    # Numbers past Decimal's 28 digits or not finite would be an InvalidOperation traceback when rounded.
    ('[upprakning.2014]\ngenerell = inf\n', 'generell', "mellan -100 och 100"),
    ('[upprakning.2014]\ngenerell = 2\n[[volym]]\nnamn = "Äldre"\npris = 1e30\nvolymer = { 2013 = 1, 2014 = 5 }\n',
     'pris', "pris ska vara priset per enhet"),
])
def test_a_bad_assumption_is_refused_with_file_and_line(write_ledger, text, needle, message):
    path = write_ledger(LEDGER_2013)[0]
    toml = path.parent / "budget" / "2014.toml"
    toml.parent.mkdir()
    toml.write_text('ram_aret_fore = 1000\n' + text, encoding="utf-8")
    code, out, err = invoke("budget", "ram", "2014", "-f", path, "--planar", "0")
    assert code != 0
    assert f"2014.toml:{line_of(toml, needle)}: " in err and message in err, err
    assert "Traceback" not in out + err


def test_a_bad_volume_csv_is_refused_at_its_line(write_ledger):
    path = write_ledger(LEDGER_2013)[0]
    toml = budget_beside(path)
    csv_file = toml.parent / "aldre.csv"
    csv_file.write_text("år;volym\n2013;10000\n2014;tiotusen\n", encoding="utf-8")
    code, out, err = invoke("budget", "ram", "2014", "-f", path)
    assert code != 0 and "aldre.csv:3: Volymen 'tiotusen' är inte ett tal." in err, err
    csv_file.unlink()
    code, out, err = invoke("budget", "ram", "2014", "-f", path)
    assert code != 0 and "aldre.csv: Volymfilen finns inte." in err, err


def test_no_file_and_no_ledger_ram_say_what_to_do(write_ledger):
    path = write_ledger("")[0]
    code, out, err = invoke("budget", "ram", "2014", "-f", path)
    assert code != 0 and "Antagandefilen finns inte" in err and "docs/budgetarbete.md" in err
    (path.parent / "budget").mkdir()
    (path.parent / "budget" / "2014.toml").write_text("[upprakning.2014]\ngenerell = 2\n", encoding="utf-8")
    code, out, err = invoke("budget", "ram", "2014", "-f", path, "--planar", "0")
    assert code != 0 and "Liggaren har inget kommunbidrag för 2013" in err and "ram_aret_fore" in err


def test_a_ledger_kommunbidrag_of_zero_is_no_ram(write_ledger):
    """A SIE file's #PBUDGET has no kommunbidrag: the year's decisions leave it at 0, which is not a ram."""
    budget_without_kommunbidrag = LEDGER_2013.replace(f"2013-01-01 custom \"budgetrad\" \"KF-budget 2013\" {KB}:589  -1000000000.00 SEK\n", "")
    path = write_ledger(budget_without_kommunbidrag)[0]
    (path.parent / "budget").mkdir()
    (path.parent / "budget" / "2014.toml").write_text("[upprakning.2014]\ngenerell = 2\n", encoding="utf-8")
    code, out, err = invoke("budget", "ram", "2014", "-f", path, "--planar", "0")
    assert code != 0 and "Liggarens kommunbidrag för 2013 är 0" in err and "ram_aret_fore" in err, err
    assert out == ""


def test_the_example_2027_from_another_folder_with_a_relative_path(tmp_path):
    relative = os.path.relpath(EXAMPLE_LEDGER, tmp_path)
    code, out, err = invoke("budget", "ram", "2027", "-f", relative, "--format", "csv", cwd=tmp_path)
    assert code == 0, out + err
    rows = {row[0]: row[1:] for row in csv_cells(out, ";")}
    assert list(rows)[0] == "Tkr" and rows["Tkr"] == ["2027", "2028", "2029"]
    # Ram året före 2027: the example's kommunbidrag budget 2026 as the engine computes it, in whole tkr.
    from beancount import loader

    entries, _, options = loader.load_file(str(EXAMPLE_LEDGER))
    kb = compute(read_ledger(entries, options), datetime.date(2026, 12, 31), group_by=("typ",)).row("kommunbidrag").measures.budget_helar
    assert rows["Ram året före"][0] == str(round(kb / 1000))
    # Each year's Summa rambudget is the next year's Ram året före, and the sums add up.
    for i in range(3):
        ram = int(rows["Ram året före"][i])
        parts = [int(v[i]) for label, v in rows.items()
                 if label not in ("Tkr", "Ram året före", "Delsumma", "Summa rambudget", "Förändring mellan åren") and v[i]]
        assert int(rows["Summa rambudget"][i]) == ram + sum(parts)
        assert int(rows["Förändring mellan åren"][i]) == int(rows["Summa rambudget"][i]) - ram
        if i < 2:
            assert rows["Ram året före"][i + 1] == rows["Summa rambudget"][i]
    assert rows["Kompensation för fler placerade barn och unga"] == ["3300", "2200", "1100"]  # (51−48) × 1 100 …


def test_what_if_shows_the_new_table_and_the_difference_and_writes_nothing(example_copy):
    folder = example_copy.parent
    before = snapshot(folder)
    code, base, err = invoke("budget", "ram", "2027", "-f", example_copy, "--format", "csv")
    assert code == 0, err
    code, out, err = invoke("budget", "ram", "2027", "-f", example_copy, "--format", "csv",
                            "--antagande", "löneökning=3,5", "--antagande", "2029:generell=3")
    assert code == 0, err
    old = {row[0]: row[1:] for row in csv_cells(base, ";")}
    new = {row[0]: row[1:] for row in csv_cells(out, ";")}
    assert new["Tkr"] == ["2027", "2028", "2029", "Skillnad 2027", "Skillnad 2028", "Skillnad 2029"]
    for label, values in new.items():
        if label == "Tkr":
            continue
        for i in range(3):
            if values[i] or old[label][i]:
                assert int(values[3 + i]) == int(values[i] or 0) - int(old[label][i] or 0), label
    # 3,5 % instead of 3,0 % on the wage share of the lasting 2027 ram: 0,5 % × 55 % × (928 849 + 10 000) tkr
    # (the 2026 repayment of 10 000 taken out again).
    assert new["Löneökning"][3] == str(round(D("938849") * D("0.55") * D("0.005")))
    assert new["Generell uppräkning"][0] == "" and new["Generell uppräkning"][5] != "0"
    assert "löneökning=3,5 gäller 2027" in err
    assert contents(snapshot(folder)) == contents(before)  # byte for byte
    assert snapshot(folder) == before  # not even touched


@pytest.mark.parametrize(("given", "message"), [
    ("lön=3", "skriv NAMN=VÄRDE"), ("löneökning=tre", "är inte ett tal"), ("2031:generell=2", "inte ett av tabellens år"),
    ("2028:löneökning=3", "2028 räknas med generell uppräkning"), ("personalandel=1,5", "mellan 0 och 1"),
])
def test_a_bad_what_if_is_refused(given, message):
    code, out, err = invoke("budget", "ram", "2027", "-f", EXAMPLE_LEDGER, "--antagande", given)
    assert code != 0 and message in err and "Traceback" not in err, err


def test_parse_override_takes_swedish_names_and_decimal_commas():
    assert parse_override("Löneökning=3,5") == parse_override("loneokning=3.5")._replace(text="Löneökning=3,5")
    assert parse_override("2028:prisuppräkning=1,25").year == 2028
    assert parse_override("ram=1 047 144").value == D("1047144")


def test_markdown_and_xlsx(tmp_path):
    from openpyxl import load_workbook

    code, out, err = invoke("budget", "ram", "2027", "-f", EXAMPLE_LEDGER, "--format", "markdown")
    assert code == 0 and "| **Summa rambudget** |" in out, err
    target = tmp_path / "ram.xlsx"
    code, out, err = invoke("budget", "ram", "2027", "-f", EXAMPLE_LEDGER, "--format", "xlsx", "--ut", target)
    assert code == 0, err
    code, text, err = invoke("budget", "ram", "2027", "-f", EXAMPLE_LEDGER, "--format", "csv")
    sheet = load_workbook(target).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    for printed, written in zip(csv_cells(text, ";")[1:], cells[1:]):
        assert written[0] == printed[0]
        assert [None if v == "" else int(v) for v in printed[1:]] == written[1:]
    first = target.read_bytes()
    invoke("budget", "ram", "2027", "-f", EXAMPLE_LEDGER, "--format", "xlsx", "--ut", target)
    assert target.read_bytes() == first  # the same table, the same bytes
    code, out, err = invoke("budget", "ram", "2027", "-f", EXAMPLE_LEDGER, "--format", "xlsx")
    assert code != 0 and "--ut" in err


def test_the_core_is_pure_and_every_ram_is_the_next_years_ram_before():
    assumptions = parse_assumptions(FIXTURE / "2014.toml")
    table = calculate_ram(assumptions, 2014, 2, None)
    total, before = table.row("Summa rambudget").values, table.row("Ram året före").values
    assert before[1:] == total[:-1]
    assert table.years == (2014, 2015, 2016)
    with pytest.raises(RamError, match="Uppräkning saknas för 2017"):
        calculate_ram(assumptions, 2014, 3, None)


def test_the_manuals_example_is_the_example_committees_file():
    """docs/budgetarbete.md shows (part of) ledgers/exempel/budget/2027.toml and its CSV: every line it shows is there."""
    import re

    manual = (REPO / "docs" / "budgetarbete.md").read_text(encoding="utf-8")
    toml_block = re.search(r"```toml\n(.*?)```", manual, re.S).group(1)
    example = (EXAMPLE_DIR / "budget" / "2027.toml").read_text(encoding="utf-8").splitlines()
    for line in toml_block.splitlines():
        assert not line.strip() or line in example, line
    csv_block = manual.split("`placeringar.csv` bredvid den:", 1)[1].split("```")[1]
    assert csv_block.strip() == (EXAMPLE_DIR / "budget" / "placeringar.csv").read_text(encoding="utf-8").strip()


def test_ut_is_only_for_xlsx(tmp_path):
    code, out, err = invoke("budget", "ram", "2027", "-f", EXAMPLE_LEDGER, "--format", "csv", "--ut", tmp_path / "x.csv")
    assert code != 0 and "--ut gäller bara --format xlsx" in err and not (tmp_path / "x.csv").exists()


def test_the_ledgers_repayment_plan_is_a_row_each_year_and_taken_out_the_next(tmp_path):
    """KF 2025-02-17 §14 in the example ledger lowers the kommunbidrag by 10 000 tkr in 2026 and in 2027, each year on
    its own: 2027 takes 2026's cut out of Ram året före, uplifts the lasting ram, and cuts 10 000 again; 2028 takes
    2027's out and has none. Figures by hand from the example's file (budget/2027.toml)."""
    code, out, err = invoke("budget", "ram", "2027", "-f", os.path.relpath(EXAMPLE_LEDGER, tmp_path), "--format", "csv",
                            cwd=tmp_path)
    assert code == 0, out + err
    rows = {row[0]: row[1:] for row in csv_cells(out, ";")}
    back, cut = "Återbetalning av underskott 2024, året före återförs", "Återbetalning av underskott 2024"
    assert rows[back] == ["10000", "10000", ""] and rows[cut] == ["-10000", "", ""]
    lasting = D(rows["Ram året före"][0]) + 10000
    assert rows["Löneökning"][0] == str(round(lasting * D("0.55") * D("0.03")))
    assert rows["Prisuppräkning"][0] == str(round(lasting * D("0.45") * D("0.018")))
    summa = D(rows["Ram året före"][0]) + 10000 + sum(D(rows[r][0]) for r in ("Löneökning", "PO-förändring", "Prisuppräkning")) \
        + 3300 + 2000 - 1500 + 600 - 10000
    assert rows["Summa rambudget"][0] == str(summa) and rows["Delsumma"][0] == "4400"
    assert rows["Generell uppräkning"][1] == str(round((summa + 10000) * D("0.024")))  # 2028 on the lasting ram
    assert "KF 2025-02-17 §14" in err and "2025/beslut.beancount:13" in err


def test_a_decision_both_in_the_file_and_in_the_ledger_is_refused(example_copy):
    assumptions = example_copy.parent / "budget" / "2027.toml"
    text = assumptions.read_text(encoding="utf-8")
    assumptions.write_text(text + '\n[[forandring]]\nnamn = "Återbetalning"\nbeslut = "KF 2025-02-17 §14"\n'
                                  'typ = "besparing"\nbelopp = { 2027 = -10000 }\n', encoding="utf-8")
    line = text.count("\n") + 2
    code, out, err = invoke("budget", "ram", "2027", "-f", example_copy)
    assert code != 0 and f"2027.toml:{line}:" in err and "räknas två gånger" in err and "beslut.beancount:13" in err, err
