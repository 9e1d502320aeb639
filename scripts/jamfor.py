"""`namndbok prestanda jamfor`: our budget report against hledger's and ledger-cli's, timed and checked.

For the example committee and for generated committees of a few sizes
(`scripts/generera.py`, one committee × one year of R SIE rows imported
summerad or detaljerad, made if missing), the same year's budget-vs-utfall report by three tools, each as a
whole command in a subprocess (start-up, reading the files, the report), the
median of a few runs:

- Nämndbok: `namndbok uppfoljning LIGGARE --per ÅÅÅÅ-12 --grupp verksamhet`
  (Beancount's load with our plugins, then the engine);
- hledger: `hledger -f J balance --budget -Y -b ÅÅÅÅ-01-01 -e ÅÅÅÅ+1-01-01 -O csv ^Intäkter ^Kostnader`;
- ledger: `ledger -f J budget -b … -e … --flat` with a tab-separated format.

Not only timed: the year's utfall and budget per verksamhet (intäkter and
kostnader, the committee's sign) from hledger's and ledger's output must equal
our engine's (`engine.compute`, the numbers `uppfoljning` prints); every
difference is printed. Both tools print inclusive amounts for the budgeted
accounts and their parents, so each account's own part is its amount less its
listed children's before the parts are summed per verksamhet.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Callable, NamedTuple

from beancount.core.data import Transaction

from namndbok.accounts import KIND_INTAKT, KIND_KOSTNAD, AccountNameError, Roots, parse_account
from namndbok.ledgerdata import LedgerData
from namndbok.swedish import format_number
from scripts.prestanda import aligned

TOOLS = ("hledger", "ledger")
QUERY = ("^Intäkter", "^Kostnader")
LEDGER_FORMAT = "%(quantity(scrub(get_at(display_total, 0))))\t%(quantity(-scrub(get_at(display_total, 1))))\t%(account)\n"
UNBUDGETED = "<unbudgeted>:"
MISSING_TOOLS = "Saknar {tools}; installera med `apt-get install hledger ledger` för att jämföra med dem. Deras kolumner hoppas över."

Totals = dict  # verksamhet (None: nämnd level) → (utfall, budget), the committee's sign


class Case(NamedTuple):
    label: str
    rows: int | None  # SIE rows of the year, None for the example
    ledger: Path
    journals: dict[str, Path]  # tool → journal
    year: int
    data: LedgerData | None = None  # the loaded ledger, when the case has loaded it already …
    postings: int | None = None  # … and its transactions' postings


class Result(NamedTuple):
    case: Case
    postings: int  # postings of the loaded ledger's transactions (the journals have as many on result accounts)
    seconds: dict[str, float]  # "namndbok", "hledger", "ledger" → median wall time
    differences: list[str]


def our_command(ledger: Path, year: int) -> list[str]:
    exe = Path(sys.executable).with_name("namndbok")
    program = [str(exe)] if exe.exists() else [sys.executable, "-m", "scripts.cli"]
    return [*program, "uppfoljning", str(ledger), "--per", f"{year}-12", "--grupp", "verksamhet"]


def tool_command(tool: str, journal: Path, year: int) -> list[str]:
    period = ["-b", f"{year}-01-01", "-e", f"{year + 1}-01-01"]
    if tool == "hledger":
        return ["hledger", "-f", str(journal), "balance", "--budget", "-Y", *period, "-O", "csv", *QUERY]
    return ["ledger", "-f", str(journal), "budget", *period, "--flat", "--budget-format", LEDGER_FORMAT, *QUERY]


def _number(text: str) -> Decimal:
    text = text.strip().removesuffix("SEK").strip()
    return Decimal(text) if text else Decimal(0)


def parse_hledger(text: str) -> dict[str, tuple[Decimal, Decimal]]:
    """account → (actual, budget) from `balance --budget -O csv` with one period column."""
    rows = list(csv.reader(io.StringIO(text)))
    return {r[0].removeprefix(UNBUDGETED): (_number(r[1]), _number(r[2])) for r in rows[1:] if r and r[0] != "Total:"}


def parse_ledger(text: str) -> dict[str, tuple[Decimal, Decimal]]:
    """account → (actual, budget) from `budget` with LEDGER_FORMAT (the total line has no account)."""
    out = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].strip():
            out[parts[2].strip()] = (_number(parts[0]), _number(parts[1]))
    return out


def per_verksamhet(inclusive: dict[str, tuple[Decimal, Decimal]], roots: Roots) -> Totals:
    """Each listed account's own part (less its nearest listed children), summed per verksamhet,
    intäkter and kostnader only, in the committee's sign."""
    own = {account: list(amounts) for account, amounts in inclusive.items()}
    for account, (actual, budget) in inclusive.items():
        parts = account.split(":")
        parent = next((":".join(parts[:n]) for n in range(len(parts) - 1, 0, -1) if ":".join(parts[:n]) in own), None)
        if parent:
            own[parent][0] -= actual
            own[parent][1] -= budget
    totals: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for account, (actual, budget) in own.items():
        try:
            ref = parse_account(account, roots)
        except AccountNameError:
            continue
        if ref.kind in (KIND_INTAKT, KIND_KOSTNAD) and (actual or budget):
            totals[ref.verksamhet][0] -= actual
            totals[ref.verksamhet][1] -= budget
    return {key: (u, b) for key, (u, b) in totals.items()}


def engine_per_verksamhet(data, year: int) -> Totals:
    """The engine's utfall and budget helår per verksamhet at 31 December (what `uppfoljning` prints)."""
    from namndbok.engine import compute

    table = compute(data, datetime.date(year, 12, 31), group_by=("verksamhet",), kinds=(KIND_INTAKT, KIND_KOSTNAD))
    return {row.key[0]: (row.measures.utfall or Decimal(0), row.measures.budget_helar or Decimal(0)) for row in table.rows}


def differences(tool: str, ours: Totals, theirs: Totals) -> list[str]:
    out = []
    for key in sorted(set(ours) | set(theirs), key=lambda k: k or ""):
        a, b = ours.get(key, (Decimal(0), Decimal(0))), theirs.get(key, (Decimal(0), Decimal(0)))
        for i, measure in enumerate(("utfall", "budget")):
            if a[i] != b[i]:
                out.append(f"{tool}: verksamhet {key or '(nämnden)'} {measure} {format_number(b[i], 2)} kr, "
                           f"Nämndbok {format_number(a[i], 2)} kr")
    return out


def median_seconds(command: list[str], runs: int) -> tuple[float, str]:
    """Median wall time of `runs` runs of the command, and its output (the last run's)."""
    times, output = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        # Our command loads the ledger every run, like hledger and ledger: no kept load.
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                              env={**os.environ, "NAMNDBOK_CACHE": "0"})
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:3])} … misslyckades: {done.stderr.strip()[:500]}")
        output = done.stdout
    return statistics.median(times), output


def tools_or_warn(say: Callable[[str], None]) -> list[str]:
    """The installed tools; the missing ones are named once, with how to install them."""
    tools = [tool for tool in TOOLS if shutil.which(tool)]
    missing = [t for t in TOOLS if t not in tools]
    if missing:
        say(MISSING_TOOLS.format(tools=" och ".join(missing)))
    return tools


def _postings(entries) -> int:
    return sum(len(e.postings) for e in entries if isinstance(e, Transaction))


def _loaded(ledger: Path) -> tuple[list, LedgerData]:
    """A fresh load of a benchmark ledger (not kept: it is temporary or measured) and what the engine reads."""
    from namndbok.load_reading import reading_of
    from namndbok.loading import load

    entries, _, options = load(ledger, fresh=True)
    return entries, reading_of(entries, options)


def measure(case: Case, runs: int, tools: list[str]) -> Result:
    seconds = {"namndbok": median_seconds(our_command(case.ledger, case.year), runs)[0]}
    data, postings = case.data, case.postings
    if data is None:
        entries, data = _loaded(case.ledger)
        postings = _postings(entries)
    ours = engine_per_verksamhet(data, case.year)
    found = []
    for tool in tools:
        seconds[tool], output = median_seconds(tool_command(tool, case.journals[tool], case.year), runs)
        parsed = parse_hledger(output) if tool == "hledger" else parse_ledger(output)
        found += differences(tool, ours, per_verksamhet(parsed, data.roots))
    return Result(case._replace(data=None), postings, seconds, found)  # the result need not hold the ledger


def example_case(example_dir: Path, folder: Path, year: int) -> Case:
    """The example committee, with its journals written into `folder`."""
    return ledger_case("Exempelnämnden", None, example_dir / "socialnamnden.beancount", folder, year)


def ledger_case(label: str, rows: int | None, ledger: Path, folder: Path, year: int) -> Case:
    """A ledger as it is, with its journals for hledger and ledger written into `folder`."""
    from scripts.journaler import write_journals

    entries, data = _loaded(ledger)
    folder.mkdir(parents=True, exist_ok=True)
    return Case(label, rows, ledger, write_journals(data, entries, folder, "exempel"), year, data, _postings(entries))


def generated_case(folder: Path, rows: int, year: int, mode: str, say: Callable[[str], None]) -> Case:
    """One committee × one year of `rows` SIE rows imported in `mode` under `folder/rader-<rows>[-detaljerad]`,
    generated if missing."""
    from scripts.generera import committees, generate

    target = folder / (f"rader-{rows}" if mode == "summerad" else f"rader-{rows}-{mode}")
    committee = committees(1, 12)[0]
    ledger = target / committee.slug / committee.ledger
    journals = {tool: ledger.with_suffix(f".{ending}") for tool, ending in (("hledger", "journal"), ("ledger", "ledger"))}
    if not all(p.exists() for p in (ledger, *journals.values())):
        if target.exists():
            shutil.rmtree(target)  # a generation cut off half-way
        say(f"Genererar {committee.name} {year} med {format_number(rows, 0)} rader i {target} …")
        start = time.perf_counter()
        generate(target, 1, [year], rows, mode=mode, say=say)
        say(f"Genererad, importerad ({mode}) och skriven för hledger och ledger på {format_number(time.perf_counter() - start, 1)} s.")
    return Case(f"{committee.name} ({mode})", rows, ledger, journals, year)


def run(example_dir: Path, folder: Path, sizes: list[int], runs: int = 3, mode: str = "summerad", year: int = 2026,
        say: Callable[[str], None] = print) -> list[Result]:
    tools = tools_or_warn(say)
    cases = [example_case(example_dir, folder / "exempel", year)]
    cases += [generated_case(folder, rows, year, mode, say) for rows in sizes]
    results = []
    for case in cases:
        say(f"Mäter {case.label}{'' if case.rows is None else f' ({format_number(case.rows, 0)} rader)'} …")
        results.append(measure(case, runs, tools))
    return results


def table_lines(results: list[Result]) -> list[str]:
    """The figures as a table with Swedish labels: the ledger's postings, seconds, ratios to Nämndbok,
    and whether the totals agree; a column per tool that was measured."""
    tools = [t for t in TOOLS if results and all(t in r.seconds for r in results)]
    head = ["Liggare", "SIE-rader", "Konteringar", "Nämndbok s"] + [f"{t} s" for t in tools] + [f"{t}/Nämndbok" for t in tools] + ["Summor"]
    rows = [head]
    for r in results:
        ours = r.seconds["namndbok"]
        line = [r.case.label, "–" if r.case.rows is None else format_number(r.case.rows, 0),
                format_number(r.postings, 0), format_number(ours, 2)]
        line += [format_number(r.seconds[t], 2) for t in tools]
        line += [format_number(r.seconds[t] / ours, 2) for t in tools]
        line.append("stämmer" if not r.differences else f"{len(r.differences)} skillnader")
        rows.append(line)
    return aligned(rows).splitlines()
