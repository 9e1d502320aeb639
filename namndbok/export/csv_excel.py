"""CSV for Swedish Excel: `;` between cells, numbers with a decimal comma and no thousands separator
(Excel with Swedish settings reads "-1023,4" and "-4%" as numbers, but "-1 023,4" with a plain space
as text), lines ending in CRLF. Used by the CLI's `--format csv` and the period-close set."""

from __future__ import annotations

import csv
import io
import re
from typing import Sequence

PRINTED_NUMBER = re.compile(r"-?\d{1,3}(?: \d{3})*(?:,\d+)?(?: %)?")


def excel_cell(cell: str) -> str:
    """A printed number as Swedish Excel reads it: '-1 023,4' → '-1023,4', '-4 %' → '-4%'; other text as it is."""
    return cell.replace(" ", "") if PRINTED_NUMBER.fullmatch(cell) else cell


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A header and rows as CSV for Swedish Excel: `;`-separated, numbers by `excel_cell`, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([excel_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
