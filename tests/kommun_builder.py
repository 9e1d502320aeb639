"""A small kommun for the tests: two copies of the example committee as two nämnder, and a
finansförvaltning ledger written here (skatteintäkter, statsbidrag, finansnetto, kommunbidrag)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from conftest import EXAMPLE_DIR, ROOT_OPTIONS

FINANS_KONTOPLAN = """\
namnd = "Finansförvaltningen"
namn = "Finansförvaltningen"
kommun = "Testkommun"

[verksamheter]
"Fin" = { namn = "Finansförvaltning", grupp = "Finansförvaltning" }

[konton]
"1930" = { namn = "Bank" }
"8010" = { namn = "Kommunalskatt", typ = "intäkt" }
"8210" = { namn = "Inkomstutjämningsbidrag", typ = "intäkt" }
"8410" = { namn = "Ränteintäkter", typ = "intäkt" }
"8510" = { namn = "Räntekostnader", typ = "kostnad" }
"KB" = { namn = "Kommunbidrag till nämnderna", typ = "kostnad", finanspost = "kommunbidrag" }
"""

# Per month of 2026 (Beancount sign), the year's budget and the October prognos, per konto.
MONTHLY = {"8010": Decimal("-170000000"), "8210": Decimal("-25000000"), "8410": Decimal("-1000000"),
           "8510": Decimal("2500000")}
BUDGET = {"8010": Decimal("-2050000000"), "8210": Decimal("-300000000"), "8410": Decimal("-12000000"),
          "8510": Decimal("30000000")}
PROGNOS = {"8010": Decimal("-2040000000"), "8210": Decimal("-301000000"), "8410": Decimal("-12500000"),
           "8510": Decimal("29000000")}


def copy_namnd(kommun: Path, folder: str, namn: str) -> Path:
    """A copy of the example as a nämnd of `kommun`, printed as `namn` (its kontoplan's namn and the title)."""
    target = kommun / folder
    shutil.copytree(EXAMPLE_DIR, target, ignore=shutil.ignore_patterns("rapporter"))
    ledger = target / "socialnamnden.beancount"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace(
        'option "title" "Socialnämnden – Exempelkommun"', f'option "title" "{namn} – Testkommun"'), encoding="utf-8")
    plan = target / "kontoplan.toml"
    plan.write_text(plan.read_text(encoding="utf-8").replace('namn = "Socialnämnden"', f'namn = "{namn}"'), encoding="utf-8")
    return ledger


def finans_text(kommunbidrag_budget: Decimal, kommunbidrag_utfall: Decimal, months: int = 10) -> str:
    """The finansförvaltning's main file: a budget, one posting per month and konto, the kommunbidrag paid
    to date at the period's end, and a prognos per konto at the period's end (kronor, committee sign given)."""
    lines = [ROOT_OPTIONS, 'option "title" "Finansförvaltningen – Testkommun"\n', 'option "operating_currency" "SEK"\n',
             'option "account_previous_earnings" "Tidigare-års-resultat"\n',
             'plugin "namndbok.plugins.namndbok" "kontoplan=kontoplan.toml"\n\n',
             '2025-11-24 custom "budgetbeslut" "KF-budget 2026"\n  typ: "kf-budget"\n  beslut: "KF 2025-11-24 §210"\n\n']
    account = {nr: f"{'Kostnader' if nr in ('8510', 'KB') else 'Intäkter'}:Finansförvaltningen:Fin:{nr}"
               for nr in (*MONTHLY, "KB")}
    for nr, amount in {**BUDGET, "KB": kommunbidrag_budget}.items():
        lines.append(f'2026-01-01 custom "budgetrad" "KF-budget 2026" {account[nr]}  {amount:.2f} SEK\n')
    for month in range(1, months + 1):
        lines.append(f'\n2026-{month:02d}-25 * "Finansförvaltningen {month:02d}"\n')
        for nr, amount in MONTHLY.items():
            lines.append(f"  {account[nr]}  {amount:.2f} SEK\n")
        lines.append("  Tillgångar:Finansförvaltningen:1930\n")
    lines.append(f'\n2026-{months:02d}-28 * "Kommunbidrag till nämnderna t.o.m. {months:02d}"\n'
                 f"  {account['KB']}  {kommunbidrag_utfall:.2f} SEK\n  Tillgångar:Finansförvaltningen:1930\n\n")
    end = {10: "31", 8: "31"}.get(months, "28")
    for nr, amount in {**PROGNOS, "KB": kommunbidrag_budget}.items():
        lines.append(f'2026-{months:02d}-{end} custom "prognos" {account[nr]}  {amount:.2f} SEK\n')
    return "".join(lines)


def build_kommun(root: Path) -> Path:
    """The kommun in `root`/kommun: nämnder omsorgsnamnden and socialnamnden (the finansförvaltning: `add_finans`)."""
    kommun = root / "kommun"
    kommun.mkdir()
    (kommun / "kommun.toml").write_text('namn = "Testkommun"\n', encoding="utf-8")
    copy_namnd(kommun, "socialnamnden", "Socialnämnden")
    copy_namnd(kommun, "omsorgsnamnden", "Omsorgsnämnden")
    return kommun


def add_finans(kommun: Path, kommunbidrag_budget: Decimal, kommunbidrag_utfall: Decimal, kontoplan: str = FINANS_KONTOPLAN) -> Path:
    """The finansförvaltning's folder in `kommun`, paying out the kommunbidrag given (kronor, positive): its main file."""
    folder = kommun / "finansforvaltning"
    folder.mkdir(exist_ok=True)
    (folder / "kontoplan.toml").write_text(kontoplan, encoding="utf-8")
    ledger = folder / "finans.beancount"
    ledger.write_text(finans_text(kommunbidrag_budget, kommunbidrag_utfall), encoding="utf-8")
    return ledger
