"""Our budget report against hledger's and ledger-cli's on the same data: the totals checked.

For the generated committees (`bench/generera.py`) and the example, the same
year's budget-vs-utfall report by hledger and ledger-cli on the journals
`bench/journaler.py` writes from the loaded ledger:

- hledger: `hledger -f J balance --budget -Y -b ÅÅÅÅ-01-01 -e ÅÅÅÅ+1-01-01 -O csv ^Intäkter ^Kostnader`;
- ledger: `ledger -f J budget -b … -e … --flat` with a tab-separated format.

The year's utfall and budget per verksamhet (intäkter and kostnader, the
committee's sign) from their output must equal our engine's (`engine.compute`,
the numbers `uppfoljning` prints): `bench/tests/test_generera.py` checks it.
Both tools print inclusive amounts for the budgeted accounts and their parents,
so each account's own part is its amount less its listed children's before the
parts are summed per verksamhet.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from collections import defaultdict
from decimal import Decimal

from namndbok.accounts import KIND_INTAKT, KIND_KOSTNAD, AccountNameError, Roots, parse_account
from namndbok.swedish import format_number

TOOLS = ("hledger", "ledger")
QUERY = ("^Intäkter", "^Kostnader")
LEDGER_FORMAT = "%(quantity(scrub(get_at(display_total, 0))))\t%(quantity(-scrub(get_at(display_total, 1))))\t%(account)\n"
UNBUDGETED = "<unbudgeted>:"

Totals = dict  # verksamhet (None: nämnd level) → (utfall, budget), the committee's sign


def tool_command(tool: str, journal: Path, year: int) -> list[str]:
    period = ["-b", f"{year}-01-01", "-e", f"{year + 1}-01-01"]
    if tool == "hledger":
        return ["hledger", "-f", str(journal), "balance", "--budget", "-Y", *period, "-O", "csv", *QUERY]
    return ["ledger", "-f", str(journal), "budget", *period, "--flat", "--budget-format", LEDGER_FORMAT, *QUERY]


def _number(text: str) -> Decimal:
    text = text.strip().removesuffix("SEK").strip()
    return Decimal(text) if text else Decimal(0)


def parse_hledger(text: str) -> dict[str, tuple[Decimal, Decimal]]:
    """account → (actual, budget) from `balance --budget -O csv` with one period column."""
    rows = list(csv.reader(io.StringIO(text)))
    return {r[0].removeprefix(UNBUDGETED): (_number(r[1]), _number(r[2])) for r in rows[1:] if r and r[0] != "Total:"}


def parse_ledger(text: str) -> dict[str, tuple[Decimal, Decimal]]:
    """account → (actual, budget) from `budget` with LEDGER_FORMAT (the total line has no account)."""
    out = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].strip():
            out[parts[2].strip()] = (_number(parts[0]), _number(parts[1]))
    return out


def per_verksamhet(inclusive: dict[str, tuple[Decimal, Decimal]], roots: Roots) -> Totals:
    """Each listed account's own part (less its nearest listed children), summed per verksamhet,
    intäkter and kostnader only, in the committee's sign."""
    own = {account: list(amounts) for account, amounts in inclusive.items()}
    for account, (actual, budget) in inclusive.items():
        parts = account.split(":")
        parent = next((":".join(parts[:n]) for n in range(len(parts) - 1, 0, -1) if ":".join(parts[:n]) in own), None)
        if parent:
            own[parent][0] -= actual
            own[parent][1] -= budget
    totals: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for account, (actual, budget) in own.items():
        try:
            ref = parse_account(account, roots)
        except AccountNameError:
            continue
        if ref.kind in (KIND_INTAKT, KIND_KOSTNAD) and (actual or budget):
            totals[ref.verksamhet][0] -= actual
            totals[ref.verksamhet][1] -= budget
    return {key: (u, b) for key, (u, b) in totals.items()}


def engine_per_verksamhet(data, year: int) -> Totals:
    """The engine's utfall and budget helår per verksamhet at 31 December (what `uppfoljning` prints)."""
    from namndbok.engine import compute

    table = compute(data, datetime.date(year, 12, 31), group_by=("verksamhet",), kinds=(KIND_INTAKT, KIND_KOSTNAD))
    return {row.key[0]: (row.measures.utfall or Decimal(0), row.measures.budget_helar or Decimal(0)) for row in table.rows}


def differences(tool: str, ours: Totals, theirs: Totals) -> list[str]:
    out = []
    for key in sorted(set(ours) | set(theirs), key=lambda k: k or ""):
        a, b = ours.get(key, (Decimal(0), Decimal(0))), theirs.get(key, (Decimal(0), Decimal(0)))
        for i, measure in enumerate(("utfall", "budget")):
            if a[i] != b[i]:
                out.append(f"{tool}: verksamhet {key or '(nämnden)'} {measure} {format_number(b[i], 2)} kr, "
                           f"Nämndbok {format_number(a[i], 2)} kr")
    return out
