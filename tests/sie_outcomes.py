"""What a new user gets from each real SIE file: a Markdown table (issue 18's measurement).

    python tests/sie_outcomes.py > table.md            # every file of ../shared/sie and ../shared/sie/jsisie
    python tests/sie_outcomes.py FIL.se [FIL.se ...]    # only these

For each file, as a new user would: a fresh ledger in a temporary folder, its
kontoplan drafted from the file (`namndbok kontoplan FIL --ut kontoplan.toml`;
when it asks which dimension carries verksamhet: dimension 1 if the file has it,
else `--verksamhet ingen`), then `namndbok import FIL` (summerad) and the same
import again. Columns:

- outcome: imported (exit 0) or refused;
- reading: the reading the import used, when its result carries one (`READING_FIELDS`), else –;
- control figures: whether the ledger, after the import, holds per konto the file's own
  year totals (#RES for result konton, #UB − #IB for balance konton; year 0, no objects; a konto the
  file gives no total for: 0, as SIE leaves zeros out):
  yes, no (the first konto that differs), none in file;
- idempotent: the second import adds nothing (yes/no);
- message: the first line of what the import said (a refusal, a warning, or what it added).

The reading is the import result's `reading` lines (what was proven, and which reading
of object rows was taken), joined.
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
for folder in (str(REPO), str(TESTS)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

from conftest import ROOT_OPTIONS, SHARED, run  # noqa: E402  (the paths above first)

FOLDERS = (SHARED / "sie", SHARED / "sie" / "jsisie")
READING_FIELDS = ("reading",)  # where an import result names its reading (namndbok.importers.run.ImportResult)
COLUMNS = ("file", "outcome", "reading", "control figures", "idempotent", "message")
MESSAGE_WIDTH = 90


class Outcome(NamedTuple):
    file: str
    outcome: str  # imported | refused
    reading: str
    control: str  # yes | no (…) | none in file | –
    idempotent: str  # yes | no | –
    message: str

    def cells(self) -> list[str]:
        return [self.file, self.outcome, self.reading, self.control, self.idempotent, self.message]


def sie_files() -> list[Path]:
    return [p for folder in FOLDERS if folder.is_dir()
            for p in sorted(folder.iterdir()) if p.suffix.lower() in (".se", ".si")]


def draft_kontoplan(export: Path, folder: Path) -> tuple[int, str]:
    """`namndbok kontoplan` as a new user runs it, answering its question about the dimension."""
    target = folder / "kontoplan.toml"
    code, out = run("kontoplan", export, "--ut", target)
    if code != 0 and not target.exists() and "--verksamhet ingen" in out:
        choice = "1" if "--verksamhet 1:" in out else "ingen"
        code, out = run("kontoplan", export, "--ut", target, "--verksamhet", choice)
    return code, out


def fresh_ledger(folder: Path) -> Path:
    ledger = folder / "main.beancount"
    ledger.write_text(ROOT_OPTIONS + 'option "operating_currency" "SEK"\nplugin "namndbok.plugins.kontoplan" "kontoplan.toml"\n',
                      encoding="utf-8")
    return ledger


def reading_of(export: Path, ledger: Path) -> str:
    """The reading a dry run's import result names (the first of `READING_FIELDS` it has), else –."""
    from namndbok.importers.model import SourceError
    from namndbok.importers.run import run_import
    from namndbok.scripts.importing import readers

    try:
        result = run_import(ledger, readers()["sie"], "sie", export, "summerad", dry_run=True)
    except (SourceError, OSError):
        return "–"
    for name in READING_FIELDS:
        value = getattr(result, name, None) or getattr(getattr(result, "plan", None), name, None)
        if value:
            lines = value if isinstance(value, (list, tuple)) else [value]
            return " ".join(str(getattr(line, "name", line)) for line in lines)
    return "–"


def first_line(text: str, export: Path) -> str:
    """The line that says most: an error or warning, else what was added, else the first; the
    export's path shortened to its name, the line shortened to MESSAGE_WIDTH."""
    lines = [line.strip().replace(str(export), export.name) for line in text.splitlines() if line.strip()]
    line = next((l for l in lines if l.startswith(("Fel:", "Varning:"))), None)
    line = line or next((l for l in lines if l.startswith(("Lade till", "Inget nytt"))), lines[0] if lines else "")
    line = line.replace("|", "\\|")
    return line if len(line) <= MESSAGE_WIDTH else line[: MESSAGE_WIDTH - 1] + "…"


def file_totals(export: Path) -> dict[str, Decimal] | None:
    """The file's own year-0 totals per konto (#RES; #UB − #IB), None when it has none (or cannot be read)."""
    from namndbok.importers.model import SourceError
    from namndbok.importers.sie.parser import parse_sie

    try:
        sie = parse_sie(export.read_bytes(), str(export))
    except SourceError:
        return None
    totals: dict[str, Decimal] = {}
    for total in sie.res:
        if total.period == "0" and not total.objekt:
            totals[total.konto] = total.amount
    ib = {t.konto: t.amount for t in sie.ib if t.period == "0" and not t.objekt}
    ub = {t.konto: t.amount for t in sie.ub if t.period == "0" and not t.objekt}
    if ub or totals:  # a file with year totals leaves out the zero ones (an #IB without #UB: UB 0)
        for konto in ib.keys() | ub.keys():
            totals[konto] = ub.get(konto, Decimal(0)) - ib.get(konto, Decimal(0))
    return totals or None


def ledger_totals(ledger: Path) -> dict[str, Decimal]:
    """What the ledger holds per konto (an account without a konto: under its name), read through Beancount."""
    from beancount import loader
    from beancount.core import data as bc_data

    from namndbok.accounts import Roots, parse_account

    entries, _, options = loader.load_file(str(ledger))
    roots = Roots.from_options(options)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in bc_data.filter_txns(entries):
        for posting in entry.postings:
            totals[parse_account(posting.account, roots).konto or posting.account] += posting.units.number
    return totals


def control(export: Path, ledger: Path) -> str:
    wanted = file_totals(export)
    if wanted is None:
        return "none in file"
    held = ledger_totals(ledger)
    for konto in sorted(set(wanted) | {k for k, v in held.items() if v}):
        if held.get(konto, Decimal(0)) != wanted.get(konto, Decimal(0)):
            return f"no ({konto}: {held.get(konto, 0)} vs {wanted.get(konto, 0)})"
    return "yes"


def outcome(export: Path) -> Outcome:
    name = export.name if export.parent.name == "sie" else f"{export.parent.name}/{export.name}"
    with tempfile.TemporaryDirectory(prefix="sie-outcome-") as tmp:
        folder = Path(tmp)
        code, out = draft_kontoplan(export, folder)
        if code != 0:
            return Outcome(name, "refused", "–", "–", "–", first_line(out, export))
        ledger = fresh_ledger(folder)
        reading = reading_of(export, ledger)
        code, out = run("import", export, ledger, "--format", "sie")
        if code != 0:
            return Outcome(name, "refused", reading, "–", "–", first_line(out, export))
        again_code, again = run("import", export, ledger, "--format", "sie")
        idempotent = "yes" if again_code == 0 and "Inget nytt" in again else "no"
        return Outcome(name, "imported", reading, control(export, ledger), idempotent, first_line(out, export))


def markdown(outcomes: list[Outcome]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") if i == 0 else cell for i, cell in enumerate(o.cells())) + " |"
              for o in outcomes]
    return "\n".join(lines) + "\n"


def summary(outcomes: list[Outcome]) -> str:
    counts = defaultdict(int)
    for o in outcomes:
        counts[o.outcome] += 1
        counts["control " + o.control.split(" (")[0]] += 1
    return ", ".join(f"{key}: {n}" for key, n in sorted(counts.items()))


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sie_files()
    if not paths:
        print(f"Inga SIE-filer i {', '.join(map(str, FOLDERS))}.", file=sys.stderr)
        return 1
    outcomes = []
    for path in paths:
        print(f"… {path.name}", file=sys.stderr)
        outcomes.append(outcome(path))
    sys.stdout.write(markdown(outcomes))
    print("\n" + summary(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
