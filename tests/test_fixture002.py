"""Fixture 002 (socialnämndens årsbokslut 2024) through `namndbok rapport`, cell by cell.

The fixture ledger in tests/fixtures/ledger002 holds unrounded amounts that
round to every printed cell of five tables at once: resultat per verksamhet for
four groups (barn och ungdomsvård, missbrukarvård, familjerätt, flyktingmottagande)
and the summary "Sammanfattning av ekonomiskt resultat", which moves 550
Insatser enligt LSS out of Barn- och ungdomsvård while its kommunbidrag stays
there. main.beancount explains the hidden decimals. The prognos columns are the
August follow-up (`per = "08"` in the layouts); the nyckeltal and investeringar
tables of the same report are out of scope.

Every cell of every table is compared; the deliberate differences are in QUIRKS.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from beancount import loader
from click.testing import CliRunner

from namndbok.kontoplan import load_kontoplan
from namndbok.layout import load_layout
from namndbok.ledgerdata import read_ledger
from namndbok.report import build_report
from namndbok.swedish import format_number
from namndbok.scripts.cli import main

from conftest import REPO
from namndbok.export.csv_excel import excel_cell
from test_engine_fixture003 import fixture_rows, printed

FIXTURE = REPO / "tests" / "fixtures" / "ledger002"
LEDGER = FIXTURE / "main.beancount"
PER = "2024-12"

# The fixture's column → our header, per kind of table.
GROUP_COLUMNS = {
    "utfall_2024": "Utfall 2024",  # utfall to 2024-12-31
    "budget_2024": "Budget 2024",  # budget_helar
    "prognos_2024": "Prognos 2024",  # the August prognos (per = "08")
    "utfall_2023": "Utfall 2023",  # utfall_fg_helar
}
SUMMARY_COLUMNS = {
    "kommunbidrag_2024": "Kommunbidrag 2024",  # utfall, kommunbidrag only
    "arets_resultat_2024": "Årets resultat 2024",  # utfall, all kinds
    "arets_resultat_2023": "Årets resultat 2023",  # utfall_fg_helar, all kinds
    "helarsprognos_resultat_202408": "Helårsprognos resultat 202408",  # prognos per = "08"
}

INVEST_COLUMNS = {
    "kf_budget_2024": "KF-budget 2024",  # budget_helar of the investment konton
    "bokslut_2024": "Bokslut 2024",  # utfall
    "bokslut_2023": "Bokslut 2023",  # utfall_fg_helar
    "helarsprognos_202408": "Helårsprognos 202408",  # prognos per = "08"
}

# (layout, fixture, decimals, first header, columns)
TABLES = [
    ("barn-och-ungdomsvard", "002-barn-och-ungdomsvard-2024.csv", 0, "Barn och ungdomsvård, mnkr", GROUP_COLUMNS),
    ("missbrukarvard", "002-missbrukarvard-2024.csv", 0, "Missbrukarvård och övrig vård för vuxna, mnkr", GROUP_COLUMNS),
    ("familjeratt", "002-familjeratt-2024.csv", 1, "Familjerätt och familjerådgivning, mnkr", GROUP_COLUMNS),
    ("flyktingmottagande", "002-flyktingmottagande-2024.csv", 0, "Flyktingmottagande, mnkr", GROUP_COLUMNS),
    ("sammanfattning", "002-sammanfattning-2024.csv", 0, "Belopp i miljoner kronor", SUMMARY_COLUMNS),
    ("investeringar", "002-investeringar-2024.csv", 1, "Belopp i miljoner kronor", INVEST_COLUMNS),
]

# Printed quirks we decide not to copy: (fixture, row, column) → what we print.
# (550 Insatser enligt LSS has no kommunbidrag of its own; a named row prints "0" then, as the report does.)
QUIRKS: dict[tuple[str, str, str], str] = {}


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def printed_at(cell: str, decimals: int) -> str:
    """A fixture cell in our print format at the table's decimals: '-22.8' → '-22,8', '-721' → '-721'."""
    if decimals == 1:
        return printed(cell)
    assert "." not in cell, f"{cell!r}: the fixture printed this table without decimals"
    return format_number(Decimal(cell), decimals) if cell else ""


def report_csv(layout: str) -> list[list[str]]:
    code, out = run("rapport", FIXTURE / "layouter" / f"{layout}.toml", LEDGER, "--per", PER, "--format", "csv")
    assert code == 0, out
    return list(csv.reader(io.StringIO(out), delimiter=";"))


@pytest.mark.parametrize("layout, fixture, decimals, first_header, columns", TABLES, ids=[t[0] for t in TABLES])
def test_fixture_002_tables_through_the_cli(layout, fixture, decimals, first_header, columns):
    table = report_csv(layout)
    header, rows = table[0], table[1:]
    expected = fixture_rows(fixture)
    assert set(expected[0]) - {"rad"} == set(columns), "every column of the fixture is compared"
    assert header == [first_header, *columns.values()]
    assert [r[0] for r in rows] == [e["rad"] for e in expected], "the same rows in the same order"
    problems = []
    for row, line in zip(rows, expected):
        cells = dict(zip(header, row))
        for column, ours in columns.items():
            # CSV for Swedish Excel: the printed number without its thousands spaces
            want = excel_cell(QUIRKS.get((fixture, line["rad"], column), printed_at(line[column], decimals)))
            if cells[ours] != want:
                problems.append(f"{line['rad']} / {column}: {want!r} ≠ {cells[ours]!r}")
    assert problems == []


def test_every_quirk_is_used():
    tables = {fixture: {line["rad"]: line for line in fixture_rows(fixture)} for _, fixture, *_ in TABLES}
    for fixture, row, column in QUIRKS:
        assert column in tables[fixture][row], (fixture, row, column)


def test_the_ledger_loads_clean_and_its_budget_balances():
    code, out = run("kontrollera", LEDGER)
    assert code == 0, out
    assert "inga fel" in out and "varning" not in out.lower(), out


@pytest.fixture(scope="module")
def data():
    entries, errors, options = loader.load_file(str(LEDGER))
    assert errors == []
    return read_ledger(entries, options)


def _unrounded(data, layout: str) -> dict[str, tuple]:
    plan = load_kontoplan(FIXTURE / "kontoplan.toml")
    report = build_report(load_layout(FIXTURE / "layouter" / f"{layout}.toml", plan), data, datetime.date(2024, 12, 31))
    return {row.label: row.measures for row in report.rows}


def test_the_summary_moves_550_out_of_barn_och_ungdomsvard_without_losing_anything(data):
    """Summary: Barn- och ungdomsvård without 550 plus its own row = the group table's result, exactly."""
    summary = _unrounded(data, "sammanfattning")
    group = _unrounded(data, "barn-och-ungdomsvard")
    moved = "Vård och omsorg om personer med funktionsnedsättning"
    resultat = group["Resultat Barn och ungdomsvård"]
    # Columns: utfall 2024, utfall 2023, prognos (August) — the same measures in both layouts.
    for (s_col, s_measure), (g_col, g_measure) in [((1, "utfall"), (0, "utfall")),
                                                   ((2, "utfall_fg_helar"), (3, "utfall_fg_helar")),
                                                   ((3, "prognos"), (2, "prognos"))]:
        both = getattr(summary["Barn- och ungdomsvård"][s_col], s_measure) + getattr(summary[moved][s_col], s_measure)
        assert both == getattr(resultat[g_col], g_measure)
        assert getattr(summary[moved][s_col], s_measure) == getattr(group["550 Insatser enligt LSS"][g_col], g_measure)
    # Its kommunbidrag stays with Barn- och ungdomsvård: the whole group's, 684,6 mnkr; its own row shows 0.
    assert summary[moved][0].utfall == 0
    assert summary["Barn- och ungdomsvård"][0].utfall == group["Kommunbidrag"][0].utfall == Decimal("684600000.00")


def test_printed_totals_are_not_sums_of_printed_parts(data):
    """The hidden decimals at work: totals round from the unrounded sums, never from printed parts."""
    summary = _unrounded(data, "sammanfattning")
    parts = [name for name in summary if name != "Nämnden totalt"]
    # Årets resultat 2023: printed parts 0 − 2 + 10 − 21 + 1 + 10 = −2, printed total −3.
    assert sum(int(format_number(summary[p][2].utfall_fg_helar / 1_000_000, 0)) for p in parts) == -2
    assert summary["Nämnden totalt"][2].utfall_fg_helar == Decimal("-3044000.00")
    group = _unrounded(data, "barn-och-ungdomsvard")
    # Nettokostnad 2023: printed parts −251 − 235 − 164 − 37 − 2 = −689, printed total −690.
    assert group["Nettokostnad"][3].utfall_fg_helar == Decimal("-689911000.00")
