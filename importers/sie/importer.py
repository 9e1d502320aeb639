"""SIE 4 into the committee's ledger: the reading step and the beangulp importer.

`read_sie` turns an export into rows: the vouchers of a type 4 file (4E full
export or 4I import file), or, for a type 2 or 3 file without vouchers, one row
per account × objects × month from its period balances (#PSALDO), read the way
the file's own #UB/#IB/#RES prove (importers/sie/control.py). It refuses a file
that no reading makes equal to its control figures, a type 1 file, which holds
only year balances, a damaged #KSUMMA and a fiscal year that is not a calendar
year (unless told: `--brutet-rakenskapsar`). The export's identity (`kalla`) is its organisation number (or name)
and fiscal year, so a re-import of the same or an overlapping export adds
nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from namndbok.importers.beangulp_importer import LedgerImporter
from namndbok.importers.config import SourceConfig
from namndbok.importers.convert import Source
from namndbok.importers.model import SourceError
from namndbok.importers.run import Reading
from namndbok.importers.sie.control import check_calendar_year, checked_rows
from namndbok.importers.sie.parser import parse_sie

KIND = "sie"


def source_id(sie) -> str:
    who = re.sub(r"[^0-9A-Za-z]+", "", sie.orgnr or "") or re.sub(r"\W+", "-", sie.fnamn or "okänd").strip("-")
    year = sie.rar[0][0].year if 0 in sie.rar else "x"
    return f"sie-{who}-{year}"


def read_sie(data: bytes, path: str, config: SourceConfig, summed: bool = False, accept_bad_checksum: bool = False,
             accept_fiscal_year: bool = False) -> Reading:
    """The export's rows, proven against its own control figures (see namndbok.importers.sie.control);
    `summed`: the voucher rows summed per konto, object list and month (see Reading).

    A #KSUMMA that does not match means a damaged file: refused unless `accept_bad_checksum`
    (`namndbok import --godta-fel-ksumma`), which the output then says. A fiscal year that is not a calendar
    year is refused unless `accept_fiscal_year` (`--brutet-rakenskapsar`), also said."""
    sie = parse_sie(data, path, summed)
    notes = []
    if sie.checksum_error is not None:
        error = sie.checksum_error
        if not accept_bad_checksum:
            raise SourceError(path, error.line, f"{error.message} Filen är skadad och läses inte in. Exportera den på nytt; "
                                                "har du jämfört den med ekonomisystemet kan du importera ändå med --godta-fel-ksumma.")
        notes.append(f"Fel kontrollsumma godtogs (--godta-fel-ksumma): {error}")
    if not sie.vouchers and sie.psaldo and not summed:
        raise SourceError(path, 0, (
            f"Filen {Path(path).name} (SIE typ {sie.sietyp}) har inga verifikationer, bara periodsaldon (#PSALDO): "
            "en detaljerad import, en post per verifikation, går inte. Läs in den summerad, en post per månad: "
            "--lage summerad."))
    checked = checked_rows(sie, summed)
    notes += check_calendar_year(sie, accept_fiscal_year)
    source = Source(source_id(sie), path, dict(sie.konton), dict(sie.objekt))
    return Reading(source, checked.rows, list(sie.warnings) + checked.warnings, notes + checked.reading)


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
