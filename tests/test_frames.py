"""`namndbok.open(path)`: the committee's tables as pandas DataFrames (issue 19, point 7).

Each frame is checked against figures computed here from the ledger's own
postings through Beancount, not against the engine that made it.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import pytest
from beancount.core import data as bc_data

import namndbok
from namndbok.frames import LedgerError, as_date

from conftest import EXAMPLE_DIR, EXAMPLE_LEDGER, REPO

D = Decimal


@pytest.fixture(scope="module")
def bok():
    return namndbok.open(EXAMPLE_LEDGER)


def posted(entries, prefix: str, first: datetime.date, last: datetime.date) -> dict[str, Decimal]:
    """Per verksamhet: the postings under `prefix` between two dates, in the committee's sign (Beancount's
    negated). The verksamhet is the account's third part (`Kostnader:Socialnämnden:5731:4610:2200`), or its
    fourth under Kommunbidrag (`Intäkter:Socialnämnden:Kommunbidrag:5731`; None for the nämnd's own)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for entry in bc_data.filter_txns(entries):
        if first <= entry.date <= last:
            for posting in entry.postings:
                if posting.account.startswith(prefix):
                    parts = posting.account.split(":")
                    if parts[2] == "Kommunbidrag":  # per verksamhet, or for the whole nämnd
                        sums[parts[3] if len(parts) > 3 else None] -= posting.units.number
                    else:
                        sums[parts[2]] -= posting.units.number
    return sums


def test_the_follow_up_total_is_the_ledgers_own_net_cost(bok):
    frame = bok.avvikelse("2026-10", exakt=True)
    total = frame[frame["rad"] == "Nettokostnader"].iloc[0]
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 10, 31)
    intakter = sum(posted(bok.entries, "Intäkter:", start, end).values())
    kommunbidrag = sum(posted(bok.entries, "Intäkter:Socialnämnden:Kommunbidrag", start, end).values())
    net = intakter - kommunbidrag + sum(posted(bok.entries, "Kostnader:", start, end).values())
    assert total["utfall"] == net  # nettokostnader: intäkter and kostnader, not kommunbidrag
    result = bok.avvikelse("2026-10", urval="resultat", exakt=True)
    assert result[result["rad"] == "Årets resultat"].iloc[0]["utfall"] == net + kommunbidrag
    assert total["avvikelse"] == total["utfall"] - total["budget"]
    assert total["avvikelse_helar"] == total["prognos"] - total["budget_helar"]
    assert list(frame.columns[:2]) == ["radgrupp", "rad"] and "Flyktingmottagande" in set(frame["radgrupp"])


def test_utfall_per_month_adds_up_to_the_postings_per_verksamhet(bok):
    frame = bok.utfall(2025, exakt=True)
    assert set(frame["ar"]) == {2025} and sorted(set(frame["manad"])) == list(range(1, 13))
    result = frame[frame["typ"].isin(["kommunbidrag", "intäkt", "kostnad"])]  # the balance sheet's movements too, by typ
    found = {None if k != k else k: v for k, v in result.groupby("verksamhet", dropna=False)["belopp"].sum().items()}
    start, end = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for prefix in ("Intäkter:", "Kostnader:"):
        for verksamhet, amount in posted(bok.entries, prefix, start, end).items():
            expected[verksamhet] += amount
    assert {k: v for k, v in found.items() if v} == {k: v for k, v in expected.items() if v}


def test_floats_by_default_exact_decimals_when_asked(bok):
    exact, rounded = bok.utfall(2025, exakt=True), bok.utfall(2025)
    assert isinstance(exact["belopp"].iloc[0], Decimal) and rounded["belopp"].dtype == float
    assert [float(v) for v in exact["belopp"]] == list(rounded["belopp"])


def test_budget_months_add_up_to_the_year_and_prognos_has_its_fall(bok):
    budget = bok.budget(2026, exakt=True)
    assert sorted(set(budget["manad"])) == list(range(1, 13)) and budget["version"].notna().all()
    per_version_and_account = budget.groupby(["version", "verksamhet", "konto", "ansvar", "typ"], dropna=False)["belopp"]
    assert (per_version_and_account.count() == 12).all()  # each line spread over its twelve months
    prognos = bok.prognos(2026)
    assert set(prognos["fall"]) == {"huvud", "basta", "samsta"} and prognos["manad"].isna().all()


def test_eget_kapital_rolls_forward_year_by_year(bok):
    frame = bok.eget_kapital("2026-10", exakt=True)
    assert list(frame.columns) == ["2023", "2024", "2025", "2026 t.o.m. okt", "2026 budget", "2026 prognos"]
    closing = frame.loc["Utgående eget kapital (inklusive årets resultat)"]
    opening = frame.loc["Ingående eget kapital"]
    assert closing["2023"] == opening["2024"] and closing["2024"] == opening["2025"] and closing["2025"] == opening["2026 t.o.m. okt"]
    # 2025's closing eget kapital is what the ledger's eget kapital konto holds after 2025's result is carried
    held = sum(posting.units.number for entry in bc_data.filter_txns(bok.entries) if entry.date <= datetime.date(2026, 1, 1)
               for posting in entry.postings if posting.account.startswith("Eget-kapital:Socialnämnden:2011"))
    assert closing["2025"] == -held


def test_nyckeltal_has_a_row_per_nyckeltal_and_its_effects_add_up(bok):
    frame = bok.nyckeltal("2026-10", exakt=True)
    specs = (EXAMPLE_DIR / "nyckeltal.toml").read_text(encoding="utf-8").count("[[nyckeltal]]")
    assert len(frame) == specs
    for _, row in frame.iterrows():
        assert row["nettokostnad"] == row["totala_kostnader"] - row["ovriga_intakter"]
        if row["volymeffekt"] is not None:  # exact but for the division's last of 28 digits
            assert abs(row["volymeffekt"] + row["priseffekt"] - row["avvikelse"]) < D("0.000001")


def test_a_ledger_with_errors_is_refused_with_its_file_and_line(tmp_path):
    ledger = tmp_path / "fel.beancount"
    ledger.write_text('option "operating_currency" "SEK"\n2026-01-01 open Assets:Bank\n2026-01-02 balance Assets:Bank 5 SEK\n',
                      encoding="utf-8")
    with pytest.raises(LedgerError) as err:
        namndbok.open(ledger)
    assert "fel.beancount:3" in str(err.value)
    with pytest.raises(LedgerError, match="Hittar inte liggaren"):
        namndbok.open(tmp_path / "finns-inte.beancount")


def test_dates_are_read_as_the_cli_reads_them():
    assert as_date("2026-02") == datetime.date(2026, 2, 28) and as_date("2026-10-15") == datetime.date(2026, 10, 15)
    with pytest.raises(ValueError, match="'okt 2026' är inget datum"):
        as_date("okt 2026")


def test_importing_namndbok_does_not_import_pandas():
    done = subprocess.run([sys.executable, "-c", "import sys, namndbok; print('pandas' in sys.modules)"],
                          capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "False"
