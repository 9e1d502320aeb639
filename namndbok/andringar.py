"""What changed in figures between two readings of a ledger (`namndbok andringar`).

`git diff` shows lines; this shows money. Given the ledger before and after a
change (two `Side`s: the reading and the entries), `changes` gives

- per group (verksamhet, ansvar or radgrupp), typ and year, utfall for the year so
  far, the year's budget and the year's prognos before and after, from the
  engine (`namndbok.engine.compute` at 31 December of each year; the prognos
  only for a year with a follow-up, not the budget standing in for it): only
  the rows where one of them changed (by more than nothing: a row that comes
  with 0, or goes from 0, has not changed);
- the budget decisions (by name), follow-ups (prognos dates), imports
  (kalla × month) and locks (periods) that were added, changed or removed:
  each a set of keys with what it holds, compared.

Pure: loading a revision is the caller's (`namndbok.git_revision`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data as bc

from namndbok.accounts import RESULT_KINDS
from namndbok.engine import KIND_LABELS, compute, label
from namndbok.las import LOCK
from namndbok.ledgerdata import LedgerData

GROUPINGS = ("verksamhet", "ansvar", "radgrupp")
MEASURES = ("utfall", "budget", "prognos")
ADDED, CHANGED, REMOVED = "tillagd", "ändrad", "borttagen"
KINDS = ("budgetbeslut", "uppföljning", "import", "lås")  # the order they are listed in


class Side(NamedTuple):
    """One revision of the ledger: its reading and its entries (for imports and locks)."""

    data: LedgerData
    entries: list


class Figures(NamedTuple):
    """Committee's sign (intäkter positive, kostnader negative); None where nothing speaks to it."""

    utfall: Decimal | None = None
    budget: Decimal | None = None
    prognos: Decimal | None = None


class FigureChange(NamedTuple):
    year: int
    key: tuple  # (the group's value, typ); () for a year's total
    label: str  # the group's, e.g. "571 Missbrukarvård för vuxna"
    kind: str  # the typ's label, e.g. "Kostnader" ("" for a total)
    before: Figures
    after: Figures

    def difference(self, measure: str) -> Decimal | None:
        """after − before (a missing side counts as 0); None where neither side has the measure."""
        old, new = getattr(self.before, measure), getattr(self.after, measure)
        if old is None and new is None:
            return None
        return (new or Decimal(0)) - (old or Decimal(0))

    def changed(self) -> bool:
        return any(self.difference(measure) for measure in MEASURES)


class ItemChange(NamedTuple):
    kind: str  # KINDS
    key: tuple  # what names it (a decision's name, a follow-up's date, kalla and month, a lock's period)
    state: str  # ADDED, CHANGED or REMOVED
    detail: str  # what it is now (before, when removed), Swedish: a decision's date and reference, …


class Changes(NamedTuple):
    grouping: str
    figures: list[FigureChange]
    totals: list[FigureChange]  # per year that has a changed row: all groups together (key ())
    items: list[ItemChange]


def changes(before: Side, after: Side, grouping: str = "verksamhet") -> Changes:
    """The differences in figures and in the directives behind them (see the module docstring)."""
    if grouping not in GROUPINGS:
        raise ValueError(f"Okänd gruppering '{grouping}'; välj bland {', '.join(GROUPINGS)}.")
    figures, totals = [], []
    for year in sorted(years(before.data) | years(after.data)):
        old, old_total = figures_of(before.data, year, grouping)
        new, new_total = figures_of(after.data, year, grouping)
        rows = [FigureChange(year, key, *labels, old.get(key, (labels, Figures()))[1], figures_now)
                for key, (labels, figures_now) in new.items()]
        rows += [FigureChange(year, key, *labels, was, Figures()) for key, (labels, was) in old.items() if key not in new]
        rows = [row for row in rows if row.changed()]
        if rows:
            order = {key: index for index, key in enumerate(dict.fromkeys([*new, *old]))}  # the engine's order
            figures += sorted(rows, key=lambda row: order[row.key])
            totals.append(FigureChange(year, (), "Summa", "", old_total, new_total))
    items = []
    for kind, read in ((KINDS[0], decisions_of), (KINDS[1], follow_ups_of), (KINDS[2], imports_of), (KINDS[3], locks_of)):
        items += compared(kind, read(before), read(after))
    return Changes(grouping, figures, totals, items)


def years(data: LedgerData) -> set[int]:
    """The years the ledger has utfall, budget lines or prognos lines for."""
    span = data.utfall_span()
    found = set(range(span[0].year, span[1].year + 1)) if span else set()
    return found | {line.date.year for line in data.budget_lines} | {line.date.year for line in data.prognos}


def figures_of(data: LedgerData, year: int, dimension: str) -> tuple[dict[tuple, tuple[tuple[str, str], Figures]], Figures]:
    """(group, typ) → ((the group's label, the typ's), figures) for the whole of `year`, and the total."""
    table = compute(data, datetime.date(year, 12, 31), (dimension, "typ"), RESULT_KINDS)
    forecast = table.uppfoljning is not None  # else the engine's prognos is the budget ("prognos enligt budget")

    def figures(measures) -> Figures:
        return Figures(measures.utfall, measures.budget_helar, measures.prognos if forecast else None)

    return ({row.key: ((label(data, dimension, row.key[0]), KIND_LABELS.get(row.key[1], row.key[1])), figures(row.measures))
             for row in table.rows}, figures(table.total.measures))


def compared(kind: str, old: dict, new: dict) -> list[ItemChange]:
    """The keys added, changed (another value) and removed between two {key: (detail, value)}."""
    out = [ItemChange(kind, key, ADDED if key not in old else CHANGED, new[key][0])
           for key in new if key not in old or old[key] != new[key]]
    out += [ItemChange(kind, key, REMOVED, old[key][0]) for key in old if key not in new]
    return sorted(out, key=lambda item: tuple(str(part) for part in item.key))


def decisions_of(side: Side) -> dict[tuple, tuple]:
    """(name,) of each budget decision (a name is the decision's own) → (its date and reference, Swedish;
    what it says and its lines)."""
    lines = defaultdict(list)
    for line in side.data.budget_lines:
        lines[line.version].append((line.date, line.account, line.amount, line.nyckel))
    return {(d.name,): (f"{d.date}, {d.typ}, {d.beslut}" + (f" ({d.meta['status']})" if d.meta.get("status") else ""),
                        (d.date, d.typ, d.beslut, d.ersatter, d.meta.get("status"), tuple(sorted(lines[d.name], key=str))))
            for d in side.data.decisions}


def follow_ups_of(side: Side) -> dict[tuple, tuple]:
    """(date,) of each follow-up → (how many prognos lines, Swedish; its lines, every fall)."""
    out = defaultdict(list)
    for line in side.data.prognos:
        out[(line.date,)].append((line.account, line.amount, line.fall, line.kommentar))
    return {key: (f"{len(lines)} prognosrader", tuple(sorted(lines, key=str))) for key, lines in out.items()}


def imports_of(side: Side) -> dict[tuple, tuple]:
    """(kalla, month) of the imported transactions (metadata `kalla`) → (how many, Swedish; their
    postings' sums per account)."""
    sums: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    counts: dict[tuple, int] = defaultdict(int)
    for entry in side.entries:
        if isinstance(entry, bc.Transaction) and "kalla" in entry.meta:
            key = (str(entry.meta["kalla"]), f"{entry.date:%Y-%m}")
            counts[key] += 1
            for posting in entry.postings:
                sums[key][posting.account] += posting.units.number
    return {key: (f"{counts[key]} {'post' if counts[key] == 1 else 'poster'}",
                  tuple(sorted((a, v) for a, v in cell.items() if v))) for key, cell in sums.items()}


def locks_of(side: Side) -> dict[tuple, tuple]:
    """(start, end) of each `custom "las"` → (the lock file it names; the same)."""
    return {tuple(str(value.value) for value in entry.values): (str(entry.meta.get("fil")), entry.meta.get("fil"))
            for entry in side.entries if isinstance(entry, bc.Custom) and entry.type == LOCK}
