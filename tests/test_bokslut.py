"""`namndbok bokslut`: checks the year, writes the close idempotently, shows eget kapital."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest

from namndbok.eget_kapital import roll_forward
from namndbok.ledgerdata import read_ledger

from conftest import run

D = Decimal


def months(year: int, upto: int = 12, skip: tuple[int, ...] = ()) -> str:
    out = []
    for m in range(1, upto + 1):
        if m in skip:
            continue
        out.append(f"""
{year}-{m:02d}-28 * "Utfall {year}-{m:02d}"
  Intäkter:Socialnämnden:Kommunbidrag:589  -100.00 SEK
  Kostnader:Socialnämnden:589:5020  {110 if year == 2024 else 95}.00 SEK
  Tillgångar:Socialnämnden:1690
""")
    return "".join(out)


@pytest.fixture
def ledger(write_ledger):
    path, _, errors, _ = write_ledger(months(2024) + months(2025) + months(2026, upto=2))
    assert errors == []
    return path


def test_closing_writes_the_entries_and_twice_is_a_no_op(ledger):
    code, out = run("bokslut", "2024", str(ledger))
    assert code == 0, out
    assert "Bokslutet för 2024 är skrivet" in out
    assert "Utgående eget kapital" in out and "-0,0" not in out
    written = ledger.parent / "2024" / "bokslut.beancount"
    text = written.read_text(encoding="utf-8")
    assert '2024-12-31 custom "bokslut" "2024"' in text
    assert "  arets_resultat: -120.00 SEK" in text
    assert "  utgaende_eget_kapital: -120.00 SEK" in text
    assert "2025-01-01 balance Tillgångar:Socialnämnden:1690    -120.00 SEK" in text
    assert 'include "*/bokslut.beancount"' in ledger.read_text(encoding="utf-8")
    before = (text, written.stat().st_mtime_ns, ledger.read_text(encoding="utf-8"))

    code, out = run("bokslut", "2024", str(ledger))
    assert code == 0 and "var redan gjort och stämmer; inget ändrat" in out
    assert (written.read_text(encoding="utf-8"), written.stat().st_mtime_ns, ledger.read_text(encoding="utf-8")) == before

    code, out = run("bokslut", "2025", str(ledger))
    assert code == 0, out
    assert "  utgaende_eget_kapital: -60.00 SEK" in (ledger.parent / "2025" / "bokslut.beancount").read_text(encoding="utf-8")
    code, out = run("kontrollera", str(ledger))
    assert code == 0 and "inga fel" in out


def test_a_year_with_a_missing_month_is_refused(write_ledger):
    path, _, errors, _ = write_ledger(months(2025, skip=(3, 7)))
    assert errors == []
    code, out = run("bokslut", "2025", str(path))
    assert code == 1
    assert "Bokslutet för 2025 kan inte göras: utfall saknas för mars, juli. Importera månaderna först." in out
    assert not (path.parent / "2025" / "bokslut.beancount").exists()


def test_the_previous_year_must_be_closed_first(ledger):
    code, out = run("bokslut", "2025", str(ledger))
    assert code == 1 and "Stäng 2024 först: `namndbok bokslut 2024`." in out


def test_unfinished_entries_are_refused(write_ledger):
    path, _, errors, _ = write_ledger(months(2025) + """
2025-12-30 ! "Oklar faktura"
  Kostnader:Socialnämnden:589:5020  10.00 SEK
  Tillgångar:Socialnämnden:1690
""")
    code, out = run("bokslut", "2025", str(path))
    assert code == 1 and "1 poster är markerade som ofärdiga (!)" in out and "main.beancount:" in out


def test_a_ledger_with_errors_is_refused(write_ledger):
    path, _, errors, _ = write_ledger(months(2025) + """
2025-12-30 * "Fel konto"
  Kostnader:Socialnämnden:5799:5020  10.00 SEK
  Tillgångar:Socialnämnden:1690
""")
    code, out = run("bokslut", "2025", str(path))
    assert code == 1 and "Liggaren har 1 fel" in out and "Okänd verksamhet '5799'" in out


@pytest.mark.slow
def test_favas_balance_sheet_shows_the_same_eget_kapital_as_the_cli(fava_url, example_ledger):
    entries, _, options = example_ledger
    ledger = read_ledger(entries, options)
    base = urllib.parse.quote(fava_url.split("/income_statement/")[0], safe=":/")
    for year in (2024, 2025, 2026):
        with urllib.request.urlopen(f"{base}/api/balance_sheet?time={year}", timeout=60) as response:
            trees = json.load(response)["data"]["trees"]
        (equity,) = [t for t in trees if t["account"] == options["name_equity"]]
        fava = -D(str(equity["balance_children"]["SEK"]))  # Beancount's sign → the committee's
        (cli,) = roll_forward(ledger, year)
        assert abs(fava - cli.utgaende) < D("0.01"), year
        # The accumulated result sits on 2011 itself; Beancount's own row is empty.
        shown = {c["account"]: c["balance_children"] for c in equity["children"]}
        assert shown[f"{options['name_equity']}:Tidigare-års-resultat"] == {}
    assert cli.ingaende == D("-15100000.00")


def test_the_example_committees_closed_years_are_current(tmp_path):
    """Closing 2023–2025 (and locking tertial 1 and the delår of 2026) of the shipped example again changes nothing."""
    import shutil

    from conftest import EXAMPLE_DIR

    copy = tmp_path / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy)
    for year in (2023, 2024, 2025):
        code, out = run("bokslut", str(year), str(copy / "socialnamnden.beancount"))
        assert code == 0 and "inget ändrat" in out, out
    code, out = run("bokslut", "2026", str(copy / "socialnamnden.beancount"))
    assert code == 1 and "utfall saknas för november, december" in out
    for period in ("2026-04", "2026-08"):  # tertial 1 and the delår are locked too
        before = (copy / "2026" / f"las-{period}-{30 if period == '2026-04' else 31}.txt").read_bytes()
        code, out = run("period-close", period, str(copy / "socialnamnden.beancount"), "--las", "--utan-pdf")
        assert code == 0 and "är redan låst; inget ändrat" in out, out
        assert (copy / "2026" / f"las-{period}-{30 if period == '2026-04' else 31}.txt").read_bytes() == before


def test_a_closed_year_refuses_new_entries_and_corrections_go_in_an_open_year(ledger):
    assert run("bokslut", "2024", str(ledger))[0] == 0
    assert 'plugin "namndbok.plugins.namndbok"' in ledger.read_text(encoding="utf-8")  # its las stage: no namndbok.plugins.las line added
    assert 'plugin "namndbok.plugins.las"' not in ledger.read_text(encoding="utf-8")
    original = ledger.read_text(encoding="utf-8")
    late = """
2024-06-15 * "Sen faktura"
  Kostnader:Socialnämnden:589:5020  10.00 SEK
  Tillgångar:Socialnämnden:1690
"""
    ledger.write_text(original + late, encoding="utf-8")
    code, out = run("kontrollera", str(ledger))
    assert code == 1
    assert f"{ledger}:{len(original.splitlines()) + 2}: Perioden 2024-01-01 – 2024-12-31 är stängd" in out
    # A changed amount in an old entry is caught as well.
    utfall = ledger.read_text(encoding="utf-8").replace(late, "").replace("110.00 SEK", "111.00 SEK", 1)
    ledger.write_text(utfall, encoding="utf-8")
    code, out = run("kontrollera", str(ledger))
    assert code == 1 and "är stängd" in out
    # A referenced correction (here a re-kontering) is a new entry in the open year …
    correction = """
2025-06-15 * "Rättelse av felkontering 2024"
  korrigering: "KS 2025-03-10 §12"
  Kostnader:Socialnämnden:589:5020  -10.00 SEK
  Kostnader:Socialnämnden:589:5022  10.00 SEK
"""
    ledger.write_text(original + correction, encoding="utf-8")
    code, out = run("kontrollera", str(ledger))
    assert code == 0, out
    # … and inside the closed year it is refused, reference or not.
    ledger.write_text(original + correction.replace("2025-06-15", "2024-06-15"), encoding="utf-8")
    code, out = run("kontrollera", str(ledger))
    assert code == 1 and f"{ledger}:{len(original.splitlines()) + 2}: Perioden 2024-01-01 – 2024-12-31 är stängd" in out, out


def test_the_lock_records_the_files_hashes_and_a_rerun_keeps_the_lock_when_only_a_hash_went_stale(ledger):
    import hashlib

    from namndbok.las import read_lock_file

    assert run("bokslut", "2024", str(ledger))[0] == 0
    lock = ledger.parent / "2024" / "las.txt"
    read = read_lock_file(lock)
    prints, files, by_file = read.prints, read.files, read.by_file
    # the main file holds the year's entries; its hash is of the file as it is after the close
    assert files["main.beancount"] == hashlib.sha256(ledger.read_bytes()).hexdigest()
    assert len(prints) == 12  # one fingerprint per entry: the twelve months of 2024
    assert by_file == {None: {}, "main.beancount": {p: 1 for p in prints}}  # … grouped by the file that holds it
    before = lock.read_bytes()
    ledger.write_text(ledger.read_text(encoding="utf-8") + "\n; en kommentar ändrar filen, inte posterna\n", encoding="utf-8")
    code, out = run("bokslut", "2024", str(ledger))
    assert code == 0 and "var redan gjort och stämmer; inget ändrat" in out, out
    assert lock.read_bytes() == before  # same fingerprints: the file is left as it was
    code, out = run("kontrollera", str(ledger))  # the main file is fingerprinted entry by entry now
    assert code == 0 and "inga fel" in out, out
