"""Prognos from the unit managers (issue 23, point 2): the core writer (`namndbok.prognos_write`),
`namndbok prognos lamna` and `namndbok prognos status` on real copies of the example, in git."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from beancount.parser import parser

from conftest import EXAMPLE_DIR

from namndbok.accounts import Roots
from namndbok.prognos_write import InputError, prognos_block, read_submission, replace_unit

OCTOBER = EXAMPLE_DIR / "2026" / "prognos" / "2026-10.beancount"
ROOTS = Roots()
NAMND = "Socialnämnden"
OPTIONS = 'option "name_income" "Intäkter"\noption "name_expenses" "Kostnader"\n'
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _submission(**given):
    texts = {"kostnader": "160,2", "intakter": "14,5", "basta": "159", "samsta": "162", **given}
    return read_submission("571", datetime.date(2026, 10, 31), texts, "mnkr", "Fler placeringar", "Anna Andersson")


def _prognos(text: str) -> list[tuple]:
    entries, errors, _ = parser.parse_string(text)
    assert errors == []
    return [(e.date, e.values[0].value, e.values[1].value.number, e.meta.get("fall"), e.meta.get("kommentar"))
            for e in entries if type(e).__name__ == "Custom" and e.type == "prognos"]


# -- the pure part: text in, text out -------------------------------------------------------------------


def test_a_submission_replaces_its_units_lines_and_keeps_every_other_line_byte_for_byte():
    text = OCTOBER.read_text(encoding="utf-8")
    submission = _submission()
    out = replace_unit(text, ROOTS, NAMND, submission, prognos_block(ROOTS, NAMND, submission, "Missbrukarvård", "SEK"))
    before = [p for p in _prognos(text) if not p[1].endswith(":571")]
    after = _prognos(out)
    assert [p for p in after if not p[1].endswith(":571")] == before
    assert [p for p in after if p[1].endswith(":571")] == [
        (datetime.date(2026, 10, 31), "Intäkter:Socialnämnden:571", Decimal("-14500000.00"), None, None),
        (datetime.date(2026, 10, 31), "Kostnader:Socialnämnden:571", Decimal("160200000.00"), None, "Fler placeringar"),
        (datetime.date(2026, 10, 31), "Kostnader:Socialnämnden:571", Decimal("159000000.00"), "bästa", None),
        (datetime.date(2026, 10, 31), "Kostnader:Socialnämnden:571", Decimal("162000000.00"), "sämsta", None),
    ]
    # Every line that is not the unit's is still there, in order, as it was (comments and options too).
    kept = [line for line in text.splitlines() if ":571 " not in line]
    out_lines = out.splitlines()
    position = 0
    for line in kept:
        if not line.strip() or line.startswith("  "):
            continue  # blank lines and the unit's metadata lines
        position = out_lines.index(line, position) + 1
    assert out.count("\n\n\n") == 0


def test_a_typ_not_entered_keeps_its_lines():
    text = OCTOBER.read_text(encoding="utf-8")
    submission = _submission(intakter="", basta="", samsta="")
    out = replace_unit(text, ROOTS, NAMND, submission, prognos_block(ROOTS, NAMND, submission, "Missbrukarvård", "SEK"))
    incomes = [p for p in _prognos(out) if p[1] == "Intäkter:Socialnämnden:571"]
    assert incomes == [p for p in _prognos(text) if p[1] == "Intäkter:Socialnämnden:571"]  # with their cases
    costs = [p for p in _prognos(out) if p[1] == "Kostnader:Socialnämnden:571"]
    assert [(c[2], c[3]) for c in costs] == [(Decimal("160200000.00"), None)]


def test_a_unit_without_lines_is_added_after_a_blank_line():
    text = '; Prognos\noption "name_income" "Intäkter"\noption "name_expenses" "Kostnader"\n'
    submission = read_submission("610", datetime.date(2026, 11, 15), {"kostnader": "1 250", "intakter": ""}, "tkr")
    out = replace_unit(text, ROOTS, NAMND, submission, prognos_block(ROOTS, NAMND, submission, "Flykting", "SEK"))
    assert out.startswith(text + "\n2026-11-30 custom")
    assert _prognos(out) == [(datetime.date(2026, 11, 30), "Kostnader:Socialnämnden:610", Decimal("1250000.00"), None, None)]


@pytest.mark.parametrize("texts, enhet, said", [
    ({"kostnader": "158,1x"}, "mnkr", "Kostnader: '158,1x' är inget tal"),
    ({"kostnader": "1e9"}, "mnkr", "är inget tal"),
    ({"intakter": "-14,5"}, "mnkr", "utan minustecken"),
    ({}, "mnkr", "Ange prognosen för helåret"),
    ({"kostnader": "10", "basta": "11"}, "mnkr", "Bästa fall kan inte ha högre kostnader"),
    ({"kostnader": "10", "samsta": "9,9"}, "mnkr", "Sämsta fall kan inte ha lägre kostnader"),
    ({"intakter": "10", "samsta": "12"}, "mnkr", "ange också kostnaderna"),
    ({"kostnader": "10"}, "miljarder", "Enheten 'miljarder' finns inte"),
])
def test_what_is_no_prognos_is_refused_in_swedish(texts, enhet, said):
    with pytest.raises(InputError, match=said):
        read_submission("571", datetime.date(2026, 10, 31), texts, enhet)


def test_a_comment_on_two_lines_is_refused_and_quotes_are_kept():
    with pytest.raises(InputError, match="en rad"):
        read_submission("571", datetime.date(2026, 10, 31), {"kostnader": "1"}, kommentar="a\nb")
    submission = read_submission("571", datetime.date(2026, 10, 31), {"kostnader": "1"}, kommentar='Köp "HVB" \\ LSS')
    block = prognos_block(ROOTS, NAMND, submission, "x", "SEK")
    assert _prognos(OPTIONS + "\n".join(block))[0][4] == 'Köp "HVB" \\ LSS'


# -- the CLI, on a copy of the example in git -----------------------------------------------------------


def _git(folder, *args) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


@pytest.fixture
def repo(example_copy):
    folder = example_copy.parent
    _git(folder, "init", "-q")
    _git(folder, "config", "user.name", "Ekonomen")
    _git(folder, "config", "user.email", "ekonom@example.org")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "Exemplet")
    return example_copy


def _cli(cwd, *args):
    env = {**os.environ, **GIT_ENV, "NAMNDBOK_LIGGARE": ""}
    return subprocess.run([sys.executable, "-m", "namndbok.scripts.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=300)


def test_lamna_from_another_folder_writes_the_file_and_makes_one_commit_of_it_alone(repo, tmp_path):
    folder = repo.parent
    (folder / "anteckning.txt").write_text("staged, not ours\n", encoding="utf-8")
    _git(folder, "add", "anteckning.txt")
    elsewhere = tmp_path / "annanstans"
    elsewhere.mkdir()
    relative = os.path.relpath(repo, elsewhere)
    done = _cli(elsewhere, "prognos", "lamna", relative, "--per", "2026-10", "--verksamhet", "571",
                "--kostnader", "160,2", "--intakter", "14,5", "--basta", "159", "--samsta", "162",
                "--kommentar", "Fler placeringar", "--av", "Anna Andersson")
    assert done.returncode == 0, done.stderr
    assert "571 Missbrukarvård för vuxna" in done.stdout and "Incheckad i git" in done.stdout
    text = (folder / "2026" / "prognos" / "2026-10.beancount").read_text(encoding="utf-8")
    assert "Kostnader:Socialnämnden:571  160200000.00 SEK" in text
    assert 'kommentar: "Fler placeringar"' in text
    assert _git(folder, "log", "-1", "--format=%an|%s").strip() == \
        "Anna Andersson|Prognos 2026-10: 571 Missbrukarvård för vuxna (Anna Andersson)"
    assert _git(folder, "show", "--name-only", "--format=", "HEAD").split() == ["2026/prognos/2026-10.beancount"]
    assert _git(folder, "diff", "--cached", "--name-only").split() == ["anteckning.txt"]  # still staged
    assert _git(folder, "status", "--porcelain", "--", "2026").strip() == ""
    # The ledger loads clean with the new prognos, and the engine counts it.
    check = _cli(folder, "kontrollera", repo.name)
    assert check.returncode == 0, check.stdout + check.stderr


def test_status_says_who_gave_which_prognos_and_what_is_missing(repo):
    folder = repo.parent
    done = _cli(folder, "prognos", "lamna", "--per", "2026-11", "--verksamhet", "5731", "--kostnader", "251",
                "--av", "Bo Berg")
    assert done.returncode == 0, done.stderr
    assert (folder / "2026" / "prognos" / "2026-11.beancount").exists()
    status = _cli(folder, "prognos", "status", "--per", "2026-11")
    assert status.returncode == 0, status.stderr
    lines = {line.split("  ")[0]: line for line in status.stdout.splitlines()}
    assert "lämnad" in lines["5731 Institutionsvård (HVB) barn och unga"]
    assert lines["5731 Institutionsvård (HVB) barn och unga"].rstrip().endswith("Bo Berg")
    assert "saknas" in lines["571 Missbrukarvård för vuxna"]
    assert "Saknas (10 av 11): 010 Politisk verksamhet, 550 Insatser enligt LSS" in status.stdout
    october = _cli(folder, "prognos", "status", "--per", "2026-10")
    assert "Alla 11 verksamheter har lämnat prognos för 2026-10." in october.stdout
    assert "Ekonomen" in october.stdout  # the example's lines, committed by the economist


def test_a_locked_period_an_unknown_verksamhet_and_a_bad_amount_are_refused_and_nothing_changes(repo):
    folder = repo.parent
    before = {p: p.read_bytes() for p in folder.rglob("*.beancount")}
    head = _git(folder, "rev-parse", "HEAD")
    locked = _cli(folder, "prognos", "lamna", "--per", "2026-08", "--verksamhet", "571", "--kostnader", "150")
    assert locked.returncode == 1
    assert "2026/las.beancount:14: Perioden 2026-01-01 – 2026-08-31 är stängd" in locked.stderr
    unknown = _cli(folder, "prognos", "lamna", "--per", "2026-11", "--verksamhet", "999", "--kostnader", "1")
    assert unknown.returncode == 1 and "Verksamheten '999' finns inte i kontoplanen" in unknown.stderr
    bad = _cli(folder, "prognos", "lamna", "--per", "2026-11", "--verksamhet", "571", "--kostnader", "mycket")
    assert bad.returncode == 1 and "'mycket' är inget tal" in bad.stderr
    assert "Traceback" not in locked.stderr + unknown.stderr + bad.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*.beancount")} == before
    assert _git(folder, "rev-parse", "HEAD") == head


def test_two_submissions_at_once_both_land_as_two_commits(repo):
    folder = repo.parent
    env = {**os.environ, **GIT_ENV, "NAMNDBOK_LIGGARE": ""}
    procs = [subprocess.Popen([sys.executable, "-m", "namndbok.scripts.cli", "prognos", "lamna", "--per", "2026-11",
                               "--verksamhet", code, "--kostnader", amount, "--av", who], cwd=folder, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for code, amount, who in (("571", "160", "Anna Andersson"), ("572", "90", "Bo Berg"))]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    text = (folder / "2026" / "prognos" / "2026-11.beancount").read_text(encoding="utf-8")
    assert re.search(r"Kostnader:Socialnämnden:571 +160000000.00 SEK", text)
    assert re.search(r"Kostnader:Socialnämnden:572 +90000000.00 SEK", text)
    subjects = _git(folder, "log", "-2", "--format=%s").splitlines()
    assert sorted(subjects) == ["Prognos 2026-11: 571 Missbrukarvård för vuxna (Anna Andersson)",
                                "Prognos 2026-11: 572 Övrig vård för vuxna (Bo Berg)"]
    assert _git(folder, "status", "--porcelain", "--", "2026").strip() == ""


def test_without_git_the_prognos_is_written_and_not_committed_and_it_says_so(example_copy):
    folder = example_copy.parent
    done = _cli(folder, "prognos", "lamna", "--per", "2026-11", "--verksamhet", "610", "--intakter", "2,5")
    assert done.returncode == 0, done.stderr
    assert "Inte incheckad: liggarens mapp är inget git-förråd." in done.stdout
    assert "Intäkter:Socialnämnden:610  -2500000.00 SEK" in (folder / "2026" / "prognos" / "2026-11.beancount").read_text(
        encoding="utf-8")
    status = _cli(folder, "prognos", "status", "--per", "2026-11")
    assert "610 Flyktingmottagande" in status.stdout and "—" in status.stdout


def test_a_ledgers_pre_commit_hook_does_not_keep_the_submission_from_its_commit(repo):
    """`namndbok ny` gives a ledger a pre-commit hook that runs `namndbok kontrollera`; run inside the
    submission's write lock it would wait for it and fail. The submission checks the ledger itself."""
    import shlex

    from namndbok.new_committee import HOOK

    folder = repo.parent
    hook = folder / ".git" / "hooks" / "pre-commit"
    hook.write_text(HOOK.format(command=shlex.join([sys.executable, "-m", "namndbok.scripts.cli"]), main=repo.name),
                    encoding="utf-8")
    hook.chmod(0o755)
    env = {**os.environ, **GIT_ENV, "NAMNDBOK_LIGGARE": "", "NAMNDBOK_VANTA": "3"}
    done = subprocess.run([sys.executable, "-m", "namndbok.scripts.cli", "prognos", "lamna", "--per", "2026-11",
                           "--verksamhet", "589", "--kostnader", "4,2", "--av", "Cilla"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Incheckad i git som" in done.stdout
    assert _git(folder, "log", "-1", "--format=%an|%s").strip() == "Cilla|Prognos 2026-11: 589 Familjerätt (Cilla)"


def test_without_a_git_identity_the_commit_still_names_who_submitted(example_copy):
    folder = example_copy.parent
    _git(folder, "init", "-q")
    _git(folder, "-c", "user.name=Ekonomen", "-c", "user.email=e@example.org", "add", "-A")
    _git(folder, "-c", "user.name=Ekonomen", "-c", "user.email=e@example.org", "commit", "-q", "-m", "Exemplet")
    done = _cli(folder, "prognos", "lamna", "--per", "2026-11", "--verksamhet", "581", "--kostnader", "3", "--av", "Dan")
    assert done.returncode == 0, done.stderr
    assert _git(folder, "log", "-1", "--format=%an|%cn").strip() == "Dan|Nämndbok"


def test_forslag_skriv_writes_the_suggestion_only_where_no_prognos_is_given_and_status_calls_it_a_suggestion(repo):
    """`prognos forslag --skriv`: one commit with the suggestion of every verksamhet (of those named) that has no
    prognos for the follow-up yet; a prognos a unit gave is never replaced; status lists the written suggestion as
    "förslag" and still missing, until the unit gives its own."""
    import csv
    import io

    folder = repo.parent
    target = folder / "2026" / "prognos" / "2026-11.beancount"
    done = _cli(folder, "prognos", "lamna", "--per", "2026-11", "--verksamhet", "610", "--kostnader", "40", "--av", "Eva E")
    assert done.returncode == 0, done.stderr
    shown = _cli(folder, "prognos", "forslag", "--per", "2026-11", "--enhet", "kr", "--decimaler", "0", "--format", "csv")
    assert shown.returncode == 0 and not target.read_text(encoding="utf-8").count("Förslag från"), shown.stderr  # shown only
    rows = list(csv.reader(io.StringIO(shown.stdout[shown.stdout.index("Kronor;"):]), delimiter=";"))
    column, section, suggested = rows[0].index("Förslag helår"), None, {}
    for row in rows[1:]:
        if row and row[0] in ("Intäkter", "Kostnader"):
            section = row[0]
        elif row and section and row[0][:1].isdigit():
            suggested[(section, row[0].split()[0])] = Decimal(re.sub(r"\s", "", row[column]).replace("\u2212", "-"))

    wrote = _cli(folder, "prognos", "forslag", "--per", "2026-11", "--skriv", "--verksamhet", "571", "--verksamhet", "610")
    assert wrote.returncode == 0, wrote.stderr
    assert "för 2 verksamheter (571, 610)" in wrote.stdout and "Incheckad i git" in wrote.stdout
    lines = {(p[1], p[3]): p for p in _prognos(target.read_text(encoding="utf-8"))}
    # 571: both typer from the suggestion, in Beancount's sign (the CLI prints the committee's).
    assert lines[("Kostnader:Socialnämnden:571", None)][2] == -suggested[("Kostnader", "571")]
    assert lines[("Intäkter:Socialnämnden:571", None)][2] == -suggested[("Intäkter", "571")]
    assert lines[("Kostnader:Socialnämnden:571", None)][4].startswith("Förslag från Nämndbok (")
    # 610: the kostnader Eva gave stay; only its intäkter (not given) come from the suggestion.
    assert lines[("Kostnader:Socialnämnden:610", None)][2] == Decimal("40000000.00")
    assert lines[("Intäkter:Socialnämnden:610", None)][2] == -suggested[("Intäkter", "610")]
    assert "förslag för 571, 610" in _git(folder, "log", "-1", "--format=%s")
    assert _git(folder, "show", "--name-only", "--format=", "HEAD").split() == ["2026/prognos/2026-11.beancount"]

    status = _cli(folder, "prognos", "status", "--per", "2026-11")
    table = {line.split("  ")[0]: line for line in status.stdout.splitlines()}
    assert "förslag" in table["571 Missbrukarvård för vuxna"] and "lämnad" in table["610 Flyktingmottagande"]
    assert "Saknas (10 av 11)" in status.stdout and "571 Missbrukarvård för vuxna" in status.stdout.split("Saknas")[1]
    again = _cli(folder, "prognos", "forslag", "--per", "2026-11", "--skriv", "--verksamhet", "571")
    assert again.returncode == 0 and "Inget skrivet" in again.stdout, again.stderr
    refused = _cli(folder, "prognos", "forslag", "--per", "2026-07", "--skriv")  # no follow-up in July; locked
    assert refused.returncode != 0 and "las.beancount:" in refused.stderr and "stängd" in refused.stderr, refused.stderr


def test_the_status_line_counts_in_swedish():
    from namndbok.prognos_status import UnitStatus, missing_text

    october = datetime.date(2026, 10, 31)
    one = [UnitStatus("000", "000 Hela nämnden", True, None, None)]
    assert missing_text(one, october) == "Nämndens enda verksamhet har lämnat prognos för 2026-10."
    two = [*one, UnitStatus("571", "571 Missbrukarvård", True, None, None, suggested=True)]
    assert missing_text(two, october) == "Saknas (1 av 2): 571 Missbrukarvård."
    assert missing_text(two[:1] * 2, october) == "Alla 2 verksamheter har lämnat prognos för 2026-10."
