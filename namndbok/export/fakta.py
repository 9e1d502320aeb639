"""`namndbok export-fakta`: the engine's facts to Parquet (see `namndbok.fakta`).

A target ending in `.parquet` gets one file. Any other target is a directory
in Hive layout, `<mål>/kommun=<kommun>/ar=<år>/fakta.parquet`, so that the
directories of many municipalities can be copied side by side (or to object
storage) and read as one dataset by DuckDB, Spark or Trino with the kommun and
the year as partitions (they are then in the path only, not in the file, as
Spark requires). Every file is written atomically, and only when its
bytes change: re-running the export is a no-op.

For a whole kommun (`export_kommun`, `namndbok export-fakta --kommun-katalog KATALOG`) one
dataset `<mål>/kommun=<kommun>/namnd=<nämnd>/ar=<år>/fakta.parquet`: a file per nämnd (the
facts' own `namnd`, the account name's component) and year, kommun, namnd and ar in the path
only. The kommun's folder is written whole into a temporary folder and swapped in
(`fileio.atomic_replace_dir`): a re-run replaces it, and a reader never sees half of it.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from namndbok.fakta import Fact, facts
from namndbok.fileio import atomic_replace_dir, atomic_write_bytes

AMOUNT = pa.decimal128(38, 6)
SCHEMA = pa.schema([
    ("kommun", pa.string()),
    ("ar", pa.int32()),
    ("manad", pa.int8()),
    ("datum", pa.date32()),
    ("namnd", pa.string()),
    ("radgrupp", pa.string()),
    ("verksamhet", pa.string()),
    ("konto", pa.string()),
    ("ansvar", pa.string()),
    ("typ", pa.string()),
    ("matt", pa.string()),
    ("version", pa.string()),
    ("fall", pa.string()),
    ("enhet", pa.string()),
    ("belopp", AMOUNT),
])
PARTITIONS = ("kommun", "ar")
PARTITIONED_SCHEMA = pa.schema([f for f in SCHEMA if f.name not in PARTITIONS])
KOMMUN_PARTITIONS = ("kommun", "namnd", "ar")
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # a fact without nämnd: NULL to Hive, Spark and DuckDB
KOMMUN_SCHEMA = pa.schema([f for f in SCHEMA if f.name not in KOMMUN_PARTITIONS])


class ExportResult(NamedTuple):
    files: list[Path]
    written: int  # files whose bytes changed
    rows: int


def to_table(rows: list[Fact], kommun: str, schema: pa.Schema = SCHEMA) -> pa.Table:
    columns = {name: [getattr(r, name) for r in rows] for name in Fact._fields}
    columns["kommun"] = [kommun] * len(rows)
    return pa.table({field.name: pa.array(columns[field.name], type=field.type) for field in schema}, schema=schema)


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


class ExportError(ValueError):
    """A target the export cannot write (message in Swedish)."""


def check_kommun(kommun: str) -> None:
    """Refuse (ExportError) a kommun that cannot be a folder's name kommun=…."""
    if not kommun:
        raise ExportError("Ange kommunen med --kommun, t.ex. 0180 (utan tecknen /, = och \\); den blir katalognamnet kommun=0180.")
    if "\x00" in kommun:  # no file system takes it in a name
        raise ExportError("Kommunen innehåller ett nolltecken (\\0), som inte kan stå i ett katalognamn; ange --kommun t.ex. 0180.")
    if any(c in kommun for c in "/=\\"):
        raise ExportError(f"Kommunen '{kommun}' blir en katalog (kommun=…); ange --kommun utan tecknen /, = och \\ (t.ex. 0180).")


def export(data, volumes, date: datetime.date, kommun: str, target: Path) -> ExportResult:
    rows = facts(data, volumes, date)
    if target.suffix == ".parquet":
        parts, schema = {target: rows}, SCHEMA
    else:
        check_kommun(kommun)
        parts, schema = {}, PARTITIONED_SCHEMA
        for row in rows:
            parts.setdefault(target / f"kommun={kommun}" / f"ar={row.ar}" / "fakta.parquet", []).append(row)
    written = sum(atomic_write_bytes(path, parquet_bytes(to_table(part, kommun, schema))) for path, part in sorted(parts.items()))
    return ExportResult(sorted(parts), written, len(rows))


class KommunLedger(NamedTuple):
    where: str  # the ledger as a message names it
    data: object  # LedgerData
    volumes: list
    date: datetime.date


def export_kommun(ledgers: list[KommunLedger], kommun: str, target: Path) -> ExportResult:
    """The kommun's dataset under `target` (see the module docstring); ExportError (Swedish) for a
    kommun that cannot be a folder, or two ledgers with facts of the same nämnd."""
    check_kommun(kommun)
    if target.suffix == ".parquet":
        raise ExportError(f"{target}: en kommuns export är en katalog (kommun=…/namnd=…/ar=…); ange en katalog med --till.")
    parts: dict[tuple[str, int], list[Fact]] = {}
    owner: dict[str, str] = {}
    rows = 0
    for ledger in ledgers:
        for row in facts(ledger.data, ledger.volumes, ledger.date):
            namnd = row.namnd or NULL_PARTITION
            if owner.setdefault(namnd, ledger.where) != ledger.where:
                raise ExportError(f"{owner[namnd]} och {ledger.where} har båda nämnden {row.namnd or '(ingen)'}; en nämnd "
                                  "ska finnas i en liggare. Ge nämnderna olika namn (namnd i kontoplan.toml).")
            parts.setdefault((namnd, row.ar), []).append(row)
            rows += 1
    files = {f"namnd={namnd}/ar={year}/fakta.parquet": parquet_bytes(to_table(part, kommun, KOMMUN_SCHEMA))
             for (namnd, year), part in sorted(parts.items())}
    folder = target / f"kommun={kommun}"
    atomic_replace_dir(folder, files)
    return ExportResult([folder / name for name in files], len(files), rows)
