"""An avvikelse compares two sides booked at the same level, or none is shown.

In the example committee the prognos is made per verksamhet and the budget per
verksamhet × konto; utfall is booked per konto × ansvar. Grouped by konto the
prognos of 5731 stands alone on "(ej fördelat)": prognos − budget there would be
the whole prognos (−233,6 mnkr) against nothing. Grouped by ansvar, utfall −
budget would be the whole utfall against nothing.
"""

from __future__ import annotations

import datetime
import pytest

from namndbok.accounts import NETTO
from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger
from namndbok.swedish import format_measure

DATE = datetime.date(2026, 10, 31)


@pytest.fixture(scope="module")
def data(example_ledger):
    entries, _, options = example_ledger
    return read_ledger(entries, options)


def test_a_prognos_per_verksamhet_has_no_avvikelse_at_konto_level(data):
    table = compute(data, DATE, group_by=("konto",), kinds=NETTO, where={"verksamhet": "5731"})
    unallocated = table.row(None).measures
    assert format_measure(unallocated, "prognos") == "-233,6"
    assert unallocated.budget_helar is None
    assert (unallocated.avvikelse_helar, unallocated.avvikelse_helar_pct) == (None, None)  # was -233,6
    konto = table.row("4610").measures
    assert konto.budget_helar is not None and konto.avvikelse_helar is None
    assert konto.avvikelse is not None  # utfall and budget are both per konto: that avvikelse stands
    assert table.across_levels["avvikelse_helar"] >= {(None,), ("4610",)}
    # The verksamhet, where prognos and budget meet, keeps it; and the total is unchanged.
    whole = compute(data, DATE, group_by=("verksamhet",), kinds=NETTO)
    assert format_measure(whole.row("5731").measures, "avvikelse_helar") == "-2,0"
    assert table.total.measures.avvikelse_helar == whole.row("5731").measures.avvikelse_helar


def test_utfall_per_ansvar_has_no_avvikelse_against_a_budget_per_konto(data):
    table = compute(data, DATE, group_by=("ansvar",), kinds=NETTO)
    ansvar = table.row("2200").measures
    assert ansvar.utfall is not None and ansvar.avvikelse is None  # was −utfall
    unallocated = table.row(None).measures
    assert unallocated.avvikelse is None  # was +768,3 (the whole budget)
    # Prognos and budget are both "ej fördelat" on ansvar: their avvikelse is the whole one.
    assert unallocated.avvikelse_helar == table.total.measures.avvikelse_helar


def test_a_saving_on_the_namnd_does_not_hide_the_verksamheters_avvikelser(data):
    """The unspread saving (budget on Kostnader:Socialnämnden) answers its own prognos, not the verksamheters' utfall."""
    table = compute(data, DATE, group_by=("verksamhet",), kinds=NETTO)
    assert table.across_levels == {"avvikelse": frozenset(), "avvikelse_helar": frozenset()}
    saving = table.row(None).measures
    assert (format_measure(saving, "avvikelse"), format_measure(saving, "avvikelse_helar")) == ("-8,3", "-10,0")


def test_a_selection_that_cuts_a_prognos_has_no_total_avvikelse(data):
    """Konto 4610 of 5731 alone: its budget is in the selection, the prognos of the whole verksamhet is not."""
    table = compute(data, DATE, group_by=("konto",), kinds=NETTO, where={"verksamhet": "5731", "konto": "4610"})
    assert table.total.measures.budget_helar is not None and table.total.measures.prognos is None
    assert table.total.measures.avvikelse_helar is None
    # Ansvar 2200 alone: utfall, but the budget (per konto, no ansvar) is outside it.
    table = compute(data, DATE, group_by=("konto",), kinds=NETTO, where={"ansvar": "2200"})
    assert table.total.measures.utfall is not None and table.total.measures.avvikelse is None


def test_the_cli_prints_no_avvikelse_between_levels():
    """`namndbok uppfoljning --grupp verksamhet --grupp konto` printed −233,6 as avvikelse helår of 5731's "(ej fördelat)"."""
    import csv
    import io

    from click.testing import CliRunner

    from conftest import EXAMPLE_LEDGER
    from namndbok.scripts.cli import main

    result = CliRunner().invoke(main, ["uppfoljning", "-f", str(EXAMPLE_LEDGER), "--per", "2026-10", "--grupp", "verksamhet",
                                       "--grupp", "konto", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = [row for row in csv.reader(io.StringIO(result.output), delimiter=";") if row]
    headers = rows[0]
    unallocated = dict(zip(headers, next(r for r in rows if r[0].startswith("5731 ") and r[0].endswith("(ej fördelat)"))))
    assert (unallocated["Prognos helår"], unallocated["Avvikelse helår"], unallocated["Avvikelse %"]) == ("-233,6", "", "")
    assert dict(zip(headers, rows[-1]))["Avvikelse helår"] == "-10,9"  # the nämnd's, unchanged
