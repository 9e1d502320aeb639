"""`python -m bench`: every figure of bench/RESULTAT.md, measured on this machine.

The ledgers are made first (`bench.ledgers`, the kommun by `bench.kommun`), then
measured one after the other: the cold command against bean-check (`bench.kommando`),
the SIE import (`bench.sie`), Fava's pages (`bench.fava`) and the generated kommun's
reading, table and commands (`bench.kommunmatning`). `--snabb` measures small sizes
once, for a quick look or a test; its figures go to the terminal only unless
`--ut` names a file.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, NamedTuple

import click

from bench.fava import PageError
from bench.rapport import Figures, Head, report
from namndbok.scripts import click_svenska

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_LEDGER = REPO / "ledgers" / "exempel" / "socialnamnden.beancount"
RESULTAT = REPO / "bench" / "RESULTAT.md"
YEAR = 2026  # the generated years' (the example's current year, so that Fava's month filter holds its rows)


class Sizes(NamedTuple):
    detailed: int  # SIE rows of the generated detaljerad year
    summed: int  # … of the generated summerad year
    sie: int  # rows of the timed SIE import
    fava: int  # generated rows in the large copy of the example served by Fava
    runs: int  # runs per command figure and per import (the median is kept)
    fava_repeat: int  # rounds per Fava page


FULL = Sizes(100_000, 1_000_000, 1_000_000, 100_000, 3, 7)
QUICK = Sizes(1_000, 5_000, 5_000, 1_000, 1, 1)


def measure(sizes: Sizes, say: Callable[[str], None]) -> Figures:
    from bench.fava import time_ledger
    from bench.kommando import compare
    from bench.kommun import COUNT, YEARS, generated_kommun
    from bench.kommunmatning import measure_kommun
    from bench.ledgers import example_with_rows, generated_year
    from bench.sie import time_import
    from namndbok.swedish import format_number

    per = f"{YEAR}-12"
    with tempfile.TemporaryDirectory(prefix="namndbok-bench-") as tmp:
        tmp = Path(tmp)
        detailed = generated_year(tmp / "detaljerad", sizes.detailed, "detaljerad", YEAR, say)
        summed = generated_year(tmp / "summerad", sizes.summed, "summerad", YEAR, say)
        large = example_with_rows(EXAMPLE_LEDGER, tmp / "fava", sizes.fava, YEAR, say)
        kommun = generated_kommun(tmp / "kommun", sizes.summed, say=say)
        cases = [("Exempelnämnden", EXAMPLE_LEDGER),
                 (f"Genererad nämnd, {format_number(sizes.detailed, 0)} SIE-rader detaljerat", detailed),
                 (f"Genererad nämnd, {format_number(sizes.summed, 0)} SIE-rader summerat", summed)]
        commands = []
        for label, ledger in cases:
            say(f"uppfoljning mot bean-check: {label} …")
            commands.append(compare(label, ledger, per, sizes.runs))
        sie = time_import(EXAMPLE_LEDGER, sizes.sie, sizes.runs, say=say)
        say("Favas sidor …")
        fava = [time_ledger(EXAMPLE_LEDGER, "Exempelnämnden", sizes.fava_repeat),
                time_ledger(large, f"Exempelnämnden + {format_number(sizes.fava, 0)} genererade rader", sizes.fava_repeat)]
        say("Kommunen: läsning, tabell, namndbok kommun och period-close …")
        kommun_label = (f"{COUNT} nämnder × {len(YEARS)} år, {format_number(sizes.summed, 0)} SIE-rader "
                        "summerat per import")
        kommun_figure = measure_kommun(kommun_label, kommun, per, sizes.runs)
    return Figures(commands, sie, fava, kommun_figure)


def commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "okänd (inget git-arkiv)"
    return head + (" med ändringar som inte är incheckade" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine() -> str:
    return (f"{platform.node()}, {platform.machine()}, {os.cpu_count()} kärnor, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--snabb", is_flag=True,
              help="Små storlekar och en körning; skriver bara till terminalen om inte --ut anges.")
@click.option("--korningar", "runs", type=click.IntRange(1, 20), default=None,
              help=f"Körningar per mätning; medianen visas. [standard: {FULL.runs}, med --snabb {QUICK.runs}]")
@click.option("--ut", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Skriv resultatet hit. [standard: bench/RESULTAT.md, med --snabb ingen fil]")
def main(snabb: bool, runs: int | None, target: Path | None) -> None:
    """Mät Nämndbok och skriv siffrorna till bench/RESULTAT.md: uppfoljning mot bean-check,
    SIE-importen, Nämndboks sidor i Fava mot Favas resultaträkning och en genererad kommun."""
    sizes = QUICK if snabb else FULL
    if runs is not None:
        sizes = sizes._replace(runs=runs)
    if target is None and not snabb:
        target = RESULTAT
    command = " ".join(["python -m bench", *sys.argv[1:]])

    def say(text: str) -> None:
        click.echo(text, err=True)

    load_before = os.getloadavg()[0]
    try:
        figures = measure(sizes, say)
    except (RuntimeError, PageError, OSError) as err:  # a failing command, import or page: said, not a traceback
        raise click.ClickException(f"Mätningen avbröts: {err}") from None
    head = Head(command, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), commit(),
                machine(), (load_before, os.getloadavg()[0]))
    text = report(head, figures)
    click.echo(text, nl=False)
    if target is not None:
        from namndbok.fileio import atomic_write_text

        atomic_write_text(target, text)
        say(f"Skrev {target}.")


