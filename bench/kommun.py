"""The benchmark's generated municipality: 12 nämnder × 2 years, each year one summerad SIE import.

`kommun_spec` names twelve nämnder (bench.generera's names, then Nämnd11, …) with budgets of
different sizes and, per year, an avvikelse at the delårsrapport and at the bokslut drawn from
the seed; `generated_kommun` writes the kommun folder with namndbok.scripts.exempel.kommun
(the product's generator: real SIE import, August prognos, real bokslut). The rows per import
follow the bench's size flag: `Sizes.summed`, 1 000 000 in the full run, 5 000 with --snabb.

    python -m bench.kommun KATALOG [--snabb] [--rader N]

Each nämnd has VERKSAMHETER_PER_NAMND verksamheter (a window of bench.generera's RS list, weighted),
as many as the example committee's eleven; its konton are the generator's five kostnadskonton.
`namndbok kommun` and the kommun's period-close are measured on this folder by bench.kommunmatning.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Callable

import click

from bench.generera import NAMNDER, VERKSAMHETER
from namndbok.scripts.exempel.kommun import Deviation, KommunSpec, NamndSpec, generate_kommun, minimum_rows

COUNT = 12
YEARS = (2025, 2026)
NAME = "Prestandakommun"
VERKSAMHETER_PER_NAMND = 11  # the example committee's


def verksamheter(index: int, count: int, rng: random.Random) -> tuple[tuple[str, str, int], ...]:
    """`count` verksamheter of the RS list for nämnd `index` (a window moved three on per nämnd), weights 1–6."""
    window = [VERKSAMHETER[(3 * index + j) % len(VERKSAMHETER)] for j in range(min(count, len(VERKSAMHETER)))]
    return tuple((code, name, rng.randint(1, 6)) for code, name in sorted(window))


def min_rows(count: int = VERKSAMHETER_PER_NAMND) -> int:
    """The fewest SIE rows per import a nämnd of `count` verksamheter can have (the generator's limit)."""
    return minimum_rows(NamndSpec("", "1", {}, verksamheter=verksamheter(0, count, random.Random(0))))


def kommun_spec(rows: int, count: int = COUNT, years: tuple[int, ...] = YEARS, seed: int = 1,
                per_namnd: int = VERKSAMHETER_PER_NAMND) -> KommunSpec:
    """`count` nämnder of `per_namnd` verksamheter with budgets of 200–2 000 mnkr and avvikelser within
    ±3 % of budget, deterministic."""
    rng = random.Random(f"{seed}-kommun")
    namnder = []
    for i in range(count):
        name = NAMNDER[i] if i < len(NAMNDER) else f"Nämnd{i + 1}"
        budget = rng.randint(200, 2_000)
        own = verksamheter(i, per_namnd, random.Random(f"{seed}-{name}-verksamheter"))
        deviations = {}
        for year in years:
            bokslut = Decimal(rng.randint(-30 * budget, 30 * budget)) / 1000  # mnkr, 0,001 = 1 tkr
            delar = (bokslut * Decimal(rng.uniform(0.3, 1.2))).quantize(Decimal("0.1"))
            deviations[year] = Deviation(str(delar), str(bokslut))
        namnder.append(NamndSpec(name, str(budget), deviations, verksamheter=own))
    return KommunSpec(NAME, tuple(namnder), None, rows)


def generated_kommun(folder: Path, rows: int, say: Callable[[str], None] = print, count: int = COUNT,
                     years: tuple[int, ...] = YEARS) -> Path:
    """The kommun folder: `count` nämnder × `years`, `rows` SIE rows per nämnd and year (summerad)."""
    from namndbok.swedish import format_number

    say(f"Genererar {NAME}: {count} nämnder × {len(years)} år, {VERKSAMHETER_PER_NAMND} verksamheter per nämnd, "
        f"{format_number(rows, 0)} SIE-rader per import …")
    return generate_kommun(folder, kommun_spec(rows, count, years), say=say)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folder", metavar="KATALOG", type=click.Path(file_okay=False, path_type=Path))
@click.option("--snabb", is_flag=True, help="Bänkens små storlekar (5 000 rader per import).")
@click.option("--rader", "rows", type=click.IntRange(min_rows(), None), default=None, help="SIE-rader per nämnd och år.")
def main(folder: Path, snabb: bool, rows: int | None) -> None:
    """Skapa bänkens genererade kommun (12 nämnder × 2 år) i KATALOG."""
    from bench.run import FULL, QUICK

    generated_kommun(folder, rows or (QUICK if snabb else FULL).summed, say=lambda text: click.echo(text, err=True))


if __name__ == "__main__":
    main(prog_name="python -m bench.kommun")
