"""Two branches of the same ledger merge without a conflict: files per month and kind, include globs.

Real git in a temporary copy of the example (at ledgers/exempel, as in the product): an
import on one branch and a prognos plus a budget decision on the other; a lock of a
different period on each. The merged ledger loads clean, and its figures are the base's
plus both branches' changes (`namndbok andringar`'s differences add up)."""

from __future__ import annotations

import subprocess

from namndbok.andringar import MEASURES
from namndbok.scripts.andringar import compare

from conftest import run
from test_andringar import SIE, commit_all, git, pytestmark, repo  # noqa: F401 - the fixture and the skip mark


def merged(top, branch: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=Ekonom", "-c", "user.email=ekonom@example.se", "merge", "--no-edit",
                           "--no-verify", branch], cwd=top, capture_output=True, text=True, timeout=120)


def differences(ledger, before: str, after: str | None) -> dict:
    """(year, group, typ, measure) → the difference, every nonzero one, totals included."""
    found = compare(ledger, before, after, "verksamhet").changes
    return {(row.year, row.key, measure): row.difference(measure)
            for row in [*found.figures, *found.totals] for measure in MEASURES if row.difference(measure)}


def test_an_import_and_a_prognos_with_a_budget_decision_on_two_branches_merge(repo):
    top = repo.parent.parent.parent
    git(top, "switch", "-q", "-c", "import")
    assert run("import", SIE, repo)[0] == 0
    commit_all(top, "Import november")
    git(top, "switch", "-q", "main")
    git(top, "switch", "-q", "-c", "prognos")
    code, out = run("prognos", "lamna", repo, "--per", "2026-10", "--verksamhet", "572", "--kostnader", "95,5",
                    "--intakter", "9,8", "--av", "Bo")
    assert code == 0, out
    assert run("budget", "fordela", "2027", repo, "--beslut", "SN 2026-11-20 §150")[0] != 0  # a proposal first
    assert run("budget", "fordela", "2027", repo)[0] == 0
    assert run("budget", "fordela", "2027", repo, "--beslut", "SN 2026-11-20 §150")[0] == 0
    commit_all(top, "Internbudget 2027")
    git(top, "switch", "-q", "import")
    import_tip = git(top, "rev-parse", "HEAD").strip()  # the branch moves to the merge

    done = merged(top, "prognos")
    assert done.returncode == 0 and "CONFLICT" not in done.stdout, done.stdout + done.stderr
    code, out = run("kontrollera", repo)
    assert code == 0 and "inga fel" in out, out

    base = "main"  # where both branches began
    one = differences(repo, base, import_tip)
    other = differences(repo, base, "prognos")
    both = differences(repo, base, "HEAD")
    assert one and other and set(one).isdisjoint(key for key in other if key[1])  # no group changed by both
    expected = {key: one.get(key, 0) + other.get(key, 0) for key in {*one, *other}}
    assert both == {key: value for key, value in expected.items() if value}
    kinds = {item.kind for item in compare(repo, base, "HEAD", "verksamhet").changes.items}
    assert kinds == {"import", "uppföljning", "budgetbeslut"}


def test_two_branches_locking_different_periods_merge(repo):
    """Each lock's las line is a file of its own (ÅR/las-DATUM.beancount): nothing to merge line by line."""
    top = repo.parent.parent.parent
    example_locks = {path.name: path.read_bytes() for path in (repo.parent / "2026").glob("las*")}
    for branch, period in (("september", "2026-09"), ("oktober", "2026-10")):
        git(top, "switch", "-q", "main")
        git(top, "switch", "-q", "-c", branch)
        code, out = run("period-close", period, repo, "--las", "--utan-pdf")
        assert code == 0 and "är nu låst" in out, out
        commit_all(top, f"Låst t.o.m. {period}")

    done = merged(top, "september")
    assert done.returncode == 0 and "CONFLICT" not in done.stdout, done.stdout + done.stderr
    code, out = run("kontrollera", repo)
    assert code == 0 and "inga fel" in out, out
    locks = {item.key for item in compare(repo, "main", "HEAD", "verksamhet").changes.items if item.kind == "lås"}
    assert locks == {("2026-01-01", "2026-09-30"), ("2026-01-01", "2026-10-31")}
    # the example's own locks as they were: never written again
    assert {name: (repo.parent / "2026" / name).read_bytes() for name in example_locks} == example_locks
    # a later change inside the merged locks is still refused
    september = repo.parent / "2026" / "utfall" / "2026-09.beancount"
    september.write_text(september.read_text(encoding="utf-8") + "\n2026-09-15 * \"Sen\"\n"
                    "  Kostnader:Socialnämnden:010:6410:1000   100.00 SEK\n  Tillgångar:Socialnämnden:1690\n",
                    encoding="utf-8")
    code, out = run("kontrollera", repo)
    assert code == 1 and "Perioden 2026-01-01 – 2026-09-30 är stängd" in out, out
