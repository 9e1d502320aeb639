"""`namndbok nyckeltal`: the nyckeltal table (tkr) in the terminal; the cells, CSV and Markdown are
namndbok.export.nyckeltal_files'."""

from __future__ import annotations

from namndbok.export.nyckeltal_files import HEADERS, RIGHT, rows, to_csv, to_markdown  # noqa: F401  (the CLI's formats)
from namndbok.scripts.tables import TextTable


def text_table(results, title: str) -> TextTable:
    return TextTable(title, HEADERS, rows(results), RIGHT)
