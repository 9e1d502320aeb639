"""The generated kommun (bench.kommun) measured: reading its ledgers against `bean-check`, the
table after reading, and the whole `namndbok kommun` and `namndbok period-close --kommun-katalog` commands.

Cold as bench.kommando's comparison (`NAMNDBOK_CACHE=0`, `BEANCOUNT_DISABLE_LOAD_CACHE=1`),
every figure in a fresh process, the measurements alternating run by run, each the median:

- reading: `read_kommun_folder` + `load_kommun` timed inside a process of its own
  (`python -m bench.kommunmatning KATALOG ÅÅÅÅ-MM`, which prints the two times as JSON, so the
  interpreter's start and imports are not in it), against `bean-check` run on each main file one
  after the other (the sum of the wall times, each with its own start, which is the goal's measure),
  and against Beancount's own load of the same files in one process (`loader.load_file` one after the
  other, timed as ours: `python -m bench.kommunmatning KATALOG ÅÅÅÅ-MM --beancount`), which leaves
  bean-check's twelve starts out;
- the table: `kommun_table` on the loaded ledgers, in the same process;
- `namndbok kommun KATALOG --per ÅÅÅÅ-MM`, the whole command;
- `namndbok period-close ÅÅÅÅ-MM --kommun-katalog KOPIA --utan-pdf` on a fresh copy of the folder each run
  (it writes; the copy leaves out the imported SIE files, 1 GB in the full run, which no command
  reads again), and once with the PDFs.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from bench.kommando import COLD, REPO, commands

READ_GOAL = 1.3  # reading within 1.3 × bean-check on the same files
TABLE_GOAL = 3.0  # seconds for the table after reading


class KommunFigure(NamedTuple):
    label: str
    ledgers: int  # main files read
    read_s: float  # load_kommun, median
    bean_check_s: float  # Σ bean-check over the main files, median
    beancount_s: float  # Beancount's loader.load_file over the main files in one process, median
    table_s: float  # kommun_table after reading, median
    command_s: float  # `namndbok kommun`, median
    close_s: float  # `period-close --kommun-katalog --utan-pdf`, median
    close_pdf_s: float  # … with the PDFs, one run

    @property
    def ratio(self) -> float:
        return self.read_s / self.bean_check_s

    @property
    def load_ratio(self) -> float:
        return self.read_s / self.beancount_s


def _run(command: list[str], what: str) -> float:
    """Wall time of `command` run cold; RuntimeError (Swedish) naming `what` when it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **COLD}, cwd=REPO)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{what} misslyckades (kod {done.returncode}): {(done.stderr or done.stdout).strip()[-500:]}")
    return seconds


def _reading(folder: Path, per: str, *flag: str) -> dict[str, float]:
    """{"read": …, "table": …} seconds (with --beancount {"beancount": …}), timed inside a fresh cold process."""
    env = {**os.environ, **COLD}
    done = subprocess.run([sys.executable, "-m", "bench.kommunmatning", str(folder), per, *flag],
                          capture_output=True, text=True, env=env, cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"läsningen av {folder} misslyckades (kod {done.returncode}): "
                           f"{(done.stderr or done.stdout).strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_kommun(label: str, folder: Path, per: str, runs: int) -> KommunFigure:
    """The kommun in `folder` measured `runs` times, alternating; a failing command is an error."""
    from namndbok.kommun_folder import read_kommun_folder

    kommun = read_kommun_folder(folder)
    ledgers = [item.ledger for item in (*kommun.namnder, *([kommun.finans] if kommun.finans else []))]
    year, month = per.split("-")
    cli = [sys.executable, "-m", "namndbok.scripts.cli"]
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="namndbok-bench-kommun-") as tmp:
        def copy(n: int) -> Path:
            target = Path(tmp) / f"kopia-{n}"
            shutil.copytree(folder, target, ignore=shutil.ignore_patterns("*.se"))  # the SIE exports: read, not read again
            return target

        for n in range(runs):
            for name, seconds in (*_reading(folder, per).items(), *_reading(folder, per, "--beancount").items()):
                times.setdefault(name, []).append(seconds)
            times.setdefault("bean-check", []).append(
                sum(_run(commands(ledger, per)["bean-check"], f"bean-check {ledger}") for ledger in ledgers))
            times.setdefault("command", []).append(
                _run([*cli, "kommun", str(folder), "--per", per], f"namndbok kommun {folder}"))
            target = copy(n)
            times.setdefault("close", []).append(
                _run([*cli, "period-close", f"{year}-{month}", "--kommun-katalog", str(target), "--utan-pdf"],
                     f"namndbok period-close --kommun-katalog {target}"))
            shutil.rmtree(target)
        target = copy(runs)
        close_pdf = _run([*cli, "period-close", f"{year}-{month}", "--kommun-katalog", str(target)],
                         f"namndbok period-close --kommun-katalog {target} (med PDF)")
    median = {name: statistics.median(values) for name, values in times.items()}
    return KommunFigure(label, len(ledgers), median["read"], median["bean-check"], median["beancount"], median["table"],
                        median["command"], median["close"], close_pdf)


def main() -> None:
    """`python -m bench.kommunmatning KATALOG ÅÅÅÅ-MM [--beancount]`: the reading and the table (with
    --beancount: Beancount's load of the same main files), timed in this process, as one line of JSON
    (run by `measure_kommun` with the cold environment)."""
    import datetime

    from namndbok.kommun import kommun_table, load_kommun
    from namndbok.kommun_folder import read_kommun_folder

    folder, per = Path(sys.argv[1]), sys.argv[2]
    if sys.argv[3:] == ["--beancount"]:
        from beancount import loader

        kommun = read_kommun_folder(folder)
        start = time.perf_counter()
        for item in (*kommun.namnder, *([kommun.finans] if kommun.finans else [])):
            _, errors, _ = loader.load_file(str(item.ledger))
            if errors:
                raise SystemExit(f"{item.ledger}: {len(errors)} fel i Beancounts laddning.")
        print(json.dumps({"beancount": time.perf_counter() - start}))
        return
    year, month = (int(part) for part in per.split("-"))
    date = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1))
    start = time.perf_counter()
    kommun = read_kommun_folder(folder)
    namnder, finans = load_kommun(kommun)
    read = time.perf_counter() - start
    start = time.perf_counter()
    table = kommun_table(kommun.namn, namnder, finans, date)
    seconds = time.perf_counter() - start
    if len(table.namnder) != len(kommun.namnder):  # a table of every nämnd, or no figure
        raise SystemExit(f"Tabellen har {len(table.namnder)} nämnder, kommunen {len(kommun.namnder)}.")
    print(json.dumps({"read": read, "table": seconds}))


if __name__ == "__main__":
    main()
