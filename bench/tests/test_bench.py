"""`python -m bench`: the figures come from real commands, a real import in a process of its own
and real HTTP requests to real Fava, each page checked to show its own table; they are written
into one generated file."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bench.fava import GOAL, INCOME, LedgerTimings, PageError, Timing, fetch, serving
from bench.kommando import CommandFigure, compare
from bench.kommunmatning import KommunFigure
from bench.rapport import SIE_GOAL, Figures, Head, report
from bench.sie import ImportFigure

from conftest import EXAMPLE_LEDGER, REPO

pytestmark = pytest.mark.slow

FAVA_PAGES = ["Översikt", "Budgetuppföljning", "Budgetuppföljning, 2026-03", "Prognos", "Eget kapital", "Nyckeltal", "Prognossäkerhet", "Budgetarbete",
              "Lämna prognos",
              "Resultaträkning (Fava)", "Resultaträkning (Fava), 2026-03", "Balansräkning (Fava)"]
NUMBER = r"\d[\d ]*(,\d+)?"


def _rows(text: str, heading: str) -> list[list[str]]:
    """The cells of the Markdown table that follows `heading` (without its header and alignment rows)."""
    block = text[text.index(heading):].split("\n\n")
    lines = next(b for b in block if b.startswith("| ")).splitlines()
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def test_the_quick_run_writes_every_figure_into_one_file_with_its_head(tmp_path):
    target = tmp_path / "RESULTAT.md"
    done = subprocess.run([sys.executable, "-m", "bench", "--snabb", "--ut", str(target)],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    text = target.read_text(encoding="utf-8")
    assert done.stdout == text  # the terminal shows what the file holds
    head = text.split("\n## ")[0]
    assert f"Genererad av `python -m bench --snabb --ut {target}` från projektets rot." in head
    assert re.search(r"^- Datum: \d{4}-\d\d-\d\d \d\d:\d\d UTC$", head, re.M)
    assert re.search(r"^- Commit: [0-9a-f]{7,}", head, re.M)
    assert re.search(r"^- Dator: .+, \d+ kärnor, .+Python 3", head, re.M)
    assert re.search(rf"^- Belastning \(1 minut\): {NUMBER} före, {NUMBER} efter$", head, re.M)

    commands = _rows(text, "## `namndbok uppfoljning` mot `bean-check`")
    assert [row[0] for row in commands] == ["Exempelnämnden", "Genererad nämnd, 1 000 SIE-rader detaljerat",
                                            "Genererad nämnd, 5 000 SIE-rader summerat"]
    for label, ours, theirs, ratio, cpu_ratio, goal in commands:
        assert re.fullmatch(NUMBER, ours) and re.fullmatch(NUMBER, theirs) and goal in ("nås", "nås inte")
        assert float(ratio.replace(",", ".")) > 0 and float(cpu_ratio.replace(",", ".")) > 0

    (sie,) = _rows(text, "## SIE-import, summerad")
    assert sie[0] == "5 000" and sie[-1] in ("nås", "nås inte")

    for heading in ("### Exempelnämnden (", "### Exempelnämnden + 1 000 genererade rader ("):
        pages = _rows(text, heading)
        assert [row[0] for row in pages] == FAVA_PAGES
        # Fava's income statements are the references: their own ratio is exactly 1.
        for row in pages:
            if row[0].startswith("Resultaträkning"):
                assert (row[2], row[4]) == ("1,00", "1,00")
    counts = [int(m.replace(" ", "")) for m in re.findall(r"### Exempelnämnden.* \((\d[\d ]*) poster\)", text)]
    assert counts[1] > counts[0] + 100  # the copy has the 1 000 generated rows (a hundred vouchers) on top

    kommun = _rows(text, "## Kommunen: 12 nämnder × 2 år, 5 000 SIE-rader summerat per import")
    assert [row[0] for row in kommun] == [
        "Läsa alla 12 liggare (`load_kommun`)", "Beancounts laddning av samma filer i en process (`loader.load_file`)",
        "Kommunens tabell efter läsningen (`kommun_table`)",
        "`namndbok kommun`, hela kommandot", "`namndbok period-close --kommun-katalog --utan-pdf`",
        "`namndbok period-close --kommun-katalog`, med PDF (en körning)"]
    seconds = [float(row[1].replace(",", ".")) for row in kommun]
    assert all(s > 0 for s in seconds)
    bean_check, ratio = (float(m.replace(",", ".")) for m in
                         re.fullmatch(r"bean-check (\d+,\d\d) s, kvot (\d+,\d\d)", kommun[0][2]).groups())
    assert bean_check > 0 and abs(ratio - round(seconds[0] / bean_check, 2)) <= 0.011
    beancount, load_ratio = seconds[1], float(kommun[1][2].removeprefix("läsningen / den: kvot ").replace(",", "."))
    assert abs(load_ratio - round(seconds[0] / beancount, 2)) <= 0.011
    assert kommun[0][4] in ("nås", "nås inte") and kommun[2][4] in ("nås", "nås inte")


def test_a_command_that_fails_is_an_error_naming_it_not_a_figure(write_ledger):
    ledger, *_ = write_ledger("2026-01-01 open Tillgångar:Kassa SEK\n2026-01-02 * \"x\"\n  Tillgångar:Kassa  5 SEK\n")
    with pytest.raises(RuntimeError, match=r"^(uppfoljning|bean-check) .+ misslyckades \(kod \d+\)"):
        compare("trasig", ledger, "2026-12", 1)


def test_a_page_without_its_table_is_refused_not_timed():
    with serving(EXAMPLE_LEDGER) as (base, _):
        fetch(base + "extension/Namndbok/?sida=prognos", 'id="prognos"')
        with pytest.raises(PageError, match="utan 'id=\"rapport\"'"):
            fetch(base + "extension/Namndbok/?sida=prognos", 'id="rapport"')
        with pytest.raises(PageError, match="svarade 404"):
            fetch(base + "extension/Finns-inte/", 'id="rapport"')


def _figures(command_ratio: float, rate: float, page_ratio: float) -> Figures:
    commands = [CommandFigure("Stor", command_ratio, 1.0, 2.0, 4.0)]
    sie = ImportFigure(1_000_000, "summerad", 47.1, 1_000_000 / rate, 4.0, 300)
    fava = [LedgerTimings("Stor", 10, [Timing("Prognos", 10 * page_ratio, page_ratio, 10, 1.0, True),
                                        Timing(INCOME, 10, 1.0, 10, 1.0, False)])]
    return Figures(commands, sie, fava)


def _kommun(read: float, bean_check: float, table: float) -> KommunFigure:
    return KommunFigure("Prov", 12, read, bean_check, 0.5, table, read + table + 1, 20.0, 40.0)


def test_the_kommun_goals_are_judged_from_the_figures():
    head = Head("python -m bench", "2026-12-04 23:00 UTC", "abc1234", "vm", (1.0, 2.0))
    met = _rows(report(head, _figures(1.0, SIE_GOAL, GOAL)._replace(kommun=_kommun(13.0, 10.0, 2.99))), "## Kommunen: Prov")
    assert met[0][1:] == ["13,00", "bean-check 10,00 s, kvot 1,30", "kvot högst 1,3", "nås"]
    assert met[1][1:] == ["0,50", "läsningen / den: kvot 26,00", "", ""]
    assert met[2][1:] == ["2,99", "", "under 3 s", "nås"]
    missed = _rows(report(head, _figures(1.0, SIE_GOAL, GOAL)._replace(kommun=_kommun(13.1, 10.0, 3.0))),
                   "## Kommunen: Prov")
    assert (missed[0][4], missed[2][4]) == ("nås inte", "nås inte")


def test_each_goal_is_judged_from_the_figures():
    head = Head("python -m bench", "2026-12-04 23:00 UTC", "abc1234", "vm", (1.0, 2.0))
    met = report(head, _figures(1.3, SIE_GOAL, GOAL))
    assert _rows(met, "## `namndbok uppfoljning`")[0][3:] == ["1,30", "0,50", "nås"]
    assert _rows(met, "## SIE-import")[0][4:] == ["200 000", "250 000", "300", "nås"]
    assert "Högsta kvot för Nämndboks sidor: 1,50 (nås)." in met
    missed = report(head, _figures(1.31, SIE_GOAL - 1, GOAL + 0.01))
    assert _rows(missed, "## `namndbok uppfoljning`")[0][3:] == ["1,31", "0,50", "nås inte"]
    assert _rows(missed, "## SIE-import")[0][-1] == "nås inte"
    assert "Högsta kvot för Nämndboks sidor: 1,51 (nås inte)." in missed
