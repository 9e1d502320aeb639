"""A lock that cannot be bypassed without a word (issue 17, point 4).

Each way round a lock that once let a changed amount in the closed June 2026
through with "inga fel" is refused by `namndbok kontrollera` (at fil:rad),
by `namndbok period-close`, and by the Fava extension's pages. The example as
shipped has 1 January – 31 August 2026 locked.
"""

from __future__ import annotations

import re

import html
import shutil
import subprocess

from beancount import loader

from namndbok import las

from conftest import EXAMPLE_DIR, line_of, run

JUNE_HEAD = '2026-06-30 * "Utfall juni 2026 – 010 Politisk verksamhet"\n'


def change_an_amount_in_june(example):
    """The closed June with one amount changed (and its balancing line): (june's file, the entry's line)."""
    june = example.parent / "2026" / "utfall" / "2026-06.beancount"
    text = june.read_text(encoding="utf-8")
    june.write_text(text.replace("13523.01 SEK", "13524.01 SEK", 1).replace("-479846.86 SEK", "-479847.86 SEK", 1),
                    encoding="utf-8")
    return june, line_of(june, JUNE_HEAD.strip())


def fava_pages(example):
    """A function that gets the Nämndbok budget page Fava's extension serves for `example`
    (one Fava app, Flask's test client)."""
    from fava.application import create_app
    from fava.util import slugify

    app = create_app([example.resolve()], load=True)
    ledger = app.config["LEDGERS"].ledgers[0]
    client = app.test_client()

    def page() -> str:
        response = client.get(f"/{slugify(ledger.options['title'])}/extension/Namndbok/?sida=budget&partial=true")
        assert response.status_code == 200
        return html.unescape(response.get_data(as_text=True))
    return page


def fava_page(example) -> str:
    return fava_pages(example)()


def assert_refused(example, place: str, words: str):
    """kontrollera, period-close and the Fava page all refuse the ledger, naming `place` (fil:rad)."""
    code, out = run("kontrollera", example)
    assert code == 1 and f"{place}: " in out and words in out, out
    assert "inga fel" not in out
    code, out = run("period-close", "2026-08", example, "--las", "--utan-pdf")
    assert code == 1 and "Perioden 2026-08 kan inte stängas: Liggaren har" in out and place in out, out
    page = fava_page(example)
    assert "Nämndbok visar inga siffror: ett lås på en stängd period håller inte." in page and place in page, page
    assert words in page and "Rapportdatum" not in page and "Driftsredovisning" not in page


def test_the_shipped_example_is_clean_on_every_side(example_copy):
    code, out = run("kontrollera", example_copy)
    assert code == 0 and "inga fel." in out, out
    assert "Obs: liggaren ligger inte i ett git-förråd" in out  # a copy: what cannot be checked is said
    page = fava_page(example_copy)
    assert "Rapportdatum" in page and "visar inga siffror" not in page


def test_a_correction_marker_on_the_changed_entry_does_not_let_it_through(example_copy):
    """(a) `korrigering:` on the edited entry itself: a correction is a new entry in an open period."""
    june, line = change_an_amount_in_june(example_copy)
    text = june.read_text(encoding="utf-8")
    june.write_text(text.replace(JUNE_HEAD, JUNE_HEAD + '  korrigering: "KS 2026-05-02 §50"\n'), encoding="utf-8")
    assert_refused(example_copy, f"{june}:{line}", "Perioden 2026-01-01 – 2026-08-31 är stängd")
    code, out = run("kontrollera", example_copy)
    assert "korrigering: på posten gör inte ändringen tillåten" in out and "daterad efter 2026-08-31" in out

    # a placeholder is no reference either, wherever it stands
    june.write_text(text.replace(JUNE_HEAD, JUNE_HEAD + '  korrigering: "-"\n'), encoding="utf-8")
    code, out = run("kontrollera", example_copy)
    assert code == 1 and f"{june}:{line}: Perioden 2026-01-01 – 2026-08-31 är stängd" in out
    assert f"{june}:{line}: korrigering: ska ange beslutet" in out


def test_a_correction_is_a_new_entry_in_an_open_period(example_copy):
    september = example_copy.parent / "2026" / "utfall" / "2026-09.beancount"
    original = september.read_text(encoding="utf-8")
    correction = """
2026-09-30 * "Rättelse av felkontering i juni"
  korrigering: "SN 2026-10-14 §120"
  Kostnader:Socialnämnden:010:6410:1000  -13523.01 SEK
  Kostnader:Socialnämnden:010:6420:1000   13523.01 SEK
"""
    september.write_text(original + correction, encoding="utf-8")
    code, out = run("kontrollera", example_copy)
    assert code == 0 and "inga fel" in out, out
    september.write_text(original + correction.replace('"SN 2026-10-14 §120"', '"TODO"'), encoding="utf-8")
    code, out = run("kontrollera", example_copy)
    assert code == 1 and f"{september}:{len(original.splitlines()) + 2}: korrigering: ska ange beslutet" in out, out


def test_deleting_the_las_lines_is_a_deleted_lock(example_copy):
    """(b) the `custom "las"` lines gone: the lock files on disk say the locks were there."""
    locks = example_copy.parent / "2026" / "las.beancount"
    text = locks.read_text(encoding="utf-8")
    delar = '2026-08-31 custom "las" "2026-01-01" "2026-08-31"\n  fil: "2026/las-2026-08-31.txt"\n'
    assert delar in text
    locks.write_text(text.replace(delar, ""), encoding="utf-8")  # tertial 1 stays locked; June is after it
    change_an_amount_in_june(example_copy)
    lock_file = example_copy.parent / "2026" / "las-2026-08-31.txt"
    assert_refused(example_copy, f"{lock_file}:1", "LÅSET ÄR BORTTAGET")
    code, out = run("kontrollera", example_copy)
    assert 'lägg tillbaka låsraden (2026-08-31 custom "las" "2026-01-01" "2026-08-31" / fil: "2026/las-2026-08-31.txt")' in out, out

    # Every las line of the year gone (the include line taken out): each lock file says so.
    locks.write_text(text, encoding="utf-8")
    example_copy.write_text(example_copy.read_text(encoding="utf-8").replace('include "*/las.beancount"\n', ""),
                            encoding="utf-8")
    code, out = run("kontrollera", example_copy)
    assert code == 1 and f"{lock_file}:1: LÅSET ÄR BORTTAGET" in out, out
    assert f"{example_copy.parent / '2026' / 'las-2026-04-30.txt'}:1: LÅSET ÄR BORTTAGET" in out


def test_deleting_the_plugin_line_leaves_the_locks_checked(example_copy):
    """(c) The line that runs the lock check (`plugin "namndbok.plugins.namndbok"`, or the single-stage
    `plugin "namndbok.plugins.las"`) gone from the main file, or all plugins turned off."""
    original = example_copy.read_text(encoding="utf-8")
    # every other stage on its single-stage line, the lock's left out
    others = ('plugin "namndbok.plugins.skrivlas"\nplugin "namndbok.plugins.texter"\nplugin "namndbok.plugins.eget_kapital"\n'
              'plugin "namndbok.plugins.kontoplan" "kontoplan.toml"\nplugin "namndbok.plugins.budget" "periodisering.toml"\n'
              'plugin "namndbok.plugins.volymer"\n')
    without = re.sub(r'(?m)^plugin "namndbok\.plugins\.namndbok".*\n', lambda _: others, original)
    assert without != original
    example_copy.write_text(without, encoding="utf-8")
    change_an_amount_in_june(example_copy)
    assert_refused(example_copy, f"{example_copy}:1", 'LÅSEN KONTROLLERAS INTE: liggaren har låsta perioder')
    code, out = run("kontrollera", example_copy)
    assert 'inte raden plugin "namndbok.plugins.las"' in out

    example_copy.write_text('option "plugin_processing_mode" "raw"\n' + original, encoding="utf-8")
    code, out = run("kontrollera", example_copy)
    assert code == 1 and f'{example_copy}:1: LÅSEN KONTROLLERAS INTE: option "plugin_processing_mode" "raw"' in out, out


def _fingerprints_before_and_after(example, change):
    """(the fingerprint of June's first transaction, the same after `change`)."""
    def june_print():
        entries, _, _ = loader.load_file(str(example))
        (entry,) = [e for e in entries if getattr(e, "narration", "") == "Utfall juni 2026 – 010 Politisk verksamhet"]
        return las.fingerprint(entry)
    before = june_print()
    change()
    return before, june_print()


def edit_the_lock_file(example, reseal: bool):
    """Change an amount in June and put its new fingerprint in the lock file in place of the old one;
    `reseal`: also write the seal line again (someone who knows the format). The lock file."""
    before, after = _fingerprints_before_and_after(example, lambda: change_an_amount_in_june(example))
    assert before != after
    lock_file = example.parent / "2026" / "las-2026-08-31.txt"
    text = lock_file.read_text(encoding="utf-8")
    assert text.count(before) == 1
    text = text.replace(before, after)
    if reseal:
        text = las.sealed(text.partition("\n")[2])
    lock_file.write_text(text, encoding="utf-8")
    return lock_file


def test_editing_a_fingerprint_in_the_lock_file_is_refused(example_copy):
    """(d) the fingerprint replaced in `las-*.txt`: the file's seal no longer matches."""
    # A Fava already running sees it at its next page (Fava does not watch the lock files).
    page = fava_pages(example_copy)
    assert "Rapportdatum" in page()
    lock_file = example_copy.parent / "2026" / "las-2026-08-31.txt"
    shipped = lock_file.read_text(encoding="utf-8")
    lock_file.write_text(shipped + "0123456789abcdef0123456789abcdef\n", encoding="utf-8")  # a fingerprint added
    shown = page()
    assert f"{lock_file}:1: LÅSFILEN ÄR ÄNDRAD efter stängningen" in shown and "Rapportdatum" not in shown, shown
    lock_file.write_text(shipped, encoding="utf-8")

    lock_file = edit_the_lock_file(example_copy, reseal=False)
    assert_refused(example_copy, f"{lock_file}:1", "LÅSFILEN ÄR ÄNDRAD efter stängningen")
    # Written back in the unsealed second format: the ledger's other lock files are sealed.
    lines = lock_file.read_text(encoding="utf-8").splitlines()[4:]
    lock_file.write_text("\n".join([f"{las.FORMAT_2}: x", *lines]) + "\n", encoding="utf-8")
    code, out = run("kontrollera", example_copy)
    assert code == 1 and f"{lock_file}:1: LÅSFILEN ÄR ÄNDRAD: den har ett äldre format" in out, out


def test_an_earlier_lock_file_edited_and_resealed_breaks_the_chain(example_copy):
    """The earlier lock (tertial 1) edited by someone who writes its seal again: the delår's lock file
    records the SHA-256 of the one before it."""
    earlier = example_copy.parent / "2026" / "las-2026-04-30.txt"
    text = earlier.read_text(encoding="utf-8")
    body = text.partition("\n")[2]
    earlier.write_text(las.sealed(body + "0123456789abcdef0123456789abcdef\n"), encoding="utf-8")
    later = example_copy.parent / "2026" / "las-2026-08-31.txt"
    code, out = run("kontrollera", example_copy)
    assert code == 1 and f"{later}:4: LÅSFILEN ÄR ÄNDRAD: 2026/las-2026-04-30.txt" in out, out
    earlier.unlink()
    code, out = run("kontrollera", example_copy)
    assert code == 1 and f"{later}:4: LÅSET ÄR BORTTAGET: låsfilen före den här i kedjan, 2026/las-2026-04-30.txt" in out


def test_a_las_line_with_other_dates_is_refused(example_copy):
    """The las line narrowed to end before June: the lock file records its own period."""
    locks = example_copy.parent / "2026" / "las.beancount"
    text = locks.read_text(encoding="utf-8")
    locks.write_text(text.replace('2026-08-31 custom "las" "2026-01-01" "2026-08-31"',
                                  '2026-08-31 custom "las" "2026-01-01" "2026-05-31"'), encoding="utf-8")
    change_an_amount_in_june(example_copy)
    code, out = run("kontrollera", example_copy)
    line = line_of(locks, '"2026-05-31"')
    assert code == 1 and f"{locks}:{line}: LÅSRADEN ÄR ÄNDRAD: den anger 2026-01-01 – 2026-05-31" in out, out


def git(folder, *args):
    return subprocess.run(["git", "-c", "user.name=Ekonom", "-c", "user.email=ekonom@example.se", *args],
                          cwd=folder, check=True, capture_output=True, text=True).stdout


def test_git_history_shows_a_committed_lock_file_changed_or_deleted(tmp_path):
    repo = tmp_path / "kommun"
    example = repo / "socialnämnden" / "socialnamnden.beancount"  # a folder name git would quote
    shutil.copytree(EXAMPLE_DIR, example.parent, ignore=shutil.ignore_patterns("rapporter"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Delåret låst")
    code, out = run("kontrollera", example)
    assert code == 0 and "inga fel" in out and "Obs:" not in out, out
    relative = "socialnämnden/2026/las-2026-08-31.txt"

    # Edited by someone who knows the format (seal written again), and committed: only git can tell.
    lock_file = edit_the_lock_file(example, reseal=True)
    git(repo, "commit", "-qam", "Justering")
    changed = git(repo, "rev-parse", "HEAD").strip()[:10]
    code, out = run("kontrollera", example)
    assert code == 1 and f"{lock_file}:1: LÅSET ÄR ÄNDRAT: låsfilen {relative} lades till i commit " in out, out
    assert f"har ändrats i {changed} (" in out and "Ekonom" in out and f"git checkout" in out
    code, out = run("period-close", "2026-08", example, "--las", "--utan-pdf")
    assert code == 1 and f"{lock_file}:1" in out, out

    # Put back (file and June) in a later commit: clean, with a warning that it once changed.
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    git(repo, "checkout", first, "--", ".")
    git(repo, "commit", "-qam", "Återställt")
    code, out = run("kontrollera", example)
    assert code == 0 and f"{lock_file}:1: Varning: låsfilen {relative}" in out and f"ändrades eller togs bort i {changed}" in out, out

    # The newest lock deleted, file and line, committed: the chain cannot see it, git does.
    locks = example.parent / "2026" / "las.beancount"
    locks.write_text(locks.read_text(encoding="utf-8").split("\n; Posterna 2026-01-01 – 2026-08-31")[0] + "\n",
                     encoding="utf-8")
    lock_file.unlink()
    change_an_amount_in_june(example)
    code, out = run("kontrollera", example)
    assert code == 1 and f"{lock_file}:1: LÅSET ÄR BORTTAGET: låsfilen {relative}" in out
    assert "ur arbetskopian (inte committat)" in out, out
    git(repo, "commit", "-qam", "Låset borta")
    gone = git(repo, "rev-parse", "HEAD").strip()[:10]
    code, out = run("kontrollera", example)
    assert code == 1 and f"har tagits bort i commit {gone}" in out, out
    assert fava_page(example).count("LÅSET ÄR BORTTAGET") >= 1
