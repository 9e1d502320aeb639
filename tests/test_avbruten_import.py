"""An import killed in the middle (kill -9) leaves the ledger as it was, once the next command runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

from click.testing import CliRunner

from namndbok.kontoplan import load_kontoplan
from scripts.cli import main
from scripts.prestanda import generate_sie

from conftest import EXAMPLE_DIR, REPO

# Runs the real `namndbok import` in its own process and SIGKILLs that process
# right after its third file write: no Python cleanup, no `finally`.
KILLER = textwrap.dedent("""
    import os, signal, sys
    import importers.writer as writer
    real, count = writer.atomic_write_text, [0]
    def write_then_die(path, text):
        changed = real(path, text)
        count[0] += 1
        if count[0] == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return changed
    writer.atomic_write_text = write_then_die
    from scripts.cli import main
    main(sys.argv[1:])
""")


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_killed_import_is_undone_by_the_next_command_and_can_then_run_again(tmp_path):
    copy = tmp_path / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy)
    ledger = copy / "socialnamnden.beancount"
    export = tmp_path / "helar-2027.se"
    generate_sie(export, 600, load_kontoplan(copy / "kontoplan.toml"))  # twelve months, one file each
    before = snapshot(copy)

    killed = subprocess.run([sys.executable, "-c", KILLER, "import", str(export), str(ledger), "--lage", "detaljerad"],
                            cwd=REPO, capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    half = snapshot(copy)
    written = sorted(k for k in half if k.startswith("2027/utfall/"))
    assert written == ["2027/utfall/2027-01.beancount", "2027/utfall/2027-02.beancount", "2027/utfall/2027-03.beancount"]

    result = CliRunner().invoke(main, ["kontrollera", str(ledger)])
    assert "En avbruten import har återställts: 3 filer är som före importen" in result.stderr
    assert result.exit_code == 0, result.output
    assert snapshot(copy) == before

    result = CliRunner().invoke(main, ["import", str(export), str(ledger), "--lage", "detaljerad"])
    assert result.exit_code == 0, result.output
    assert len([k for k in snapshot(copy) if k.startswith("2027/utfall/")]) == 12
    assert not (copy / ".namndbok-avbruten-import").exists()
