"""Every `namndbok` command with odd arguments, derived from click's own command tree.

Each input is one command of `namndbok.scripts.cli.main` (not `fava`, which starts a
server) with arguments drawn for its parameters by their click type: paths that
are the ledger, a directory, a missing file, an empty string, a unicode name;
numbers that are negative, huge or not numbers; periods like 2026-13 and 9999-12. It runs in this process (click's CliRunner) on a copy
of the example. Property: exit code 0, 1 or 2 with output, no traceback (the
exception is none or SystemExit), within TIME_BOUND seconds, and no partial
write: the copy's files are unchanged, or the ledger they make loads without a
fault (`namndbok kontrollera`). Every path parameter is given (never its default,
which may be the repository's own example). NAMNDBOK_FUZZ_SCALE multiplies the inputs.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLE_DIR, EXAMPLE_LEDGER, contents, snapshot
from test_fuzz_ledger import fuzz_settings

TIME_BOUND = 120.0  # seconds for one command (period-close writes its PDF through Chromium)
SKIPPED = {"fava"}
ODD_TEXT = ["", " ", "-5", "0", "2026", "2026-10", "2026-10-31", "2026-13", "2026-00", "9999-12", "0001-01", "2026-02-30",
            "10" * 20, "1e400", "nan", "x", "ö\u200bå", "\x00", "--per", "KF-budget 2026", "Internbudget 2026",
            "SN 2026-12-10 §150", "radgrupp", "verksamhet", "<b>"]
ODD_INT = ["-5", "0", "1", "2025", "2026", "2027", "9999", "10000", str(10 ** 30), "", "x", "2026-10"]
ODD_FLOAT = ["-5", "0", "0.5", "1e308", "1e400", "nan", "inf", "", "x"]


def commands() -> dict[str, click.Command]:
    from namndbok.scripts.cli import main

    return {name: command for name, command in main.commands.items() if name not in SKIPPED}


def path_values(folder: Path) -> list[str]:
    """Paths a command may be given: the ledger, its settings and an export, and odd ones."""
    main = folder / "exempel" / EXAMPLE_LEDGER.name
    odd = folder / "udda"
    return [str(main), str(main), str(main.parent / "kontoplan.toml"), str(main.parent / "layouter" / "driftredovisning.toml"),
            str(main.parent / "import" / "sie-2026-11.se"), str(main.parent / "2026" / "budget.beancount"),
            str(odd / "katalog"), str(odd / "saknas.beancount"), str(odd / "tom.txt"), str(odd / "ö å\u200b.txt"),
            str(odd / "ut" / "fil.xlsx"), str(odd / "ut-katalog"), ""]


def sound_values(folder: Path) -> dict[str, list[str]]:
    """Values that a parameter of this name takes when the command is used right (by the parameter's name)."""
    main = folder / "exempel" / EXAMPLE_LEDGER.name
    return {"ledger": [str(main)], "period": ["2026-10", "2026-08", "2025-12", "2026-13", "9999-12"],
            "year": ["2025", "2026", "2027"], "layout": [str(main.parent / "layouter" / "driftredovisning.toml")],
            "export": [str(main.parent / "import" / "sie-2026-11.se")], "target": [str(folder / "udda" / "ut" / "fil.xlsx")]}


@st.composite
def command_line(draw, folder: Path) -> list[str]:
    """A command and arguments for its parameters, drawn by their click type."""
    name = draw(st.sampled_from(sorted(commands())))
    args = [name]
    for param in commands()[name].params:
        kind = param.type
        if isinstance(kind, click.Path):
            values = st.sampled_from(path_values(folder))  # always given: the default may be the repository's example
        elif isinstance(kind, click.Choice):
            values = st.sampled_from([*kind.choices, "", "x"])
        elif isinstance(kind, (click.types.IntParamType, click.IntRange)):
            values = st.sampled_from(ODD_INT)
        elif isinstance(kind, click.types.FloatParamType):
            values = st.sampled_from(ODD_FLOAT)
        else:
            values = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=10))
        sound = sound_values(folder).get(param.name)
        if sound and draw(st.integers(0, 2)):  # two in three: a value that takes the command past its parsing
            values = st.sampled_from(sound)
        # Paths always given (the default may be the repository's example), but -f/--liggare, which only
        # repeats LIGGARE: given half the time, so that most runs get past "the ledger given twice".
        given_anyway = (isinstance(kind, click.Path) and param.name != "ledger_option") or param.required
        if isinstance(param, click.Option) and param.is_flag:
            if draw(st.booleans()):
                args.append(param.opts[0])
        elif isinstance(param, click.Option):
            if given_anyway or draw(st.booleans()):
                args += [param.opts[0], draw(values)]
        elif given_anyway or draw(st.booleans()):
            args.append(draw(values))
    return args


class Workplace(tuple):
    """(folder, the copy's snapshot), shown by its folder alone in a failure's report."""

    def __new__(cls, folder: Path, original: dict):
        return super().__new__(cls, (folder, original))

    def __repr__(self) -> str:
        return f"Workplace({self[0]})"


@pytest.fixture(scope="module")
def workplace(tmp_path_factory):
    """A folder with a copy of the example (`exempel/`) and odd paths (`udda/`), and the copy's snapshot."""
    folder = tmp_path_factory.mktemp("cli")
    shutil.copytree(EXAMPLE_DIR, folder / "exempel", ignore=shutil.ignore_patterns("rapporter"))
    odd = folder / "udda"
    (odd / "katalog").mkdir(parents=True)
    (odd / "tom.txt").write_bytes(b"")
    (odd / "ö å\u200b.txt").write_text("ingen liggare\n", encoding="utf-8")
    return Workplace(folder, snapshot(folder / "exempel"))


def renew(folder: Path, original: dict) -> None:
    """Put the example copy back as it was (its files' times too, so kept loads stay valid)."""
    copy = folder / "exempel"
    if contents(snapshot(copy)) != contents(original):
        shutil.rmtree(copy)
        shutil.copytree(EXAMPLE_DIR, copy, ignore=shutil.ignore_patterns("rapporter"))
    for name in ("ut", "ut-katalog", "arbetskatalog"):
        shutil.rmtree(folder / "udda" / name, ignore_errors=True)


WRITER_LOCK = ".namndbok-skrivlas"  # the writer lock's file (namndbok.writer_lock, on main), left in a folder by design


def written(folder: Path) -> list[str]:
    """The names in `folder`, without the writer lock's file."""
    return sorted(p.name for p in folder.iterdir() if p.name != WRITER_LOCK)


def invoke(args: list[str], cwd: Path | None = None):
    """Run `namndbok ARGS` here, in `cwd` if given (an empty path is the current folder:
    `export-fakta --till ""` writes its export there); (result, seconds)."""
    from namndbok.scripts.cli import main

    started = time.monotonic()
    before = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(before)
    return result, time.monotonic() - started


def test_every_command_but_the_skipped_is_fuzzed():
    from namndbok.scripts.cli import main

    assert set(commands()) == set(main.commands) - SKIPPED
    assert {"kontrollera", "bokslut", "import", "period-close", "rapport"} <= set(commands())


def assert_command_behaves(folder: Path, original: dict, args: list[str]) -> None:
    before = snapshot(folder / "exempel")
    scratch = folder / "udda" / "arbetskatalog"
    scratch.mkdir(exist_ok=True)
    try:
        result, seconds = invoke(args, cwd=scratch)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception), result.output)
        assert "Traceback" not in result.output, (args, result.output)
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
        assert result.output.strip(), args
        assert seconds < TIME_BOUND, (args, seconds)
        if contents(snapshot(folder / "exempel")) != contents(before):
            check, _ = invoke(["kontrollera", str(folder / "exempel" / EXAMPLE_LEDGER.name)])
            assert check.exit_code == 0, (args, "left a ledger with faults:", check.output[-3000:])
    finally:
        renew(folder, original)


@fuzz_settings(60)
@given(data=st.data())
def test_any_command_line_is_answered_in_swedish(workplace, data):
    folder, original = workplace
    example = contents(snapshot(EXAMPLE_DIR))
    assert_command_behaves(folder, original, data.draw(command_line(folder), label="args"))
    assert contents(snapshot(EXAMPLE_DIR)) == example, "a command wrote into the repository's example"


# --- Crashes the fuzzing found, each at its minimal input ------------------------------

def test_exempel_into_a_folder_without_the_kontoplan_is_refused_in_swedish(tmp_path):
    # Found by test_any_command_line_is_answered_in_swedish: `namndbok exempel --ut EMPTY_FOLDER`
    # ended in a KontoplanError traceback.
    result, _ = invoke(["exempel", "--ut", str(tmp_path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"{tmp_path / 'kontoplan.toml'}:0: Kontoplanen finns inte." in result.output
    assert "exempelnämndens kontoplan.toml" in result.output and "Traceback" not in result.output
    assert written(tmp_path) == []


@pytest.mark.parametrize("command, needed_by", [
    (["import-volymer", str(EXAMPLE_DIR / "import" / "sie-2026-11.se")], "importen"),
    (["import-budget", str(EXAMPLE_DIR / "2026" / "budget.beancount"), "--namn", "x", "--beslut", "y", "--ar", "2026"], "importen"),
    (["import", str(EXAMPLE_DIR / "import" / "sie-2026-11.se")], "importen"),
    (["nyckeltal", "--per", "2026-10"], "nyckeltalen"),
])
def test_a_ledger_without_a_kontoplan_is_refused_in_swedish(tmp_path, command, needed_by):
    # Found by test_any_command_line_is_answered_in_swedish at NAMNDBOK_FUZZ_SCALE=10: `namndbok import-volymer
    # SIE EMPTY_FILE` ended in a StopIteration traceback (importers/volymer/writer.py took the first kontoplan
    # of none); so did `namndbok nyckeltal`. import-budget refused the workbook first; import already refused.
    ledger = tmp_path / "tom.beancount"
    ledger.write_text("", encoding="utf-8")
    name, first, *rest = command
    args = [name, first, str(ledger), *rest] if name != "nyckeltal" else [name, str(ledger), first, *rest]
    if name == "import-budget":
        workbook = tmp_path / "budget.csv"
        workbook.write_text("verksamhet;Konto;Ansvar;Årsbudget\n5731;4610;2200;1000\n", encoding="utf-8")
        args[1] = str(workbook)
    result, _ = invoke(args)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (repr(result.exception), result.output)
    assert f'{ledger}: Liggaren har ingen kontoplan (plugin "namndbok.plugins.namndbok"); {needed_by} behöver den.' in result.output
    assert ledger.read_text(encoding="utf-8") == "" and written(tmp_path) == sorted(
        ["tom.beancount", *(["budget.csv"] if name == "import-budget" else [])])


@pytest.mark.parametrize("value, says", [("nan", "nan är inget antal mnkr; skriv 0 eller mer, till exempel 0,5."),
                                         ("inf", "inf är inget antal mnkr; skriv 0 eller mer"),
                                         ("-5", "-5 är inget antal mnkr; skriv 0 eller mer")])
def test_an_avvikelse_threshold_that_is_no_amount_is_refused_in_swedish(workplace, value, says):
    # Found by test_any_command_line_is_answered_in_swedish at NAMNDBOK_FUZZ_SCALE=10: `--troskel nan` ended in
    # a decimal.InvalidOperation traceback (Decimal('NaN') compared with each deviation).
    folder, _ = workplace
    result, _ = invoke(["avvikelser", str(folder / "exempel" / EXAMPLE_LEDGER.name), "--per", "2026-10", "--troskel", value])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (repr(result.exception), result.output)
    assert f"Fel: Ogiltigt värde för '--troskel': {says}" in result.output


def test_an_empty_budget_version_is_refused_in_swedish(workplace):
    # Found by test_any_command_line_is_answered_in_swedish at NAMNDBOK_FUZZ_SCALE=10: `uppfoljning
    # --budgetversion ""` passed the check (an empty text is false) and ended in a KeyError('') traceback.
    folder, _ = workplace
    result, _ = invoke(["uppfoljning", str(folder / "exempel" / EXAMPLE_LEDGER.name), "--per", "2026-10", "--budgetversion", ""])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (repr(result.exception), result.output)
    assert "Budgetbeslutet '' finns inte i liggaren." in result.output


def test_a_kommun_with_a_null_character_is_refused_in_swedish(workplace, tmp_path):
    # Found by test_any_command_line_is_answered_in_swedish at NAMNDBOK_FUZZ_SCALE=10: `export-fakta --till FOLDER
    # --kommun "\x00"` ended in "ValueError: embedded null byte" (the partition folder kommun=\x00).
    folder, _ = workplace
    target = tmp_path / "fakta"
    result, _ = invoke(["export-fakta", str(folder / "exempel" / EXAMPLE_LEDGER.name), "--till", str(target), "--kommun", "\x00"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (repr(result.exception), result.output)
    assert "Kommunen innehåller ett nolltecken (\\0), som inte kan stå i ett katalognamn" in result.output
    assert not target.exists()
