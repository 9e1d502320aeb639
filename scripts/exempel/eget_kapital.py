"""The example's eget kapital: the opening balance and the council's decisions."""

from __future__ import annotations

import datetime

from namndbok.accounts import KIND_EGET_KAPITAL, KIND_TILLGANG, balance_account
from namndbok.kontoplan import Kontoplan
from namndbok.scripts.exempel.amounts import format_ore
from namndbok.scripts.exempel.render import file_header, transaction
from namndbok.scripts.exempel.spec import EK_DECISIONS, NAMND, OPENING_EK, ROOTS


def years() -> list[int]:
    return sorted({int(OPENING_EK[0][:4])} | {int(d.date[:4]) for d in EK_DECISIONS})


def render_beslut(year: int, plan: Kontoplan) -> str:
    out = file_header(f"Beslut om eget kapital {year} – {plan.namn}, {plan.kommun}.")
    out += [
        "; Fullmäktiges beslut om nämndens ackumulerade resultat. plugins.eget_kapital",
        "; bokför dem (beloppet räknas fram ur det egna kapitalet vid beslutet).",
    ]
    date, ore, text = OPENING_EK
    if int(date[:4]) == year:
        ek = balance_account(ROOTS, KIND_EGET_KAPITAL, NAMND, plan.eget_kapital_konto)
        avr = balance_account(ROOTS, KIND_TILLGANG, NAMND, plan.avrakningskonto)
        out += ["", *transaction(datetime.date.fromisoformat(date), f"Ingående ackumulerat resultat – {text}", [
            (ek, -ore, plan.konton[plan.eget_kapital_konto].namn),
            (avr, ore, plan.konton[plan.avrakningskonto].namn),
        ])]
    for spec in EK_DECISIONS:
        if int(spec.date[:4]) != year:
            continue
        head = f'{spec.date} custom "eget-kapital" "{spec.name}"'
        if spec.plan:
            head += "".join(f' "{y}" {format_ore(change)} SEK' for y, change in spec.plan)
        out += ["", head, f'  typ: "{spec.typ}"', f'  beslut: "{spec.beslut}"']
        if spec.ar is not None:
            out.append(f"  ar: {spec.ar}")
    return "\n".join(out) + "\n"
