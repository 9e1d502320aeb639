"""Click's own words (help headings and usage errors) come out in Swedish."""

from __future__ import annotations

import gettext
import io
import os
import subprocess
import sys

from click.testing import CliRunner

from namndbok.scripts import click_svenska
from namndbok.scripts.cli import main

from conftest import REPO


def test_help_and_usage_errors_are_swedish():
    help_text = CliRunner().invoke(main, prog_name="namndbok", args=["rapport", "--help"]).output
    assert help_text.startswith("Användning: namndbok rapport")
    assert "Flaggor:" in help_text and "Visa den här hjälpen och avsluta." in help_text
    assert "[obligatorisk]" in help_text and "Options" not in help_text

    result = CliRunner().invoke(main, prog_name="namndbok", args=["period-close"])
    assert result.exit_code == 2
    assert "Fel: Argument saknas: 'ÅÅÅÅ-MM'." in result.output
    assert "Skriv 'namndbok period-close --help' för hjälp." in result.output

    result = CliRunner().invoke(main, prog_name="namndbok", args=["uppfoljning", "--per", "2026-10", "--decimaler", "5"])
    assert "Fel: Ogiltigt värde för '--decimaler': 5 ligger inte i intervallet 0<=x<=2." in result.output


def test_swedish_whatever_the_environment_says_and_as_it_was_afterwards(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    domain = gettext.textdomain()
    result = CliRunner().invoke(main, prog_name="namndbok", args=["kontrolera"])
    assert "Fel: Det finns inget kommando 'kontrolera'." in result.output
    assert "(Menade du någon av: 'kontoplan', 'kontrollera'?)" in result.output  # a plural form of the catalog
    assert gettext.textdomain() == domain and os.environ["LANGUAGE"] == "en"


def test_the_compiled_catalog_is_the_one_of_its_source():
    """namndbok.mo is what `python -m namndbok.scripts.click_svenska` compiles from namndbok.po (run it after editing the .po)."""
    def read(data: bytes):  # the messages (the header's date and generator aside) and the plural rule
        translations = gettext.GNUTranslations(io.BytesIO(data))
        return {k: v for k, v in translations._catalog.items() if k != ""}, [translations.plural(n) for n in range(3)]

    assert read(click_svenska.compiled()) == read(click_svenska.CATALOG.with_suffix(".mo").read_bytes())
    translation = gettext.translation(click_svenska.DOMAIN, click_svenska.LOCALE_DIR, languages=["sv"])
    assert translation.gettext("Usage:") == "Användning:"
    assert translation.ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 2) == \
        "(Menade du någon av: {possibilities}?)"


IMPORTS_EVERYTHING = """
import decimal, gettext, os, sys, warnings
import click.core, click.exceptions, click.parser, click.types
import matplotlib
from beancount import loader

def state():
    return (click.core._, click.core.ngettext, click.exceptions._, click.parser.ngettext, click.types._,
            click.types.IntParamType.name, click.INT.name, gettext.textdomain(), loader._load_file,
            sorted(os.environ.items()), decimal.getcontext().prec, len(warnings.filters),
            dict(matplotlib.rcParams), matplotlib.get_backend(), "matplotlib.pyplot" in sys.modules)

before = state()
import namndbok.scripts.cli, namndbok.scripts.fava_server, namndbok.loading, namndbok_fava.pages, namndbok.importers.run
import namndbok.export.charts, namndbok.export.html, namndbok.period_close, namndbok.frames
import namndbok.plugins.budget, namndbok.plugins.eget_kapital, namndbok.plugins.kontoplan, namndbok.plugins.las, namndbok.plugins.skrivlas, namndbok.plugins.texter, namndbok.plugins.volymer
assert state() == before, [(a, b) for a, b in zip(before, state()) if a != b]
"""


def test_importing_our_code_changes_nothing_process_wide():
    """Importing the CLI replaced click's `_`, importing namndbok.loading turned Beancount's
    pickle cache off for every load in the process (loader.initialize), and importing the report's
    charts chose matplotlib's backend and changed its rcParams for everyone."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("BEANCOUNT_DISABLE_LOAD_CACHE", None)
    result = subprocess.run([sys.executable, "-c", IMPORTS_EVERYTHING], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
