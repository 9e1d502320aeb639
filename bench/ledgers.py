"""The ledgers the benchmark measures, made before any timing starts.

- `generated_year`: one generated committee (`bench.generera`, twelve
  verksamheter) with one year of R SIE rows imported summerad or detaljerad,
  through the real budget and SIE imports;
- `example_with_rows`: a copy of the example committee (without its period
  locks) with R generated SIE rows of a year imported detaljerad, for Fava's
  pages on a large ledger of the example's own layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from namndbok.importers.sie.writer import generate_sie
from namndbok.kontoplan import load_kontoplan
from namndbok.swedish import format_number
from namndbok.las.write import unlocked_copy


def generated_year(folder: Path, rows: int, mode: str, year: int, say: Callable[[str], None] = print) -> Path:
    """The main file of a generated committee with `rows` SIE rows of `year` imported in `mode`, under `folder`."""
    from bench.generera import generate

    say(f"Genererar en nämnd med {format_number(rows, 0)} SIE-rader för {year} ({mode}) …")
    town = generate(folder, 1, [year], rows, verksamheter=12, mode=mode)
    return town.ledger(town.committees[0])


def example_with_rows(example_ledger: Path, folder: Path, rows: int, year: int,
                      say: Callable[[str], None] = print) -> Path:
    """The main file of a copy of the example in `folder` with `rows` generated SIE rows of `year`
    imported detaljerad (one entry per voucher)."""
    from namndbok.importers.run import run_import
    from namndbok.importers.sie.importer import read_sie

    copy = unlocked_copy(example_ledger, folder / "exempel")
    export = folder / "stor.se"
    say(f"Importerar {format_number(rows, 0)} genererade rader (detaljerad) i en kopia av exempelnämnden …")
    generate_sie(export, rows, load_kontoplan(example_ledger.parent / "kontoplan.toml"), year=year)
    run_import(copy / example_ledger.name, read_sie, "sie", export, "detaljerad")
    return copy / example_ledger.name
