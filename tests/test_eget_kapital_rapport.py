"""`namndbok eget-kapital` as committees print it: --enhet, "varav resultatreglering", the repayment plan."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

from beancount import loader

from namndbok.eget_kapital import roll_forward_table, table_years
from namndbok.ledgerdata import read_ledger

from conftest import EXAMPLE_LEDGER, run

DATE = datetime.date(2026, 10, 31)


def _example():
    entries, errors, options = loader.load_file(str(EXAMPLE_LEDGER))
    assert errors == []
    return entries, read_ledger(entries, options)


def _csv(*args):
    code, out = run("eget-kapital", EXAMPLE_LEDGER, "--per", "2026-10", "--format", "csv", *args)
    assert code == 0, out
    return list(csv.reader(io.StringIO(out), delimiter=";"))


def test_eget_kapital_in_tkr():
    _, data = _example()
    table = roll_forward_table(data, table_years(data, DATE), DATE)
    rows = _csv("--enhet", "tkr", "--decimaler", "0")
    assert rows[0][0] == "Tkr"
    printed = {r[0]: r[1:] for r in rows[1:]}
    for label, values in table.rows:
        expected = ["" if v is None else str((v / 1000).quantize(Decimal(1), ROUND_HALF_UP)) for v in values]
        assert printed[label] == expected, label
    assert printed["Årets resultat"][3] == "-4295"  # the example's result to October 2026, in tkr
