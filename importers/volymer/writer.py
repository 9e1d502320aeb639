"""A volume list into the ledger: one `custom "volym"` per verksamhet, month and unit.

    2026-03-31 custom "volym" Kostnader:Socialnämnden:5731 "vårddygn" 2712
      ansvar: "2200"

Appended to `<år>/volymer.beancount`. The unit must be one of the kontoplan's
`enheter`, the verksamhet (and ansvar) must be in the kontoplan. A volume the
ledger already has with the same number is skipped; with another number it is
refused (a changed volume is a correction to make on purpose).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from namndbok.importers.ledger_append import append_and_check
from namndbok.writer_lock import writer
from namndbok.importers.model import SourceError
from namndbok.importers.volymer.reader import read_volume_list
from namndbok.accounts import KIND_KOSTNAD, result_account
from namndbok.load_reading import reading_of
from namndbok.importers.ledger_check import first_kontoplan, load_before_change

DIRECTIVE = "volym"
INCLUDE = 'include "*/volymer.beancount"'


def existing_volumes(entries) -> dict[tuple, tuple[Decimal, dict]]:
    """(date, account, ansvar, enhet) → (antal, meta) of the ledger's volume directives."""
    out = {}
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == DIRECTIVE and len(entry.values) == 3:
            account, enhet, antal = (v.value for v in entry.values)
            out[(entry.date, account, entry.meta.get("ansvar"), enhet)] = (antal, entry.meta)
    return out


@writer("namndbok import-volymer")
def import_volumes(ledger: Path, export: Path, year: int | None = None, sheet: str | None = None) -> tuple[int, int]:
    """Append the list's new volumes; return (added, already there)."""
    entries, errors, options = load_before_change(ledger)
    ledgerdata = reading_of(entries, options)
    plan = first_kontoplan(ledgerdata, ledger)
    rows = read_volume_list(export.read_bytes(), str(export), year, sheet)
    have = existing_volumes(entries)
    problems, new, same = [], [], 0
    for row in rows:
        if row.verksamhet not in plan.verksamheter:
            problems.append(f"{export}:{row.line}: Okänd verksamhet '{row.verksamhet}'; lägg till den under [verksamheter] i {plan.path}.")
            continue
        if row.ansvar is not None and row.ansvar not in plan.ansvar:
            problems.append(f"{export}:{row.line}: Okänt ansvar '{row.ansvar}'; lägg till det under [ansvar] i {plan.path}.")
            continue
        if row.enhet not in plan.enheter:
            problems.append(f"{export}:{row.line}: Okänd enhet '{row.enhet}'; kända är {', '.join(plan.enheter)} (enheter = [...] i {plan.path}).")
            continue
        account = result_account(ledgerdata.roots, KIND_KOSTNAD, plan.namnd, row.verksamhet)
        old = have.get((row.month, account, row.ansvar, row.enhet))
        if old is None:
            new.append((row, account))
        elif old[0] == row.antal:
            same += 1
        else:
            problems.append(f"{export}:{row.line}: {row.enhet} för {row.verksamhet} {row.month:%Y-%m} finns redan med "
                            f"{old[0]} ({old[1].get('filename')}:{old[1].get('lineno')}); listan säger {row.antal}. Rätta den gamla raden om det är en korrigering.")
    if problems:
        raise SourceError(str(export), 0, "Volymerna lästes inte in; inget är skrivet:\n" + "\n".join(problems))
    by_year = defaultdict(list)
    for row, account in sorted(new, key=lambda item: (item[0].month, item[1], item[0].ansvar or "", item[0].enhet)):
        line = f'{row.month} custom "{DIRECTIVE}" {account} "{row.enhet}" {row.antal.normalize():f}'
        by_year[row.month.year].append(line + (f'\n  ansvar: "{row.ansvar}"' if row.ansvar else ""))
    blocks = [(ledger.parent / str(y) / "volymer.beancount", f"Volymer {y}, importerade av Nämndbok.", "\n".join(lines))
              for y, lines in sorted(by_year.items())]
    if blocks:
        append_and_check(ledger, blocks, ledgerdata.roots, INCLUDE, str(export), "namndbok import-volymer")
    return len(new), same
