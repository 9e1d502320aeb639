"""`namndbok prestanda laddning --profil`: why our plugins cost what they cost.

The load's figure says how much our plugins add to Beancount's load; this says
where that time goes, for each ledger measured, each part in new Python processes
(as bean-check or Fava's first load meets it, with every cache cold):

- **The profile.** cProfile is on only while Beancount runs a plugin of ours
  (with the sort Beancount does after each plugin), with the garbage collector
  off so that its passes do not land in whatever function was running; the
  functions by their own time.
- **The collector.** Python's collector makes a full pass over every object when
  enough new ones have survived since the last; the allocation that tips it can
  be anyone's. A large load makes such a pass, and where it falls decides whose
  time it looks like. So the same ledger is also loaded *without* our plugins,
  Beancount's `auto_accounts` in their place (the ledger still gets its Open
  directives and loads as a plain Beancount ledger would), and the collector's
  passes in the two loads are compared. What our plugins add to the collector is
  the difference. `ProfileFigure.overhead` charges our plugins that instead of
  the passes that happened to fall in them: the share of the load they add when
  the collector is counted for the work they give it.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import NamedTuple

from scripts.prestanda import OURS, in_new_process, load_ms, number_text, timed_load

REPOSITORY = Path(__file__).resolve().parent.parent
WITHOUT_OURS = "beancount.plugins.auto_accounts"  # what opens the accounts when our plugins are left out
TOP = 12  # functions shown


class ProfileRow(NamedTuple):
    function: str  # where it is defined (shortened), or the built-in's name
    calls: int
    own_ms: float  # its own time, without what it calls (with the profiler's overhead)


class CollectorRun(NamedTuple):
    """One load in a new process: its time and the collector's passes in it."""

    load_ms: float
    ours_ms: float  # our plugins, with Beancount's sort after each (0 without them)
    in_ours_ms: float  # the collector's passes that fell in our plugins
    collector_ms: float  # all the collector's passes in the load
    full_passes: list[tuple[str, float]]  # (operation, ms) of each full pass
    errors: int  # the load's errors (0: it loaded as it should)


class ProfileFigure(NamedTuple):
    rows: list[ProfileRow]
    profiled_ms: float  # our plugins' own time under the profiler, all functions
    with_ours: CollectorRun  # the median run of each (by the collector's time)
    without_ours: CollectorRun

    @property
    def added_collector_ms(self) -> float:
        """What our plugins add to the collector's work in a load."""
        return max(0.0, self.with_ours.collector_ms - self.without_ours.collector_ms)

    @property
    def overhead(self) -> float:
        """Our plugins' share of the load, with the collector charged for what they add to it
        rather than for the passes that fell in them."""
        run = self.with_ours
        ours = run.ours_ms - run.in_ours_ms + self.added_collector_ms
        without = run.load_ms - ours
        return ours / without if without > 0 else 0

    def lines(self) -> list[str]:
        n = number_text
        width = max(len(row.function) for row in self.rows) if self.rows else 0
        out = [f"profil i en ny process (cProfile, skräpsamlaren av): våra plugins {n(self.profiled_ms)} ms "
               f"under profileraren, som gör allt långsammare, mest det som görs i många små anrop; "
               f"de {len(self.rows)} funktioner som tar mest egen tid:"]
        out += [f"  {n(row.own_ms, 1):>7} ms  {row.function:<{width}}  {n(row.calls):>7} anrop" for row in self.rows]
        with_ours, without = self.with_ours, self.without_ours
        out.append(f"skräpsamlaren i en ny process: {n(with_ours.collector_ms)} ms med våra plugins "
                   f"({_passes(with_ours)}), {n(without.collector_ms)} ms utan dem ({_passes(without)}; "
                   f"{WITHOUT_OURS} i deras ställe{_errors(without)})")
        out.append(f"räknas skräpsamlaren som det våra plugins lägger till den ({n(self.added_collector_ms)} ms) "
                   f"i stället för passen som föll i dem ({n(with_ours.in_ours_ms)} ms): laddning "
                   f"{n(with_ours.load_ms)} ms, våra plugins +{n(self.overhead * 100)} % mot utan")
        return out


def _passes(run: CollectorRun) -> str:
    """The full passes by the operation they fell in (in load order), with how many where more than one."""
    if not run.full_passes:
        return "inget helpass"
    by_operation: dict[str, list[float]] = {}
    for operation, ms in run.full_passes:
        by_operation.setdefault(operation or "ingen operation", []).append(ms)
    return "helpass " + ", ".join(f"{number_text(sum(times))} ms i {operation}" + (f" ({len(times)} st)" if len(times) > 1 else "")
                                  for operation, times in by_operation.items())


def _errors(run: CollectorRun) -> str:
    # (the balance assertions after a year-end close wait for the carries our plugins add)
    return f"; {number_text(run.errors)} fel, där det våra plugins lägger till saknas" if run.errors else ""


def profile_load(ledger: Path, repeat: int = 5) -> ProfileFigure:
    """The profile of our plugins (one new process) and the collector's passes with
    and without them (`repeat` new processes each)."""
    rows, profiled = in_new_process("scripts.prestanda_profil", "_profiled", str(ledger))
    runs = {ours: [CollectorRun(*in_new_process("scripts.prestanda_profil", "_collector_run", str(ledger), ours))
                   for _ in range(repeat)] for ours in ("med", "utan")}
    return ProfileFigure([ProfileRow(*row) for row in rows], profiled, _median_run(runs["med"]), _median_run(runs["utan"]))


def _median_run(runs: list[CollectorRun]) -> CollectorRun:
    """The run with the median collector time (its passes stay together)."""
    ordered = sorted(runs, key=lambda run: run.collector_ms)
    middle = ordered[len(ordered) // 2]
    return middle._replace(load_ms=statistics.median(run.load_ms for run in runs),
                           ours_ms=statistics.median(run.ours_ms for run in runs))


def _collector_run(ledger: str, ours: str) -> list:
    """One load (in a new process): with our plugins ("med"), or without them ("utan")."""
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


def _profiled(ledger: str) -> list:
    """cProfile of our plugins in one load (in a new process), the collector off."""
    import contextlib
    import cProfile
    import gc
    import pstats

    from beancount.utils import misc_utils

    profile = cProfile.Profile()
    log_time = misc_utils.log_time

    @contextlib.contextmanager
    def profiled_log_time(operation_name, log_timings, indent=0):
        ours = operation_name.startswith(OURS)
        with log_time(operation_name, log_timings, indent) as start:
            if ours:
                profile.enable()
            try:
                yield start
            finally:
                if ours:
                    profile.disable()

    from beancount import loader

    import namndbok.loading  # noqa: F401  (no pickle cache: the plugins run)

    gc.disable()
    misc_utils.log_time = profiled_log_time
    try:
        loader.load_file(ledger)
    finally:
        misc_utils.log_time = log_time
    stats = pstats.Stats(profile).stats
    rows = sorted(((_where(key), calls, own * 1000) for key, (_, calls, own, _, _) in stats.items()),
                  key=lambda row: -row[2])
    return [rows[:TOP], sum(row[2] for row in rows)]


def _where(key: tuple[str, int, str]) -> str:
    """A function as `path.py:name` (in the repository or an installed package), or a built-in's name."""
    filename, _, name = key
    if filename == "~":
        return name.strip("<>")
    path = Path(filename)
    if "site-packages" in path.parts:
        return f"{Path(*path.parts[path.parts.index('site-packages') + 1:])}:{name}"
    if path.is_relative_to(REPOSITORY):
        return f"{path.relative_to(REPOSITORY)}:{name}"
    return f"{path.name}:{name}"
