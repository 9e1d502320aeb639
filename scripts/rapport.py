"""`namndbok rapport`: a layout's table in the terminal, or as a file (namndbok.export.report_files)."""

from __future__ import annotations

from pathlib import Path

from namndbok.export.report_files import to_csv, to_markdown, to_xlsx
from namndbok.layout import Layout, RowSpec
from namndbok.report import Report, cells

FORMATS = ("terminal", "markdown", "csv", "xlsx")


def text_table(report: Report):
    from namndbok.scripts.tables import TextTable

    bold = frozenset(index for index, row in enumerate(report.rows) if row.bold)
    return TextTable(f"{report.layout.namn} per {report.date}", report.headers, cells(report), bold=bold)


def write(report: Report, fmt: str, target: Path | None) -> str | None:
    """Print or write the report; returns the text for terminal-bound formats."""
    from namndbok.fileio import atomic_write_bytes, atomic_write_text

    if fmt == "terminal":
        from namndbok.scripts.tables import show

        show(text_table(report))
        return None
    if fmt == "xlsx":
        if target is None:
            raise ValueError("XLSX behöver --ut FIL.xlsx.")
        atomic_write_bytes(target, to_xlsx(report))
        return None
    text = to_markdown(report) if fmt == "markdown" else to_csv(report)
    if target is None:
        return text
    atomic_write_text(target, text)
    return None


def summary_line(layout: Layout) -> str:
    """`namndbok layout lista`: a layout in one line."""
    return (f"{layout.namn} ({layout.enhet}, {_decimals(layout.decimaler)}, {len(layout.kolumner)} kolumner, "
            f"{len(layout.rader)} rader)")


def _decimals(count: int) -> str:
    return f"{count} decimal" if count == 1 else f"{count} decimaler"


def describe(layout: Layout) -> list[str]:
    """`namndbok layout visa`: the layout's columns and rows, as the economist wrote them."""
    lines = [f"{layout.namn} – {layout.path}", f"Enhet {layout.enhet}, {_decimals(layout.decimaler)}; första kolumnen: {layout.rubrik}",
             "", "Kolumner:"]
    for column in layout.kolumner:
        extra = "".join([f", per {column.per}" if column.per else "", f", typ {', '.join(column.typ)}" if column.typ else ""])
        lines.append(f"  {column.rubrik}: {column.matt}{extra}")
    lines += ["", "Rader:"]
    if layout.slag == "prognossakerhet":
        lines.append("  en per uppföljning av det senaste året som är stängt per rapportdatum (prognossäkerhet)")
    lines += [f"  {_row_text(row)}" for row in layout.rader]
    return lines


def _row_text(row: RowSpec) -> str:
    if row.summa is not None:
        what = "summa av raderna ovanför" if row.summa == "alla" else f"summa av {', '.join(row.summa)}"
    elif row.eget_kapital:
        what = "ackumulerat resultat (eget kapital)"
    else:
        parts = [f"typ {', '.join(row.typ)}"]
        parts += [("ofördelat (ingen verksamhet)" if values == (None,) else f"{dim} {', '.join(values)}")
                  for dim, values in row.filters]
        parts += [f"utom verksamhet {', '.join(row.utom_verksamhet)}"] if row.utom_verksamhet else []
        parts += [f"utom konto {', '.join(row.utom_konto)}"] if row.utom_konto else []
        parts += ["omvänt tecken"] if row.vand_tecken else []
        parts += ["tom cell blank"] if row.tom == "blank" and not row.en_rad_per else []
        what = "; ".join(parts)
    name = f"(en rad per {row.en_rad_per})" if row.en_rad_per else row.namn
    return f"{name}{' [fet]' if row.fet else ''}: {what}"
