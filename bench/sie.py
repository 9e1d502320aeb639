"""The SIE import's speed: a generated SIE 4 file imported into a fresh copy of the example.

`namndbok.importers.sie.writer.generate_sie` writes N #TRANS rows for the example's
kontoplan (vouchers of ten rows, deterministic). Each run imports the file
(`namndbok.importers.run.run_import`, summerad by default: one entry per month) into a
fresh copy of the example without its period locks, in a process of its own
(spawned, so nothing is inherited), which reports its wall time, its CPU time
(user + system: on a shared machine the wall time also counts waiting for a
core) and its own peak memory. The figure is the median of the runs' times
and the largest peak.
"""

from __future__ import annotations

import multiprocessing
import re
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable, NamedTuple

from namndbok.importers.sie.writer import generate_sie
from namndbok.kontoplan import load_kontoplan
from namndbok.swedish import format_number
from namndbok.las.write import unlocked_copy


class ImportFigure(NamedTuple):
    rows: int
    mode: str
    megabytes: float  # the SIE file's size
    seconds: float  # wall time, median of the runs
    cpu_seconds: float  # the process's user + system time, median
    peak_mb: float  # the process's own peak RSS, largest of the runs

    @property
    def rate(self) -> float:
        """#TRANS rows per second of wall time."""
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def cpu_rate(self) -> float:
        """#TRANS rows per second of the process's own CPU time (what a busy machine's waiting leaves out)."""
        return self.rows / self.cpu_seconds if self.cpu_seconds else 0.0


def time_import(example_ledger: Path, rows: int, runs: int, mode: str = "summerad",
                say: Callable[[str], None] = print) -> ImportFigure:
    """A generated SIE file of `rows` rows imported in `mode` into a fresh copy of the example, `runs` times."""
    with tempfile.TemporaryDirectory(prefix="namndbok-bench-sie-") as tmp:
        export = Path(tmp) / "stor.se"
        say(f"Skapar en SIE 4-fil med {format_number(rows, 0)} rader …")
        generate_sie(export, rows, load_kontoplan(example_ledger.parent / "kontoplan.toml"))
        figures = []
        for number in range(runs):
            copy = unlocked_copy(example_ledger, Path(tmp) / f"exempel-{number}")
            say(f"Importerar {format_number(rows, 0)} rader ({mode}), körning {number + 1} av {runs} …")
            figures.append(_in_fresh_process(copy / example_ledger.name, export, mode))
            shutil.rmtree(copy)
        size = export.stat().st_size / 1e6
    return ImportFigure(rows, mode, size, statistics.median(f[0] for f in figures),
                        statistics.median(f[1] for f in figures), max(f[2] for f in figures))


def _in_fresh_process(ledger: Path, export: Path, mode: str) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of one import, run in a spawned process."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_import, args=(ledger, export, mode, sender))
    process.start()
    sender.close()
    try:
        result = receiver.recv()
    except EOFError:
        result = ("fel", f"mätprocessen avslutades utan svar (kod {process.exitcode})")
    process.join()
    if result[0] == "fel":
        raise RuntimeError(f"importen av {export.name}: {result[1]}")
    return result


def _import(ledger: Path, export: Path, mode: str, sender) -> None:
    """In the fresh process: the import, timed; sends (wall s, CPU s, peak MB) or ("fel", why)."""
    try:
        from namndbok.importers.run import run_import
        from namndbok.importers.sie.importer import read_sie

        wall, cpu = time.perf_counter(), time.process_time()
        run_import(ledger, read_sie, "sie", export, mode)
        sender.send((time.perf_counter() - wall, time.process_time() - cpu, own_peak_mb()))
    except Exception as err:  # reported by the parent with the file's name
        sender.send(("fel", f"{type(err).__name__}: {err}"))


def own_peak_mb() -> float:
    """This process's own peak RSS in MB. Linux's ru_maxrss keeps, across the exec of a spawned
    process, the peak of the process it was forked from; VmHWM is this program's own."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)[1]) / 1024
