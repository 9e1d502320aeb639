"""Report layouts: fixture 003 through `namndbok rapport`, XLSX numbers, layout errors."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from namndbok.layout import LayoutError, parse_layout
from namndbok.kontoplan import load_kontoplan

from conftest import EXAMPLE_DIR, REPO, run
from namndbok.export.csv_excel import excel_cell
from test_engine_fixture003 import COLUMNS, QUIRKS, fixture_rows, printed

FIXTURE = REPO / "tests" / "fixtures" / "ledger003"


@pytest.mark.parametrize("layout, fixture", [
    ("driftredovisning", "003-driftredovisning-feb-2026.csv"),
    ("nettokostnader", "003-nettokostnader-per-verksamhet-feb-2026.csv"),
])
def test_fixture_003_tables_through_the_cli(layout, fixture):
    code, out = run("rapport", FIXTURE / "layouter" / f"{layout}.toml", FIXTURE / "main.beancount", "--per", "2026-02", "--format", "csv")
    assert code == 0, out
    table = list(csv.reader(io.StringIO(out), delimiter=";"))
    header, rows = table[0], table[1:]
    assert header[1:] == ["Utfall feb 2026", "Budget feb 2026", "Prognos helår 2026", "Budget helår 2026",
                          "Avvikelse mot budget helår", "Avvikelse mot budget helår %", "Utfall helår 2025"]
    expected = fixture_rows(fixture)
    assert [r[0] for r in rows] == [e["rad"] for e in expected]
    for row, line in zip(rows, expected):
        for (column, _), cell in zip(COLUMNS.items(), row[1:]):
            # CSV for Swedish Excel: the printed number without its thousands spaces
            assert cell == excel_cell(QUIRKS.get((line["rad"], column), printed(line[column]))), (line["rad"], column)


def test_xlsx_has_real_numbers_bold_totals_and_a_frozen_header(tmp_path):
    target = tmp_path / "drift.xlsx"
    code, out = run("rapport", FIXTURE / "layouter" / "driftredovisning.toml", FIXTURE / "main.beancount",
                    "--per", "2026-02", "--format", "xlsx", "--ut", target)
    assert code == 0, out
    sheet = load_workbook(target).active
    assert sheet.freeze_panes == "B2"
    assert [c.value for c in sheet[1]][:3] == ["Mnkr", "Utfall feb 2026", "Budget feb 2026"]
    kostnader = sheet[3]
    assert kostnader[0].value == "Kostnader"
    assert kostnader[1].value == pytest.approx(-190.04)  # unrounded, in mnkr
    assert kostnader[1].number_format == "#,##0.0"
    assert kostnader[6].value == pytest.approx(-2.8 / -1206.91, abs=1e-4) and kostnader[6].number_format == "0%"
    total = sheet[4]
    assert total[0].value == "Nettokostnader" and total[0].font.bold and total[3].value == pytest.approx(-827.0)


@pytest.mark.parametrize("text, fragment", [
    ('[[kolumner]]\nmatt = "utfallet"\n[[rader]]\nnamn = "A"\n', 'matt = "utfallet", som inte finns'),
    ('[[kolumner]]\nmatt = "utfall"\n[[rader]]\nnamn = "A"\nverksamhet = ["5799"]\n', "Verksamhet '5799' finns inte i kontoplanen"),
    ('[[kolumner]]\nmatt = "utfall"\n[[rader]]\nnamn = "A"\n[[rader]]\nnamn = "S"\nsumma = ["B"]\n', "räknar med B, som inte finns ovanför"),
    ('enhet = "kkr"\n[[kolumner]]\nmatt = "utfall"\n[[rader]]\nnamn = "A"\n', 'enhet = "kkr" finns inte'),
])
def test_layout_errors_name_the_line(text, fragment):
    plan = load_kontoplan(EXAMPLE_DIR / "kontoplan.toml")
    with pytest.raises(LayoutError) as caught:
        parse_layout(text, "l.toml", plan)
    assert fragment in caught.value.message and caught.value.line > 0


def test_an_unknown_verksamhet_in_a_layout_stops_the_cli(tmp_path):
    layout = tmp_path / "fel.toml"
    layout.write_text('[[kolumner]]\nmatt = "utfall"\n\n[[rader]]\nnamn = "X"\nverksamhet = ["5799"]\n', encoding="utf-8")
    code, out = run("rapport", layout, "--per", "2026-10")
    assert code == 1 and f"{layout}:4: Verksamhet '5799' finns inte i kontoplanen" in out


def test_resultatrakning_with_ackumulerat_resultat_and_a_kommunbidrag_column(tmp_path):
    """The example's resultaträkning: the eget kapital row equals `namndbok eget-kapital`."""
    code, out = run("rapport", "resultatrakning", "--per", "2026-10", "--format", "csv")
    assert code == 0, out
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(out), delimiter=";")}
    # Bokslut 2025, budget 2026, utfall per oktober, prognos 2026 (mnkr).
    assert rows["Ackumulerat resultat (inklusive årets resultat)"][:4] == ["-15,1", "-15,1", "-19,4", "-26,0"]
    assert rows["Årets resultat"][:4] == ["4,9", "0,0", "-4,3", "-10,9"]
    layout = tmp_path / "kb.toml"
    layout.write_text('typ = ["kommunbidrag", "intäkt", "kostnad"]\n\n[[kolumner]]\nrubrik = "Kommunbidrag"\nmatt = "utfall"\n'
                      'typ = ["kommunbidrag"]\n\n[[kolumner]]\nrubrik = "Resultat"\nmatt = "utfall"\n\n'
                      '[[rader]]\nen_rad_per = "radgrupp"\n\n[[rader]]\nnamn = "Nämnden totalt"\nsumma = "alla"\n', encoding="utf-8")
    code, out = run("rapport", layout, "--per", "2025-12", "--format", "csv")
    assert code == 0, out
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(out), delimiter=";")}
    assert rows["Nämnden totalt"] == ["919,0", "4,9"]
    assert rows["Vård och omsorg om personer med funktionsnedsättning"] == ["", "-3,8"]  # no kommunbidrag at all


def test_period_close_writes_the_set_once_and_refuses_an_unready_period(example_copy, tmp_path):
    ledger = example_copy
    copy = ledger.parent
    code, out = run("period-close", "2026-08", ledger)
    assert code == 0, out
    folder = copy / "rapporter" / "2026-08"
    names = sorted(p.name for p in folder.iterdir())
    layouts = sorted(p.stem for p in (copy / "layouter").glob("*.toml"))
    assert len(layouts) >= 5
    assert names == sorted(["README.md", "avvikelser.md", "eget-kapital.md", "budgetbeslut.md", "rapport.html", "rapport.pdf",
                            "nyckeltal.md", "nyckeltal.csv"] + [f"{s}.{e}" for s in layouts for e in ("md", "csv", "xlsx")])
    total = 8 + 3 * len(layouts)
    assert f"{total} filer" in out and f"({total} ändrade)" in out
    code, out = run("period-close", "2026-08", ledger)
    assert code == 0 and "(0 ändrade)" in out
    # The PDF renders and holds the tables' text; the page fetches nothing.
    import subprocess

    text = subprocess.run(["pdftotext", str(folder / "rapport.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    _, table = run("rapport", "driftredovisning", ledger, "--per", "2026-08", "--format", "csv")
    netto = [r for r in csv.reader(io.StringIO(table), delimiter=";") if r[0] == "Nettokostnader"][0]
    assert "Driftsredovisning" in text and "Nettokostnader" in text
    assert netto[1] in text and netto[4] in text  # utfall per august and budget helår, as printed
    pages = subprocess.run(["pdftoppm", "-r", "20", "-png", str(folder / "rapport.pdf"), str(tmp_path / "sida")], check=True)
    assert pages.returncode == 0 and len(list(tmp_path.glob("sida*.png"))) >= 2
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    assert "<script" not in html
    for fetch in ('src="http', "src='http", 'href="http', "url(http", "@import"):
        assert fetch not in html  # nothing is fetched (namespace declarations are not requests)
    assert html.count("<svg") == 3
    sheet = load_workbook(folder / "driftredovisning.xlsx").active
    assert isinstance(sheet["B4"].value, float) and sheet["A4"].value == "Nettokostnader"
    # A changed page without a new PDF: the old PDF (of the old page) is removed, and counted as a change.
    layout = copy / "layouter" / "driftredovisning.toml"
    layout.write_text(layout.read_text(encoding="utf-8").replace('namn = "Driftsredovisning"', 'namn = "Drift"'), encoding="utf-8")
    code, out = run("period-close", "2026-08", ledger, "--utan-pdf")
    assert code == 0 and not (folder / "rapport.pdf").exists(), out
    # the page, the PDF, the table's Markdown and XLSX (its CSV has no title) and the index
    assert re.search(r"filer i .* \((\d+) ändrade\)", out)[1] == "5"
    # July had no follow-up; December has no utfall yet.
    code, out = run("period-close", "2026-07", ledger)
    assert code == 1 and "Ingen prognos är gjord för uppföljningen per 2026-07-31" in out
    code, out = run("period-close", "2026-12", ledger)
    assert code == 1 and "Utfall saknas för november, december 2026" in out


def test_one_row_per_verksamhet_only_within_the_rows_selection(tmp_path):
    layout = tmp_path / "vuxen.toml"
    layout.write_text('[[kolumner]]\nmatt = "utfall"\n\n[[rader]]\nen_rad_per = "verksamhet"\n'
                      'radgrupp = ["Missbrukarvård och övrig vård för vuxna"]\n', encoding="utf-8")
    code, out = run("rapport", layout, EXAMPLE_DIR / "socialnamnden.beancount", "--per", "2026-10", "--format", "csv")
    assert code == 0, out
    assert [r[0] for r in csv.reader(io.StringIO(out), delimiter=";")][1:] == [
        "571 Missbrukarvård för vuxna", "572 Övrig vård för vuxna"]


def test_resultat_per_verksamhet_adds_up_to_the_nämnds_result():
    code, out = run("rapport", "resultat-per-verksamhet", "--per", "2026-10", "--format", "csv")
    assert code == 0, out
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(out), delimiter=";")}
    _, drift = run("rapport", "resultatrakning", "--per", "2026-10", "--format", "csv")
    result = {r[0]: r[1:] for r in csv.reader(io.StringIO(drift), delimiter=";")}["Årets resultat"]
    assert rows["Nämnden totalt"][1:3] == result[2:4]  # utfall per oktober and prognos, as the resultaträkning
    assert rows["Ej fördelat på verksamhet"][0] == "-10,0"  # year 2 of the repayment plan, on the nämnd


def test_period_close_without_chromium_writes_the_rest_and_says_what_to_install(example_copy, monkeypatch):
    import namndbok.export.html

    copy = example_copy.parent
    monkeypatch.setattr(namndbok.export.html.shutil, "which", lambda name: None)
    code, out = run("period-close", "2026-08", example_copy)
    assert code == 1
    assert "PDF kräver Chromium" in out and "chromium-headless-shell" in out and "Traceback" not in out
    folder = copy / "rapporter" / "2026-08"
    assert (folder / "rapport.html").exists() and (folder / "driftredovisning.xlsx").exists()
    assert not (folder / "rapport.pdf").exists()


def test_the_pdf_printer_prefers_the_headless_shell(monkeypatch):
    import namndbok.export.html

    found = {"chromium-headless-shell": "/usr/bin/chromium-headless-shell", "chromium": "/usr/bin/chromium"}
    monkeypatch.setattr(namndbok.export.html.shutil, "which", found.get)
    assert namndbok.export.html.chromium() == "/usr/bin/chromium-headless-shell"
    del found["chromium-headless-shell"]
    assert namndbok.export.html.chromium() == "/usr/bin/chromium"


def _replace(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _cells(line: str) -> list[str]:
    """A Markdown table row's cells: split at every | that no backslash escapes."""
    return re.split(r"(?<!\\)\|", line.strip())[1:-1]


def test_period_close_markdown_shows_markup_from_the_ledger_as_text(example_copy):
    """A kontoplan name, a comment, a layout row and a nyckeltal named like markup are escaped in every
    Markdown file (<, >, & as entities; | in a table cell as \\|), so a viewer shows them and runs nothing."""
    folder = example_copy.parent
    _replace(folder / "kontoplan.toml", 'namn = "Insatser enligt LSS"', 'namn = "<script>alert(1)</script> | LSS"')
    _replace(folder / "kommentarer" / "2026-10.toml", '"572" = "Lägre', '"572" = "<img src=x onerror=alert(2)> & lägre')
    _replace(folder / "layouter" / "resultat-per-verksamhet.toml", 'namn = "Politisk verksamhet"',
             'namn = "Politisk <i>verksamhet</i> | & mer"')
    _replace(folder / "nyckeltal.toml", 'namn = "Kostnad per vårddygn på institution"', 'namn = "<b>Kostnad</b> | per dygn"')
    code, out = run("period-close", "2026-10", example_copy, "--utan-pdf")
    assert code == 0, out
    written = folder / "rapporter" / "2026-10"
    deviations = (written / "avvikelser.md").read_text(encoding="utf-8")
    assert "- 550 &lt;script&gt;alert(1)&lt;/script&gt; | LSS -4,0 mnkr" in deviations
    assert "&lt;img src=x onerror=alert(2)&gt; &amp; lägre kostnad" in deviations
    table = (written / "resultat-per-verksamhet.md").read_text(encoding="utf-8").splitlines()
    assert "| Politisk &lt;i&gt;verksamhet&lt;/i&gt; \\| &amp; mer | 5,6 |" in table[4]
    nyckeltal = (written / "nyckeltal.md").read_text(encoding="utf-8").splitlines()
    assert "| 5731 | &lt;b&gt;Kostnad&lt;/b&gt; \\| per dygn | 199 180 |" in nyckeltal[4]
    for lines in (table, nyckeltal):
        rows = [line for line in lines if line.startswith("|")]
        assert {len(_cells(line)) for line in rows} == {len(_cells(rows[0]))}  # no cell split by a name
    for md in written.glob("*.md"):
        text = md.read_text(encoding="utf-8")
        assert "<" not in text and ">" not in text, md.name
