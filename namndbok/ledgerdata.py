"""Everything the engine needs from a loaded ledger, read once.

`read_ledger(entries, options_map)` is pure over the entries: it sums utfall
per account and date, parses budget decisions, budget lines and prognoses, and
finds the kontoplan and periodisering files through the ledger's own plugin
lines (so the ledger's main file is the one place that says which files
belong to it). The plugins and the engine both start here.

Nothing is remembered between calls. Within one load, namndbok.plugins.namndbok reads
once and changes that reading explicitly for the entries its stages add or
leave out (`with_entries`); it leaves the final reading in the load's options
(`namndbok.load_reading`), where the CLI and the Fava extension take it.
"""

from __future__ import annotations

import bisect
import datetime
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
from namndbok.kontoplan import DEFAULT_FILE as DEFAULT_KONTOPLAN_FILE
from namndbok.kontoplan import Kontoplan, KontoplanError, load_kontoplaner
from namndbok.periodisering import DEFAULT, Periodisering, PeriodiseringError, load_periodisering
from namndbok.prognos import DIRECTIVE as PROGNOS_DIRECTIVE
from namndbok.prognos import PrognosLine, parse_prognos

PIPELINE_PLUGIN = "namndbok.plugins.namndbok"  # every stage on one plugin line (plugins/namndbok.py)
KONTOPLAN_PLUGIN = "namndbok.plugins.kontoplan"
NO_KONTOPLAN = f'Liggaren har ingen kontoplan (plugin "{PIPELINE_PLUGIN}"); {{}} behöver den.'  # {}: who needs it
# Metadata that marks the entries namndbok.plugins.eget_kapital generates.
META_CARRY = "ek_overforing"
META_DECISION = "ek_beslut"
META_PLAN = "ek_plan"  # a budget decision made of a repayment plan: the plan's name


class EKMovement(NamedTuple):
    """One posting on an eget kapital konto, in the committee's sign."""

    date: datetime.date
    namnd: str
    ansvar: str | None
    amount: Decimal
    kind: str  # "överföring" (a carried result), "beslut", or "övrigt" (e.g. the opening balance)
    name: str
    beslut: str | None


BUDGET_PLUGIN = "namndbok.plugins.budget"


class BudgetConfig(NamedTuple):
    """The namndbok.plugins.budget line: `"periodisering.toml; fava=Internbudget 2026"`."""

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


class PluginSettings(NamedTuple):
    """What the ledger's plugin lines say about its settings files."""

    kontoplan: str | None  # the kontoplan files (comma-separated), None: the ledger has no kontoplan
    budget: BudgetConfig
    error: str | None = None  # what is wrong on the line (Swedish); the settings that could be read stand


PIPELINE_KEYS = ("kontoplan", "periodisering", "fava")


def parse_pipeline_config(config: str | None) -> PluginSettings:
    """The namndbok.plugins.namndbok line: `"kontoplan=kontoplan.toml; periodisering=periodisering.toml; fava=…"`
    (every key may be left out; the kontoplan is then kontoplan.toml). An unknown item is the
    settings' `error`; the known ones still count (a typo in one does not drop the kontoplan)."""
    values: dict[str, str] = {}
    error = None
    for item in (config or "").split(";"):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in PIPELINE_KEYS:
            allowed = ", ".join(f"{name}=" for name in PIPELINE_KEYS)
            error = error or (f"Okänd inställning '{item}' i plugin-raden för {PIPELINE_PLUGIN}; tillåtna är {allowed} "
                              f'(t.ex. "kontoplan=kontoplan.toml; periodisering=periodisering.toml").')
            continue
        values[key] = value.strip()
    return PluginSettings(values.get("kontoplan") or DEFAULT_KONTOPLAN_FILE,
                          BudgetConfig(values.get("periodisering") or None, values.get("fava") or None), error)


def plugin_settings(options_map: dict) -> PluginSettings:
    """The settings of the namndbok.plugins.namndbok line, or of the single-stage lines
    (namndbok.plugins.kontoplan, namndbok.plugins.budget) when the ledger has those."""
    plugins = dict(reversed(options_map.get("plugin", [])))  # the first line of each module
    if PIPELINE_PLUGIN in plugins:
        return parse_pipeline_config(plugins[PIPELINE_PLUGIN])
    kontoplan = (plugins[KONTOPLAN_PLUGIN] or DEFAULT_KONTOPLAN_FILE) if KONTOPLAN_PLUGIN in plugins else None
    try:
        return PluginSettings(kontoplan, parse_budget_config(plugins.get(BUDGET_PLUGIN)))
    except ValueError as err:
        return PluginSettings(kontoplan, BudgetConfig(), str(err))


def has_stage(options_map: dict, module: str) -> bool:
    """Whether the ledger runs the stage of `module` (e.g. "namndbok.plugins.las"): its own line or namndbok.plugins.namndbok."""
    return any(name in (module, PIPELINE_PLUGIN) for name, _ in options_map.get("plugin", []))


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
    errors: list  # from budget, prognos and periodisering (namndbok.plugins.budget reports them)
    kontoplan_errors: list  # (namndbok.plugins.kontoplan reports them)
    cache: dict  # computed once per read (the engine's selections and dimensions)
    utfall_cache: dict  # derived from utfall alone (monthly, yearly, running sums): shared by the
    # readings of the same transactions (`with_entries`), so nothing else may go in it
    settings: "Settings"  # what the settings files gave (`read_settings`)
    sums: "TransactionSums"  # the transactions' sums (utfall above is sums.utfall)
    planned: "PlanDirectives"  # the parsed budget and prognos directives

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


class Settings(NamedTuple):
    """What a reading takes from the ledger's settings files (named on its plugin lines)."""

    kontoplaner: dict[str, Kontoplan]
    kontoplan_errors: list
    periodisering: Periodisering
    budget_config: BudgetConfig
    errors: list  # the plugin line's and the periodisering's


def read_settings(options_map: dict) -> Settings:
    """The kontoplaner and the periodisering the ledger's plugin lines name, read from their files."""
    errors: list = []
    base = Path(options_map.get("filename") or ".").parent
    settings = plugin_settings(options_map)
    if settings.error:
        errors.append(LedgerInputError(data.new_metadata(options_map.get("filename", ""), 0), settings.error, None))
    kontoplaner: dict[str, Kontoplan] = {}
    kontoplan_errors = []
    if settings.kontoplan is not None:
        try:
            kontoplaner = load_kontoplaner(base, settings.kontoplan)
        except KontoplanError as err:
            kontoplan_errors.append(LedgerInputError(data.new_metadata(err.path, err.line), err.message, None))
    periodisering = DEFAULT
    if settings.budget.periodisering:
        try:
            periodisering = load_periodisering(base / settings.budget.periodisering)
        except PeriodiseringError as err:
            errors.append(LedgerInputError(data.new_metadata(err.path, err.line), err.message, None))
    return Settings(kontoplaner, kontoplan_errors, periodisering, settings.budget, errors)


def read_ledger(entries, options_map: dict) -> LedgerData:
    """A reading of `entries` from scratch: the settings files, the transactions' sums, the plan directives."""
    return assemble(options_map, read_settings(options_map), ledger_transaction_sums(entries, options_map),
                    plan_directives(entries, operating_currency(options_map)))


def assemble(options_map: dict, settings: Settings, sums: "TransactionSums", planned: "PlanDirectives",
             known: dict | None = None) -> LedgerData:
    """The reading of these parts. `known`: the refs of a reading with the same options and
    kontoplaner, reused for the names they share (`with_entries`)."""
    roots = Roots.from_options(options_map)
    kontoplaner = settings.kontoplaner
    names = set(sums.utfall) | {l.account for l in planned.budget_lines} | {l.account for l in planned.prognos}
    if known is not None:
        refs = {name: ref for name, ref in known.items() if name in names}
        refs.update(_refs(names - known.keys(), roots, kontoplaner))
    else:
        refs = _refs(names, roots, kontoplaner)

    eget_kapital = []
    for entry, posting in sums.ek_postings:
        ref = refs.get(posting.account)
        plan = kontoplaner.get(ref.namnd) if ref else None
        if plan is None or ref.konto not in plan.konton or plan.konton[ref.konto].typ != KIND_EGET_KAPITAL:
            continue
        kind = "överföring" if META_CARRY in entry.meta else "beslut" if META_DECISION in entry.meta else "övrigt"
        eget_kapital.append(EKMovement(entry.date, ref.namnd, ref.ansvar, -posting.units.number, kind,
                                       entry.narration, entry.meta.get(META_DECISION)))

    return LedgerData(
        options=options_map,
        roots=roots,
        currency=operating_currency(options_map),
        kontoplaner=kontoplaner,
        refs=refs,
        utfall=sums.utfall,
        decisions=planned.decisions,
        budget_lines=planned.budget_lines,
        prognos=planned.prognos,
        periodisering=settings.periodisering,
        budget_config=settings.budget_config,
        eget_kapital=eget_kapital,
        errors=[*settings.errors, *planned.budget_errors, *planned.prognos_errors],
        kontoplan_errors=settings.kontoplan_errors,
        cache={},
        utfall_cache=sums.cache,
        settings=settings,
        sums=sums,
        planned=planned,
    )


def is_read(entry) -> bool:
    """Whether a reading depends on the entry (a transaction, or a budget, prognos or bokslut directive)."""
    return entry.__class__ is data.Transaction or (entry.__class__ is data.Custom and entry.type in PLAN_TYPES)


def with_entries(reading: LedgerData, entries, added=(), removed=()) -> LedgerData:
    """The reading of `entries`, which are `reading`'s entries with `added` and without
    `removed` (both said by the caller, who made the change): the settings as they were
    read, the sums changed only where the added and removed transactions post, the plan
    directives parsed again only when some came or went. `reading` is left as it is, and
    returned itself when no entry it depends on changed. Equals `read_ledger(entries, …)`
    (tests/test_ledgerdata_update.py)."""
    added = [e for e in added if is_read(e)]
    removed = [e for e in removed if is_read(e)]
    if not added and not removed:
        return reading
    options = reading.options
    currency, ek_prefix = reading.currency, reading.roots.eget_kapital + ":"
    sums = reading.sums
    if any(e.__class__ is data.Transaction for e in (*added, *removed)):
        transactions = [e for e in entries if e.__class__ is data.Transaction]
        gone = [e for e in removed if e.__class__ is data.Transaction]
        came = [e for e in added if e.__class__ is data.Transaction]
        before = len(transactions) - len(came) + len(gone)
        # More than a quarter left out: summing what is left costs less than taking them away.
        sums = _change_transactions(sums, came, gone, transactions, currency, ek_prefix) \
            if len(gone) <= before // 4 else None
        if sums is None:
            sums = _sum_transactions(transactions, currency, ek_prefix)
    planned = reading.planned
    if any(e.__class__ is data.Custom for e in (*added, *removed)):
        planned = _plan_with(planned, entries, [e for e in added if e.__class__ is data.Custom],
                             any(e.__class__ is data.Custom for e in removed), currency)
    return assemble(options, reading.settings, sums, planned, known=reading.refs)


def _refs(names, roots: Roots, kontoplaner: dict[str, Kontoplan]) -> dict[str, AccountRef]:
    """The dimensions of each account name that parses (namndbok.plugins.kontoplan reports the others);
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


def ledger_transaction_sums(entries, options_map: dict) -> TransactionSums:
    """`transaction_sums` for the ledger's operating currency and eget kapital root."""
    return transaction_sums(entries, operating_currency(options_map), Roots.from_options(options_map).eget_kapital + ":")


def operating_currency(options_map: dict) -> str:
    return (options_map.get("operating_currency") or ["SEK"])[0]


def transaction_sums(entries, currency: str, ek_prefix: str) -> TransactionSums:
    """Utfall per account and date, and the eget kapital postings, of `entries` (summed
    afresh: a change within a load goes through `with_entries`)."""
    return _sum_transactions([e for e in entries if e.__class__ is data.Transaction], currency, ek_prefix)


BOKSLUT_DIRECTIVE = "bokslut"  # namndbok.eget_kapital.BOKSLUT: a closed year's prognos is its utfall
PLAN_TYPES = frozenset({DECISION, LINE, PROGNOS_DIRECTIVE, BOKSLUT_DIRECTIVE})


class PlanDirectives(NamedTuple):
    """The budget and prognos directives, parsed (`parse_budget`, `parse_prognos`)."""

    decisions: list[BudgetDecision]
    budget_lines: list[BudgetLine]
    budget_errors: list
    prognos: list[PrognosLine]
    prognos_errors: list
    closes: tuple = ()  # the years' custom "bokslut" (namndbok.eget_kapital.Bokslut); its plugin reports their errors


def _closes(directives, currency: str) -> tuple:
    from namndbok.eget_kapital import parse_decisions  # it reads LedgerData itself

    return tuple(parse_decisions([d for d in directives if d.type == BOKSLUT_DIRECTIVE], currency)[1])


def plan_directives(entries, currency: str) -> PlanDirectives:
    """Budget decisions, lines, prognoses and the years' closes of `entries`, parsed."""
    directives = [e for e in entries if e.__class__ is data.Custom and e.type in PLAN_TYPES]
    return PlanDirectives(*parse_budget(directives, currency), *parse_prognos(directives, currency),
                          _closes(directives, currency))


def _plan_with(old: PlanDirectives, entries, added: list, removed: bool, currency: str) -> PlanDirectives:
    """The plan directives of `entries`: `old`'s with the budget decisions and lines `added`
    (namndbok.plugins.eget_kapital's återbetalning): the decisions (few) parsed again, the new lines
    alone, each line in its place. Parsed afresh when any were removed, a prognos was added,
    the old parse or the new lines have errors (a fresh parse orders the errors), or
    directives share one metadata dict (the lines' places are not known)."""
    directives = [e for e in entries if e.__class__ is data.Custom and e.type in PLAN_TYPES]
    fresh = lambda: plan_directives(directives, currency)  # noqa: E731
    if removed or old.budget_errors or old.prognos_errors or any(d.type not in (LINE, DECISION) for d in added):
        return fresh()
    errors: list = []
    decisions = old.decisions
    if any(d.type == DECISION for d in added):
        decisions, _, errors = parse_budget([d for d in directives if d.type == DECISION], currency)
    by_name = {d.name: d for d in decisions}
    new_lines = [parse_line(entry, by_name, currency, errors) for entry in added if entry.type == LINE]
    position = {id(d.meta): index for index, d in enumerate(directives)}
    if errors or len(position) != len(directives):
        return fresh()
    lines = sorted([*old.budget_lines, *new_lines], key=lambda line: position[id(line.meta)])
    return old._replace(decisions=decisions, budget_lines=lines)


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
    """`sums` with `added` and without `removed`, as a copy (`sums` stays the older reading's);
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
