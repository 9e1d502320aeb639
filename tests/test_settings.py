"""One reader for the settings files (namndbok.settings): UTF-8, TOML, the line of every key, schemas.

Each case was a traceback, a silent skip or a wrong line before the readers shared it.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest

from namndbok.importers.config import load_import_config
from namndbok.importers.model import SourceError
from namndbok.avvikelser import CommentError, comments_for
from namndbok.kontoplan import KontoplanError, load_kontoplan, parse_kontoplan
from namndbok.layout import LayoutError, parse_layout
from namndbok.nyckeltal import NyckeltalError, load_specs
from namndbok.periodisering import PeriodiseringError, parse_periodisering
from namndbok.settings import SettingsError, key_lines, read_settings

from conftest import EXAMPLE_DIR, REPO

PLAN = load_kontoplan(EXAMPLE_DIR / "kontoplan.toml")


def test_every_key_has_its_line():
    text = (
        'namn = "x"\n'                       # 1
        '[kolumner]\n'                       # 2
        'datum = "D"\n'                      # 3
        '"konto nr" = "K"\n'                 # 4
        'a.b = 1\n'                          # 5
        '[[rader]]\n'                        # 6
        'namn = """\n'                       # 7
        'fet = true\n'                       # 8: inside the string, not a key
        '"""\n'                              # 9
        '[[rader]]\n'                        # 10
        'fet = true\n'                       # 11
        '[verksamheter]\n'                   # 12
        '"5731" = { namn = "HVB", grupp = "B" }\n'  # 13
    )
    lines = key_lines(text)
    assert lines[("namn",)] == 1 and lines[("kolumner",)] == 2 and lines[("kolumner", "datum")] == 3
    assert lines[("kolumner", "konto nr")] == 4 and lines[("kolumner", "a", "b")] == 5
    assert lines[("rader",)] == 6 and lines[("rader", 0)] == 6 and lines[("rader", 0, "namn")] == 7
    assert ("rader", 0, "fet") not in lines
    assert lines[("rader", 1)] == 10 and lines[("rader", 1, "fet")] == 11
    assert lines[("verksamheter", "5731")] == 13


def test_a_file_saved_with_a_bom_is_read(tmp_path):
    """Windows editors (Notepad) save UTF-8 with a BOM: tomllib refused the file at line 1."""
    path = tmp_path / "kontoplan.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLE_DIR / "kontoplan.toml").read_bytes())
    assert load_kontoplan(path).namnd == PLAN.namnd


def test_bad_bytes_and_bad_toml_are_refused_at_their_line(tmp_path):
    path = tmp_path / "x.toml"
    path.write_bytes(b'a = 1\nb = "\xe4"\n')
    with pytest.raises(SettingsError) as err:
        read_settings(path)
    assert err.value.line == 2 and "inte UTF-8" in err.value.message
    path.write_text('a = 1\nb = \n', encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        read_settings(path)
    assert str(err.value).startswith(f"{path}:2: Filen är inte giltig TOML")


def test_a_nyckeltal_of_the_wrong_shape_is_refused_at_its_line(tmp_path):
    """`verksamhet = 5731` (not a list) was a TypeError traceback; `nyckeltal = 3` too."""
    path = tmp_path / "nyckeltal.toml"
    path.write_text('[[nyckeltal]]\nnamn = "Kostnad per vårddygn"\nverksamhet = 5731\nenhet = "vårddygn"\n', encoding="utf-8")
    with pytest.raises(NyckeltalError) as err:
        load_specs(path, PLAN)
    assert err.value.line == 3 and 'verksamhet = ["5731"]' in err.value.message
    path.write_text("nyckeltal = 3\n", encoding="utf-8")
    with pytest.raises(NyckeltalError) as err:
        load_specs(path, PLAN)
    assert err.value.line == 1 and "[[nyckeltal]]" in err.value.message


def test_a_misspelt_periodisering_key_is_refused_not_ignored():
    """`standrad = …` was silently ignored: the budget was spread evenly without a word."""
    with pytest.raises(PeriodiseringError) as err:
        parse_periodisering('# nycklar\nstandrad = "semester"\n[profiler]\n"semester" = [1,1,1,1,1,1,1,1,1,1,1,1]\n', "p.toml")
    assert err.value.line == 2 and "'standrad'" in err.value.message and "standard" in err.value.message


def test_a_misspelt_comment_table_is_refused_not_ignored(tmp_path):
    """`[verksamheter]` for `[verksamhet]` gave a deviation list without the comments, silently."""
    (tmp_path / "kommentarer").mkdir()
    path = tmp_path / "kommentarer" / "2026-10.toml"
    path.write_text('[verksamheter]\n"5731" = "Fler placeringar."\n', encoding="utf-8")
    with pytest.raises(CommentError) as err:
        comments_for(tmp_path, datetime.date(2026, 10, 31), "verksamhet")
    assert err.value.line == 1 and "[verksamheter]" in err.value.message


def test_an_import_setting_is_refused_at_its_own_section_s_line(tmp_path):
    """The same key under [sie] and [huvudbok]: the error named the [sie] line for a fault under [huvudbok]."""
    (tmp_path / "import.toml").write_text(
        '[sie]\nkommunbidrag = ["3911"]\n[huvudbok]\nmappning = "raindance"\nkommunbidrag = "3911"\n', encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_import_config(tmp_path)
    assert err.value.line == 5 and "kommunbidrag ska vara en lista" in err.value.message


def test_an_import_section_that_is_no_table_is_refused(tmp_path):
    """`sie = 3` was an AttributeError traceback."""
    (tmp_path / "import.toml").write_text('namnd = "Socialnämnden"\nsie = 3\n', encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_import_config(tmp_path)
    assert err.value.line == 2 and "[sie] ska vara en tabell" in err.value.message


def test_a_kontoplan_account_setting_of_the_wrong_type_is_refused():
    """`eget_kapital_konto = ["2011"]` was a TypeError (unhashable list) traceback."""
    text = (EXAMPLE_DIR / "kontoplan.toml").read_text(encoding="utf-8")
    assert 'eget_kapital_konto = "2011"' in text
    with pytest.raises(KontoplanError) as err:
        parse_kontoplan(text.replace('eget_kapital_konto = "2011"', 'eget_kapital_konto = ["2011"]'), "k.toml")
    assert err.value.line == 14 and "eget_kapital_konto" in err.value.message


def test_an_unknown_layout_table_is_refused_at_its_line():
    """An unknown `[tabell]` in a layout was refused at line 0 (the finder knew only `key =` lines)."""
    text = (EXAMPLE_DIR / "layouter" / "driftredovisning.toml").read_text(encoding="utf-8")
    with pytest.raises(LayoutError) as err:
        parse_layout(text + "\n[extra]\nx = 1\n", "l.toml", PLAN)
    assert err.value.line == text.count("\n") + 2 and "'extra'" in err.value.message


def test_only_the_settings_reader_parses_toml():
    """One reader: no other module of ours calls tomllib (or finds a key's line its own way)."""
    readers = []
    for folder in ("namndbok", "importers", "scripts", "plugins", "namndbok_fava"):
        for path in (REPO / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(isinstance(node, (ast.Import, ast.ImportFrom))
                   and "tomllib" in ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module])
                   for node in ast.walk(tree)):
                readers.append(str(path.relative_to(REPO)))
    assert readers == [str(Path("namndbok") / "settings.py")]
