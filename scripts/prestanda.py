"""`namndbok prestanda sie`: how fast a large SIE 4 file is read and imported.

Generates a SIE 4 file of N #TRANS rows for the example committee (vouchers of
ten rows over its verksamheter, konton and ansvar, deterministic), then times:
reading it (parse and control totals), and the whole import into a copy of the
example ledger in both modes — summerad (one entry per month) and detaljerad
(one entry per voucher) — with rows/s, MB/s and peak memory. Figures, not
pass/fail: README and the issue notes quote them.
"""

from __future__ import annotations

import datetime
import random
import re
import resource
import shutil
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from importers.model import SourceRow
from importers.sie.writer import Company, sie_lines
from namndbok.kontoplan import Kontoplan, load_kontoplan


class Figure(NamedTuple):
    step: str
    seconds: float
    rows: int
    megabytes: float
    peak_mb: float

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0
        mbs = self.megabytes / self.seconds if self.seconds else 0
        return (f"{self.step:<28} {self.seconds:8.2f} s  {rate:12,.0f} rader/s  {mbs:7.1f} MB/s  "
                f"toppminne hittills {self.peak_mb:6.0f} MB").replace(",", " ")


def generate_sie(path: Path, rows: int, plan: Kontoplan, year: int = 2027, seed: int = 1) -> None:
    """Write a SIE 4 file with `rows` #TRANS rows (vouchers of ten rows) for `plan`."""
    rng = random.Random(seed)
    verksamheter = list(plan.verksamheter)
    results = [nr for nr, k in plan.konton.items() if k.typ in ("intäkt", "kostnad")]
    ansvar = list(plan.ansvar)
    avr = plan.avrakningskonto or "1690"

    def vouchers():
        count = rows // 10
        for number in range(1, count + 1):
            date = datetime.date(year, 1 + (number * 12 // (count + 1)), 1 + number % 28)
            lines = []
            for _ in range(9):
                konto = rng.choice(results)
                objekt = (("20", rng.choice(verksamheter)), ("1", rng.choice(ansvar)))
                lines.append(SourceRow(date, konto, objekt, Decimal(rng.randint(-50_000, 500_000)) / 100, "", None, 0))
            lines.append(SourceRow(date, avr, (), -sum(r.amount for r in lines), "", None, 0))
            yield "A", str(number), date, f"Faktura {number}", lines

    konton = {nr: k.namn for nr, k in plan.konton.items()}
    objekt = {("20", c): v.namn for c, v in plan.verksamheter.items()} | {("1", c): a.namn for c, a in plan.ansvar.items()}
    company = Company("Prestandakommun", "212000-9999", year, konton, {"1": "Ansvar", "20": "Verksamhet"}, objekt)
    with open(path, "wb") as handle:
        for line in sie_lines(company, vouchers()):
            handle.write(line.encode("cp437") + b"\r\n")


def _measure(step: str, rows: int, megabytes: float, work) -> Figure:
    """Time one step; the memory is the process's peak so far (RSS), as tracing it would slow it."""
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    return Figure(step, seconds, rows, megabytes, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run(example_dir: Path, rows: int, say=print) -> list[Figure]:
    from importers.run import run_import
    from importers.sie.importer import read_sie
    from importers.config import load_import_config

    plan = load_kontoplan(example_dir / "kontoplan.toml")
    figures = []
    with tempfile.TemporaryDirectory(prefix="namndbok-prestanda-") as tmp:
        tmp = Path(tmp)
        export = tmp / "stor.se"
        say(f"Skapar en SIE 4-fil med {rows:,} rader …".replace(",", " "))
        generate_sie(export, rows, plan)
        size = export.stat().st_size / 1e6
        say(f"{export.name}: {size:.1f} MB")
        data = export.read_bytes()
        config = load_import_config(example_dir).sie
        figures.append(_measure("Läsa SIE (tolka och kontrollera)", rows, size, lambda: read_sie(data, str(export), config)))
        for mode in ("summerad", "detaljerad"):
            copy = tmp / f"exempel-{mode}"
            shutil.copytree(example_dir, copy)
            ledger = copy / "socialnamnden.beancount"
            figures.append(_measure(f"Importera ({mode})", rows, size,
                                    lambda: run_import(ledger, read_sie, "sie", export, mode)))
    return figures


TIMING = re.compile(r"Operation: '(?P<name>[^']+)'\s+Time:\s+(?P<ms>\d+) ms")
STAGES = ("parse", "booking", "run_transformations", "beancount.ops.validate")


class LoadFigure(NamedTuple):
    label: str
    entries: int
    total_ms: float  # parse + booking + plugins + validation
    ours_ms: dict[str, float]  # our plugins, by name

    def line(self) -> str:
        ours = sum(self.ours_ms.values())
        ratio = ours / (self.total_ms - ours) if self.total_ms > ours else 0
        parts = "  ".join(f"{name.removeprefix('plugins.')} {ms:.0f}" for name, ms in self.ours_ms.items())
        return (f"{self.label:<34} {self.entries:>9,} poster  laddning {self.total_ms:7.0f} ms  "
                f"våra plugins {ours:6.0f} ms (+{ratio * 100:.0f} % mot utan)  [{parts}]").replace(",", " ")


def time_load(ledger: Path, label: str, repeat: int = 5) -> LoadFigure:
    """Median per stage over `repeat` loads, from Beancount's own timing log."""
    from beancount import loader

    import namndbok.loading  # noqa: F401  (no pickle cache: every run loads and runs the plugins)

    runs: list[dict[str, float]] = []
    entries = []
    for _ in range(repeat):
        lines: list[str] = []
        entries, _, _ = loader.load_file(str(ledger), log_timings=lines.append)
        found: dict[str, float] = {}
        for line in lines:
            match = TIMING.search(line)
            if match:
                found[match["name"]] = found.get(match["name"], 0) + float(match["ms"])
        runs.append(found)
    median = {name: statistics.median(run.get(name, 0) for run in runs) for name in runs[0]}
    ours = {name: ms for name, ms in median.items() if name.startswith("plugins.")}
    return LoadFigure(label, len(entries), sum(median.get(s, 0) for s in STAGES), ours)


def run_load(example_dir: Path, sizes: list[int], say=print) -> list[LoadFigure]:
    """Load the example ledger, and copies with N generated SIE rows imported detaljerad."""
    figures = [time_load(example_dir / "socialnamnden.beancount", "Exempelnämnden")]
    for rows in sizes:
        with tempfile.TemporaryDirectory(prefix="namndbok-prestanda-") as tmp:
            ledger = large_copy(example_dir, Path(tmp), rows, say=say)
            figures.append(time_load(ledger, f"Exempelnämnden + {rows:,} rader".replace(",", " "), repeat=3))
    return figures


def large_copy(example_dir: Path, folder: Path, rows: int, year: int = 2027, say=print) -> Path:
    """A copy of the example ledger in `folder` with `rows` generated SIE rows of `year`
    imported detaljerad (one entry per voucher); its main file."""
    from importers.run import run_import
    from importers.sie.importer import read_sie

    copy = folder / "exempel"
    shutil.copytree(example_dir, copy)
    export = folder / "stor.se"
    say(f"Importerar {rows:,} genererade rader (detaljerad) i en kopia …".replace(",", " "))
    generate_sie(export, rows, load_kontoplan(example_dir / "kontoplan.toml"), year=year)
    run_import(copy / "socialnamnden.beancount", read_sie, "sie", export, "detaljerad")
    return copy / "socialnamnden.beancount"


def run_period_close(example_dir: Path, date: datetime.date, repeat: int = 3) -> list[Figure]:
    """The period-close set for the example committee after load: without and with the PDF."""
    from namndbok.loading import load
    from scripts.period_close import write_period_set

    figures = []
    with tempfile.TemporaryDirectory(prefix="namndbok-prestanda-") as tmp:
        copy = Path(tmp) / "exempel"
        shutil.copytree(example_dir, copy)
        ledger = copy / "socialnamnden.beancount"
        held: list = []
        figures.append(_measure("Ladda liggaren", 1, 0, lambda: held.append(load(ledger))))
        loaded = held[0]
        for label, pdf in (("Rapportpaketet utan PDF", False), ("Rapportpaketet med PDF", True)):
            best = None
            for _ in range(repeat):
                shutil.rmtree(copy / "rapporter", ignore_errors=True)  # so that every file is written
                figure = _measure(label, 1, 0, lambda pdf=pdf: write_period_set(ledger, *loaded, date, pdf))
                best = figure if best is None or figure.seconds < best.seconds else best
            figures.append(best)
    return figures
