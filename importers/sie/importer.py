"""SIE 4 into the committee's ledger: the reading step and the beangulp importer.

`read_sie` turns an export into rows: the vouchers of a type 4 file (4E full
export or 4I import file), or, for a type 3 file without vouchers, one row per
account × objects × month from its period balances (#PSALDO). It refuses a file
whose vouchers do not add up to its own control totals (#IB + verifikationer =
#UB, verifikationer = #RES), and a type 1 or 2 file, which holds only year
balances. The export's identity (`kalla`) is its organisation number (or name)
and fiscal year, so a re-import of the same or an overlapping export adds
nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from importers.beangulp_importer import LedgerImporter
from importers.config import SourceConfig
from importers.convert import Source
from importers.model import SourceError, SourceRow
from importers.run import Reading
from importers.sie.parser import PSALDO_CUMULATIVE, check_control_totals, parse_sie
from namndbok.periodisering import month_end

KIND = "sie"


def source_id(sie) -> str:
    who = re.sub(r"[^0-9A-Za-z]+", "", sie.orgnr or "") or re.sub(r"\W+", "-", sie.fnamn or "okänd").strip("-")
    year = sie.rar[0][0].year if 0 in sie.rar else "x"
    return f"sie-{who}-{year}"


def read_sie(data: bytes, path: str, config: SourceConfig, summed: bool = False) -> Reading:
    """The export's rows; `summed`: the voucher rows summed per konto, object list and month (see Reading)."""
    sie = parse_sie(data, path, summed)
    problems = check_control_totals(sie)
    if problems:
        shown = " ".join(problems[:5]) + (f" (och {len(problems) - 5} till)" if len(problems) > 5 else "")
        raise SourceError(path, 0, f"Exporten stämmer inte med sina egna kontrollsummor, så något saknas eller är dubbelt: {shown} Exportera filen på nytt.")
    if sie.vouchers:
        rows = sie.summed if summed else sie.rows
    elif sie.psaldo and not summed:
        raise SourceError(path, 0, (
            f"Filen {Path(path).name} (SIE typ {sie.sietyp}) har inga verifikationer, bara periodsaldon (#PSALDO): "
            "en detaljerad import, en post per verifikation, går inte. Läs in den summerad, en post per månad: "
            "--lage summerad."))
    elif sie.psaldo:
        rows = rows_from_psaldo(sie)
    else:
        raise SourceError(path, 0, (
            f"SIE typ {sie.sietyp} innehåller bara årssaldon, inga verifikationer eller periodsaldon att läsa in "
            "som utfall. Exportera SIE typ 4 (eller typ 3 för periodsaldon)."))
    source = Source(source_id(sie), path, dict(sie.konton), dict(sie.objekt))
    return Reading(source, rows, list(sie.warnings))


def rows_from_psaldo(sie) -> list[SourceRow]:
    """Monthly rows from the period balances of year 0 (each period's change).

    Only the account totals (#PSALDO without objects) are read: a type 3 file
    gives the same money again per object, and reading both would double it.
    """
    start, end = sie.rar.get(0, (None, None))
    first, last = (f"{start:%Y%m}", f"{end:%Y%m}") if start else ("000000", "999999")
    by_key: dict[tuple, list] = {}
    for total in sie.psaldo:
        # Some systems label last year's periods with årsnr 0 too: keep year 0's own months.
        if not total.label.startswith("#PSALDO 0 ") or total.objekt or not first <= total.period <= last:
            continue
        by_key.setdefault((total.konto, total.objekt), []).append(total)
    rows = []
    for (konto, objekt), totals in sorted(by_key.items()):
        previous = 0
        for total in sorted(totals, key=lambda t: t.period):
            change = total.amount - previous if PSALDO_CUMULATIVE else total.amount
            previous = total.amount
            year, month = int(total.period[:4]), int(total.period[4:])
            rows.append(SourceRow(month_end(year, month), konto, objekt, change, "Periodsaldo", None, total.line))
    return rows


class SieImporter(LedgerImporter):
    """beangulp importer for SIE files into a committee ledger (see importers/__main__.py)."""

    kind = KIND
    read = staticmethod(read_sie)

    def identify(self, filepath: str) -> bool:
        try:
            with open(filepath, "rb") as handle:
                head = handle.read(4096)
        except OSError:
            return False
        return b"#SIETYP" in head or head.lstrip(b"\xef\xbb\xbf").startswith(b"#FLAGGA")

    def date(self, filepath: str):
        sie = parse_sie(Path(filepath).read_bytes(), filepath)
        dates = [v.date for v in sie.vouchers]
        return sie.gen or (max(dates) if dates else None)
