"""`namndbok period-close ÅÅÅÅ-MM`: check the period, then write the whole set of tables.

Checks, each refused with a Swedish reason:
- the ledger loads without errors;
- every month of the year up to the period has utfall (nothing left to import);
- every budgeted verksamhet has a prognos (of its intäkter or its kostnader;
  kommunbidrag is decided, not forecast); a typ without one counts with its
  budget, as everywhere (`engine.prognos_amounts`). All missing are named.
  A year closed by `namndbok bokslut` needs no prognos: it is its utfall.

Then writes into `rapporter/ÅÅÅÅ-MM/` beside the ledger: the layouts of the set
(`rapportpaket.toml`, `namndbok/rapportpaket.py`; without it every layout in
`layouter/` alphabetically) as Markdown, CSV and XLSX, the deviation list (made as
the set's [avvikelser] says) and the eget kapital roll-forward as Markdown, the
nyckeltal (when nyckeltal.toml exists) as Markdown and CSV, everything (nyckeltal
too) with charts as one HTML page and its PDF
(Chromium prints the page), and an index (`README.md`) listing them. Each file is
written atomically and only when its content changes, so a second run changes
nothing. With `--las` the year up to the period is then locked
(`namndbok/las/write.py`) while Chromium prints the PDF.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable, NamedTuple
from urllib.parse import quote

from namndbok import markdown
from namndbok.accounts import NETTO
from namndbok.budget import lines_in_effect
from namndbok.avvikelser import deviation_lines
from namndbok.eget_kapital import roll_forward_table, table_years
from namndbok.engine import closed_namnder, compute, unforecast_verksamheter
from namndbok.fileio import atomic_write_bytes, atomic_write_text, cannot_write, check_writable
from namndbok.layout import load_layout
from namndbok.load_reading import reading_of
from namndbok.loading import faults, faults_message, load
from namndbok.nyckeltal import compute_nyckeltal, load_specs, parse_volumes
from namndbok.rapportpaket import load_report_set
from namndbok.report import build_report
from namndbok.swedish import format_amount, month_name
from namndbok.writer_lock import writer
from namndbok.export.charts import deviation_chart, monthly_chart, prognos_chart
from namndbok.export.html import PdfJob, render_html
from namndbok.export.nyckeltal_files import to_csv as nyckeltal_csv
from namndbok.export.nyckeltal_files import to_markdown as nyckeltal_markdown
from namndbok.las.write import LockResult, lock_period
from namndbok.export.report_files import to_csv, to_markdown, to_xlsx


class PeriodError(Exception):
    """Why the period cannot be closed (Swedish)."""


class Written(NamedTuple):
    folder: Path
    files: list[Path]
    changed: list[Path]
    pdf_error: str | None = None  # why rapport.pdf could not be printed (Swedish); everything else is written


def _budgeted(data, date: datetime.date) -> bool:
    """Whether the year has a budget in effect at `date` (a year without one has nothing to forecast:
    a new committee closes its first periods on utfall alone)."""
    return any(lines_in_effect(data.decisions, data.budget_lines, date.year, date))


def check_period(data, errors, date: datetime.date) -> None:
    wrong = faults(errors)
    if wrong:
        raise PeriodError(faults_message(wrong, data.options.get("filename", "liggaren")))
    months = {d.month for name, by_date in data.utfall.items() for d in by_date
              if d.year == date.year and name in data.refs and data.refs[name].kind in NETTO}
    missing = [month_name(m) for m in range(1, date.month + 1) if m not in months]
    if missing:
        raise PeriodError(f"Utfall saknas för {', '.join(missing)} {date.year}. Importera månaderna först.")
    closed = closed_namnder(data, date)
    if None in closed or {plan.namnd for plan in data.kontoplaner.values()} <= closed:
        return  # after bokslut the year's prognos is its utfall: nothing is left to forecast
    first_of_month = date.replace(day=1)
    stale = unforecast_verksamheter(data, date, NETTO)
    current = compute(data, date).uppfoljning
    if (current is None or current < first_of_month) and _budgeted(data, date):
        raise PeriodError(f"Ingen prognos är gjord för uppföljningen per {date}. Lägg prognosfilen för "
                          f"{date:%Y-%m} (custom \"prognos\") innan perioden stängs.")
    if stale:
        names = ", ".join(u[1] or "nämnden" for u in stale)
        raise PeriodError(f"Prognos saknas för {names}. Varje budgeterad verksamhet behöver en prognos "
                          "(för intäkter eller kostnader; det som inte prognostiseras räknas med sin budget).")


@writer("namndbok period-close")
def close_period(ledger: Path, date: datetime.date, pdf: bool = True, lock: bool = False) -> tuple[Written, LockResult | None]:
    """Check the period and write its set; lock it when asked (`--las`) while Chromium prints the PDF.
    The write lock is held throughout: two runs write one set after the other, never a mix."""
    entries, errors, options = load(ledger, keep=not lock)  # a lock changes the ledger at once
    locked: list[LockResult] = []
    written = write_period_set(ledger, entries, errors, options, date, pdf,
                               while_printing=(lambda: locked.append(lock_period(ledger, entries, options, date))) if lock else None)
    return written, (locked[0] if locked else None)


class PreparedSet(NamedTuple):
    """A period's set made in memory (`prepare_period_set`), not yet written."""

    folder: Path
    outputs: dict  # path → str or bytes
    page: str  # rapport.html


def write_period_set(ledger: Path, entries, errors, options, date: datetime.date, pdf: bool = True,
                     while_printing: Callable[[], object] | None = None) -> Written:
    """The whole set for the period from an already loaded ledger; `while_printing` runs
    after the files are written, before the PDF is waited for (the period lock)."""
    return write_prepared(prepare_period_set(ledger, entries, errors, options, date, pdf), pdf, while_printing)


def prepare_period_set(ledger: Path, entries, errors, options, date: datetime.date, pdf: bool = True) -> PreparedSet:
    """Check the period and make every file of its set in memory (PeriodError and the settings'
    errors before anything is written: `namndbok.kommun_close` prepares every nämnd's first)."""
    data = reading_of(entries, options)
    check_period(data, errors, date)
    folder = ledger.parent / "rapporter" / f"{date:%Y-%m}"
    try:
        check_writable(folder)
    except OSError as err:
        raise PeriodError(cannot_write(err)) from None
    plan = next(iter(data.kontoplaner.values()), None)
    report_set = load_report_set(ledger)  # rapportpaket.toml: which layouts, in which order; how the list is made
    reports = [build_report(load_layout(path, plan), data, date) for path in report_set.layouts]
    stems = [Path(r.layout.path).stem for r in reports]
    style = report_set.deviations
    troskel = f"{(style.troskel / Decimal(1_000_000)).normalize():f}".replace(".", ",")
    listed = deviation_lines(data, ledger.parent, date, style) or [f"Inga avvikelser på minst {troskel} mnkr."]
    ek = roll_forward_table(data, table_years(data, date), date)
    ek_rows = [(label, [format_amount(v) for v in values]) for label, values in ek.rows]

    # Every file is made in memory first, so that a failure writes nothing (never a half set).
    outputs: dict[Path, str | bytes] = {}
    for report, stem in zip(reports, stems):
        outputs[folder / f"{stem}.md"] = to_markdown(report)
        outputs[folder / f"{stem}.csv"] = to_csv(report)
        outputs[folder / f"{stem}.xlsx"] = to_xlsx(report)
    outputs[folder / "avvikelser.md"] = "\n".join(
        [f"**Avvikelser mot budget helår per {date}** (minst {troskel} mnkr"
         + (", förra uppföljningen inom parentes)" if style.foregaende else ")"), ""]
        + [f"- {markdown.text(line)}" for line in listed]) + "\n"
    outputs[folder / "eget-kapital.md"] = _eget_kapital_text(ek.columns, ek_rows, date) + _ek_decisions_text(data, entries)
    outputs[folder / "budgetbeslut.md"] = _budget_decisions_text(data, date)
    nyckeltal = _nyckeltal(ledger, entries, data, date)
    if nyckeltal is not None:
        outputs[folder / "nyckeltal.md"] = nyckeltal_markdown(nyckeltal, f"Nyckeltal {date.year} t.o.m. {date}")
        outputs[folder / "nyckeltal.csv"] = nyckeltal_csv(nyckeltal)
    outputs[folder / "README.md"] = _index(options["title"], date, [(r.layout.namn, stem) for r, stem in zip(reports, stems)], pdf)
    charts = [monthly_chart(data, date), prognos_chart(data, date), deviation_chart(data, date)]
    page = render_html(f"{options['title']}", date, reports, listed, ek.columns, ek_rows, charts, nyckeltal)
    return PreparedSet(folder, outputs, page)


def write_prepared(prepared: PreparedSet, pdf: bool = True, while_printing: Callable[[], object] | None = None) -> Written:
    """Write a prepared set, each file atomically and only when changed; the PDF printed by Chromium
    while the other files are written (`while_printing` runs before it is waited for)."""
    folder, outputs, page = prepared
    # The page (and so the PDF) first: Chromium prints it while the other files are written.
    html_path, pdf_path = folder / "rapport.html", folder / "rapport.pdf"
    html_changed = atomic_write_text(html_path, page)
    pdf_removed = html_changed and pdf_path.exists()
    if pdf_removed:  # the old PDF is of the old page: never left beside the new one
        pdf_path.unlink()
    printing = PdfJob(html_path, pdf_path) if pdf and not pdf_path.exists() else None
    try:
        changed = [html_path] if html_changed else []
        if pdf_removed and not pdf:  # removed with --utan-pdf, not printed anew: a change too
            changed.append(pdf_path)
        for path, content in outputs.items():
            write = atomic_write_bytes if isinstance(content, bytes) else atomic_write_text
            if write(path, content):
                changed.append(path)
        if while_printing is not None:
            while_printing()
    except BaseException:
        if printing is not None:
            printing.cancel()
        raise
    files = sorted([*outputs, html_path])
    pdf_error = None
    if printing is not None:
        try:
            printing.wait()
            changed.append(pdf_path)
        except RuntimeError as err:  # reported by the caller after what was done (e.g. the lock)
            pdf_error = str(err)
    if pdf and pdf_error is None:
        files.append(pdf_path)
    return Written(folder, files, sorted(changed), pdf_error)


def _nyckeltal(ledger: Path, entries, data, date):
    """The nyckeltal of nyckeltal.toml beside the ledger, or None when there is none."""
    path = ledger.parent / "nyckeltal.toml"
    if not path.exists():
        return None
    volumes, _ = parse_volumes(entries, data.roots, data.kontoplaner)
    plan = next(iter(data.kontoplaner.values()))
    return [compute_nyckeltal(data, volumes, spec, date) for spec in load_specs(path, plan)]


def _eget_kapital_text(columns, rows, date) -> str:
    lines = [f"**Eget kapital (ackumulerat resultat), mnkr, per {date}**", "",
             *markdown.table(["", *columns], [[label, *values] for label, values in rows], [False] + [True] * len(columns))]
    return "\n".join(lines) + "\n"


def _ek_decisions_text(data, entries) -> str:
    """The decisions on eget kapital under the table, a repayment plan year by year (as on the Fava page); '' without any."""
    from namndbok.eget_kapital import decision_listing, parse_decisions

    rows = []
    for d in decision_listing(parse_decisions(entries, data.currency)[0]):
        for number, (year, amount) in enumerate(d.amounts):
            rows.append([f"{d.date:%Y-%m-%d}", d.name, d.typ, d.beslut] if number == 0 else ["", "", "", ""])
            rows[-1] += [str(year) if year else "", format_amount(amount)]
    if not rows:
        return ""
    lines = ["", "**Fullmäktiges och nämndens beslut om eget kapital (mnkr)**", "",
             *markdown.table(["Datum", "Beslut", "Typ", "Referens", "Avser år", "Belopp"], rows, [False] * 4 + [True] * 2)]
    return "\n".join(lines) + "\n"


def _budget_decisions_text(data, date) -> str:
    """The year's budget decisions taken by the date and what each did to the kommunbidrag
    (the report's "förändringar av kommunbidraget"), from `namndbok.budget_decisions`."""
    from namndbok.budget_decisions import HEADERS, cells, decided_by, year_decisions

    rows = decided_by(year_decisions(data, date.year), date)
    lines = [f"**Budgetbeslut {date.year} t.o.m. {date} och förändringar av kommunbidraget (mnkr)**", "",
             *markdown.table(HEADERS, cells(rows), [False] * 4 + [True])]
    return "\n".join(lines) + "\n"


def _index(title: str, date, titles, pdf: bool) -> str:
    month_end = calendar.monthrange(date.year, date.month)[1]
    lines = [f"# {markdown.text(title)} – uppföljning per {date.day if date.day != month_end else month_end} {month_name(date.month)} {date.year}", "",
             "Skapad av `namndbok period-close`; skapa om med samma kommando.", ""]
    for name, stem in titles:
        shown, target = markdown.text(stem), quote(stem)
        lines.append(f"- {markdown.text(name)}: [{shown}.md]({target}.md), [{shown}.xlsx]({target}.xlsx), [{shown}.csv]({target}.csv)")
    lines += ["- Avvikelser: [avvikelser.md](avvikelser.md)", "- Eget kapital: [eget-kapital.md](eget-kapital.md)",
              "- Budgetbeslut och förändringar av kommunbidraget: [budgetbeslut.md](budgetbeslut.md)",
              "- Nyckeltal (om nyckeltal.toml finns): [nyckeltal.md](nyckeltal.md), [nyckeltal.csv](nyckeltal.csv)",
              "- Allt med diagram: [rapport.html](rapport.html)" + (", [rapport.pdf](rapport.pdf)" if pdf else "")]
    return "\n".join(lines) + "\n"
