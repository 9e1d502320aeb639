"""Check budget and prognos directives.

The ledger holds budget decisions (`custom "budgetbeslut"`), their lines
(`custom "budgetrad"`) and prognoses (`custom "prognos"`), see
`namndbok.budget` and `namndbok.prognos`. This plugin

1. refuses what cannot be right, at its file and line, in Swedish: a line for a
   decision that does not exist, a decision without its reference, a budget or
   prognos on a balance-sheet account, an unknown periodisering key
   (`namndbok.plan_lines`);
2. warns (the message starts with "Varning:") after each decision that leaves a
   year's budget out of balance for a nämnd;
3. refuses a `fava=` that names no budget decision.

It adds no entries. Fava's own budget columns come from the Fava extension, which
answers for Fava's budget module after each load (`namndbok.fava_budget`);
`fava=` names the budget version they show (default: the budget after the last
decision).

    plugin "namndbok.plugins.namndbok" "kontoplan=kontoplan.toml; periodisering=periodisering.toml; fava=KF-budget 2026"

(a stage of namndbok.plugins.namndbok), or on its own single-stage line:

    plugin "namndbok.plugins.budget" "periodisering.toml"
    plugin "namndbok.plugins.budget" "periodisering.toml; fava=KF-budget 2026"

Example: with

    2025-12-10 custom "budgetbeslut" "Internbudget 2026"
      typ: "internbudget"
      beslut: "SN 2025-12-10 §150"
    2026-01-01 custom "budgetrad" "Internbudget 2026" Kostnader:Socialnämnden:5731  120000.00 SEK

the plugin warns that the budget 2026 is not in balance (no kommunbidrag line).
"""

from __future__ import annotations

from beancount.core import data

from namndbok.budget import LedgerInputError, balance_warnings
from namndbok.collector import paused_plugin
from namndbok.ledgerdata import read_ledger
from namndbok.plan_lines import fava_version_known, usable_plan_lines

__plugins__ = ("budget",)


@paused_plugin
def budget(entries, options_map, config=None):
    """The single-stage plugin line (namndbok.plugins.namndbok runs `check` in its pipeline)."""
    return entries, check(read_ledger(entries, options_map))


def check(ledger) -> list:
    """The errors and warnings of the reading's budget and prognos directives and settings."""
    if ledger.kontoplan_errors:
        return []  # namndbok.plugins.kontoplan says why; without the kontoplan no line can be checked
    usable, line_errors = usable_plan_lines(ledger)
    errors = [*ledger.errors, *line_errors]
    if not fava_version_known(ledger):
        version = ledger.budget_config.fava_version
        known = ", ".join(f'"{d.name}"' for d in ledger.decisions)
        what = f"Skriv namnet på ett av besluten ({known}) eller ta bort fava=." if known else \
            "Liggaren har inga budgetbeslut än; ta bort fava= från plugin-raden."
        errors.append(LedgerInputError(data.new_metadata(ledger.options.get("filename") or "", 0), (
            f'fava="{version}" på plugin-raden för namndbok.plugins.budget är inget budgetbeslut, så Fava visar ingen budget. {what}'),
            None))
    errors += balance_warnings(ledger.decisions, usable, ledger.refs)
    return errors
