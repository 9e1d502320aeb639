"""Förslag till prognos (namndbok.prognos_forslag, `namndbok prognos forslag`): the example's figures
against sums of its raw postings made here, month by month; the periodised budget where a konto has no
history; January, December, a closed year, a kvot across signs; the CLI from another folder."""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from beancount import loader
from beancount.core import data as bc_data

from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger
from namndbok.nyckeltal import NyckeltalSpec, parse_volumes
from namndbok.prognos_forslag import (BUDGET, CLOSED, HISTORY, UNSCALED, UNSPREAD, WHOLE_YEAR, ForslagError,
                                      suggest, suggested_amounts)
from namndbok.swedish import format_number
from namndbok.export.csv_excel import excel_cell

from conftest import EXAMPLE_LEDGER, run

D = Decimal
OCTOBER = datetime.date(2026, 10, 31)


def raw_months(entries, prefix: str, ansvar: str | None = None) -> dict[tuple[int, int], Decimal]:
    """(year, month) → the sum of every posting on `prefix` and below (of one ansvar, the last part,
    where given), straight from Beancount's transactions."""
    months: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for entry in entries:
        if not isinstance(entry, bc_data.Transaction):
            continue
        for posting in entry.postings:
            name = posting.account
            if name.startswith(prefix + ":") and (ansvar is None or name.split(":")[-1] == ansvar):
                months[(entry.date.year, entry.date.month)] += posting.units.number
    return months


def by_pattern(months, year: int, month: int) -> Decimal:
    """The rule worked by hand: utfall jan–M + last year's M+1–12 × (jan–M / last year's jan–M)."""
    so_far = sum(months[(year, m)] for m in range(1, month + 1))
    last_so_far = sum(months[(year - 1, m)] for m in range(1, month + 1))
    last_rest = sum(months[(year - 1, m)] for m in range(month + 1, 13))
    return (so_far + last_rest * so_far / last_so_far).quantize(D(1), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def example():
    entries, errors, options = loader.load_file(str(EXAMPLE_LEDGER))
    return entries, read_ledger(entries, options)


def row(table, verksamhet, kind, ansvar=None):
    matches = [r for r in table.rows if (r.verksamhet, r.kind, r.ansvar) == (verksamhet, kind, ansvar)]
    assert len(matches) == 1, (verksamhet, kind, ansvar, matches)
    return matches[0]


def test_5731_kostnader_follow_last_years_months_at_this_years_level(example):
    entries, data = example
    months = raw_months(entries, "Kostnader:Socialnämnden:5731")
    # every konto × ansvar booked in 2026 was booked in 2025 too: the whole verksamhet has history
    booked = {p.account for e in entries if isinstance(e, bc_data.Transaction) for p in e.postings
              if p.account.startswith("Kostnader:Socialnämnden:5731:")}
    for account in booked:
        years = {e.date.year for e in entries if isinstance(e, bc_data.Transaction) for p in e.postings if p.account == account}
        assert 2025 in years or 2026 not in years, account
    expected = by_pattern(months, 2026, 10)
    suggestion = row(suggest(data, OCTOBER), "5731", "kostnad")
    assert suggestion.forslag == expected
    assert suggestion.utfall == sum(months[(2026, m)] for m in range(1, 11))
    assert suggestion.method == HISTORY
    assert suggestion.budget_helar == D("237958600.00")  # 2026/budget.beancount, 5731's kostnad lines
    assert suggestion.prognos == D("239982000.00")  # 2026/prognos/2026-10.beancount
    assert suggestion.account == "Kostnader:Socialnämnden:5731"


def test_an_ansvar_row_follows_its_own_accounts(example):
    entries, data = example
    months = raw_months(entries, "Kostnader:Socialnämnden:5731", ansvar="2200")
    suggestion = row(suggest(data, OCTOBER), "5731", "kostnad", "2200")
    assert suggestion.forslag == by_pattern(months, 2026, 10)
    assert suggestion.budget_helar is None and suggestion.prognos is None  # budget and prognos are per verksamhet


def test_intakter_keep_beancounts_sign(example):
    entries, data = example
    months = raw_months(entries, "Intäkter:Socialnämnden:610")
    suggestion = row(suggest(data, OCTOBER), "610", "intäkt")
    assert suggestion.forslag == by_pattern(months, 2026, 10) < 0


def test_january_scales_by_january_alone(example):
    entries, data = example
    months = raw_months(entries, "Kostnader:Socialnämnden:571")
    january = suggest(data, datetime.date(2026, 1, 31))
    assert row(january, "571", "kostnad").forslag == by_pattern(months, 2026, 1)
    assert row(january, "571", "kostnad").prognos is None  # the first follow-up is in February


def test_a_closed_year_is_its_utfall(example):
    entries, data = example
    months = raw_months(entries, "Kostnader:Socialnämnden:5732")
    suggestion = row(suggest(data, datetime.date(2025, 12, 31)), "5732", "kostnad")
    assert suggestion.method == CLOSED
    assert suggestion.forslag == sum(months[(2025, m)] for m in range(1, 13)).quantize(D(1), rounding=ROUND_HALF_UP)


def test_the_saving_on_the_namnd_itself_adds_nothing(example):
    _, data = example
    suggestion = row(suggest(data, OCTOBER), None, "kostnad")
    assert (suggestion.utfall, suggestion.forslag, suggestion.method) == (0, 0, UNSPREAD)
    assert suggestion.budget_helar == D("-10000000.00")


def test_utfall_so_far_is_the_engines(example):
    _, data = example
    table = suggest(data, OCTOBER)
    engine = compute(data, OCTOBER, group_by=("verksamhet", "typ"), kinds=("intäkt", "kostnad"))
    for r in engine.rows:
        if r.measures.utfall is not None:
            assert row(table, r.key[0], r.key[1]).utfall == -r.measures.utfall, r.key
    assert table.totals[-1].utfall == -engine.total.measures.utfall


def test_the_units_for_a_prognos_form(example):
    _, data = example
    amounts = suggested_amounts(data, OCTOBER)
    table = suggest(data, OCTOBER)
    unit = amounts[("Kostnader:Socialnämnden:5731", None)]
    assert (unit.amount, unit.method) == (row(table, "5731", "kostnad").forslag, HISTORY)
    assert amounts[("Kostnader:Socialnämnden:5731", "2500")].amount == row(table, "5731", "kostnad", "2500").forslag


NEW_BUDGET = """
2026-09-15 custom "budgetbeslut" "Tilläggsbudget ny verksamhet"
  typ: "tilläggsbudget"
  beslut: "SN 2026-09-15 §120"

2026-09-15 custom "budgetrad" "Tilläggsbudget ny verksamhet" Intäkter:Socialnämnden:010:3990  -120000.00 SEK
  nyckel: "kvartal"
2026-09-15 custom "budgetrad" "Tilläggsbudget ny verksamhet" Kostnader:Socialnämnden:010:5011  120000.00 SEK
2026-09-15 custom "budgetrad" "Tilläggsbudget ny verksamhet" Kostnader:Socialnämnden:5739:4650  600000.00 SEK
2026-09-15 custom "budgetrad" "Tilläggsbudget ny verksamhet" Intäkter:Socialnämnden:Kommunbidrag:5739  -600000.00 SEK
"""
NEW_UTFALL = """
2026-09-30 * "Ny intäkt september"
  Intäkter:Socialnämnden:010:3990:1000  -25000.00 SEK
  Tillgångar:Socialnämnden:1690
2026-10-31 * "Ny intäkt oktober"
  Intäkter:Socialnämnden:010:3990:1000  -35000.00 SEK
  Tillgångar:Socialnämnden:1690
"""


@pytest.fixture
def with_new_konton(example_copy):
    folder = example_copy.parent
    with open(folder / "2026" / "budget.beancount", "a", encoding="utf-8") as f:
        f.write(NEW_BUDGET)
    with open(folder / "2026" / "utfall" / "2026-10.beancount", "a", encoding="utf-8") as f:
        f.write(NEW_UTFALL)
    entries, errors, options = loader.load_file(str(example_copy))
    assert errors == []
    return example_copy, entries, read_ledger(entries, options)


def test_a_unit_without_history_follows_its_periodised_budget(with_new_konton):
    _, entries, data = with_new_konton
    suggestion = row(suggest(data, OCTOBER), "010", "intäkt")
    # utfall −25 000 − 35 000; the line's key "kvartal" (0 0 1 0 0 1 0 0 1 0 0 1 in periodisering.toml)
    # has put 3 of 4 parts in jan–okt, so the last quarter's −120 000 / 4 is still to come
    assert suggestion.utfall == D("-60000.00")
    assert suggestion.forslag == D(-60000 - 30000)
    assert suggestion.method == BUDGET
    assert suggestion.budget_helar == D("-120000.00")


def test_a_new_konto_beside_history_adds_its_budget_rest(with_new_konton):
    _, entries, data = with_new_konton
    months = raw_months(entries, "Kostnader:Socialnämnden:5739")
    suggestion = row(suggest(data, OCTOBER), "5739", "kostnad")
    # 4650 was never booked on 5739: its 600 000 spread evenly leaves nov–dec, 2/12 of it
    assert suggestion.forslag == by_pattern(months, 2026, 10) + 100000
    assert suggestion.method == f"{HISTORY} + {BUDGET}"
    # 010:5011 has history: its new line is answered by the pattern and adds nothing
    assert row(suggest(data, OCTOBER), "010", "kostnad").method == HISTORY


def ledger_body() -> str:
    """2025: 100 000 a month on 5731:4610:2200, 200 000 in oct–dec; 2026 jan–okt: 110 000 a month.
    A revenue booked +5 000 in January 2025 (a correction) and −30 000 in November, −10 000 in February 2026.
    5732:4620 budgeted 1 200 000 (jämn) and never booked. Vårddygn 2025 jan–okt 100 a month, 2026 90.
    5733:4630 moved from ansvar 2100 (2025: 100 000 a month) to 2400 (2026: 120 000 a month), which is
    budgeted 1 500 000 (jämn) on its own."""
    out = ['2025-12-10 custom "budgetbeslut" "Budget 2026"\n  typ: "internbudget"\n  beslut: "SN 2025-12-10 §2"\n',
           '2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:5732:4620  1200000.00 SEK\n',
           '2026-01-01 custom "budgetrad" "Budget 2026" Intäkter:Socialnämnden:Kommunbidrag:5732  -1200000.00 SEK\n',
           '2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:5733:4630:2400  1500000.00 SEK\n',
           '2026-01-01 custom "budgetrad" "Budget 2026" Intäkter:Socialnämnden:Kommunbidrag:5733  -1500000.00 SEK\n']
    for year, month, amount in ([(2025, m, 100000 if m < 10 else 200000) for m in range(1, 13)]
                                + [(2026, m, 110000) for m in range(1, 11)]):
        end = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).isoformat()
        out.append(f'{end} * "Utfall"\n  Kostnader:Socialnämnden:5731:4610:2200  {amount}.00 SEK\n  Tillgångar:Socialnämnden:1690\n')
        moved = "5733:4630:2100  100000" if year == 2025 else "5733:4630:2400  120000"
        out.append(f'{end} * "Utfall"\n  Kostnader:Socialnämnden:{moved}.00 SEK\n  Tillgångar:Socialnämnden:1690\n')
        if month <= 10:
            out.append(f'{end} custom "volym" Kostnader:Socialnämnden:5731 "vårddygn" {100 if year == 2025 else 90}\n  ansvar: "2200"\n')
    for day, amount in (("2025-01-31", "5000.00"), ("2025-11-30", "-30000.00"), ("2026-02-28", "-10000.00")):
        out.append(f'{day} * "Egenavgift"\n  Intäkter:Socialnämnden:5731:3340:2200  {amount} SEK\n  Tillgångar:Socialnämnden:1690\n')
    return "\n".join(out)


@pytest.fixture
def small(write_ledger):
    _, entries, errors, options = write_ledger(ledger_body())
    assert errors == []
    return entries, read_ledger(entries, options)


def test_utfall_without_budget_budget_without_utfall_and_a_kvot_across_signs(small):
    _, data = small
    table = suggest(data, OCTOBER)
    cost = row(table, "5731", "kostnad")
    # jan–okt: 1 100 000 both years, so kvot 1 and the rest is last year's 400 000
    assert (cost.forslag, cost.method, cost.kvot, cost.budget_helar) == (1500000, HISTORY, 1, None)
    budget_only = row(table, "5732", "kostnad")
    assert (budget_only.utfall, budget_only.forslag, budget_only.method) == (0, 200000, BUDGET)
    revenue = row(table, "5731", "intäkt")
    # +5 000 last year against −10 000 this year: no level to scale by; last year's −30 000 as it was
    assert (revenue.forslag, revenue.method, revenue.kvot) == (-40000, UNSCALED, None)


def test_a_konto_moved_to_another_ansvar_keeps_its_history_in_the_verksamhet(small):
    _, data = small
    table = suggest(data, OCTOBER)
    # 5733:4630 jan–okt: 1 200 000 this year on 2400, 1 000 000 last year on 2100: kvot 1,2 on last year's
    # nov–dec 200 000; the budget line on 4630:2400 is answered by the konto's history
    unit = row(table, "5733", "kostnad")
    assert (unit.forslag, unit.method, unit.budget_helar) == (1200000 + 240000, HISTORY, 1500000)
    # per ansvar: 2400 has no history, so its own budget line's nov–dec, 2/12 of 1 500 000;
    # 2100 booked nothing this year: last year's nov–dec as it was
    assert (row(table, "5733", "kostnad", "2400").forslag, row(table, "5733", "kostnad", "2400").method) == (1450000, BUDGET)
    assert (row(table, "5733", "kostnad", "2100").forslag, row(table, "5733", "kostnad", "2100").method) == (200000, UNSCALED)


def test_january_and_december(small):
    _, data = small
    january = suggest(data, datetime.date(2026, 1, 31))
    # 110 000 + (8 × 100 000 + 3 × 200 000) × 110 000 / 100 000
    assert row(january, "5731", "kostnad").forslag == 110000 + 1400000 * D("1.1")
    assert row(january, "5732", "kostnad").forslag == 1100000  # 11/12 of the budget
    december = suggest(data, datetime.date(2026, 12, 31))
    assert row(december, "5731", "kostnad").forslag == 1100000
    assert {r.method for r in december.rows} == {WHOLE_YEAR}


def test_the_volume_trend_is_shown_and_changes_nothing(small):
    entries, data = small
    volumes, errors = parse_volumes(entries, data.roots, data.kontoplaner)
    assert errors == []
    spec = NyckeltalSpec("Kostnad per vårddygn", ("5731",), "vårddygn")
    plain, with_volumes = suggest(data, OCTOBER), suggest(data, OCTOBER, volumes, [spec])
    trend = row(with_volumes, "5731", "kostnad").volymer
    assert [(t.enhet, t.antal, t.antal_fg, t.andring) for t in trend] == [("vårddygn", 900, 1000, D("-0.1"))]
    assert row(with_volumes, "5731", "kostnad", "2200").volymer == trend
    assert [r.forslag for r in with_volumes.rows] == [r.forslag for r in plain.rows]


def test_a_day_within_a_month_is_refused(small):
    _, data = small
    with pytest.raises(ForslagError, match="hela månader"):
        suggest(data, datetime.date(2026, 10, 15))


def cell(amount: Decimal) -> str:
    """An amount in kronor as the CSV prints it in mnkr with one decimal, committee's sign."""
    return excel_cell(format_number(-amount / 1_000_000, 1))


def test_the_cli_from_another_folder(with_new_konton, monkeypatch):
    ledger, entries, data = with_new_konton
    monkeypatch.chdir(ledger.parent.parent)
    code, output = run("prognos", "forslag", f"exempel/{ledger.name}", "--per", "2026-10", "--format", "csv")
    assert code == 0, output
    rows, section = {}, None
    for r in csv.DictReader(io.StringIO(output[output.index("Mnkr;"):]), delimiter=";"):
        if r["Mnkr"] in ("Intäkter", "Kostnader") and not r["Förslag helår"]:
            section = r["Mnkr"]
        rows[(section, r["Mnkr"])] = r
    hvb = rows[("Kostnader", "5731 Institutionsvård (HVB) barn och unga")]
    expected = by_pattern(raw_months(entries, "Kostnader:Socialnämnden:5731"), 2026, 10)
    assert hvb["Förslag helår"] == cell(expected)
    assert hvb["Senaste prognos"] == cell(D("239982000"))
    assert hvb["Budget helår"] == cell(D("237958600"))
    assert hvb["Förslag − budget"] == cell(expected - D("237958600"))
    assert hvb["Metod"] == HISTORY
    assert hvb["Volym mot i fjol"].startswith("vårddygn ")
    new = rows[("Intäkter", "010 Politisk verksamhet")]
    assert (new["Utfall jan–okt 2026"], new["Förslag helår"], new["Metod"]) == ("0,1", "0,1", BUDGET)
    assert ("Kostnader", "  varav 2200 Placeringsenhet") in rows
    total = rows[("Kostnader", "Nettokostnader")]
    assert total["Förslag helår"] == cell(sum(r.forslag for r in suggest(data, OCTOBER).rows if r.ansvar is None))


def test_the_cli_table_in_tkr(example_copy, monkeypatch):
    monkeypatch.chdir(example_copy.parent)
    code, output = run("prognos", "forslag", example_copy.name, "--per", "2026-10", "--enhet", "tkr", "--decimaler", "0")
    assert code == 0, output
    assert "förslag till prognos per 2026-10-31 (senaste prognos från 2026-10-31), tkr" in output
    assert "(ej fördelat)" in output and UNSPREAD in output
    assert "Summa kostnader" in output


def test_the_cli_refuses_a_day(example_copy):
    code, output = run("prognos", "forslag", example_copy, "--per", "2026-10-15")
    assert code == 2
    assert "hela månader" in output and "--per 2026-10" in output
