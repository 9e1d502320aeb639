"""`namndbok andringar`: what changed in figures between two revisions, on real commits of the example.

The example is committed in a git repository of its own, in a subfolder as in the product
(`ledgers/exempel`), and changed by the commands an economist runs: an import, a budget
decision, a prognos, an amount edited in an open month. The expected differences are
computed from the change itself (the SIE file's sums, the decision's lines, the amounts
given), never by the engine."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.parser import parser

from namndbok.andringar import ADDED, CHANGED, ItemChange
from namndbok.scripts.andringar import compare

from conftest import EXAMPLE_DIR, REPO, run

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git finns inte")
IDENTITY = ["-c", "user.name=Ekonom", "-c", "user.email=ekonom@example.se"]
SIE = EXAMPLE_DIR / "import" / "sie-2026-11.se"


def git(folder: Path, *args) -> str:
    done = subprocess.run([GIT, *IDENTITY, *args], cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)


@pytest.fixture
def repo(tmp_path):
    """A git repository holding a copy of the example at ledgers/exempel, committed: its main file."""
    top = tmp_path / "kommun"
    folder = top / "ledgers" / "exempel"
    shutil.copytree(EXAMPLE_DIR, folder, ignore=shutil.ignore_patterns("rapporter", ".namndbok-*"))
    shutil.copy(REPO / ".gitignore", top / ".gitignore")
    git(top, "init", "-q", "-b", "main")
    commit_all(top, "Exemplet")
    return folder / "socialnamnden.beancount"


def by_group(found, measure: str, kinds: bool = True) -> dict:
    """(verksamhet[, typ]) → the difference in `measure`, over the rows that changed (zero left out)."""
    out = defaultdict(Decimal)
    for row in found.figures:
        difference = row.difference(measure)
        if difference:
            out[(row.key[0], row.kind) if kinds else row.key[0]] += difference
    return {key: value for key, value in out.items() if value}


def sie_sums(path: Path) -> dict:
    """verksamhet (dimension 20; None without) → the committee's-sign sum of the file's #TRANS on result accounts."""
    out = defaultdict(Decimal)
    for line in path.read_bytes().decode("cp437").splitlines():
        match = re.match(r'\s*#TRANS\s+(\d+)\s+\{([^}]*)\}\s+(-?[\d.]+)', line)
        if match and match[1][0] in "345678":
            verksamhet = re.search(r'\b20\s+"([^"]*)"', match[2])
            out[verksamhet[1] if verksamhet else None] -= Decimal(match[3])
    return {key: value for key, value in out.items() if value}


def test_an_amount_changed_in_an_open_month(repo):
    october = repo.parent / "2026" / "utfall" / "2026-10.beancount"
    text = october.read_text(encoding="utf-8")
    cost, balance = "85205.58 SEK", "-480869.53 SEK"  # 010's PO and its transaction's balancing line
    assert text.count(cost) == 1 and text.count(balance) == 1
    october.write_text(text.replace(cost, "86455.58 SEK").replace(balance, "-482119.53 SEK"), encoding="utf-8")

    found = compare(repo, "HEAD", None, "verksamhet").changes
    assert by_group(found, "utfall") == {("010", "Kostnader"): Decimal("-1250.00")}  # a cost: negative in the committee's sign
    assert by_group(found, "budget") == {} and by_group(found, "prognos") == {}
    [row] = found.figures
    assert row.year == 2026 and row.label == "010 Politisk verksamhet"
    assert row.after.utfall - row.before.utfall == Decimal("-1250.00")
    [total] = found.totals
    assert total.difference("utfall") == Decimal("-1250.00") and found.items == []
    # by ansvar: the posting's ansvar 1000
    assert by_group(compare(repo, "HEAD", None, "ansvar").changes, "utfall", kinds=False) == {"1000": Decimal("-1250.00")}

    code, out = run("andringar", "-f", repo)
    assert code == 0, out
    assert "Ändringar i siffror: HEAD → arbetskopian, kronor" in out
    assert re.search(r"2026\s+010 Politisk verksamhet\s+Kostnader\s+Utfall\s+\S.*-1 250,00\n", out), out
    code, out = run("andringar", "-f", repo, "--format", "csv")
    assert code == 0 and "Före;Efter;Skillnad" in out and ";-1250,00" in out, out

    commit_all(repo.parent.parent.parent, "Rättat belopp")
    code, out = run("andringar", "-f", repo)
    assert code == 0 and out == "Ändringar i siffror: HEAD → arbetskopian\nInga ändringar i siffrorna.\n", out
    code, out = run("andringar", "HEAD~1", "HEAD", "-f", repo, "--enhet", "tkr", "--format", "markdown")
    assert code == 0 and "**Ändringar i siffror: HEAD~1 → HEAD, tkr**" in out and "| -1,25 |" in out, out


def test_an_import(repo):
    code, out = run("import", SIE, repo)
    assert code == 0, out
    commit_all(repo.parent.parent.parent, "Import november")
    found = compare(repo, "HEAD~1", "HEAD", "verksamhet").changes
    expected = sie_sums(SIE)
    assert len(expected) > 5
    assert by_group(found, "utfall", kinds=False) == expected
    assert [total.difference("utfall") for total in found.totals] == [sum(expected.values())]
    assert by_group(found, "budget") == {} and by_group(found, "prognos") == {}
    assert found.items == [ItemChange("import", ("sie-2120000000-2026", "2026-11"), ADDED, "1 post")]
    code, out = run("andringar", "HEAD~1", "HEAD", "-f", repo)
    assert code == 0 and "Import" in out and "sie-2120000000-2026 – 2026-11" in out and "tillagd" in out, out


def budget_lines(path: Path, name: str) -> dict:
    """(verksamhet, typ) → the committee's-sign sum of decision `name`'s budgetrad lines in `path` (read by Beancount's parser)."""
    out = defaultdict(Decimal)
    for entry in parser.parse_file(str(path))[0]:
        if getattr(entry, "type", None) == "budgetrad" and entry.values[0].value == name:
            parts = entry.values[1].value.split(":")
            if parts[2] == "Kommunbidrag":
                key = (parts[3] if len(parts) > 3 else None, "Kommunbidrag")
            else:
                key = (parts[2], "Intäkter" if parts[0] == "Intäkter" else "Kostnader")
            out[key] -= entry.values[2].value.number
    return {key: value for key, value in out.items() if value}


def test_a_budget_decision(repo):
    code, out = run("budget", "fordela", "2027", repo)
    assert code == 0, out
    commit_all(repo.parent.parent.parent, "Förslag till internbudget 2027")
    found = compare(repo, "HEAD~1", "HEAD", "verksamhet").changes
    assert found.figures == []  # a proposal changes no figure …
    [item] = found.items  # … but is listed
    assert item.kind == "budgetbeslut" and item.key == ("Internbudget 2027",) and item.state == ADDED

    code, out = run("budget", "fordela", "2027", repo, "--beslut", "SN 2026-11-20 §150")
    assert code == 0, out
    commit_all(repo.parent.parent.parent, "Internbudget 2027 beslutad")
    found = compare(repo, "HEAD~1", "HEAD", "verksamhet").changes
    expected = budget_lines(repo.parent / "2027" / "budget.beancount", "Internbudget 2027")
    assert len(expected) > 20
    assert by_group(found, "budget") == expected
    assert {row.year for row in found.figures} == {2027}
    assert by_group(found, "utfall") == {} and by_group(found, "prognos") == {}
    assert found.items == [ItemChange("budgetbeslut", ("Internbudget 2027",), CHANGED,
                                      "2026-11-20, internbudget, SN 2026-11-20 §150")]


def prognos_lines(path: Path, account: str) -> Decimal:
    """The main prognos (no fall:) on `account` in `path`, Beancount's sign (read by Beancount's parser)."""
    return sum((entry.values[1].value.number for entry in parser.parse_file(str(path))[0]
                if getattr(entry, "type", None) == "prognos" and entry.values[0].value == account
                and "fall" not in entry.meta), Decimal(0))


def test_a_new_prognos(repo):
    october = repo.parent / "2026" / "prognos" / "2026-10.beancount"
    costs = prognos_lines(october, "Kostnader:Socialnämnden:571")
    incomes = prognos_lines(october, "Intäkter:Socialnämnden:571")
    assert costs > 0 > incomes
    code, out = run("prognos", "lamna", repo, "--per", "2026-10", "--verksamhet", "571", "--kostnader", "160,25",
                    "--intakter", "14,5", "--enhet", "mnkr", "--av", "Anna")
    assert code == 0 and "Incheckad i git" in out, out  # its own commit
    found = compare(repo, "HEAD~1", "HEAD", "verksamhet").changes
    assert by_group(found, "prognos") == {("571", "Kostnader"): -Decimal("160250000") + costs,
                                          ("571", "Intäkter"): Decimal("14500000") + incomes}
    assert by_group(found, "utfall") == {} and by_group(found, "budget") == {}
    assert found.items == [ItemChange("uppföljning", (datetime.date(2026, 10, 31),),
                                      CHANGED, found.items[0].detail)]


def test_errors_are_said_in_swedish(repo, tmp_path):
    code, out = run("andringar", "finns-inte", "-f", repo)
    assert code == 1 and "Okänd revision 'finns-inte'" in out and "Traceback" not in out, out
    code, out = run("andringar", repo)
    assert code != 0 and f"är en liggare, ingen revision: ange den med -f {repo}" in out, out
    code, out = run("andringar", "HEAD", "HEAD", repo)  # the ledger after the revisions
    assert code == 0 and "Inga ändringar i siffrorna." in out, out
    code, out = run("andringar", "HEAD", "--koat", "HEAD~1", "-f", repo)
    assert code != 0 and "inte båda" in out, out
    outside = tmp_path / "utan-git"
    shutil.copytree(EXAMPLE_DIR, outside, ignore=shutil.ignore_patterns("rapporter", ".namndbok-*"))
    code, out = run("andringar", "-f", outside / "socialnamnden.beancount")
    assert code == 1 and "är inget git-förråd" in out and "Traceback" not in out, out
    # a revision where the ledger has faults: said, not compared
    october = repo.parent / "2026" / "utfall" / "2026-10.beancount"
    october.write_text(october.read_text(encoding="utf-8").replace("85205.58 SEK", "85206.58 SEK"), encoding="utf-8")
    code, out = run("andringar", "-f", repo)
    assert code == 1 and "Liggaren i arbetskopian har 1 fel" in out and "2026-10.beancount:" in out, out
    commit_all(repo.parent.parent.parent, "Trasig")
    code, out = run("andringar", "HEAD", "HEAD~1", "-f", repo)
    assert code == 1 and "Liggaren i HEAD har 1 fel (det första: ledgers/exempel/2026/utfall/2026-10.beancount:" in out, out
