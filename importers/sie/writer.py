"""Write SIE 4 (type 4E) files: for tests, benchmarks and the example committee.

A finance system's export in miniature: header, #KONTO, #DIM/#OBJEKT, one
#VER block per voucher with its #TRANS rows, and the control totals #IB/#UB
(balance accounts) and #RES (result accounts) of year 0, so that a reader can
prove it lost nothing. Encoded as #FORMAT PC8 says: IBM CP437.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Iterable, NamedTuple

from importers.model import SourceRow


class Company(NamedTuple):
    fnamn: str
    orgnr: str
    year: int
    konton: dict[str, str]  # nr → name
    dims: dict[str, str]  # dimension nr → name
    objekt: dict[tuple[str, str], str]  # (dim, obj) → name


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _objektlista(objekt: tuple[tuple[str, str], ...]) -> str:
    return "{" + " ".join(f"{dim} {quote(obj)}" for dim, obj in objekt) + "}"


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def sie_lines(company: Company, vouchers: Iterable[tuple[str, str, datetime.date, str, list[SourceRow]]]) -> Iterable[str]:
    """The file's lines; vouchers are (series, number, date, text, rows)."""
    yield "#FLAGGA 0"
    yield '#PROGRAM "Nämndbok" 1.0'
    yield "#FORMAT PC8"
    yield f"#GEN {datetime.date(company.year + 1, 1, 15):%Y%m%d}"
    yield "#SIETYP 4"
    yield f"#ORGNR {company.orgnr}"
    yield f"#FNAMN {quote(company.fnamn)}"
    yield f"#RAR 0 {company.year}0101 {company.year}1231"
    yield '#KPTYP "KOMMUN-BAS"'
    for nr, name in sorted(company.konton.items()):
        yield f"#KONTO {nr} {quote(name)}"
    for nr, name in sorted(company.dims.items()):
        yield f"#DIM {nr} {quote(name)}"
    for (dim, obj), name in sorted(company.objekt.items()):
        yield f"#OBJEKT {dim} {quote(obj)} {quote(name)}"
    totals: dict[str, Decimal] = defaultdict(Decimal)
    body = []
    for series, number, date, text, rows in vouchers:
        body.append(f"#VER {series} {number} {date:%Y%m%d} {quote(text)}")
        body.append("{")
        for row in rows:
            body.append(f"   #TRANS {row.konto} {_objektlista(row.objekt)} {_amount(row.amount)}")
            totals[row.konto] += row.amount
        body.append("}")
    for nr, total in sorted(totals.items()):
        if nr[:1] in "12":
            yield f"#IB 0 {nr} 0.00"
            yield f"#UB 0 {nr} {_amount(total)}"
        else:
            yield f"#RES 0 {nr} {_amount(total)}"
    yield from body


def write_sie(company: Company, vouchers) -> bytes:
    return ("\r\n".join(sie_lines(company, vouchers)) + "\r\n").encode("cp437")
