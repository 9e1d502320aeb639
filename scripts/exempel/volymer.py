"""The example's volumes: vårddygn and vårdtagare per verksamhet, ansvar and month."""

from __future__ import annotations

import calendar
import random

from namndbok.accounts import KIND_KOSTNAD, result_account
from namndbok.scripts.exempel.amounts import split_exact
from namndbok.scripts.exempel.render import file_header
from namndbok.scripts.exempel.spec import MONTHS_WRITTEN, NAMND, ROOTS, VOLUME_BUDGETS, VOLUMES


def render_volumes(year: int, kontoplan) -> str:
    out = file_header(f"Volymer {year} – {kontoplan.namn}, {kontoplan.kommun}: vårddygn och vårdtagare per verksamhet och månad.")
    for (verksamhet, enhet), total in sorted(VOLUME_BUDGETS.get(year, {}).items()):
        account = result_account(ROOTS, KIND_KOSTNAD, NAMND, verksamhet)
        out.append(f'{year}-01-01 custom "volymbudget" {account} "{enhet}" {total}')
    months = MONTHS_WRITTEN[year]
    for month in range(1, months + 1):
        out.append("")
        date = f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]}"
        for (verksamhet, enhet, ansvar), totals in sorted(VOLUMES.items()):
            rng = random.Random(f"{year}:{verksamhet}:{enhet}:{ansvar}")
            weights = [calendar.monthrange(year, m)[1] * (1 + rng.uniform(-0.06, 0.06)) for m in range(1, 13)]
            amount = split_exact(totals[year], weights)[month - 1]
            account = result_account(ROOTS, KIND_KOSTNAD, NAMND, verksamhet)
            out += [f'{date} custom "volym" {account} "{enhet}" {amount}', f'  ansvar: "{ansvar}"']
    return "\n".join(out) + "\n"
