"""`namndbok period-close ÅÅÅÅ-MM --las`: a tertial or the delår locked like a closed year."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from namndbok.las.write import drop_period_locks

from conftest import contents, run, snapshot

LATE_INVOICE = """
{date} * "Sen faktura"
  Kostnader:Socialnämnden:010:6410:1000   1200.00 SEK
  Tillgångar:Socialnämnden:1690
"""
CORRECTION = """
2026-06-30 * "Rättelse av felkontering"
  korrigering: "SN 2026-10-14 §120"
  Kostnader:Socialnämnden:010:6410:1000  -13523.01 SEK
  Kostnader:Socialnämnden:010:6420:1000   13523.01 SEK
"""


def example_before_the_locks(main_file):
    """A copy of the example (`example_copy`) as it was before tertial 1 and the delår of 2026 were locked."""
    for lock in (main_file.parent / "2026").glob("las*"):
        lock.unlink()
    drop_period_locks(main_file)
    return main_file


@pytest.fixture
def example(example_copy):
    return example_before_the_locks(example_copy)


def appended(path, text):
    """Append `text` to `path`; the line its first entry starts on."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return len(before.splitlines()) + 2


def test_the_delar_is_locked_and_locking_again_changes_nothing(example):
    code, out = run("period-close", "2026-08", example, "--las", "--utan-pdf")
    assert code == 0, out
    folder = example.parent / "2026"
    assert f"Perioden 2026-01-01 – 2026-08-31 är nu låst (fingeravtryck i {folder / 'las-2026-08-31.txt'})." in out
    # the lock's las line in a file of its own (two branches locking different periods merge cleanly)
    locks = (folder / "las-2026-08-31.beancount").read_text(encoding="utf-8")
    assert '2026-08-31 custom "las" "2026-01-01" "2026-08-31"\n  fil: "2026/las-2026-08-31.txt"\n' in locks
    assert locks.count('custom "las"') == 1 and not (folder / "las.beancount").exists()
    main_text = example.read_text(encoding="utf-8")
    # the lock stage runs once: on namndbok.plugins.namndbok's line (the example's), or a namndbok.plugins.las line added
    assert 'include "*/las-*.beancount"' in main_text and \
        main_text.count('plugin "namndbok.plugins.las"') + main_text.count('plugin "namndbok.plugins.namndbok"') == 1
    text = (folder / "las-2026-08-31.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    # sealed: the SHA-256 of the rest of the file, the period, and the lock file before it in the chain
    assert lines[0] == "# Nämndbok lås 3 " + hashlib.sha256(text.partition("\n")[2].encode("utf-8")).hexdigest()
    assert lines[2] == "period 2026-01-01 2026-08-31"
    before_it = example.parent / "2025" / "las.txt"
    assert lines[3] == f"föregående {hashlib.sha256(before_it.read_bytes()).hexdigest()} 2025/las.txt"
    lines = lines[3:]
    files = [line.split() for line in lines if line.startswith("fil ")]
    prints = [line for line in lines[1:] if not line.startswith("fil ")]
    assert len(prints) > 500
    # each file line is followed by its own entries' fingerprints, sorted
    groups = "\n".join(lines[1:]).split("fil ")[1:]
    assert len(groups) == len(files)
    for group in groups:
        own = group.splitlines()[1:]
        assert own == sorted(own) and own
    # the files that held the period, with their content's SHA-256 (the check's shortcut)
    held = {path: digest for _, digest, path in files}
    june = example.parent / "2026" / "utfall" / "2026-06.beancount"
    assert held["2026/utfall/2026-06.beancount"] == hashlib.sha256(june.read_bytes()).hexdigest()
    assert "2026/utfall/2026-09.beancount" not in held
    before = snapshot(example.parent)

    code, out = run("period-close", "2026-08", example, "--las", "--utan-pdf")
    assert code == 0 and "är redan låst; inget ändrat" in out, out
    assert snapshot(example.parent) == before
    code, out = run("kontrollera", example)
    assert code == 0 and "inga fel" in out, out


def test_a_new_entry_in_the_locked_period_is_refused_at_its_line_unless_it_is_a_referenced_correction(example):
    assert run("period-close", "2026-08", example, "--las", "--utan-pdf")[0] == 0
    june = example.parent / "2026" / "utfall" / "2026-06.beancount"
    original = june.read_text(encoding="utf-8")
    line = appended(june, LATE_INVOICE.format(date="2026-06-20"))
    code, out = run("kontrollera", example)
    assert code == 1
    assert f"{june}:{line}: Perioden 2026-01-01 – 2026-08-31 är stängd ({example.parent / '2026' / 'las-2026-08-31.beancount'}:" in out
    assert out.count("är stängd") == 1

    # An old entry with another amount is refused too, at its own line.
    june.write_text(original.replace("13523.01 SEK", "13524.01 SEK", 1).replace("-2798859.27 SEK", "-2798860.27 SEK"), encoding="utf-8")
    code, out = run("kontrollera", example)
    assert code == 1 and f"{june}:" in out and "är stängd" in out

    # A correction is a new entry in an open period, with its reference (it re-konterar, so the result stands) …
    june.write_text(original, encoding="utf-8")
    september = example.parent / "2026" / "utfall" / "2026-09.beancount"
    september_text = september.read_text(encoding="utf-8")
    appended(september, CORRECTION.replace("2026-06-30", "2026-09-30"))
    code, out = run("kontrollera", example)
    assert code == 0, out
    # … not with an empty reference …
    september.write_text(september_text + CORRECTION.replace("2026-06-30", "2026-09-30").replace('"SN 2026-10-14 §120"', '""'),
                         encoding="utf-8")
    code, out = run("kontrollera", example)
    assert code == 1 and "korrigering: ska ange beslutet eller ärendet" in out
    # … and never inside the closed period, whatever its reference.
    september.write_text(september_text, encoding="utf-8")
    line = appended(june, CORRECTION)
    code, out = run("kontrollera", example)
    assert code == 1 and f"{june}:{line}: Perioden 2026-01-01 – 2026-08-31 är stängd" in out, out

    # The closed years' own locks (bokslut) hold as before.
    june.write_text(original, encoding="utf-8")
    old_june = example.parent / "2025" / "utfall" / "2025-06.beancount"
    line = appended(old_june, LATE_INVOICE.format(date="2025-06-20"))
    code, out = run("kontrollera", example)
    assert code == 1 and f"{old_june}:{line}: Perioden 2025-01-01 – 2025-12-31 är stängd" in out
    old_june.write_text(old_june.read_text(encoding="utf-8").replace(LATE_INVOICE.format(date="2025-06-20"), ""), encoding="utf-8")

    # After the period, entries come and go as before.
    june.write_text(original, encoding="utf-8")
    september = example.parent / "2026" / "utfall" / "2026-09.beancount"
    appended(september, LATE_INVOICE.format(date="2026-09-20"))
    code, out = run("kontrollera", example)
    assert code == 0, out


def test_a_prognos_of_the_locked_delar_is_frozen(example):
    assert run("period-close", "2026-08", example, "--las", "--utan-pdf")[0] == 0
    prognos = example.parent / "2026" / "prognos" / "2026-08.beancount"
    text = prognos.read_text(encoding="utf-8")
    prognos.write_text(text.replace("Kostnader:Socialnämnden:010  5509000.00 SEK", "Kostnader:Socialnämnden:010  5409000.00 SEK"), encoding="utf-8")
    code, out = run("kontrollera", example)
    assert code == 1 and f"{prognos}:" in out and "är stängd" in out


def test_locking_a_later_period_extends_the_lock(example):
    code, out = run("period-close", "2026-04", example, "--las", "--utan-pdf")
    assert code == 0 and "Perioden 2026-01-01 – 2026-04-30 är nu låst" in out, out
    june = example.parent / "2026" / "utfall" / "2026-06.beancount"
    appended(june, LATE_INVOICE.format(date="2026-06-20"))
    assert run("kontrollera", example)[0] == 0  # June is after tertial 1

    code, out = run("period-close", "2026-08", example, "--las", "--utan-pdf")
    assert code == 0 and "Perioden 2026-01-01 – 2026-08-31 är nu låst" in out, out
    # each lock in its own file; the earlier one stays as it was written
    tertial = (example.parent / "2026" / "las-2026-04-30.beancount").read_text(encoding="utf-8")
    delar = (example.parent / "2026" / "las-2026-08-31.beancount").read_text(encoding="utf-8")
    assert '"2026-01-01" "2026-04-30"' in tertial and '"2026-01-01" "2026-08-31"' not in tertial
    assert '"2026-01-01" "2026-08-31"' in delar and '"2026-01-01" "2026-04-30"' not in delar
    assert run("kontrollera", example)[0] == 0  # the late invoice was there at the delår

    march = example.parent / "2026" / "utfall" / "2026-03.beancount"
    appended(march, LATE_INVOICE.format(date="2026-03-20"))
    code, out = run("kontrollera", example)
    assert code == 1 and out.count("är stängd") == 1
    assert "Perioden 2026-01-01 – 2026-04-30 är stängd" in out  # the first lock it breaks


def test_a_period_that_is_not_ready_is_not_locked(example):
    code, out = run("period-close", "2026-07", example, "--las", "--utan-pdf")
    assert code == 1 and "Ingen prognos är gjord för uppföljningen per 2026-07-31" in out
    assert not list((example.parent / "2026").glob("las*.beancount"))
    assert 'plugin "namndbok.plugins.namndbok"' in example.read_text(encoding="utf-8")  # the closed years' lock (its las stage), as before
    assert 'include "*/las-*.beancount"' not in example.read_text(encoding="utf-8")


def test_an_import_into_the_locked_period_is_refused_and_writes_nothing(example, tmp_path):
    from namndbok.kontoplan import load_kontoplan
    from namndbok.importers.sie.writer import generate_sie

    assert run("period-close", "2026-08", example, "--las", "--utan-pdf")[0] == 0
    before = snapshot(example.parent)
    export = tmp_path / "sent-2026.se"
    generate_sie(export, 120, load_kontoplan(example.parent / "kontoplan.toml"), year=2026)  # vouchers January … December
    code, out = run("import", export, example, "--lage", "detaljerad")
    assert code == 1
    assert "Importen skrevs inte: efter den fick liggaren fel" in out and "2026-01-01 – 2026-08-31 är stängd" in out, out
    assert contents(snapshot(example.parent)) == contents(before)  # put back: the same bytes (with new mtimes)
    assert not (example.parent / ".namndbok-avbruten").exists()


def test_a_lock_file_left_out_of_the_main_file_is_a_deleted_lock(example):
    assert run("period-close", "2026-04", example, "--las", "--utan-pdf")[0] == 0
    example.write_text(example.read_text(encoding="utf-8").replace('include "*/las-*.beancount"\n', ""), encoding="utf-8")
    before = contents(snapshot(example.parent))
    code, out = run("period-close", "2026-08", example, "--las", "--utan-pdf")
    lock_file = example.parent / "2026" / "las-2026-04-30.txt"
    assert code == 1 and f"{lock_file}:1: LÅSET ÄR BORTTAGET" in out, out
    assert contents(snapshot(example.parent)) == before
    # The include line put back, the delår is locked beside tertial 1.
    example.write_text(example.read_text(encoding="utf-8") + 'include "*/las-*.beancount"\n', encoding="utf-8")
    code, out = run("period-close", "2026-08", example, "--las", "--utan-pdf")
    assert code == 0, out
    locks = "".join(path.read_text(encoding="utf-8") for path in (example.parent / "2026").glob("las-*.beancount"))
    assert '"2026-01-01" "2026-04-30"' in locks and '"2026-01-01" "2026-08-31"' in locks


def _june_without_its_first_transaction(example) -> tuple[Path, str, list[str], int]:
    """Take June's first transaction out of its file in the example as shipped (1 January –
    31 August 2026 locked, and the lock current: test_bokslut holds it so): (june's file,
    its text before, its blocks before, the index of the block taken out)."""
    june = example.parent / "2026" / "utfall" / "2026-06.beancount"
    original = june.read_text(encoding="utf-8")
    blocks = original.split("\n\n")
    first = next(i for i, block in enumerate(blocks) if " * " in block)
    june.write_text("\n\n".join(blocks[:first] + blocks[first + 1:]), encoding="utf-8")
    return june, original, blocks, first


def test_an_entry_removed_from_the_locked_period_is_refused_at_the_lock(example_copy):
    example = example_copy  # as shipped: locked to 31 August 2026
    # A transaction taken out of the closed June (and its balancing line with it): refused at the lock.
    june, original, blocks, first = _june_without_its_first_transaction(example)
    removed = blocks[first]
    code, out = run("kontrollera", example)
    lock_file = example.parent / "2026" / "las.beancount"
    assert code == 1
    assert f"{lock_file}:" in out and "Perioden 2026-01-01 – 2026-08-31 är stängd, men 1 post som fanns där vid stängningen saknas nu (2026/utfall/2026-06.beancount)" in out

    # Moved to another file in the period, it is still there: nothing is wrong.
    extra = example.parent / "2026" / "utfall" / "2026-06-flyttad.beancount"  # the main file includes the folder
    extra.write_text("\n\n".join(blocks[:first] + [removed]) + "\n", encoding="utf-8")  # with the file's option lines
    code, out = run("kontrollera", example)
    assert code == 0, out
    extra.unlink()

    # Changed in place, it is reported once, at its own line (not also as gone).
    june.write_text(original.replace('"Kommunbidrag juni 2026"', '"Kommunbidrag juni 2026 (ändrad text)"'), encoding="utf-8")
    code, out = run("kontrollera", example)
    assert code == 1 and out.count("är stängd") == 1 and "saknas nu" not in out, out
    assert f"{june}:10: Perioden 2026-01-01 – 2026-08-31 är stängd" in out

    # Back as it was: clean again.
    june.write_text(original, encoding="utf-8")
    code, out = run("kontrollera", example)
    assert code == 0, out


def _as_written_by_an_older_namndbok(lock, first_format: bool):
    """The sealed lock file `lock` as the first or second format held it: the same fingerprints,
    no seal, no period, no chain."""
    lines = lock.read_text(encoding="utf-8").splitlines()[4:]
    if first_format:
        lines = [line for line in lines if line.startswith("fil ")] + sorted({line for line in lines if not line.startswith("fil ")})
    else:
        lines = ["# Nämndbok lås 2: varje fil som höll perioden (fil sha256 sökväg) och dess posters fingeravtryck", *lines]
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")


MAIN_FILE_LINE = b" socialnamnden.beancount\n"


def _but_the_main_files_hash(text: bytes) -> list[bytes]:
    return [line for line in text.splitlines(keepends=True)
            if not line.startswith(("# Nämndbok lås 3 ".encode(), "föregående ".encode()))
            and not (line.startswith(b"fil ") and line.endswith(MAIN_FILE_LINE))]


def test_lock_files_of_older_formats_still_lock_and_the_next_close_seals_them_all(example_copy):
    """A committee's migration: its lock files as an older Nämndbok wrote them (the first and
    second formats) lock as before, with a warning, and the next lock command seals them all,
    chained in period order, with the same fingerprints."""
    example = example_copy  # as shipped: locked to 31 August 2026
    sealed = {path: path.read_bytes() for path in sorted(example.parent.glob("*/las*.txt"))}
    assert len(sealed) == 5
    for path in sealed:
        _as_written_by_an_older_namndbok(path, first_format=path.name == "las-2026-08-31.txt")
    june = example.parent / "2026" / "utfall" / "2026-06.beancount"
    original = june.read_text(encoding="utf-8")
    line = appended(june, LATE_INVOICE.format(date="2026-06-20"))
    code, out = run("kontrollera", example)
    assert code == 1 and f"{june}:{line}: Perioden 2026-01-01 – 2026-08-31 är stängd" in out
    june.write_text(original, encoding="utf-8")
    code, out = run("kontrollera", example)
    assert code == 0 and "5 varningar" in out and "låsfilen har ett äldre format utan kontrollsumma" in out, out
    code, out = run("period-close", "2026-08", example, "--las", "--utan-pdf")
    assert code == 0 and "är nu låst" in out, out
    main_file_seen = False
    for path, shipped in sealed.items():  # the example's lock files were sealed the same way, in the same order
        main_file_seen = main_file_seen or MAIN_FILE_LINE in shipped
        if main_file_seen:
            # Sealed before the main file took the namndbok.plugins.namndbok line (a sealed file is never
            # written again): the same but for the main file's hash and the seals chained over it.
            assert _but_the_main_files_hash(path.read_bytes()) == _but_the_main_files_hash(shipped), path
        else:
            assert path.read_bytes() == shipped, path
    code, out = run("kontrollera", example)
    assert code == 0 and "inga fel" in out and "varning" not in out, out


def test_a_correction_in_one_file_does_not_hide_an_entry_gone_from_another(example_copy):
    """A referenced correction explains an entry it replaces in its own file only."""
    example = example_copy  # as shipped: locked to 31 August 2026
    _june_without_its_first_transaction(example)
    may = example.parent / "2026" / "utfall" / "2026-05.beancount"
    appended(may, CORRECTION.replace("2026-06-30", "2026-05-31"))
    code, out = run("kontrollera", example)
    assert code == 1
    assert "men 1 post som fanns där vid stängningen saknas nu (2026/utfall/2026-06.beancount)" in out, out


def test_the_examples_locks_stay_where_they_were_written(example_copy):
    """The example's locks are in the older 2026/las.beancount: locking the delår again changes nothing
    (no new file, no new include line), and a new lock goes to a file of its own beside it."""
    example = example_copy
    folder = example.parent / "2026"
    shipped = {path.name: path.read_bytes() for path in folder.glob("las*")}
    main_before = example.read_bytes()
    code, out = run("period-close", "2026-08", example, "--las", "--utan-pdf")
    assert code == 0 and "är redan låst; inget ändrat" in out, out
    assert example.read_bytes() == main_before and {p.name for p in folder.glob("las*")} == set(shipped)

    code, out = run("period-close", "2026-10", example, "--las", "--utan-pdf")
    assert code == 0 and "Perioden 2026-01-01 – 2026-10-31 är nu låst" in out, out
    assert {path.name: path.read_bytes() for path in folder.glob("las*") if path.name in shipped} == shipped
    own = (folder / "las-2026-10-31.beancount").read_text(encoding="utf-8")
    assert own.count('custom "las"') == 1 and '2026-10-31 custom "las" "2026-01-01" "2026-10-31"' in own
    main_text = example.read_text(encoding="utf-8")
    assert 'include "*/las.beancount"' in main_text and 'include "*/las-*.beancount"' in main_text
    code, out = run("kontrollera", example)
    assert code == 0 and "inga fel" in out, out
