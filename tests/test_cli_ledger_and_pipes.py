"""The ledger on the command line (issue 19.5) and output that survives a pipe (issue 19.6).

Every command here is a real `python -m namndbok.scripts.cli` process, its output written to a
file (not a terminal) or read through a pipe, as a user's `namndbok … > fil.txt` is.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from conftest import EXAMPLE_DIR, EXAMPLE_LEDGER, REPO, contents, snapshot, start_fava
from namndbok.export.csv_excel import excel_cell
from test_jsisie_ux import COMMANDS as WITH_FILES, _inputs

# Variables that would make rich think it draws on a terminal, or name a ledger: not inherited.
NOT_INHERITED = {"FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "NAMNDBOK_LIGGARE"}


def namndbok(*args, cwd: Path, env: dict | None = None, out: Path | None = None) -> tuple[int, str, str]:
    """`namndbok ARGS` in a new process in `cwd`; stdout to the file `out` (else a pipe):
    (exit code, stdout, stderr)."""
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environment.update({"PYTHONPATH": str(REPO), **(env or {})})
    command = [sys.executable, "-m", "namndbok.scripts.cli", *map(str, args)]
    if out is None:
        done = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600)
        return done.returncode, done.stdout, done.stderr
    with open(out, "w", encoding="utf-8") as handle:
        done = subprocess.run(command, cwd=cwd, env=environment, stdout=handle, stderr=subprocess.PIPE, text=True, timeout=600)
    return done.returncode, out.read_bytes().decode("utf-8"), done.stderr  # its line ends as written


# ---------------------------------------------------------------- 19.6: output that survives a pipe

TABLES = {  # command → its arguments (and then the ledger)
    "uppfoljning": ["uppfoljning", "--per", "2026-10"],
    "uppfoljning verksamhet": ["uppfoljning", "--per", "2026-10", "--grupp", "verksamhet", "--enhet", "tkr"],
    "eget-kapital": ["eget-kapital", "--per", "2026-10"],
    "nyckeltal": ["nyckeltal", "--per", "2026-10"],
    "rapport": ["rapport", "driftredovisning", "--per", "2026-10"],
}


def cells_of(line: str) -> list[str]:
    """A plain table line's cells (columns are two or more spaces apart; empty cells vanish)."""
    return re.split(r"\s{2,}", line.strip())


@pytest.mark.parametrize("name", TABLES)
def test_a_table_to_a_file_keeps_each_row_on_one_line_with_the_csv_numbers(tmp_path, name):
    """`namndbok uppfoljning > fil.txt` wrapped the table at 80 columns into a column of word
    fragments; now each row is one full line, with the same cells as `--format csv`."""
    args = [*TABLES[name], EXAMPLE_LEDGER]
    code, text, err = namndbok(*args, cwd=tmp_path, out=tmp_path / "tabell.txt")
    assert code == 0, err
    assert "┃" not in text and "│" not in text and "…" not in text, text  # no box drawn to 80 columns
    code, table, err = namndbok(*args, "--format", "csv", cwd=tmp_path)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(table), delimiter=";"))
    assert len(rows) > 2 and all(len(row) == len(rows[0]) for row in rows)
    lines = text.splitlines()
    assert cells_of(lines[1]) == [c for c in rows[0] if c]  # the header: one line
    for row in rows[1:]:
        found = [line for line in lines if line.startswith(row[0] + "  ")]
        assert len(found) == 1, (row[0], text)
        assert [excel_cell(c) for c in cells_of(found[0])] == [c for c in row if c], (row, found[0])
    assert len(lines) == len(rows) + 1  # the title, the header and a line per row: nothing wrapped


def test_uppfoljning_csv_has_the_engines_figures(tmp_path):
    """--format csv parsed back gives the engine's printed cells for every row, the total last."""
    from namndbok.engine import compute
    from namndbok.ledgerdata import read_ledger
    from namndbok.loading import load
    from namndbok.scripts.periods import parse_period
    from namndbok.scripts.uppfoljning import KIND_CHOICES, cells, headers

    code, table, err = namndbok("uppfoljning", "-f", EXAMPLE_LEDGER, "--per", "2026-10", "--enhet", "tkr", "--format", "csv",
                                cwd=tmp_path, out=tmp_path / "uppfoljning.csv")
    assert code == 0, err
    entries, _, options = load(EXAMPLE_LEDGER)
    engine = compute(read_ledger(entries, options), parse_period("2026-10"), group_by=("radgrupp",),
                     kinds=KIND_CHOICES["netto"])
    rows = list(csv.reader(io.StringIO(table), delimiter=";"))
    assert rows[0] == ["Tkr", *headers(engine)]
    assert rows[1:] == [[excel_cell(c) for c in row] for row in cells(engine, "tkr", 1, "Nettokostnader")]
    # Every number as Swedish Excel reads one: decimal comma, no thousands space ('-1023,4', '-4%').
    numbers = [cell for row in rows[1:] for cell in row[1:] if cell]
    assert numbers and all(re.fullmatch(r"-?\d+(,\d+)?%?", cell) for cell in numbers), numbers
    assert any(re.fullmatch(r"-?\d{4,},\d", cell) for cell in numbers)  # thousands of tkr are there, unspaced
    assert table.endswith("\r\n") and "\r\n\r\n" not in table  # CRLF lines, as Excel writes them


@pytest.mark.parametrize("command", ["uppfoljning", "eget-kapital", "nyckeltal"])
def test_markdown_is_a_table_with_every_row(tmp_path, command):
    args = [*TABLES[command], "-f", EXAMPLE_LEDGER]
    code, table, err = namndbok(*args, "--format", "csv", cwd=tmp_path)
    assert code == 0, err
    code, text, err = namndbok(*args, "--format", "markdown", cwd=tmp_path)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(table), delimiter=";"))
    lines = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    assert len(lines) == len(rows)
    labels = [line.split(" | ")[0].removeprefix("| ").strip("*") for line in lines]
    assert labels == [row[0] for row in rows]


def test_bokslut_csv_is_the_table_alone(example_copy, tmp_path):
    """What bokslut did goes to stderr with --format csv: stdout parses as the equity table."""
    code, table, err = namndbok("bokslut", "2025", "-f", example_copy, "--format", "csv", cwd=tmp_path)
    assert code == 0, err
    assert "Bokslutet för 2025 var redan gjort och stämmer" in err
    rows = list(csv.reader(io.StringIO(table), delimiter=";"))
    assert rows[0][0] == "Mnkr" and rows[-1][0].startswith("Utgående eget kapital") and len(rows[-1]) == len(rows[0])


def test_on_a_terminal_the_table_is_still_drawn_by_rich(tmp_path):
    code, text, err = namndbok("uppfoljning", "-f", EXAMPLE_LEDGER, "--per", "2026-10", cwd=tmp_path,
                               env={"FORCE_COLOR": "1", "COLUMNS": "250"})
    assert code == 0, err
    assert "┃" in text and "Nettokostnader" in text


# ---------------------------------------------------------------- 19.5: the ledger on the command line

READING = {  # reading commands without files of their own (those with files: test_jsisie_ux.COMMANDS)
    "kontrollera": (["kontrollera", "L"], "poster, inga fel."),
    "uppfoljning": (["uppfoljning", "L", "--per", "2026-10"], "Nettokostnader"),
    "avvikelser": (["avvikelser", "L", "--per", "2026-10"], "- 571 Missbrukarvård för vuxna"),
    "nyckeltal": (["nyckeltal", "L", "--per", "2026-10"], "Kostnad per vårddygn på institution"),
    "eget-kapital": (["eget-kapital", "L", "--per", "2026-10"], "Utgående eget kapital"),
    "budgetbeslut": (["budgetbeslut", "L", "--ar", "2026"], "Justerat PO-pålägg 2026"),
    "investeringar": (["investeringar", "L", "--per", "2026-10"], "Utgifter"),
}
AGAIN = {"import": "Inget nytt", "import-budget": "finns redan med samma", "import-volymer": "1 fanns redan",
         "period-close": "är redan låst; inget ändrat"}  # what a writing command says the second time
WITH_LEDGER = {**READING, **{name: args for name, args in WITH_FILES.items() if "L" in args[0]}}


@pytest.mark.parametrize("command", [*WITH_LEDGER, "fava"])
def test_every_command_takes_f_relative_from_a_sibling_folder_and_finds_the_folders_ledger(example_copy, command):
    """`-f ../exempel/socialnamnden.beancount` from a sibling folder, and no ledger at all from the
    ledger's own folder (its main ledger, said on stderr), each in its own process."""
    folder = example_copy.parent
    sibling = folder.parent / "syskon"
    sibling.mkdir()
    _inputs(sibling, example_copy)
    _inputs(folder, example_copy)
    relative = f"../{folder.name}/{example_copy.name}"
    if command == "fava":
        _fava_answers(sibling, ["-f", relative], None)
        _fava_answers(folder, [], f"Liggare: {example_copy.name} (huvudliggaren i den här mappen)")
        return
    args, says = WITH_LEDGER[command]
    with_f = [a for arg in args for a in (["-f", relative] if arg == "L" else [arg.replace("E/", f"../{folder.name}/")])]
    code, out, err = namndbok(*with_f, cwd=sibling)
    assert code == 0 and says in out + err, out + err
    assert "Liggare:" not in err  # given: nothing to say
    says = AGAIN.get(command, says)
    without = [arg.replace("E/", "./") for arg in args if arg != "L"]
    code, out, err = namndbok(*without, cwd=folder)
    assert code == 0 and says in out + err, out + err
    assert f"Liggare: {example_copy.name} (huvudliggaren i den här mappen)" in err.splitlines()
    assert namndbok("kontrollera", "-f", relative, cwd=sibling)[0] == 0


def _fava_answers(here: Path, args: list[str], says: str | None) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    proc, url, said = start_fava(*args, cwd=here, env={**environment, "PYTHONPATH": str(REPO)})
    try:
        assert re.search(r"http://\S+/income_statement/", said), said
        assert says is None or says in said, said
        root = url.split("/", 3)
        page = urllib.request.urlopen(f"{root[0]}//{root[2]}/", timeout=60).read().decode("utf-8")
        assert "Socialnämnden" in page
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        proc.stdout.close()


WRITING = {  # writing commands, with what they would write to
    "import": ["import", "../exempel/import/sie-2026-11.se"],
    "import-budget": ["import-budget", "../exempel/2026/budget.beancount", "--namn", "B", "--beslut", "SN 1", "--ar", "2026"],
    "import-volymer": ["import-volymer", "volymer.csv"],
    "bokslut": ["bokslut", "2026"],
    "period-close": ["period-close", "2026-10", "--utan-pdf"],
}


@pytest.mark.parametrize("command", WRITING)
def test_a_writing_command_without_a_ledger_refuses_and_never_writes_the_example(example_copy, command):
    """From a folder without a ledger a writing command wrote into the repository's example."""
    here = example_copy.parent.parent / "tom"
    here.mkdir()
    (here / "volymer.csv").write_bytes("Verksamhet;Månad;Enhet;Antal\r\n5731;2027-01;vårddygn;2 712\r\n".encode("utf-8"))
    before = contents(snapshot(EXAMPLE_DIR))
    code, out, err = namndbok(*WRITING[command], cwd=here)
    assert code == 1, out + err
    assert f"Ingen liggare angiven, och ingen huvudliggare" in err and "-f FIL" in err and "NAMNDBOK_LIGGARE" in err, err
    assert "aldrig exempelnämnden" in err
    assert contents(snapshot(EXAMPLE_DIR)) == before and sorted(p.name for p in here.iterdir()) == ["volymer.csv"]


def test_a_reading_command_without_a_ledger_shows_the_example_and_says_so_on_stderr(tmp_path):
    code, out, err = namndbok("eget-kapital", "--per", "2026-10", "--format", "csv", cwd=tmp_path)
    assert code == 0, err
    assert err.splitlines()[0] == f"Liggare: {EXAMPLE_LEDGER} (exempelnämnden: ingen liggare angiven och ingen i den här mappen)"
    assert "Liggare" not in out and out.startswith("Mnkr;")  # the piped output is the table alone


def test_namndbok_liggare_names_the_ledger(example_copy, tmp_path):
    relative = os.path.relpath(example_copy, tmp_path)
    code, out, err = namndbok("kontrollera", cwd=tmp_path, env={"NAMNDBOK_LIGGARE": relative})
    assert code == 0 and f"{example_copy}: " in out, out + err
    assert "Liggare: exempel/socialnamnden.beancount (från NAMNDBOK_LIGGARE)" in err  # as shown(): below the folder
    code, out, err = namndbok("kontrollera", cwd=tmp_path, env={"NAMNDBOK_LIGGARE": "fel.beancount"})
    assert code == 1 and "Hittar inte liggaren fel.beancount som NAMNDBOK_LIGGARE anger." in err, err
    code, out, err = namndbok("kontrollera", EXAMPLE_LEDGER, cwd=tmp_path, env={"NAMNDBOK_LIGGARE": relative})
    assert code == 0 and f"{EXAMPLE_LEDGER}: " in out and "Liggare:" not in err  # the command line wins


def test_two_main_ledgers_in_the_folder_are_named_and_refused(example_copy):
    folder = example_copy.parent
    (folder / "kopia.beancount").write_text(example_copy.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = namndbok("uppfoljning", "--per", "2026-10", cwd=folder)
    assert code == 1 and f"Mappen {folder} har flera huvudliggare: kopia.beancount, socialnamnden.beancount." in err, err
    assert "-f FIL" in err and out == ""


def test_the_ledger_given_twice_differently_is_refused(example_copy, tmp_path):
    code, out, err = namndbok("kontrollera", example_copy, "-f", EXAMPLE_LEDGER, cwd=tmp_path)
    assert code == 1 and "Liggaren anges två gånger" in err, err
    assert namndbok("kontrollera", example_copy, "-f", example_copy, cwd=tmp_path)[0] == 0


def test_the_folders_main_ledger_is_the_file_with_options_or_our_plugins():
    """Included files beside the main file (fixture 003: budget, prognos, utfall) are not candidates."""
    from namndbok.scripts.ledger_choice import choose, main_ledgers

    folder = REPO / "tests" / "fixtures" / "ledger003"
    assert main_ledgers(folder) == [folder / "main.beancount"]
    chosen = choose(None, None, folder, None, environment={})
    assert chosen.path == folder / "main.beancount" and chosen.found == "huvudliggaren i den här mappen"
