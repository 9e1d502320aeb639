"""The benchmarks (bench/) are not part of the product: not in `namndbok --help`, not installed,
not imported by the product's code."""

from __future__ import annotations

import re
import tomllib

from click.testing import CliRunner
from namndbok.scripts.cli import main

from conftest import REPO

PRODUCT = ("namndbok", "namndbok_fava", "plugins", "importers", "scripts")  # the folders


def test_the_help_lists_no_benchmark():
    result = CliRunner().invoke(main, prog_name="namndbok", args=["--help"])
    assert result.exit_code == 0
    listed = re.findall(r"^  (\S+)  ", result.output.split("Kommandon:")[1], re.M)
    assert "uppfoljning" in listed and "import" in listed
    assert not [name for name in listed if name in ("prestanda", "bench", "generera", "jamfor")]
    assert "prestanda" not in main.commands


def test_the_benchmarks_are_not_installed_nor_imported_by_the_product():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    packages = config["tool"]["setuptools"]["packages"]
    assert {"namndbok", "namndbok_fava", "namndbok.plugins", "namndbok.importers", "namndbok.scripts"} <= set(packages)
    assert not [p for p in packages if {"bench", "tests"} & set(p.split("."))]
    importing = [str(path.relative_to(REPO)) for package in PRODUCT for path in (REPO / package).rglob("*.py")
                 if re.search(r"^\s*(from|import) bench\b", path.read_text(encoding="utf-8"), re.M)]
    assert importing == []
