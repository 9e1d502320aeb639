"""Git as the audit trail: every ledger file we write is a fixed point of bean-format."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from scripts.cli import main

from conftest import EXAMPLE_DIR

BEAN_FORMAT = Path(sys.executable).parent / "bean-format"


def unformatted(paths) -> list[str]:
    """The files bean-format would change."""
    out = []
    for path in paths:
        formatted = subprocess.run([str(BEAN_FORMAT), str(path)], capture_output=True, text=True, check=True).stdout
        if formatted != path.read_text(encoding="utf-8"):
            out.append(str(path))
    return out


def test_every_file_of_the_example_is_as_bean_format_writes_it():
    files = sorted(EXAMPLE_DIR.rglob("*.beancount"))
    assert len(files) > 40
    assert unformatted(files) == []


def test_files_written_by_import_and_bokslut_stay_as_bean_format_writes_them(tmp_path):
    copy = tmp_path / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy)
    ledger = copy / "socialnamnden.beancount"
    before = {p: p.read_bytes() for p in copy.rglob("*.beancount")}
    result = CliRunner().invoke(main, ["import", str(copy / "import" / "sie-2026-11.se"), str(ledger), "--lage", "detaljerad"])
    assert result.exit_code == 0, result.output
    changed = [p for p in copy.rglob("*.beancount") if before.get(p) != p.read_bytes()]
    assert [p.relative_to(copy).as_posix() for p in changed] == ["2026/utfall/2026-11.beancount"]
    assert unformatted(changed) == []
    # A volume list appended to an existing file realigns it the way bean-format would.
    volumes = tmp_path / "volymer.csv"
    volumes.write_text("verksamhet;enhet;månad;antal\n5731;vårddygn;2026-11;412\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import-volymer", str(volumes), str(ledger)])
    assert result.exit_code == 0, result.output
    assert unformatted([copy / "2026" / "volymer.beancount"]) == []
