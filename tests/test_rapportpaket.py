"""The report set as data (rapportpaket.toml): which layouts in which order, how the deviation
list is made, the nyckeltal in the HTML page; a bad setting refused at its line."""

from __future__ import annotations

import re

import pytest

from namndbok.avvikelser import DeviationStyle
from namndbok.kontoplan import load_kontoplan
from namndbok.rapportpaket import FILE, load_report_set

from conftest import EXAMPLE_DIR, run

PERIOD = "2026-10"


def close(ledger, settings: str | None = None) -> str:
    """period-close PERIOD (no PDF) with `settings` as rapportpaket.toml: the folder's path."""
    if settings is not None:
        (ledger.parent / FILE).write_text(settings, encoding="utf-8")
    code, out = run("period-close", PERIOD, ledger, "--utan-pdf")
    assert code == 0, out
    return ledger.parent / "rapporter" / PERIOD


def deviation_lines(folder) -> list[str]:
    text = (folder / "avvikelser.md").read_text(encoding="utf-8")
    return [line[2:] for line in text.splitlines() if line.startswith("- ")]


def test_the_layouts_and_their_order_follow_the_file(example_copy):
    folder = close(example_copy, 'layouter = [\n  "resultatrakning",\n  "driftredovisning",\n]\n')
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    titles = re.findall(r"<h2>([^<]*)</h2>", html)
    assert titles[:3] == ["Resultaträkning", "Driftsredovisning", "Avvikelser"]
    assert not (folder / "nettokostnader.md").exists() and not (folder / "investeringar.xlsx").exists()
    index = (folder / "README.md").read_text(encoding="utf-8")
    assert index.index("resultatrakning.md") < index.index("driftredovisning.md") and "nettokostnader" not in index


def test_without_the_file_every_layout_alphabetically(example_copy):
    assert not (example_copy.parent / FILE).exists()
    found = load_report_set(example_copy)
    assert [p.name for p in found.layouts] == sorted(p.name for p in (EXAMPLE_DIR / "layouter").glob("*.toml"))
    assert found.deviations == DeviationStyle()


UNIT_LEDGER = """
2025-12-10 custom "budgetbeslut" "Internbudget 2026"
  typ: "internbudget"
  beslut: "SN 2025-12-10 §150"
2026-01-01 custom "budgetrad" "Internbudget 2026" Intäkter:Socialnämnden:Kommunbidrag:571  -3000000.00 SEK
2026-01-01 custom "budgetrad" "Internbudget 2026" Kostnader:Socialnämnden:571:5020:3100  2000000.00 SEK
2026-01-01 custom "budgetrad" "Internbudget 2026" Kostnader:Socialnämnden:571:5020:3200  1000000.00 SEK
2026-01-31 * "Utfall januari"
  Kostnader:Socialnämnden:571:5020:3100  200000.00 SEK
  Kostnader:Socialnämnden:571:5020:3200  100000.00 SEK
  Tillgångar:Socialnämnden:1690
2026-01-31 custom "prognos" Kostnader:Socialnämnden:571:5020:3100  3200000.00 SEK
2026-01-31 custom "prognos" Kostnader:Socialnämnden:571:5020:3200  400000.00 SEK
"""


def test_the_list_per_ansvar_uses_the_units_comments(write_ledger):
    ledger, _, errors, _ = write_ledger(UNIT_LEDGER)
    assert errors == []
    (ledger.parent / "kommentarer").mkdir()
    (ledger.parent / "kommentarer" / "2026-01.toml").write_text(
        '[ansvar]\n"3100" = "Fler placeringar än budgeterat."\n[verksamhet]\n"571" = "Verksamhetens kommentar."\n', encoding="utf-8")
    (ledger.parent / FILE).write_text('[avvikelser]\nper = "ansvar"\n', encoding="utf-8")
    code, out = run("period-close", "2026-01", ledger, "--utan-pdf")
    assert code == 0, out
    folder = ledger.parent / "rapporter" / "2026-01"
    assert deviation_lines(folder) == ["3100 Utredningsenhet vuxen -1,2 mnkr. Fler placeringar än budgeterat.",
                                       "3200 Boendeenhet vuxen 0,6 mnkr"]
    assert "<li>3100 Utredningsenhet vuxen -1,2 mnkr. Fler placeringar än budgeterat.</li>" in (folder / "rapport.html").read_text(encoding="utf-8")


def _code(line: str) -> str | None:
    return line.split()[0] if line[0].isdigit() else None


@pytest.mark.parametrize("setting", ["troskel = 3", "troskel = 0.25", 'tecken = "+"', "koder = false",
                                     'ordning = "kontoplan"', "foregaende = false"])
def test_each_deviation_setting_changes_the_list_as_asked(example_copy, setting):
    default = deviation_lines(close(example_copy))
    assert len(default) >= 5 and all("(sep " in line for line in default)
    folder = close(example_copy, f"[avvikelser]\n{setting}\n")
    lines = deviation_lines(folder)
    heading = (folder / "avvikelser.md").read_text(encoding="utf-8").splitlines()[0]
    amount = re.compile(r" (-?[\d ]+,\d) mnkr")

    def size(line):
        return abs(float(amount.search(line)[1].replace(" ", "").replace(",", ".")))

    if setting == "troskel = 3":
        assert lines == [line for line in default if size(line) >= 3] and len(lines) < len(default)
        assert "(minst 3 mnkr" in heading
    elif setting == "troskel = 0.25":
        assert lines[:len(default)] == default and len(lines) > len(default)
        assert all(size(line) >= 0.2 for line in lines) and "(minst 0,25 mnkr" in heading
    elif setting == 'tecken = "+"':
        assert "571 Missbrukarvård för vuxna +6,0 mnkr (sep +5,7 mnkr). Lägre volymer av köpt institutionsvård för vuxna." in lines
        assert lines == [re.sub(r"(?<=[ (a-z] )(\d)", r"+\1", line.split(". ")[0]) + line[len(line.split(". ")[0]):]
                         for line in default]
    elif setting == "koder = false":
        assert "Missbrukarvård för vuxna 6,0 mnkr (sep 5,7 mnkr). Lägre volymer av köpt institutionsvård för vuxna." in lines
        assert lines == [line.split(" ", 1)[1] if _code(line) else line for line in default]
    elif setting == 'ordning = "kontoplan"':
        plan = list(load_kontoplan(example_copy.parent / "kontoplan.toml").verksamheter)
        codes = [_code(line) for line in lines if _code(line)]
        assert codes == sorted(codes, key=plan.index) and sorted(lines) == sorted(default) and lines != default
    else:
        assert lines == [re.sub(r" \(sep [^)]*\)", "", line) for line in default]
        assert "förra uppföljningen" not in heading


def test_the_nyckeltal_are_in_the_html_page(example_copy):
    folder = close(example_copy)
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    assert "<h2>Nyckeltal, tkr</h2>" in html
    table = [line for line in (folder / "nyckeltal.md").read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    assert len(table) >= 3
    for line in table[2:]:  # every nyckeltal (below the header and its rule), each cell as nyckeltal.md prints it
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>" in html
    (example_copy.parent / "nyckeltal.toml").unlink()
    html = (close(example_copy) / "rapport.html").read_text(encoding="utf-8")
    assert "Nyckeltal" not in html


@pytest.mark.parametrize("settings, line, fragment", [
    ('layouter = [\n  "resultatrakning",\n  "drift",\n]\n', 3,
     'Layouten "drift" finns inte; de som finns i '),
    ('layouter = ["resultatrakning", "resultatrakning"]\n', 1, 'Layouten "resultatrakning" står två gånger'),
    ('layouter = "driftredovisning"\n', 1, "layouter ska vara en lista av layoutnamn"),
    ('# kommentar\n[avvikelser]\nper = "enhet"\n', 3, 'per ska vara "verksamhet", "ansvar" eller "radgrupp", inte "enhet".'),
    ('[avvikelser]\ntroskel = "0,5"\n', 2, 'troskel är i mnkr och ska vara ett tal'),
    ('[avvikelser]\ntecken = "±"\n', 2, 'tecken ska vara "+"'),
    ('[avvikelser]\nkoder = "nej"\n', 2, "koder ska vara true"),
    ('[avvikelser]\n\nordning = "alfabetisk"\n', 3, 'ordning ska vara "kontoplan" eller "storlek"'),
    ('[avvikelser]\nforegaende = 1\n', 2, "foregaende ska vara true"),
    ('[avvikelser]\ngrupp = "ansvar"\n', 2, "Okänd nyckel grupp i [avvikelser]; tillåtna är per, troskel"),
    ('layout = ["driftredovisning"]\n', 1, "Okänd nyckel layout; tillåtna är layouter, avvikelser."),
    ('[avvikelser]\ntroskel = 0,5\n', 2, "Rapportpaketet är inte giltig TOML"),
])
def test_a_bad_setting_is_refused_at_its_line_and_nothing_is_written(example_copy, settings, line, fragment):
    (example_copy.parent / FILE).write_text(settings, encoding="utf-8")
    code, out = run("period-close", PERIOD, example_copy, "--utan-pdf")
    assert code == 1 and "Traceback" not in out
    assert f"{FILE}:{line}: {fragment}" in out, out
    if "finns inte" in fragment:
        assert "driftredovisning, investeringar, nettokostnader, resultat-per-verksamhet, resultatrakning" in out
    folder = example_copy.parent / "rapporter" / PERIOD
    assert not folder.exists() or not any(folder.iterdir())


def test_ny_writes_todays_set_as_the_default_file(tmp_path):
    code, out = run("ny", tmp_path / "barn")
    assert code == 0, out
    folder = tmp_path / "barn"
    text = (folder / FILE).read_text(encoding="utf-8")
    found = load_report_set(folder / "barn.beancount")
    assert found.deviations == DeviationStyle()
    assert [p.name for p in found.layouts] == sorted(p.name for p in (folder / "layouter").glob("*.toml"))
    names = ", ".join(f'"{p.stem}"' for p in found.layouts)
    assert f"# layouter = [{names}]" in text
