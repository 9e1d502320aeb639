"""An import killed in the middle (kill -9) leaves the ledger as it was, once the next command runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest

from click.testing import CliRunner

from namndbok.kontoplan import load_kontoplan
from namndbok.scripts.cli import main
from namndbok.importers.sie.writer import generate_sie

from conftest import REPO, contents, snapshot

# Runs a real `namndbok` command in its own process and SIGKILLs that process
# right after the n-th call of a write function: no Python cleanup, no `finally`.
# argv: module, attribute (Class.method or function), n, then the command.
KILLER = textwrap.dedent("""
    import importlib, os, signal, sys
    module_name, attribute, after = sys.argv[1:4]
    holder = importlib.import_module(module_name)
    *owners, name = attribute.split(".")
    for owner in owners:
        holder = getattr(holder, owner)
    real, count = getattr(holder, name), [0]
    def write_then_die(*args):
        changed = real(*args)
        count[0] += 1
        if count[0] == int(after):
            os.kill(os.getpid(), signal.SIGKILL)
        return changed
    setattr(holder, name, write_then_die)
    from namndbok.scripts.cli import main
    main(sys.argv[4:])
""")


def killed(write: str, after: int, *command):
    """Run `namndbok command` and SIGKILL it after its `after`-th call of `write` ("module:attribute")."""
    module, attribute = write.split(":")
    proc = subprocess.run([sys.executable, "-c", KILLER, module, attribute, str(after), *map(str, command)],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == -9, proc.stdout + proc.stderr


def test_a_killed_import_is_undone_by_the_next_command_and_can_then_run_again(example_copy, tmp_path):
    ledger = example_copy
    copy = ledger.parent
    export = tmp_path / "helar-2027.se"
    generate_sie(export, 600, load_kontoplan(copy / "kontoplan.toml"))  # twelve months, one file each
    before = contents(snapshot(copy))

    killed("namndbok.importers.writer:atomic_write_text", 3, "import", export, ledger, "--lage", "detaljerad")
    half = contents(snapshot(copy))
    written = sorted(k for k in half if k.startswith("2027/utfall/"))
    assert written == ["2027/utfall/2027-01.beancount", "2027/utfall/2027-02.beancount", "2027/utfall/2027-03.beancount"]

    result = CliRunner().invoke(main, ["kontrollera", str(ledger)])
    assert "Ett avbrutet `namndbok import` har ångrats: 3 filer är som före kommandot" in result.stderr
    assert result.exit_code == 0, result.output
    assert contents(snapshot(copy)) == before

    result = CliRunner().invoke(main, ["import", str(export), str(ledger), "--lage", "detaljerad"])
    assert result.exit_code == 0, result.output
    assert len([k for k in contents(snapshot(copy)) if k.startswith("2027/utfall/")]) == 12
    assert not (copy / ".namndbok-avbruten").exists()


def test_a_killed_bokslut_is_undone_by_the_next_command_and_can_then_run_again(write_ledger):
    from test_bokslut import months

    ledger, _, errors, _ = write_ledger(months(2024) + months(2025))
    assert errors == []
    before = contents(snapshot(ledger.parent))
    killed("namndbok.journal:Originals.write", 2, "bokslut", "2024", ledger)  # las.txt and bokslut.beancount written
    half = contents(snapshot(ledger.parent))
    assert "2024/bokslut.beancount" in half and "2024/las.txt" in half
    assert half["main.beancount"] == before["main.beancount"]

    result = CliRunner().invoke(main, ["kontrollera", str(ledger)])
    assert "Ett avbrutet `namndbok bokslut 2024` har ångrats: 2 filer är som före kommandot" in result.stderr
    assert result.exit_code == 0, result.output
    assert contents(snapshot(ledger.parent)) == before

    result = CliRunner().invoke(main, ["bokslut", "2024", str(ledger)])
    assert result.exit_code == 0 and "Bokslutet för 2024 är skrivet" in result.output, result.output
    assert not (ledger.parent / ".namndbok-avbruten").exists()


def test_a_killed_period_lock_is_undone_by_the_next_command_and_can_then_run_again(example_copy):
    from test_las_period import example_before_the_locks

    ledger = example_before_the_locks(example_copy)
    copy = ledger.parent
    before = contents(snapshot(copy))
    killed("namndbok.journal:Originals.write", 2, "period-close", "2026-08", ledger, "--las", "--utan-pdf")
    half = contents(snapshot(copy))
    assert "2026/las-2026-08-31.beancount" in half and "2026/las-2026-08-31.txt" in half

    result = CliRunner().invoke(main, ["kontrollera", str(ledger)])
    assert "Ett avbrutet `namndbok period-close 2026-08 --las` har ångrats: 2 filer" in result.stderr
    assert result.exit_code == 0, result.output
    assert contents(snapshot(copy)) == before

    result = CliRunner().invoke(main, ["period-close", "2026-08", str(ledger), "--las", "--utan-pdf"])
    assert result.exit_code == 0 and "är nu låst" in result.output, result.output


def _journal_of_one_change(write_ledger):
    """A ledger and a journal beside it that holds the ledger's text before a change
    (its text + "; före"): (ledger, journal, text now)."""
    import json

    ledger, _, errors, _ = write_ledger("")
    journal = ledger.parent / ".namndbok-avbruten"
    journal.mkdir()
    text = ledger.read_text(encoding="utf-8")
    (journal / "000001.json").write_text(json.dumps({"fil": str(ledger), "text": text + "; före\n"}), encoding="utf-8")
    return ledger, journal, text


@contextmanager
def _another_process():
    """A process that runs while the block does (a stand-in for a command still writing)."""
    proc = subprocess.Popen(["sleep", "60"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def _journal_names(journal: Path, pid: int, start: int | None) -> None:
    import json
    import socket

    record = {"kommando": "namndbok import", "pid": pid, "dator": socket.gethostname()}
    if start is not None:
        record["start"] = start
    (journal / "kommando.json").write_text(json.dumps(record), encoding="utf-8")


def _undone(ledger: Path, journal: Path, text: str) -> None:
    """The next command undoes the journal's change and says so."""
    result = CliRunner().invoke(main, ["kontrollera", str(ledger)])
    assert "Ett avbrutet `namndbok import` har ångrats: 1 fil är som före kommandot" in result.stderr
    assert ledger.read_text(encoding="utf-8") == text + "; före\n" and not journal.exists()


@pytest.mark.parametrize("with_start", [False, True])  # a journal from before the start time was kept; one with it
def test_a_journal_of_a_command_still_running_is_left_alone(write_ledger, with_start):
    from namndbok.journal import process_start

    ledger, journal, text = _journal_of_one_change(write_ledger)
    with _another_process() as writer:
        _journal_names(journal, writer.pid, process_start(writer.pid) if with_start else None)
        result = CliRunner().invoke(main, ["kontrollera", str(ledger)])
        assert result.exit_code == 1
        assert f"`namndbok import` (process {writer.pid}) skriver i liggaren just nu" in result.output
        assert ledger.read_text(encoding="utf-8") == text and journal.is_dir()
    _undone(ledger, journal, text)


def test_a_journal_whose_pid_now_belongs_to_another_process_is_recovered(write_ledger):
    """The system reuses pids: a journal names its process by pid and start time, so a
    process that only has the pid is not taken for the command that was killed."""
    from namndbok.journal import process_start

    ledger, journal, text = _journal_of_one_change(write_ledger)
    with _another_process() as other:
        started = process_start(other.pid)
        assert isinstance(started, int)
        _journal_names(journal, other.pid, started - 1)  # the pid, but another start
        _undone(ledger, journal, text)
