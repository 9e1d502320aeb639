"""Put imported entries into the ledger: deduplicate, append per month, verify, or undo.

`plan_import` decides what an import adds, given what the ledger already holds
from the same export (`kalla`): in detailed mode the vouchers it does not have
(a voucher it has with other amounts is an error: the source changed a booked
voucher); in aggregated mode, per month, the difference between the export's
totals and what earlier imports of the same kalla booked (nothing, when they
agree). `write_import` appends the new entries to `<år>/utfall/<år>-<mm>.beancount`
(never rewriting an existing entry), each file atomically, reloads the ledger,
and checks that it loads without new errors and holds exactly the export's totals
per account and month; otherwise every file is put back as it was.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from namndbok.importers.ledger_check import refuse_new_faults
from namndbok.loading import load
from beancount.core import data
from beancount.parser import printer

from namndbok.importers.convert import Mapped, Source, aggregated_entries, detailed_entries, month_totals, monthly_postings, monthly_sums
from namndbok.importers.changes import MonthChange, month_changes
from namndbok.importers.model import SourceError
from namndbok.accounts import Roots
from namndbok.journal import journal_for
from namndbok.writer_lock import journaled
from namndbok.fileio import atomic_write_text, cannot_write, check_writable
from namndbok.kontoplan import Kontoplan
from namndbok.ledgerfile import NUMBER_LINE, canonical, root_option_lines

DETAILED = "detaljerad"
INCLUDE = 'include "*/utfall/*.beancount"'
AGGREGATED = "summerad"


class ImportPlan(NamedTuple):
    entries: list[data.Transaction]  # to add
    expected: dict[tuple[str, str], Decimal]  # (YYYY-MM, account) → what the ledger must hold for this kalla
    skipped: int  # vouchers or months already in the ledger
    changes: tuple[MonthChange, ...] = ()  # per month and verksamhet: what the ledger holds for this kalla before and after


def existing_for(entries, kalla: str) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction) and e.meta.get("kalla") == kalla]


def _sums(entries) -> dict[tuple[str, str], Decimal]:
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for entry in entries:
        month = f"{entry.date:%Y-%m}"
        for posting in entry.postings:
            sums[(month, posting.account)] += posting.units.number
    return {k: v for k, v in sums.items() if v != 0}


def _is_aggregated(entry: data.Transaction, kalla: str) -> bool:
    """Aggregated entries are identified as kalla/YYYY-MM (or kalla/YYYY-MM/n for an addition)."""
    rest = entry.meta.get("importid", "")[len(kalla) + 1:]
    return re.fullmatch(r"\d{4}-\d{2}(/\d+)?", rest) is not None


def _fingerprint(entry: data.Transaction) -> list[tuple[str, Decimal]]:
    return sorted((p.account, p.units.number) for p in entry.postings)


_PART = re.compile(r"/\d{4}-\d{2}(-\d{2})?$")  # a voucher's rows of another date: importid + "/YYYY-MM-DD" (or "/YYYY-MM")


def _refuse_older_reading(have: dict[str, data.Transaction], candidates: list[data.Transaction], source: Source) -> None:
    """Refuse where the ledger holds a voucher as an older Nämndbok read it, which this reading would count again:
    the vouchers without a number of a series merged into one (importid kalla/<serie>), or a voucher whose rows
    with their own dates (transdat) were all booked on its first date."""
    fix = "Ta bort den gamla posten ur liggaren och importera filen igen."
    unnumbered: dict[str, list[int]] = defaultdict(list)  # series → lines of its unnumbered vouchers
    parts: dict[str, list[data.Transaction]] = defaultdict(list)
    for entry in candidates:
        importid = entry.meta["importid"]
        ver = importid[len(source.id) + 1:]
        if " utan nummer " in f" {ver}":
            unnumbered[ver.split("utan nummer", 1)[0].strip()].append(entry.meta["lineno"])
        parts[_PART.sub("", importid)].append(entry)
    for series, lines in sorted(unnumbered.items()):
        old = have.get(f"{source.id}/{series}") if series else None  # without a series the old import kept rows apart
        if old is not None:
            raise SourceError(source.path, lines[0], (
                f"Liggaren har {old.meta['importid']} ({old.meta['filename']}:{old.meta['lineno']}): serie {series}:s "
                f"verifikationer utan nummer, sammanslagna till en av en äldre import. Nu läses de som {len(lines)} egna "
                f"verifikationer; att lägga till dem skulle räkna pengarna två gånger. {fix}"))
    for base, group in parts.items():
        old = have.get(base)
        if len(group) > 1 and old is not None and not any(e.meta["importid"] in have for e in group if e.meta["importid"] != base):
            whole = sorted(item for e in group for item in _fingerprint(e))
            if _fingerprint(old) == whole:
                dates = ", ".join(f"{e.date}" for e in group)
                raise SourceError(source.path, group[0].meta["lineno"], (
                    f"Verifikationen {base} finns i liggaren ({old.meta['filename']}:{old.meta['lineno']}) bokförd på "
                    f"{old.date} av en äldre import, men dess rader har egna datum ({dates}) och hör till sina månader. {fix}"))


def plan_import(
    mapped: list[Mapped], source: Source, plan: Kontoplan, roots: Roots, currency: str, mode: str, existing: list
) -> ImportPlan:
    before = existing_for(existing, source.id)
    if mode == DETAILED:
        candidates = detailed_entries(mapped, source, plan, roots, currency)
        summarised = {f"{e.date:%Y-%m}" for e in before if _is_aggregated(e, source.id)}
        clash = sorted(summarised & {f"{e.date:%Y-%m}" for e in candidates})
        if clash:
            raise SourceError(source.path, 0, (
                f"{', '.join(clash)} från {source.id} finns redan summerat i liggaren; en detaljerad import skulle "
                "räkna pengarna två gånger. Importera i samma läge som förut (--lage summerad)."))
        have = {e.meta["importid"]: e for e in before}
        _refuse_older_reading(have, candidates, source)
        new = []
        for entry in candidates:
            old = have.get(entry.meta["importid"])
            if old is None:
                new.append(entry)
            elif _fingerprint(old) != _fingerprint(entry):
                raise SourceError(source.path, entry.meta["lineno"], (
                    f"Verifikationen {entry.meta['importid']} finns redan i liggaren ({old.meta['filename']}:"
                    f"{old.meta['lineno']}) med andra belopp. En bokförd verifikation ändras inte av en import: "
                    "rätta med en ny verifikation i ekonomisystemet."))
        expected = _sums(before + new)
        return ImportPlan(new, expected, len(candidates) - len(new), tuple(month_changes(_sums(before), expected, roots)))

    # Aggregated: per month the export covers, book the difference to what this kalla holds.
    wanted = monthly_sums(monthly_postings(month_totals(mapped), plan, roots))
    held = _sums(before)
    accounts: dict[str, set[str]] = defaultdict(set)  # per month the export covers: the accounts either side holds
    for month, account in wanted:
        accounts[month].add(account)
    for month, account in held:
        if month in accounts:
            accounts[month].add(account)
    months = sorted(accounts)
    delta = {}
    for month in months:
        for account in sorted(accounts[month]):
            diff = wanted.get((month, account), Decimal(0)) - held.get((month, account), Decimal(0))
            if diff:
                delta[(month, account, None)] = diff
    earlier = defaultdict(int)
    for entry in before:
        earlier[f"{entry.date:%Y-%m}"] += 1
    new = aggregated_entries(monthly_postings(delta, plan, roots), source, currency, earlier)
    expected = dict(held)
    for (month, account, _), diff in delta.items():
        expected[(month, account)] = expected.get((month, account), Decimal(0)) + diff
    expected = {k: v for k, v in expected.items() if v != 0}
    return ImportPlan(new, expected, len(months) - len(new), tuple(month_changes(held, expected, roots)))


def month_file(ledger: Path, entry: data.Transaction) -> Path:
    return ledger.parent / f"{entry.date:%Y}" / "utfall" / f"{entry.date:%Y-%m}.beancount"


def render_entries(entries: list[data.Transaction]) -> str:
    """Entries as Beancount text, without the bookkeeping metadata of the parser.

    The text is written through `canonical`, which aligns every posting's number
    in one column per file; so Beancount's printer, which aligns within each
    entry (and costs a tenth of a second for an entry of 6 000 postings), is
    used for the header and metadata only, and a plain posting is written as
    `  account  number currency`, which `canonical` turns into exactly what it
    makes of the printer's line. A posting that is not plain (a cost, price or
    flag, a number in exponent form, an account bean-format's pattern does not
    take) has its entry printed whole by the printer."""
    entry_printer = printer.EntryPrinter()
    aligned: dict[tuple[str, str], bool] = {}
    out = []
    for entry in sorted(entries, key=lambda e: (e.date, e.meta["importid"])):
        meta = {k: v for k, v in entry.meta.items() if k in ("kalla", "importid")}
        entry = entry._replace(meta=meta)
        out.append(_plain_entry(entry, entry_printer, aligned) or entry_printer(entry))
    return "\n".join(out)


_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _plain_entry(entry: data.Transaction, entry_printer, aligned: dict[tuple[str, str], bool]) -> str | None:
    """The entry as `render_entries` writes plain postings, or None if a posting is not plain."""
    oss = io.StringIO()
    oss.write(entry_printer(entry._replace(postings=[])))
    for posting in entry.postings:
        units = posting.units
        if posting.cost is not None or posting.price is not None or posting.flag or not isinstance(units.number, Decimal):
            return None
        number = entry_printer.dformat.format(units.number, units.currency)
        key = (posting.account, units.currency)
        if key not in aligned:
            aligned[key] = NUMBER_LINE.match(f"  {posting.account}  1 {units.currency}") is not None
        if not aligned[key] or not _PLAIN_NUMBER.fullmatch(number):
            return None
        oss.write(f"  {posting.account}  {number} {units.currency}\n")
        if posting.meta:
            entry_printer.write_metadata(posting.meta, oss, "    ")
    return oss.getvalue()


def write_import(ledger: Path, import_plan: ImportPlan, source: Source, roots: Roots) -> list[Path]:
    """Append the plan's entries, verify the ledger, undo everything on failure (the caller
    loaded it without faults: `namndbok.importers.ledger_check.load_before_change`)."""
    if not import_plan.entries:
        return []
    by_file: dict[Path, list] = defaultdict(list)
    for entry in import_plan.entries:
        by_file[month_file(ledger, entry)].append(entry)
    try:
        check_writable(journal_for(ledger).parent)
        for path in by_file:
            check_writable(path.parent)
    except OSError as err:
        raise SourceError(source.path, 0, f"Importen skrevs inte. {cannot_write(err)}") from None
    with journaled(ledger, "namndbok import") as originals:
        for path, entries in sorted(by_file.items()):
            head = originals.keep(path)
            if head is None:
                head = "\n".join([f"; Utfall {path.stem}, importerat av Nämndbok.", *root_option_lines(roots)]) + "\n"
            atomic_write_text(path, canonical(head.rstrip("\n") + "\n\n" + render_entries(entries)))
        loaded = load(ledger, fresh=True)  # what was written, not a kept load
        if any(str(path) not in loaded[2]["include"] for path in by_file):
            main_text = originals.keep(ledger)
            atomic_write_text(ledger, main_text.rstrip("\n") + "\n" + INCLUDE + "\n")
            loaded = load(ledger, fresh=True)
        _verify(loaded, import_plan, source)
    return sorted(by_file)


def _verify(loaded, import_plan: ImportPlan, source: Source) -> None:
    entries, _, _ = loaded
    refuse_new_faults(loaded, source.path)
    held = _sums(existing_for(entries, source.id))
    if held != import_plan.expected:
        diffs = sorted(set(held) ^ set(import_plan.expected) | {k for k in held if held.get(k) != import_plan.expected.get(k)})
        month, account = diffs[0]
        raise SourceError(source.path, 0, (
            f"Importen skrevs inte: liggaren skulle hålla {import_plan.expected.get((month, account), 0)} på {account} "
            f"för {month} men håller {held.get((month, account), 0)}."))
