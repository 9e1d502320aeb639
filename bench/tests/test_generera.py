"""The synthetic municipality (`bench/generera.py`) and the comparison with hledger and ledger.

A small municipality — two committees × two years × 3 001 SIE rows — is
generated once through the real budget and SIE imports. The ledgers must load
clean; their utfall per account and month must be the SIE files' own #TRANS
sums (read back by the SIE parser, not by the generator); their budget what the
generator decided; and Debian's hledger and ledger, run for real on the
journals, must report the engine's utfall and budget per verksamhet.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from namndbok.importers.sie.parser import parse_sie
from namndbok.importers.sie.writer import write_sie
from namndbok.accounts import KIND_INTAKT, KIND_KOMMUNBIDRAG, KIND_KOSTNAD, parse_account
from namndbok.budget import lines_in_effect
from namndbok.ledgerdata import read_ledger
from namndbok.loading import load
from namndbok.scripts.cli import main
from bench.generera import AVRAKNING, KOMMUNBIDRAG, committees, decide_budget, generate, vouchers
from bench.jamfor import TOOLS, engine_per_verksamhet, parse_hledger, parse_ledger, per_verksamhet, tool_command


YEARS = [2025, 2026]
ROWS = 3001


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("kommun"), 2, YEARS, ROWS, verksamheter=6)


@pytest.fixture(scope="module")
def loaded(town):
    """committee name → (entries, errors, LedgerData)."""
    out = {}
    for committee in town.committees:
        entries, errors, options = load(town.ledger(committee))
        out[committee.name] = (entries, errors, read_ledger(entries, options))
    return out


def _ore(amount: Decimal) -> int:
    return int(amount * 100)


def test_every_generated_ledger_loads_through_beancount_and_our_plugins_without_errors(town, loaded):
    assert [c.name for c in town.committees] == ["Socialnämnden", "Utbildningsnämnden"]
    for committee in town.committees:
        entries, errors, data = loaded[committee.name]
        assert errors == []
        assert set(data.kontoplaner) == {committee.name}
        assert len(data.kontoplaner[committee.name].verksamheter) == 6


def test_a_generated_committee_in_fava_has_our_views_and_favas_budget_columns(town, loaded):
    """Opened in real Fava, a generated committee's year budget in Fava's own budget
    module is the engine's (each month rounded to öre for Fava's display)."""
    from fava.core import FavaLedger

    committee = town.committees[0]
    _, _, data = loaded[committee.name]
    fava = FavaLedger(str(town.ledger(committee)))
    assert fava.extensions.get_extension("Namndbok") is not None
    year = YEARS[-1]
    root = f"Kostnader:{committee.name}"
    shown = fava.budgets.calculate_children(root, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))["SEK"]
    lines = [l for l in lines_in_effect(data.decisions, data.budget_lines, year, datetime.date(year, 12, 31))
             if l.account.startswith(root + ":")]
    assert lines
    assert abs(shown - sum(l.amount for l in lines)) <= Decimal("0.06") * len({l.account for l in lines})


def test_the_sie_files_have_exactly_the_rows_asked_for_and_are_the_same_from_the_same_seed(town):
    for committee in town.committees:
        for year in YEARS:
            data = town.sie(committee, year).read_bytes()
            assert len(re.findall(rb"^\s*#TRANS ", data, re.MULTILINE)) == ROWS
            again = write_sie(committee.company(year), vouchers(committee, year, ROWS, decide_budget(committee, year, 1), 1))
            assert again == data


def test_utfall_per_account_and_month_is_the_sie_files_own_sums(town, loaded):
    for committee in town.committees:
        data = loaded[committee.name][2]
        in_ledger: dict = defaultdict(int)
        for account, by_date in data.utfall.items():
            ref = parse_account(account, data.roots)
            if ref.kind not in (KIND_INTAKT, KIND_KOSTNAD, KIND_KOMMUNBIDRAG):
                continue
            konto = "Kommunbidrag" if ref.kind == KIND_KOMMUNBIDRAG else ref.konto
            for day, amount in by_date.items():
                in_ledger[ref.verksamhet, konto, ref.ansvar, day.year, day.month] += _ore(amount)
        in_sie: dict = defaultdict(int)
        for year in YEARS:
            path = town.sie(committee, year)
            for voucher in parse_sie(path.read_bytes(), str(path)).vouchers:
                for row in voucher.rows:
                    if row.konto == AVRAKNING:
                        continue
                    dims = dict(row.objekt)
                    konto = "Kommunbidrag" if row.konto == KOMMUNBIDRAG else row.konto
                    in_sie[dims["20"], konto, dims.get("1"), row.date.year, row.date.month] += _ore(row.amount)
        assert len(in_sie) > 500
        assert {k: v for k, v in in_ledger.items() if v} == {k: v for k, v in in_sie.items() if v}


def test_the_budget_in_the_ledger_is_what_the_generator_decided(town, loaded):
    for committee in town.committees:
        data = loaded[committee.name][2]
        for year in YEARS:
            found: dict = defaultdict(int)
            for line in lines_in_effect(data.decisions, data.budget_lines, year, datetime.date(year, 12, 31)):
                ref = parse_account(line.account, data.roots)
                found[ref.verksamhet, "Kommunbidrag" if ref.kind == KIND_KOMMUNBIDRAG else ref.konto] += _ore(line.amount)
            decided = town.budgets[committee.name, year]
            assert dict(found) == decided
            assert sum(decided.values()) == 0  # the kommunbidrag covers the net cost


def _tool_totals(tool: str, journal: Path, year: int, roots):
    done = subprocess.run(tool_command(tool, journal, year), capture_output=True, text=True, check=True)
    return per_verksamhet(parse_hledger(done.stdout) if tool == "hledger" else parse_ledger(done.stdout), roots)


@pytest.mark.parametrize("tool", TOOLS)
def test_hledger_and_ledger_report_the_engines_utfall_and_budget_per_verksamhet(tool, town, loaded):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} saknas (apt-get install {tool})")
    for committee in town.committees:
        data = loaded[committee.name][2]
        journal = town.ledger(committee).with_suffix(".journal" if tool == "hledger" else ".ledger")
        for year in YEARS:
            ours = engine_per_verksamhet(data, year)
            decided = town.budgets[committee.name, year]
            # The engine's budget per verksamhet is the generator's (netto: intäkter and kostnader, the committee's sign).
            assert {v: b for v, (_, b) in ours.items()} == {
                code: Decimal(-sum(ore for (v, k), ore in decided.items() if v == code and k != "Kommunbidrag")) / 100
                for code, _ in committee.verksamheter}
            assert _tool_totals(tool, journal, year, data.roots) == ours


@pytest.mark.parametrize("tool", TOOLS)
def test_the_example_committees_journals_give_the_engines_totals_too(tool, tmp_path, example_ledger):
    """The example budgets at nämnd level and with profiles and fjolår keys: still the same per verksamhet."""
    from bench.journaler import write_journals

    if shutil.which(tool) is None:
        pytest.skip(f"{tool} saknas (apt-get install {tool})")
    entries, _, options = example_ledger
    data = read_ledger(entries, options)
    journals = write_journals(data, entries, tmp_path, "exempel")
    for year in (2025, 2026):
        ours = engine_per_verksamhet(data, year)
        assert len(ours) == (12 if year == 2026 else 11)  # eleven verksamheter; in 2026 also the nämnd-level saving
        assert _tool_totals(tool, journals[tool], year, data.roots) == ours


def test_a_generated_committee_reports(tmp_path):
    target = tmp_path / "kommun"
    town = generate(target, 1, [2026], 200, verksamheter=2)
    ledger = town.ledger(town.committees[0])
    assert ledger == target / "socialnamnden" / "socialnamnden.beancount"
    assert sorted(p.name for p in ledger.parent.iterdir()) == [
        ".namndbok-skrivlas", "2026", "import", "import.toml", "kontoplan.toml", "periodisering.toml",
        "socialnamnden.beancount", "socialnamnden.journal", "socialnamnden.ledger"]
    report = CliRunner().invoke(main, ["uppfoljning", str(ledger), "--per", "2026-12", "--grupp", "verksamhet"])
    assert report.exit_code == 0, report.output
    # Not on a terminal: the plain full-width table, a row per line.
    assert [line.split()[0] for line in report.output.splitlines() if re.match(r"\d{3} ", line)] == ["010", "200"]


def test_the_committees_differ_in_their_verksamheter():
    first, second = committees(2, 6)
    assert [c for c, _ in first.verksamheter] != [c for c, _ in second.verksamheter]
    assert first.orgnr != second.orgnr
