"""The internbudget: the year's ram (namndbok.ramberakning) spread over verksamhet, konto and ansvar.

Start: last year's budget lines in effect at its end (intäkter and kostnader per account,
kept as they were; a line without verksamhet, e.g. a besparing not yet spread, is spread now
with the first part). Then each part of the ram table for the year — the difference between
the table's "Ram året före" and last year's net cost, the uplift rows, each volume
compensation, each decided change — is spread on kostnad accounts by its key
(`[fordelning]` in budget/ÅR.toml):

- "budget" (the default): last year's budget shares (the kostnad accounts with a positive budget);
- "utfall": last year's utfall shares (the kostnad accounts with positive utfall);
- "belopp": all of it on the named verksamhet, konto (and ansvar);
- "volym": volume × price per verksamhet (`volymer`, `pris`), on the named konto.

Rounding: each part to whole kronor, the remainder on the largest share, so every part
adds up to its row exactly. The kommunbidrag per verksamhet is then its net cost
(kostnader − intäkter), so the budget balances and the kommunbidrag is the ram.

The ledger's changes of single years (a repayment plan, `ramberakning.TemporaryChange`) are
parts like the others, with one difference each way:
- a lower kommunbidrag (−10 000 in 2027): spread on kostnader by its key like a besparing; the
  ledger already holds it as a budget decision on the nämnd's kommunbidrag, so the internbudget
  adds that amount back there (`ledger_offsets`) — the cut then lies on the verksamheter, once;
- a higher one (a planned result, `resultatreglering`): not spread; it stays the nämnd's planned
  result, and the verksamheter's kommunbidrag is their net cost without it.

Pure: the ledger's figures in, (account, amount) lines out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from namndbok.accounts import KIND_INTAKT, KIND_KOMMUNBIDRAG, KIND_KOSTNAD, parse_account, result_account
from namndbok.budget import lines_in_effect
from namndbok.kontoplan import check_account
from namndbok.ledgerdata import META_PLAN
from namndbok.ramberakning import CHANGE, RAM_BEFORE, SUBTOTAL, TOTAL, PartKey, RamError, RamTable, TemporaryChange

KEPT_KINDS = (KIND_INTAKT, KIND_KOSTNAD)
BASE_PART = "Ram året före"  # its difference from last year's lines with a verksamhet


class ProposalLine(NamedTuple):
    account: str
    amount: Decimal  # Beancount sign (a cost positive, kommunbidrag negative)
    note: str = ""  # a comment after the line in the file


def spread(total: Decimal, weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """`total` over the keys by their (positive) weights: whole kronor, the remainder on the largest
    weight, so the parts add up to `total` exactly."""
    whole_sum = sum(weights.values(), Decimal(0))
    shares = {key: (total * weight / whole_sum).quantize(Decimal(1), rounding=ROUND_HALF_UP)
              for key, weight in weights.items()}
    largest = max(weights, key=lambda key: (weights[key], key))
    shares[largest] += total - sum(shares.values(), Decimal(0))
    return shares


def parts_of(table: RamTable) -> list[tuple[str, Decimal]]:
    """The budget year's parts of the ram (row name, kronor): uplift, volumes, decided changes."""
    return [(row.label, row.values[0]) for row in table.rows
            if row.label not in (RAM_BEFORE, SUBTOTAL, TOTAL, CHANGE) and row.values[0]]


def last_year(data, namnd: str, year: int) -> dict[str, Decimal]:
    """Last year's budget per intäkt and kostnad account of `namnd` after all its (decided) decisions."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines_in_effect(data.decisions, data.budget_lines, year - 1, datetime.date(year - 1, 12, 31)):
        ref = data.refs.get(line.account)
        if ref is not None and ref.namnd == namnd and ref.kind in KEPT_KINDS:
            sums[line.account] += line.amount
    return dict(sums)


def utfall_weights(data, namnd: str, year: int) -> dict[str, Decimal]:
    """Last year's utfall per kostnad account of `namnd` (positive only)."""
    out = {}
    for account, amounts in data.utfall.items():
        ref = data.refs.get(account)
        if ref is None or ref.namnd != namnd or ref.kind != KIND_KOSTNAD or ref.verksamhet is None:
            continue
        total = sum((amount for date, amount in amounts.items() if date.year == year - 1), Decimal(0))
        if total > 0:
            out[account] = total
    return out


def others_gap(data, namnd: str, year: int, left_out: set[str]) -> Decimal:
    """What the year's other decided budget decisions (not `left_out`) leave out of balance, Beancount
    sign: a kommunbidrag cut to repay a deficit (eget kapital) is +, and needs a besparing as large."""
    total = Decimal(0)
    for line in lines_in_effect(data.decisions, data.budget_lines, year, datetime.date(year, 12, 31)):
        ref = data.refs.get(line.account)
        if line.version not in left_out and ref is not None and ref.namnd == namnd and ref.kind in (*KEPT_KINDS, KIND_KOMMUNBIDRAG):
            total += line.amount
    return total


def plan_decisions(data, year: int) -> list[str]:
    """The year's budget decisions made of a repayment plan (`META_PLAN`): the ram holds them."""
    with_lines = {line.version for line in data.budget_lines if line.date.year == year}
    return [d.name for d in data.decisions if d.name in with_lines and isinstance(d.meta.get(META_PLAN), str)]


def ledger_offsets(data, year: int, temporary: tuple[TemporaryChange, ...]) -> list[ProposalLine]:
    """For each lower kommunbidrag of the year in the ledger (a repayment), its amount back on the
    decision's own kommunbidrag account: the internbudget has spread it on the verksamheter."""
    cuts = {t.namn for t in temporary if t.belopp.get(year, 0) < 0}
    plans = {d.name: d.meta[META_PLAN] for d in data.decisions if d.meta.get(META_PLAN) in cuts}
    return [ProposalLine(line.account, -line.amount, f"{line.version}: sänkningen ligger på verksamheterna")
            for line in data.budget_lines if line.version in plans and line.date.year == year
            and getattr(data.refs.get(line.account), "kind", None) == KIND_KOMMUNBIDRAG]


def propose(data, table: RamTable, distribution, namnd: str, path: str, gap: Decimal = Decimal(0),
            temporary: tuple[TemporaryChange, ...] = ()) -> list[ProposalLine]:
    """The internbudget's lines for the table's budget year: kommunbidrag per verksamhet, then its
    intäkter and kostnader; with a `gap` left by the year's other decisions (`others_gap`), a
    kostnad line without verksamhet that closes it (the besparing not yet spread, as a person
    would write it); the ledger's lower kommunbidrag of the year back on its account
    (`ledger_offsets`). RamError (fil:rad) for a key that cannot be used."""
    year = table.years[0]
    planned = {t.namn for t in temporary if t.belopp.get(year, 0) > 0}  # a planned result: not spent
    names = [BASE_PART, *(row.label for row in table.rows if row.label not in (RAM_BEFORE, SUBTOTAL, TOTAL, CHANGE))]
    for name, key in distribution.parts.items():
        if name not in names:
            raise RamError(path, key.line, f"[fordelning.del.\"{name}\"]: ingen del av ramen {year} heter så; "
                                           f"delarna är {', '.join(repr(n) for n in names)}.")
    base = last_year(data, namnd, year)
    budget_weights = {account: amount for account, amount in base.items()
                      if amount > 0 and data.refs[account].kind == KIND_KOSTNAD and data.refs[account].verksamhet}
    # Lines without a verksamhet (a besparing not yet spread) are spread now, with the base part.
    lines: dict[str, Decimal] = defaultdict(Decimal, {a: v for a, v in base.items() if data.refs[a].verksamhet})
    ram_before = table.row(RAM_BEFORE).values[0]
    parts = [(BASE_PART, ram_before - sum(lines.values(), Decimal(0))), *parts_of(table)]
    for name, amount in parts:
        if not amount or name in planned:
            continue
        key = distribution.parts.get(name, distribution.default)
        where = f"[fordelning.del.\"{name}\"]" if name in distribution.parts else "[fordelning]"
        for account, share in spread(amount, _weights(key, name, where, data, namnd, year, budget_weights, path)).items():
            lines[account] += share

    by_verksamhet: dict[str | None, Decimal] = defaultdict(Decimal)
    for account, amount in lines.items():
        by_verksamhet[data.refs[account].verksamhet if account in data.refs else parse_account(account, data.roots).verksamhet] += amount
    out = ledger_offsets(data, year, temporary)
    if gap:
        out.append(ProposalLine(result_account(data.roots, KIND_KOSTNAD, namnd), -gap))
    for verksamhet in sorted(by_verksamhet, key=lambda v: v or ""):
        out.append(ProposalLine(result_account(data.roots, KIND_KOMMUNBIDRAG, namnd, verksamhet), -by_verksamhet[verksamhet]))
        out.extend(ProposalLine(account, lines[account]) for account in sorted(lines)
                   if _verksamhet(data, account) == verksamhet and lines[account])
    return out


def _verksamhet(data, account: str) -> str | None:
    ref = data.refs.get(account) or parse_account(account, data.roots)
    return ref.verksamhet


def _weights(key: PartKey, name: str, where: str, data, namnd: str, year: int, budget_weights: dict,
             path: str) -> dict[str, Decimal]:
    if key.nyckel == "budget":
        if not budget_weights:
            raise RamError(path, key.line, f"'{name}' fördelas efter fjolårets budget, men liggaren har ingen budget "
                                           f"med kostnader per verksamhet {year - 1}. Ange nyckel = \"belopp\" med "
                                           f"verksamhet och konto i {where}.")
        return budget_weights
    if key.nyckel == "utfall":
        weights = utfall_weights(data, namnd, year)
        if not weights:
            raise RamError(path, key.line, f"'{name}' fördelas efter fjolårets utfall, men liggaren har inget utfall "
                                           f"på kostnader {year - 1}. Välj nyckel = \"budget\" i {where}.")
        return weights
    plans = data.kontoplaner
    if key.nyckel == "belopp":
        return {_account(data, namnd, key.verksamhet, key, plans, path, name): Decimal(1)}
    weights = {_account(data, namnd, code, key, plans, path, name): volume * key.pris.get(code, Decimal(1))
               for code, volume in key.volymer.items()}
    if not any(weights.values()):
        raise RamError(path, key.line, f"{where}: volymerna (× pris) är alla noll; ange minst en.")
    return {account: weight for account, weight in weights.items() if weight}


def _account(data, namnd: str, verksamhet: str, key: PartKey, plans, path: str, name: str) -> str:
    account = result_account(data.roots, KIND_KOSTNAD, namnd, verksamhet, key.konto, key.ansvar)
    problem = check_account(parse_account(account, data.roots), plans)
    if problem:
        raise RamError(path, key.line, f"[fordelning.del.\"{name}\"]: {problem}")
    return account
