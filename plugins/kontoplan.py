"""Refuse accounts outside the committee's kontoplan, and open the ones inside it.

Every account a directive names (postings, open, close, balance, pad, note,
document, and account values of custom directives such as budget and prognos)
must follow the ledger model (`namndbok.accounts`) and use a nämnd, verksamhet,
konto and ansvar listed in the committee's kontoplan file. An account that does
not gets one error, at the file and line of the first directive that names it,
in Swedish, saying what to do.

Accounts the kontoplan allows need no `open` line: the plugin opens each at the
date of the first directive that names it (as beancount.plugins.auto_accounts
does), so the ledger does not carry hundreds of open directives. An explicit
`open` (with a date, or to `close` the account later) is kept as written.

A ledger runs it as a stage of namndbok.plugins.namndbok, with the kontoplan file
relative to the main ledger file:

    plugin "namndbok.plugins.namndbok" "kontoplan=kontoplan.toml; periodisering=periodisering.toml"

or on the single-stage line `plugin "namndbok.plugins.kontoplan" "kontoplan.toml"`.
Several nämnder in one ledger: list their files separated by commas.

Example: with verksamhet 5731 and konto 4610 in kontoplan.toml but not 5799,

    2026-01-31 * "Faktura HVB"
      Kostnader:Socialnämnden:5731:4610   120000.00 SEK
      Tillgångar:Socialnämnden:1690

    2026-01-31 * "Felkonterad"
      Kostnader:Socialnämnden:5799:4610     5000.00 SEK
      Tillgångar:Socialnämnden:1690

loads with the three accounts opened on 2026-01-31 and one error:

    huvudbok.beancount:5: Okänd verksamhet '5799' i kontot
    Kostnader:Socialnämnden:5799:4610: den finns inte i kontoplanen …
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import NamedTuple

from beancount.core import account as bc_account
from beancount.core import data, getters
from beancount.parser import options as bc_options

from namndbok.accounts import AccountNameError, Roots, parse_account
from namndbok.collector import paused_plugin
from namndbok.ledgerdata import ledger_transaction_sums
from namndbok.plugins.texter import clean
from namndbok.kontoplan import (
    Kontoplan,
    KontoplanError,
    KontoplanUnusable,
    check_account,
    describe_parts,
    load_kontoplaner,
)

__plugins__ = ("kontoplan",)


class KontoplanPluginError(NamedTuple):
    source: dict
    message: str
    entry: data.Directive | None


@paused_plugin
def kontoplan(entries, options_map, config=None):
    """The single-stage plugin line (namndbok.plugins.namndbok runs `check_accounts` in its pipeline)."""
    try:
        plans = load_kontoplaner(Path(options_map.get("filename") or ".").parent, config)
    except KontoplanError as err:
        # Without a kontoplan nothing can be checked; the one error says why.
        return check_accounts(entries, options_map, None, ledger_transaction_sums(entries, options_map),
                              KontoplanUnusable(data.new_metadata(err.path, err.line), err.message, None))
    return check_accounts(entries, options_map, plans, ledger_transaction_sums(entries, options_map))


def check_accounts(entries, options_map, plans: dict[str, Kontoplan] | None, sums, unusable=None):
    """Check every account of `entries` against the kontoplaner `plans` and open the allowed
    ones; `sums` are the entries' transactions' (`ledgerdata.TransactionSums`). `plans` None:
    the kontoplan cannot be used, and `unusable` says why."""
    errors = [unusable] if unusable is not None else []

    roots = Roots.from_options(options_map)
    # Beancount's own accounts (named by its options) are outside the kontoplan.
    reserved = {
        *bc_options.get_previous_accounts(options_map),
        *bc_options.get_current_accounts(options_map),
        bc_options.get_unrealized_account(options_map),
    }
    first = _first_use(entries, sums)
    opened = {e.account for e in entries if isinstance(e, data.Open)}
    problems = {}
    new_opens = []
    heads: dict = {}  # what the accounts of one nämnd, kind, verksamhet and konto share (`_Head`)
    for index, (name, date) in enumerate(sorted(first.items())):
        if plans is None or name in reserved:
            problem, meta = None, None
        else:
            problem, meta = _check(name, roots, plans, heads)
        if problem:
            problems[name] = problem
        if name not in opened:
            # Opened even when wrong, so that Beancount does not add a second,
            # less helpful error for the same account. The Open points at the
            # kontoplan line that allows the account (a copy of its metadata:
            # each entry has its own).
            meta = dict(meta) if meta else data.new_metadata("<kontoplan>", index)
            new_opens.append(data.Open(meta, date, name, None, None))
    for name, use in _uses(entries, problems).items():
        problem = problems[name]
        if use.count > 1:
            others = use.count - 1
            problem += f" (Kontot används på ytterligare {others} {'ställe' if others == 1 else 'ställen'}.)"
        errors.append(KontoplanPluginError(use.source, problem, use.entry))

    if new_opens:
        # Unsorted: Beancount's loader sorts the entries after every plugin
        # (loader.run_transformations), so sorting here would sort them twice.
        entries = [*new_opens, *entries]
    errors.sort(key=lambda e: (e.source.get("filename", ""), e.source.get("lineno", 0)))
    return entries, errors


class _Use(NamedTuple):
    date: object  # the first date a directive names the account
    entry: data.Directive  # that directive
    source: dict  # the file and line to point at (the posting's, for a posting)
    count: int  # how many places name the account


def _first_use(entries, sums) -> dict:
    """Per account: the first date a directive names it.

    The transactions' accounts come from their sums (the load's reading in
    namndbok.plugins.namndbok), so that the postings are not walked once more; the other
    directives are few and looked at here."""
    first = {name: min(by_date) for name, by_date in sums.utfall.items()}
    for name, date in sums.other_currencies.items():
        first[name] = min(date, first.get(name, date))
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            for name, _ in _accounts_of(entry):
                seen = first.get(name)
                if seen is None or entry.date < seen:
                    first[name] = entry.date
    return first


def _uses(entries, names) -> dict[str, _Use]:
    """For the accounts `names`: where each is first named, and in how many places."""
    if not names:
        return {}
    first: dict[str, tuple] = {}
    counts: collections.Counter = collections.Counter()
    for entry in entries:
        for name, source in _accounts_of(entry):
            if name in names:
                counts[name] += 1
                seen = first.get(name)
                if seen is None or entry.date < seen[0]:
                    first[name] = (entry.date, entry, source)
    return {name: _Use(*first[name], counts[name]) for name in sorted(first)}


def _accounts_of(entry):
    """(account, source metadata) for each account a directive names."""
    if isinstance(entry, data.Transaction):
        return [
            (posting.account, posting.meta if posting.meta and "lineno" in posting.meta else entry.meta)
            for posting in entry.postings
        ]
    if isinstance(entry, data.Custom):
        return [(value.value, entry.meta) for value in entry.values or () if value.dtype == bc_account.TYPE]
    return [(name, entry.meta) for name in getters.get_entry_accounts(entry)]


class _Head(NamedTuple):
    """What the accounts of one nämnd, kind, verksamhet and konto share (they differ in ansvar)."""

    plan: Kontoplan
    line: int  # the kontoplan line that allows them
    parts: tuple[str, ...]  # their name's parts before the ansvar's (cleaned of markup)


def _check(name: str, roots: Roots, plans: dict[str, Kontoplan], heads: dict) -> tuple[str | None, dict | None]:
    """The problem with one account (or None), and the metadata for its Open: the
    kontoplan line that allows it and its name (None: no line to point at).
    `heads` keeps what accounts that differ only in ansvar share (`_Head`); a problem
    is always said by `check_account`, for the whole name."""
    try:
        ref = parse_account(name, roots)
    except AccountNameError as err:
        return str(err), None
    if ref.namnd is None:
        return None, None  # a root alone
    key = (ref.namnd, ref.kind, ref.verksamhet, ref.konto)
    head = heads.get(key)
    if head is None:
        if check_account(ref._replace(ansvar=None), plans):
            return check_account(ref, plans), None
        head = heads[key] = _head(ref, plans[ref.namnd])
    plan = head.plan
    parts = head.parts
    if ref.ansvar is not None:
        ansvar = plan.ansvar.get(ref.ansvar)
        if ansvar is None:
            return check_account(ref, plans), None
        parts = (*parts, clean(f"{ref.ansvar} {ansvar.namn}"))
    # The name goes into Fava's journal, which does not escape: harmless markup (`clean`).
    return None, {"filename": plan.path, "lineno": head.line, "namn": " / ".join(parts) or clean(plan.namn)}


def _head(ref, plan: Kontoplan) -> _Head:
    """The kontoplan line and the name parts (`describe_parts`) of an account without its ansvar."""
    if ref.konto is not None:
        line = plan.line_of("konton", ref.konto)
    elif ref.verksamhet is not None:
        line = plan.line_of("verksamheter", ref.verksamhet)
    else:
        line = plan.line_of("", "namnd")
    return _Head(plan, line, tuple(map(clean, describe_parts(ref, plan))))
