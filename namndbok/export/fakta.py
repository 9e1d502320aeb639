"""`namndbok export-fakta`: the engine's facts to Parquet (see `namndbok.fakta`).

A target ending in `.parquet` gets one file. Any other target is a directory
in Hive layout, `<mål>/kommun=<kommun>/ar=<år>/fakta.parquet`, so that the
directories of many municipalities can be copied side by side (or to object
storage) and read as one dataset by DuckDB, Spark or Trino with the kommun and
the year as partitions (they are then in the path only, not in the file, as
Spark requires). Every file is written atomically, and only when its
bytes change: re-running the export is a no-op.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from namndbok.fakta import Fact, facts
from namndbok.fileio import atomic_write_bytes

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


def export(data, volumes, date: datetime.date, kommun: str, target: Path) -> ExportResult:
    rows = facts(data, volumes, date)
    if target.suffix == ".parquet":
        parts, schema = {target: rows}, SCHEMA
    else:
        if not kommun:
            raise ExportError("Ange kommunen med --kommun, t.ex. 0180 (utan tecknen /, = och \\); den blir katalognamnet kommun=0180.")
        if "\x00" in kommun:  # no file system takes it in a name
            raise ExportError("Kommunen innehåller ett nolltecken (\\0), som inte kan stå i ett katalognamn; ange --kommun t.ex. 0180.")
        if any(c in kommun for c in "/=\\"):
            raise ExportError(f"Kommunen '{kommun}' blir en katalog (kommun=…); ange --kommun utan tecknen /, = och \\ (t.ex. 0180).")
        parts, schema = {}, PARTITIONED_SCHEMA
        for row in rows:
            parts.setdefault(target / f"kommun={kommun}" / f"ar={row.ar}" / "fakta.parquet", []).append(row)
    written = sum(atomic_write_bytes(path, parquet_bytes(to_table(part, kommun, schema))) for path, part in sorted(parts.items()))
    return ExportResult(sorted(parts), written, len(rows))
