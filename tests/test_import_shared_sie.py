"""Every real SIE file in ../shared/sie imports into a ledger, or is refused with a clear reason.

A file that parses gets a ledger of its own: a kontoplan drafted from the file
(`namndbok kontoplan`), results without a cost centre on verksamhet "000". The
import must keep every account's total, and importing again must add nothing.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data as bc_data
from click.testing import CliRunner

from namndbok.importers.model import SourceError
from namndbok.accounts import Roots, parse_account
from namndbok.importers.sie.kontoplan import kontoplan_from_sie
from namndbok.importers.sie.parser import check_control_totals, parse_sie
from namndbok.scripts.cli import main

from conftest import ROOT_OPTIONS, SHARED, needs_shared, shared_files

FILES = shared_files("sie")
pytestmark = needs_shared("sie")


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


MINIMAL_PLAN = 'namnd = "Företaget"\n[verksamheter]\n"000" = { namn = "Ej angiven", grupp = "G" }\n[konton]\n"1930" = { namn = "Bank" }\n'


def make_ledger(tmp_path: Path, sie=None) -> Path:
    plan = kontoplan_from_sie(sie, "Företaget", verksamhet_dim="1", ansvar_dim=None, saknas="000") if sie else MINIMAL_PLAN
    (tmp_path / "kontoplan.toml").write_text(plan, encoding="utf-8")
    (tmp_path / "import.toml").write_text('[sie]\nverksamhet = "1"\nansvar = ""\nprojekt = "6"\nverksamhet_saknas = "000"\n', encoding="utf-8")
    ledger = tmp_path / "main.beancount"
    ledger.write_text(ROOT_OPTIONS + 'option "operating_currency" "SEK"\nplugin "namndbok.plugins.kontoplan" "kontoplan.toml"\n', encoding="utf-8")
    return ledger


def konto_totals(ledger: Path) -> dict[str, Decimal]:
    entries, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in bc_data.filter_txns(entries):
        for posting in entry.postings:
            totals[parse_account(posting.account, Roots()).konto] += posting.units.number
    return {k: v for k, v in totals.items() if v}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_shared_sie_file(tmp_path, path):
    try:
        sie = parse_sie(path.read_bytes(), str(path))
    except SourceError as err:
        # Refused by the reader: Swedish, with the file and the line.
        assert err.path == str(path) and err.line > 0 and "Rätta" in err.message or "kräver" in err.message
        code, out = run("import", path, make_ledger(tmp_path), "--format", "sie")
        assert code == 1 and f"{path}:{err.line}:" in out
        return
    ledger = make_ledger(tmp_path, sie)
    code, out = run("import", path, ledger, "--format", "sie")
    problems = check_control_totals(sie)
    if problems:
        assert code == 1 and "stämmer inte med sina egna kontrollsummor" in out, out
        return
    if not sie.vouchers and not [t for t in sie.psaldo if t.label.startswith("#PSALDO 0 ") and not t.objekt]:
        assert code == 1 and "innehåller bara årssaldon" in out, out
        return
    assert code == 0, out
    # Every account's total is the file's own.
    if sie.vouchers:
        expected: dict[str, Decimal] = defaultdict(Decimal)
        for voucher in sie.vouchers:
            for row in voucher.rows:
                expected[row.konto] += row.amount
        assert konto_totals(ledger) == {k: v for k, v in expected.items() if v}
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.beancount")}
    code, out = run("import", path, ledger, "--format", "sie")
    assert code == 0 and "Inget nytt" in out, out
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.beancount")} == before


@pytest.mark.parametrize("name", ["BLBLOV_SIE2.SE", "BLBLOV_SIE3.SE"])
def test_period_balances_import_as_monthly_utfall(tmp_path, name):
    """A type 2/3 file has no vouchers: its year-0 #PSALDO become the months' utfall."""
    path = SHARED / "sie" / name
    sie = parse_sie(path.read_bytes(), str(path))
    ledger = make_ledger(tmp_path, sie)
    code, out = run("import", path, ledger, "--format", "sie")
    assert code == 0, out
    start, end = sie.rar[0]
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for total in sie.psaldo:
        if total.label.startswith("#PSALDO 0 ") and not total.objekt and f"{start:%Y%m}" <= total.period <= f"{end:%Y%m}":
            expected[total.konto] += total.amount
    # The months add up to the year's own totals: #RES for result accounts, #UB − #IB for balances.
    res = {t.konto: t.amount for t in sie.res if t.period == "0"}
    assert all(expected[k] == v for k, v in res.items() if k in expected)
    found = konto_totals(ledger)
    assert found == {k: v for k, v in expected.items() if v}
