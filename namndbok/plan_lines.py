"""Which budget and prognos lines the engine can use, and why the others cannot.

A budget or prognos belongs on a result account (kommunbidrag, intäkter,
kostnader) or an investment account, and a budget line's periodisering key must
exist. `usable_plan_lines` is pure over a `LedgerData`: the usable budget lines,
and an error at each line that is not (namndbok.plugins.budget reports them; the Fava
extension builds Fava's budget columns from the usable ones). A line on an
account that does not parse is left out without an error here: namndbok.plugins.kontoplan
reports the account.
"""

from __future__ import annotations

from namndbok.accounts import KIND_INVESTERING, RESULT_KINDS
from namndbok.budget import BudgetLine, LedgerInputError
from namndbok.periodisering import EVEN, LAST_YEAR, is_known_key

BUDGETED_KINDS = (*RESULT_KINDS, KIND_INVESTERING)


def usable_plan_lines(ledger) -> tuple[list[BudgetLine], list[LedgerInputError]]:
    """The budget lines the engine can spread over the year, and the errors of the rest
    (and of each prognos on an account that cannot have one)."""
    errors = []
    known_keys = sorted(set(ledger.periodisering.profiler) | {EVEN, LAST_YEAR})
    usable = []
    for line in ledger.budget_lines:
        ref = ledger.refs.get(line.account)
        if ref is None:
            continue
        if ref.kind not in BUDGETED_KINDS:
            errors.append(LedgerInputError(line.meta, f"Budget sätts på resultatkonton (kommunbidrag, intäkter, kostnader) och investeringskonton, inte på {line.account}.", None))
        elif line.nyckel is not None and not is_known_key(line.nyckel, ledger.periodisering):
            errors.append(LedgerInputError(line.meta, f"Periodiseringsnyckeln '{line.nyckel}' finns inte; kända nycklar: {', '.join(known_keys)}, eller egna vikter som \"vikter: 1 1 1 1 1 1 1 1 1 1 1 1\".", None))
        else:
            usable.append(line)
    for line in ledger.prognos:
        ref = ledger.refs.get(line.account)
        if ref is not None and ref.kind not in BUDGETED_KINDS:
            errors.append(LedgerInputError(line.meta, f"Prognos görs på resultatkonton (kommunbidrag, intäkter, kostnader) och investeringskonton, inte på {line.account}.", None))
    return usable, errors


def fava_version_known(ledger) -> bool:
    """Whether the budget version Fava is to show (`fava=` on the namndbok.plugins.budget line) is a
    decision of the ledger; no `fava=` is the budget after the last decision."""
    version = ledger.budget_config.fava_version
    return version is None or any(d.name == version for d in ledger.decisions)
