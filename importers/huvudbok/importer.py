"""Huvudbok CSV/XLSX into the committee's ledger: the reading step.

The column mapping for the source system is named in import.toml
(`[huvudbok] mappning = "…"`). The export's identity (`kalla`) is the mapping's
name; a voucher's identity adds its year, since voucher numbers restart each
year. Rows that do not balance by themselves (an export of result accounts only)
are balanced against the avräkning konto by the converter.
"""

from __future__ import annotations

import re

from namndbok.importers.config import SourceConfig
from namndbok.importers.convert import Source
from namndbok.importers.huvudbok.mapping import load_mapping
from namndbok.importers.huvudbok.reader import read_huvudbok
from namndbok.importers.model import SourceError
from namndbok.importers.beangulp_importer import LedgerImporter
from namndbok.importers.run import Reading


def read_huvudbok_export(data: bytes, path: str, config: SourceConfig, summed: bool = False) -> Reading:
    """The export's rows, one by one (also when `summed` allows summing them: huvudbok exports are small)."""
    if not config.mappning:
        raise SourceError(path, 0, 'Ange vilken kolumnmappning exporten har: mappning = "…" under [huvudbok] i import.toml.')
    mapping = load_mapping(config.mappning)
    rows = [row._replace(ver=f"{row.date.year}:{row.ver}" if row.ver else None) for row in read_huvudbok(data, mapping, path)]
    kalla = "huvudbok-" + (re.sub(r"\W+", "-", mapping.namn.lower()).strip("-") or "export")
    return Reading(Source(kalla, path, {}, {}), rows)


class HuvudbokImporter(LedgerImporter):
    """beangulp importer for huvudbok CSV/XLSX exports (the mapping in import.toml)."""

    kind = "huvudbok"
    read = staticmethod(read_huvudbok_export)

    def identify(self, filepath: str) -> bool:
        return filepath.lower().endswith((".csv", ".xlsx"))
