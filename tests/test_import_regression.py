"""The ledger files an import writes stay byte for byte what they were before the fast path.

`tests/fixtures/import_sie/expected.json` holds the SHA-256 and size of every
file each scenario below changed, as written by the import of commit 4778500
(the full tokenizer for every SIE line, a SourceRow per row, Beancount's printer
and bean-format's alignment). The scenarios cover new month files, appending to
existing month files (realignment), a later addition ("tillägg") to summarised
months, and the unusual #TRANS lines that the parser's fast path leaves to the
full tokenizer (transaction dates and texts, #RTRANS/#BTRANS, quoted account
numbers, tabs, one or no decimals, a lower-case label). Run this file as a
script to write the fixture again; do that only from code whose output is known
to be right.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from namndbok.writer_lock import LOCK_FILE

from namndbok.importers.run import run_import
from namndbok.importers.sie.importer import read_sie
from namndbok.kontoplan import load_kontoplan
from namndbok.importers.sie.writer import generate_sie
from namndbok.las.write import unlocked_copy

sys.path.insert(0, str(Path(__file__).parent))
from conftest import EXAMPLE_DIR  # noqa: E402

EXPECTED = Path(__file__).parent / "fixtures" / "import_sie" / "expected.json"


def varied(path: Path) -> None:
    """Rewrite some #TRANS lines of a generated export into the other forms SIE allows (same money)."""
    lines = path.read_bytes().decode("cp437").split("\r\n")
    out, seen = [], 0
    for line in lines:
        if not line.lstrip().startswith("#TRANS"):
            out.append(line)
            continue
        seen += 1
        head, amount = line.rsplit(" ", 1)
        konto = head.split()[1]
        variant = seen % 11
        if variant == 1:
            out.append(f"{head} {amount} 2027{1 + seen % 12:02d}15")  # a transaction date in another month
        elif variant == 2:
            out.append(f'{head} {amount} "" "Rad {seen}"')  # an empty date and a text
        elif variant == 3:
            out.append(f'{head} {amount} 2027{1 + seen % 12:02d}28 "Text {{med}} klamrar"')
        elif variant == 4:
            out.append(line.replace(f"#TRANS {konto} ", f'#TRANS "{konto}" '))
        elif variant == 5:
            out.append(line.replace(" ", "\t").replace("\t#TRANS", "#TRANS"))
        elif variant == 6 and amount.endswith("0"):
            out.append(f"{head} {amount[:-1]}")  # one decimal
        elif variant == 7 and amount.endswith(".00"):
            out.append(f"{head} {amount[:-3]}")  # no decimals
        elif variant == 8:
            out.append(line.replace("#TRANS", "#trans"))
        elif variant == 9:
            out.append(line.replace("#TRANS", "#RTRANS"))
            out.append(line)  # the copy for old readers, counted once
        elif variant == 10:
            out.append(f"{head} {amount} 20270101 \"\" 2.5")  # a quantity
            out.append(line.replace("#TRANS", "#BTRANS"))  # a struck row: not part of the voucher
        else:
            out.append(line)
    path.write_bytes("\r\n".join(out).encode("cp437"))


SCENARIOS = {
    # name: [(year, rows, seed, varied, mode), …] imported one after the other into a fresh copy
    "summerad-nya-filer": [(2027, 1000, 1, False, "summerad")],
    "detaljerad-nya-filer": [(2027, 1000, 1, False, "detaljerad")],
    "summerad-befintliga-filer": [(2026, 1000, 2, False, "summerad")],
    "detaljerad-befintliga-filer": [(2026, 300, 2, False, "detaljerad")],
    "summerad-tillagg": [(2027, 1000, 1, False, "summerad"), (2027, 1500, 3, False, "summerad")],
    "summerad-varianter": [(2027, 2000, 4, True, "summerad")],
    "detaljerad-varianter": [(2027, 2000, 4, True, "detaljerad")],
}


def run_scenario(name: str, folder: Path) -> dict[str, list]:
    """{relative path: [sha256, size]} of every file the scenario's imports changed."""
    # The scenarios append to 2026's months, which the example has since locked up to
    # the delår (period-close --las): the copy goes without those locks.
    copy = unlocked_copy(EXAMPLE_DIR / "socialnamnden.beancount", folder / "exempel")
    ledger = copy / "socialnamnden.beancount"
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file() and p.name != LOCK_FILE}
    plan = load_kontoplan(copy / "kontoplan.toml")
    for number, (year, rows, seed, vary, mode) in enumerate(SCENARIOS[name]):
        export = folder / f"export-{number}.se"
        generate_sie(export, rows, plan, year=year, seed=seed)
        if vary:
            varied(export)
        run_import(ledger, read_sie, "sie", export, mode)
    changed = {}
    for path in sorted(copy.rglob("*")):
        if path.is_file() and path.name != LOCK_FILE and before.get(path) != path.read_bytes():
            data = path.read_bytes()
            changed[path.relative_to(copy).as_posix()] = [hashlib.sha256(data).hexdigest(), len(data)]
    return changed


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_import_writes_the_same_files_as_before(tmp_path, name):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))[name]
    assert run_scenario(name, tmp_path) == expected


if __name__ == "__main__":
    import tempfile

    found = {}
    for name in sorted(SCENARIOS):
        with tempfile.TemporaryDirectory() as tmp:
            found[name] = run_scenario(name, Path(tmp))
            print(name, len(found[name]), "filer")
    EXPECTED.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
