"""`namndbok prestanda laddning --profil`: why our plugins cost what they cost.

The load's figure says how much our plugins add to Beancount's load; this says
where that time goes, for each ledger measured, each part in new Python processes
(as bean-check or Fava's first load meets it, with every cache cold):

- **The profile.** cProfile is on only while Beancount runs a plugin of ours
  (with the sort Beancount does after each plugin), with the garbage collector
  paused so that its passes do not land in whatever function was running; the
  functions by their own time. cProfile charges every call, so what is done in
  many small calls looks larger than it is: Beancount's sorts call
  `entry_sortkey` once per entry and top the list, yet one plugin line for all
  six (one sort) measured 1–3 ms less at 20 000 rows.
- **The collector.** Python's collector makes a full pass over every object when
  enough new ones have survived since the last; the allocation that tips it can
  be anyone's. A large load makes such a pass, and where it falls decides whose
  time it looks like. So the same ledger is also loaded *without* our plugins,
  Beancount's `auto_accounts` in their place (the ledger still gets its Open
  directives and loads as a plain Beancount ledger would), and the collector's
  passes in the two loads are compared (`prestanda.time_load_fresh`, the same
  runs as the load figure's new-process line). What our plugins add to the collector is
  the difference. `ProfileFigure.overhead` charges our plugins that instead of
  the passes that happened to fall in them: the share of the load they add when
  the collector is counted for the work they give it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from scripts.prestanda import (REPOSITORY, WITHOUT_OURS, FreshFigure, in_new_process, number_text, share,
                               time_load_fresh, timed_load)

TOP = 12  # functions shown


class ProfileRow(NamedTuple):
    function: str  # where it is defined (shortened), or the built-in's name
    calls: int
    own_ms: float  # its own time, without what it calls (with the profiler's overhead)


class ProfileFigure(NamedTuple):
    rows: list[ProfileRow]
    profiled_ms: float  # our plugins' own time under the profiler, all functions
    with_ours: FreshFigure  # the load in new processes, as `prestanda laddning` measures it
    without_ours: FreshFigure  # the same without our plugins (auto_accounts in their place)

    @property
    def added_collector_ms(self) -> float:
        """What our plugins add to the collector's work in a load."""
        return max(0.0, self.with_ours.load_collector_ms - self.without_ours.load_collector_ms)

    @property
    def overhead(self) -> float:
        """Our plugins' share of the load, with the collector charged for what they add to it
        rather than for the passes that fell in them."""
        run = self.with_ours
        return share(run.ours_ms - run.collector_ms + self.added_collector_ms, run.total_ms)

    def lines(self) -> list[str]:
        n = number_text
        width = max(len(row.function) for row in self.rows) if self.rows else 0
        out = [f"profil i en ny process (cProfile, skräpsamlaren av): våra plugins {n(self.profiled_ms)} ms "
               f"under profileraren; de {len(self.rows)} funktioner som tar mest egen tid:"]
        out += [f"  {n(row.own_ms, 1):>7} ms  {row.function:<{width}}  {n(row.calls):>7} anrop" for row in self.rows]
        with_ours, without = self.with_ours, self.without_ours
        out.append(f"skräpsamlaren i en ny process: {n(with_ours.load_collector_ms)} ms med våra plugins "
                   f"({_passes(with_ours)}), {n(without.load_collector_ms)} ms utan dem ({_passes(without)}; "
                   f"{WITHOUT_OURS} i deras ställe{_errors(without)})")
        out.append(f"med skräpsamlaren räknad efter vad våra plugins tillför den ({n(self.added_collector_ms)} ms) "
                   f"i stället för passen som föll i dem ({n(with_ours.collector_ms)} ms): "
                   f"våra plugins +{n(self.overhead * 100)} % mot utan")
        return out


def _passes(run: FreshFigure) -> str:
    """The full passes by the operation they fell in (in load order), with how many where more than one."""
    if not run.full_passes:
        return "inget helpass"
    by_operation: dict[str, list[float]] = {}
    for operation, ms in run.full_passes:
        by_operation.setdefault(operation or "ingen operation", []).append(ms)
    return "helpass " + ", ".join(f"{number_text(sum(times))} ms i {operation}" + (f" ({len(times)} st)" if len(times) > 1 else "")
                                  for operation, times in by_operation.items())


def _errors(run: FreshFigure) -> str:
    # (the balance assertions after a year-end close wait for the carries our plugins add)
    return f"; {number_text(run.errors)} fel, eftersom det som våra plugins lägger till saknas" if run.errors else ""


def profile_load(ledger: Path, fresh: FreshFigure, repeat: int = 5) -> ProfileFigure:
    """The profile of our plugins (one new process) and the load without them (`repeat` new
    processes), set beside `fresh`: the same ledger's load with them (`time_load_fresh`)."""
    rows, profiled = in_new_process("scripts.prestanda_profil", "_profiled", str(ledger))
    return ProfileFigure([ProfileRow(*row) for row in rows], profiled, fresh, time_load_fresh(ledger, repeat, ours=False))


def _profiled(ledger: str) -> list:
    """cProfile of our plugins in one load (in a new process), the collector paused."""
    import cProfile
    import pstats

    from namndbok.collector import collector_paused

    profile = cProfile.Profile()
    with collector_paused():
        timed_load(Path(ledger), profile)
    stats = pstats.Stats(profile).stats
    rows = sorted(((_where(key), calls, own * 1000) for key, (_, calls, own, _, _) in stats.items()),
                  key=lambda row: -row[2])
    return [rows[:TOP], sum(row[2] for row in rows)]


BUILT_IN_METHOD = re.compile(r"method '(?P<name>\w+)' of '(?P<type>[\w.]+)' objects")


def _where(key: tuple[str, int, str]) -> str:
    """A function as `path.py:name` (in the repository or an installed package), or a
    built-in as it is called (`dict.get`, `isinstance`)."""
    filename, _, name = key
    if filename == "~":
        name = name.strip("<>").removeprefix("built-in method ").removeprefix("builtins.")
        method = BUILT_IN_METHOD.fullmatch(name)
        return f"{method['type']}.{method['name']}" if method else name
    path = Path(filename)
    if "site-packages" in path.parts:
        return f"{Path(*path.parts[path.parts.index('site-packages') + 1:])}:{name}"
    if path.is_relative_to(REPOSITORY):
        return f"{path.relative_to(REPOSITORY)}:{name}"
    return f"{path.name}:{name}"
