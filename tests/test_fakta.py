"""`namndbok export-fakta`: Parquet that DuckDB reads back equal to the engine's tables."""

from __future__ import annotations

import datetime
from decimal import Decimal

import duckdb
import pytest

from namndbok.accounts import RESULT_KINDS
from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger
from namndbok.nyckeltal import parse_volumes

from conftest import EXAMPLE_LEDGER, run

ORE = Decimal("0.01")
DATE = datetime.date(2026, 10, 31)
KINDS = ", ".join(f"'{k}'" for k in sorted(RESULT_KINDS))


@pytest.fixture(scope="module")
def data(example_ledger):
    entries, errors, options = example_ledger
    assert errors == []
    return entries, read_ledger(entries, options)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    target = tmp_path_factory.mktemp("fakta") / "fakta.parquet"
    code, out = run("export-fakta", str(EXAMPLE_LEDGER), "--till", str(target), "--kommun", "Exempelstad")
    assert code == 0, out
    return target, out


def per_verksamhet(source: str, where: str) -> dict[str, Decimal]:
    rows = duckdb.sql(f"SELECT verksamhet, sum(belopp) FROM {source} WHERE typ IN ({KINDS}) AND {where} GROUP BY verksamhet").fetchall()
    return {v: Decimal(total).quantize(ORE) for v, total in rows}


def engine_column(table, measure: str) -> dict[str, Decimal]:
    return {row.key[0]: getattr(row.measures, measure).quantize(ORE) for row in table.rows if getattr(row.measures, measure) is not None}


def test_the_facts_read_back_by_duckdb_equal_the_engine_per_verksamhet(data, exported):
    target, out = exported
    assert out.startswith("15 ") and "fakta per 2026-10-31" in out and "1 av 1 filer skrivna" in out
    _, ledgerdata = data
    table = compute(ledgerdata, DATE, group_by=("verksamhet",))
    source = f"read_parquet('{target}')"
    checks = {
        "utfall": "matt = 'utfall' AND ar = 2026 AND manad <= 10",
        "budget": "matt = 'budget' AND ar = 2026 AND manad <= 10",
        "budget_helar": "matt = 'budget' AND ar = 2026",
        "prognos": "matt = 'prognos' AND ar = 2026 AND fall = 'huvud'",
        "prognos_basta": "matt = 'prognos' AND ar = 2026 AND fall = 'basta'",
        "prognos_samsta": "matt = 'prognos' AND ar = 2026 AND fall = 'samsta'",
        "utfall_fg_helar": "matt = 'utfall' AND ar = 2025",
    }
    for measure, where in checks.items():
        expected = engine_column(table, measure)
        assert len(expected) >= 10, measure
        assert per_verksamhet(source, where) == expected, measure
    # The whole year's budget of every line adds up exactly, to the öre and below.
    exact = duckdb.sql(f"SELECT sum(belopp) FROM {source} WHERE matt = 'budget' AND ar = 2026 AND typ IN ({KINDS})").fetchall()[0][0]
    assert Decimal(exact) == table.total.measures.budget_helar
    # A closed year as it stood on 31 December.
    assert per_verksamhet(source, "matt = 'utfall' AND ar = 2024") == engine_column(
        compute(ledgerdata, datetime.date(2024, 12, 31), group_by=("verksamhet",)), "utfall")


def test_volumes_and_columns_are_all_there(data, exported):
    entries, ledgerdata = data
    target, _ = exported
    volumes, _ = parse_volumes(entries, ledgerdata.roots, ledgerdata.kontoplaner)
    counted = duckdb.sql(f"SELECT matt, count(*), sum(belopp) FROM read_parquet('{target}') WHERE matt LIKE 'volym%' GROUP BY matt").fetchall()
    assert {m: (n, Decimal(s)) for m, n, s in counted} == {
        "volym": (sum(not v.budget for v in volumes), sum(v.antal for v in volumes if not v.budget)),
        "volymbudget": (sum(v.budget for v in volumes), sum(v.antal for v in volumes if v.budget)),
    }
    assert duckdb.sql(f"SELECT DISTINCT namnd FROM read_parquet('{target}') WHERE matt = 'volym' AND radgrupp IS NOT NULL").fetchall() == [("Socialnämnden",)]
    columns = [c[0] for c in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{target}')").fetchall()]
    assert columns == ["kommun", "ar", "manad", "datum", "namnd", "radgrupp", "verksamhet", "konto", "ansvar",
                       "typ", "matt", "version", "fall", "enhet", "belopp"]
    assert duckdb.sql(f"SELECT DISTINCT kommun FROM read_parquet('{target}')").fetchall() == [("Exempelstad",)]


def test_the_hive_layout_reads_as_one_dataset_and_rerunning_changes_nothing(exported, tmp_path):
    single, _ = exported
    code, out = run("export-fakta", str(EXAMPLE_LEDGER), "--till", str(tmp_path / "region"), "--kommun", "1880")
    assert code == 0 and "4 av 4 filer skrivna" in out, out
    files = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "region").rglob("*.parquet"))
    assert files == [f"region/kommun=1880/ar={y}/fakta.parquet" for y in (2023, 2024, 2025, 2026)]
    stamps = [p.stat().st_mtime_ns for p in (tmp_path / "region").rglob("*.parquet")]
    code, out = run("export-fakta", str(EXAMPLE_LEDGER), "--till", str(tmp_path / "region"), "--kommun", "1880")
    assert code == 0 and "(inget ändrat)" in out
    assert [p.stat().st_mtime_ns for p in (tmp_path / "region").rglob("*.parquet")] == stamps

    dataset = f"read_parquet('{tmp_path}/region/**/*.parquet', hive_partitioning = true)"
    query = "SELECT ar, matt, coalesce(fall, ''), count(*), sum(belopp) FROM {} GROUP BY ALL ORDER BY ALL"
    assert duckdb.sql(query.format(dataset)).fetchall() == duckdb.sql(query.format(f"read_parquet('{single}')")).fetchall()


def test_a_kommun_that_cannot_be_a_directory_is_refused(tmp_path):
    code, out = run("export-fakta", str(EXAMPLE_LEDGER), "--till", str(tmp_path / "region"), "--kommun", "a/b")
    assert code == 1 and "Kommunen 'a/b' blir en katalog" in out
    assert not (tmp_path / "region").exists()
