"""Prognossäkerhet per nämnd for a whole kommun (namndbok.prognossakerhet.kommun_prognossakerhet,
`namndbok prognossakerhet --kommun-katalog`), on a municipality generated from Malmö stad's table
(../shared/fixtures/prognossakerhet-kommun-2015.csv) by namndbok.scripts.exempel.kommun: every row a
ledger carrying that row's avvikelse at the delårsrapport (its August prognos) and at the bokslut
(its SIE-imported utfall, closed by the real `namndbok bokslut`). The table must come back cell by cell."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from namndbok.kommun_folder import read_kommun_folder
from namndbok.load_reading import reading_of
from namndbok.loading import load
from namndbok.prognossakerhet import PrognossakerhetError, kommun_prognossakerhet
from namndbok.scripts.exempel.kommun import (FINANS_INTAKTER, FINANS_VERKSAMHETER, REAVINST_INTAKTER, REAVINST_VERKSAMHETER,
                                             VERKSAMHETER, Deviation, KommunSpec, NamndSpec, generate_kommun, minimum_rows,
                                             vouchers)
from conftest import SHARED, needs_shared, run

FIXTURE = SHARED / "fixtures" / "prognossakerhet-kommun-2015.csv"
FINANS_ROW = "Finansiering"  # the finansförvaltning: skatteintäkter and generella statsbidrag
TOTAL_ROW = "ÅRETS RESULTAT"
# The rows that are no nämnd's kostnader but intäkter, each a ledger of those intäkter (no kommunbidrag):
INCOME = {
    FINANS_ROW: (FINANS_INTAKTER, FINANS_VERKSAMHETER),
    "Rea-/exploateringsvinster": (REAVINST_INTAKTER, REAVINST_VERKSAMHETER),
    "Statsbidrag flyktingar": ((("3511", "Riktade statsbidrag", 1),), (("610", "Flyktingmottagande", 1),)),
}


def fixture_rows() -> list[list[str]]:
    lines = [line for line in FIXTURE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.reader(lines))[1:]


def spec_from_fixture(rows: int) -> KommunSpec:
    """The fixture's rows as ledgers: nämnder of different budget sizes, the INCOME rows as income
    ledgers, Finansiering as the finansförvaltning."""
    specs = []
    for i, (name, bokslut, delar, _) in enumerate(fixture_rows()):
        if name != TOTAL_ROW:
            intakter, verksamheter = INCOME.get(name, ((), VERKSAMHETER))
            specs.append(NamndSpec(name, str(400 + 150 * i), {2015: Deviation(delar, bokslut)}, intakter, verksamheter))
    finans = next(s for s in specs if s.name == FINANS_ROW)
    return KommunSpec("Malmö", tuple(s for s in specs if s is not finans), finans, rows)


@pytest.fixture(scope="module")
def kommun(tmp_path_factory):
    if not FIXTURE.is_file():
        pytest.skip(f"{FIXTURE} saknas")
    return generate_kommun(tmp_path_factory.mktemp("malmo") / "malmo", spec_from_fixture(minimum_rows() + 37))


@needs_shared("fixtures/prognossakerhet-kommun-2015.csv")
def test_the_kommun_table_reproduces_malmos_2015_cell_by_cell(kommun):
    code, out = run("prognossakerhet", "--kommun-katalog", str(kommun), "--ar", "2015", "--format", "csv",
                    "--enhet", "mnkr", "--decimaler", "0")
    assert code == 0, out
    table = list(csv.reader(io.StringIO(out), delimiter=";"))
    assert table[0] == ["Nämnd", "Bokslut", "Delårsrapport jan–aug", "Avvikelse"]
    assert table[1:] == fixture_rows()  # names, order and every figure, the sum row ÅRETS RESULTAT too


@needs_shared("fixtures/prognossakerhet-kommun-2015.csv")
def test_the_rows_are_exact_and_sum_to_arets_resultat(kommun):
    folder = read_kommun_folder(kommun)
    assert folder.namn == "Malmö" and folder.finans is not None and len(folder.namnder) == 14
    ledgers = []
    for namnd in (*folder.namnder, folder.finans):
        entries, errors, options = load(namnd.ledger)
        assert not errors, errors
        ledgers.append((options["title"].split(" – ")[0], reading_of(entries, options), str(namnd.ledger)))
    accuracy = kommun_prognossakerhet(ledgers, 2015)
    mnkr = Decimal(1_000_000)
    expected = {name: (Decimal(b), Decimal(d), Decimal(a)) for name, b, d, a in fixture_rows()}
    for row in (*accuracy.rows, accuracy.total):
        assert (row.bokslut / mnkr, row.delarsrapport / mnkr, row.avvikelse / mnkr) == expected[row.namnd]  # to the öre
    assert accuracy.total.bokslut == sum(r.bokslut for r in accuracy.rows)
    assert {r.uppfoljning.isoformat() for r in accuracy.rows} == {"2015-08-31"}


@needs_shared("fixtures/prognossakerhet-kommun-2015.csv")
def test_an_open_year_is_refused_naming_the_ledger(kommun):
    code, out = run("prognossakerhet", "--kommun-katalog", str(kommun), "--ar", "2014")
    assert code != 0
    assert "01-servicenamnd/servicenamnd.beancount: År 2014 är inte stängt" in out
    assert "Traceback" not in out
    code, out = run("prognossakerhet", "--kommun-katalog", str(kommun), "--per-verksamhet")
    assert code == 1 and "Med --kommun-katalog visas tabellen per nämnd" in out


@needs_shared("fixtures/prognossakerhet-kommun-2015.csv")
def test_a_delarsrapport_without_a_follow_up_is_refused_naming_the_ledger(kommun):
    namnd = read_kommun_folder(kommun).namnder[2]
    entries, _, options = load(namnd.ledger)
    with pytest.raises(PrognossakerhetError) as refused:
        kommun_prognossakerhet([("Ekonomiskt bistånd", reading_of(entries, options), "03/liggare.beancount")], 2015, month=6)
    assert str(refused.value).startswith("03/liggare.beancount: År 2015 har ingen uppföljning med prognos")
    assert "till och med juni" in str(refused.value)


def test_the_generated_import_has_exactly_the_rows_asked_for():
    namnd = NamndSpec("Testnämnd", "123.4", {2026: Deviation("-1.5", "2.25")})
    income = NamndSpec("Finansförvaltningen", "3000", {2026: Deviation("10", "12.5")}, FINANS_INTAKTER, FINANS_VERKSAMHETER)
    for spec, konton in ((namnd, "4567"), (income, "8")):
        for rows in (minimum_rows(spec), minimum_rows(spec) + 1, 1_003):
            made = list(vouchers(spec, 2026, rows))
            assert sum(len(lines) for *_, lines in made) == rows
            assert all(sum(r.amount for r in lines) == 0 for *_, lines in made)  # each voucher balances
            assert {date.month for _, _, date, _, _ in made} == set(range(1, 13))  # utfall in every month
            result = -sum(r.amount for *_, lines in made for r in lines if r.konto[0] in konton or r.konto == "3911")
            budget = Decimal(0) if spec is namnd else Decimal(spec.budget_mnkr) * 1_000_000
            assert result - budget == Decimal(spec.deviations[2026].bokslut) * 1_000_000  # to the öre
        with pytest.raises(ValueError):
            list(vouchers(spec, 2026, minimum_rows(spec) - 1))
