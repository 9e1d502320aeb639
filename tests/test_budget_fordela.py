"""`namndbok budget fordela ÅR`: the internbudget proposal from the ram, and the decided version (issue 22, point 4).

Real ledgers through Beancount and the real CLI, on a copy of the example committee."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from conftest import run

import pytest

from namndbok.fordelning import spread
from namndbok.ramberakning import RamError, parse_assumptions


def _lines(path, version="Internbudget 2027"):
    """(account, amount) of the version's budget lines in the file."""
    pattern = re.compile(rf'^\d{{4}}-\d\d-\d\d custom "budgetrad" "{re.escape(version)}" (\S+)\s+(-?[\d.]+) SEK')
    return [(m.group(1), Decimal(m.group(2))) for m in map(pattern.match, path.read_text(encoding="utf-8").splitlines()) if m]


def _helar(output: str) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(output), delimiter=";"))
    header = rows[0]
    index = header.index("Budget helår")
    return {row[0]: row[index] for row in rows[1:] if row}


def _ram_2027(relative: str) -> Decimal:
    code, out = run("budget", "ram", "2027", "-f", relative, "--enhet", "kr", "--format", "csv")
    assert code == 0, out
    row = next(r for r in csv.reader(io.StringIO(out), delimiter=";") if r and r[0] == "Summa rambudget")
    return Decimal(re.sub(r"\s", "", row[1]).replace("\u2212", "-"))


def test_spread_rounds_to_whole_kronor_and_puts_the_remainder_on_the_largest_line():
    parts = spread(Decimal(100), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})
    assert parts == {"a": Decimal(33), "b": Decimal(33), "c": Decimal(34)}  # equal weights: the last key's
    assert sum(parts.values()) == Decimal(100)
    assert all(v == v.to_integral_value() for v in parts.values())
    uneven = spread(Decimal(1000), {"small": Decimal(1), "big": Decimal(5), "mid": Decimal(3)})
    assert sum(uneven.values()) == Decimal(1000)
    # 111,1 → 111, 555,6 → 556, 333,3 → 333: 1 000 exactly once the remainder (0) is placed
    assert uneven == {"small": Decimal(111), "big": Decimal(556), "mid": Decimal(333)}
    negative = spread(Decimal(-10), {"x": Decimal(1), "y": Decimal(2)})
    assert sum(negative.values()) == Decimal(-10) and negative["y"] == Decimal(-7)


def test_full_cycle_on_the_example(example_copy, monkeypatch):
    """Ram 2027, the proposal (ignored by the follow-up), the decision, then uppföljning per 2027-01 against it;
    run from the folder above the ledger with relative paths."""
    monkeypatch.chdir(example_copy.parent.parent)
    ledger = f"{example_copy.parent.name}/{example_copy.name}"
    target = example_copy.parent / "2027" / "budget.beancount"
    ram = _ram_2027(ledger)

    code, out = run("budget", "fordela", "2027", "-f", ledger)
    assert code == 0, out
    assert "Förslaget 'Internbudget 2027'" in out
    text = target.read_text(encoding="utf-8")
    assert 'status: "förslag"' in text
    assert 'include "*/budget.beancount"' in example_copy.read_text(encoding="utf-8")
    lines = _lines(target)
    assert all(a == a.to_integral_value() for _, a in lines)
    # The 2027 deficit repayment (eget kapital, KF 2025-02-17 §14: −10 mnkr kommunbidrag) is a row of the ram and
    # spread on the verksamheter like a besparing; the internbudget puts the 10 mnkr back on the nämnd's kommunbidrag,
    # where the ledger's repayment decision took it, so the cut lies once, on the verksamheter.
    assert dict(lines)["Intäkter:Socialnämnden:Kommunbidrag"] == Decimal(-10_000_000)
    assert "Kostnader:Socialnämnden" not in dict(lines)  # no besparing left unspread
    spread_lines = [(account, a) for account, a in lines if account != "Intäkter:Socialnämnden:Kommunbidrag"]
    assert sum(a for _, a in spread_lines) == 0  # per verksamhet: kommunbidrag = kostnader − intäkter
    assert -sum(a for account, a in spread_lines if ":Kommunbidrag" in account) == ram
    per_verksamhet = {}
    for account, amount in spread_lines:
        verksamhet = account.split(":")[-1] if ":Kommunbidrag:" in account else account.split(":")[2]
        per_verksamhet[verksamhet] = per_verksamhet.get(verksamhet, 0) + amount
    assert set(per_verksamhet.values()) == {0}, per_verksamhet
    code, out = run("kontrollera", "-f", ledger)
    assert code == 0 and "inga fel" in out and "Varning" not in out, out

    # A second run changes nothing; the follow-up does not see the proposal.
    before = target.read_bytes()
    code, out = run("budget", "fordela", "2027", "-f", ledger)
    assert code == 0 and "inget ändrat" in out, out
    assert target.read_bytes() == before

    month = example_copy.parent / "2027" / "utfall" / "2027-01.beancount"
    month.parent.mkdir(parents=True)
    month.write_text("\n".join([
        'option "name_assets" "Tillgångar"', 'option "name_liabilities" "Skulder"', 'option "name_equity" "Eget-kapital"',
        'option "name_income" "Intäkter"', 'option "name_expenses" "Kostnader"', "",
        '2027-01-31 * "Utfall januari 2027 – 010 Politisk verksamhet"',
        "  Kostnader:Socialnämnden:010:5011:1000   250000.00 SEK",
        "  Tillgångar:Socialnämnden:1690",
        ""]), encoding="utf-8")
    code, out = run("uppfoljning", "-f", ledger, "--per", "2027-01", "--enhet", "kr", "--decimaler", "0", "--format", "csv")
    assert code == 0, out
    unbudgeted = _helar(out)
    assert "Politisk verksamhet" not in unbudgeted or unbudgeted["Politisk verksamhet"] in ("", "0"), out  # only proposed

    politisk = sum(a for account, a in lines if account.startswith("Kostnader:Socialnämnden:010:"))
    code, out = run("uppfoljning", "-f", ledger, "--per", "2027-01", "--enhet", "kr", "--decimaler", "0", "--format", "csv",
                    "--budgetversion", "Internbudget 2027")
    assert code == 0, out  # asked for by name, the proposal is shown
    assert Decimal(re.sub(r"\s", "", _helar(out)["Politisk verksamhet"]).replace("\u2212", "-")) == -politisk

    # The decision: the proposal becomes the budget.
    code, out = run("budget", "fordela", "2027", "-f", ledger, "--beslut", "KF 2026-11-20 §150")
    assert code == 0 and "är beslutad" in out, out
    text = target.read_text(encoding="utf-8")
    assert "förslag" not in text and 'beslut: "KF 2026-11-20 §150"' in text
    assert '2026-11-20 custom "budgetbeslut" "Internbudget 2027"' in text
    assert _lines(target) == lines  # the reviewed lines are what is decided
    code, out = run("kontrollera", "-f", ledger)
    assert code == 0 and "Varning" not in out, out
    code, out = run("budgetbeslut", "-f", ledger, "--ar", "2027", "--enhet", "kr", "--decimaler", "0", "--format", "csv")
    assert code == 0, out
    total = next(r for r in csv.reader(io.StringIO(out), delimiter=";") if r and r[1] == "Kommunbidrag efter besluten")
    assert Decimal(re.sub(r"\s", "", total[-1]).replace("\u2212", "-")) == ram  # the decided kommunbidrag is the ram
    code, out = run("uppfoljning", "-f", ledger, "--per", "2027-01", "--enhet", "kr", "--decimaler", "0", "--format", "csv")
    assert code == 0, out
    helar = _helar(out)
    assert Decimal(re.sub(r"\s", "", helar["Nettokostnader"]).replace("\u2212", "-")) == -ram  # balanced: net cost = ram
    assert Decimal(re.sub(r"\s", "", helar["Politisk verksamhet"]).replace("\u2212", "-")) == -politisk

    # A decided version is not overwritten, by a new proposal or another decision.
    code, out = run("budget", "fordela", "2027", "-f", ledger)
    assert code != 0 and "redan beslutad" in out and "2027/budget.beancount:" in out, out
    code, out = run("budget", "fordela", "2027", "-f", ledger, "--beslut", "KF 2026-12-01 §1")
    assert code != 0 and "redan beslutad" in out, out
    assert _lines(target) == lines


def test_rerun_replaces_the_proposal_and_a_decided_change_goes_where_the_file_says(example_copy, monkeypatch):
    monkeypatch.chdir(example_copy.parent)
    target = example_copy.parent / "2027" / "budget.beancount"
    code, out = run("budget", "fordela", "2027", "-f", example_copy.name)
    assert code == 0, out
    first = _lines(target)
    assumptions = example_copy.parent / "budget" / "2027.toml"
    assumptions.write_text(assumptions.read_text(encoding="utf-8") + "\n".join([
        "", "[fordelning]", 'nyckel = "budget"',
        '[fordelning.del."Förstärkt familjehemsvård"]', 'nyckel = "belopp"', 'verksamhet = "5732"', 'konto = "4620"',
        '[fordelning.del."Kompensation för fler placerade barn och unga"]', 'nyckel = "volym"', 'konto = "4610"',
        'volymer = { "5731" = 3, "5732" = 1 }', ""]), encoding="utf-8")
    code, out = run("budget", "fordela", "2027", "-f", example_copy.name)
    assert code == 0 and "skrivet" in out, out
    text = target.read_text(encoding="utf-8")
    assert text.count('custom "budgetbeslut" "Internbudget 2027"') == 1  # replaced, not doubled
    second = _lines(target)
    assert sum(a for acc, a in second if ":Kommunbidrag" in acc) == sum(a for acc, a in first if ":Kommunbidrag" in acc)
    old, new = dict(first), dict(second)
    # The satsning (2 000 tkr) on 5732:4620 as a whole; the rest of that line moves only by its budget share no more.
    assert new["Kostnader:Socialnämnden:5732:4620"] - old["Kostnader:Socialnämnden:5732:4620"] > Decimal(1_000_000)
    code, out = run("kontrollera", "-f", example_copy.name)
    assert code == 0 and "Varning" not in out, out


def test_a_key_naming_an_unknown_konto_is_refused_with_file_and_line(example_copy, monkeypatch):
    monkeypatch.chdir(example_copy.parent)
    assumptions = example_copy.parent / "budget" / "2027.toml"
    assumptions.write_text(assumptions.read_text(encoding="utf-8") + "\n".join([
        "", '[fordelning.del."Förstärkt familjehemsvård"]', 'nyckel = "belopp"', 'verksamhet = "5732"', 'konto = "9999"', ""]),
        encoding="utf-8")
    code, out = run("budget", "fordela", "2027", "-f", example_copy.name)
    assert code != 0 and "2027.toml:" in out and "9999" in out and "Traceback" not in out, out
    assert not (example_copy.parent / "2027").exists()


def test_a_key_for_a_part_the_table_does_not_have_is_refused(example_copy, monkeypatch):
    monkeypatch.chdir(example_copy.parent)
    assumptions = example_copy.parent / "budget" / "2027.toml"
    text = assumptions.read_text(encoding="utf-8")
    assumptions.write_text(text + '\n[fordelning.del."Finns inte"]\nnyckel = "budget"\n', encoding="utf-8")
    line = text.count("\n") + 2
    code, out = run("budget", "fordela", "2027", "-f", example_copy.name)
    assert code != 0 and f"2027.toml:{line}:" in out and "Finns inte" in out, out
    assert not (example_copy.parent / "2027").exists()


@pytest.mark.parametrize("table, line, words", [
    ('[fordelning]\nnyckel = "belopp"\n', 2, 'nyckel i [fordelning] ska vara "budget" eller "utfall"'),
    ('[fordelning]\nokand = 1\n', 2, "Okänd nyckel okand"),
    ('[fordelning.del."A"]\nnyckel = "belopp"\nkonto = "4620"\n', 1, "behöver verksamhet"),
    ('[fordelning.del."A"]\nnyckel = "belopp"\nverksamhet = "57:32"\nkonto = "4620"\n', 3, "verksamhet ska vara en kod"),
    ('[fordelning.del."A"]\nnyckel = "volym"\nkonto = "4610"\nvolymer = { "5731" = 2 }\npris = { "5732" = 1 }\n', 5,
     "pris saknas för verksamhet 5731"),
    ('[fordelning.del."A"]\nnyckel = "budget"\nkonto = "4610"\n', 3, "konto hör inte till nyckel"),
])
def test_the_fordelning_table_is_checked_with_file_and_line(tmp_path, table, line, words):
    path = tmp_path / "2027.toml"
    path.write_text('[upprakning.2027]\ngenerell = 2\n' + table, encoding="utf-8")
    with pytest.raises(RamError) as err:
        parse_assumptions(path)
    assert f"2027.toml:{line + 2}:" in str(err.value) and words in str(err.value), str(err.value)


def test_deciding_without_a_proposal_is_refused_and_writes_nothing(example_copy, monkeypatch):
    monkeypatch.chdir(example_copy.parent)
    code, out = run("budget", "fordela", "2027", "-f", example_copy.name, "--beslut", "KF 2026-11-20 §150")
    assert code != 0 and "inget förslag 'Internbudget 2027'" in out and "budget fordela 2027" in out, out
    assert not (example_copy.parent / "2027").exists()
    code, out = run("budget", "fordela", "2027", "-f", example_copy.name, "--beslut", 'KF "150"')
    assert code != 0 and "utan citattecken" in out, out


def test_a_planned_result_in_the_ledger_is_in_the_ram_but_not_spent(example_copy, monkeypatch):
    """A second plan gives 2027 +5 mnkr (a planned result, `resultatreglering`) beside the −10 mnkr repayment: the ram
    holds both; the internbudget spreads the cut and not the planned result, which stays the nämnd's planned result."""
    monkeypatch.chdir(example_copy.parent)
    budget_2026 = example_copy.parent / "2026" / "budget.beancount"
    budget_2026.write_text(budget_2026.read_text(encoding="utf-8") + "\n".join([
        "", '2026-09-15 custom "eget-kapital" "Planerat överskott 2027" "2027" 5000000.00 SEK',
        '  typ: "aterbetalning"', '  beslut: "KF 2026-09-14 §95"', ""]), encoding="utf-8")
    code, out = run("budget", "ram", "2027", "-f", example_copy.name, "--enhet", "kr", "--format", "csv")
    assert code == 0, out
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(out), delimiter=";") if r}
    assert rows["Planerat överskott 2027"][0] == "5000000" and rows["Planerat överskott 2027, året före återförs"][1] == "-5000000"
    ram = _ram_2027(example_copy.name)
    code, out = run("budget", "fordela", "2027", "-f", example_copy.name)
    assert code == 0, out
    lines = _lines(example_copy.parent / "2027" / "budget.beancount")
    assert dict(lines)["Intäkter:Socialnämnden:Kommunbidrag"] == Decimal(-10_000_000)  # only the cut is moved down
    spread_lines = [(account, a) for account, a in lines if account != "Intäkter:Socialnämnden:Kommunbidrag"]
    assert sum(a for _, a in spread_lines) == 0  # each verksamhet balanced
    assert -sum(a for account, a in spread_lines if ":Kommunbidrag" in account) == ram - 5_000_000
    code, out = run("budget", "fordela", "2027", "-f", example_copy.name, "--beslut", "KF 2026-11-20 §150")
    assert code == 0, out
    code, out = run("kontrollera", "-f", example_copy.name)
    assert code == 0 and "Varning" not in out, out
    code, out = run("uppfoljning", "-f", example_copy.name, "--per", "2027-01", "--enhet", "kr", "--decimaler", "0",
                    "--format", "csv")
    assert code == 0, out
    assert Decimal(re.sub(r"\s", "", _helar(out)["Nettokostnader"]).replace("\u2212", "-")) == -(ram - 5_000_000)
