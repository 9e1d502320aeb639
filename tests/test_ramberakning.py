"""`namndbok budget ram`: the ramberäkning from the ledger and budget/ÅR.toml (namndbok.ramberakning)."""

from __future__ import annotations

import csv
import datetime
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger
from namndbok.ramberakning import RamError, calculate_ram, parse_assumptions, parse_override

from conftest import EXAMPLE_DIR, EXAMPLE_LEDGER, REPO, contents, line_of, needs_shared, snapshot

D = Decimal
FIXTURE = REPO / "tests" / "fixtures" / "ramberakning-2014" / "budget"
PUBLISHED = REPO.parent / "shared" / "fixtures" / "ramberakning-budget-2014.csv"
KB = "Intäkter:Socialnämnden:Kommunbidrag"

# A small ledger: the KF budget of 2013 (a kommunbidrag the 2014 file's own ram wins over).
LEDGER_2013 = f"""
2012-11-26 custom "budgetbeslut" "KF-budget 2013"
  typ: "kf-budget"
  beslut: "KF 2012-11-26 §150"
2013-01-01 custom "budgetrad" "KF-budget 2013" {KB}:589  -1000000000.00 SEK
2013-01-01 custom "budgetrad" "KF-budget 2013" Kostnader:Socialnämnden:589:5020  1000000000.00 SEK
"""


def test_parse_override_takes_swedish_names_and_decimal_commas():
    assert parse_override("Löneökning=3,5") == parse_override("loneokning=3.5")._replace(text="Löneökning=3,5")
    assert parse_override("2028:prisuppräkning=1,25").year == 2028
    assert parse_override("ram=1 047 144").value == D("1047144")


def test_the_core_is_pure_and_every_ram_is_the_next_years_ram_before():
    assumptions = parse_assumptions(FIXTURE / "2014.toml")
    table = calculate_ram(assumptions, 2014, 2, None)
    total, before = table.row("Summa rambudget").values, table.row("Ram året före").values
    assert before[1:] == total[:-1]
    assert table.years == (2014, 2015, 2016)
    with pytest.raises(RamError, match="Uppräkning saknas för 2017"):
        calculate_ram(assumptions, 2014, 3, None)
