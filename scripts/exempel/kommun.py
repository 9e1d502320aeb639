"""A generated municipality: a kommun folder of N nämnd ledgers with closed years.

What each ledger is meant to show is given as plain figures (`KommunSpec`): its name,
its budget size (mnkr) and per year the avvikelse against budget of årets resultat at the
delårsrapport (the August prognos) and at the bokslut (mnkr, överskott positive). A
nämnd's budget is kommunbidrag = kostnader, its avvikelse lands on the kostnader; an
income ledger (the finansförvaltning's skatteintäkter and statsbidrag, reavinster: rows
of a kommun's table that are no nämnd) has intäkter only, budgeted as a planned result
(typ resultatreglering), and its avvikelse lands on them. `generate_kommun` writes, per
ledger and year, through the real product paths where they exist:

- the ledger's folder `NN-<slug>/` (numbered: the kommun is read in folder-name order,
  so a table keeps the spec's order) with its main file, kontoplan.toml (drafted from
  the SIE file's #KONTO and #OBJEKT, as `namndbok kontoplan` does), import.toml and
  periodisering.toml; the finansförvaltning in `finansforvaltning/` (`kommun_folder.FINANS`);
- `<år>/budget.beancount`: the budget decisions (the example's `decision_lines`);
- the year's utfall as one SIE 4 file of exactly `rows` #TRANS rows, read by the real
  SIE import (summerad): a nämnd's twelve monthly kommunbidrag vouchers (the budget) and vouchers of up
  to ten rows whose kostnader (intäkter) add up, to the öre, to the budget moved by the
  bokslut's avvikelse;
- `<år>/prognos/<år>-08.beancount`: the delårsrapport's prognos (the example's
  `prognos_lines`), the budget moved by the August avvikelse, per verksamhet;
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

from namndbok.accounts import KIND_INTAKT, KIND_KOMMUNBIDRAG, KIND_KOSTNAD, result_account
from namndbok.budget import PLANNED_RESULT
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
# (code, namn, weight: its share of the ledger's budget)
VERKSAMHETER = (("100", "Ledning och administration", 1), ("200", "Kärnverksamhet", 6), ("300", "Stöd och service", 3))
KONTON = (("4610", "Köp av huvudverksamhet", 3), ("5020", "Löner månadsavlönade", 5), ("5410", "Personalomkostnader", 2),
          ("6110", "Lokalhyror", 1), ("7990", "Övriga kostnader", 1))  # (konto, namn, weight)
# An income ledger's: the finansförvaltning's skatteintäkter and statsbidrag (Kommun-Bas 80, 82), a
# municipality's gains on land and exploatering (36).
FINANS_VERKSAMHETER = (("000", "Finansförvaltning", 1),)
REAVINST_VERKSAMHETER = (("270", "Mark och exploatering", 1),)
FINANS_INTAKTER = (("8010", "Skatteintäkter", 8), ("8210", "Generella statsbidrag och utjämning", 2))
REAVINST_INTAKTER = (("3620", "Exploateringsintäkter", 3), ("3640", "Realisationsvinster", 1))
DIMS = {"1": "Ansvar", "20": "Verksamhet"}
IMPORT_TOML = ('# Hur de genererade SIE-filerna läses in.\n\n[sie]\n'
               f'verksamhet = "20"\nansvar = "1"\nkommunbidrag = ["{KOMMUNBIDRAG}"]\n')
PERIODISERING_TOML = "# Budgeten fördelas jämnt över månaderna.\nstandard = \"jämn\"\n"
TKR = 100_000  # öre
MIN_VOUCHERS = 12  # an income ledger's utfall in every month (a nämnd's: its kommunbidrag)


class Deviation(NamedTuple):
    """A year's avvikelse of årets resultat against budget, mnkr (överskott positive)."""

    delar: str  # at the delårsrapport: the August prognos
    bokslut: str  # at the bokslut: the year's utfall


class NamndSpec(NamedTuple):
    """A ledger of the kommun. A nämnd (`intakter` empty) gets kommunbidrag = its kostnader on KONTON,
    so its budgeted årets resultat is 0, and its avvikelse lands on the kostnader. An income ledger
    (`intakter` given: the finansförvaltning, reavinster) has those intäkter only, no kommunbidrag:
    its budgeted årets resultat is the budgeted intäkter, and its avvikelse lands on them."""

    name: str  # as the tables show it, e.g. "Social resursnämnd, inkl pers ass"
    budget_mnkr: str  # the yearly kostnader (= kommunbidrag) of a nämnd, the intäkter of an income ledger, mnkr
    deviations: dict[int, Deviation]  # per year
    intakter: tuple[tuple[str, str, int], ...] = ()  # (konto, namn, weight) of an income ledger
    verksamheter: tuple[tuple[str, str, int], ...] = VERKSAMHETER

    @property
    def konton(self) -> tuple[tuple[str, str, int], ...]:
        return self.intakter or KONTON

    @property
    def kind(self) -> str:
        return KIND_INTAKT if self.intakter else KIND_KOSTNAD

    @property
    def sign(self) -> int:
        """+1 where more of the ledger's amounts is better (intäkter), −1 where less is (kostnader)."""
        return 1 if self.intakter else -1


class KommunSpec(NamedTuple):
    name: str
    namnder: tuple[NamndSpec, ...]
    finans: NamndSpec | None  # the finansförvaltning (written to finansforvaltning/)
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


def _kommunbidrag_rows(namnd: NamndSpec) -> int:
    return 0 if namnd.intakter else 12 * (len(namnd.verksamheter) + 1)


def minimum_rows(namnd: NamndSpec | None = None) -> int:
    """The fewest rows an import of `namnd` can have (of any ledger when None): a nämnd's kommunbidrag
    vouchers, a row per verksamhet and konto, and vouchers in every month for an income ledger."""
    if namnd is None:
        return max(minimum_rows(NamndSpec("", "1", {})), minimum_rows(NamndSpec("", "1", {}, FINANS_INTAKTER)))
    pairs = len(namnd.verksamheter) * len(namnd.konton)
    vouchers = max(-(-pairs // 9), 0 if _kommunbidrag_rows(namnd) else MIN_VOUCHERS)
    return _kommunbidrag_rows(namnd) + max(pairs + vouchers, 10 * vouchers)


def company(namnd: NamndSpec, kommun: str, year: int) -> Company:
    konton = {k: n for k, n, _ in namnd.konton} | {AVRAKNING: "Avräkning med kommunstyrelsen"}
    if not namnd.intakter:
        konton[KOMMUNBIDRAG] = "Kommunbidrag"
    objekt = {("20", code): name for code, name, _ in namnd.verksamheter}
    objekt |= {("1", f"{code}{j}"): f"Enhet {code}{j} ({name})" for code, name, _ in namnd.verksamheter for j in (1, 2)}
    return Company(f"{namnd.name}, {kommun}", "212000-0000", year, konton, DIMS, objekt)


def _split(ore: int, weights: list[int]) -> list[int]:
    """`ore` over `weights` exactly, in whole tkr where `ore` is whole tkr (as a budget is written)."""
    unit = TKR if ore % TKR == 0 else 1
    return [part * unit for part in split_exact(ore // unit, weights)]


def budget_of(namnd: NamndSpec) -> dict[str, int]:
    """Öre of kostnader (= kommunbidrag), or of intäkter, per verksamhet."""
    weights = [w for _, _, w in namnd.verksamheter]
    return dict(zip((code for code, _, _ in namnd.verksamheter), _split(mnkr_to_ore(namnd.budget_mnkr), weights)))


def _per_verksamhet(namnd: NamndSpec, ore: int) -> dict[str, int]:
    return dict(zip((code for code, _, _ in namnd.verksamheter), _split(ore, [w for _, _, w in namnd.verksamheter])))


def _per_konto(namnd: NamndSpec, ore: int) -> dict[str, int]:
    return dict(zip((konto for konto, _, _ in namnd.konton), _split(ore, [w for _, _, w in namnd.konton])))


def outcome(namnd: NamndSpec, year: int, which: str) -> dict[str, int]:
    """Öre per verksamhet of the ledger's kostnader or intäkter (positive) at the bokslut (`which` =
    "bokslut") or as the delårsrapport forecast them ("delar"): the budget moved by the avvikelse."""
    off = _per_verksamhet(namnd, mnkr_to_ore(getattr(namnd.deviations[year], which)))
    return {code: ore + namnd.sign * off[code] for code, ore in budget_of(namnd).items()}


def vouchers(namnd: NamndSpec, year: int, rows: int, seed: int = 1
             ) -> Iterator[tuple[str, str, datetime.date, str, list[SourceRow]]]:
    """Exactly `rows` #TRANS rows: a nämnd's monthly kommunbidrag (a twelfth of the budget),
    then vouchers of up to ten rows whose kostnader (an income ledger's intäkter) per verksamhet are
    the bokslut's `outcome`, to the öre (SIE's sign: kostnader positive, intäkter negative)."""
    if rows < minimum_rows(namnd):
        raise ValueError(f"rows must be at least {minimum_rows(namnd)}")
    if not namnd.intakter:
        monthly = {code: split_exact(ore, [1] * 12) for code, ore in budget_of(namnd).items()}
        for month in range(1, 13):
            date = datetime.date(year, month, 25)
            lines = [SourceRow(date, KOMMUNBIDRAG, (("20", code),), -Decimal(months[month - 1]).scaleb(-2), "", None, 0)
                     for code, months in monthly.items()]
            lines.append(SourceRow(date, AVRAKNING, (), -sum(r.amount for r in lines), "", None, 0))
            yield "K", str(month), date, f"Kommunbidrag {year}-{month:02d}", lines
    targets = {(code, konto): ore for code, total in outcome(namnd, year, "bokslut").items()
               for konto, ore in _per_konto(namnd, total).items()}
    pairs = list(targets)
    left = rows - _kommunbidrag_rows(namnd)
    count = max(-(-left // 10), 0 if _kommunbidrag_rows(namnd) else MIN_VOUCHERS)
    result_rows = left - count
    rng = random.Random(f"{seed}-{namnd.name}-{year}")
    amounts = {pair: split_exact(targets[pair], [rng.uniform(0.5, 1.5) for _ in range(i, result_rows, len(pairs))])
               for i, pair in enumerate(pairs)}  # row r falls on pairs[r % len(pairs)]: every pair gets a row
    taken = dict.fromkeys(pairs, 0)
    row = 0
    for n in range(count):
        size = min(9, result_rows - row - (count - n - 1))  # leave each later voucher one row
        date = datetime.date(year, 1 + (n * 12 // count), 1 + n % 28)
        lines = []
        for _ in range(size):
            pair = pairs[row % len(pairs)]
            ore = amounts[pair][taken[pair]]
            taken[pair] += 1
            row += 1
            objekt = (("20", pair[0]), ("1", f"{pair[0]}{1 + row % 2}"))
            lines.append(SourceRow(date, pair[1], objekt, Decimal(-namnd.sign * ore).scaleb(-2), "", None, 0))
        lines.append(SourceRow(date, AVRAKNING, (), -sum((r.amount for r in lines), Decimal(0)), "", None, 0))
        yield "A", str(n + 1), date, f"Faktura {n + 1}", lines


def main_file(namnd: NamndSpec, kommun: str) -> str:
    return "\n".join([
        f"; {namnd.name} i {kommun} – genererad av namndbok.scripts.exempel.kommun.",
        f'option "title" {_toml_string(f"{namnd.name} – {kommun}")}',  # a Beancount string escapes as TOML's
        'option "operating_currency" "SEK"',
        *root_option_lines(ROOTS),
        "",
        'plugin "namndbok.plugins.namndbok" "kontoplan=kontoplan.toml; periodisering=periodisering.toml"',
        "",
        "2000-01-01 commodity SEK",
        "",
    ])


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kontoplan_text(namnd: NamndSpec, kommun: str, year: int) -> str:
    """The kontoplan `namndbok kontoplan` drafts from the SIE file's #KONTO and #OBJEKT, with the kommun."""
    from namndbok.importers.sie.kontoplan import kontoplan_from_sie
    from namndbok.importers.sie.parser import parse_sie

    header = write_sie(company(namnd, kommun, year), [])
    draft = kontoplan_from_sie(parse_sie(header, f"{slug(namnd.name)}.se"), namnd.name, "20", "1")
    kommun_line = f"kommun = {_toml_string(kommun)}"
    return draft.replace("\nradgrupper = ", f"\n{kommun_line}\nradgrupper = ", 1)


def budget_text(namnd: NamndSpec, kommun: str, year: int, component: str) -> str:
    """A nämnd's KF-budget and internbudget, kommunbidrag = kostnader; an income ledger's intäkter as one
    decision of typ resultatreglering (a result fullmäktige plans: there is no kommunbidrag to balance them)."""
    budget = budget_of(namnd)
    total = sum(budget.values())
    kf = BudgetDecisionSpec(f"{year - 1}-11-25", f"KF-budget {year}", "kf-budget", f"KF {year - 1}-11-25 §1", None, None)
    intern = BudgetDecisionSpec(f"{year - 1}-12-15", f"Internbudget {year}", "internbudget", f"Nämnden {year - 1}-12-15 §1",
                                f"KF-budget {year}", None)
    start = datetime.date(year, 1, 1)
    names = {code: name for code, name, _ in namnd.verksamheter}
    konto_names = {konto: name for konto, name, _ in namnd.konton}
    sign, kind = namnd.sign, namnd.kind
    rows, frame = [], []
    if not namnd.intakter:
        rows += [(result_account(ROOTS, KIND_KOMMUNBIDRAG, component, code), ore, names[code]) for code, ore in budget.items()]
        frame.append((result_account(ROOTS, KIND_KOMMUNBIDRAG, component), total, "Kommunbidrag, hela nämnden"))
    for code, ore in budget.items():
        rows += [(result_account(ROOTS, kind, component, code, konto), sign * part, f"{konto_names[konto]} · {names[code]}")
                 for konto, part in _per_konto(namnd, ore).items()]
    frame.append((result_account(ROOTS, kind, component), sign * total, "Nettokostnadsram, hela nämnden"))
    out = file_header(f"Budget {year} – {namnd.name}, {kommun}.")
    if namnd.intakter:  # no kommunbidrag: the intäkter are a result fullmäktige plans
        planned = BudgetDecisionSpec(f"{year - 1}-11-25", f"KF-budget {year}", PLANNED_RESULT, f"KF {year - 1}-11-25 §1", None, None)
        out += decision_lines(planned, start, rows)
    else:
        out += decision_lines(kf, start, frame)
        out += decision_lines(intern, start, rows)
    return "\n".join(out) + "\n"


def prognos_text(namnd: NamndSpec, kommun: str, year: int, component: str) -> str:
    """The delårsrapport's prognos per verksamhet: the budget moved by the August avvikelse."""
    date = follow_up_date(year, DELAR_MONTH)
    label = "Intäkter" if namnd.intakter else "Kostnader"
    out = file_header(f"Prognos helår {year}, delårsrapporten per augusti – {namnd.name}, {kommun}.")
    forecast = outcome(namnd, year, "delar")
    for code, name, _ in namnd.verksamheter:
        out += ["", *prognos_lines(date, result_account(ROOTS, namnd.kind, component, code), namnd.sign * forecast[code],
                                   f"{label} · {name}")]
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
    atomic_write_text(folder / SETTINGS, f"# Kommunen (genererad).\nnamn = {_toml_string(spec.name)}\n")
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
