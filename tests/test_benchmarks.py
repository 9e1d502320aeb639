"""Benchmarks of the engine on the example committee.

They run once (as plain tests) in the normal suite. For figures:

    python3 run.py test --benchmark-enable -k benchmark
"""

from __future__ import annotations

import datetime

from beancount import loader

from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger

from conftest import EXAMPLE_LEDGER

DATE = datetime.date(2026, 10, 31)


def test_benchmark_load_example(benchmark):
    entries, errors, _ = benchmark(loader.load_file, str(EXAMPLE_LEDGER))
    assert errors == []


def test_benchmark_read_ledger(benchmark, example_ledger):
    entries, _, options = example_ledger
    data = benchmark(read_ledger, entries, options)
    assert len(data.budget_lines) > 200


def test_benchmark_engine_per_verksamhet(benchmark, example_ledger):
    entries, _, options = example_ledger
    data = read_ledger(entries, options)
    table = benchmark(compute, data, DATE, group_by=("radgrupp", "verksamhet"))
    assert len(table.rows) == 12  # eleven verksamheter and the unallocated saving


def test_benchmark_engine_per_konto_and_ansvar(benchmark, example_ledger):
    entries, _, options = example_ledger
    data = read_ledger(entries, options)
    table = benchmark(compute, data, DATE, group_by=("verksamhet", "konto", "ansvar"))
    assert len(table.rows) > 150
