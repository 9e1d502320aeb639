"""`namndbok bokslut ÅÅÅÅ`: check the year, write its closing and opening entries, show eget kapital.

What it writes, into `<år>/bokslut.beancount` beside the main file:

- the closing entry, `custom "bokslut" "ÅÅÅÅ"` with the year's result and closing
  eget kapital per nämnd; namndbok.plugins.eget_kapital refuses the ledger from then on
  if those numbers change (the year is closed);
- the lock: `custom "las"` over the year and `<år>/las.txt` with the fingerprint
  of every entry the year holds (`namndbok.las`); namndbok.plugins.las then refuses a
  new or changed entry in the year (a correction is a new entry in an open
  year with a `korrigering:` reference);
- the opening entries: a Beancount `balance` assertion on 1 January of the next
  year (checked at the start of that day, so: the closing balance) for every
  balance-sheet account of the nämnd, so the next year starts from balances
  that are checked at every load.

Every file is written atomically (temporary file and rename), only when its text
changes (running the command twice changes nothing), and the main file gets its
`include` line (and `plugin "namndbok.plugins.las"` unless it runs namndbok.plugins.namndbok). The originals are journaled
(`namndbok.journal`): if the ledger does not load clean afterwards, or the
process is killed in the middle, every file is put back (at once, or by the
next command).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from beancount.core import data

from namndbok.accounts import KIND_EGET_KAPITAL, KIND_SKULD, KIND_TILLGANG, RESULT_KINDS
from namndbok.eget_kapital import parse_decisions, roll_forward, roll_forward_table, table_years
from namndbok.las import lock_lines
from namndbok.load_reading import reading_of
from namndbok.ledgerfile import canonical, root_option_lines
from namndbok.loading import faults, faults_message, load
from namndbok.swedish import month_name
from namndbok.writer_lock import writer
from namndbok.las.write import LockError, write_lock

INCLUDE = 'include "*/bokslut.beancount"'


class CloseError(Exception):
    """Why a year cannot be closed (Swedish, for the user)."""


class CloseResult(NamedTuple):
    path: Path
    changed: bool
    table: object  # RollForwardTable


@writer("namndbok bokslut")
def close_year(ledger: Path, year: int) -> CloseResult:
    entries, errors, options = load(ledger, keep=False)  # about to change
    wrong = faults(errors)
    if wrong:
        raise CloseError(faults_message(wrong, ledger))
    ledgerdata = reading_of(entries, options)
    check_year(entries, ledgerdata, year)

    text = render(ledgerdata, entries, year)
    path = ledger.parent / str(year) / "bokslut.beancount"
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    text += "\n".join([
        "",
        f"; Låset: posterna i {year} som de var vid bokslutet (fingeravtryck i las.txt). plugins.las",
        "; vägrar en ny eller ändrad post i året; en rättelse är en ny post i ett öppet år med korrigering: \"beslutsreferens\".",
        *lock_lines(start, end, f"{year}/las.txt"),
    ]) + "\n"
    try:
        changed, loaded = write_lock(ledger, f"namndbok bokslut {year}", path.parent / "las.txt", {path: canonical(text)},
                                     INCLUDE, entries, start, end)
    except LockError as err:
        raise CloseError(f"Bokslutet skrevs inte: {err}") from None
    closed, _, closed_options = loaded or (entries, errors, options)
    years = table_years(ledgerdata, datetime.date(year, 12, 31))
    return CloseResult(path, changed, roll_forward_table(reading_of(closed, closed_options), years))


def check_year(entries, ledgerdata, year: int) -> None:
    """Refuse, in Swedish, a year that is not ready to close."""
    months = set()
    for name, by_date in ledgerdata.utfall.items():
        ref = ledgerdata.refs.get(name)
        if ref is not None and ref.kind in RESULT_KINDS:
            months |= {d.month for d in by_date if d.year == year}
    missing = [month_name(m) for m in range(1, 13) if m not in months]
    if missing:
        raise CloseError(f"Bokslutet för {year} kan inte göras: utfall saknas för {', '.join(missing)}. "
                         "Importera månaderna först.")
    flagged = [e for e in entries if isinstance(e, data.Transaction) and e.date.year == year and e.flag == "!"]
    if flagged:
        places = ", ".join(f"{e.meta['filename']}:{e.meta['lineno']}" for e in flagged[:5])
        raise CloseError(f"Bokslutet för {year} kan inte göras: {len(flagged)} poster är markerade som "
                         f"ofärdiga (!): {places}. Gör klart dem och ändra ! till *.")
    _, closes, _ = parse_decisions(entries, ledgerdata.currency)
    closed = {c.year for c in closes}
    previous = year - 1
    has_previous = any(d.year == previous for by_date in ledgerdata.utfall.values() for d in by_date)
    if has_previous and previous not in closed:
        raise CloseError(f"Stäng {previous} först: `namndbok bokslut {previous}`.")


def render(ledgerdata, entries, year: int) -> str:
    rows = roll_forward(ledgerdata, year)
    by_namnd: dict[str, list] = defaultdict(list)
    for r in rows:
        by_namnd[r.namnd].append(r)
    out = [
        f"; Bokslut {year}. Skapad av `namndbok bokslut {year}`: ändra inte för hand.",
        *root_option_lines(ledgerdata.roots),
        "",
        "; Stängningen: årets resultat och utgående eget kapital (nämndens tecken:",
        "; överskott positivt). Ändras de efteråt vägrar liggaren att läsas.",
    ]
    end = datetime.date(year, 12, 31)
    for namnd, group in sorted(by_namnd.items()):
        result = sum((r.arets_resultat for r in group), Decimal(0))
        closing = sum((r.utgaende for r in group), Decimal(0))
        out += [
            f'{end} custom "bokslut" "{year}"',
            f'  namnd: "{namnd}"',
            f"  arets_resultat: {result:.2f} {ledgerdata.currency}",
            f"  utgaende_eget_kapital: {closing:.2f} {ledgerdata.currency}",
        ]
    opening = datetime.date(year + 1, 1, 1)
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for name, by_date in ledgerdata.utfall.items():
        ref = ledgerdata.refs.get(name)
        if ref is None or ref.kind not in (KIND_TILLGANG, KIND_SKULD, KIND_EGET_KAPITAL) or ref.namnd not in by_namnd:
            continue
        balances[name] += sum((a for d, a in by_date.items() if d <= end), Decimal(0))
    out += [
        "",
        f"; Utgående balanser {year} (Beancount kontrollerar vid dagens början, alltså före",
        f"; den 1 januari {year + 1}, då plugins.eget_kapital för årets resultat till eget kapital).",
    ]
    width = max((len(a) for a in balances), default=0)
    for name, amount in sorted(balances.items()):
        out.append(f"{opening} balance {name.ljust(width)}  {amount:.2f} {ledgerdata.currency}")
    return "\n".join(out) + "\n"
