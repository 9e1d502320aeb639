"""`namndbok prestanda sie`: how fast a large SIE 4 file is read and imported.

Generates a SIE 4 file of N #TRANS rows for the example committee (vouchers of
ten rows over its verksamheter, konton and ansvar, deterministic), then times:
reading it (parse and control totals), and the whole import into a copy of the
example ledger in summerad (one entry per month) and/or detaljerad mode (one
entry per voucher) — with rows/s, MB/s, CPU time and peak memory, for several
N, in one table. Each step runs in a fresh process (spawned, so nothing is
inherited), which reports its own peak RSS: the figure is the step's, not the
benchmark's peak so far. With several runs a step's times are the median, its
memory the largest. CPU time is the step's own (user + system): on a shared
machine the wall time also counts waiting for a core. Figures, not pass/fail:
README and the issue notes quote them.
"""

from __future__ import annotations

import contextlib
import datetime
import multiprocessing
import random
import re
import resource
import shutil
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from importers.model import SourceRow
from importers.sie.writer import Company, sie_lines
from namndbok.kontoplan import Kontoplan, load_kontoplan
from namndbok.swedish import format_number
from scripts.tables import aligned  # noqa: F401  (used here and by the other measurements)

if TYPE_CHECKING:
    from scripts.prestanda_profil import ProfileFigure


class Figure(NamedTuple):
    step: str
    seconds: float
    peak_mb: float


def number_text(value: float, decimals: int = 0) -> str:
    """A figure the Swedish way: 1234.5 → '1 235', with one decimal '1 234,5'."""
    return format_number(value, decimals)


def generate_sie(path: Path, rows: int, plan: Kontoplan, year: int = 2027, seed: int = 1,
                 pairs: list[tuple[str, str]] | None = None) -> None:
    """Write a SIE 4 file with `rows` #TRANS rows (vouchers of ten rows) for `plan`; the result rows
    on any verksamhet and konto, or on the (verksamhet, konto) `pairs` only."""
    if pairs is not None and not pairs:
        raise RuntimeError("budgeten har inga verksamheter och konton att lägga de genererade raderna på")
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
                if pairs is not None:
                    verksamhet, konto = rng.choice(pairs)
                else:
                    konto, verksamhet = rng.choice(results), rng.choice(verksamheter)
                objekt = (("20", verksamhet), ("1", rng.choice(ansvar)))
                lines.append(SourceRow(date, konto, objekt, Decimal(rng.randint(-50_000, 500_000)) / 100, "", None, 0))
            lines.append(SourceRow(date, avr, (), -sum(r.amount for r in lines), "", None, 0))
            yield "A", str(number), date, f"Faktura {number}", lines

    konton = {nr: k.namn for nr, k in plan.konton.items()}
    objekt = {("20", c): v.namn for c, v in plan.verksamheter.items()} | {("1", c): a.namn for c, a in plan.ansvar.items()}
    company = Company("Prestandakommun", "212000-9999", year, konton, {"1": "Ansvar", "20": "Verksamhet"}, objekt)
    with open(path, "wb") as handle:
        for line in sie_lines(company, vouchers()):
            handle.write(line.encode("cp437") + b"\r\n")


def _measure(step: str, work) -> tuple[Figure, object]:
    """Time one step: its figure and what `work` returned. The memory is the process's peak so far
    (RSS), as tracing it would slow it."""
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    return Figure(step, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), result


class StepFigure(NamedTuple):
    """One step at one size, measured in a process of its own."""

    step: str
    rows: int
    megabytes: float
    seconds: float  # wall time (median of the runs)
    cpu_seconds: float  # the process's user + system time for the step (median)
    peak_mb: float  # the process's peak RSS (largest of the runs)

    def cells(self) -> list[str]:
        return [self.step, number_text(self.rows), number_text(self.megabytes, 1), number_text(self.seconds, 2),
                number_text(self.cpu_seconds, 2), number_text(self.rows / self.seconds if self.seconds else 0),
                number_text(self.megabytes / self.seconds if self.seconds else 0, 1), number_text(self.peak_mb)]


HEADER = ["steg", "rader", "MB", "tid s", "CPU s", "rader/s", "MB/s", "toppminne MB"]


def table(figures: list[StepFigure]) -> str:
    """The figures as one text table, numbers right-aligned."""
    return aligned([HEADER] + [figure.cells() for figure in figures])


READING = "läsa SIE"
READING_SUMMED = "läsa SIE summerat"  # what a summerad import reads: rows summed per konto, objects and month
MODES = ("summerad", "detaljerad")


def run(example_dir: Path, sizes: list[int], modes: tuple[str, ...] = MODES, repeat: int = 1, say=print) -> list[StepFigure]:
    """Read and import a generated SIE file of each size; every step `repeat` times, each in a fresh process."""
    plan = load_kontoplan(example_dir / "kontoplan.toml")
    figures = []
    with tempfile.TemporaryDirectory(prefix="namndbok-prestanda-") as tmp:
        tmp = Path(tmp)
        for rows in sizes:
            export = tmp / f"stor-{rows}.se"
            say(f"Skapar en SIE 4-fil med {number_text(rows)} rader …")
            generate_sie(export, rows, plan)
            readings = (READING, READING_SUMMED) if "summerad" in modes else (READING,)
            figures += time_sie(example_dir, export, rows, (*readings, *(f"importera {mode}" for mode in modes)), repeat, say)
            export.unlink()
    return figures


def time_sie(example_dir: Path, export: Path, rows: int, steps: tuple[str, ...], repeat: int = 1,
             say=print) -> list[StepFigure]:
    """Each step (a reading, or `importera <mode>` into a fresh copy of `example_dir`) of the
    SIE file `export` of `rows` #TRANS rows, `repeat` times, each in a fresh process."""
    figures = []
    size = export.stat().st_size / 1e6
    with tempfile.TemporaryDirectory(prefix="namndbok-prestanda-") as tmp:
        for step in steps:
            runs = []
            for number in range(repeat):
                copy = None
                if step not in (READING, READING_SUMMED):
                    copy = bench_copy(example_dir, Path(tmp) / f"exempel-{number}")
                say(f"{step}: {number_text(rows)} rader, körning {number + 1} av {repeat} …")
                runs.append(_in_fresh_process(example_dir, export, step.removeprefix("importera "), copy))
                if copy is not None:
                    shutil.rmtree(copy)
            figures.append(StepFigure(step, rows, size, statistics.median(r[0] for r in runs),
                                      statistics.median(r[1] for r in runs), max(r[2] for r in runs)))
    return figures


def bench_copy(example_dir: Path, copy: Path) -> Path:
    """A copy of the example to import generated rows into: without its tertial and
    delår locks (`period-close --las`), which would refuse rows in those months."""
    from namndbok.las.write import drop_period_locks

    shutil.copytree(example_dir, copy)
    drop_period_locks(copy / "socialnamnden.beancount")
    return copy


def trans_rows(export: Path) -> int:
    """The #TRANS rows of a SIE file."""
    with open(export, "rb") as handle:
        return sum(1 for line in handle if line.lstrip().startswith(b"#TRANS"))


def _in_fresh_process(example_dir: Path, export: Path, step: str, copy: Path | None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of one step, run in a spawned process."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_step, args=(example_dir, export, step, copy, sender))
    process.start()
    sender.close()
    try:
        result = receiver.recv()
    except EOFError:
        result = None
    process.join()
    if result is None:
        result = ("fel", f"mätprocessen avslutades utan svar (kod {process.exitcode})")
    if result[0] == "fel":
        raise RuntimeError(f"{step}: {result[1]}")
    return result


def _step(example_dir: Path, export: Path, step: str, copy: Path | None, sender) -> None:
    """In the fresh process: prepare (not timed), do the step, send (wall s, CPU s, peak MB)."""
    try:
        from importers.config import load_import_config
        from importers.run import run_import
        from importers.sie.importer import read_sie

        data = export.read_bytes()
        config = load_import_config(example_dir).sie
        wall, cpu = time.perf_counter(), time.process_time()
        if step in (READING, READING_SUMMED):
            read_sie(data, str(export), config, step == READING_SUMMED)
        else:
            run_import(copy / "socialnamnden.beancount", read_sie, "sie", export, step)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sender.send((wall, cpu, own_peak_mb()))
    except Exception as err:  # reported by the parent with the step's name
        sender.send(("fel", f"{type(err).__name__}: {err}"))


def own_peak_mb() -> float:
    """This process's own peak RSS in MB. Linux's ru_maxrss keeps, across the exec of a spawned
    process, the peak of the process it was forked from (e.g. a benchmark that imported a large
    file itself first); VmHWM is the peak of this program's own memory."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)[1]) / 1024


TIMING = re.compile(r"Operation: '(?P<name>[^']+)'\s+Time:\s+(?P<ms>[\d.]+) ms")
OURS = "plugins."  # our plugins' modules, as Beancount's timing log names them
REPOSITORY = Path(__file__).resolve().parent.parent
STAGES = ("parse", "booking", "run_transformations", "beancount.ops.validate")


class KeptFigure(NamedTuple):
    """The same load kept (namndbok.load_cache): what keeping it costs, and reading it back."""

    keep_ms: float  # pickling and writing it, once
    read_ms: float  # checking its inputs and reading it back (median)
    megabytes: float


def share(ours_ms: float, total_ms: float) -> float:
    """What `ours_ms` of a load of `total_ms` adds, as a share of the load without it."""
    without = total_ms - ours_ms
    return ours_ms / without if without > 0 else 0


class FreshFigure(NamedTuple):
    """The same load in new processes, as bean-check or Fava's first load meets it: every
    cache cold, the collector running (our commands pause it for the load). Medians;
    the full passes are those of the run with the median collector time."""

    total_ms: float
    ours_ms: float  # our plugins, with Beancount's sort after each (0 without them)
    collector_ms: float  # of ours: the collector's passes that fell in our plugins
    load_collector_ms: float = 0  # all the collector's passes in the load
    full_passes: tuple = ()  # (operation, ms) of each full pass
    errors: int = 0  # the load's errors (0: it loaded as it should)

    @property
    def overhead(self) -> float:
        return share(self.ours_ms, self.total_ms)


class LoadFigure(NamedTuple):
    label: str
    entries: int
    total_ms: float  # parse + booking + plugins + validation
    ours_ms: dict[str, float]  # our plugins, by name
    kept: KeptFigure | None = None
    fresh: FreshFigure | None = None
    collector_ms: float = 0  # of ours: the collector's passes that fell in our plugins (median)
    profile: ProfileFigure | None = None  # with --profil

    @property
    def without_ms(self) -> float:
        """Beancount's own load: parse, booking, its own plugins and validation."""
        return self.total_ms - sum(self.ours_ms.values())

    @property
    def overhead(self) -> float:
        """What our plugins add, as a share of the load without them."""
        return share(sum(self.ours_ms.values()), self.total_ms)

    @property
    def worst_overhead(self) -> float:
        """The larger share: loads in one process (Fava's reloads) or each in a new one (bean-check)."""
        return max(self.overhead, self.fresh.overhead if self.fresh else 0)

    def line(self) -> str:
        ours, ratio, n = self.total_ms - self.without_ms, self.overhead, number_text
        parts = "  ".join(f"{name.removeprefix('plugins.')} {n(ms)}" for name, ms in self.ours_ms.items())
        line = (f"{self.label:<34} {n(self.entries):>9} poster  laddning {n(self.total_ms):>7} ms  "
                f"våra plugins {n(ours):>6} ms (+{n(ratio * 100)} % mot utan)  [{parts}]"
                f"\n{'':<34} varav skräpsamlarens pass {n(self.collector_ms)} ms")
        if self.fresh is not None:
            fresh = self.fresh
            line += (f"\n{'':<34} i en ny process (som bean-check): laddning {n(fresh.total_ms)} ms, "
                     f"våra plugins {n(fresh.ours_ms)} ms (+{n(fresh.overhead * 100)} % mot utan), "
                     f"varav skräpsamlarens pass {n(fresh.collector_ms)} ms")
        if self.kept is not None:
            kept = self.kept
            line += (f"\n{'':<34} sparad laddning: läses på {n(kept.read_ms)} ms "
                     f"({n(kept.megabytes, 1)} MB; att spara den tar {n(kept.keep_ms)} ms en gång)")
        if self.profile is not None:
            line += "".join(f"\n{'':<34} {text}" for text in self.profile.lines())
        return line


class Pass(NamedTuple):
    """One pass of Python's cyclic garbage collector during a load."""

    operation: str  # the innermost operation of Beancount's timing log it fell in ("" outside all)
    generation: int  # 2: a full pass, over every object
    ms: float


@contextlib.contextmanager
def _precise_timing_log(passes: list[Pass], profile=None):
    """Beancount's timing log (`misc_utils.log_time`) in µs instead of whole ms: six
    plugins of a few ms each would otherwise be off by up to 3 ms together. Also the
    garbage collector's passes into `passes`, by the innermost operation they fell in
    (a pass goes over every object of its generations, whoever's allocation sets it
    off). With `profile` (a cProfile.Profile), it runs inside our plugins' operations."""
    import gc

    from beancount.utils import misc_utils

    running: list[str] = []
    started: list[float] = []

    @contextlib.contextmanager
    def log_time(operation_name, log_timings, indent=0):
        profiled = profile is not None and operation_name.startswith(OURS)
        start = time.perf_counter()
        running.append(operation_name)
        if profiled:
            profile.enable()
        try:
            yield start
        finally:
            if profiled:
                profile.disable()
            running.pop()
        if log_timings:
            log_timings(f"Operation: '{operation_name}' Time: {(time.perf_counter() - start) * 1000:.3f} ms")

    def collected(phase, info):
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            passes.append(Pass(running[-1] if running else "", info["generation"],
                               (time.perf_counter() - started[0]) * 1000))

    original = misc_utils.log_time
    misc_utils.log_time = log_time
    gc.callbacks.append(collected)
    try:
        yield
    finally:
        misc_utils.log_time = original
        gc.callbacks.remove(collected)


def time_kept(ledger: Path, result, repeat: int = 5) -> KeptFigure:
    """Keep `result` (a fresh load of `ledger`) in a folder of its own, then read it back
    as a command would (`namndbok.load_cache`, inputs checked): the costs of a kept load.
    The copy's files were written just now, so the racy rule and the threshold are off."""
    import os

    from beancount import loader

    from namndbok import load_cache, load_inputs

    ledger = ledger.absolute()
    with load_inputs.recording() as read:  # the files the load reads besides the ledger's (not timed)
        loader.load_file(str(ledger))
    saved = os.environ.get("NAMNDBOK_CACHE_DIR"), load_cache.RACY_SECONDS, load_cache.MIN_SECONDS
    with tempfile.TemporaryDirectory(prefix="namndbok-sparad-") as folder:
        os.environ["NAMNDBOK_CACHE_DIR"] = folder
        load_cache.RACY_SECONDS = load_cache.MIN_SECONDS = 0
        try:
            start = time.perf_counter()
            load_cache.write(ledger, result, time.time(), time.time(), read)
            keep = time.perf_counter() - start
            size = load_cache.cache_path(ledger).stat().st_size / 1e6
            reads = []
            for _ in range(repeat):
                start = time.perf_counter()
                if load_cache.read(ledger) is None:
                    raise RuntimeError("den sparade laddningen kunde inte läsas tillbaka")
                reads.append(time.perf_counter() - start)
        finally:
            load_cache.RACY_SECONDS, load_cache.MIN_SECONDS = saved[1], saved[2]
            if saved[0] is None:
                os.environ.pop("NAMNDBOK_CACHE_DIR", None)
            else:
                os.environ["NAMNDBOK_CACHE_DIR"] = saved[0]
    return KeptFigure(keep * 1000, statistics.median(reads) * 1000, size)


WITHOUT_OURS = "beancount.plugins.auto_accounts"  # what opens the accounts when our plugins are left out


def time_load_fresh(ledger: Path, repeat: int = 5, ours: bool = True) -> FreshFigure:
    """One load in each of `repeat` new Python processes: what bean-check or Fava's first
    load pays, with every cache of ours cold (account names, kontoplan, lock files, file
    hashes). Without `ours`, our plugins are left out and Beancount's `auto_accounts`
    opens the accounts in their place (`scripts.prestanda_profil` compares the two)."""
    runs = [in_new_process("scripts.prestanda", "_fresh_load", str(ledger), "med" if ours else "utan")
            for _ in range(repeat)]
    middle = sorted(runs, key=lambda run: run[3])[len(runs) // 2]  # the median collector time's run
    return FreshFigure(*(statistics.median(run[i] for run in runs) for i in range(4)),
                       tuple(map(tuple, middle[4])), middle[5])


def _fresh_load(ledger: str, ours: str) -> list:
    """In the new process: one load with our plugins ("med") or without them ("utan")."""
    from beancount import loader

    if ours == "utan":
        run_transformations = loader.run_transformations

        def without_ours(entries, errors, options_map, log_timings):
            options_map["plugin"] = [(name, config) for name, config in options_map["plugin"]
                                     if not name.startswith(OURS)] + [(WITHOUT_OURS, None)]
            return run_transformations(entries, errors, options_map, log_timings)

        loader.run_transformations = without_ours
    (_, errors, _), found, passes = timed_load(Path(ledger))
    return [load_ms(found), sum(ms for name, ms in found.items() if name.startswith(OURS)),
            sum(p.ms for p in passes if p.operation.startswith(OURS)), sum(p.ms for p in passes),
            [(p.operation, p.ms) for p in passes if p.generation == 2], len(errors)]


def in_new_process(module: str, function: str, *args: str):
    """`module.function(*args)` run in a new Python process (nothing of this one's caches
    or memory), in the repository; its result, which must be JSON. A plain `python -c`
    that imports only `module`, as bean-check imports only what it needs: a spawned
    process (`_in_fresh_process`) would also import this process's main module, and
    a heap of other objects changes when the collector's full passes come."""
    import json
    import subprocess
    import sys

    code = (f"import json, sys; from {module} import {function}; "
            f"print(json.dumps({function}(*sys.argv[1:])))")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPOSITORY)
    if done.returncode != 0:
        reason = done.stderr.strip()[-500:] or "inget felmeddelande"
        raise RuntimeError(f"mätningen i en ny process misslyckades (kod {done.returncode}): {reason}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_load(ledger: Path, label: str, repeat: int = 5, kept: bool = False, fresh: bool = False) -> LoadFigure:
    """Median per stage over `repeat` loads in this process, from Beancount's own timing
    log; with `kept`, also what the last load costs kept and read back (`time_kept`); with
    `fresh`, also the load in new processes (`time_load_fresh`)."""
    runs: list[dict[str, float]] = []
    collectors: list[float] = []  # ms of the collector's passes that fell in our plugins, per load
    result = ([], [], {})
    for _ in range(repeat):
        result, found, passes = timed_load(ledger)
        collectors.append(sum(p.ms for p in passes if p.operation.startswith(OURS)))
        runs.append(found)
    median = {name: statistics.median(run.get(name, 0) for run in runs) for name in runs[0]}
    ours = {name: ms for name, ms in median.items() if name.startswith(OURS)}
    return LoadFigure(label, len(result[0]), load_ms(median), ours,
                      time_kept(ledger, result) if kept else None,
                      time_load_fresh(ledger, repeat) if fresh else None,
                      statistics.median(collectors))


def timed_load(ledger: Path, profile=None):
    """One load of `ledger` through Beancount: (its result, ms per operation of Beancount's
    timing log, the collector's passes during it); with `profile` (a cProfile.Profile),
    profiled inside our plugins."""
    from namndbok.loading import beancount_load  # no pickle cache: every run loads and runs the plugins

    lines: list[str] = []
    passes: list[Pass] = []
    with _precise_timing_log(passes, profile):
        result = beancount_load(str(ledger), log_timings=lines.append)
    found: dict[str, float] = {}
    for line in lines:
        match = TIMING.search(line)
        if match:
            found[match["name"]] = found.get(match["name"], 0) + float(match["ms"])
    return result, per_stage(found, result[2]), passes


def per_stage(found: dict[str, float], options_map: dict) -> dict[str, float]:
    """`found` with plugins.namndbok's line told per stage, as the single-stage lines are
    (`plugins.<stage>`; Beancount's sort after the line goes with the last stage)."""
    from namndbok.load_reading import KEY

    held = options_map.get(KEY)
    if PIPELINE not in found or held is None or not held.stage_ms:
        return found
    out: dict[str, float] = {}
    for name, ms in found.items():
        if name != PIPELINE:
            out[name] = ms
            continue
        stages = {f"plugins.{stage}": stage_ms for stage, stage_ms in held.stage_ms.items()}
        last = list(stages)[-1]
        stages[last] += max(ms - sum(stages.values()), 0)
        out.update(stages)
    return out


PIPELINE = "plugins.namndbok"


def load_ms(found: dict[str, float]) -> float:
    """The whole load's ms from `timed_load`'s operations: parse, booking, plugins, validation."""
    return sum(found.get(stage, 0) for stage in STAGES)


def run_load(example_dir: Path, sizes: list[int], say=print, profile: bool = False) -> list[LoadFigure]:
    """Load the example ledger, and copies with N generated SIE rows imported detaljerad;
    with `profile`, also where our plugins' time goes in each (`prestanda_profil`)."""
    from scripts.prestanda_profil import profile_load

    def measured(ledger: Path, label: str, repeat: int) -> LoadFigure:
        figure = time_load(ledger, label, repeat=repeat, kept=True, fresh=True)
        return figure._replace(profile=profile_load(ledger, figure.fresh, repeat)) if profile else figure

    figures = [measured(example_dir / "socialnamnden.beancount", "Exempelnämnden", 5)]
    for rows in sizes:
        with tempfile.TemporaryDirectory(prefix="namndbok-prestanda-") as tmp:
            ledger = large_copy(example_dir, Path(tmp), rows, say=say)
            figures.append(measured(ledger, f"Exempelnämnden + {number_text(rows)} rader", 3))
    return figures


def large_copy(example_dir: Path, folder: Path, rows: int, year: int = 2027, say=print, budgeted: bool = False) -> Path:
    """A copy of the example ledger in `folder` with `rows` generated SIE rows of `year`
    imported detaljerad (one entry per voucher); its main file. The SIE file stays as
    `folder/stor.se`. With `budgeted`, the rows fall only on the verksamhet × konto the
    year's budget has (as `generera` draws them), so every account has a budgeted ancestor. The copy goes
    without the example's tertial/delår locks (`bench_copy`)."""
    from importers.run import run_import
    from importers.sie.importer import read_sie

    copy = bench_copy(example_dir, folder / "exempel")
    export = folder / "stor.se"
    say(f"Importerar {number_text(rows)} genererade rader (detaljerad) i en kopia …")
    pairs = budgeted_pairs(example_dir / "socialnamnden.beancount", year) if budgeted else None
    generate_sie(export, rows, load_kontoplan(example_dir / "kontoplan.toml"), year=year, pairs=pairs)
    run_import(copy / "socialnamnden.beancount", read_sie, "sie", export, "detaljerad")
    return copy / "socialnamnden.beancount"


def budgeted_pairs(ledger: Path, year: int) -> list[tuple[str, str]]:
    """The (verksamhet, konto) of the ledger's budget lines for intäkter and kostnader in effect at the year's end."""
    from namndbok.accounts import KIND_INTAKT, KIND_KOSTNAD
    from namndbok.budget import lines_in_effect
    from namndbok.load_reading import reading_of
    from namndbok.loading import load

    entries, _, options = load(ledger, fresh=True)
    data = reading_of(entries, options)
    refs = [data.refs[line.account] for line in lines_in_effect(data.decisions, data.budget_lines, year, datetime.date(year, 12, 31))]
    return sorted({(ref.verksamhet, ref.konto) for ref in refs if ref.kind in (KIND_INTAKT, KIND_KOSTNAD) and ref.konto})


def run_period_close(example_dir: Path, date: datetime.date, repeat: int = 3) -> list[Figure]:
    """The period-close set for the example committee after load: without and with the PDF."""
    from namndbok.loading import load
    from namndbok.period_close import write_period_set

    figures = []
    with tempfile.TemporaryDirectory(prefix="namndbok-prestanda-") as tmp:
        copy = Path(tmp) / "exempel"
        shutil.copytree(example_dir, copy)
        ledger = copy / "socialnamnden.beancount"
        figure, loaded = _measure("Ladda liggaren", lambda: load(ledger, fresh=True))
        figures.append(figure)
        for label, pdf in (("Rapportpaketet utan PDF", False), ("Rapportpaketet med PDF", True)):
            best = None
            for _ in range(repeat):
                shutil.rmtree(copy / "rapporter", ignore_errors=True)  # so that every file is written
                figure, written = _measure(label, lambda pdf=pdf: write_period_set(ledger, *loaded, date, pdf))
                if written.pdf_error:
                    raise RuntimeError(written.pdf_error)
                best = figure if best is None or figure.seconds < best.seconds else best
            figures.append(best)
    return figures
