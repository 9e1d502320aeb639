"""`namndbok prestanda allt`: every benchmark once, side by side, for the example committee and a large one.

The large committee is the example ledger with N generated SIE rows of the
period's year imported detaljerad (`prestanda.large_copy`, the rows on the
verksamhet × konto the year's budget has, as `generera` draws them, so that
hledger and ledger book every posting on a budgeted account as our engine
does): its ledger, the generated SIE file it was imported from and the
hledger/ledger journals written from it (`jamfor.ledger_case`) are the same
data. The example committee's SIE figures come from its own export
(`ledgers/exempel/import/sie-2026-11.se`). Both files are imported into a
fresh copy of the example ledger, as `prestanda sie` does.

Each part is measured by the function its own subcommand uses:
`prestanda.time_sie` (the import into a fresh copy of the example, in a fresh
process, summerad and detaljerad), `prestanda.time_load` (Beancount's timing
log: the load with and without our plugins), `jamfor.measure` (the
budget-vs-utfall report by `namndbok uppfoljning`, `hledger balance --budget`
and `ledger budget`, the totals checked), `prestanda_fava.time_ledger` (our
Fava pages against Fava's income statement) and `prestanda.run_period_close`
(the period-close set after load, without and with the PDF). `table_rows` turns the
figures into one table with a column per committee, `targets` into the
issue's targets, met or not: both pure. Where our plugins are over their target,
the load is also profiled (`prestanda_profil.profile_load`), and `why_missed`
says where their time goes.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path
from typing import Callable, NamedTuple

from scripts.jamfor import TOOLS, Result, ledger_case, measure, tools_or_warn
from scripts.prestanda import MODES, Figure, LoadFigure, StepFigure, large_copy, run_period_close, time_load, time_sie, trans_rows
from scripts.prestanda import number_text as _n
from scripts.prestanda_profil import profile_load
from scripts.prestanda_fava import GOAL, INCOME, LedgerTimings, Timing, time_ledger

EXAMPLE_SIE = Path("import") / "sie-2026-11.se"  # the example committee's own SIE export, beside its ledger
MAIN_FILE = "socialnamnden.beancount"

PLUGIN_SHARE = 0.10  # our plugins add at most 10 % to Beancount's load
SIE_ROWS = 1_000_000  # a million summerad SIE rows …
SIE_RATE = 200_000  # … at 200 000 rows/s at least …
SIE_MEMORY_MB = 1_000  # … in under 1 GB
PERIOD_CLOSE_SECONDS = 1  # the period-close set after load


class Measured(NamedTuple):
    label: str
    sie_source: str  # which SIE file the import figures are of: "egen export" or "genererad"
    sie_file: str  # its name
    sie: dict[str, StepFigure]  # mode → the import's figure
    load: LoadFigure
    budget: Result
    tools: list[str]  # hledger and ledger, those installed
    fava: LedgerTimings
    period_close: list[Figure]  # load, the set without PDF, the set with PDF

    def sets(self) -> tuple[float, float]:
        """Seconds of the period-close set after load: without and with the PDF."""
        return self.period_close[1].seconds, self.period_close[2].seconds

    def fava_pages(self) -> tuple[list[Timing], Timing]:
        """(our pages' timings, Fava's income statement's)."""
        timings = self.fava.timings
        return [t for t in timings if t.ours], next(t for t in timings if t.label == INCOME)


def measure_committee(label: str, rows: int | None, folder: Path, example_dir: Path, sie_file: Path, sie_source: str,
                      date: datetime.date, runs: int, tools: list[str], say: Callable[[str], None]) -> Measured:
    """Every part for the committee whose ledger folder is `folder` (a copy of the example's layout)."""
    ledger = folder / MAIN_FILE
    steps = tuple(f"importera {mode}" for mode in MODES)
    sie = time_sie(example_dir, sie_file, trans_rows(sie_file), steps, runs, say)
    say(f"{label}: laddning …")
    load = time_load(ledger, label, repeat=runs, fresh=True)
    if load.worst_overhead > PLUGIN_SHARE:
        say(f"{label}: våra plugins över målet; var tiden går …")
        load = load._replace(profile=profile_load(ledger, load.fresh, runs))
    say(f"{label}: budget mot utfall i Nämndbok, hledger och ledger …")
    with tempfile.TemporaryDirectory(prefix="namndbok-allt-") as tmp:
        budget = measure(ledger_case(label, rows, ledger, Path(tmp), date.year), runs, tools)
    say(f"{label}: Favas sidor …")
    fava = time_ledger(ledger, label, repeat=runs)
    say(f"{label}: rapportpaketet …")
    close = run_period_close(folder, date, repeat=runs)
    return Measured(label, sie_source, sie_file.name, dict(zip(MODES, sie)), load, budget, tools, fava, close)


def run(example_dir: Path, rows: int, date: datetime.date, runs: int = 3,
        say: Callable[[str], None] = print) -> list[Measured]:
    """The example committee, then the example with `rows` generated SIE rows of the period's year imported."""
    tools = tools_or_warn(say)
    own = example_dir / EXAMPLE_SIE
    out = [measure_committee("Exempelnämnden", None, example_dir, example_dir, own, "egen export", date, runs, tools, say)]
    with tempfile.TemporaryDirectory(prefix="namndbok-allt-") as tmp:
        ledger = large_copy(example_dir, Path(tmp), rows, year=date.year, say=say, budgeted=True)
        label = f"Exempelnämnden + {_n(rows)} rader"
        out.append(measure_committee(label, rows, ledger.parent, example_dir, Path(tmp) / "stor.se", "genererad",
                                     date, runs, tools, say))
    return out


def _seconds_and_ratio(result: Result, tool: str) -> str:
    if tool not in result.seconds:
        return "saknas"
    return f"{_n(result.seconds[tool], 2)} ({_n(result.seconds[tool] / result.seconds['namndbok'], 2)})"


def table_rows(measured: list[Measured]) -> list[list[str]]:
    """The table: a header, then a row per figure with a cell per committee (Swedish labels and numbers)."""
    def row(label: str, cell: Callable[[Measured], str]) -> list[str]:
        return [label, *(cell(m) for m in measured)]

    out = [["", *(m.label for m in measured)],
           row("SIE-fil", lambda m: m.sie_source),
           row("SIE-fil: rader", lambda m: _n(m.sie[MODES[0]].rows)),
           row("SIE-fil: MB", lambda m: _n(m.sie[MODES[0]].megabytes, 2))]
    for mode in MODES:
        out += [row(f"SIE-import {mode}: rader/s", lambda m, mode=mode: _n(m.sie[mode].rows / m.sie[mode].seconds)),
                row(f"SIE-import {mode}: MB/s", lambda m, mode=mode: _n(m.sie[mode].megabytes / m.sie[mode].seconds, 2)),
                row(f"SIE-import {mode}: toppminne MB", lambda m, mode=mode: _n(m.sie[mode].peak_mb))]
    out += [row("Poster i liggaren", lambda m: _n(m.load.entries)),
            row("Laddning utan våra plugins, ms", lambda m: _n(m.load.without_ms)),
            row("Laddning med våra plugins, ms", lambda m: _n(m.load.total_ms)),
            row("Tillägg från våra plugins, %", lambda m: f"+{_n(m.load.overhead * 100)}"),
            row("Tillägg i en ny process (som bean-check), %", lambda m: f"+{_n(m.load.fresh.overhead * 100)}"),
            row("Budget mot utfall: Nämndbok, s", lambda m: _n(m.budget.seconds["namndbok"], 2))]
    out += [row(f"Budget mot utfall: {tool}, s (kvot)", lambda m, tool=tool: _seconds_and_ratio(m.budget, tool)) for tool in TOOLS]
    out += [row("Budget mot utfall: summorna stämmer", lambda m: "ja" if not m.budget.differences
                else f"nej ({len(m.budget.differences)} skillnader)")]
    for when, ms, ratio in (("varm", "ms", "ratio"), ("efter laddning", "cold_ms", "cold_ratio")):
        out += [row(f"Fava {when}: Nämndboks långsammaste sida, ms",
                    lambda m, ms=ms: _n(max(getattr(t, ms) for t in m.fava_pages()[0]))),
                row(f"Fava {when}: Favas resultaträkning, ms", lambda m, ms=ms: _n(getattr(m.fava_pages()[1], ms))),
                row(f"Fava {when}: högsta kvot", lambda m, ratio=ratio: _n(max(getattr(t, ratio) for t in m.fava_pages()[0]), 2))]
    out += [row("Rapportpaketet efter laddning utan PDF, ms", lambda m: _n(m.sets()[0] * 1000)),
            row("Rapportpaketet efter laddning med PDF, ms", lambda m: _n(m.sets()[1] * 1000))]
    return out


def sources(measured: list[Measured]) -> str:
    """Which SIE file each committee's import figures are of (a Swedish sentence)."""
    named = "; ".join(f"{m.label}: {m.sie_file} ({m.sie_source})" for m in measured)
    return f"SIE-filerna, var och en importerad i en ny kopia av exempelnämnden: {named}."


def _met(ok: bool) -> str:
    return "nås" if ok else "nås inte"


def targets(measured: list[Measured], rows_generated: int) -> list[str]:
    """The issue's targets, each met or not by the measured figures (Swedish lines)."""
    plugins = "; ".join(f"{m.label} +{_n(m.load.overhead * 100)} % i en process och +{_n(m.load.fresh.overhead * 100)} % "
                        f"i en ny ({_met(m.load.worst_overhead <= PLUGIN_SHARE)})" for m in measured)
    out = [f"- Våra plugins lägger högst {_n(PLUGIN_SHARE * 100)} % till laddningen: {plugins}."]
    sie = f"- {_n(SIE_ROWS)} summerade SIE-rader med minst {_n(SIE_RATE)} rader/s och under {_n(SIE_MEMORY_MB)} MB minne: "
    if rows_generated < SIE_ROWS:
        out.append(sie + f"mäts med --rader {SIE_ROWS}.")
    else:
        figure = measured[-1].sie["summerad"]
        rate = figure.rows / figure.seconds
        out.append(sie + f"{_n(rate)} rader/s och {_n(figure.peak_mb)} MB vid {_n(figure.rows)} rader "
                   f"({_met(rate >= SIE_RATE and figure.peak_mb < SIE_MEMORY_MB)}).")
    sets = "; ".join(f"{m.label} {_n(m.sets()[0], 2)} s utan PDF ({_met(m.sets()[0] < PERIOD_CLOSE_SECONDS)}), "
                     f"{_n(m.sets()[1], 2)} s med PDF ({_met(m.sets()[1] < PERIOD_CLOSE_SECONDS)})" for m in measured)
    out.append(f"- Rapportpaketet efter laddning på under {_n(PERIOD_CLOSE_SECONDS)} s: {sets}.")
    fava = "; ".join(f"{m.label} högst {_n(worst, 2)} ({_met(worst <= GOAL)})" for m in measured
                     for worst in [max(max(t.ratio, t.cold_ratio) for t in m.fava_pages()[0])])
    out.append(f"- Nämndboks sidor i Fava högst {_n(GOAL, 1)} × Favas resultaträkning, varm och efter laddning: {fava}.")
    return out


def why_missed(measured: list[Measured]) -> list[str]:
    """Where our plugins' time goes, for each committee where they are over the target (profiled then)."""
    out = []
    for m in measured:
        if m.load.profile is not None:
            out.append(f"\nVåra plugins över målet i {m.label}; var tiden går:")
            out += [f"  {text}" for text in m.load.profile.lines()]
    return out
