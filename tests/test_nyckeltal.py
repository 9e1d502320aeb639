"""Nyckeltal: fixture 002's table, the volume/price split, bad volumes refused."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from click.testing import CliRunner

from namndbok.nyckeltal import NyckeltalSpec, compute_nyckeltal, parse_volumes
from namndbok.ledgerdata import read_ledger
from namndbok.swedish import format_number
from namndbok.scripts.cli import main
from namndbok.export.csv_excel import excel_cell

from conftest import REPO, line_of
from test_engine_fixture003 import fixture_rows

D = Decimal
LEDGER = REPO / "tests" / "fixtures" / "ledger002n" / "main.beancount"


def test_fixture_002_nyckeltal_through_the_cli():
    result = CliRunner().invoke(main, ["nyckeltal", str(LEDGER), "--per", "2024-12", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output), delimiter=";"))
    expected = fixture_rows("002-nyckeltal-2024.csv")
    assert [r["Verksamhet"] for r in rows] == [e["verksamhet"] for e in expected]
    for row, line in zip(rows, expected):
        assert row["Mått"] == line["matt"]
        assert row["Enhet"] == line["volymenhet"]
        for ours, theirs, decimals in (("Totala kostnader", "totala_kostnader", 0), ("Övriga intäkter", "ovriga_intakter", 0),
                                       ("Nettokostnad", "nettokostnad", 0), ("Volym", "volym", 0),
                                       ("Nettokostnad per enhet", "nettokostnad_per_enhet", 1)):
            # CSV for Swedish Excel: the printed number without its thousands spaces
            assert row[ours] == excel_cell(format_number(D(line[theirs]), decimals)), (line["verksamhet"], theirs)


VOLUME_LEDGER = """
2025-12-10 custom "budgetbeslut" "Budget 2026"
  typ: "internbudget"
  beslut: "SN 2025-12-10 §2"
2026-01-01 custom "budgetrad" "Budget 2026" Intäkter:Socialnämnden:Kommunbidrag:5731  -12000000.00 SEK
2026-01-01 custom "budgetrad" "Budget 2026" Kostnader:Socialnämnden:5731:4610  12000000.00 SEK
2026-01-01 custom "volymbudget" Kostnader:Socialnämnden:5731 "vårddygn" 2400

2026-06-30 * "Utfall första halvåret"
  Kostnader:Socialnämnden:5731:4610:2200  6630000.00 SEK
  Tillgångar:Socialnämnden:1690
2026-06-30 custom "volym" Kostnader:Socialnämnden:5731 "vårddygn" 1300
  ansvar: "2200"
"""


def test_the_volume_and_price_effects_add_up_to_the_avvikelse(write_ledger):
    _, entries, errors, options = write_ledger('plugin "namndbok.plugins.volymer"\n' + VOLUME_LEDGER)
    assert errors == []
    data = read_ledger(entries, options)
    volumes, _ = parse_volumes(entries, data.roots, data.kontoplaner)
    n = compute_nyckeltal(data, volumes, NyckeltalSpec("HVB per dygn", ("5731",), "vårddygn"), datetime.date(2026, 6, 30))
    # Half a year: budget 6,0 mnkr for 1 200 dygn (5 000 kr/dygn); utfall 6,63 mnkr for 1 300 dygn (5 100 kr/dygn).
    assert (n.budget_nettokostnad, n.budget_volym, n.budget_per_enhet) == (D("6000000.00"), D(1200), D(5000))
    assert (n.nettokostnad, n.volym, n.per_enhet) == (D("6630000.00"), D(1300), D(5100))
    assert n.avvikelse == D("-630000.00")
    assert n.volymeffekt == D("-500000") and n.priseffekt == D("-130000")  # 100 more dygn; 100 kr more per dygn
    assert n.volymeffekt + n.priseffekt == n.avvikelse


def test_a_volume_on_an_unknown_verksamhet_or_unit_is_refused(write_ledger):
    path, _, errors, _ = write_ledger('plugin "namndbok.plugins.volymer"\n' + """
2026-01-31 custom "volym" Kostnader:Socialnämnden:5731 "sängar" 10
2026-01-31 custom "volym" Kostnader:Socialnämnden:5799 "vårddygn" 10
2026-01-31 custom "volym" Kostnader:Socialnämnden:5731:4610 "vårddygn" 10
""")
    found = sorted((e.source["lineno"], e.message.split(";")[0].split(",")[0]) for e in errors)
    assert (line_of(path, '"sängar"'), "Okänd enhet 'sängar'") in found
    assert any(line == line_of(path, "5799") and "Okänd verksamhet '5799'" in message for line, message in
               [(e.source["lineno"], e.message) for e in errors])
    assert any(line == line_of(path, "5731:4610") and "Volymen ska stå på en verksamhet" in message for line, message in
               [(e.source["lineno"], e.message) for e in errors])
