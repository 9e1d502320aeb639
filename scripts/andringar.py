"""`namndbok andringar [REV1] [REV2]`: the changes in figures between two revisions, as printed tables.

Each revision is written to a temporary folder (`namndbok.git_work.ledger_at`)
and loaded as any ledger; the working tree is the ledger itself. The
differences come from `namndbok.andringar`; here they become rows: per year,
group and measure that changed, before, after and the difference, each year's
total, then the budget decisions, follow-ups, imports and locks added, changed
or removed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import NamedTuple

from namndbok.andringar import ADDED, CHANGED, MEASURES, Changes, Side, changes
from namndbok.git_work import INDEX, RevisionError, ledger_at
from namndbok.scripts.tables import TextTable
from namndbok.swedish import format_amount

WORKING_TREE = "arbetskopian"
STAGED = "det köade (git add)"
MEASURE_NAMES = {"utfall": "Utfall", "budget": "Budget helår", "prognos": "Prognos helår"}
GROUP_NAMES = {"verksamhet": "Verksamhet", "ansvar": "Ansvar", "radgrupp": "Radgrupp"}
KIND_NAMES = {"budgetbeslut": "Budgetbeslut", "uppföljning": "Uppföljning (prognos)", "import": "Import", "lås": "Lås"}
STATE_NAMES = {ADDED: "tillagd", CHANGED: "ändrad"}
NO_CHANGES = "Inga ändringar i siffrorna."


class Compared(NamedTuple):
    title: str
    changes: Changes


def revision_name(revision: str | None) -> str:
    return WORKING_TREE if revision is None else STAGED if revision == INDEX else revision


def compare(ledger: Path, before: str, after: str | None, grouping: str) -> Compared:
    """The changes from `before` to `after` (None: the working tree; INDEX: the staged files).
    RevisionError (Swedish) when a revision cannot be had or does not load clean."""
    with tempfile.TemporaryDirectory(prefix="namndbok-andringar-") as folder:
        old = _side(ledger, before, Path(folder) / "fore")
        new = _side(ledger, after, Path(folder) / "efter")
        found = changes(old, new, grouping)
    return Compared(f"Ändringar i siffror: {revision_name(before)} → {revision_name(after)}", found)


def _side(ledger: Path, revision: str | None, folder: Path) -> Side:
    from namndbok.load_reading import reading_of
    from namndbok.loading import faults, load, where

    path = ledger if revision is None else ledger_at(ledger, revision, folder)
    entries, errors, options = load(path, fresh=revision is not None)  # a temporary copy: nothing to keep
    wrong = faults(errors)
    if wrong:
        place = where(wrong[0], str(path))
        if revision is not None:
            place = place.replace(str(folder) + "/", "")  # as a path in the repository
        raise RevisionError(f"Liggaren i {revision_name(revision)} har {len(wrong)} fel (det första: {place}: "
                            f"{wrong[0].message}); siffrorna jämförs bara mellan felfria versioner.")
    return Side(reading_of(entries, options), entries)


def figure_table(compared: Compared, unit: str, decimals: int) -> TextTable:
    """A row per year, group and measure that changed; each year's total (bold) after its rows."""
    found = compared.changes
    rows, bold = [], set()

    def add(row) -> None:
        for measure in MEASURES:
            if not row.difference(measure):
                continue
            rows.append([str(row.year), row.label, row.kind, MEASURE_NAMES[measure],
                         *(format_amount(value, unit, decimals) for value in
                           (getattr(row.before, measure), getattr(row.after, measure), row.difference(measure)))])

    for total in found.totals:
        for row in found.figures:
            if row.year == total.year:
                add(row)
        first = len(rows)
        add(total)
        bold.update(range(first, len(rows)))
    headers = ["År", GROUP_NAMES[found.grouping], "Typ", "Mått", "Före", "Efter", "Skillnad"]
    title = f"{compared.title}, {'kronor' if unit == 'kr' else unit}"
    return TextTable(title, headers, rows, right=[False] * 4 + [True] * 3, bold=frozenset(bold))


def item_table(compared: Compared) -> TextTable:
    """The budget decisions, follow-ups, imports and locks added, changed or removed."""
    rows = [[KIND_NAMES[item.kind], " – ".join(str(part) for part in item.key), item.detail,
             STATE_NAMES.get(item.state, "borttagen")] for item in compared.changes.items]
    return TextTable("Budgetbeslut, uppföljningar, importer och lås", ["Vad", "Vilken", "Innehåll", "Ändring"], rows,
                     right=[False] * 4)
