"""namndbok.plugins.namndbok: every stage on one plugin line over one reading, and that reading handed on.

The example runs `plugin "namndbok.plugins.namndbok" "kontoplan=…; periodisering=…"`. These tests
hold it to the seven single-stage lines it replaces (which still work), and the reading
it leaves in the load's options to a fresh reading of the final entries: handed to the
CLI and Fava only when it is provably theirs.
"""

from __future__ import annotations

import re

from beancount import loader

from namndbok.eget_kapital import results_by_year
from namndbok.las import with_lock_lines
from namndbok.ledgerdata import read_ledger
from namndbok.load_reading import KEY, reading_of

SINGLE_STAGE_LINES = ('plugin "namndbok.plugins.skrivlas"\nplugin "namndbok.plugins.texter"\nplugin "namndbok.plugins.las"\n'
                      'plugin "namndbok.plugins.eget_kapital"\nplugin "namndbok.plugins.kontoplan" "kontoplan.toml"\n'
                      'plugin "namndbok.plugins.budget" "periodisering.toml"\nplugin "namndbok.plugins.volymer"\n')
PIPELINE_LINE = re.compile(r'(?m)^plugin "namndbok\.plugins\.namndbok".*\n')


def same_reading(a, b) -> None:
    for field in ("utfall", "refs", "eget_kapital", "decisions", "budget_lines", "prognos", "errors",
                  "kontoplan_errors", "kontoplaner", "periodisering", "budget_config"):
        assert getattr(a, field) == getattr(b, field), field
    assert results_by_year(a) == results_by_year(b)


def test_the_single_line_loads_as_the_seven_single_stage_lines(example_copy):
    text = example_copy.read_text(encoding="utf-8")
    assert len(PIPELINE_LINE.findall(text)) == 1
    one = loader.load_file(str(example_copy))
    example_copy.write_text(PIPELINE_LINE.sub(lambda _: SINGLE_STAGE_LINES, text), encoding="utf-8")
    seven = loader.load_file(str(example_copy))
    main = str(example_copy)

    def shown(entries):  # the main file's lines moved (seven plugin lines for two): compared without them
        return sorted(repr(e._replace(meta={k: v for k, v in e.meta.items() if k != "lineno"}))
                      if e.meta.get("filename") == main else repr(e) for e in entries)

    assert shown(one[0]) == shown(seven[0])
    assert [e.message for e in one[1]] == [e.message for e in seven[1]]
    assert KEY in one[2] and KEY not in seven[2]  # the single-stage lines leave no reading
    same_reading(reading_of(*one[::2]), reading_of(*seven[::2]))


def test_the_reading_is_handed_on_when_it_is_the_final_entries(example_ledger):
    entries, errors, options = example_ledger
    held = options[KEY]
    assert reading_of(entries, options) is held.reading
    same_reading(held.reading, read_ledger(entries, options))
    assert len(repr(held)) < 60  # Fava's options page prints every option


def test_a_plugin_after_ours_gets_a_fresh_reading(example_copy):
    """Another plugin after namndbok.plugins.namndbok may change entries (even in place, as
    check_closing does): its reading is not handed on."""
    text = example_copy.read_text(encoding="utf-8")
    example_copy.write_text(PIPELINE_LINE.sub(lambda m: m[0] + 'plugin "beancount.plugins.check_closing"\n', text),
                            encoding="utf-8")
    entries, errors, options = loader.load_file(str(example_copy))
    reading = reading_of(entries, options)
    assert reading is not options[KEY].reading
    same_reading(reading, read_ledger(entries, options))


def test_entries_added_after_our_plugin_are_read(write_ledger):
    """Beancount's pad runs after every ledger plugin and adds a transaction: the final
    entries are not the ones namndbok.plugins.namndbok read, so they are read afresh."""
    path, entries, errors, options = write_ledger(
        "2026-01-01 pad Tillgångar:Socialnämnden:1690 Eget-kapital:Socialnämnden:2011\n"
        "2026-01-02 balance Tillgångar:Socialnämnden:1690 100.00 SEK\n")
    assert [e.message for e in errors] == []
    reading = reading_of(entries, options)
    assert reading is not options[KEY].reading
    assert sum(reading.utfall["Tillgångar:Socialnämnden:1690"].values()) == 100
    assert "Tillgångar:Socialnämnden:1690" not in options[KEY].reading.utfall


def test_a_lock_adds_no_plugins_las_line_beside_the_single_line():
    include = 'include "*/las.beancount"'
    pipeline = 'option "title" "X"\nplugin "namndbok.plugins.namndbok" "kontoplan=kontoplan.toml"\n'
    assert with_lock_lines(pipeline, include) == pipeline + include + "\n"
    old = 'option "title" "X"\nplugin "namndbok.plugins.kontoplan" "kontoplan.toml"\n'
    assert with_lock_lines(old, include) == ('option "title" "X"\nplugin "namndbok.plugins.las"\n'
                                             'plugin "namndbok.plugins.kontoplan" "kontoplan.toml"\n' + include + "\n")


def test_a_wrong_setting_on_the_line_is_said_in_swedish(write_ledger, tmp_path):
    """One error at the line's file; the settings that are right still count (the kontoplan
    opens the accounts, so no account is refused)."""
    path, _, errors, _ = write_ledger('2026-01-31 * "Faktura"\n  Kostnader:Socialnämnden:5731:4610   100.00 SEK\n'
                                      '  Tillgångar:Socialnämnden:1690\n')
    assert errors == []
    text = path.read_text(encoding="utf-8").replace('"kontoplan=kontoplan.toml"', '"kontoplan=kontoplan.toml; periodiserng=p.toml"')
    path.write_text(text, encoding="utf-8")
    _, errors, _ = loader.load_file(str(path))
    assert [e.message for e in errors] == [
        "Okänd inställning 'periodiserng=p.toml' i plugin-raden för namndbok.plugins.namndbok; tillåtna är kontoplan=, "
        'periodisering=, fava= (t.ex. "kontoplan=kontoplan.toml; periodisering=periodisering.toml").']
    assert errors[0].source["filename"] == str(path)
