"""One writer at a time, and readers that never see half of a change (namndbok.writer_lock, namndbok.plugins.skrivlas).

Real processes: `namndbok import` started together, a writer slowed down between its
files while readers poll, a writer killed in the middle, and the lock held by another
process while a command waits for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from namndbok.kontoplan import load_kontoplan
from namndbok.scripts.cli import main
from namndbok.importers.sie.writer import generate_sie

from conftest import REPO, contents, snapshot

KALLA_OF_YEAR = "Kalla of the year's export"


def _namndbok(*args, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "namndbok.scripts.cli", *map(str, args)], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})


def _exports(folder: Path, ledger: Path, years) -> dict[int, Path]:
    plan = load_kontoplan(ledger.parent / "kontoplan.toml")
    found = {}
    for year in years:
        export = folder / f"helar-{year}.se"
        generate_sie(export, 2000, plan, year=year, seed=year)
        found[year] = export
    return found


def _imported(entries, year: int) -> int:
    """How many imported entries (one per month, summerad) the ledger holds for `year`."""
    return sum(1 for e in entries if "importid" in getattr(e, "meta", {}) and e.date.year == year)


@pytest.mark.slow
def test_writers_started_together_each_import_whole_or_not_at_all(example_copy, tmp_path):
    """Four `namndbok import` at once (two of them the same file), twice: each waits for the
    other, prints what it did, and the ledger holds every export whole, once."""
    ledger = example_copy
    exports = _exports(tmp_path, ledger, (2027, 2028, 2029))
    for round_ in range(2):
        jobs = [exports[2027], exports[2028], exports[2029], exports[2027]]
        procs = [_namndbok("import", export, ledger) for export in jobs]
        outputs = [proc.communicate(timeout=300)[0] for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0, 0, 0], outputs
        added = [out for out in outputs if "Lade till 12 poster." in out]
        nothing = [out for out in outputs if "Inget nytt: allt i exporten finns redan i liggaren." in out]
        if round_ == 0:
            assert len(added) == 3 and len(nothing) == 1, outputs  # one of the two 2027 imports found it done
        else:
            assert not added and len(nothing) == 4, outputs
        assert not (ledger.parent / ".namndbok-avbruten").exists()

    from namndbok.loading import faults, load

    entries, errors, _ = load(ledger, fresh=True)
    assert not faults(errors)
    assert [_imported(entries, year) for year in (2027, 2028, 2029)] == [12, 12, 12]
    # The totals check: a dry run of each export finds exactly its totals in the ledger.
    for export in exports.values():
        code, out = _run("import", export, ledger, "--torrkorning")
        assert code == 0 and "Inget nytt" in out, out


def _run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


# A `namndbok` command in its own process whose `namndbok.importers.writer.atomic_write_text` pauses
# after each file it writes, so that readers run while the import is half-way.
SLOW_WRITER = textwrap.dedent("""
    import sys, time
    import namndbok.importers.writer as writer
    real = writer.atomic_write_text
    def write_then_pause(*args):
        changed = real(*args)
        time.sleep(float(sys.argv[1]))
        return changed
    writer.atomic_write_text = write_then_pause
    from namndbok.scripts.cli import main
    main(sys.argv[2:])
""")

# Beancount's loader as bean-check runs it, reporting what it read: the imported entries of
# 2027, and whether namndbok.plugins.skrivlas refused the load. argv[0] is bean-check's, so that
# the plugin treats the process as the one-shot command it stands for.
BEAN_CHECK_READER = textwrap.dedent("""
    import sys
    sys.argv[0] = "bean-check"
    from beancount import loader
    entries, errors, _ = loader.load_file(sys.argv[1])
    imported = sum(1 for e in entries if "importid" in getattr(e, "meta", {}) and e.date.year == 2027)
    refused = any("medan" in e.message for e in errors)
    print(imported, refused)
""")


@pytest.mark.slow
def test_a_reader_during_an_import_sees_the_ledger_before_or_after(example_copy, tmp_path):
    """While an import writes its twelve month files (0,3 s apart), our loads only ever see
    none or all twelve, and a bean-check that read a mix is refused, never passed."""
    from namndbok.loading import faults, load

    ledger = example_copy
    export = _exports(tmp_path, ledger, (2027,))[2027]
    writer = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, "0.3", "import", str(export), str(ledger)],
                              cwd=REPO, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ours, theirs = [], []

    def bean_check_reads():
        while writer.poll() is None:
            done = subprocess.run([sys.executable, "-c", BEAN_CHECK_READER, str(ledger)], cwd=REPO,
                                  capture_output=True, text=True)
            count, refused = done.stdout.split()
            theirs.append((int(count), refused == "True"))

    other = threading.Thread(target=bean_check_reads)
    other.start()
    while writer.poll() is None:
        entries, errors, _ = load(ledger, fresh=True)
        ours.append((_imported(entries, 2027), [e.message for e in faults(errors)]))
    other.join()
    assert writer.returncode == 0 and "Lade till 12 poster." in writer.stdout.read()
    writer.stdout.close()

    assert ours and all(count in (0, 12) and not wrong for count, wrong in ours), ours
    assert theirs and all(count in (0, 12) or refused for count, refused in theirs), theirs
    assert any(refused for _, refused in theirs), "no bean-check read ran while the import wrote"
    # Afterwards a bean-check passes: nothing is being written (it starts clear of the clock's margin).
    time.sleep(0.1)
    done = subprocess.run([sys.executable, "-c", BEAN_CHECK_READER, str(ledger)], cwd=REPO, capture_output=True, text=True)
    assert done.stdout.split() == ["12", "False"], done.stdout


def test_bean_check_refuses_a_ledger_a_killed_import_left_half_written(example_copy, tmp_path):
    """kill -9 after three of twelve month files: the real bean-check says so (until the next
    namndbok command undoes the import), instead of passing a ledger with three months."""
    from test_avbruten_import import killed

    ledger = example_copy
    export = _exports(tmp_path, ledger, (2027,))[2027]
    before = contents(snapshot(ledger.parent))
    killed("namndbok.importers.writer:atomic_write_text", 3, "import", export, ledger)
    bean_check = Path(sys.executable).parent / "bean-check"
    done = subprocess.run([str(bean_check), str(ledger)], capture_output=True, text=True)
    assert done.returncode != 0
    assert "Liggaren lästes medan ett namndbok-kommando skrev i den, eller efter att ett sådant avbröts" in done.stdout + done.stderr

    code, out = _run("kontrollera", ledger)
    assert code == 0 and "Ett avbrutet `namndbok import` har ångrats: 3 filer" in out, out
    assert contents(snapshot(ledger.parent)) == before
    assert subprocess.run([str(bean_check), str(ledger)], capture_output=True, text=True).returncode == 0


HOLDER = textwrap.dedent("""
    import sys, time
    from namndbok.writer_lock import writing
    with writing(sys.argv[1], "namndbok import"):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def _hold_lock(ledger: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the ledger's write lock for `seconds` (once it printed "held")."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(ledger), str(seconds)], cwd=REPO, text=True,
                            stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_command_waits_for_the_writer_and_then_runs(example_copy):
    ledger = example_copy
    holder = _hold_lock(ledger, 1.5)
    started = time.monotonic()
    reader = _namndbok("kontrollera", ledger)
    out = reader.communicate(timeout=120)[0]
    holder.wait()
    holder.stdout.close()
    assert reader.returncode == 0, out
    assert f"Väntar på `namndbok import` (process {holder.pid}), som skriver i liggaren socialnamnden.beancount" in out
    assert time.monotonic() - started >= 1.0 and "inga fel" in out


@pytest.mark.parametrize("command", [("kontrollera",), ("import", "{export}"), ("bokslut", "2026")])
def test_a_command_gives_up_after_the_wait_in_swedish_and_changes_nothing(example_copy, tmp_path, command):
    ledger = example_copy
    export = _exports(tmp_path, ledger, (2027,))[2027] if "{export}" in command else None
    before = contents(snapshot(ledger.parent))
    holder = _hold_lock(ledger, 30)
    try:
        args = [str(export) if part == "{export}" else part for part in command]
        proc = _namndbok(*args, ledger, env={"NAMNDBOK_VANTA": "1"})
        out = proc.communicate(timeout=120)[0]
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert proc.returncode == 1, out
    assert (f"Fel: `namndbok import` (process {holder.pid}) skriver fortfarande i liggaren {ledger} efter 1 s. "
            "Vänta tills det är klart och kör sedan igen") in out
    assert "Traceback" not in out
    assert contents(snapshot(ledger.parent)) == before


def test_no_file_of_a_ledger_is_changed_without_its_write_lock(example_copy):
    from namndbok.writer_lock import NotLocked, journaled, writing

    with pytest.raises(NotLocked):
        with journaled(example_copy, "namndbok import"):
            pass
    with writing(example_copy, "namndbok import"), journaled(example_copy, "namndbok import") as originals:
        assert originals.write(example_copy, example_copy.read_text(encoding="utf-8") + "; ändrad\n")
    assert example_copy.read_text(encoding="utf-8").endswith("; ändrad\n")


def test_fava_reloads_wait_for_a_writer(example_copy):
    """Our extension makes Fava's reloads read under the lock: a reload while another process
    writes waits for it."""
    from fava.application import create_app

    app = create_app([example_copy], load=True)
    fava_ledger = app.config["LEDGERS"].ledgers[0]
    holder = _hold_lock(example_copy, 1.5)
    started = time.monotonic()
    fava_ledger.load_file()
    waited = time.monotonic() - started
    holder.wait()
    holder.stdout.close()
    assert waited >= 1.0, waited


@pytest.mark.slow
@pytest.mark.parametrize("name", ["CC2-foretaget.SE", "SIE_test_av_KST_projekt_Testbolaget_e - kopia.SE"])
def test_two_imports_of_a_real_export_at_once_from_the_ledgers_folder(tmp_path, name):
    """A committee's ledger made from a real SIE file (../shared/sie); the file imported twice at
    once, by two `namndbok import` started in the ledger's folder with relative paths: one books
    it, the other finds it there; the accounts hold the file's own totals, once."""
    from collections import defaultdict
    from decimal import Decimal

    from conftest import SHARED
    from namndbok.importers.sie.parser import parse_sie
    from test_import_shared_sie import konto_totals, make_ledger

    source = SHARED / "sie" / name
    if not source.is_file():
        pytest.skip(f"{source} saknas (../shared ligger inte bredvid utcheckningen)")
    sie = parse_sie(source.read_bytes(), str(source))
    ledger = make_ledger(tmp_path, sie)
    (tmp_path / "import").mkdir()
    export = tmp_path / "import" / "export.se"
    export.write_bytes(source.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-m", "namndbok.scripts.cli", "import", "import/export.se", ledger.name],
                              cwd=tmp_path, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for _ in range(2)]
    outputs = [proc.communicate(timeout=300)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    assert sorted("Lade till" in out for out in outputs) == [False, True], outputs
    assert any("Inget nytt: allt i exporten finns redan i liggaren." in out for out in outputs), outputs
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for voucher in sie.vouchers:
        for row in voucher.rows:
            expected[row.konto] += row.amount
    assert konto_totals(ledger) == {k: v for k, v in expected.items() if v}


def test_a_second_import_from_the_ledgers_folder_with_relative_paths(example_copy, tmp_path, monkeypatch):
    """From the ledger's folder, `namndbok import import/x.se socialnamnden.beancount` twice with
    different months: the second finds its month files included (paths resolved at the edge),
    not "Duplicate filename parsed"."""
    plan = load_kontoplan(example_copy.parent / "kontoplan.toml")
    (example_copy.parent / "import").mkdir(exist_ok=True)
    for year in (2027, 2028):
        generate_sie(example_copy.parent / "import" / f"x-{year}.se", 400, plan, year=year, seed=year)
    monkeypatch.chdir(example_copy.parent)
    for year in (2027, 2028):
        code, out = _run("import", f"import/x-{year}.se", example_copy.name)
        assert code == 0 and "Lade till 12 poster." in out, out
    assert example_copy.read_text(encoding="utf-8").count('include "*/utfall/*.beancount"') == 1
    code, out = _run("kontrollera", example_copy.name)
    assert code == 0 and "inga fel" in out, out


def test_beancounts_pickle_cache_serves_no_load_across_a_write(example_copy, tmp_path, monkeypatch):
    """bean-check loads through Beancount's pickle cache (kept for loads over 1 s). A load refused
    while a writer was at work is not served again once it is done, and a load from before an
    import that adds new month files (an include glob) is not served after it."""
    import functools

    from beancount import loader

    monkeypatch.setattr(sys, "argv", ["bean-check", str(example_copy)])
    cache = str(tmp_path / "cache.pickle")
    monkeypatch.setenv("BEANCOUNT_LOAD_CACHE_FILENAME", cache)  # where namndbok.plugins.skrivlas finds the cache
    cached = loader.pickle_cache_function(functools.partial(loader.get_cache_filename, cache), 0,
                                          loader._uncached_load_file)

    def cached_load(path):  # as loader.load_file calls it, with a threshold of 0 s
        return cached(path, None, None, None)

    journal = example_copy.parent / ".namndbok-avbruten"
    journal.mkdir()  # a writer at work
    assert any("medan" in e.message for e in cached_load(str(example_copy))[1])
    journal.rmdir()  # … done
    assert not [e for e in cached_load(str(example_copy))[1] if "medan" in e.message]

    entries, errors, _ = cached_load(str(example_copy))
    assert errors == [] and Path(cache).exists()
    export = _exports(tmp_path, example_copy, (2027,))[2027]
    monkeypatch.setattr(sys, "argv", ["namndbok"])
    code, out = _run("import", export, example_copy)
    assert code == 0, out
    monkeypatch.setattr(sys, "argv", ["bean-check", str(example_copy)])
    time.sleep(0.05)
    assert _imported(cached_load(str(example_copy))[0], 2027) == 12
