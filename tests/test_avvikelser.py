"""The deviation list: largest first, against the previous follow-up, with comments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from click.testing import CliRunner

from namndbok.avvikelser import deviations, format_deviation
from namndbok.engine import compute
from namndbok.scripts.cli import main


def test_example_deviations_per_verksamhet(example_ledger):
    from namndbok.ledgerdata import read_ledger

    entries, _, options = example_ledger
    data = read_ledger(entries, options)
    date = datetime.date(2026, 10, 31)
    found = deviations(data, date, "verksamhet", Decimal(1_000_000), {"550": "Kommentar ur filen."})
    assert [d.key for d in found][:3] == [None, "571", "5732"]
    assert all(abs(a.avvikelse) >= abs(b.avvikelse) for a, b in zip(found, found[1:]))
    table = compute(data, date, group_by=("verksamhet",))
    for d in found:
        assert d.avvikelse == table.row(d.key).measures.avvikelse_helar
    previous = compute(data, datetime.date(2026, 9, 30), group_by=("verksamhet",))
    assert found[1].foregaende == previous.row("571").measures.avvikelse_helar
    line = format_deviation(found[1], datetime.date(2026, 9, 30))
    assert line == "571 Missbrukarvård för vuxna 6,0 mnkr (sep 5,7 mnkr). Lägre volymer av köpt institutionsvård för vuxna."
    lss = [d for d in found if d.key == "550"][0]
    assert lss.comment == "Kommentar ur filen."


def test_cli_reads_the_comment_file():
    result = CliRunner().invoke(main, ["avvikelser", "--per", "2026-10", "--troskel", "2"])
    assert result.exit_code == 0, result.output
    assert "- 550 Insatser enligt LSS -4,0 mnkr (sep -3,9 mnkr). Två nya ärenden med personlig assistans" in result.output
