"""Shared fixtures: the example ledger, loaded once through Beancount."""

from __future__ import annotations

from pathlib import Path

import pytest
from beancount import loader

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_DIR = REPO / "ledgers" / "exempel"
EXAMPLE_LEDGER = EXAMPLE_DIR / "socialnamnden.beancount"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def example_ledger():
    """(entries, errors, options_map) of the example committee."""
    return loader.load_file(str(EXAMPLE_LEDGER))


ROOT_OPTIONS = """\
option "name_assets" "Tillgångar"
option "name_liabilities" "Skulder"
option "name_equity" "Eget-kapital"
option "name_income" "Intäkter"
option "name_expenses" "Kostnader"
"""


@pytest.fixture
def write_ledger(tmp_path):
    """Write a ledger (with our root names and the example kontoplan) and load it."""

    def write(body: str, kontoplan: str | None = None, name: str = "main.beancount"):
        plan = tmp_path / "kontoplan.toml"
        plan.write_text(kontoplan if kontoplan is not None else (EXAMPLE_DIR / "kontoplan.toml").read_text(encoding="utf-8"), encoding="utf-8")
        path = tmp_path / name
        text = ROOT_OPTIONS + 'plugin "plugins.kontoplan" "kontoplan.toml"\n' + body
        path.write_text(text, encoding="utf-8")
        return (path, *loader.load_file(str(path)))

    return write
