"""Text for Markdown files, escaped: a name or comment from the ledger is shown, never run or split.

Every Markdown writer (`namndbok rapport --format markdown`, `namndbok nyckeltal
--format markdown`, and `namndbok period-close`'s tables, deviation list and
index) puts ledger text through `text` or, in a table, `cell`, and builds its
tables with `table`. A viewer that renders Markdown passes raw HTML through, so
`<`, `>` and `&` become entities (`<script>` is shown as the text <script>); in a
table a `|` would start a new cell and a line break end the row.
"""

from __future__ import annotations

from typing import Iterable, Sequence

_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CELL = str.maketrans({"\\": "\\\\", "|": "\\|", "\n": " ", "\r": " "})


def text(value: str) -> str:
    """`value` for Markdown running text: <, > and & as HTML entities."""
    return str(value).translate(_HTML)


def cell(value: str) -> str:
    """`value` for a Markdown table cell: as `text`, and \\ and | escaped, line breaks as spaces."""
    return text(value).translate(_CELL)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """A Markdown table's lines: the headers, the alignment row (`right[i]`: column i right-aligned)
    and the rows, every header and value escaped as a cell."""
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |",
             "|" + "|".join(" ---: " if r else " --- " for r in right) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines
