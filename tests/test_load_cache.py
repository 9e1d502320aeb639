"""namndbok.load_cache: a kept load is used only while nothing it came from has changed.

Each test loads a copy of the example through `namndbok.loading.load`, with
Beancount's loader counted, so a kept load (no Beancount load) and a fresh one
can be told apart, and checks that what comes back is what a fresh load gives.
"""

from __future__ import annotations

import pickle

import pytest
from beancount.core import data

from namndbok import load_cache, loading

def month_head(ledger):
    """The option lines that begin every month file of the example (a new month file starts with them)."""
    return (ledger.parent / "2026" / "utfall" / "2026-06.beancount").read_text(encoding="utf-8").split("\n\n")[0]


NEW_MONTH = """
2026-12-31 * "Utfall december 2026 – test"
  Kostnader:Socialnämnden:010:6410:1000   777.00 SEK
  Tillgångar:Socialnämnden:1690
"""


@pytest.fixture
def ledger(example_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("NAMNDBOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NAMNDBOK_CACHE", raising=False)
    # The example loads in 0,2 s (under the threshold), and its files were copied just now.
    monkeypatch.setattr(load_cache, "MIN_SECONDS", 0)
    monkeypatch.setattr(load_cache, "RACY_SECONDS", 0)
    return example_copy




def _same(kept, fresh) -> None:
    """The kept load equals a fresh one, entry for entry (metadata included) and error for error."""
    assert [repr(e) for e in kept[0]] == [repr(e) for e in fresh[0]]
    assert [e.message for e in kept[1]] == [e.message for e in fresh[1]]
    assert kept[2]["include"] == fresh[2]["include"]


def _utfall(result, account_part: str) -> set:
    return {p.units.number for e in result[0] if isinstance(e, data.Transaction) for p in e.postings if account_part in p.account}


def test_an_unchanged_ledger_is_loaded_once_and_then_kept(ledger, loads):
    first = loading.load(ledger)
    assert loads["n"] == 1 and load_cache.cache_path(ledger.absolute()).exists()
    second = loading.load(ledger)
    assert loads["n"] == 1  # from the kept load
    _same(second, first)
    _same(second, loading.load(ledger, fresh=True))
    assert loads["n"] == 2  # fresh: Beancount again


def test_an_edited_file_a_new_file_and_a_removed_file_are_each_seen(ledger, loads):
    loading.load(ledger)
    december = ledger.parent / "2026" / "utfall" / "2026-12.beancount"
    assert not december.exists()
    head = month_head(ledger)
    # A new file that the main file's include glob now matches (what an import writes).
    december.write_text(head + "\n" + NEW_MONTH, encoding="utf-8")
    result = loading.load(ledger)
    assert loads["n"] == 2 and str(december) in result[2]["include"]
    assert 777 in _utfall(result, ":010:6410:")
    # The same file edited (same size: 777 → 778).
    december.write_text(head + "\n" + NEW_MONTH.replace("777.00", "778.00"), encoding="utf-8")
    result = loading.load(ledger)
    assert loads["n"] == 3 and 778 in _utfall(result, ":010:6410:") and 777 not in _utfall(result, ":010:6410:")
    # … and removed again.
    december.unlink()
    result = loading.load(ledger)
    assert loads["n"] == 4 and str(december) not in result[2]["include"]
    _same(result, loading.load(ledger, fresh=True))


def test_the_files_the_plugins_read_are_inputs_too(ledger, loads):
    first = loading.load(ledger)
    # The kontoplan: a verksamhet's name goes into the Open directives namndbok.plugins.kontoplan makes.
    kontoplan = ledger.parent / "kontoplan.toml"
    text = kontoplan.read_text(encoding="utf-8")
    old = '"010"  = { namn = "Politisk verksamhet"'
    assert old in text
    kontoplan.write_text(text.replace(old, '"010"  = { namn = "Politisk verksamhet (ny)"'), encoding="utf-8")
    second = loading.load(ledger)
    assert loads["n"] == 2
    assert any("Politisk verksamhet (ny)" in str(e.meta.get("namn")) for e in second[0] if isinstance(e, data.Open))
    # A lock's fingerprint file: emptied, the locked period's entries are refused.
    lock = ledger.parent / "2026" / "las-2026-08-31.txt"
    lock.write_text(lock.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    third = loading.load(ledger)
    assert loads["n"] == 3 and any("är stängd" in e.message for e in third[1])
    assert not any("är stängd" in e.message for e in first[1])


def test_other_code_another_plugin_or_the_switch_mean_a_fresh_load(ledger, loads, monkeypatch):
    loading.load(ledger)
    monkeypatch.setattr(load_cache, "_code_key", lambda: "other code")
    loading.load(ledger)
    assert loads["n"] == 2
    loading.load(ledger)
    assert loads["n"] == 2  # kept again, for that code
    monkeypatch.setenv("NAMNDBOK_CACHE", "0")
    loading.load(ledger)
    assert loads["n"] == 3
    monkeypatch.delenv("NAMNDBOK_CACHE")
    # A plugin that is neither ours nor Beancount's may read anything: such a load is not kept.
    main_text = ledger.read_text(encoding="utf-8")
    ledger.write_text(main_text.replace('periodisering=periodisering.toml"\n', 'periodisering=periodisering.toml"\nplugin "textwrap"\n'), encoding="utf-8")
    loading.load(ledger)
    loading.load(ledger)
    assert loads["n"] == 5 and not load_cache.cache_path(ledger.absolute()).exists()


def test_a_file_changed_just_before_the_load_is_not_kept(ledger, loads, monkeypatch):
    monkeypatch.setattr(load_cache, "RACY_SECONDS", 3600)  # every file "just" changed
    loading.load(ledger)
    loading.load(ledger)
    assert loads["n"] == 2 and not load_cache.cache_path(ledger.absolute()).exists()


def test_a_broken_cache_file_is_loaded_afresh_and_replaced(ledger, loads):
    first = loading.load(ledger)
    path = load_cache.cache_path(ledger.absolute())
    path.write_bytes(b"not a pickle")
    second = loading.load(ledger)
    assert loads["n"] == 2
    _same(second, first)
    with open(path, "rb") as handle:  # the version and inputs, then the load
        version, inputs = pickle.load(handle)
        assert len(pickle.load(handle)[0]) == len(first[0])
    assert version == load_cache.VERSION and str(ledger) in dict(inputs.files)
    assert loading.load(ledger) is not None and loads["n"] == 2


def test_a_file_that_appears_after_beancounts_glob_is_not_taken_as_read(ledger, loads, monkeypatch):
    """A new month file created between Beancount's own glob and the cache's record of it
    was never parsed; such a load is not kept (else it would stand for a ledger it never read)."""
    december = ledger.parent / "2026" / "utfall" / "2026-12.beancount"
    head = month_head(ledger)
    real = loading.beancount_load

    def load_then_a_file_appears(*args, **kwargs):
        result = real(*args, **kwargs)
        december.write_text(head + "\n" + NEW_MONTH, encoding="utf-8")
        return result

    monkeypatch.setattr(loading, "beancount_load", load_then_a_file_appears)
    first = loading.load(ledger)
    assert str(december) not in first[2]["include"]
    assert not load_cache.cache_path(ledger.absolute()).exists()
    monkeypatch.setattr(loading, "beancount_load", real)
    assert 777 in _utfall(loading.load(ledger), ":010:6410:")


def test_an_indented_include_is_followed_too(ledger, loads):
    extra = ledger.parent / "extra"
    extra.mkdir()
    ledger.write_text(ledger.read_text(encoding="utf-8") + '  include "extra/*.beancount"\n', encoding="utf-8")
    loading.load(ledger)
    head = month_head(ledger)
    (extra / "december.beancount").write_text(head + "\n" + NEW_MONTH, encoding="utf-8")
    result = loading.load(ledger)
    assert loads["n"] == 2 and 777 in _utfall(result, ":010:6410:")


def test_a_load_runs_with_the_collector_paused_and_leaves_it_as_it_was(monkeypatch, tmp_path):
    import gc

    from namndbok import loading

    seen: list[bool] = []
    real = loading.beancount_load
    monkeypatch.setattr(loading, "beancount_load", lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    ledger = tmp_path / "main.beancount"
    ledger.write_text('2026-01-01 open Assets:Kassa\n', encoding="utf-8")
    assert gc.isenabled()
    entries, errors, _ = loading.load(ledger, fresh=True)
    assert seen == [False] and gc.isenabled() and errors == [] and len(entries) == 1
