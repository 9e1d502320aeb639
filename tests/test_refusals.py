"""Files and arguments that used to end in a Python traceback (or in thousands of errors):
each is now one Swedish message with the file, the line where there is one, and what to do.

The commands run from the ledger's parent folder with a relative path, as an economist
types them. Unreadable files are made so for real: the command runs as the user `nobody`
(root reads every file whatever its mode), on a copy of the example in a folder of /tmp
that `nobody` can read but not write.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import EXAMPLE_DIR, REPO, free_port, line_of, run, snapshot

MAIN = "exempel/socialnamnden.beancount"  # relative to the copy's parent folder


def _no_traceback(output: str) -> None:
    assert "Traceback" not in output and "Error" not in output, output


def _cli(*args, cwd: Path, user: list[str] | None = None, env: dict | None = None, timeout: float = 240):
    """`namndbok ARGS` as its own process in `cwd` (as another user with `user`): (exit code, output)."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    done = subprocess.run([*(user or []), sys.executable, "-m", "namndbok.scripts.cli", *map(str, args)], cwd=cwd, env=environment,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return done.returncode, done.stdout


# --- (a) an include that names a folder ---------------------------------------------


@pytest.fixture
def copy_in(tmp_path, monkeypatch):
    """A copy of the example in tmp_path/exempel, with tmp_path as the working folder."""
    shutil.copytree(EXAMPLE_DIR, tmp_path / "exempel", ignore=shutil.ignore_patterns("rapporter"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / MAIN


def _include_folder(main: Path) -> tuple[Path, int]:
    """`include "extra.beancount"` where extra.beancount is a folder: (the folder, the line)."""
    (main.parent / "extra.beancount").mkdir()
    with main.open("a", encoding="utf-8") as handle:
        handle.write('\ninclude "extra.beancount"\n')
    return main.parent / "extra.beancount", line_of(main, 'include "extra.beancount"')


@pytest.mark.parametrize("command", [["kontrollera"], ["uppfoljning", "--per", "2026-10"], ["eget-kapital"]])
def test_an_included_folder_is_one_error_at_its_include_line(copy_in, command):
    folder, line = _include_folder(copy_in)
    code, output = run(*command, MAIN)
    assert code == 1
    _no_traceback(output)
    assert f"{copy_in.absolute()}:{line}: {folder.absolute()} kan inte läsas (det är en mapp)" in output
    assert "1 fel" in output


def test_a_glob_that_matches_a_folder_is_refused_at_the_glob(copy_in):
    (copy_in.parent / "2026" / "utfall" / "gammalt.beancount").mkdir()
    code, output = run("kontrollera", MAIN)
    assert code == 1
    _no_traceback(output)
    line = line_of(copy_in, 'include "*/utfall/*.beancount"')
    assert f"{copy_in.absolute()}:{line}: " in output and "gammalt.beancount kan inte läsas (det är en mapp)" in output


def test_import_refuses_a_ledger_with_an_included_folder_and_writes_nothing(copy_in):
    _include_folder(copy_in)
    before = snapshot(copy_in.parent)
    code, output = run("import", "exempel/import/sie-2026-11.se", MAIN)
    assert code == 1
    _no_traceback(output)
    assert "kan inte läsas (det är en mapp)" in output
    assert snapshot(copy_in.parent) == before


def test_fava_refuses_an_included_folder_before_printing_an_address(copy_in):
    folder, line = _include_folder(copy_in)
    code, output = _cli("fava", MAIN, "--port", free_port(), cwd=copy_in.parent.parent, timeout=120)
    assert code == 1
    _no_traceback(output)
    assert f"{copy_in.absolute()}:{line}: {folder.absolute()} kan inte läsas (det är en mapp)" in output
    assert "http://" not in output


# --- (b), (c) files nobody may read, folders nobody may write -------------------------


@pytest.fixture
def as_nobody():
    """(a copy of the example that `nobody` may read but not write, how to run a command as `nobody` there)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run a command as the user nobody (root reads every file)")
    user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if subprocess.run([*user, sys.executable, "-c", f"import sys; sys.path.insert(0, {str(REPO)!r}); import namndbok.scripts.cli"],
                      capture_output=True).returncode != 0:
        pytest.skip(f"the user nobody cannot read {REPO} or {sys.executable}")
    base = Path(tempfile.mkdtemp(prefix="namndbok-nobody-"))
    try:
        os.chmod(base, 0o755)
        shutil.copytree(EXAMPLE_DIR, base / "exempel", ignore=shutil.ignore_patterns("rapporter"))
        home = base / "hem"
        home.mkdir(mode=0o777)
        os.chmod(home, 0o777)  # nobody's home, kept load and matplotlib folders: the only folder it may write
        env = {"HOME": str(home), "NAMNDBOK_CACHE_DIR": str(home / "cache"), "MPLCONFIGDIR": str(home / "mpl")}
        yield base / MAIN, lambda *args: _cli(*args, cwd=base, user=user, env=env)
    finally:
        shutil.rmtree(base)


@pytest.mark.parametrize("name, says", [
    ("kontoplan.toml", "kontoplan.toml:0: Kontoplanen kan inte läsas (åtkomst nekas)"),
    ("periodisering.toml", "periodisering.toml:0: Filen kan inte läsas (åtkomst nekas)"),
    ("2026/las-2026-08-31.txt", "las-2026-08-31.txt kan inte läsas (åtkomst nekas)"),
    ("2026/budget.beancount", "2026/budget.beancount kan inte läsas (åtkomst nekas)"),
])
def test_a_file_nobody_may_read_is_one_error_naming_it(as_nobody, name, says):
    main, cli = as_nobody
    os.chmod(main.parent / name, 0)
    code, output = cli("kontrollera", MAIN)
    assert code == 1
    _no_traceback(output)
    assert says in output
    assert output.count("åtkomst nekas") == 1
    assert output.rstrip().endswith("1 fel."), output[-300:]


def test_an_unreadable_include_is_said_at_its_include_line(as_nobody):
    main, cli = as_nobody
    os.chmod(main.parent / "2026" / "budget.beancount", 0)
    code, output = cli("uppfoljning", MAIN, "--per", "2026-10")
    assert code == 1
    line = line_of(main, '"*/budget.beancount"')
    assert f"{main}:{line}: {main.parent / '2026' / 'budget.beancount'} kan inte läsas (åtkomst nekas)" in output


def test_period_close_without_write_permission_writes_nothing(as_nobody):
    main, cli = as_nobody
    before = snapshot(main.parent)
    code, output = cli("period-close", "2026-10", MAIN, "--utan-pdf")
    assert code == 1
    _no_traceback(output)
    assert f"Kan inte skriva i {main.parent} (åtkomst nekas); inget är ändrat." in output
    assert not (main.parent / "rapporter").exists() and snapshot(main.parent) == before

    (main.parent / "rapporter").mkdir(mode=0o755)  # root's: nobody may not write in it either
    code, output = cli("period-close", "2026-10", MAIN, "--utan-pdf")
    assert code == 1
    assert f"Kan inte skriva i {main.parent / 'rapporter'} (åtkomst nekas)" in output
    assert list((main.parent / "rapporter").iterdir()) == []


def test_a_lock_without_write_permission_changes_nothing(as_nobody):
    main, cli = as_nobody
    (main.parent / "rapporter").mkdir()
    os.chmod(main.parent / "rapporter", 0o777)  # the report set may be written, the ledger not
    before = snapshot(main.parent)
    code, output = cli("period-close", "2026-10", MAIN, "--utan-pdf", "--las")
    assert code == 1
    _no_traceback(output)
    assert f"Perioden 2026-10 kunde inte låsas: Kan inte skriva i {main.parent} (åtkomst nekas); inget är ändrat." in output
    assert snapshot(main.parent) == before


def test_import_without_write_permission_writes_nothing(as_nobody):
    main, cli = as_nobody
    before = snapshot(main.parent)
    code, output = cli("import", "exempel/import/sie-2026-11.se", MAIN)
    assert code == 1
    _no_traceback(output)
    assert f"Importen skrevs inte. Kan inte skriva i {main.parent} (åtkomst nekas)" in output
    assert snapshot(main.parent) == before and not (main.parent / ".namndbok-avbruten").exists()


# --- (d) the port ----------------------------------------------------------------------


@pytest.mark.parametrize("port", ["70000", "-5"])
def test_a_port_outside_1_to_65535_is_refused(port):
    code, output = run("fava", "--port", port)
    assert code == 2
    assert "Ogiltigt värde för '--port'" in output and "1<=x<=65535" in output


def test_a_busy_port_is_said_before_any_address(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, output = _cli("fava", "--port", port, cwd=tmp_path, timeout=120)
    assert code == 1
    _no_traceback(output)
    assert f"Kan inte lyssna på 127.0.0.1:{port} (porten används redan)" in output
    assert "http://" not in output and "Läser" not in output


# --- (e) the kontoplan first and alone -------------------------------------------------


@pytest.mark.parametrize("damage, says", [
    (lambda plan: plan.unlink(), "kontoplan.toml:0: Kontoplanen finns inte."),
    (lambda plan: plan.write_text("namnd = \n", encoding="utf-8"), "kontoplan.toml:1: Filen är inte giltig TOML"),
])
def test_a_missing_or_broken_kontoplan_is_the_only_error(copy_in, damage, says):
    damage(copy_in.parent / "kontoplan.toml")
    code, output = run("kontrollera", MAIN)
    assert code == 1
    assert says in output.splitlines()[0], output
    assert output.rstrip().endswith("1 fel."), output[-300:]

    code, output = run("uppfoljning", MAIN, "--per", "2026-10")
    assert code == 1 and "Liggaren har 1 fel" in output and says in output


# --- (f), (g) --per ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ["uppfoljning"], ["avvikelser"], ["nyckeltal"], ["eget-kapital"], ["rapport", "driftredovisning"],
    ["export-fakta", "--till", "fakta.parquet"],
])
def test_an_empty_per_is_refused_alike_everywhere(copy_in, command):
    code, output = run(*command, MAIN, "--per", "")
    assert code == 2, output
    assert "Ogiltigt värde för '--per': '' är ingen period: skriv ÅÅÅÅ-MM (t.ex. 2026-10) eller ÅÅÅÅ-MM-DD." in output
    assert not (copy_in.parent.parent / "fakta.parquet").exists()


def test_period_close_refuses_an_empty_period_alike(copy_in):
    code, output = run("period-close", "", MAIN)
    assert code == 2
    assert "'' är ingen period: skriv ÅÅÅÅ-MM (t.ex. 2026-10) eller ÅÅÅÅ-MM-DD." in output


@pytest.mark.parametrize("per, says", [
    ("9999-12", "9999-12-31 ligger långt efter liggarens sista år med utfall, budget eller prognos (2027)"),
    ("1999-12", "1999-12-31 ligger före liggarens första utfall (2023-01-01)"),
])
def test_eget_kapital_refuses_a_date_far_from_the_ledger(copy_in, per, says):
    code, output = run("eget-kapital", MAIN, "--per", per)
    assert code == 1
    assert says in output
    assert len(output) < 1000  # one message, no table of thousands of columns


def test_eget_kapital_draws_up_to_a_year_past_the_ledger(copy_in):
    code, output = run("eget-kapital", MAIN, "--per", "2028-12")
    assert code == 0, output
    assert "2028" in output


# --- (h) one count of faults and warnings -----------------------------------------------


def test_fava_and_kontrollera_count_alike(copy_in):
    with copy_in.open("a", encoding="utf-8") as handle:  # a warning (namndbok.plugins.texter), no fault
        handle.write('\n2026-10-31 note Tillgångar:Socialnämnden:1690 "Se <b>fakturan</b>"\n')
    code, checked = run("kontrollera", MAIN)
    assert code == 0 and checked.rstrip().endswith("inga fel, 1 varning.")
    proc = subprocess.Popen([sys.executable, "-m", "namndbok.scripts.cli", "fava", MAIN, "--port", str(free_port())],
                            cwd=copy_in.parent.parent, env={**os.environ, "PYTHONPATH": str(REPO)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "http://" in line:
                break
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()
    printed = "".join(lines)
    assert "Liggaren har inga fel, 1 varning: se sidan Errors i Fava" in printed, printed
