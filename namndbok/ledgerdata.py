"""Everything the engine needs from a loaded ledger, read once.

`read_ledger(entries, options_map)` is pure over the entries: it sums utfall
per account and date, parses budget decisions, budget lines and prognoses, and
finds the kontoplan and periodisering files through the ledger's own plugin
lines (so the ledger's main file is the one place that says which files
belong to it). The plugins and the engine both start here.
"""

from __future__ import annotations

import bisect
import datetime
import operator
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from beancount.core import data

from namndbok.accounts import (
    KIND_EGET_KAPITAL,
    KIND_INVESTERING,
    KIND_TILLGANG,
    AccountNameError,
    AccountRef,
    Roots,
    parse_account,
)
from namndbok.budget import DECISION, LINE, BudgetDecision, BudgetLine, LedgerInputError, parse_budget, parse_line
from namndbok.kontoplan import Kontoplan, KontoplanError, load_kontoplaner
from namndbok.periodisering import DEFAULT, Periodisering, PeriodiseringError, load_periodisering
from namndbok.prognos import DIRECTIVE as PROGNOS_DIRECTIVE
from namndbok.prognos import PrognosLine, parse_prognos

KONTOPLAN_PLUGIN = "plugins.kontoplan"
NO_KONTOPLAN = f'Liggaren har ingen kontoplan (plugin "{KONTOPLAN_PLUGIN}"); {{}} behöver den.'  # {}: who needs it
# Metadata that marks the entries plugins.eget_kapital generates.
META_CARRY = "ek_overforing"
META_DECISION = "ek_beslut"


class EKMovement(NamedTuple):
    """One posting on an eget kapital konto, in the committee's sign."""

    date: datetime.date
    namnd: str
    ansvar: str | None
    amount: Decimal
    kind: str  # "överföring" (a carried result), "beslut", or "övrigt" (e.g. the opening balance)
    name: str
    beslut: str | None


BUDGET_PLUGIN = "plugins.budget"


class BudgetConfig(NamedTuple):
    """The plugins.budget line: `"periodisering.toml; fava=Internbudget 2026"`."""

    periodisering: str | None = None
    fava_version: str | None = None


def parse_budget_config(config: str | None) -> BudgetConfig:
    periodisering = fava_version = None
    for item in (config or "").split(";"):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep:
            periodisering = item
        elif key.strip() == "fava":
            fava_version = value.strip()
        elif key.strip() == "periodisering":
            periodisering = value.strip()
        else:
            raise ValueError(f"Okänd inställning '{key.strip()}' i plugin-raden för {BUDGET_PLUGIN}; tillåtna är periodisering= och fava=.")
    return BudgetConfig(periodisering, fava_version)


class LedgerData(NamedTuple):
    options: dict
    roots: Roots
    currency: str
    kontoplaner: dict[str, Kontoplan]
    refs: dict[str, AccountRef]  # every account that parses, by name
    utfall: dict[str, dict[datetime.date, Decimal]]  # Beancount sign, per account and date
    decisions: list[BudgetDecision]
    budget_lines: list[BudgetLine]
    prognos: list[PrognosLine]
    periodisering: Periodisering
    budget_config: BudgetConfig
    eget_kapital: list  # EKMovement: postings on the nämnder's eget kapital konton
    errors: list  # from budget, prognos and periodisering (plugins.budget reports them)
    kontoplan_errors: list  # (plugins.kontoplan reports them)
    cache: dict  # computed once per read (the engine's selections and dimensions)
    utfall_cache: dict  # derived from utfall alone (monthly, yearly, running sums): shared by the
    # readings of the same transactions (see transaction_sums), so nothing else may go in it

    def grupp_of(self, ref: AccountRef) -> str | None:
        plan = self.kontoplaner.get(ref.namnd)
        if plan is None or ref.verksamhet not in plan.verksamheter:
            return None
        return plan.verksamheter[ref.verksamhet].grupp

    def monthly_utfall(self, account: str, year: int) -> tuple[Decimal, ...]:
        """Twelve monthly sums of utfall on `account` and its sub-accounts."""
        key = (account, year)
        if key not in self.utfall_cache:
            months = [Decimal(0)] * 12
            for name in self._accounts_under(account):
                for date, amount in self.utfall[name].items():
                    if date.year == year:
                        months[date.month - 1] += amount
            self.utfall_cache[key] = tuple(months)
        return self.utfall_cache[key]

    def utfall_span(self) -> tuple[datetime.date, datetime.date] | None:
        """The first and the last date with utfall (None when there is none), found once per reading."""
        if "spann" not in self.utfall_cache:
            dates = [by_date for by_date in self.utfall.values() if by_date]
            # each account's first and last date at C speed (a map, not a loop)
            self.utfall_cache["spann"] = (min(map(min, dates)), max(map(max, dates))) if dates else None
        return self.utfall_cache["spann"]

    def _accounts_under(self, account: str) -> list[str]:
        """`account` and its sub-accounts that have utfall (a range of the sorted names)."""
        if "konton" not in self.utfall_cache:
            self.utfall_cache["konton"] = sorted(self.utfall)
        names = self.utfall_cache["konton"]
        start = bisect.bisect_left(names, account)
        end = bisect.bisect_left(names, account + ";")  # ";" sorts right after ":"
        return [n for n in names[start:end] if n == account or n.startswith(account + ":")]


def plugin_config(options_map: dict, module: str) -> str | None:
    for name, config in options_map.get("plugin", []):
        if name == module:
            return config
    return None


def read_ledger(entries, options_map: dict) -> LedgerData:
    global _reading_memo
    errors: list = []
    roots = Roots.from_options(options_map)
    currency = operating_currency(options_map)
    base = Path(options_map.get("filename") or ".").parent

    kontoplaner: dict[str, Kontoplan] = {}
    kontoplan_errors = []
    if any(name == KONTOPLAN_PLUGIN for name, _ in options_map.get("plugin", [])):
        try:
            kontoplaner = load_kontoplaner(base, plugin_config(options_map, KONTOPLAN_PLUGIN))
        except KontoplanError as err:
            kontoplan_errors.append(LedgerInputError(data.new_metadata(err.path, err.line), err.message, None))

    budget_config = BudgetConfig()
    periodisering = DEFAULT
    try:
        budget_config = parse_budget_config(plugin_config(options_map, BUDGET_PLUGIN))
        if budget_config.periodisering:
            periodisering = load_periodisering(base / budget_config.periodisering)
    except PeriodiseringError as err:
        errors.append(LedgerInputError(data.new_metadata(err.path, err.line), err.message, None))
    except ValueError as err:
        errors.append(LedgerInputError(data.new_metadata(options_map.get("filename", ""), 0), str(err), None))

    sums = ledger_transaction_sums(entries, options_map)
    utfall, ek_postings = sums.utfall, sums.ek_postings

    planned = plan_directives(entries, currency)
    # The same inputs (by identity: the load's options, the summed transactions, the
    # parsed plan directives and settings files) give the same reading: the plugins
    # after plugins.eget_kapital and the CLI's or Fava's reading after the load get
    # the one already made.
    # (The options map stands for all that derives from it: roots, currency, the plugin
    # lines; the kontoplan objects for their nämnder.)
    plans = tuple(kontoplaner.values())
    inputs = (options_map, sums, planned, periodisering, plans)
    settings_read = not errors and not kontoplan_errors  # an error's metadata is made anew each time
    memo = _reading_memo
    same_load = (memo is not None and settings_read and memo.inputs[0] is options_map
                 and _same_objects(memo.inputs[4], plans))
    if same_load and all(map(operator.is_, memo.inputs[1:4], inputs[1:4])):
        return memo.reading
    decisions, budget_lines, budget_errors, prognos, prognos_errors = planned
    errors += budget_errors + prognos_errors

    names = set(utfall) | {l.account for l in budget_lines} | {l.account for l in prognos}
    if same_load:
        # The same load and kontoplaner as the last reading (plugins.eget_kapital's second
        # reading): its refs, with the names that came or went.
        known = memo.reading.refs
        refs = dict(known)
        for name in known.keys() - names:
            del refs[name]
        refs.update(_refs(names - known.keys(), roots, kontoplaner))
    else:
        refs = _refs(names, roots, kontoplaner)

    eget_kapital = []
    for entry, posting in ek_postings:
        ref = refs.get(posting.account)
        plan = kontoplaner.get(ref.namnd) if ref else None
        if plan is None or ref.konto not in plan.konton or plan.konton[ref.konto].typ != KIND_EGET_KAPITAL:
            continue
        kind = "överföring" if META_CARRY in entry.meta else "beslut" if META_DECISION in entry.meta else "övrigt"
        eget_kapital.append(EKMovement(entry.date, ref.namnd, ref.ansvar, -posting.units.number, kind,
                                       entry.narration, entry.meta.get(META_DECISION)))

    reading = LedgerData(
        options=options_map,
        roots=roots,
        currency=currency,
        kontoplaner=kontoplaner,
        refs=refs,
        utfall=utfall,
        decisions=decisions,
        budget_lines=budget_lines,
        prognos=prognos,
        periodisering=periodisering,
        budget_config=budget_config,
        eget_kapital=eget_kapital,
        errors=errors,
        kontoplan_errors=kontoplan_errors,
        cache={},
        utfall_cache=sums.cache,
    )
    if settings_read:
        _reading_memo = _ReadingMemo(inputs, reading)
    return reading


class _ReadingMemo(NamedTuple):
    inputs: tuple  # (options map, sums, plan directives, periodisering, kontoplaner): compared by
    # identity, and held here so that no other object takes their ids
    reading: LedgerData


_reading_memo: _ReadingMemo | None = None


def forget() -> None:
    """Drop what the readings remember of the last load (its transactions, plan
    directives and reading). A benchmark calls it before each load, so that a load is
    not charged with freeing the previous load's entries. Pure results per name or
    file text (`parse_account`, the parsed settings files, plugins.kontoplan's checked
    accounts, file hashes) stay, as they do between Fava's reloads."""
    global _memo, _plan_memo, _reading_memo
    _memo = _plan_memo = _reading_memo = None


def _refs(names, roots: Roots, kontoplaner: dict[str, Kontoplan]) -> dict[str, AccountRef]:
    """The dimensions of each account name that parses (plugins.kontoplan reports the others);
    a tillgång on a konto the kontoplan marks as investering is of that kind."""
    refs: dict[str, AccountRef] = {}
    for name in names:
        ref = _parse_account(name, roots)
        if ref is None:
            continue
        plan = kontoplaner.get(ref.namnd)
        if ref.kind == KIND_TILLGANG and plan and ref.konto in plan.konton and plan.konton[ref.konto].investering:
            ref = ref._replace(kind=KIND_INVESTERING)
        refs[name] = ref
    return refs


def _parse_account(name: str, roots: Roots) -> AccountRef | None:
    try:
        return parse_account(name, roots)
    except AccountNameError:
        return None


class TransactionSums(NamedTuple):
    """What read_ledger takes from the transactions: the heavy part of reading."""

    utfall: dict[str, dict[datetime.date, Decimal]]  # Beancount sign, per account and date
    ek_postings: list  # (entry, posting) on the eget kapital root, in entry order
    other_currencies: dict[str, datetime.date]  # accounts with postings in other currencies: first date
    cache: dict  # LedgerData.utfall_cache: derived from utfall only, so shared with it


class _Memo(NamedTuple):
    key: tuple  # (currency, eget kapital prefix)
    transactions: list  # held, so that the ids below stay theirs
    ids: frozenset
    sums: TransactionSums


# The last reading, replaced whole (one assignment, so a reader in another thread
# sees either the old memo or the new one, each consistent in itself).
_memo: _Memo | None = None


def _same_objects(old: list, new: list) -> bool:
    return len(old) == len(new) and all(map(operator.is_, old, new))


def ledger_transaction_sums(entries, options_map: dict) -> TransactionSums:
    """`transaction_sums` for the ledger's operating currency and eget kapital root
    (the key every reader of one load shares, so that they share the memo)."""
    return transaction_sums(entries, operating_currency(options_map), Roots.from_options(options_map).eget_kapital + ":")


def operating_currency(options_map: dict) -> str:
    return (options_map.get("operating_currency") or ["SEK"])[0]


def transaction_sums(entries, currency: str, ek_prefix: str) -> TransactionSums:
    """Utfall per account and date, and the eget kapital postings, of `entries`.

    One load runs several plugins that each read the ledger (eget_kapital before
    and after its own entries and without the corrections in closed years, budget
    after the kontoplan's Open directives), and the CLI and Fava read it once more.
    Beancount's directives are immutable, so the sums of the last list read are
    kept and reused: the same transactions give the same sums, and a list that adds
    transactions, or leaves out a few (at most a quarter), changes a copy of the
    sums where those transactions post. Anything else is summed anew. The result
    equals a fresh sum (tests/test_ledgerdata_memo.py holds it to that).
    """
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    key = (currency, ek_prefix)
    memo = _memo
    if memo is not None and memo.key == key:
        old = memo.transactions
        if _same_objects(old, transactions):
            return memo.sums
        ids = frozenset(map(id, transactions))
        # Each transaction once in both lists, so that counting tells what came and went.
        if len(ids) == len(transactions) and len(memo.ids) == len(old):
            added = [t for t in transactions if id(t) not in memo.ids]
            kept = len(transactions) - len(added)
            removed = [t for t in old if id(t) not in ids] if len(old) - kept <= len(old) // 4 else None
            if removed is not None:
                sums = _change_transactions(memo.sums, added, removed, transactions, currency, ek_prefix)
                if sums is not None:
                    _remember(key, transactions, ids, sums)
                    return sums
        sums = _sum_transactions(transactions, currency, ek_prefix)
        _remember(key, transactions, ids, sums)
        return sums
    sums = _sum_transactions(transactions, currency, ek_prefix)
    _remember(key, transactions, frozenset(map(id, transactions)), sums)
    return sums


PLAN_TYPES = frozenset({DECISION, LINE, PROGNOS_DIRECTIVE})


class PlanDirectives(NamedTuple):
    """The budget and prognos directives, parsed (`parse_budget`, `parse_prognos`)."""

    decisions: list[BudgetDecision]
    budget_lines: list[BudgetLine]
    budget_errors: list
    prognos: list[PrognosLine]
    prognos_errors: list


class _PlanMemo(NamedTuple):
    currency: str
    directives: list  # held, so that the ids below stay theirs
    ids: frozenset
    parsed: PlanDirectives


_plan_memo: _PlanMemo | None = None


def plan_directives(entries, currency: str) -> PlanDirectives:
    """Budget decisions, lines and prognoses of `entries`; parsed again only when those
    directives are not the very objects parsed last time (a load reads the ledger
    three times and the CLI or Fava once more; Beancount's directives are immutable).
    When the only new ones are budget decisions and lines (plugins.eget_kapital's
    återbetalning), only those lines are parsed (`_with_added_lines`)."""
    global _plan_memo
    directives = [e for e in entries if e.__class__ is data.Custom and e.type in PLAN_TYPES]
    memo = _plan_memo
    if memo is not None and memo.currency == currency:
        if _same_objects(memo.directives, directives):
            return memo.parsed
        parsed = _with_added_lines(memo, directives)
        if parsed is not None:
            _plan_memo = _PlanMemo(currency, directives, frozenset(map(id, directives)), parsed)
            return parsed
    parsed = PlanDirectives(*parse_budget(directives, currency), *parse_prognos(directives, currency))
    _plan_memo = _PlanMemo(currency, directives, frozenset(map(id, directives)), parsed)
    return parsed


def _with_added_lines(memo: _PlanMemo, directives: list) -> PlanDirectives | None:
    """The memo's parse with the budget decisions and lines `directives` adds to it:
    the decisions (few) parsed again, the new lines alone, each line in its place.
    None unless the new directives are the old ones (all of them) and budget
    decisions and lines that parse without an error, and the old parse had no
    errors (a fresh parse orders the errors)."""
    old = memo.parsed
    if old.budget_errors or old.prognos_errors or len(memo.ids) != len(memo.directives):
        return None
    added = [d for d in directives if id(d) not in memo.ids]
    if not added or len(directives) - len(added) != len(memo.directives) or any(d.type not in (LINE, DECISION) for d in added):
        return None
    errors: list = []
    decisions = old.decisions
    if any(d.type == DECISION for d in added):
        decisions, _, errors = parse_budget([d for d in directives if d.type == DECISION], memo.currency)
    by_name = {d.name: d for d in decisions}
    new_lines = [parse_line(entry, by_name, memo.currency, errors) for entry in added if entry.type == LINE]
    if errors:
        return None
    position = {id(d.meta): index for index, d in enumerate(directives)}
    if len(position) != len(directives):
        return None  # directives that share one metadata dict: the lines' places are not known
    lines = sorted([*old.budget_lines, *new_lines], key=lambda line: position[id(line.meta)])
    return old._replace(decisions=decisions, budget_lines=lines)


def _remember(key, transactions, ids, sums) -> None:
    global _memo
    _memo = _Memo(key, transactions, ids, sums)


def _sum_transactions(transactions, currency: str, ek_prefix: str) -> TransactionSums:
    utfall: dict[str, dict[datetime.date, Decimal]] = {}
    ek_postings = []
    other: dict[str, datetime.date] = {}
    ek_accounts = set()  # whether an account is on eget kapital, asked once per account
    for entry in transactions:
        date = entry.date
        for posting in entry.postings:
            units = posting.units
            if units.currency == currency:
                account = posting.account
                by_date = utfall.get(account)
                if by_date is None:
                    utfall[account] = {date: units.number}
                    if account.startswith(ek_prefix):
                        ek_accounts.add(account)
                        ek_postings.append((entry, posting))
                    continue
                previous = by_date.get(date)
                by_date[date] = units.number if previous is None else previous + units.number
                if account in ek_accounts:
                    ek_postings.append((entry, posting))
            elif posting.account not in other:
                other[posting.account] = date
    return TransactionSums(utfall, ek_postings, other, {})


def _plus(base: dict, extra: dict) -> dict:
    """account → {key: amount} of both; `base` and its inner dicts are left as they are."""
    out = dict(base)
    for account, amounts in extra.items():
        merged = dict(out.get(account, {}))
        for key, amount in amounts.items():
            merged[key] = merged[key] + amount if key in merged else amount
        out[account] = merged
    return out


def _change_transactions(sums: TransactionSums, added: list, removed: list, transactions: list,
                         currency: str, ek_prefix: str) -> TransactionSums | None:
    """`sums` with `added` and without `removed`, as a copy (other readers hold `sums`);
    `transactions` is the new list. None when a removed transaction has a posting in
    another currency (its account's first such date would have to be searched for)."""
    extra = _sum_transactions(added, currency, ek_prefix)
    utfall = _plus(sums.utfall, extra.utfall)
    ek_postings = sums.ek_postings
    other = {**extra.other_currencies, **sums.other_currencies}
    for account, date in extra.other_currencies.items():
        other[account] = min(date, other[account])
    if removed:
        gone = _sum_transactions(removed, currency, ek_prefix)
        if gone.other_currencies:
            return None
        # Each (account, date) a removed transaction posted to is summed again from the
        # transactions now on that date: exact, and gone where none is left.
        dates = {date for by_date in gone.utfall.values() for date in by_date}
        now = _sum_transactions([t for t in transactions if t.date in dates], currency, ek_prefix).utfall
        for account, by_date in gone.utfall.items():
            remaining = now.get(account, {})
            merged = dict(utfall[account])
            for date in by_date:
                if date in remaining:
                    merged[date] = remaining[date]
                else:
                    del merged[date]
            if merged:
                utfall[account] = merged
            else:
                del utfall[account]
        if gone.ek_postings:
            gone_ids = {id(entry) for entry, _ in gone.ek_postings}
            ek_postings = [item for item in ek_postings if id(item[0]) not in gone_ids]
    if extra.ek_postings:
        position = {id(t): index for index, t in enumerate(transactions)}
        ek_postings = sorted([*ek_postings, *extra.ek_postings], key=lambda item: position[id(item[0])])
    return TransactionSums(utfall, ek_postings, other, {})
