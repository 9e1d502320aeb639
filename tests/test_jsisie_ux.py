"""What a new user meets with SIE files from other finance systems (issue 18, cases 8–10).

Case 8: `namndbok kontoplan FIL --ut kontoplan.toml` drafts a kontoplan that loads and
that `namndbok import` can use, also for a file without dimension 20 (every jsisie
file): it asks which dimension carries verksamhet, or with `--verksamhet ingen` puts
everything on one verksamhet it names; a dimension it leaves out is named.
Case 9: `namndbok import --torrkorning` shows per month and verksamhet what would change.
Case 10: every command that takes paths works from another folder with relative paths.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader

from namndbok.kontoplan import load_kontoplan

from conftest import ROOT_OPTIONS, SHARED, contents, run, snapshot

JSISIE = SHARED / "sie" / "jsisie"
needs_shared = pytest.mark.skipif(not JSISIE.is_dir(), reason="../shared/sie/jsisie finns inte (delade SIE-filer)")
SIE_FILES = sorted(p for p in JSISIE.iterdir() if p.suffix.lower() in (".se", ".si")) if JSISIE.is_dir() else []
SOME_SHARED = ["BLBLOV_SIE4.SE", "BLBLOV_SIE2.SE", "SIE_test_av_KST_projekt_Testbolaget_e - kopia.SE", "Arousells_Visning_AB.SE"]
if (SHARED / "sie").is_dir():
    SIE_FILES += [SHARED / "sie" / name for name in SOME_SHARED]
KONTOPLAN_FAULT = re.compile(r"kontoplan\.toml|koder som kontoplanen|saknar verksamhet")


def fresh_ledger(folder: Path) -> Path:
    """A new committee's main file beside the drafted kontoplan.toml (and its import.toml)."""
    ledger = folder / "main.beancount"
    ledger.write_text(ROOT_OPTIONS + 'option "operating_currency" "SEK"\nplugin "namndbok.plugins.kontoplan" "kontoplan.toml"\n', encoding="utf-8")
    return ledger


# ---------------------------------------------------------------- case 8: the kontoplan draft


@needs_shared
@pytest.mark.parametrize("path", SIE_FILES, ids=[p.name for p in SIE_FILES])
def test_the_drafted_kontoplan_loads_and_the_import_uses_it(tmp_path, path):
    target = tmp_path / "kontoplan.toml"
    code, out = run("kontoplan", path, "--ut", target)
    if code == 1 and "--verksamhet ingen" in out:
        # Asked, with the file's dimensions; nothing written. Take dimension 1 when offered, as an economist would.
        assert "har ingen dimension 20" in out and not target.exists(), out
        choice = "1" if "--verksamhet 1:" in out else "ingen"
        code, out = run("kontoplan", path, "--ut", target, "--verksamhet", choice)
    if code == 1 and not target.exists():
        assert re.search(rf"{re.escape(str(path))}:\d+: ", out), out  # a file the reader refuses: fil:rad
        return
    assert code == 0, out
    plan = load_kontoplan(target)
    assert plan.verksamheter and plan.konton
    ledger = fresh_ledger(tmp_path)
    entries, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    code, out = run("import", path, ledger, "--format", "sie")
    assert not KONTOPLAN_FAULT.search(out), out


@needs_shared
def test_a_file_without_dimension_20_is_asked_about_with_its_dimensions():
    code, out = run("kontoplan", JSISIE / "sie_4.SE")
    assert code == 1
    assert "--verksamhet 1: dimension 1 (Resultatenheter, 2 objekt)" in out
    assert "--verksamhet 7: dimension 7 (Medarbetare, 6 objekt)" in out
    assert "--verksamhet ingen: allt på en verksamhet, 000 Hela nämnden" in out


@needs_shared
def test_verksamhet_ingen_puts_everything_on_one_named_verksamhet(tmp_path):
    path = JSISIE / "typ4.se"
    target = tmp_path / "kontoplan.toml"
    code, out = run("kontoplan", path, "--ut", target, "--verksamhet", "ingen")
    assert code == 0, out
    assert "Allt bokförs på en verksamhet: 000 Hela nämnden." in out
    plan = load_kontoplan(target)
    assert {code: v.namn for code, v in plan.verksamheter.items()} == {"000": "Hela nämnden"}
    assert "Dimension 1 (Kostnadsställe, 4 objekt)" not in out  # ansvar takes dimension 1
    assert len(plan.ansvar) == 4  # dimension 1 as ansvar
    code, out = run("import", path, fresh_ledger(tmp_path), "--format", "sie")
    assert code == 0, out
    utfall = "".join(p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*/utfall/*.beancount")))
    assert ":000:" in utfall


@needs_shared
def test_a_dimension_left_out_is_named(tmp_path):
    path = SHARED / "sie" / "SIE_test_av_KST_projekt_Testbolaget_e - kopia.SE"
    code, out = run("kontoplan", path, "--ut", tmp_path / "kontoplan.toml", "--verksamhet", "1")
    assert code == 0, out
    assert "Dimension 2 (Kostnadsbärare, 3 objekt) finns i filen men tas inte med i kontoplanen" in out
    assert "Dimension 6" not in out  # projekt: the import carries it
    settings = (tmp_path / "import.toml").read_text(encoding="utf-8")
    assert 'verksamhet = "1"' in settings and 'projekt = "6"' in settings and 'ansvar = ""' in settings


@needs_shared
def test_a_file_with_no_dimensions_gets_one_verksamhet_without_asking(tmp_path):
    path = JSISIE / "BL0001_typ2.SE"
    code, out = run("kontoplan", path, "--ut", tmp_path / "kontoplan.toml")
    assert code == 0, out
    assert "000 Hela nämnden" in out
    assert list(load_kontoplan(tmp_path / "kontoplan.toml").verksamheter) == ["000"]


@needs_shared
def test_an_existing_import_toml_is_kept_and_the_difference_said(tmp_path):
    (tmp_path / "import.toml").write_text('[sie]\nverksamhet = "20"\n', encoding="utf-8")
    code, out = run("kontoplan", JSISIE / "sie_4.SE", "--ut", tmp_path / "kontoplan.toml", "--verksamhet", "1")
    assert code == 0, out
    assert (tmp_path / "import.toml").read_text(encoding="utf-8") == '[sie]\nverksamhet = "20"\n'
    assert "import.toml finns redan och läser filen på annat sätt än utkastet" in out and 'verksamhet = "1"' in out


# ---------------------------------------------------------------- case 9: what a dry run shows


def generated_sie(folder: Path, ledger: Path) -> Path:
    from namndbok.importers.sie.writer import generate_sie

    path = folder / "utfall-2027.se"
    generate_sie(path, 200, load_kontoplan(ledger.parent / "kontoplan.toml"), year=2027)
    return path


def held_per_month_and_verksamhet(ledger: Path, kalla: str) -> dict[tuple[str, str], Decimal]:
    """What the ledger holds from `kalla`, per (YYYY-MM, verksamhet; "" for balance accounts), read through Beancount."""
    from beancount.core import data as bc_data

    from namndbok.accounts import Roots, parse_account

    entries, errors, options = loader.load_file(str(ledger))
    roots = Roots.from_options(options)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for entry in bc_data.filter_txns(entries):
        if entry.meta.get("kalla") != kalla:
            continue
        for posting in entry.postings:
            ref = parse_account(posting.account, roots)
            verksamhet = ref.verksamhet if ref.kind in ("intäkt", "kostnad", "kommunbidrag") else ""
            sums[(f"{entry.date:%Y-%m}", verksamhet or "")] += posting.units.number
    return dict(sums)


def table_rows(out: str) -> dict[tuple[str, str], tuple[Decimal, Decimal, Decimal, int]]:
    """The dry run's plain table: (month, verksamhet) → (före, efter, ändring, konton)."""
    found = {}
    for line in out.splitlines():
        match = re.fullmatch(r"(\d{4}-\d{2})\s+(\S+)\s+(-?[\d ]+,\d\d)\s+(-?[\d ]+,\d\d)\s+(-?[\d ]+,\d\d)\s+(\d+)", line)
        if match:
            month, verksamhet, *amounts, count = match.groups()
            before, after, change = (Decimal(a.replace(" ", "").replace(",", ".")) for a in amounts)
            found[(month, "" if verksamhet == "(balansräkning)" else verksamhet)] = (before, after, change, int(count))
    return found


def kalla_of(out: str) -> str:
    return re.search(r"källa (\S+),", out).group(1)


def test_a_dry_run_shows_the_amounts_per_month_and_verksamhet(example_copy):
    export = generated_sie(example_copy.parent.parent, example_copy)
    before = contents(snapshot(example_copy.parent))
    code, out = run("import", export, example_copy, "--torrkorning")
    assert code == 0, out
    assert contents(snapshot(example_copy.parent)) == before  # a dry run writes nothing
    assert "Skulle ändras per månad och verksamhet, kr (debet positivt)" in out
    shown = table_rows(out)
    assert {month for month, _ in shown} == {f"2027-{m:02}" for m in range(1, 13)}
    # What it said would come is what the import then books, month by month and verksamhet by verksamhet.
    code, written = run("import", export, example_copy)
    assert code == 0, written
    held = held_per_month_and_verksamhet(example_copy, kalla_of(out))
    assert {key: after for key, (_, after, _, _) in shown.items()} == {k: v for k, v in held.items() if k in shown}
    assert all(before == 0 and change == after for before, after, change, _ in shown.values())
    assert "Redan bokförda månader" not in written  # a first import changes nothing booked
    code, out = run("import", export, example_copy, "--torrkorning")
    assert code == 0 and "Inget nytt" in out and "Månad" not in out


def test_a_changed_reimport_says_which_months_change_before_and_after(example_copy):
    export = generated_sie(example_copy.parent.parent, example_copy)
    code, out = run("import", export, example_copy)
    assert code == 0, out
    kalla = kalla_of(out)
    held = held_per_month_and_verksamhet(example_copy, kalla)
    # Move 100 kr of konto 6120 in March from verksamhet 589 to 5731: the konto's year total (#RES) stays.
    text = export.read_bytes()
    for old, new in ((b'#TRANS 6120 {20 "5731" 1 "4100"} -440.14', b'#TRANS 6120 {20 "5731" 1 "4100"} -340.14'),
                     (b'#TRANS 6120 {20 "589" 1 "1000"} 1907.58', b'#TRANS 6120 {20 "589" 1 "1000"} 1807.58')):
        assert text.count(old) == 1
        text = text.replace(old, new)
    export.write_bytes(text)
    code, out = run("import", export, example_copy, "--torrkorning")
    assert code == 0, out
    assert "Redan bokförda månader som skulle ändras: 2027-03 (före och efter i tabellen)." in out
    shown = table_rows(out)
    march_5731, march_589 = held[("2027-03", "5731")], held[("2027-03", "589")]
    assert shown == {("2027-03", "5731"): (march_5731, march_5731 + 100, Decimal(100), 1),
                     ("2027-03", "589"): (march_589, march_589 - 100, Decimal(-100), 1)}
    code, out = run("import", export, example_copy)
    assert code == 0 and "Redan bokförda månader som ändrades: 2027-03" in out, out
    assert held_per_month_and_verksamhet(example_copy, kalla)[("2027-03", "5731")] == march_5731 + 100


def test_on_a_terminal_the_dry_run_table_is_drawn_by_rich(example_copy):
    import subprocess
    import sys

    from conftest import REPO

    export = generated_sie(example_copy.parent.parent, example_copy)
    done = subprocess.run([sys.executable, "-m", "namndbok.scripts.cli", "import", str(export), str(example_copy), "--torrkorning"],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), "FORCE_COLOR": "1", "COLUMNS": "120"},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    header = next(line for line in done.stdout.splitlines() if "Månad" in line)
    assert "┃" in header and "Verksamhet" in header and "Ändring" in header
    assert table_rows(done.stdout) == {}  # not the plain table

# ---------------------------------------------------------------- case 10: relative paths from any folder


def _inputs(folder: Path, ledger: Path) -> None:
    """What the commands read, in `folder`: a SIE export, a budget workbook, a volume list."""
    from openpyxl import Workbook

    from namndbok.importers.sie.writer import generate_sie

    generate_sie(folder / "x.se", 100, load_kontoplan(ledger.parent / "kontoplan.toml"), year=2027)
    book = Workbook()
    book.active.append(["Verksamhet", "Konto", "Ansvar", "Belopp"])
    book.active.append(["589", "5020", "4100", -1000])
    book.save(folder / "budget.xlsx")
    (folder / "volymer.csv").write_bytes("Verksamhet;Månad;Enhet;Antal\r\n5731;2027-01;vårddygn;2 712\r\n".encode("utf-8"))


COMMANDS = {  # command → (its arguments, with L for the ledger and E for the ledger's folder; what it says when it worked)
    "import": (["import", "x.se", "L"], "Lade till 10 poster."),
    "import-budget": (["import-budget", "budget.xlsx", "L", "--namn", "Budget 2027", "--beslut", "SN 1", "--ar", "2027",
                       "--datum", "2026-12-10"], "är inläst"),
    "import-volymer": (["import-volymer", "volymer.csv", "L"], "1 nya volymer inlästa."),
    "kontoplan --ut": (["kontoplan", "x.se", "--ut", "utkast/kontoplan.toml"], "Utkastet är skrivet: utkast/kontoplan.toml."),
    "bokslut": (["bokslut", "2025", "L"], "Bokslutet för 2025 var redan gjort och stämmer"),
    "period-close": (["period-close", "2026-10", "L", "--utan-pdf", "--las"], "Perioden 2026-01-01 – 2026-10-31 är nu låst"),
    "rapport": (["rapport", "E/layouter/driftredovisning.toml", "L", "--per", "2026-10", "--format", "csv", "--ut", "drift.csv"],
                "Skrev drift.csv."),
    "export-fakta": (["export-fakta", "L", "--till", "fakta.parquet", "--per", "2026-10"], "till fakta.parquet (1 av 1 filer skrivna)"),
}
WRITTEN_HERE = {"kontoplan --ut": "utkast/kontoplan.toml", "rapport": "drift.csv", "export-fakta": "fakta.parquet"}


@pytest.mark.parametrize("where", ["liggarens mapp", "syskonmapp"])
@pytest.mark.parametrize("command", [*COMMANDS, "fava"])
def test_every_command_takes_relative_paths_from_any_folder(example_copy, monkeypatch, command, where):
    """From the ledger's folder (`socialnamnden.beancount`) and from a sibling folder
    (`../exempel/socialnamnden.beancount`), with the command's other files relative too."""
    here = example_copy.parent if where == "liggarens mapp" else example_copy.parent.parent / "syskon"
    here.mkdir(exist_ok=True)
    _inputs(here, example_copy)
    ledger = example_copy.name if where == "liggarens mapp" else f"../{example_copy.parent.name}/{example_copy.name}"
    folder = "." if where == "liggarens mapp" else f"../{example_copy.parent.name}"
    monkeypatch.chdir(here)
    if command == "fava":
        _fava_answers(here, ledger)
        return
    args, says = COMMANDS[command]
    args = [ledger if a == "L" else a.replace("E/", folder + "/") for a in args]
    code, out = run(*args)
    assert code == 0 and says in out, out
    if command in WRITTEN_HERE:
        assert (here / WRITTEN_HERE[command]).is_file()
    code, out = run("kontrollera", ledger)
    assert code == 0, out


def _fava_answers(here: Path, ledger: str) -> None:
    import urllib.parse
    import urllib.request

    from conftest import REPO, start_fava

    proc, _, said = start_fava(ledger, cwd=here, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        url = re.search(r"(http://\S+/)income_statement/", said)
        assert url, said
        page = urllib.request.urlopen(urllib.parse.quote(url.group(1), safe=":/") + "extension/Namndbok/", timeout=60).read().decode("utf-8")
        assert "Socialnämnden" in page
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        proc.stdout.close()


# ---------------------------------------------------------------- the measurement: tests/sie_outcomes.py


@needs_shared
def test_the_outcome_table_runs_and_has_its_columns(tmp_path):
    """`python tests/sie_outcomes.py FIL …` prints the Markdown table: a clean file imported with its control
    figures matched and idempotent, a faulty one refused at its line, one without control figures said so."""
    import subprocess
    import sys

    from conftest import REPO
    from sie_outcomes import COLUMNS

    files = [JSISIE / "sie_4.SE", JSISIE / "transaktioner_ovnbolag-bad-balance.se", SHARED / "sie" / "BLBLOV_SIE4.SI"]
    done = subprocess.run([sys.executable, str(REPO / "tests" / "sie_outcomes.py"), *map(str, files)], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "| " + " | ".join(COLUMNS) + " |" and lines[1] == "|---|---|---|---|---|---|"
    rows = {cells[0]: cells[1:] for cells in ([c.strip() for c in line.strip("|").split(" | ")] for line in lines[2:5])}
    assert all(len(cells) == len(COLUMNS) - 1 for cells in rows.values())
    outcome, reading, control, idempotent, message = rows["jsisie/sie_4.SE"]
    assert (outcome, control, idempotent) == ("imported", "yes", "yes") and reading
    outcome, _, control, idempotent, message = rows["jsisie/transaktioner_ovnbolag-bad-balance.se"]
    assert (outcome, control, idempotent) == ("refused", "–", "–")
    assert message.startswith("Fel: transaktioner_ovnbolag-bad-balance.se:3905:")
    outcome, _, control, idempotent, _ = rows["BLBLOV_SIE4.SI"]
    assert control == "none in file" and (outcome, idempotent) == ("imported", "yes")


@needs_shared
def test_a_dimension_the_file_lacks_is_refused_with_the_ones_it_has(tmp_path):
    code, out = run("kontoplan", JSISIE / "typ4.se", "--verksamhet", "5", "--ut", tmp_path / "kontoplan.toml")
    assert code == 1 and "typ4.se har ingen dimension 5" in out and "--verksamhet 1: dimension 1 (Kostnadsställe, 4 objekt)" in out
    assert not (tmp_path / "kontoplan.toml").exists() and not (tmp_path / "import.toml").exists()
