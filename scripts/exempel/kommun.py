"""A generated municipality: a kommun folder of N nämnd ledgers with closed years.

What each nämnd is meant to show is given as plain figures (`KommunSpec`): its name,
its budget size (yearly kostnader, mnkr) and per year the avvikelse against budget of
årets resultat at the delårsrapport (the August prognos) and at the bokslut (mnkr,
överskott positive). `generate_kommun` writes, per nämnd and year, through the real
product paths where they exist:

- the nämnd's folder `NN-<slug>/` (numbered: the kommun is read in folder-name order,
  so the table keeps the spec's order) with its main file, kontoplan.toml (drafted from
  the SIE file's #KONTO and #OBJEKT, as `namndbok kontoplan` does), import.toml and
  periodisering.toml; a finansförvaltning in `finansforvaltning/` (`kommun_folder.FINANS`),
  a ledger like a nämnd's;
- `<år>/budget.beancount`: KF-budget and internbudget (the example's `decision_lines`),
  kommunbidrag = kostnader per verksamhet, so budgeted årets resultat is 0;
- the year's utfall as one SIE 4 file of exactly `rows` #TRANS rows, read by the real
  SIE import (summerad): twelve monthly kommunbidrag vouchers and vouchers of up to ten
  rows whose kostnader add up, to the öre, to the budget less the bokslut avvikelse;
- `<år>/prognos/<år>-08.beancount`: the delårsrapport's prognos (the example's
  `prognos_lines`), kostnader per verksamhet = budget less the August avvikelse;
- the bokslut, by the real `namndbok bokslut` (`namndbok.bokslut.close_year`), year by year.

Deterministic: the same spec gives the same files. The bench (bench/kommun.py) makes
12 nämnder × 2 years of 1 M rows each with it; the tests a small one from the
prognossäkerhet fixture.
"""

from __future__ import annotations

import datetime
import random
import re
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from namndbok.accounts import KIND_KOSTNAD, result_account
from namndbok.fileio import atomic_write_bytes, atomic_write_text
from namndbok.importers.model import SourceRow
from namndbok.importers.sie.writer import Company, write_sie
from namndbok.kommun_folder import FINANS, SETTINGS
from namndbok.ledgerfile import canonical, root_option_lines
from namndbok.scripts.exempel.amounts import mnkr_to_ore, split_exact
from namndbok.scripts.exempel.budget import decision_lines
from namndbok.scripts.exempel.prognos import follow_up_date, prognos_lines, prognos_path
from namndbok.scripts.exempel.render import file_header
from namndbok.scripts.exempel.spec import BudgetDecisionSpec, ROOTS

KOMMUNBIDRAG, AVRAKNING = "3911", "1690"
DELAR_MONTH = 8  # the delårsrapport: the follow-up per August
VERKSAMHETER = (("100", "Ledning och administration"), ("200", "Kärnverksamhet"), ("300", "Stöd och service"))
WEIGHTS = (1, 6, 3)  # each verksamhet's share of the nämnd's budget
KONTON = (("4610", "Köp av huvudverksamhet", 3), ("5020", "Löner månadsavlönade", 5), ("5410", "Personalomkostnader", 2),
          ("6110", "Lokalhyror", 1), ("7990", "Övriga kostnader", 1))  # (konto, namn, weight)
DIMS = {"1": "Ansvar", "20": "Verksamhet"}
IMPORT_TOML = ('# Hur de genererade SIE-filerna läses in.\n\n[sie]\n'
               f'verksamhet = "20"\nansvar = "1"\nkommunbidrag = ["{KOMMUNBIDRAG}"]\n')
PERIODISERING_TOML = "# Budgeten fördelas jämnt över månaderna.\nstandard = \"jämn\"\n"


class Deviation(NamedTuple):
    """A year's avvikelse of årets resultat against budget, mnkr (överskott positive)."""

    delar: str  # at the delårsrapport: the August prognos
    bokslut: str  # at the bokslut: the year's utfall


class NamndSpec(NamedTuple):
    name: str  # as the tables show it, e.g. "Social resursnämnd, inkl pers ass"
    budget_mnkr: str  # the yearly kostnader (= kommunbidrag), mnkr
    deviations: dict[int, Deviation]  # per year


class KommunSpec(NamedTuple):
    name: str
    namnder: tuple[NamndSpec, ...]
    finans: NamndSpec | None  # the finansförvaltning, a ledger like a nämnd's
    rows: int = 200  # #TRANS rows per SIE import (one per nämnd and year)


def slug(name: str) -> str:
    """A folder name: 'Social resursnämnd, inkl pers ass' → 'social-resursnamnd-inkl-pers-ass'."""
    plain = name.lower().translate(str.maketrans("åäöé", "aaoe"))
    return re.sub(r"[^0-9a-z]+", "-", plain).strip("-") or "namnd"


def folders(spec: KommunSpec) -> list[tuple[str, NamndSpec]]:
    """(folder name, nämnd) for every ledger, the finansförvaltning last."""
    width = len(str(len(spec.namnder)))
    out = [(f"{i:0{width}d}-{slug(n.name)}", n) for i, n in enumerate(spec.namnder, start=1)]
    return out + ([(FINANS, spec.finans)] if spec.finans else [])


def minimum_rows() -> int:
    """The fewest rows an import can have: the kommunbidrag vouchers and one voucher of kostnader per
    verksamhet and konto."""
    pairs = len(VERKSAMHETER) * len(KONTON)
    return 12 * (len(VERKSAMHETER) + 1) + pairs + -(-pairs // 9)


def company(namnd: NamndSpec, kommun: str, year: int) -> Company:
    konton = {k: n for k, n, _ in KONTON} | {KOMMUNBIDRAG: "Kommunbidrag", AVRAKNING: "Avräkning med kommunstyrelsen"}
    objekt = {("20", code): name for code, name in VERKSAMHETER}
    objekt |= {("1", f"{code}{j}"): f"Enhet {code}{j} ({name})" for code, name in VERKSAMHETER for j in (1, 2)}
    return Company(f"{namnd.name}, {kommun}", "212000-0000", year, konton, DIMS, objekt)


def budget_of(namnd: NamndSpec) -> dict[str, int]:
    """Öre of kostnader (= kommunbidrag) per verksamhet, whole kronor × 12."""
    total = mnkr_to_ore(namnd.budget_mnkr) // 1200
    return {code: 1200 * part for (code, _), part in zip(VERKSAMHETER, split_exact(total, list(WEIGHTS)))}


def _per_verksamhet(ore: int) -> dict[str, int]:
    return {code: part for (code, _), part in zip(VERKSAMHETER, split_exact(ore, list(WEIGHTS)))}


def _per_konto(ore: int) -> dict[str, int]:
    return {konto: part for (konto, _, _), part in zip(KONTON, split_exact(ore, [w for _, _, w in KONTON]))}


def vouchers(namnd: NamndSpec, year: int, rows: int, seed: int = 1
             ) -> Iterator[tuple[str, str, datetime.date, str, list[SourceRow]]]:
    """Exactly `rows` #TRANS rows: the monthly kommunbidrag (the budget, whole kronor a month), then
    vouchers of up to ten rows whose kostnader per verksamhet are the budget less the bokslut
    avvikelse, to the öre (SIE's sign: kostnader positive, kommunbidrag negative)."""
    if rows < minimum_rows():
        raise ValueError(f"rows must be at least {minimum_rows()}")
    budget = budget_of(namnd)
    for month in range(1, 13):
        date = datetime.date(year, month, 25)
        lines = [SourceRow(date, KOMMUNBIDRAG, (("20", code),), -Decimal(ore // 12).scaleb(-2), "", None, 0)
                 for code, ore in budget.items()]
        lines.append(SourceRow(date, AVRAKNING, (), -sum(r.amount for r in lines), "", None, 0))
        yield "K", str(month), date, f"Kommunbidrag {year}-{month:02d}", lines
    kostnader = {code: budget[code] - part
                 for code, part in _per_verksamhet(mnkr_to_ore(namnd.deviations[year].bokslut)).items()}
    pairs = [(code, konto) for code in kostnader for konto in _per_konto(kostnader[code])]
    targets = {(code, konto): ore for code in kostnader for konto, ore in _per_konto(kostnader[code]).items()}
    left = rows - 12 * (len(VERKSAMHETER) + 1)
    count = -(-left // 10)
    result_rows = left - count
    rng = random.Random(f"{seed}-{namnd.name}-{year}")
    on_pair = [i % len(pairs) for i in range(result_rows)]  # every pair gets a row
    amounts: dict[tuple[str, str], list[int]] = {}
    for i, pair in enumerate(pairs):
        n = len(range(i, result_rows, len(pairs)))
        amounts[pair] = split_exact(targets[pair], [rng.uniform(0.5, 1.5) for _ in range(n)])
    taken = dict.fromkeys(pairs, 0)
    row = 0
    for n in range(count):
        size = min(9, result_rows - row - (count - n - 1))  # leave each later voucher one row
        date = datetime.date(year, 1 + (n * 12 // count), 1 + n % 28)
        lines = []
        for _ in range(size):
            pair = pairs[on_pair[row]]
            ore = amounts[pair][taken[pair]]
            taken[pair] += 1
            row += 1
            objekt = (("20", pair[0]), ("1", f"{pair[0]}{1 + row % 2}"))
            lines.append(SourceRow(date, pair[1], objekt, Decimal(ore).scaleb(-2), "", None, 0))
        lines.append(SourceRow(date, AVRAKNING, (), -sum((r.amount for r in lines), Decimal(0)), "", None, 0))
        yield "A", str(n + 1), date, f"Faktura {n + 1}", lines


def main_file(namnd: NamndSpec, kommun: str) -> str:
    return "\n".join([
        f"; {namnd.name} i {kommun} – genererad av namndbok.scripts.exempel.kommun.",
        f'option "title" "{namnd.name} – {kommun}"',
        'option "operating_currency" "SEK"',
        *root_option_lines(ROOTS),
        "",
        'plugin "namndbok.plugins.namndbok" "kontoplan=kontoplan.toml; periodisering=periodisering.toml"',
        "",
        "2000-01-01 commodity SEK",
        "",
    ])


def kontoplan_text(namnd: NamndSpec, kommun: str, year: int) -> str:
    """The kontoplan `namndbok kontoplan` drafts from the SIE file's #KONTO and #OBJEKT, with the kommun."""
    from namndbok.importers.sie.kontoplan import kontoplan_from_sie
    from namndbok.importers.sie.parser import parse_sie

    header = write_sie(company(namnd, kommun, year), [])
    draft = kontoplan_from_sie(parse_sie(header, f"{slug(namnd.name)}.se"), namnd.name, "20", "1")
    kommun_line = 'kommun = "' + kommun.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return draft.replace("\nradgrupper = ", f"\n{kommun_line}\nradgrupper = ", 1)


def budget_text(namnd: NamndSpec, kommun: str, year: int, component: str) -> str:
    budget = budget_of(namnd)
    total = sum(budget.values())
    kf = BudgetDecisionSpec(f"{year - 1}-11-25", f"KF-budget {year}", "kf-budget", f"KF {year - 1}-11-25 §1", None, None)
    intern = BudgetDecisionSpec(f"{year - 1}-12-15", f"Internbudget {year}", "internbudget", f"Nämnden {year - 1}-12-15 §1",
                                f"KF-budget {year}", None)
    start = datetime.date(year, 1, 1)
    names = dict(VERKSAMHETER)
    rows = []
    for code, ore in budget.items():
        rows.append((result_account(ROOTS, "kommunbidrag", component, code), ore, names[code]))
        rows += [(result_account(ROOTS, KIND_KOSTNAD, component, code, konto), -part, f"{konto} · {names[code]}")
                 for konto, part in _per_konto(ore).items()]
    out = file_header(f"Budget {year} – {namnd.name}, {kommun}.")
    out += decision_lines(kf, start, [(result_account(ROOTS, "kommunbidrag", component), total, "Kommunbidrag, hela nämnden"),
                                      (result_account(ROOTS, KIND_KOSTNAD, component), -total, "Nettokostnadsram, hela nämnden")])
    out += decision_lines(intern, start, rows)
    return "\n".join(out) + "\n"


def prognos_text(namnd: NamndSpec, kommun: str, year: int, component: str) -> str:
    date = follow_up_date(year, DELAR_MONTH)
    off = _per_verksamhet(mnkr_to_ore(namnd.deviations[year].delar))
    out = file_header(f"Prognos helår {year}, delårsrapporten per augusti – {namnd.name}, {kommun}.")
    for code, name in VERKSAMHETER:
        out += ["", *prognos_lines(date, result_account(ROOTS, KIND_KOSTNAD, component, code),
                                   -(budget_of(namnd)[code] - off[code]), f"Kostnader · {name}")]
    return "\n".join(out) + "\n"


def generate_kommun(folder: Path, spec: KommunSpec, seed: int = 1,
                    say: Callable[[str], None] = lambda text: None) -> Path:
    """Write the municipality into `folder` (see the module docstring); return the folder."""
    from namndbok.bokslut import close_year
    from namndbok.importers.run import run_import
    from namndbok.importers.sie.importer import read_sie
    from namndbok.new_committee import account_component
    from namndbok.writer_lock import writing

    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / SETTINGS, f'# Kommunen (genererad).\nnamn = "{spec.name}"\n')
    for name, namnd in folders(spec):
        base = folder / name
        years = sorted(namnd.deviations)
        ledger = base / f"{slug(namnd.name)}.beancount"
        component = account_component(namnd.name)
        (base / "import").mkdir(parents=True, exist_ok=True)
        with writing(ledger, "namndbok exempel kommun"):
            atomic_write_text(base / "kontoplan.toml", kontoplan_text(namnd, spec.name, years[0]))
            atomic_write_text(base / "import.toml", IMPORT_TOML)
            atomic_write_text(base / "periodisering.toml", PERIODISERING_TOML)
            includes = [f'include "{y}/budget.beancount"\ninclude "{y}/prognos/*.beancount"' for y in years]
            atomic_write_text(ledger, main_file(namnd, spec.name) + "\n".join(includes) + "\n")
            for year in years:
                atomic_write_text(base / str(year) / "budget.beancount", canonical(budget_text(namnd, spec.name, year, component)))
                atomic_write_text(prognos_path(base, year, DELAR_MONTH), canonical(prognos_text(namnd, spec.name, year, component)))
        for year in years:
            export = base / "import" / f"{slug(namnd.name)}-{year}.se"
            say(f"{namnd.name} {year}: {spec.rows} rader till {export.name} …")
            atomic_write_bytes(export, write_sie(company(namnd, spec.name, year), vouchers(namnd, year, spec.rows, seed)))
            run_import(ledger, read_sie, "sie", export, "summerad")
            say(f"{namnd.name} {year}: bokslut …")
            close_year(ledger, year)
    return folder
