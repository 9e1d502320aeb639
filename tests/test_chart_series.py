"""The numbers behind the charts (namndbok.chart_series) against the engine's tables."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from namndbok.accounts import NETTO
from namndbok.chart_series import monthly_netto, per_enhet_by_month, prognos_by_follow_up
from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger
from namndbok.nyckeltal import NyckeltalSpec, parse_volumes

AUG = datetime.date(2026, 8, 31)
ORE = D("0.01")


def _data(example_ledger):
    entries, _, options = example_ledger
    return read_ledger(entries, options)


def test_the_months_add_up_to_the_year_to_date_table(example_ledger):
    data = _data(example_ledger)
    points = monthly_netto(data, AUG)
    assert [p.end for p in points][:3] == [datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 31)]
    assert len(points) == 8
    ytd = compute(data, AUG, kinds=NETTO).total.measures
    assert sum(p.utfall for p in points) == ytd.utfall
    # The months' budget is the budget as decided by the report date (a tilläggsbudget
    # decided in June is spread over January too, as in the table), so they add up.
    assert sum(p.budget for p in points).quantize(ORE) == ytd.budget.quantize(ORE)
    # Each month alone is the engine's own period (the chart is not a running total).
    march = compute(data, datetime.date(2026, 3, 31), kinds=NETTO, period_start=datetime.date(2026, 3, 1),
                    budget_known_at=AUG).total.measures
    assert (points[2].utfall, points[2].budget) == (march.utfall, march.budget)
    assert points[2].utfall < 0  # nettokostnader carry the ledger's sign


def test_a_date_inside_a_month_ends_the_last_point_there(example_ledger):
    data = _data(example_ledger)
    points = monthly_netto(data, datetime.date(2026, 3, 15))
    assert [p.end for p in points] == [datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 15)]


def test_one_point_per_follow_up_with_the_tables_prognos(example_ledger):
    data = _data(example_ledger)
    points = prognos_by_follow_up(data, AUG)
    assert points and all(p.date <= AUG for p in points)
    assert [p.date for p in points] == sorted({p.date for p in points})
    for p in points:
        total = compute(data, p.date).total.measures
        assert (p.prognos, p.budget_helar, p.basta, p.samsta) == (
            total.prognos, total.budget_helar, total.prognos_basta, total.prognos_samsta)
        assert p.samsta <= p.prognos <= p.basta
    assert prognos_by_follow_up(data, datetime.date(2026, 1, 31)) == []  # no follow-up yet


def test_per_enhet_is_each_month_alone(write_ledger):
    from test_nyckeltal import VOLUME_LEDGER

    _, entries, errors, options = write_ledger('plugin "namndbok.plugins.volymer"\n' + VOLUME_LEDGER)
    assert errors == []
    data = read_ledger(entries, options)
    volumes, _ = parse_volumes(entries, data.roots, data.kontoplaner)
    spec = NyckeltalSpec("HVB per dygn", ("5731",), "vårddygn")
    [series] = per_enhet_by_month(data, volumes, [spec], datetime.date(2026, 6, 30))
    assert series.label == "5731 (per vårddygn)"
    assert len(series.points) == 6
    # Utfall and volume fall on 30 June only: the months before have no volume, June has 5 100 kr per dygn.
    assert [v for _, v in series.points[:5]] == [None] * 5
    assert series.points[5] == (datetime.date(2026, 6, 30), D(5100))


def test_a_selections_months_are_its_own_and_add_up_to_its_table(example_ledger):
    data = _data(example_ledger)
    where = {"verksamhet": "5731"}
    points = monthly_netto(data, AUG, where)
    ytd = compute(data, AUG, kinds=NETTO, where=where).total.measures
    assert sum(p.utfall for p in points) == ytd.utfall
    assert sum(p.utfall for p in points) != sum(p.utfall for p in monthly_netto(data, AUG))


def test_deviations_are_the_tables_avvikelse_helar(example_ledger):
    from namndbok.chart_series import deviation_by

    data = _data(example_ledger)
    table = compute(data, AUG, group_by=("verksamhet",), kinds=NETTO, where={"radgrupp": "Barn- och ungdomsvård"})
    rows = deviation_by(data, AUG, "verksamhet", {"radgrupp": "Barn- och ungdomsvård"})
    assert [(r.key, r.label, r.avvikelse) for r in rows] == [
        (row.key[0], row.label, row.measures.avvikelse_helar) for row in table.rows]
    assert len(rows) >= 2


def test_eget_kapital_line_is_the_tables_and_each_decision_sits_on_it(example_ledger):
    from namndbok.chart_series import eget_kapital_by_year
    from namndbok.eget_kapital import decision_listing, parse_decisions, roll_forward_table, table_years

    entries, _, _ = example_ledger
    data = _data(example_ledger)
    date = datetime.date(2026, 10, 31)
    decisions = parse_decisions(entries, data.currency)[0]
    points, marks = eget_kapital_by_year(data, decisions, date)
    table = roll_forward_table(data, table_years(data, date), date)
    rows = dict(table.rows)
    closing = rows["Utgående eget kapital (inklusive årets resultat)"]
    # Ingående of the first year, each ended year's utgående, the current year to the date and by prognos/budget.
    assert points[0] == (datetime.date(2022, 12, 31), rows["Ingående eget kapital"][0], None, None)
    assert [p.utgaende for p in points[1:]] == [closing[i] for i, c in enumerate(table.columns) if "budget" not in c and "prognos" not in c]
    assert (points[-1].date, points[-1].prognos, points[-1].budget) == (date, closing[-1], closing[-2])
    assert [(m.date, m.name) for m in marks] == [(d.date, d.name) for d in decision_listing(decisions)]
    # Avskrivning 2024-04-22 lies between the ends of 2023 and 2024, on the straight line between them.
    share = D((datetime.date(2024, 4, 22) - datetime.date(2023, 12, 31)).days) / D(366)
    assert marks[0].level == closing[0] + (closing[1] - closing[0]) * share


def test_no_eget_kapital_line_before_the_first_year(example_ledger):
    from namndbok.chart_series import eget_kapital_by_year
    from namndbok.eget_kapital import parse_decisions

    entries, _, _ = example_ledger
    data = _data(example_ledger)
    assert eget_kapital_by_year(data, parse_decisions(entries, data.currency)[0], datetime.date(2020, 12, 31)) == ([], [])
