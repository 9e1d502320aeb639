"""The bench's generated municipality (`bench/kommun.py`): twelve nämnder × two closed years read as
a kommun, each import of exactly the rows asked for, each nämnd's avvikelse at the delårsrapport and
the bokslut as the spec drew them (through namndbok.prognossakerhet, from the loaded ledgers)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest

from bench.kommun import COUNT, YEARS, generated_kommun, kommun_spec
from namndbok.kommun_folder import read_kommun_folder
from namndbok.load_reading import reading_of
from namndbok.loading import load
from namndbok.prognossakerhet import closed_years, kommun_prognossakerhet

from conftest import REPO

pytestmark = pytest.mark.slow
ROWS = 300


def test_twelve_namnder_two_closed_years_with_the_drawn_avvikelser(tmp_path):
    folder = generated_kommun(tmp_path / "kommun", ROWS, say=lambda text: None)
    kommun = read_kommun_folder(folder)
    assert kommun.namn == "Prestandakommun" and len(kommun.namnder) == COUNT == 12 and kommun.finans is None
    ledgers = []
    for namnd in kommun.namnder:
        for year in YEARS:
            sie = next((namnd.folder / "import").glob(f"*-{year}.se")).read_bytes()
            assert sie.count(b"#TRANS") == ROWS
        entries, errors, options = load(namnd.ledger)
        assert not errors, errors
        data = reading_of(entries, options)
        assert closed_years(data) == list(YEARS)
        ledgers.append((options["title"].split(" – ")[0], data, str(namnd.ledger)))
    spec = kommun_spec(ROWS)
    mnkr = Decimal(1_000_000)
    for year in YEARS:
        accuracy = kommun_prognossakerhet(ledgers, year)
        assert [(r.namnd, r.bokslut / mnkr, r.delarsrapport / mnkr) for r in accuracy.rows] == [
            (n.name, Decimal(n.deviations[year].bokslut), Decimal(n.deviations[year].delar)) for n in spec.namnder]


def test_the_command_makes_the_folder(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bench.kommun", str(tmp_path / "k"), "--rader", "300"],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "12 nämnder × 2 år, 11 verksamheter per nämnd, 300 SIE-rader per import" in done.stderr
    assert len(read_kommun_folder(tmp_path / "k").namnder) == 12


def test_each_namnd_has_as_many_verksamheter_as_the_example_committee(tmp_path):
    import tomllib

    from conftest import EXAMPLE_DIR

    folder = generated_kommun(tmp_path / "kommun", ROWS, say=lambda text: None)
    example = len(tomllib.loads((EXAMPLE_DIR / "kontoplan.toml").read_text(encoding="utf-8"))["verksamheter"])
    for namnd in read_kommun_folder(folder).namnder:
        plan = tomllib.loads((namnd.folder / "kontoplan.toml").read_text(encoding="utf-8"))
        assert len(plan["verksamheter"]) == example == 11
