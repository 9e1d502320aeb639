"""Coverage-guided fuzzing (atheris) of the export readers, the kontoplan and layout files and a ledger file through our plugins, bounded for CI.

Each target runs in its own process (`tests/fuzz_atheris.py`) for a few thousand
inputs from its real seed files; the property (rows or the reader's Swedish
`fil:rad:` error, nothing else) is asserted inside. Longer campaigns:
`python -m tests.fuzz_atheris sie --runs 200000` (or NAMNDBOK_ATHERIS_RUNS here).
"""

from __future__ import annotations

import os
import re

import pytest

from conftest import shared_missing
from fuzz_atheris import TARGETS, campaign, seeds

RUNS = int(os.environ.get("NAMNDBOK_ATHERIS_RUNS", "1000"))


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_atheris_finds_no_crash(target, tmp_path):
    code, tried, output = campaign(target, RUNS, tmp_path / "korpus", cwd=tmp_path)
    assert code == 0, output[-6000:]
    assert tried == RUNS
    learned = int(re.search(r"stat::new_units_added:\s+(\d+)", output).group(1))
    assert learned > 0, "the readers were not instrumented: libFuzzer saw no new coverage"
    assert not list(tmp_path.glob("crash-*"))


def test_every_target_has_real_seeds():
    counts = {target: len(seeds(target)) for target in TARGETS}
    assert all(counts.values()), counts
    if shared_missing("sie"):  # the SIE seeds are the real exports of ../shared/sie
        pytest.skip(shared_missing("sie"))
    assert counts["sie"] >= 40 and counts["huvudbok"] >= 4 and counts["layout"] >= 5, counts
