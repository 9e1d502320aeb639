"""A budget workbook (or a SIE file's #PBUDGET) into the ledger: one budget decision with its lines.

The workbook's rows (verksamhet × konto [× ansvar], yearly or monthly, in the
committee's sign: intäkter positive, kostnader negative) become a
`custom "budgetbeslut"` with the decision's name, typ and reference, and one
`custom "budgetrad"` per row in Beancount's sign, appended to
`<år>/budget.beancount`. A row's `Nyckel` becomes its `nyckel:`; monthly
amounts become the line's own weights (`nyckel: "vikter: …"`), so the budget
per month is exactly the workbook's. Importing the same workbook under the same
decision again changes nothing; the same name with other lines is refused.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from namndbok.importers.budgetbok.reader import BudgetRow, read_budget_workbook
from namndbok.importers.config import load_import_config
from namndbok.importers.ledger_append import append_and_check
from namndbok.writer_lock import writer
from namndbok.importers.model import SourceError
from namndbok.accounts import KIND_KOMMUNBIDRAG, parse_account, result_account
from namndbok.budget import TYPES
from namndbok.kontoplan import check_account
from namndbok.load_reading import reading_of
from namndbok.importers.ledger_check import first_kontoplan, load_before_change
from namndbok.loading import WARNING

INCLUDE = 'include "*/budget.beancount"'


class BudgetDecisionInput(NamedTuple):
    namn: str
    typ: str
    beslut: str
    year: int
    date: datetime.date  # the decision's date
    ersatter: str | None = None


def _weights(months: tuple[Decimal, ...]) -> str:
    return "vikter: " + " ".join(f"{m.normalize():f}" for m in months)


def budget_block(decision: BudgetDecisionInput, rows: list[BudgetRow], namnd: str, roots, plans, path: str) -> str:
    problems, lines = [], []
    for row in rows:
        if row.konto.lower() == "kommunbidrag":
            account = result_account(roots, KIND_KOMMUNBIDRAG, namnd, row.verksamhet, None, row.ansvar)
        else:
            plan = plans[namnd]
            konto = plan.konton.get(row.konto)
            kind = konto.typ if konto else "kostnad"
            account = result_account(roots, kind, namnd, row.verksamhet, row.konto, row.ansvar)
        problem = check_account(parse_account(account, roots), plans)
        if problem:
            problems.append(f"{path}:{row.line}: {problem}")
            continue
        nyckel = row.nyckel
        if row.months is not None:
            if row.year_amount == 0 and any(row.months):
                problems.append(f"{path}:{row.line}: Månadsbeloppen summerar till noll; dela raden i en intäkts- och en kostnadsrad.")
                continue
            nyckel = _weights(row.months) if row.year_amount else None
        lines.append((account, -row.year_amount, nyckel))
    if problems:
        raise SourceError(path, 0, "Budgeten lästes inte in; inget är skrivet:\n" + "\n".join(problems))
    out = [f'{decision.date} custom "budgetbeslut" "{decision.namn}"', f'  typ: "{decision.typ}"', f'  beslut: "{decision.beslut}"']
    if decision.ersatter:
        out.append(f'  ersatter: "{decision.ersatter}"')
    out.append("")
    # A decision for the year taken during it counts from its date; one taken before, from 1 January.
    line_date = decision.date if decision.date.year == decision.year else datetime.date(decision.year, 1, 1)
    width = max((len(a) for a, _, _ in lines), default=0)
    for account, amount, nyckel in lines:
        out.append(f'{line_date} custom "budgetrad" "{decision.namn}" {account.ljust(width)}  {amount:.2f} SEK')
        if nyckel:
            out.append(f'  nyckel: "{nyckel}"')
    return "\n".join(out) + "\n"


def _rar_line(data: bytes) -> int:
    """The line of the file's `#RAR 0` (0 when it has none)."""
    for number, line in enumerate(data.splitlines(), 1):
        parts = line.split()
        if len(parts) > 1 and parts[0] == b"#RAR" and parts[1] == b"0":
            return number
    return 0


def check_budget_year(sie, data: bytes, path: str, year: int) -> tuple[str, str]:
    """The months (YYYYMM) of year 0, which must be the calendar year asked for; else a Swedish SourceError."""
    if 0 not in sie.rar:
        return f"{year}01", f"{year}12"
    start, end = sie.rar[0]
    line = _rar_line(data)
    if (start.month, start.day, end.month, end.day) != (1, 1, 12, 31) or start.year != end.year:
        raise SourceError(path, line, f"Räkenskapsåret i #RAR 0 är {start:%Y-%m-%d}–{end:%Y-%m-%d} "
                                      f"({start.year}/{end.year}), inte ett kalenderår. Nämndbokens budget gäller ett kalenderår "
                                      f"(--ar {year}); exportera budgeten per kalenderår och läs in den filen.")
    if start.year != year:
        raise SourceError(path, line, f"Filens budgetår (#RAR 0) är {start.year}, men --ar är {year}. "
                                      f"Ange --ar {start.year} eller välj filen för {year}.")
    return f"{start:%Y%m}", f"{end:%Y%m}"


def rows_from_pbudget(data: bytes, path: str, config, year: int) -> tuple[list[BudgetRow], list[str]]:
    """Budget rows from a SIE file's #PBUDGET of year 0: per konto and verksamhet, by month, each amount once.

    #PBUDGET is debit positive (costs positive); budget rows are in the committee's
    sign, so the amounts are turned. The verksamhet and ansvar come from the
    dimensions import.toml names for SIE; how `{}` and object rows are read is
    importers/sie/pbudget.py, and its reading is returned for the output."""
    from namndbok.importers.sie.parser import parse_sie
    from namndbok.importers.sie.pbudget import read_pbudget

    sie = parse_sie(data, path)
    first, last = check_budget_year(sie, data, path, year)
    reading = read_pbudget(sie.pbudget, first, last, config.verksamhet, config.ansvar, config.verksamhet_saknas)
    if not reading.months:
        years = sorted({t.period[:4] for t in sie.pbudget if t.label.startswith("#PBUDGET 0 ")})
        found = f" (den har #PBUDGET för {', '.join(years)})" if years else ""
        raise SourceError(path, 0, f"SIE-filen har ingen #PBUDGET för år 0 ({year}) att läsa in som budget{found}.")
    rows = [
        BudgetRow(verksamhet, "Kommunbidrag" if konto in config.kommunbidrag else konto, ansvar,
                  -sum(amounts, Decimal(0)), tuple(-a for a in amounts), None, reading.lines[(verksamhet, konto, ansvar)])
        for (verksamhet, konto, ansvar), amounts in sorted(reading.months.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ""))
    ]
    return rows, reading.readings


@writer("namndbok import-budget")
def import_budget(ledger: Path, workbook: Path, decision: BudgetDecisionInput,
                  sheet: str | None = None) -> tuple[bool, int, list[str], list[str]]:
    """Append the workbook as a decision; return (written, rows, warnings after, how a SIE file's rows were read)."""
    if decision.typ not in TYPES:
        raise SourceError(str(workbook), 0, f"Typen '{decision.typ}' finns inte; välj bland {', '.join(TYPES)}.")
    entries, errors, options = load_before_change(ledger)
    data = reading_of(entries, options)
    content = workbook.read_bytes()
    if b"#PBUDGET" in content[:1_000_000] and b"#SIETYP" in content[:4096]:
        rows, readings = rows_from_pbudget(content, str(workbook), load_import_config(ledger.parent).sie, decision.year)
    else:
        rows, readings = read_budget_workbook(content, str(workbook), sheet), []
    namnd = first_kontoplan(data, ledger).namnd
    block = budget_block(decision, rows, namnd, data.roots, data.kontoplaner, str(workbook))
    target = ledger.parent / str(decision.year) / "budget.beancount"
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    if block in existing:
        return False, len(rows), [], readings
    if any(d.name == decision.namn for d in data.decisions):
        raise SourceError(str(workbook), 0, f"Budgetbeslutet '{decision.namn}' finns redan i liggaren med andra rader. Ge det nya beslutet ett eget namn (och ersatter: det gamla).")
    _, errors, _ = append_and_check(ledger, [(target, f"Budget {decision.year}, importerad av Nämndbok.", block)],
                                    data.roots, INCLUDE, str(workbook), "namndbok import-budget")
    return True, len(rows), [e.message for e in errors if e.message.startswith(WARNING)], readings
