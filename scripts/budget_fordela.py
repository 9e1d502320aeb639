"""`namndbok budget fordela ÅR`: the internbudget proposal (namndbok.fordelning) written into the ledger,
and the proposal turned into the decided version (`--beslut`).

The proposal is a `custom "budgetbeslut"` with `status: "förslag"` and its `custom "budgetrad"`
lines in ÅR/budget.beancount (created and included like the imports' files), written atomically
under the writer lock and checked by a fresh load (`change_and_check`). A new proposal replaces
the previous one (its entries are taken out of the file); a decided version is never overwritten.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import NamedTuple

from namndbok.budget import STATUS, is_proposal
from namndbok.fileio import absolute
from namndbok.fordelning import others_gap, plan_decisions, propose
from namndbok.importers.ledger_append import change_and_check
from namndbok.importers.ledger_check import first_kontoplan, load_before_change
from namndbok.importers.model import SourceError
from namndbok.ledgerfile import canonical
from namndbok.load_reading import reading_of
from namndbok.ram_ledger import ram_for, temporary_changes
from namndbok.ramberakning import TOTAL, RamError, parse_assumptions
from namndbok.writer_lock import writer

INCLUDE = 'include "*/budget.beancount"'
UNDECIDED = "ej beslutad"
COMMAND = "namndbok budget fordela"


class Outcome(NamedTuple):
    written: bool
    lines: int
    ram: object  # Decimal, kronor
    target: Path


def _target(ledger: Path, year: int) -> Path:
    return ledger.parent / str(year) / "budget.beancount"


def _kf_frame(data, year: int, name: str) -> str | None:
    """The last decided KF frame with lines in `year`: the internbudget replaces it."""
    with_lines = {line.version for line in data.budget_lines if line.date.year == year}
    frames = [d for d in data.decisions if d.typ == "kf-budget" and d.name in with_lines and d.name != name
              and not is_proposal(d) and any(data.refs.get(line.account) is not None
                                             and data.refs[line.account].kind == "kommunbidrag"
                                             for line in data.budget_lines if line.version == d.name)]
    return frames[-1].name if frames else None


def block(name: str, year: int, date: datetime.date, beslut: str, proposal: bool, ersatter: str | None,
          lines) -> str:
    out = [f'{date} custom "budgetbeslut" "{name}"', '  typ: "internbudget"', f'  beslut: "{beslut}"']
    if proposal:
        out.append(f'  {STATUS}: "förslag"')
    if ersatter:
        out.append(f'  ersatter: "{ersatter}"')
    out.append("")
    line_date = date if date.year == year else datetime.date(year, 1, 1)
    width = max((len(line.account) for line in lines), default=0)
    out += [f'{line_date} custom "budgetrad" "{name}" {line.account.ljust(width)}  {line.amount:.2f} SEK'
            + (f"  ; {line.note}" if line.note else "") for line in lines]
    return "\n".join(out) + "\n"


def without_entries(text: str, linenos: set[int]) -> str:
    """`text` without the entries that start on `linenos` (each with its indented metadata lines),
    and without the blank lines they leave doubled."""
    kept, skipping = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if number in linenos:
            skipping = True
            continue
        if skipping and line[:1] in (" ", "\t") and line.strip():
            continue
        skipping = False
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept).strip("\n") + "\n")


def _entries_of(data, decision, target: Path) -> set[int]:
    """The lines where `decision` and its budget lines start; refused when one lies outside `target`."""
    entries = [decision.meta, *(line.meta for line in data.budget_lines if line.version == decision.name)]
    for meta in entries:
        if absolute(Path(meta.get("filename", ""))) != absolute(target):
            raise SourceError(meta.get("filename", ""), meta.get("lineno", 0),
                              f"Förslaget '{decision.name}' har rader utanför {target}; flytta dem dit eller ta bort "
                              "dem, och kör kommandot igen.")
    return {meta["lineno"] for meta in entries}


@writer(COMMAND)
def write_proposal(ledger: Path, year: int, assumptions: Path, name: str, today: datetime.date) -> Outcome:
    """Compute the internbudget for `year` and write it as a proposal (replacing an earlier one)."""
    entries, _, options = load_before_change(ledger)
    data = reading_of(entries, options)
    namnd = first_kontoplan(data, ledger).namnd
    parsed = parse_assumptions(assumptions)
    table = ram_for(data, parsed, year, 0)
    temporary = temporary_changes(data, (year - 1, year))
    old = next((d for d in data.decisions if d.name == name), None)
    frame = _kf_frame(data, year, name)
    gap = others_gap(data, namnd, year, {name, frame, *plan_decisions(data, year)})
    lines = propose(data, table, parsed.fordelning, namnd, str(assumptions), gap, temporary)
    target = _target(ledger, year)
    if old is not None and not is_proposal(old):
        raise SourceError(str(old.meta.get("filename")), int(old.meta.get("lineno") or 0),
                          f"'{name}' är redan beslutad ({old.beslut}) och skrivs inte över. Ett nytt förslag behöver "
                          "ett eget namn (--namn) eller ett eget beslut (tilläggsbudget, omfördelning).")
    date = old.date if old is not None else today
    text = block(name, year, date, UNDECIDED, True, frame, lines)
    ram = table.row(TOTAL).values[0]
    drop = _entries_of(data, old, target) if old is not None else set()

    def replaced(head: str) -> str:
        return without_entries(head, drop).rstrip("\n") + "\n\n" + text

    if old is not None and canonical(replaced(target.read_text(encoding="utf-8"))) == target.read_text(encoding="utf-8"):
        return Outcome(False, len(lines), ram, target)  # the same proposal: nothing to write
    change_and_check(ledger, [(target, f"Budget {year}, skriven av Nämndbok.", replaced)],
                     data.roots, INCLUDE, str(assumptions), COMMAND)
    return Outcome(True, len(lines), ram, target)


@writer(COMMAND)
def decide(ledger: Path, year: int, name: str, reference: str, date: datetime.date) -> tuple[bool, Path]:
    """Turn the proposal `name` into the decided version: status removed, beslut and date set.
    (False, file) when it is already decided with this reference."""
    entries, _, options = load_before_change(ledger)
    data = reading_of(entries, options)
    target = _target(ledger, year)
    old = next((d for d in data.decisions if d.name == name), None)
    if old is None:
        raise SourceError(str(target), 0, f"Det finns inget förslag '{name}' att besluta. Kör först "
                                          f"`namndbok budget fordela {year}`.")
    if not is_proposal(old):
        if old.beslut == reference:
            return False, target
        raise SourceError(str(old.meta.get("filename")), int(old.meta.get("lineno") or 0),
                          f"'{name}' är redan beslutad ({old.beslut}); ett annat beslut skrivs inte över.")
    _entries_of(data, old, target)
    header_line = old.meta["lineno"]

    def decided(text: str) -> str:
        lines = text.splitlines()
        end = header_line
        while end < len(lines) and lines[end][:1] in (" ", "\t") and lines[end].strip():
            end += 1
        meta = [line for line in lines[header_line:end]
                if not re.match(rf"\s+({STATUS}|beslut):", line)]
        head = [f'{date} custom "budgetbeslut" "{name}"', *meta[:1], f'  beslut: "{reference}"', *meta[1:]]
        return "\n".join([*lines[:header_line - 1], *head, *lines[end:]]) + "\n"

    change_and_check(ledger, [(target, f"Budget {year}, skriven av Nämndbok.", decided)],
                     data.roots, INCLUDE, str(target), COMMAND)
    return True, target


def decision_date(reference: str, given: datetime.date | None, today: datetime.date) -> datetime.date:
    """The decision's date: --datum, else the date in the reference ("KF 2026-11-20 §150"), else today."""
    if given is not None:
        return given
    found = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", reference)
    if found:
        try:
            return datetime.date.fromisoformat(found.group(1))
        except ValueError:
            pass
    return today


__all__ = ["write_proposal", "decide", "decision_date", "RamError"]
