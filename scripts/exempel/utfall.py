"""The example's utfall: the year's outcome spread over lines and months.

`plan(year)` spreads each year's totals (spec.TOTALS) exactly, in integer öre,
over the (ansvar, konto) lines of each verksamhet (spec.LINES) and over the
months by the konto's profile; kommunbidrag is paid monthly as the budget
decisions say (`budget.kommunbidrag_months`). `render_month` writes one month
as an economist keeps it: one kommunbidrag transaction and one summary
transaction per verksamhet, a posting per konto and ansvar with its name.
"""

from __future__ import annotations

import calendar
import datetime
import random
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from namndbok.accounts import KIND_INTAKT, KIND_KOMMUNBIDRAG, KIND_KOSTNAD, KIND_TILLGANG, balance_account, result_account
from namndbok.kontoplan import Kontoplan
from namndbok.swedish import month_name
from namndbok.scripts.exempel.amounts import mnkr_to_ore, split_exact
from namndbok.scripts.exempel.budget import kommunbidrag_months
from namndbok.scripts.exempel.render import file_header, transaction
from namndbok.scripts.exempel.spec import AVRAKNING, INVESTMENTS, LINES, NAMND, ROOTS, TOTALS, profile_of


class PlanKey(NamedTuple):
    month: int
    verksamhet: str
    kind: str
    konto: str | None  # None for kommunbidrag
    ansvar: str | None


def plan(year: int) -> dict[PlanKey, int]:
    """Every month's amount in öre (report sign) per verksamhet, konto and ansvar."""
    out: dict[PlanKey, int] = {}
    for verksamhet, months in kommunbidrag_months(year).items():
        for month, amount in enumerate(months, start=1):
            out[PlanKey(month, verksamhet, KIND_KOMMUNBIDRAG, None, None)] = amount
    for verksamhet, (_, intakter, kostnader) in TOTALS[year].items():
        for kind, total in ((KIND_INTAKT, intakter), (KIND_KOSTNAD, kostnader)):
            lines = LINES[verksamhet][kind]
            if not lines:
                if mnkr_to_ore(total):
                    raise ValueError(f"{verksamhet} {kind}: a total without lines")
                continue
            rng = random.Random(f"{year}:{verksamhet}:{kind}")
            weights = [w * (1 + rng.uniform(-0.08, 0.08)) for _, _, w in lines]
            for (ansvar, konto, _), line_total in zip(lines, split_exact(mnkr_to_ore(total), weights)):
                shape, noise = profile_of(konto, kind)
                month_rng = random.Random(f"{year}:{verksamhet}:{konto}:{ansvar}")
                month_weights = [w * (1 + month_rng.uniform(-noise, noise)) for w in shape]
                for month, amount in enumerate(split_exact(line_total, month_weights), start=1):
                    key = PlanKey(month, verksamhet, kind, konto, ansvar)
                    if key in out:
                        raise ValueError(f"LINES lists {verksamhet} {konto} {ansvar} twice")
                    out[key] = amount
    return out


def intended_totals(year: int, months: int = 12) -> dict[tuple[str, str], int]:
    """Öre per (verksamhet, kind) for the year's first `months` months."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for key, amount in plan(year).items():
        if key.month <= months:
            totals[(key.verksamhet, key.kind)] += amount
    return dict(totals)


def render_month(year: int, month: int, year_plan: dict[PlanKey, int], kontoplan: Kontoplan) -> str:
    """One month's utfall file."""
    date = datetime.date(year, month, calendar.monthrange(year, month)[1])
    avrakning = balance_account(ROOTS, KIND_TILLGANG, NAMND, AVRAKNING)
    avrakning_namn = kontoplan.konton[AVRAKNING].namn
    period = f"{month_name(month)} {year}"
    out = file_header(f"Utfall {period} – {kontoplan.namn}, {kontoplan.kommun}. Månadens huvudbok per verksamhet, summerad per konto och ansvar.")
    month_items = [(k, v) for k, v in year_plan.items() if k.month == month]

    kb = sorted(
        ((k.verksamhet, v) for k, v in month_items if k.kind == KIND_KOMMUNBIDRAG and v),
        key=lambda item: (item[0] is None, item[0] or ""),
    )
    postings = [
        (
            result_account(ROOTS, KIND_KOMMUNBIDRAG, NAMND, verksamhet),
            -amount,
            kontoplan.verksamheter[verksamhet].namn if verksamhet else "Hela nämnden",
        )
        for verksamhet, amount in kb
    ]
    postings.append((avrakning, sum(a for _, a in kb), avrakning_namn))
    out += transaction(date, f"Kommunbidrag {period}", postings)

    for verksamhet in kontoplan.verksamheter:
        items = sorted(
            ((k.kind != KIND_INTAKT, k.konto, k.ansvar), k, v)
            for k, v in month_items
            if k.verksamhet == verksamhet and k.kind != KIND_KOMMUNBIDRAG and v
        )
        if not items:
            continue
        postings = [
            (
                result_account(ROOTS, key.kind, NAMND, verksamhet, key.konto, key.ansvar),
                -amount,
                f"{kontoplan.konton[key.konto].namn} · {kontoplan.ansvar[key.ansvar].namn}",
            )
            for _, key, amount in items
        ]
        postings.append((avrakning, sum(v for _, _, v in items), avrakning_namn))
        name = kontoplan.verksamheter[verksamhet].namn
        out += ["", *transaction(date, f"Utfall {period} – {verksamhet} {name}", postings)]
    investment = INVESTMENTS.get(year)
    for purchase_month, ore, text, ansvar in (investment.purchases if investment else ()):
        if purchase_month == month:
            account = balance_account(ROOTS, KIND_TILLGANG, NAMND, investment.konto, ansvar)
            out += ["", *transaction(date, f"Investering: {text}", [
                (account, ore, f"{kontoplan.konton[investment.konto].namn} · {kontoplan.ansvar[ansvar].namn}"),
                (avrakning, -ore, avrakning_namn),
            ])]
    return "\n".join(out) + "\n"


def utfall_path(root: Path, year: int, month: int) -> Path:
    return root / str(year) / "utfall" / f"{year}-{month:02d}.beancount"
