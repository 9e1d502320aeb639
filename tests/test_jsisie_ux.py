"""What a new user meets with SIE files from other finance systems (issue 18, cases 8–10).

Case 8: `namndbok kontoplan FIL --ut kontoplan.toml` drafts a kontoplan that loads and
that `namndbok import` can use, also for a file without dimension 20 (every jsisie
file): it asks which dimension carries verksamhet, or with `--verksamhet ingen` puts
everything on one verksamhet it names; a dimension it leaves out is named.
Case 9: `namndbok import --torrkorning` shows per month and verksamhet what would change.
Case 10: every command that takes paths works from another folder with relative paths.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from beancount import loader

from namndbok.kontoplan import load_kontoplan

from conftest import ROOT_OPTIONS, SHARED, run

JSISIE = SHARED / "sie" / "jsisie"
needs_shared = pytest.mark.skipif(not JSISIE.is_dir(), reason="../shared/sie/jsisie finns inte (delade SIE-filer)")
SIE_FILES = sorted(p for p in JSISIE.iterdir() if p.suffix.lower() in (".se", ".si")) if JSISIE.is_dir() else []
SOME_SHARED = ["BLBLOV_SIE4.SE", "BLBLOV_SIE2.SE", "SIE_test_av_KST_projekt_Testbolaget_e - kopia.SE", "Arousells_Visning_AB.SE"]
if (SHARED / "sie").is_dir():
    SIE_FILES += [SHARED / "sie" / name for name in SOME_SHARED]
KONTOPLAN_FAULT = re.compile(r"kontoplan\.toml|koder som kontoplanen|saknar verksamhet")


def fresh_ledger(folder: Path) -> Path:
    """A new committee's main file beside the drafted kontoplan.toml (and its import.toml)."""
    ledger = folder / "main.beancount"
    ledger.write_text(ROOT_OPTIONS + 'option "operating_currency" "SEK"\nplugin "plugins.kontoplan" "kontoplan.toml"\n', encoding="utf-8")
    return ledger


# ---------------------------------------------------------------- case 8: the kontoplan draft


@needs_shared
@pytest.mark.parametrize("path", SIE_FILES, ids=[p.name for p in SIE_FILES])
def test_the_drafted_kontoplan_loads_and_the_import_uses_it(tmp_path, path):
    target = tmp_path / "kontoplan.toml"
    code, out = run("kontoplan", path, "--ut", target)
    if code == 1 and "--verksamhet ingen" in out:
        # Asked, with the file's dimensions; nothing written. Take dimension 1 when offered, as an economist would.
        assert "har ingen dimension 20" in out and not target.exists(), out
        choice = "1" if "--verksamhet 1:" in out else "ingen"
        code, out = run("kontoplan", path, "--ut", target, "--verksamhet", choice)
    if code == 1 and not target.exists():
        assert re.search(rf"{re.escape(str(path))}:\d+: ", out), out  # a file the reader refuses: fil:rad
        return
    assert code == 0, out
    plan = load_kontoplan(target)
    assert plan.verksamheter and plan.konton
    ledger = fresh_ledger(tmp_path)
    entries, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    code, out = run("import", path, ledger, "--format", "sie")
    assert not KONTOPLAN_FAULT.search(out), out


@needs_shared
def test_a_file_without_dimension_20_is_asked_about_with_its_dimensions():
    code, out = run("kontoplan", JSISIE / "sie_4.SE")
    assert code == 1
    assert "--verksamhet 1: dimension 1 (Resultatenheter, 2 objekt)" in out
    assert "--verksamhet 7: dimension 7 (Medarbetare, 6 objekt)" in out
    assert "--verksamhet ingen: allt på en verksamhet, 000 Hela nämnden" in out


@needs_shared
def test_verksamhet_ingen_puts_everything_on_one_named_verksamhet(tmp_path):
    path = JSISIE / "typ4.se"
    target = tmp_path / "kontoplan.toml"
    code, out = run("kontoplan", path, "--ut", target, "--verksamhet", "ingen")
    assert code == 0, out
    assert "Allt bokförs på en verksamhet: 000 Hela nämnden." in out
    plan = load_kontoplan(target)
    assert {code: v.namn for code, v in plan.verksamheter.items()} == {"000": "Hela nämnden"}
    assert "Dimension 1 (Kostnadsställe, 4 objekt)" not in out  # ansvar takes dimension 1
    assert len(plan.ansvar) == 4  # dimension 1 as ansvar
    code, out = run("import", path, fresh_ledger(tmp_path), "--format", "sie")
    assert code == 0, out
    utfall = "".join(p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*/utfall/*.beancount")))
    assert ":000:" in utfall


@needs_shared
def test_a_dimension_left_out_is_named(tmp_path):
    path = SHARED / "sie" / "SIE_test_av_KST_projekt_Testbolaget_e - kopia.SE"
    code, out = run("kontoplan", path, "--ut", tmp_path / "kontoplan.toml", "--verksamhet", "1")
    assert code == 0, out
    assert "Dimension 2 (Kostnadsbärare, 3 objekt) finns i filen men tas inte med i kontoplanen" in out
    assert "Dimension 6" not in out  # projekt: the import carries it
    settings = (tmp_path / "import.toml").read_text(encoding="utf-8")
    assert 'verksamhet = "1"' in settings and 'projekt = "6"' in settings and 'ansvar = ""' in settings


@needs_shared
def test_a_file_with_no_dimensions_gets_one_verksamhet_without_asking(tmp_path):
    path = JSISIE / "BL0001_typ2.SE"
    code, out = run("kontoplan", path, "--ut", tmp_path / "kontoplan.toml")
    assert code == 0, out
    assert "000 Hela nämnden" in out
    assert list(load_kontoplan(tmp_path / "kontoplan.toml").verksamheter) == ["000"]


@needs_shared
def test_an_existing_import_toml_is_kept_and_the_difference_said(tmp_path):
    (tmp_path / "import.toml").write_text('[sie]\nverksamhet = "20"\n', encoding="utf-8")
    code, out = run("kontoplan", JSISIE / "sie_4.SE", "--ut", tmp_path / "kontoplan.toml", "--verksamhet", "1")
    assert code == 0, out
    assert (tmp_path / "import.toml").read_text(encoding="utf-8") == '[sie]\nverksamhet = "20"\n'
    assert "import.toml finns redan och läser filen på annat sätt än utkastet" in out and 'verksamhet = "1"' in out
