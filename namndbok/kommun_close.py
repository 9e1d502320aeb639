"""`namndbok period-close ÅÅÅÅ-MM --kommun-katalog KATALOG`: every nämnd's set and the kommun's own.

Each nämnd's write lock is taken (in folder order, so two runs never wait for each other
crosswise) before its ledger is read, and held until everything is written. Then, before
anything is written: every ledger loads without errors (`namndbok.kommun.load_kommun`),
every nämnd's period passes `namndbok period-close`'s checks and its whole set is made in
memory (`period_close.prepare_period_set`), the finansförvaltning's period passes the same
checks. A refusal names the nämnd (or the finansförvaltning) and writes nothing.

Then each nämnd's set is written into its own `rapporter/ÅÅÅÅ-MM/`, as
`namndbok period-close` writes it, and the kommun's set into `KATALOG/rapporter/ÅÅÅÅ-MM/`:
the kommun's table (`namndbok.kommun`) as Markdown, CSV, XLSX, HTML and PDF, and an index
(`README.md`) linking each nämnd's set. Every file atomically and only when changed.
"""

from __future__ import annotations

import datetime
import os
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from namndbok import markdown
from namndbok.fileio import cannot_write, check_writable
from namndbok.kommun import kommun_table, load_kommun, which
from namndbok.kommun_folder import KommunError, read_kommun_folder
from namndbok.period_close import PeriodError, PreparedSet, Written, check_period, prepare_period_set, write_prepared
from namndbok.swedish import month_name
from namndbok.writer_lock import writing

COMMAND = "namndbok period-close --kommun-katalog"
STEM = "kommun"


class KommunWritten(NamedTuple):
    kommun: Written  # the kommun's own set
    namnder: list[Written]  # each nämnd's, in folder order
    warnings: list[str]  # the kommun table's (kommunbidrag that does not match)


def close_kommun(folder: str | Path, date: datetime.date, pdf: bool = True) -> KommunWritten:
    """Check every ledger of the kommun in `folder` and write every set (see the module docstring);
    KommunError (Swedish, naming the nämnd) before anything is written."""
    from namndbok.avvikelser import CommentError
    from namndbok.export import kommun_files as files
    from namndbok.layout import LayoutError
    from namndbok.nyckeltal import NyckeltalError
    from namndbok.rapportpaket import ReportSetError

    kommun = read_kommun_folder(folder)
    target = kommun.folder / "rapporter" / f"{date:%Y-%m}"
    with ExitStack() as locks:
        for item in kommun.namnder:
            locks.enter_context(writing(item.ledger, COMMAND))
        namnder, finans = load_kommun(kommun)
        prepared: list[PreparedSet] = []
        for item in namnder:
            try:
                prepared.append(prepare_period_set(item.ledger, item.entries, [], item.options, date, pdf))
            except (PeriodError, LayoutError, NyckeltalError, CommentError, ReportSetError) as err:
                raise KommunError(f"{which(item.folder)}: perioden {date:%Y-%m} kan inte stängas: {err}") from None
        if finans is not None:
            try:
                check_period(finans.data, [], date)
            except PeriodError as err:
                raise KommunError(f"{which(finans.folder)}: perioden {date:%Y-%m} kan inte stängas: {err}") from None
        table = kommun_table(kommun.namn, namnder, finans, date)
        try:
            check_writable(target)
        except OSError as err:
            raise KommunError(cannot_write(err)) from None
        links = {row.namn: _relative(p.folder / "README.md", target) for row, p in zip(table.namnder, prepared)}
        outputs = {
            target / f"{STEM}.md": files.to_markdown(table, links=links),
            target / f"{STEM}.csv": files.to_csv(table),
            target / f"{STEM}.xlsx": files.to_xlsx(table),
            target / "README.md": _index(kommun.namn, date, links, pdf),
        }
        own = PreparedSet(target, outputs, files.to_html(table, links=links))
        written = [write_prepared(p, pdf) for p in prepared]
        return KommunWritten(write_prepared(own, pdf), written, table.warnings)


def _relative(path: Path, start: Path) -> str:
    """A link from the kommun's set to a nämnd's file, as a relative URL."""
    return quote(Path(os.path.relpath(path, start)).as_posix())


def _index(namn: str, date: datetime.date, links: dict[str, str], pdf: bool) -> str:
    lines = [f"# {markdown.text(namn)} – uppföljning per {date.day} {month_name(date.month)} {date.year}", "",
             f"Skapad av `namndbok period-close {date:%Y-%m} --kommun-katalog`; skapa om med samma kommando.", "",
             f"- Kommunens tabell: [{STEM}.md]({STEM}.md), [{STEM}.xlsx]({STEM}.xlsx), [{STEM}.csv]({STEM}.csv)",
             "- Med anteckningar: [rapport.html](rapport.html)" + (", [rapport.pdf](rapport.pdf)" if pdf else ""),
             "- Nämndernas egna rapportpaket:"]
    lines += [f"  - [{markdown.text(name)}]({target})" for name, target in links.items()]
    return "\n".join(lines) + "\n"
