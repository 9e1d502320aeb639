"""Write SIE 4 (type 4E) files: for tests, benchmarks and the example committee.

A finance system's export in miniature: header, #KONTO, #DIM/#OBJEKT, one
#VER block per voucher with its #TRANS rows, and the control totals #IB/#UB
(balance accounts) and #RES (result accounts) of year 0, so that a reader can
prove it lost nothing. Encoded as #FORMAT PC8 says: IBM CP437.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple

from namndbok.importers.model import SourceRow

if TYPE_CHECKING:
    from namndbok.kontoplan import Kontoplan


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


def generate_sie(path: Path, rows: int, plan: Kontoplan, year: int = 2027, seed: int = 1,
                 pairs: list[tuple[str, str]] | None = None) -> None:
    """Write a SIE 4 file with `rows` #TRANS rows (vouchers of ten rows) for `plan`, deterministic
    from `seed`: the result rows on any verksamhet and konto, or on the (verksamhet, konto) `pairs` only."""
    if pairs is not None and not pairs:
        raise RuntimeError("budgeten har inga verksamheter och konton att lägga de genererade raderna på")
    rng = random.Random(seed)
    verksamheter = list(plan.verksamheter)
    results = [nr for nr, k in plan.konton.items() if k.typ in ("intäkt", "kostnad")]
    ansvar = list(plan.ansvar)
    avr = plan.avrakningskonto or "1690"

    def vouchers():
        count = rows // 10
        for number in range(1, count + 1):
            date = datetime.date(year, 1 + (number * 12 // (count + 1)), 1 + number % 28)
            lines = []
            for _ in range(9):
                if pairs is not None:
                    verksamhet, konto = rng.choice(pairs)
                else:
                    konto, verksamhet = rng.choice(results), rng.choice(verksamheter)
                objekt = (("20", verksamhet), ("1", rng.choice(ansvar)))
                lines.append(SourceRow(date, konto, objekt, Decimal(rng.randint(-50_000, 500_000)) / 100, "", None, 0))
            lines.append(SourceRow(date, avr, (), -sum(r.amount for r in lines), "", None, 0))
            yield "A", str(number), date, f"Faktura {number}", lines

    konton = {nr: k.namn for nr, k in plan.konton.items()}
    objekt = {("20", c): v.namn for c, v in plan.verksamheter.items()} | {("1", c): a.namn for c, a in plan.ansvar.items()}
    company = Company("Prestandakommun", "212000-9999", year, konton, {"1": "Ansvar", "20": "Verksamhet"}, objekt)
    with open(path, "wb") as handle:
        for line in sie_lines(company, vouchers()):
            handle.write(line.encode("cp437") + b"\r\n")
