"""From an export's rows to ledger entries: map codes, group, never guess.

`map_rows` gives each `SourceRow` its ledger account (see ARCHITECTURE.md, the
account scheme) through the committee's kontoplan and `import.toml`; anything
the kontoplan lacks stops the import with a suggested kontoplan line.
`detailed_entries` makes one transaction per voucher, `aggregated_entries` one
per month with a posting per account (konto × dimensions) — the totals are the
same either way. Rows that do not balance by themselves (a huvudbok export of
result accounts only) are balanced against the committee's avräkning konto.
Every entry carries `kalla` (the export's stable identity) and `importid`, so a
second import of the same export adds nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Iterable, NamedTuple

from beancount.core import amount as bc_amount
from beancount.core import data

from namndbok.importers.config import SourceConfig
from namndbok.importers.model import SourceError, SourceRow
from namndbok.accounts import KIND_INTAKT, KIND_KOMMUNBIDRAG, KIND_KOSTNAD, KIND_TILLGANG, Roots, balance_account, result_account
from namndbok.kontoplan import Kontoplan
from namndbok.periodisering import month_end
from namndbok.swedish import month_name


class Source(NamedTuple):
    """An export being imported."""

    id: str  # stable identity, e.g. "sie:2120000142:2025"
    path: str
    konto_names: dict[str, str]  # from the export (#KONTO), for suggestions
    objekt_names: dict[tuple[str, str], str]  # (dimension, object) → name


class Mapped(NamedTuple):
    row: SourceRow
    account: str
    projekt: str | None


class ImportRefused(SourceError):
    """The export needs codes the kontoplan lacks (message lists suggested lines)."""


def map_rows(rows: Iterable[SourceRow], source: Source, config: SourceConfig, plan: Kontoplan, roots: Roots) -> list[Mapped]:
    """Each row with its account; a refusal listing every code the kontoplan lacks (at its first row).

    The account depends on the konto and the objects only, so it is worked out
    once per pair (a million rows have a few thousand)."""
    missing_konto: dict[str, int] = {}
    missing_objekt: dict[tuple[str, str], int] = {}
    without_verksamhet: tuple[int, int] | None = None  # result rows without verksamhet: (how many, the first one's line)
    known: dict[tuple, tuple] = {}
    out = []
    for row in rows:
        pair = (row.konto, row.objekt)
        outcome = known.get(pair)
        if outcome is None:
            outcome = known[pair] = _account(row.konto, row.objekt, config, plan, roots)
        account, detail = outcome
        if account is not None:
            out.append(Mapped(row, account, detail))
        elif detail[0] == "konto":
            missing_konto.setdefault(detail[1], row.line)
        elif detail[0] == "objekt":
            missing_objekt.setdefault(detail[1], row.line)
        else:
            count, first = without_verksamhet or (0, row.line)
            without_verksamhet = (count + row.count, first)
    if missing_konto or missing_objekt or without_verksamhet:
        raise ImportRefused(source.path, 0, _refusal(source, plan, config, missing_konto, missing_objekt, without_verksamhet))
    return out


def _account(konto: str, objekt, config: SourceConfig, plan: Kontoplan, roots: Roots) -> tuple:
    """(account, projekt) for a konto with its objects, or (None, why not): ("konto", konto),
    ("objekt", (section, dimension, code)) or ("verksamhet",)."""
    dims = dict(objekt)
    verksamhet = dims.get(config.verksamhet) if config.verksamhet else None
    ansvar = dims.get(config.ansvar) if config.ansvar else None
    projekt = dims.get(config.projekt) if config.projekt else None
    if konto in config.kommunbidrag:
        kind = KIND_KOMMUNBIDRAG
    elif konto in plan.konton:
        kind = plan.konton[konto].typ
    else:
        return None, ("konto", konto)
    if kind in (KIND_KOMMUNBIDRAG, KIND_INTAKT, KIND_KOSTNAD):
        verksamhet = verksamhet or config.verksamhet_saknas
        if verksamhet is None and kind != KIND_KOMMUNBIDRAG:  # kommunbidrag may be for the whole nämnd
            return None, ("verksamhet",)
        if verksamhet is not None and verksamhet not in plan.verksamheter:
            return None, ("objekt", ("verksamheter", config.verksamhet, verksamhet))
    if ansvar is not None and ansvar not in plan.ansvar:
        return None, ("objekt", ("ansvar", config.ansvar, ansvar))
    if kind in (KIND_KOMMUNBIDRAG, KIND_INTAKT, KIND_KOSTNAD):
        return result_account(roots, kind, plan.namnd, verksamhet, None if kind == KIND_KOMMUNBIDRAG else konto, ansvar), projekt
    return balance_account(roots, kind, plan.namnd, konto, ansvar), projekt


def _refusal(source, plan, config, missing_konto, missing_objekt, without_verksamhet) -> str:
    """`without_verksamhet`: (how many rows, the first one's line), or None."""
    lines = [f"Importen stoppades: exporten har koder som kontoplanen {plan.path} saknar. Inget är skrivet."]
    if missing_konto:
        lines.append("Lägg till under [konton] (kontrollera namnet och typen):")
        for konto, line in sorted(missing_konto.items()):
            name = source.konto_names.get(konto, "NAMN")
            typ = "" if konto[:1] in "1234567" else ', typ = "kostnad"'
            lines.append(f'  "{konto}" = {{ namn = "{name}"{typ} }}    # första gången på rad {line}')
    for section in ("verksamheter", "ansvar"):
        items = sorted((k, v) for k, v in missing_objekt.items() if k[0] == section)
        if items:
            lines.append(f"Lägg till under [{section}]:")
            for (_, dim, code), line in items:
                name = source.objekt_names.get((dim, code), "NAMN")
                extra = f', grupp = "{plan.radgrupper[0] if plan.radgrupper else "GRUPP"}"' if section == "verksamheter" else ""
                lines.append(f'  "{code}" = {{ namn = "{name}"{extra} }}    # rad {line}')
    if without_verksamhet:
        lines.append(
            f"{without_verksamhet[0]} resultatrader saknar verksamhet (dimension {config.verksamhet}), första på rad "
            f"{without_verksamhet[1]}. Rätta exporten, eller ange verksamhet_saknas i import.toml."
        )
    return "\n".join(lines)


def _settlement(plan: Kontoplan, roots: Roots) -> str:
    """The account that takes what rows do not balance by themselves: the avräkning with the municipality."""
    if plan.avrakningskonto is None:
        raise SourceError("", 0, "Exporten har rader som inte balanserar (t.ex. bara resultatkonton). Ange avrakningskonto i kontoplanen, så balanseras de mot avräkningen med kommunen.")
    return balance_account(roots, KIND_TILLGANG, plan.namnd, plan.avrakningskonto)


def _balanced(postings: list[data.Posting], plan: Kontoplan, roots: Roots, currency: str) -> list[data.Posting]:
    rest = sum((p.units.number for p in postings), Decimal(0))
    if rest == 0:
        return postings
    return postings + [data.Posting(_settlement(plan, roots), bc_amount.Amount(-rest, currency), None, None, None, None)]


def _posting(mapped: Mapped, amount: Decimal, currency: str) -> data.Posting:
    meta = {"projekt": mapped.projekt} if mapped.projekt else None
    return data.Posting(mapped.account, bc_amount.Amount(amount, currency), None, None, None, meta)


def detailed_entries(mapped: list[Mapped], source: Source, plan: Kontoplan, roots: Roots, currency: str) -> list[data.Transaction]:
    """One transaction per voucher (rows without a voucher: one per row) and date.

    A row may carry its own date (SIE's transdat: a cost spread over months is one
    voucher with rows in January, February and March); it is booked on that date,
    in the month a summerad import puts it, so the month of an amount does not
    depend on the mode. The voucher's first date keeps the voucher's importid, the
    others add their date to it."""
    groups: dict[str, list[Mapped]] = defaultdict(list)
    for m in mapped:
        groups[m.row.ver or f"rad {m.row.line}"].append(m)
    out = []
    for ver, items in groups.items():
        for part, suffix in _date_parts(items):
            first = part[0].row
            meta = data.new_metadata(source.path, first.line, {"kalla": source.id, "importid": f"{source.id}/{ver}{suffix}"})
            postings = _balanced([_posting(m, m.row.amount, currency) for m in part], plan, roots, currency)
            out.append(data.Transaction(meta, first.date, "*", None, f"{ver}: {first.text}".strip(": "),
                                        data.EMPTY_SET, data.EMPTY_SET, postings))
    return out


def _date_parts(items: list[Mapped]) -> list[tuple[list[Mapped], str]]:
    """A voucher's rows per date, each with its importid suffix ("" for the first date's); per month
    where a date's rows do not balance by themselves (a summerad import balances per month too)."""
    by_date: dict[datetime.date, list[Mapped]] = defaultdict(list)
    for m in items:
        by_date[m.row.date].append(m)
    if len(by_date) == 1:
        return [(items, "")]
    if all(sum(m.row.amount for m in part) == 0 for part in by_date.values()):
        keyed = {f"/{date.isoformat()}": part for date, part in by_date.items()}
    else:
        keyed = defaultdict(list)
        for m in items:
            keyed[f"/{m.row.date:%Y-%m}"].append(m)
    return [(part, "" if index == 0 else suffix) for index, (suffix, part) in enumerate(keyed.items())]


def month_totals(mapped: list[Mapped]) -> dict[tuple[str, str, str | None], Decimal]:
    """Sum per (YYYY-MM, account, projekt): what the ledger must hold for the export."""
    totals: dict[tuple[str, str, str | None], Decimal] = defaultdict(Decimal)
    months: dict[datetime.date, str] = {}  # formatting a date costs more than the rest of the loop
    for m in mapped:
        date = m.row.date
        month = months.get(date)
        if month is None:
            month = months[date] = f"{date:%Y-%m}"
        totals[(month, m.account, m.projekt)] += m.row.amount
    return dict(totals)


def monthly_postings(
    totals: dict[tuple[str, str, str | None], Decimal], plan: Kontoplan, roots: Roots
) -> dict[str, list[tuple[str, str | None, Decimal]]]:
    """Per month (YYYY-MM, in order): (account, projekt, amount) in order, zeros left out, and
    the avräkning's balancing amount last where a month does not balance by itself."""
    by_month: dict[str, list] = defaultdict(list)
    for (month, account, projekt), amount in sorted(totals.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")):
        if amount:
            by_month[month].append((account, projekt, amount))
    for items in by_month.values():
        rest = sum((amount for _, _, amount in items), Decimal(0))
        if rest:
            items.append((_settlement(plan, roots), None, -rest))
    return by_month


def monthly_sums(by_month: dict[str, list[tuple[str, str | None, Decimal]]]) -> dict[tuple[str, str], Decimal]:
    """(YYYY-MM, account) → amount of `monthly_postings`, projekt merged, zeros left out."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for month, items in by_month.items():
        for account, _, amount in items:
            sums[(month, account)] += amount
    return {key: amount for key, amount in sums.items() if amount != 0}


def aggregated_entries(
    by_month: dict[str, list[tuple[str, str | None, Decimal]]],
    source: Source,
    currency: str,
    earlier: dict[str, int] | None = None,
) -> list[data.Transaction]:
    """One transaction per month of `monthly_postings`, a posting per account (and projekt), dated the month's end.

    `earlier` counts the entries earlier imports of this kalla made per month:
    a later one is an addition ("tillägg") with its own importid."""
    out = []
    for month, items in by_month.items():
        year, mm = int(month[:4]), int(month[5:])
        date = month_end(year, mm)
        sequence = 1 + (earlier or {}).get(month, 0)
        suffix = "" if sequence == 1 else f"/{sequence}"
        meta = data.new_metadata(source.path, 0, {"kalla": source.id, "importid": f"{source.id}/{month}{suffix}"})
        postings = [
            data.Posting(account, bc_amount.Amount(amount, currency), None, None, None, {"projekt": projekt} if projekt else None)
            for account, projekt, amount in items
        ]
        text = f"Huvudbok {month_name(mm)} {year}, summerad per konto och dimensioner"
        if sequence > 1:
            text += f" (tillägg {sequence - 1})"
        out.append(data.Transaction(meta, date, "*", None, text, data.EMPTY_SET, data.EMPTY_SET, postings))
    return out
