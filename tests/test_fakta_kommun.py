"""`namndbok export-fakta --kommun-katalog`: a whole kommun as one Parquet dataset
kommun=/namnd=/ar=, read back through pyarrow.dataset, DuckDB (every query in
docs/fakta-duckdb.md, as written) and, where Java and pyspark are installed, Spark in local
mode, with the same sums as the engine per nämnd and year."""

from __future__ import annotations

import datetime
import re
import shutil
from decimal import Decimal

import duckdb
import pyarrow.dataset as ds
import pytest

from namndbok.accounts import RESULT_KINDS
from namndbok.engine import compute
from namndbok.kommun_folder import read_kommun_folder
from namndbok.load_reading import reading_of
from namndbok.loading import load
from namndbok.scripts.exempel.kommun import FINANS_INTAKTER, FINANS_VERKSAMHETER, Deviation, KommunSpec, NamndSpec, generate_kommun, minimum_rows
from conftest import REPO, run

YEARS = (2025, 2026)
DOC = REPO / "docs" / "fakta-duckdb.md"
ORE = Decimal("0.01")


@pytest.fixture(scope="module")
def kommun(tmp_path_factory):
    spec = KommunSpec("Provstad", (
        NamndSpec("Barn- och utbildningsnämnd", "950", {2025: Deviation("-3", "-7.5"), 2026: Deviation("2", "1.25")}),
        NamndSpec("Socialnämnd", "1200", {2025: Deviation("-12", "-20"), 2026: Deviation("-4", "-6")}),
    ), NamndSpec("Finansiering", "3000", {2025: Deviation("40", "55"), 2026: Deviation("10", "18")}, FINANS_INTAKTER,
                 FINANS_VERKSAMHETER), minimum_rows() + 100)
    return generate_kommun(tmp_path_factory.mktemp("provstad") / "provstad", spec)


@pytest.fixture(scope="module")
def engine(kommun):
    """(namnd, ar) → (utfall, budget för helåret, prognos) of årets resultat by the engine, on 31 December."""
    out = {}
    for namnd in (*read_kommun_folder(kommun).namnder, read_kommun_folder(kommun).finans):
        entries, errors, options = load(namnd.ledger)
        assert not errors
        data = reading_of(entries, options)
        (component,) = data.kontoplaner
        for year in YEARS:
            m = compute(data, datetime.date(year, 12, 31), group_by=(), kinds=RESULT_KINDS).total.measures
            out[component, year] = (m.utfall.quantize(ORE), m.budget_helar.quantize(ORE), m.prognos.quantize(ORE))
    return out


@pytest.fixture(scope="module")
def dataset(kommun, tmp_path_factory):
    root = tmp_path_factory.mktemp("region")
    code, out = run("export-fakta", "--kommun-katalog", str(kommun), "--till", str(root / "fakta"))
    assert code == 0, out
    assert f"från 3 liggare till {root / 'fakta' / 'kommun=Provstad'} (6 filer)" in out
    return root


def test_the_layout_is_kommun_namnd_ar(dataset, engine):
    files = sorted(p.relative_to(dataset).as_posix() for p in dataset.rglob("*") if p.is_file())
    assert files == sorted(f"fakta/kommun=Provstad/namnd={namnd}/ar={year}/fakta.parquet" for namnd, year in engine)
    assert len({namnd for namnd, _ in engine}) == 3


def test_pyarrow_reads_the_dataset_with_the_engines_sums(dataset, engine):
    table = ds.dataset(dataset / "fakta", format="parquet", partitioning="hive").to_table()
    assert {"kommun", "namnd", "ar"} <= set(table.column_names)
    sums: dict[tuple, Decimal] = {}
    for row in table.to_pylist():
        if row["typ"] in RESULT_KINDS and (row["matt"] != "prognos" or row["fall"] == "huvud"):
            assert row["kommun"] == "Provstad"
            key = (row["namnd"], int(row["ar"]), row["matt"])
            sums[key] = sums.get(key, Decimal(0)) + row["belopp"]
    for (namnd, year), (utfall, budget, prognos) in engine.items():
        assert (sums[namnd, year, "utfall"], sums[namnd, year, "budget"], sums[namnd, year, "prognos"]) == (utfall, budget, prognos)
    # The generator's figures, through the whole chain: the Socialnämnd's 2025 closed −20 mnkr against budget.
    assert engine["Socialnämnd", 2025][0] - engine["Socialnämnd", 2025][1] == Decimal("-20000000.00")


def documented_queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_every_documented_duckdb_query_runs_as_written(dataset, engine, monkeypatch):
    monkeypatch.chdir(dataset)  # "Stå i mappen som har fakta/"
    queries = documented_queries()
    assert len(queries) == 4
    results = [duckdb.sql(query).fetchall() for query in queries]
    assert all(results), "a documented query returned nothing"
    arets_resultat, budget_prognos, kostnader, kommuner = results
    assert {(namnd, ar): Decimal(total).quantize(ORE) for namnd, ar, total in arets_resultat} == \
        {key: utfall for key, (utfall, _, _) in engine.items()}
    assert {(namnd, ar): (Decimal(b).quantize(ORE), Decimal(p).quantize(ORE), Decimal(a).quantize(ORE))
            for namnd, ar, b, p, a in budget_prognos} == \
        {key: (budget, prognos, prognos - budget) for key, (_, budget, prognos) in engine.items()}
    assert all(row[0] in {"4610", "5020", "5410", "6110", "7990"} for row in kostnader)  # the generator's konton
    assert [(k, ar) for k, ar, _ in kommuner] == [("Provstad", 2025), ("Provstad", 2026)]


def test_a_rerun_replaces_the_kommun_and_leaves_other_kommuner(kommun, dataset, tmp_path):
    root = tmp_path / "region"
    shutil.copytree(dataset, root)
    code, out = run("export-fakta", "--kommun-katalog", str(kommun), "--till", str(root / "fakta"), "--kommun", "Grannby")
    assert code == 0, out
    code, out = run("export-fakta", "--kommun-katalog", str(kommun), "--till", str(root / "fakta"), "--per", "2025-12")
    assert code == 0 and "per 2025-12-31" in out, out
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    assert not [n for n in names if "/." in n or n.startswith(".")], names  # no temporary folder left
    years = {p.name for p in (root / "fakta" / "kommun=Provstad").rglob("ar=*")}
    assert years == {"ar=2025"}  # 2026 is gone: replaced, not merged
    assert {p.name for p in (root / "fakta" / "kommun=Grannby").rglob("ar=*")} == {"ar=2025", "ar=2026"}
    both = duckdb.sql(f"SELECT kommun, count(DISTINCT namnd) FROM read_parquet('{root}/fakta/**/*.parquet', "
                      "hive_partitioning = true) GROUP BY ALL ORDER BY ALL").fetchall()
    assert both == [("Grannby", 3), ("Provstad", 3)]


def test_a_parquet_file_as_target_is_refused_in_swedish(kommun, tmp_path):
    code, out = run("export-fakta", "--kommun-katalog", str(kommun), "--till", str(tmp_path / "x.parquet"))
    assert code == 1 and "en kommuns export är en katalog" in out and "Traceback" not in out
    assert not list(tmp_path.iterdir())


def test_a_ledger_and_a_kommun_together_are_refused(kommun, tmp_path):
    code, out = run("export-fakta", str(REPO / "ledgers" / "exempel" / "socialnamnden.beancount"),
                    "--kommun-katalog", str(kommun), "--till", str(tmp_path / "fakta"))
    assert code == 2 and "Ange antingen LIGGARE (en nämnd) eller kommunens mapp, inte båda." in out


def spark_missing() -> str | None:
    if shutil.which("java") is None:
        return "Java saknas (Debian: default-jre-headless; run.py installerar det som root)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark saknas (pip install -e '.[spark]')"
    return None


@pytest.mark.slow
@pytest.mark.skipif(spark_missing() is not None, reason=spark_missing() or "")
def test_spark_in_local_mode_reads_the_dataset_with_the_same_sums(dataset, engine):
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[1]").appName("namndbok-fakta")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
             .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1").getOrCreate())
    try:
        path = str(dataset / "fakta")
        spark.read.option("basePath", path).parquet(path).createOrReplaceTempView("fakta")
        kinds = ", ".join(f"'{k}'" for k in RESULT_KINDS)
        rows = spark.sql(f"SELECT kommun, namnd, ar, sum(belopp) AS s FROM fakta WHERE matt = 'utfall' AND typ IN ({kinds}) "
                         "GROUP BY kommun, namnd, ar").collect()
    finally:
        spark.stop()
    assert {(r["namnd"], r["ar"]): Decimal(r["s"]).quantize(ORE) for r in rows} == \
        {key: utfall for key, (utfall, _, _) in engine.items()}
    assert {r["kommun"] for r in rows} == {"Provstad"}


def test_a_namnd_without_utfall_is_named(kommun, tmp_path):
    copy = tmp_path / "kommun"
    shutil.copytree(kommun, copy)
    (copy / "99-tom").mkdir()
    (copy / "99-tom" / "tom.beancount").write_text('option "title" "Tom nämnd"\n', encoding="utf-8")
    code, out = run("export-fakta", "--kommun-katalog", str(copy), "--till", str(tmp_path / "fakta"))
    assert code == 1 and "99-tom/tom.beancount: Liggaren har inget utfall." in out, out
    assert not (tmp_path / "fakta").exists()
