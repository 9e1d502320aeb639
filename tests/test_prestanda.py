"""`namndbok prestanda laddning`: the figures come from Beancount's own timing log."""

from __future__ import annotations

import re

from click.testing import CliRunner

from scripts.cli import main
from scripts.prestanda import time_load

from conftest import EXAMPLE_LEDGER

PLUGINS = ["plugins.texter", "plugins.las", "plugins.eget_kapital", "plugins.kontoplan", "plugins.budget", "plugins.volymer"]


def test_the_load_figure_names_every_plugin_of_ours_in_load_order(example_ledger):
    entries, _, _ = example_ledger
    figure = time_load(EXAMPLE_LEDGER, "Exempelnämnden", repeat=1)
    assert figure.entries == len(entries)
    assert list(figure.ours_ms) == PLUGINS
    assert 0 < sum(figure.ours_ms.values()) < figure.total_ms


def test_the_command_prints_one_line_per_ledger_with_the_overhead():
    result = CliRunner().invoke(main, ["prestanda", "laddning"])
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    assert re.fullmatch(r"Exempelnämnden\s+\d[\d ]* poster  laddning\s+\d+ ms  våra plugins\s+\d+ ms \(\+\d+ % mot utan\)  "
                        r"\[texter \d+  las \d+  eget_kapital \d+  kontoplan \d+  budget \d+  volymer \d+\]", line), line


def test_the_period_close_figures_are_printed_for_load_and_both_sets():
    result = CliRunner().invoke(main, ["prestanda", "period-close"])
    assert result.exit_code == 0, result.output
    steps = [re.match(r"(.+?)\s+(\d+) ms  toppminne", line).group(1) for line in result.output.splitlines()]
    assert steps == ["Ladda liggaren", "Rapportpaketet utan PDF", "Rapportpaketet med PDF"]


def test_the_sie_figures_are_one_table_with_a_row_per_size_and_step_each_from_its_own_process():
    result = CliRunner().invoke(main, ["prestanda", "sie", "--rader", "300", "--rader", "600", "--lage", "summerad"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line]
    assert re.split(r"\s{2,}", lines[0]) == ["steg", "rader", "MB", "tid s", "CPU s", "rader/s", "MB/s", "toppminne MB"]
    rows = [re.split(r"\s{2,}", line) for line in lines[1:]]
    assert [(row[0], row[1]) for row in rows] == [("läsa SIE", "300"), ("läsa SIE summerat", "300"), ("importera summerad", "300"),
                                                  ("läsa SIE", "600"), ("läsa SIE summerat", "600"), ("importera summerad", "600")]
    for row in rows:
        seconds, rate, peak = float(row[3].replace(",", ".")), int(row[5].replace(" ", "")), int(row[7].replace(" ", ""))
        assert rate > 0 and (seconds < 0.1 or abs(rate - int(row[1]) / seconds) <= rate * 0.05)
        assert 10 < peak < 1000  # the step's own process, not this test's
