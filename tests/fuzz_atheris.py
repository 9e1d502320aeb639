"""Coverage-guided fuzzing of the readers with atheris (libFuzzer for Python).

Targets: the SIE reader, the huvudbok CSV reader, the budget workbook and
volume list readers (CSV; volumes also XLSX), the kontoplan and layout files,
periodisering.toml, nyckeltal.toml and import.toml, and a ledger file through
Beancount and our plugins (`liggare`, the property of test_fuzz_ledger.py).

The property is the one of test_fuzz_readers.py: a reader returns rows, or
raises its Swedish error whose text starts with the file's name and line
(`SourceError`, `KontoplanError`, `LayoutError`); any other exception is a
crash, which libFuzzer saves (`crash-…` in the working directory) with its
traceback. Each target starts from real files (the example's and the shared
SIE exports, the fuzz tests' seeds) and keeps what it learns in a corpus
directory, so a long campaign can be resumed.

    python -m tests.fuzz_atheris sie --runs 200000
    python -m tests.fuzz_atheris huvudbok --runs 100000 --korpus /tmp/korpus-hb --sekunder 900

Prints `fuzz <target>: <n> inputs, <s> s, <k> in the corpus` at the end (from
libFuzzer's own count). tests/test_fuzz_atheris.py runs every target for a
few thousand inputs.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
SETTINGS = ("periodisering", "nyckeltal", "import")  # the other TOML files beside the ledger
EXPORTS = {"sie": "export.se", "huvudbok": "huvudbok.csv", "budget": "budget.csv", "volymer": "volymer.csv",
           "volymer-xlsx": "volymer.xlsx"}  # target: its name in test_fuzz_readers.READERS (TOML targets: <target>.toml)
LEDGER = "liggare"  # a ledger file through Beancount and our plugins (test_fuzz_ledger.py's scenarios)
TARGETS = (*EXPORTS, "kontoplan", "layout", *SETTINGS, LEDGER)
EXECUTED = re.compile(rb"stat::number_of_executed_units:\s+(\d+)")  # printed on a crash too


def seeds(target: str) -> list[bytes]:
    """The real files a target starts from."""
    sys.path.insert(0, str(TESTS))
    import test_fuzz_readers as known

    if target == "sie":
        files = [REPO / "ledgers" / "exempel" / "import" / "sie-2026-11.se", *sorted((SHARED / "sie").glob("*"))]
        return [p.read_bytes() for p in files if p.is_file() and p.stat().st_size <= 40_000]
    if target == "huvudbok":
        text = known.HUVUDBOK.decode("utf-8")
        return [known.HUVUDBOK, text.encode("cp1252"), text.encode("utf-16"), text.replace(";", "\t").encode("utf-8"),
                *(p.read_bytes() for p in sorted((SHARED / "fixtures").glob("*.csv")))]
    if target == "budget":
        return [known.BUDGET, known.BUDGET.decode("utf-8").encode("cp1252")]
    if target == "volymer":
        return [known.VOLUMES, known.VOLUMES.decode("utf-8").replace(";", ",").encode("utf-8")]
    if target == "volymer-xlsx":
        return [known.VOLUMES_XLSX]
    if target == "kontoplan":
        return [known.KONTOPLAN]
    if target == LEDGER:
        import test_fuzz_ledger as ledger

        return [(source / files[0]).read_bytes() for source, files in ledger.SCENARIOS.values()]
    if target in SETTINGS:
        return [(REPO / "ledgers" / "exempel" / f"{target}.toml").read_bytes()]
    return [p.read_bytes() for p in sorted((REPO / "ledgers" / "exempel" / "layouter").glob("*.toml"))]


def one_input(target: str):
    """The function libFuzzer calls with each input (the readers instrumented for coverage)."""
    import atheris

    sys.path.insert(0, str(TESTS))
    with atheris.instrument_imports(include=["namndbok"]):
        import test_fuzz_readers as known  # imports the readers (its READERS and FILE_READERS)

    if target == LEDGER:
        return ledger_input()
    if target in EXPORTS:
        path = EXPORTS[target]
        _, read = known.READERS[path]
        return lambda data: known.refused_cleanly(read, data, path)
    name = f"{target}.toml"
    _, load, error = known.FILE_READERS[name]
    return lambda data: known.refused_cleanly_from_file(load, data, name, error)


def ledger_input():
    """Each input is one ledger file, included by a main file with the example's header and plugin lines
    beside the example's kontoplan.toml and periodisering.toml; the property is test_fuzz_ledger's (every
    error located, no plugin's traceback). An input Beancount's C parser dies on (SIGSEGV; a division
    by zero in an amount, test_fuzz_ledger.test_a_division_by_zero_in_an_amount_is_refused_not_a_segfault)
    is skipped: it is parsed first in a forked child when it has a "/"."""
    import atheris

    sys.path.insert(0, str(TESTS))
    with atheris.instrument_imports(include=["namndbok"]):
        import namndbok.plugins.budget, namndbok.plugins.eget_kapital, namndbok.plugins.kontoplan, namndbok.plugins.las, namndbok.plugins.texter, namndbok.plugins.volymer  # noqa: F401,E401
    import test_fuzz_ledger as ledger

    folder = Path(tempfile.mkdtemp(prefix="namndbok-fuzz-liggare-"))
    made = ledger.Ledger(folder, ledger.EXAMPLE_DIR, ["2026/utfall/2026-03.beancount"])
    path = folder / "2026" / "utfall" / "2026-03.beancount"

    def test(data: bytes) -> None:
        if might_divide(data) and not parses_in_a_child(data):
            return  # Beancount's own crash, known (a division by zero): not ours to find again
        path.write_bytes(data)
        ledger.assert_loads_cleanly(made.main, check_cli=False)

    return test


STRINGS = re.compile(rb'"[^"\n]*"')


def might_divide(data: bytes) -> bool:
    """Whether `data` has a "/" outside its strings and comments (where an amount's arithmetic is)."""
    return b"/" in data and any(b"/" in STRINGS.sub(b"", line).split(b";", 1)[0] for line in data.splitlines())


def parses_in_a_child(data: bytes) -> bool:
    """Whether Beancount's parser survives `data` (parsed in a forked child, which may die)."""
    import signal

    pid = os.fork()
    if pid == 0:
        try:
            signal.signal(signal.SIGSEGV, signal.SIG_DFL)  # not libFuzzer's handler: it would report a crash
            from beancount.parser import parser

            parser.parse_string(data.decode("utf-8", errors="replace"))
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return not os.WIFSIGNALED(status)


def fuzz_in_this_process(target: str, corpus: Path, runs: int, seed: int, max_len: int, seconds: int) -> None:
    import atheris

    test = one_input(target)  # first: the readers must be imported instrumented
    corpus.mkdir(parents=True, exist_ok=True)
    if not any(corpus.iterdir()):
        for number, data in enumerate(seeds(target)):
            (corpus / f"seed-{number:03d}").write_bytes(data)
    atheris.Setup([sys.argv[0], str(corpus), f"-runs={runs}", f"-seed={seed}", f"-max_len={max_len}",
                   "-print_final_stats=1", "-timeout=30", "-rss_limit_mb=4096", f"-max_total_time={seconds}"], test)
    atheris.Fuzz()


def campaign(target: str, runs: int, corpus: Path, seed: int = 1, max_len: int = 50_000, cwd: Path | None = None, seconds: int = 0):
    """Run one target in a child process; (returncode, inputs tried, libFuzzer's output).

    The child imports tests/conftest.py (through the test modules) and ends by libFuzzer's
    exit, without Python's finalizers: it is given a kept-load folder this process removes."""
    with tempfile.TemporaryDirectory(prefix="namndbok-fuzz-") as folder:
        env = {"NAMNDBOK_TEST_CACHE_DIR": folder, **os.environ, "PYTHONPATH": str(REPO)}  # a test run's own folder wins
        proc = subprocess.run([sys.executable, "-m", "tests.fuzz_atheris", target, "--runs", str(runs), "--korpus", str(corpus),
                               "--seed", str(seed), "--max-len", str(max_len), "--sekunder", str(seconds), "--barn"],
                              cwd=cwd or REPO, capture_output=True, env=env)
    executed = EXECUTED.findall(proc.stderr)
    tried = int(executed[-1]) if executed else 0
    return proc.returncode, tried, proc.stderr.decode("utf-8", errors="replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--korpus", type=Path, default=None, help="corpus directory (default: a new temporary one)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-len", type=int, default=50_000)
    parser.add_argument("--sekunder", type=int, default=0, help="stop after this many seconds (0: no limit)")
    parser.add_argument("--barn", action="store_true", help=argparse.SUPPRESS)  # this is the child: fuzz here
    args = parser.parse_args()
    if args.barn:
        fuzz_in_this_process(args.target, args.korpus, args.runs, args.seed, args.max_len, args.sekunder)
        return
    corpus = args.korpus or Path(tempfile.mkdtemp(prefix=f"korpus-{args.target}-"))
    code, tried, output = campaign(args.target, args.runs, corpus, args.seed, args.max_len, Path.cwd(), args.sekunder)
    if code != 0:
        print(output[-8000:], file=sys.stderr)
    print(f"fuzz {args.target}: {tried} inputs, {len(list(corpus.iterdir()))} in the corpus ({corpus}), "
          f"{'crash' if code else 'no crash'}")
    sys.exit(code)


if __name__ == "__main__":
    main()
