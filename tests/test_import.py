"""Importing the example committee's SIE export: totals kept, nothing doubled, nothing guessed."""

from __future__ import annotations

import shutil
from collections import defaultdict
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data as bc_data
from click.testing import CliRunner

from namndbok.accounts import Roots, parse_account
from namndbok.scripts.cli import main
from namndbok.scripts.exempel import utfall
from namndbok.scripts.exempel.sie_export import export_path

from conftest import EXAMPLE_DIR

D = Decimal


@pytest.fixture
def example(tmp_path):
    """A copy of the example committee to import into."""
    copy = tmp_path / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy)
    return copy / "socialnamnden.beancount", copy / "import" / "sie-2026-11.se"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def november(ledger) -> dict[tuple[str, str], int]:
    """Öre per (verksamhet, kind) in November 2026, committee's sign."""
    entries, errors, options = loader.load_file(str(ledger))
    assert [e for e in errors if not e.message.startswith("Varning:")] == []
    roots = Roots.from_options(options)
    totals = defaultdict(int)
    for entry in bc_data.filter_txns(entries):
        if (entry.date.year, entry.date.month) == (2026, 11):
            for posting in entry.postings:
                ref = parse_account(posting.account, roots)
                if ref.kind in ("kommunbidrag", "intäkt", "kostnad"):
                    totals[(ref.verksamhet, ref.kind)] -= int(posting.units.number * 100)
    return dict(totals)


def intended_november() -> dict[tuple[str, str], int]:
    plan = utfall.plan(2026)
    totals = defaultdict(int)
    for key, amount in plan.items():
        if key.month == 11 and amount:
            totals[(key.verksamhet, key.kind)] += amount
    return dict(totals)


@pytest.mark.parametrize("mode, entries", [("summerad", 1), ("detaljerad", 12)])
def test_the_export_imports_with_its_totals(example, mode, entries):
    ledger, export = example
    assert export.read_bytes() == export_path(EXAMPLE_DIR).read_bytes()
    code, out = run("import", export, ledger, "--lage", mode)
    assert code == 0, out
    assert f"Lade till {entries} {'post' if entries == 1 else 'poster'}" in out
    assert november(ledger) == intended_november()
    written = ledger.parent / "2026" / "utfall" / "2026-11.beancount"
    assert 'kalla: "sie-2120000000-2026"' in written.read_text(encoding="utf-8")


def test_importing_again_adds_nothing(example):
    ledger, export = example
    assert run("import", export, ledger)[0] == 0
    written = ledger.parent / "2026" / "utfall" / "2026-11.beancount"
    before = written.read_bytes()
    code, out = run("import", export, ledger)
    assert code == 0 and "Inget nytt" in out
    assert written.read_bytes() == before
    # Detailed after summarised would count the money twice: refused, nothing written.
    code, out = run("import", export, ledger, "--lage", "detaljerad")
    assert code == 1 and "2026-11 från sie-2120000000-2026 finns redan summerat" in out
    assert written.read_bytes() == before


def test_summarised_after_detailed_adds_nothing(example):
    ledger, export = example
    assert run("import", export, ledger, "--lage", "detaljerad")[0] == 0
    code, out = run("import", export, ledger, "--lage", "summerad")
    assert code == 0 and "Inget nytt" in out


def add_voucher(export, konto: str, objekt: str, amount: int, konto_name: str | None = None) -> None:
    """Append a voucher (konto against 1690) to the export, with its control totals."""
    lines = export.read_bytes().decode("cp437").split("\r\n")

    def bump(label: str, nr: str, delta: int) -> None:
        for i, line in enumerate(lines):
            if line.startswith(f"{label} 0 {nr} "):
                lines[i] = f"{label} 0 {nr} {D(line.split()[-1]) + delta:.2f}"
                return
        lines.insert(lines.index("#SIETYP 4") + 1, f"{label} 0 {nr} {D(delta):.2f}")

    if konto_name:
        lines.insert(lines.index("#SIETYP 4") + 1, f'#KONTO {konto} "{konto_name}"')
    bump("#RES", konto, amount)
    bump("#UB", "1690", -amount)
    lines[-1:] = ['#VER HB 99 20261130 "Sen faktura"', "{", f"   #TRANS {konto} {{{objekt}}} {amount}.00",
                  f"   #TRANS 1690 {{}} {-amount}.00", "}", ""]
    export.write_bytes("\r\n".join(lines).encode("cp437"))


def test_an_overlapping_export_adds_only_the_difference(example):
    ledger, export = example
    assert run("import", export, ledger)[0] == 0
    add_voucher(export, "4610", '20 "5731" 1 "2200"', 125000)
    code, out = run("import", export, ledger)
    assert code == 0 and "Lade till 1 post" in out, out
    written = (ledger.parent / "2026" / "utfall" / "2026-11.beancount").read_text(encoding="utf-8")
    assert "(tillägg 1)" in written
    assert november(ledger)[("5731", "kostnad")] == intended_november()[("5731", "kostnad")] - 12_500_000


def test_a_konto_the_kontoplan_lacks_is_reported_with_a_suggested_line(example):
    ledger, export = example
    add_voucher(export, "4699", '20 "5731" 1 "2200"', 5000, "Köp av vård, övrigt")
    add_voucher(export, "4610", '20 "5799" 1 "2200"', 7000)
    before = sorted(p.name for p in (ledger.parent / "2026" / "utfall").iterdir())
    code, out = run("import", export, ledger)
    assert code == 1
    assert "Importen stoppades: exporten har koder som kontoplanen" in out
    assert '"4699" = { namn = "Köp av vård, övrigt" }' in out
    assert 'Lägg till under [verksamheter]:' in out and '"5799" = { namn = "NAMN", grupp = "Politisk verksamhet" }' in out
    assert sorted(p.name for p in (ledger.parent / "2026" / "utfall").iterdir()) == before


def test_an_export_that_contradicts_its_own_totals_is_refused(example):
    ledger, export = example
    text = export.read_bytes().decode("cp437")
    res = [l for l in text.split("\r\n") if l.startswith("#RES 0 4610 ")][0]
    export.write_bytes(text.replace(res, "#RES 0 4610 1.00").encode("cp437"))
    code, out = run("import", export, ledger)
    assert code == 1 and "stämmer inte med sina egna kontrollsummor" in out and "4610" in out
    assert not (ledger.parent / "2026" / "utfall" / "2026-11.beancount").exists()


def test_dry_run_writes_nothing(example):
    ledger, export = example
    code, out = run("import", export, ledger, "--torrkorning")
    assert code == 0 and "Skulle lägga till 1 post" in out
    assert not (ledger.parent / "2026" / "utfall" / "2026-11.beancount").exists()


def test_beangulp_importer(example):
    from namndbok.importers.sie.importer import SieImporter

    ledger, export = example
    importer = SieImporter(ledger)
    assert importer.identify(str(export))
    assert not importer.identify(str(ledger))
    assert importer.account(str(export)) == "Tillgångar:Socialnämnden:1690"
    entries = importer.extract(str(export), [])
    assert [e.meta["importid"] for e in entries] == ["sie-2120000000-2026/2026-11"]
    importer.deduplicate(entries, entries)
    assert entries[0].meta["__duplicate__"] is True


def raindance_csv(month_rows) -> bytes:
    """A Raindance huvudbok export (result accounts only) of the example's plan rows."""
    lines = ["Bokf.datum;Konto;Belopp;Text;Verifikationsnr;Antal;Verksamhet;Ansvar;Projekt"]
    for number, (key, amount) in enumerate(month_rows, start=1):
        konto = "3911" if key.kind == "kommunbidrag" else key.konto
        debit = D(-amount) / 100
        text = f"{debit:,.2f}".replace(",", " ").replace(".", ",")
        lines.append(f"2026-11-30;{konto};{text};Huvudbok november;{number};;{key.verksamhet or ''};{key.ansvar or ''};")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_a_huvudbok_csv_imports_balanced_against_the_avrakning(example):
    ledger, _ = example
    rows = sorted(((k, v) for k, v in utfall.plan(2026).items() if k.month == 11 and v),
                  key=lambda kv: (kv[0].verksamhet or "", kv[0].kind, kv[0].konto or "", kv[0].ansvar or ""))
    export = ledger.parent / "import" / "huvudbok-2026-11.csv"
    export.write_bytes(raindance_csv(rows))
    code, out = run("import", export, ledger)
    assert code == 0, out
    assert f"Läste {len(rows)} rader" in out and "källa huvudbok-raindance" in out
    assert november(ledger) == intended_november()
    code, out = run("import", export, ledger)
    assert code == 0 and "Inget nytt" in out
    code, out = run("kontrollera", ledger)
    assert code == 0


def test_beangulps_own_extract_command(example):
    import os
    import subprocess
    import sys

    ledger, export = example
    result = subprocess.run([sys.executable, "-m", "namndbok.importers", "extract", str(export)], capture_output=True, text=True,
                            env={**os.environ, "NAMNDBOK_LIGGARE": str(ledger)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert 'importid: "sie-2120000000-2026/2026-11"' in result.stdout
    assert "Kostnader:Socialnämnden:5731:4610:2200" in result.stdout


def test_an_export_that_cannot_be_read_is_said_why_in_swedish(example):
    """The operating system's reason in Swedish (OSError.strerror is English), the ledger untouched."""
    from namndbok.importers.model import SourceError
    from namndbok.importers.run import run_import
    from namndbok.importers.sie.importer import read_sie

    ledger, _ = example
    before = ledger.read_text(encoding="utf-8")
    folder = ledger.parent / "import" / "en-mapp.se"  # the command line refuses a folder itself; an importer may not
    folder.mkdir()
    with pytest.raises(SourceError) as refused:
        run_import(ledger, read_sie, "sie", folder)
    assert str(refused.value) == f"{folder}: Filen kan inte läsas (det är en mapp)."
    assert ledger.read_text(encoding="utf-8") == before


def test_a_ledger_with_a_fault_is_refused_before_the_import_naming_the_fault(example):
    """One message for every command that refuses a ledger with faults (loading.faults_message): the first fault's file and line."""
    ledger, export = example
    month = ledger.parent / "2026" / "utfall" / "2026-10.beancount"
    month.write_text(month.read_text(encoding="utf-8") + '\n2026-10-31 * "Felkonterad"\n'
                     '  Kostnader:Socialnämnden:5799:4610     5000.00 SEK\n  Tillgångar:Socialnämnden:1690\n', encoding="utf-8")
    before = month.read_text(encoding="utf-8")
    code, out = run("import", export, ledger)
    out = " ".join(out.split())
    assert code == 1
    line = before.splitlines().index("  Kostnader:Socialnämnden:5799:4610     5000.00 SEK") + 1
    assert f"Liggaren har 1 fel ({month}:{line}: Okänd verksamhet '5799'" in out, out
    assert out.endswith("Rätta det först.")
    assert month.read_text(encoding="utf-8") == before
