"""What an account name says: nämnd, verksamhet, konto and ansvar.

Every account of a committee ledger follows one scheme (ARCHITECTURE.md, "The
ledger model"):

    Intäkter:<nämnd>:Kommunbidrag[:<verksamhet>[:<ansvar>]]     kommunbidrag
    Intäkter:<nämnd>:Disposition[:<verksamhet>[:<ansvar>]]      eget kapital used
    Intäkter:<nämnd>[:<verksamhet>[:<konto>[:<ansvar>]]]         own revenues
    Kostnader:<nämnd>[:<verksamhet>[:<konto>[:<ansvar>]]]        costs
    Tillgångar|Skulder|Eget-kapital:<nämnd>[:<konto>[:<ansvar>]] balance sheet

The root names are whatever the ledger's `name_*` options say, so the same
scheme works under Beancount's English defaults. Shorter names (a nämnd, a
verksamhet) are the parents Fava shows in its tree; budget and prognos entries
may name them when the committee budgets coarser than per konto.

This module only reads names; whether a code exists is the kontoplan's job
(`namndbok.kontoplan`).
"""

from __future__ import annotations

import functools

from typing import NamedTuple

from beancount.core import account as bc_account

KOMMUNBIDRAG = "Kommunbidrag"
DISPOSITION = "Disposition"  # ianspråktagande av ackumulerat resultat

# Kinds of account, as the engine groups them.
KIND_KOMMUNBIDRAG = "kommunbidrag"
KIND_DISPOSITION = "disposition"
KIND_INVESTERING = "investering"  # a tillgång konto the kontoplan marks as investments
KIND_INTAKT = "intäkt"
KIND_KOSTNAD = "kostnad"
KIND_TILLGANG = "tillgång"
KIND_SKULD = "skuld"
KIND_EGET_KAPITAL = "eget kapital"

RESULT_KINDS = (KIND_KOMMUNBIDRAG, KIND_INTAKT, KIND_KOSTNAD, KIND_DISPOSITION)
NETTO = (KIND_INTAKT, KIND_KOSTNAD)  # nettokostnader: the result before kommunbidrag
# The income-side components that are not verksamheter, and the kind they mark.
SPECIAL_INCOME = {KOMMUNBIDRAG: KIND_KOMMUNBIDRAG, DISPOSITION: KIND_DISPOSITION}


class Roots(NamedTuple):
    """The five root names of a ledger, from its options."""

    tillgangar: str = "Tillgångar"
    skulder: str = "Skulder"
    eget_kapital: str = "Eget-kapital"
    intakter: str = "Intäkter"
    kostnader: str = "Kostnader"

    @classmethod
    def from_options(cls, options_map: dict) -> Roots:
        return cls(
            options_map["name_assets"],
            options_map["name_liabilities"],
            options_map["name_equity"],
            options_map["name_income"],
            options_map["name_expenses"],
        )


@functools.lru_cache(maxsize=64)
def _kinds_of_roots(roots: Roots) -> dict[str, str]:
    """Root name → kind, made once per set of root names (asked for per account name)."""
    return {
        roots.tillgangar: KIND_TILLGANG,
        roots.skulder: KIND_SKULD,
        roots.eget_kapital: KIND_EGET_KAPITAL,
        roots.intakter: KIND_INTAKT,
        roots.kostnader: KIND_KOSTNAD,
    }


class AccountRef(NamedTuple):
    """The dimensions one account name carries (None where the name stops)."""

    account: str
    kind: str
    namnd: str | None = None
    verksamhet: str | None = None
    konto: str | None = None
    ansvar: str | None = None


class AccountNameError(ValueError):
    """An account name that does not follow the scheme (message in Swedish)."""


# Parsed names per set of root names: a load asks for the same few thousand names
# many times (the readings, namndbok.plugins.kontoplan, the reports), and a plain dict is
# cheaper to fill than an LRU cache (half the cost of parsing a new name). Bounded
# by emptying it when it grows past what any ledger holds; names that do not parse
# are not kept (the error is raised again).
_parsed: dict[Roots, dict[str, AccountRef]] = {}
_PARSED_LIMIT = 1 << 17


def parse_account(name: str, roots: Roots) -> AccountRef:
    """Split an account name into its dimensions.

    Raises AccountNameError for a name outside the scheme: an unknown root or
    more components than the scheme has.
    """
    known = _parsed.get(roots)
    if known is None:
        known = _parsed[roots] = {}
    ref = known.get(name)
    if ref is None:
        ref = _parse(name, roots)
        if len(known) >= _PARSED_LIMIT:
            known.clear()
        known[name] = ref
    return ref


_new_ref = functools.partial(tuple.__new__, AccountRef)  # all six fields given: no defaults to fill


def _parse(name: str, roots: Roots) -> AccountRef:
    parts = name.split(bc_account.sep)
    root = parts[0]
    kind = _kinds_of_roots(roots).get(root)
    if kind is None:
        raise AccountNameError(
            f"Kontot {name} har en okänd rot '{root}'; använd "
            f"{', '.join(roots)}."
        )
    count = len(parts)
    namnd = parts[1] if count > 1 else None
    if kind == KIND_INTAKT or kind == KIND_KOSTNAD:
        special = SPECIAL_INCOME.get(parts[2]) if kind == KIND_INTAKT and count > 2 else None
        if special is not None:
            if count > 5:
                raise AccountNameError(
                    f"Kontot {name} har för många led: skriv "
                    f"{root}:<nämnd>:{parts[2]}[:<verksamhet>[:<ansvar>]]."
                )
            verksamhet, ansvar = (*parts[3:], None, None)[:2]
            return _new_ref((name, special, namnd, verksamhet, None, ansvar))
        if count > 5:
            raise AccountNameError(
                f"Kontot {name} har för många led: skriv "
                f"{root}:<nämnd>:<verksamhet>:<konto>[:<ansvar>]."
            )
        verksamhet, konto, ansvar = (*parts[2:], None, None, None)[:3]
        return _new_ref((name, kind, namnd, verksamhet, konto, ansvar))
    if count > 4:
        raise AccountNameError(
            f"Kontot {name} har för många led: balanskonton skrivs "
            f"{root}:<nämnd>:<konto>[:<ansvar>]."
        )
    konto, ansvar = (*parts[2:], None, None)[:2]
    return _new_ref((name, kind, namnd, None, konto, ansvar))


def result_account(
    roots: Roots,
    kind: str,
    namnd: str,
    verksamhet: str | None = None,
    konto: str | None = None,
    ansvar: str | None = None,
) -> str:
    """Compose a result account name (the inverse of parse_account)."""
    special = {v: k for k, v in SPECIAL_INCOME.items()}
    if kind in special:
        parts = [roots.intakter, namnd, special[kind], verksamhet, ansvar]
    elif kind in (KIND_INTAKT, KIND_KOSTNAD):
        root = roots.intakter if kind == KIND_INTAKT else roots.kostnader
        parts = [root, namnd, verksamhet, konto, ansvar]
    else:
        raise ValueError(f"not a result kind: {kind}")
    return bc_account.join(*_until_none(parts))


def balance_account(
    roots: Roots, kind: str, namnd: str, konto: str, ansvar: str | None = None
) -> str:
    """Compose a balance sheet account name."""
    root = {
        KIND_TILLGANG: roots.tillgangar,
        KIND_SKULD: roots.skulder,
        KIND_EGET_KAPITAL: roots.eget_kapital,
    }[kind]
    return bc_account.join(*_until_none([root, namnd, konto, ansvar]))


def _until_none(parts: list[str | None]) -> list[str]:
    out = []
    for part in parts:
        if part is None:
            break
        out.append(part)
    return out
