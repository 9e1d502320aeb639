"""The layout language (docs/layouter.md): titles in every format, the unit, header placeholders,
0 on named rows, utom_konto, `namndbok layout lista/visa`, and the doc held to the schema."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from conftest import EXAMPLE_DIR, REPO, run


def _replace(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _csv(out: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out), delimiter=";"))


def test_a_title_excel_forbids_in_sheet_names_works_in_every_format(example_copy):
    """`:` / ? * [ ] and more than 31 characters are refused by Excel in a sheet name: the
    sheet gets a cleaned name, every other format keeps the title as written."""
    layouter = example_copy.parent / "layouter"
    title = "Drift: helår/prognos? [*] med en mycket lång titel"
    _replace(layouter / "driftredovisning.toml", 'namn = "Driftsredovisning"', f'namn = "{title}"')
    code, out = run("period-close", "2026-08", example_copy, "--utan-pdf")
    assert code == 0 and "Traceback" not in out, out
    folder = example_copy.parent / "rapporter" / "2026-08"
    sheet = load_workbook(folder / "driftredovisning.xlsx").active
    assert len(sheet.title) <= 31 and not set(sheet.title) & set(":/\\?*[]"), sheet.title
    assert sheet.title.startswith("Drift")
    assert title in (folder / "driftredovisning.md").read_text(encoding="utf-8")
    assert title in (folder / "rapport.html").read_text(encoding="utf-8")
    assert title in (folder / "README.md").read_text(encoding="utf-8")


def test_the_html_states_each_tables_own_unit(example_copy):
    layouter = example_copy.parent / "layouter"
    _replace(layouter / "investeringar.toml", 'enhet = "mnkr"', 'enhet = "tkr"')
    code, out = run("period-close", "2026-08", example_copy, "--utan-pdf")
    assert code == 0, out
    html = (example_copy.parent / "rapporter" / "2026-08" / "rapport.html").read_text(encoding="utf-8")
    invest = html[html.index("<h2>Investeringar"):]
    invest = invest[:invest.index("</table>")]
    assert "Belopp i tkr" in invest, invest[:300]
    drift = html[html.index("<h2>Driftsredovisning"):]
    assert "Belopp i mnkr" in drift[:drift.index("</table>")]


def _layout(tmp_path, text: str, name: str = "l.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_column_headers_take_the_date_and_period_placeholders(tmp_path):
    layout = _layout(tmp_path, 'rubrik = "Mnkr {ar}"\n\n[[kolumner]]\nrubrik = "Utfall {datum}"\nmatt = "utfall"\n\n'
                     '[[kolumner]]\nrubrik = "Prognos {datum} ({period})"\nmatt = "prognos"\nper = "08"\n\n'
                     '[[kolumner]]\nrubrik = "Bokslut {foregaende_ar}"\nmatt = "utfall_fg_helar"\n\n'
                     '[[rader]]\nnamn = "Kostnader"\ntyp = ["kostnad"]\n')
    code, out = run("rapport", layout, EXAMPLE_DIR / "socialnamnden.beancount", "--per", "2026-10", "--format", "csv")
    assert code == 0, out
    assert _csv(out)[0] == ["Mnkr 2026", "Utfall 2026-10-31", "Prognos 2026-08-31 (okt 2026)", "Bokslut 2025"]


def test_an_unknown_placeholder_is_refused_at_its_line(tmp_path):
    layout = _layout(tmp_path, '[[kolumner]]\nmatt = "utfall"\n\n[[kolumner]]\nrubrik = "Utfall {manad}"\nmatt = "utfall"\n\n'
                     '[[rader]]\nnamn = "Kostnader"\n')
    code, out = run("rapport", layout, EXAMPLE_DIR / "socialnamnden.beancount", "--per", "2026-10", "--format", "csv")
    assert code == 1 and "Traceback" not in out, out
    assert f"{layout}:5: Rubriken \"Utfall {{manad}}\" har {{manad}}, som inte finns" in out and "{datum}" in out


def test_a_named_row_with_nothing_booked_prints_0_unless_the_layout_asks_for_blank(tmp_path):
    """The example's resultaträkning has no disposition of ackumulerat resultat in 2026: the named row
    prints 0 in every column, as committees print it; `tom = "blank"` (on the row or the layout) keeps it blank."""
    code, out = run("rapport", "resultatrakning", EXAMPLE_DIR / "socialnamnden.beancount", "--per", "2026-10", "--format", "csv")
    assert code == 0, out
    rows = {r[0]: r[1:] for r in _csv(out)}
    assert rows["Ianspråktagande av ackumulerat resultat"] == ["0,0"] * 5
    assert rows["Summa intäkter"][:4] == ["1002,9", "1013,0", "839,6", "1012,6"]  # the 0 adds nothing
    assert rows["Ackumulerat resultat (inklusive årets resultat)"][4] == ""  # eget kapital has no avvikelse
    text = ('[[kolumner]]\nmatt = "utfall"\n\n[[kolumner]]\nmatt = "avvikelse_helar_pct"\n\n'
            '[[rader]]\nnamn = "Disposition"\ntyp = ["disposition"]\n\n'
            '[[rader]]\nnamn = "Disposition, blank"\ntyp = ["disposition"]\ntom = "blank"\n\n'
            '[[rader]]\nen_rad_per = "radgrupp"\ntyp = ["disposition"]\n')
    code, out = run("rapport", _layout(tmp_path, text), EXAMPLE_DIR / "socialnamnden.beancount", "--per", "2026-10", "--format", "csv")
    assert code == 0, out
    rows = {r[0]: r[1:] for r in _csv(out)}
    assert rows["Disposition"] == ["0,0", ""]  # a percentage of nothing stays empty
    assert rows["Disposition, blank"] == ["", ""]
    assert rows["Politisk verksamhet"] == ["", ""]  # a row per group keeps an empty group blank
    code, out = run("rapport", _layout(tmp_path, 'tom = "blank"\n' + text, "b.toml"), EXAMPLE_DIR / "socialnamnden.beancount",
                    "--per", "2026-10", "--format", "csv")
    assert code == 0 and {r[0]: r[1:] for r in _csv(out)}["Disposition"] == ["", ""], out
    code, out = run("rapport", _layout(tmp_path, text.replace('tom = "blank"', 'tom = "noll"'), "f.toml"),
                    EXAMPLE_DIR / "socialnamnden.beancount", "--per", "2026-10")
    assert code == 1 and ':14: tom = "noll" finns inte' in out, out


def test_utom_konto_keeps_an_account_on_its_own_row_out_of_the_others(tmp_path):
    """Köp av institutionsvård (4610) on its own row; "Övriga kostnader" leaves it out, so the two add up
    to all kostnader and Summa kostnader counts 4610 once."""
    text = ('[[kolumner]]\nmatt = "utfall"\n\n[[kolumner]]\nmatt = "prognos"\n\n'
            '[[rader]]\nnamn = "Alla kostnader"\ntyp = ["kostnad"]\n\n'
            '[[rader]]\nnamn = "Köp av institutionsvård"\ntyp = ["kostnad"]\nkonto = ["4610"]\n\n'
            '[[rader]]\nnamn = "Övriga kostnader"\ntyp = ["kostnad"]\nutom_konto = ["4610"]\n\n'
            '[[rader]]\nnamn = "Summa kostnader"\nsumma = ["Köp av institutionsvård", "Övriga kostnader"]\n')
    code, out = run("rapport", _layout(tmp_path, text), EXAMPLE_DIR / "socialnamnden.beancount", "--per", "2026-10", "--format", "csv")
    assert code == 0, out
    rows = {r[0]: r[1:] for r in _csv(out)}
    assert rows["Köp av institutionsvård"][0] not in ("", "0,0")
    assert rows["Övriga kostnader"] != rows["Alla kostnader"]
    assert rows["Summa kostnader"] == rows["Alla kostnader"]
    code, out = run("rapport", _layout(tmp_path, text.replace('utom_konto = ["4610"]', 'utom_konto = ["4699"]'), "f.toml"),
                    EXAMPLE_DIR / "socialnamnden.beancount", "--per", "2026-10")
    assert code == 1 and ":19: Konto '4699' finns inte i kontoplanen" in out, out


def test_layout_lista_and_visa_and_an_unknown_name_lists_the_layouts(example_copy):
    layouter = example_copy.parent / "layouter"
    names = sorted(p.stem for p in layouter.glob("*.toml"))
    code, out = run("layout", "lista", example_copy)
    assert code == 0, out
    assert [line.split(":")[0] for line in out.splitlines()] == names
    assert "driftredovisning: Driftsredovisning (mnkr, 1 decimal, 7 kolumner, 3 rader)" in out
    code, out = run("layout", "visa", "resultat-per-verksamhet", example_copy)
    assert code == 0, out
    assert "Kommunbidrag {ar}: budget_helar, typ kommunbidrag" in out
    assert "Barn- och ungdomsvård: typ kommunbidrag, intäkt, kostnad; radgrupp Barn- och ungdomsvård; utom verksamhet 550" in out
    assert "Ej fördelat på verksamhet: typ kommunbidrag, intäkt, kostnad; ofördelat (ingen verksamhet)" in out
    assert "Nämnden totalt [fet]: summa av raderna ovanför" in out
    for args in (("rapport", "drift", example_copy, "--per", "2026-08"), ("layout", "visa", "drift", example_copy)):
        code, out = run(*args)
        assert code == 1 and "Traceback" not in out, out
        assert "drift.toml" in out and f"de som finns: {', '.join(names)}" in out
    code, out = run("rapport", example_copy.parent / "saknas.toml", example_copy, "--per", "2026-08")
    assert code == 1 and "saknas.toml: Layouten finns inte. Kontrollera sökvägen" in out and "de som finns: driftredovisning" in out, out
    # A layout with an error is listed with it, and the listing fails.
    (layouter / "trasig.toml").write_text('[[kolumner]]\nmatt = "utfallet"\n', encoding="utf-8")
    code, out = run("layout", "lista", example_copy)
    assert code == 1 and "trasig: FEL" in out and 'matt = "utfallet", som inte finns' in out, out
    assert "driftredovisning: Driftsredovisning" in out


def test_the_doc_describes_every_key_measure_and_placeholder_and_its_example_runs(tmp_path):
    """docs/layouter.md is held to namndbok/layout.py: every key a layout, a column and a row accept,
    every measure and every header placeholder has its table row; the doc's example layout runs."""
    import re

    from namndbok.engine import MEASURES
    from namndbok.layout import COLUMN_KEYS, LAYOUT_KEYS, PLACEHOLDERS, ROW_KEYS

    doc = (REPO / "docs" / "layouter.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", doc, flags=re.M)
    by_title = {section.split("\n", 1)[0]: section for section in sections}
    for title, keys in (("Layoutens nycklar", LAYOUT_KEYS), ("Kolumnernas nycklar (`[[kolumner]]`)", COLUMN_KEYS | set(MEASURES) | {"{" + p + "}" for p in PLACEHOLDERS}),
                        ("Radernas nycklar (`[[rader]]`)", ROW_KEYS)):
        missing = [key for key in sorted(keys) if f"| `{key}` |" not in by_title[title]]
        assert missing == [], (title, missing)
    example = re.search(r"```toml\n(.*?)```", doc, re.S).group(1)
    code, out = run("rapport", _layout(tmp_path, example), EXAMPLE_DIR / "socialnamnden.beancount", "--per", "2026-10", "--format", "csv")
    assert code == 0, out
    table = _csv(out)
    assert table[0] == ["Mnkr", "Bokslut 2025", "Utfall 2026-10-31", "Prognos 2026"]
    assert [r[0] for r in table[1:]] == ["Kommunbidrag", "Verksamhetens intäkter", "Köp av institutionsvård", "Övriga kostnader",
                                         "Årets resultat", "Ackumulerat resultat (inklusive årets resultat)"]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/layouter.md" in readme and len(readme) <= 15_000


def test_a_period_close_that_fails_midway_writes_no_file(example_copy):
    """Every file of the set is made before any is written: a nyckeltal.toml with an error (read after the
    page was written, before) stops period-close with its line and leaves no rapport.html behind."""
    _replace(example_copy.parent / "nyckeltal.toml", 'enhet = "vårddygn"', 'enhet = ["vårddygn"]')
    code, out = run("period-close", "2026-08", example_copy, "--utan-pdf")
    assert code == 1 and "Traceback" not in out, out
    assert "nyckeltal.toml:" in out
    folder = example_copy.parent / "rapporter" / "2026-08"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_every_title_gives_a_sheet_name_excel_takes():
    import pytest
    from openpyxl import Workbook

    from namndbok.export.report_files import sheet_name

    for title in ("Drift: helår", "a/b\\c?d*e[f]g", "'citat'", "'", "   ", ":" * 40, "Å" * 40, "Resultat 2026 – 08 ' ", "x" * 31):
        name = sheet_name(title)
        Workbook().active.title = name  # openpyxl raises ValueError on a name Excel refuses
        assert 0 < len(name) <= 31 and not name.startswith("'") and not name.endswith("'"), (title, name)
    assert sheet_name("Driftsredovisning") == "Driftsredovisning"
    with pytest.raises(ValueError):
        Workbook().active.title = "Drift: helår"  # what the layout's title did before
