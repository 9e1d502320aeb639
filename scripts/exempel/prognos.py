"""The example's prognoses: one file per follow-up of 2026.

At each follow-up the economists' full-year prognos per verksamhet has come a
part of the way (spec.CONVERGENCE) from the budget towards what the year will
really bring (the utfall plan's whole year), with a little noise that shrinks
as the year goes; at tertial 1, delår and the latest follow-up they also give
a bästa and a sämsta fall. Amounts are rounded to whole tkr, as economists
forecast.
"""

from __future__ import annotations

import calendar
import datetime
import random
from decimal import Decimal
from pathlib import Path

from namndbok.accounts import KIND_INTAKT, KIND_KOSTNAD, KIND_TILLGANG, balance_account, result_account
from namndbok.kontoplan import Kontoplan
from namndbok.swedish import month_name
from namndbok.scripts.exempel.amounts import scale
from namndbok.scripts.exempel.budget import budget_at
from namndbok.scripts.exempel.render import aligned, file_header
from namndbok.scripts.exempel.spec import CASE_MONTHS, COMMENTS, CONVERGENCE, INVESTMENTS, MNKR, NAMND, ROOTS, SAVING_COMMENT
from namndbok.scripts.exempel.utfall import intended_totals

TKR = 100_000


def follow_up_date(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def prognoses(year: int, month: int) -> list[tuple[str, str, int, int | None, int | None]]:
    """(verksamhet, kind, prognos, bästa, sämsta) in öre, committee's sign."""
    date = follow_up_date(year, month)
    budget = budget_at(year, date)
    outcome = intended_totals(year)
    weight = Decimal(CONVERGENCE[month])
    out = []
    for (verksamhet, kind), real in sorted(outcome.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        if kind not in (KIND_INTAKT, KIND_KOSTNAD) or verksamhet is None:
            continue
        planned = budget.get((verksamhet, kind), 0)
        noise = Decimal(random.Random(f"{year}:{month}:{verksamhet}:{kind}").uniform(-1, 1)).quantize(Decimal("0.001"))
        guess = planned + (real - planned) * weight + abs(planned) * noise * (1 - weight) / 50
        prognos = scale(int(guess), "1", TKR)
        best = worst = None
        if month in CASE_MONTHS:
            spread = max(scale(abs(planned) * 2 * (12 - month) // 1200, "1", TKR), TKR)
            best, worst = prognos + spread, prognos - spread
        out.append((verksamhet, kind, prognos, best, worst))
    if (None, KIND_KOSTNAD) in budget:  # the unallocated saving: not reached this year
        out.append((None, KIND_KOSTNAD, 0, None, None))
    return out


def render_prognos(year: int, month: int, plan: Kontoplan) -> str:
    date = follow_up_date(year, month)
    budget = budget_at(year, date)
    out = file_header(f"Prognos helår {year}, uppföljningen per {month_name(month)} – {plan.namn}, {plan.kommun}.")
    out += ["; Helårsprognos per verksamhet, med Beancounts tecken (kostnader positiva)."]
    for verksamhet, kind, prognos, best, worst in prognoses(year, month):
        account = result_account(ROOTS, kind, NAMND, verksamhet)
        where = plan.verksamheter[verksamhet].namn if verksamhet else "hela nämnden, ej fördelat"
        name = f"{'Intäkter' if kind == KIND_INTAKT else 'Kostnader'} · {where}"
        comment = COMMENTS.get((verksamhet, kind)) if verksamhet else SAVING_COMMENT
        off_budget = abs(prognos - budget.get((verksamhet, kind), 0)) > MNKR
        out += ["", *prognos_lines(date, account, prognos, name, comment if off_budget else None, best, worst)]
    investment = INVESTMENTS.get(year)
    if investment and month in investment.prognos:
        account = balance_account(ROOTS, KIND_TILLGANG, NAMND, investment.konto)
        out += ["", *aligned([(f'{date} custom "prognos" {account}', investment.prognos[month], "Investeringar")], indent="")]
    return "\n".join(out) + "\n"


def prognos_lines(date: datetime.date, account: str, prognos: int, name: str, comment: str | None = None,
                  best: int | None = None, worst: int | None = None) -> list[str]:
    """One account's prognos line (öre, committee's sign), with its comment and its bästa and
    sämsta fall where given (also the generated municipality's, `kommun`)."""
    block = aligned([(f'{date} custom "prognos" {account}', -prognos, name)], indent="")
    if comment:
        block.append(f'  kommentar: "{comment}"')
    for fall, amount in (("bästa", best), ("sämsta", worst)):
        if amount is not None:
            block += aligned([(f'{date} custom "prognos" {account}', -amount, f"{fall} fall")], indent="")
            block.append(f'  fall: "{fall}"')
    return block


def prognos_path(root: Path, year: int, month: int) -> Path:
    return root / str(year) / "prognos" / f"{year}-{month:02d}.beancount"
