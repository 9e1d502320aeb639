"""beangulp's commands for the ledger named by NAMNDBOK_LIGGARE (default: the example committee)."""

import os
from pathlib import Path

import beangulp

from namndbok.importers.huvudbok.importer import HuvudbokImporter
from namndbok.importers.sie.importer import SieImporter

LEDGER = os.environ.get(
    "NAMNDBOK_LIGGARE", str(Path(__file__).resolve().parents[1] / "ledgers" / "exempel" / "socialnamnden.beancount")
)

if __name__ == "__main__":
    beangulp.Ingest([SieImporter(LEDGER), HuvudbokImporter(LEDGER)])()
