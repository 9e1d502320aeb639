"""Nyckeltal: volumes beside the money, and the cost of one vårddygn.

Volumes are in the ledger, per verksamhet and month:

    2024-03-31 custom "volym" Kostnader:Socialnämnden:5731 "vårddygn" 2712
      ansvar: "2200"
    2024-01-01 custom "volymbudget" Kostnader:Socialnämnden:5731 "vårddygn" 32000

(`volymbudget` is the year's budgeted volume, spread evenly over the months.)
Which nyckeltal a committee follows is data, `nyckeltal.toml` beside the ledger:

    [[nyckeltal]]
    namn = "Kostnad per vårddygn på institution"
    verksamhet = ["5731"]
    enhet = "vårddygn"

    [[nyckeltal]]
    namn = "Varav kostnad per vårddygn på externa institutioner"
    verksamhet = ["5731"]
    enhet = "vårddygn"
    kostnad_konto = ["4610", "4611"]   # the external part of the costs (or kostnad_ansvar = [...])
    volym_ansvar = ["2200"]            # … and of the volume
    etikett = "5731 extern"            # the table's first column (default: the codes)
    # intakt_konto = ["3340"]          # revenues of these konton only (default: all but kommunbidrag)

`compute_nyckeltal` gives, for a period: totala kostnader, övriga intäkter
(all revenue but kommunbidrag), nettokostnad, volym and nettokostnad per
enhet, for utfall and for budget, and splits the avvikelse of nettokostnad
(budget − utfall, positive is good) into a volume effect,
−(V_utfall − V_budget) × P_budget, and a price effect,
−(P_utfall − P_budget) × V_utfall, which add up to it exactly.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from beancount.core import account as bc_account
from beancount.core import data

from namndbok.accounts import KIND_KOSTNAD, AccountNameError, parse_account
from namndbok.budget import LedgerInputError, valued
from namndbok.engine import compute
from namndbok.periodisering import EVEN_WEIGHTS, share_through
from namndbok.settings import Key, SettingsError, is_tables, is_text, is_texts, read_settings

VOLUME = "volym"
VOLUME_BUDGET = "volymbudget"


class Volume(NamedTuple):
    date: datetime.date
    verksamhet: str
    enhet: str
    antal: Decimal
    ansvar: str | None
    budget: bool
    meta: dict
    namnd: str | None = None


class NyckeltalSpec(NamedTuple):
    namn: str
    verksamhet: tuple[str, ...]
    enhet: str
    kostnad_konto: tuple[str, ...] = ()  # only these konton's costs (e.g. the external part)
    kostnad_ansvar: tuple[str, ...] = ()  # … or only these units' costs
    intakt_konto: tuple[str, ...] | None = None  # only these konton's revenues (None: all but kommunbidrag)
    volym_ansvar: tuple[str, ...] = ()  # only the volumes of these units
    etikett: str | None = None  # the table's first column, e.g. "5731 extern"

    @property
    def label(self) -> str:
        return self.etikett or " ".join(self.verksamhet)


class Nyckeltal(NamedTuple):
    spec: NyckeltalSpec
    totala_kostnader: Decimal  # positive, as the tables print them
    ovriga_intakter: Decimal
    nettokostnad: Decimal
    volym: Decimal | None
    per_enhet: Decimal | None
    budget_nettokostnad: Decimal | None
    budget_volym: Decimal | None
    budget_per_enhet: Decimal | None
    avvikelse: Decimal | None  # budget − utfall of nettokostnad: positive is good
    volymeffekt: Decimal | None  # −(V_utfall − V_budget) × P_budget
    priseffekt: Decimal | None  # −(P_utfall − P_budget) × V_utfall; the two add up to avvikelse


def parse_volumes(entries, roots, plans) -> tuple[list[Volume], list]:
    """Volume directives, with Swedish errors (file:line) for what cannot be right."""
    volumes, errors = [], []
    for entry in entries:
        if entry.__class__ is not data.Custom or entry.type not in (VOLUME, VOLUME_BUDGET):
            continue
        entry = valued(entry)
        values = entry.values
        if len(values) != 3 or values[0].dtype != bc_account.TYPE or values[1].dtype is not str or not isinstance(values[2].value, Decimal):
            usage = f'En volym skrivs: DATUM custom "{entry.type}" Kostnader:<nämnd>:<verksamhet> "enhet" antal.'
            errors.append(LedgerInputError(entry.meta, usage, entry))
            continue
        account, enhet, antal = values[0].value, values[1].value.strip().lower(), values[2].value
        try:
            ref = parse_account(account, roots)
        except AccountNameError:
            ref = None
        plan = plans.get(ref.namnd) if ref else None
        if ref is None or ref.kind != KIND_KOSTNAD or ref.verksamhet is None or ref.konto is not None or plan is None:
            errors.append(LedgerInputError(entry.meta, f"Volymen ska stå på en verksamhet, t.ex. Kostnader:<nämnd>:5731, inte på {account}.", entry))
            continue
        if enhet not in plan.enheter:
            errors.append(LedgerInputError(entry.meta, f"Okänd enhet '{enhet}'; kända enheter är {', '.join(plan.enheter)} (enheter = [...] i {plan.path}).", entry))
            continue
        if antal < 0:
            errors.append(LedgerInputError(entry.meta, f"En volym kan inte vara negativ ({antal}).", entry))
            continue
        ansvar = entry.meta.get("ansvar")
        if ansvar is not None and ansvar not in plan.ansvar:
            errors.append(LedgerInputError(entry.meta, f"Okänt ansvar '{ansvar}' i volymen; lägg till det under [ansvar] i {plan.path}.", entry))
            continue
        volumes.append(Volume(entry.date, ref.verksamhet, enhet, antal, ansvar, entry.type == VOLUME_BUDGET, entry.meta, ref.namnd))
    return volumes, errors


class NyckeltalError(SettingsError):
    """A nyckeltal file that cannot be used; str() is `fil:rad: meddelande`."""

    SHOWS_LINE_ZERO = True


_NEEDED = "Ett nyckeltal behöver namn, verksamhet och enhet."
_CODES = '{key} ska vara en lista av koder, t.ex. {key} = ["4610", "4611"].'
SPEC = {
    "namn": Key(is_text, _NEEDED, required=True),
    "verksamhet": Key(lambda v: is_texts(v) and bool(v), 'verksamhet ska vara en lista av verksamheter, t.ex. verksamhet = ["5731"].', required=True),
    "enhet": Key(is_text, _NEEDED, required=True),
    "kostnad_konto": Key(is_texts, _CODES),
    "kostnad_ansvar": Key(is_texts, _CODES),
    "intakt_konto": Key(is_texts, _CODES),
    "volym_ansvar": Key(is_texts, _CODES),
    "etikett": Key(is_text, 'etikett ska vara en text, t.ex. etikett = "5731 extern".'),
}
TOP = {"nyckeltal": Key(is_tables, "nyckeltal skrivs som tabeller, var och en under en rad [[nyckeltal]] (två hakparenteser).")}


def load_specs(path: str | Path, plan) -> list[NyckeltalSpec]:
    toml = read_settings(path, NyckeltalError)
    toml.check((), toml.data, TOP, "Okänd inställning '{key}'; tillåtna är {allowed}.")
    specs = []
    for index, item in enumerate(toml.data.get("nyckeltal", [])):
        where = ("nyckeltal", index)
        toml.check(where, item, SPEC, "Okänd nyckel {key} i [[nyckeltal]]; tillåtna är {allowed}.")
        for code in item["verksamhet"]:
            if code not in plan.verksamheter:
                raise toml.fail((*where, "verksamhet"), f"Okänd verksamhet '{code}' i nyckeltalet '{item['namn']}'.")
        if item["enhet"] not in plan.enheter:
            raise toml.fail((*where, "enhet"), f"Okänd enhet '{item['enhet']}'; kända är {', '.join(plan.enheter)}.")
        intakt = item.get("intakt_konto")
        specs.append(NyckeltalSpec(item["namn"], tuple(item["verksamhet"]), item["enhet"],
                                   tuple(item.get("kostnad_konto", ())), tuple(item.get("kostnad_ansvar", ())),
                                   tuple(intakt) if intakt is not None else None,
                                   tuple(item.get("volym_ansvar", ())), item.get("etikett")))
    return specs


def _volume(volumes, spec, start, end, budget: bool) -> Decimal | None:
    total, found = Decimal(0), False
    for v in volumes:
        if v.budget != budget or v.enhet != spec.enhet or v.verksamhet not in spec.verksamhet:
            continue
        if spec.volym_ansvar and v.ansvar not in spec.volym_ansvar:
            continue
        if budget and v.date.year == end.year:
            before = share_through(EVEN_WEIGHTS, start - datetime.timedelta(days=1)) if start.year == end.year and start > datetime.date(end.year, 1, 1) else 0
            total += v.antal * (share_through(EVEN_WEIGHTS, end) - before)
        elif not budget and start <= v.date <= end:
            total += v.antal
        else:
            continue
        found = True
    return total if found else None


def compute_nyckeltal(ledgerdata, volumes: list[Volume], spec: NyckeltalSpec, date: datetime.date,
                      start: datetime.date | None = None) -> Nyckeltal:
    start = start or datetime.date(date.year, 1, 1)
    where = {"verksamhet": set(spec.verksamhet)}
    cost_where = dict(where)
    if spec.kostnad_konto:
        cost_where["konto"] = set(spec.kostnad_konto)
    if spec.kostnad_ansvar:
        cost_where["ansvar"] = set(spec.kostnad_ansvar)
    costs = compute(ledgerdata, date, kinds=("kostnad",), where=cost_where, period_start=start).total.measures
    revenue_where = dict(where, **({"konto": set(spec.intakt_konto)} if spec.intakt_konto is not None else {}))
    revenue = compute(ledgerdata, date, kinds=("intäkt",), where=revenue_where, period_start=start).total.measures
    totala = -(costs.utfall or 0)
    ovriga = revenue.utfall or Decimal(0)
    netto = totala - ovriga
    volym = _volume(volumes, spec, start, date, budget=False)
    budget_netto = None if costs.budget is None and revenue.budget is None else -(costs.budget or 0) - (revenue.budget or 0)
    budget_volym = _volume(volumes, spec, start, date, budget=True)
    per = netto / volym if volym else None
    budget_per = budget_netto / budget_volym if budget_netto is not None and budget_volym else None
    volume_effect = price_effect = avvikelse = None
    if budget_netto is not None:
        avvikelse = budget_netto - netto  # the committee's sign: positive is good
    if None not in (per, budget_per):
        volume_effect = -(volym - budget_volym) * budget_per
        price_effect = -(per - budget_per) * volym
    return Nyckeltal(spec, totala, ovriga, netto, volym, per, budget_netto, budget_volym, budget_per,
                     avvikelse, volume_effect, price_effect)
