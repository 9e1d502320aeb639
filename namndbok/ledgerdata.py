"""Everything the engine needs from a loaded ledger, read once.

`read_ledger(entries, options_map)` is pure over the entries: it sums utfall
per account and date, parses budget decisions, budget lines and prognoses, and
finds the kontoplan and periodisering files through the ledger's own plugin
lines (so the ledger's main file is the one place that says which files
belong to it). The plugins and the engine both start here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
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
from namndbok.budget import BudgetDecision, BudgetLine, LedgerInputError, parse_budget
from namndbok.kontoplan import Kontoplan, KontoplanError, load_kontoplaner
from namndbok.periodisering import DEFAULT, Periodisering, PeriodiseringError, load_periodisering
from namndbok.prognos import PrognosLine, parse_prognos

KONTOPLAN_PLUGIN = "plugins.kontoplan"
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
    cache: dict  # computed once per read: monthly utfall for the fjolår key

    def grupp_of(self, ref: AccountRef) -> str | None:
        plan = self.kontoplaner.get(ref.namnd)
        if plan is None or ref.verksamhet not in plan.verksamheter:
            return None
        return plan.verksamheter[ref.verksamhet].grupp

    def monthly_utfall(self, account: str, year: int) -> tuple[Decimal, ...]:
        """Twelve monthly sums of utfall on `account` and its sub-accounts."""
        key = (account, year)
        if key not in self.cache:
            months = [Decimal(0)] * 12
            prefix = account + ":"
            for name, by_month in self._months_of_year(year).items():
                if name == account or name.startswith(prefix):
                    for month, amount in by_month.items():
                        months[month - 1] += amount
            self.cache[key] = tuple(months)
        return self.cache[key]

    def _months_of_year(self, year: int) -> dict[str, dict[int, Decimal]]:
        """Utfall per account and month of `year`, summed once for all accounts."""
        key = ("månader", year)
        if key not in self.cache:
            out: dict[str, dict[int, Decimal]] = {}
            for name, by_date in self.utfall.items():
                for date, amount in by_date.items():
                    if date.year == year:
                        by_month = out.setdefault(name, {})
                        by_month[date.month] = by_month.get(date.month, Decimal(0)) + amount
            self.cache[key] = out
        return self.cache[key]


def plugin_config(options_map: dict, module: str) -> str | None:
    for name, config in options_map.get("plugin", []):
        if name == module:
            return config
    return None


def read_ledger(entries, options_map: dict) -> LedgerData:
    errors: list = []
    roots = Roots.from_options(options_map)
    currency = (options_map.get("operating_currency") or ["SEK"])[0]
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

    utfall: dict[str, dict[datetime.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    ek_postings = []
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.units.currency == currency:
                    utfall[posting.account][entry.date] += posting.units.number
                    if posting.account.startswith(roots.eget_kapital + ":"):
                        ek_postings.append((entry, posting))

    decisions, budget_lines, budget_errors = parse_budget(entries, currency)
    prognos, prognos_errors = parse_prognos(entries, currency)
    errors += budget_errors + prognos_errors

    refs: dict[str, AccountRef] = {}
    names = set(utfall) | {l.account for l in budget_lines} | {l.account for l in prognos}
    for name in names:
        try:
            ref = parse_account(name, roots)
        except AccountNameError:
            continue  # plugins.kontoplan reports it
        plan = kontoplaner.get(ref.namnd)
        if ref.kind == KIND_TILLGANG and plan and ref.konto in plan.konton and plan.konton[ref.konto].investering:
            ref = ref._replace(kind=KIND_INVESTERING)
        refs[name] = ref

    eget_kapital = []
    for entry, posting in ek_postings:
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
        currency=currency,
        kontoplaner=kontoplaner,
        refs=refs,
        utfall={name: dict(by_date) for name, by_date in utfall.items()},
        decisions=decisions,
        budget_lines=budget_lines,
        prognos=prognos,
        periodisering=periodisering,
        budget_config=budget_config,
        eget_kapital=eget_kapital,
        errors=errors,
        kontoplan_errors=kontoplan_errors,
        cache={},
    )
