"""A SIE 4 export of one month of the example committee, as the finance system would send it.

November 2026 is not in the example ledger: `namndbok import` brings it in from
`ledgers/exempel/import/sie-2026-11.se` (README, "Import"). Dimension 20 carries
the verksamhet, dimension 1 the ansvar (as in import.toml); kommunbidrag is
booked on konto 3911.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from pathlib import Path

from namndbok.importers.model import SourceRow
from namndbok.importers.sie.writer import Company, write_sie
from namndbok.accounts import KIND_KOMMUNBIDRAG
from namndbok.kontoplan import Kontoplan
from namndbok.swedish import month_name
from namndbok.scripts.exempel.spec import AVRAKNING
from namndbok.scripts.exempel.utfall import plan

KOMMUNBIDRAG_KONTO = "3911"
DIM_VERKSAMHET, DIM_ANSVAR = "20", "1"
EXPORT = (2026, 11)


def export_path(root: Path) -> Path:
    year, month = EXPORT
    return root / "import" / f"sie-{year}-{month:02d}.se"


def _row(date, konto, objekt, ore: int, text: str, ver: str) -> SourceRow:
    return SourceRow(date, konto, objekt, Decimal(ore) / 100, text, ver, 0)


def render_export(kontoplan: Kontoplan) -> bytes:
    year, month = EXPORT
    date = datetime.date(year, month, calendar.monthrange(year, month)[1])
    period = f"{month_name(month)} {year}"
    items = [(k, v) for k, v in plan(year).items() if k.month == month and v]
    vouchers = []
    # Kommunbidrag: one voucher; then one per verksamhet, like the month files.
    kb = [(k, v) for k, v in items if k.kind == KIND_KOMMUNBIDRAG]
    rows = [_row(date, KOMMUNBIDRAG_KONTO, ((DIM_VERKSAMHET, k.verksamhet),) if k.verksamhet else (), -v, "", "KB 1") for k, v in sorted(kb, key=lambda kv: kv[0].verksamhet or "")]
    rows.append(_row(date, AVRAKNING, (), sum(v for _, v in kb), "", "KB 1"))
    vouchers.append(("KB", "1", date, f"Kommunbidrag {period}", rows))
    for number, verksamhet in enumerate(kontoplan.verksamheter, start=1):
        lines = sorted(((k, v) for k, v in items if k.verksamhet == verksamhet and k.kind != KIND_KOMMUNBIDRAG),
                       key=lambda kv: (kv[0].konto, kv[0].ansvar))
        if not lines:
            continue
        rows = [_row(date, k.konto, ((DIM_VERKSAMHET, verksamhet), (DIM_ANSVAR, k.ansvar)), -v, "", f"HB {number}") for k, v in lines]
        rows.append(_row(date, AVRAKNING, (), sum(v for _, v in lines), "", f"HB {number}"))
        vouchers.append(("HB", str(number), date, f"Huvudbok {period}, verksamhet {verksamhet}", rows))
    konton = {nr: k.namn for nr, k in kontoplan.konton.items()} | {KOMMUNBIDRAG_KONTO: "Kommunbidrag"}
    objekt = {(DIM_VERKSAMHET, code): v.namn for code, v in kontoplan.verksamheter.items()}
    objekt |= {(DIM_ANSVAR, code): a.namn for code, a in kontoplan.ansvar.items()}
    company = Company(f"{kontoplan.kommun}, {kontoplan.namn}", "212000-0000", year, konton,
                      {DIM_ANSVAR: "Ansvar", DIM_VERKSAMHET: "Verksamhet"}, objekt)
    return write_sie(company, vouchers)
