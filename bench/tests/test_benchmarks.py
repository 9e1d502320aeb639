"""Benchmarks of the engine on the example committee.

They run once (as plain tests) with the benchmark's tests. For figures:

    .venv/bin/python -m pytest bench/tests/test_benchmarks.py --benchmark-enable
"""

from __future__ import annotations

import datetime

import pytest
from beancount import loader

from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger

from conftest import EXAMPLE_LEDGER

DATE = datetime.date(2026, 10, 31)

pytestmark = pytest.mark.slow


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
