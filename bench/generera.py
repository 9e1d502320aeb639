"""A large synthetic municipality, as exports and as ledgers (the benchmark's generated years).

For N committees (Socialnämnden, Utbildningsnämnden, … each with its own
verksamheter, konton and ansvar) × the given years, deterministic from a seed:

- one SIE 4 file per committee-year (`import/<nämnd>-<år>.se`) with exactly R
  #TRANS rows: twelve monthly kommunbidrag vouchers (one row per verksamhet and
  the avräkning 1690) and vouchers of up to ten rows (nine result rows and their
  counter-row on 1690) spread over the year;
- a budget workbook per committee-year (`import/budget-<år>.csv`): one row per
  verksamhet × konto and the kommunbidrag per verksamhet (= its net cost), each
  a whole number of kronor per month, so that the jämn key spreads it exactly;
- a Nämndbok ledger per committee: main file, kontoplan.toml (drafted from the
  SIE file's own #KONTO/#OBJEKT by `namndbok.importers.sie.kontoplan`, as an economist
  starting a new committee would), import.toml, periodisering.toml; the budget
  read in by the real budget import (`import_budget`) and the utfall by the
  real SIE import (`run_import`, summerad by default);
- the same utfall and budget as an hledger journal and a ledger-cli journal
  (`bench/journaler.py`, written from the loaded ledger).

Each row's amount is drawn around the budget of its verksamhet × konto, so
utfall lands near budget, as in a real committee. The generator's budget
decisions are returned (`Municipality.budgets`) for tests to check against.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from namndbok.importers.model import SourceRow
from namndbok.importers.sie.writer import Company, write_sie
from namndbok.fileio import atomic_write_bytes, atomic_write_text
from namndbok.ledgerfile import root_option_lines
from namndbok.swedish import format_number

NAMNDER = ("Socialnämnden", "Utbildningsnämnden", "Kulturnämnden", "Miljönämnden", "Byggnadsnämnden",
           "Fritidsnämnden", "Servicenämnden", "Tekniska-nämnden", "Överförmyndarnämnden", "Arbetsmarknadsnämnden")
VERKSAMHETER = (
    ("010", "Politisk verksamhet"), ("200", "Infrastruktur och skydd"), ("300", "Kultur"), ("350", "Fritid"),
    ("407", "Förskola"), ("410", "Grundskola"), ("420", "Gymnasieskola"), ("440", "Vuxenutbildning"),
    ("510", "Vård och omsorg om äldre"), ("520", "Insatser enligt SoL"), ("550", "Insatser enligt LSS"),
    ("571", "Missbrukarvård för vuxna"), ("572", "Övrig vård för vuxna"), ("573", "Barn- och ungdomsvård"),
    ("580", "Familjerätt"), ("600", "Ekonomiskt bistånd"), ("610", "Flyktingmottagande"),
    ("700", "Arbetsmarknadsåtgärder"), ("800", "Affärsverksamhet"), ("900", "Gemensam verksamhet"),
)
KONTON = (
    ("3110", "Försäljning av tjänster"), ("3320", "Avgifter och ersättningar"), ("3511", "Riktade statsbidrag"),
    ("3910", "Återsökta medel"), ("4010", "Förbrukningsmaterial"), ("4530", "Bistånd till enskilda"),
    ("4610", "Köp av huvudverksamhet"), ("4690", "Övriga köp av huvudverksamhet"), ("5011", "Arvoden förtroendevalda"),
    ("5020", "Löner månadsavlönade"), ("5060", "Löner timavlönade"), ("5410", "Personalomkostnader"),
    ("5610", "Utbildning och konferenser"), ("6110", "Lokalhyror"), ("6210", "Fastighetsservice"),
    ("6410", "Kontorsmaterial"), ("6420", "IT-tjänster"), ("6710", "Livsmedel"), ("6810", "Resor"),
    ("6910", "Försäkringar"), ("7010", "Konsulttjänster"), ("7310", "Telefoni"), ("7610", "Transporter"),
    ("7990", "Övriga kostnader"),
)
KOMMUNBIDRAG, AVRAKNING = "3911", "1690"
DIMS = {"1": "Ansvar", "20": "Verksamhet"}
IMPORT_TOML = ('# Hur de genererade SIE-filerna läses in (python -m bench).\n\n[sie]\n'
               f'verksamhet = "20"\nansvar = "1"\nkommunbidrag = ["{KOMMUNBIDRAG}"]\n')
PERIODISERING_TOML = '# Budgeten är hela kronor per månad: jämn fördelning (tolftedelar) är exakt.\nstandard = "jämn"\n'


class Committee(NamedTuple):
    name: str  # the account component, e.g. Socialnämnden
    slug: str  # its folder and file name, e.g. socialnamnden
    orgnr: str
    verksamheter: tuple[tuple[str, str], ...]
    ansvar: dict[str, tuple[str, ...]]  # verksamhet → its ansvar codes
    konton: tuple[tuple[str, str], ...]

    def company(self, year: int) -> Company:
        konton = dict(self.konton) | {KOMMUNBIDRAG: "Kommunbidrag", AVRAKNING: "Avräkning med kommunstyrelsen"}
        objekt = {("20", code): name for code, name in self.verksamheter}
        objekt |= {("1", a): f"Enhet {a} ({name})" for code, name in self.verksamheter for a in self.ansvar[code]}
        return Company(f"{self.name.replace('-', ' ')}, Prestandakommun", self.orgnr, year, konton, DIMS, objekt)

    @property
    def ledger(self) -> str:
        return f"{self.slug}.beancount"


class Municipality(NamedTuple):
    folder: Path
    committees: list[Committee]
    years: list[int]
    rows: int
    # (committee name, year) → (verksamhet, konto or "Kommunbidrag") → yearly budget in öre, Beancount's sign
    budgets: dict[tuple[str, int], dict[tuple[str, str], int]]

    def ledger(self, committee: Committee) -> Path:
        return self.folder / committee.slug / committee.ledger

    def sie(self, committee: Committee, year: int) -> Path:
        return self.folder / committee.slug / "import" / f"{committee.slug}-{year}.se"


def _slug(name: str) -> str:
    return name.lower().translate(str.maketrans("åäöé", "aaoe")).replace("-", "")


def committees(count: int, verksamheter: int, seed: int = 1) -> list[Committee]:
    """`count` committees, each with `verksamheter` verksamheter (a window of the RS list), two ansvar each."""
    out = []
    for i in range(count):
        name = NAMNDER[i] if i < len(NAMNDER) else f"Nämnd{i + 1}"
        window = tuple(VERKSAMHETER[(3 * i + j) % len(VERKSAMHETER)] for j in range(min(verksamheter, len(VERKSAMHETER))))
        ansvar = {code: (f"{i + 1}{j:02d}1", f"{i + 1}{j:02d}2") for j, (code, _) in enumerate(window)}
        konton = tuple(k for k in KONTON if random.Random(f"{seed}-{name}-{k[0]}").random() < 0.85 or k[0] < "4")
        out.append(Committee(name, _slug(name), f"212000-{1000 + i:04d}", window, ansvar, konton))
    return out


def decide_budget(committee: Committee, year: int, seed: int) -> dict[tuple[str, str], int]:
    """(verksamhet, konto) → yearly budget in öre (Beancount's sign: costs positive), 12 × whole kronor;
    and (verksamhet, "Kommunbidrag") → minus the verksamhet's net cost."""
    rng = random.Random(f"{seed}-{committee.name}-{year}-budget")
    budget: dict[tuple[str, str], int] = {}
    for code, _ in committee.verksamheter:
        net = 0
        for konto, _ in committee.konton:
            revenue = konto < "4"
            monthly = rng.randint(1_000, 80_000) if revenue else rng.randint(5_000, 400_000)
            amount = 12 * monthly * 100 * (-1 if revenue else 1)
            budget[code, konto] = amount
            net += amount
        budget[code, "Kommunbidrag"] = -net
    return budget


def vouchers(committee: Committee, year: int, rows: int, budget: dict[tuple[str, str], int], seed: int
             ) -> Iterator[tuple[str, str, datetime.date, str, list[SourceRow]]]:
    """Exactly `rows` #TRANS rows: the monthly kommunbidrag, then vouchers of up to ten rows."""
    rng = random.Random(f"{seed}-{committee.name}-{year}-utfall")
    number = 0
    for month in range(1, 13):
        date = datetime.date(year, month, 25)
        lines = [SourceRow(date, KOMMUNBIDRAG, (("20", code),), Decimal(budget[code, "Kommunbidrag"] // 12).scaleb(-2), "", None, 0)
                 for code, _ in committee.verksamheter]
        lines.append(SourceRow(date, AVRAKNING, (), -sum(r.amount for r in lines), "", None, 0))
        number += 1
        yield "K", str(number), date, f"Kommunbidrag {year}-{month:02d}", lines
    left = rows - 12 * (len(committee.verksamheter) + 1)
    pairs = [(code, konto) for code, _ in committee.verksamheter for konto, _ in committee.konton]
    sizes = [10] * (left // 10) + ([left % 10] if left % 10 else [])
    if sizes[-1] == 1:  # a voucher needs a row and its counter-row
        sizes[-2:] = [9, 2]
    count = len(sizes)
    per_pair = max(1.0, (left - count) / len(pairs))  # result rows that fall on one verksamhet × konto, on average
    centre = {pair: max(2, int(abs(budget[pair]) / per_pair)) for pair in pairs}
    for n, size in enumerate(sizes):
        date = datetime.date(year, 1 + (n * 12 // count), 1 + n % 28)
        lines = []
        for _ in range(size - 1):
            pair = pairs[rng.randrange(len(pairs))]
            ore = rng.randint(centre[pair] // 2, centre[pair] * 3 // 2)
            objekt = (("20", pair[0]), ("1", committee.ansvar[pair[0]][rng.randrange(2)]))
            lines.append(SourceRow(date, pair[1], objekt, Decimal(ore if budget[pair] > 0 else -ore).scaleb(-2), "", None, 0))
        lines.append(SourceRow(date, AVRAKNING, (), -sum((r.amount for r in lines), Decimal(0)), "", None, 0))
        yield "A", str(n + 1), date, f"Faktura {n + 1}", lines


def minimum_rows(verksamheter: int) -> int:
    """The fewest rows a committee-year can have: the kommunbidrag vouchers and one more voucher."""
    return 12 * (min(verksamheter, len(VERKSAMHETER)) + 1) + 2


def budget_csv(committee: Committee, budget: dict[tuple[str, str], int]) -> str:
    """The budget workbook (CSV, the committee's sign: intäkter and kommunbidrag positive, kostnader negative)."""
    lines = ["Verksamhet;Konto;Ansvar;Belopp;Nyckel"]
    lines += [f"{code};{konto};;{-ore // 100};" for (code, konto), ore in budget.items()]
    return "\n".join(lines) + "\n"


def main_file(committee: Committee) -> str:
    return "\n".join([
        f"; {committee.name} i Prestandakommun – syntetiska data från `python -m bench`.",
        f'option "title" "{committee.name} – Prestandakommun"',
        'option "operating_currency" "SEK"',
        *root_option_lines(),
        "",
        'plugin "namndbok.plugins.namndbok" "kontoplan=kontoplan.toml; periodisering=periodisering.toml"',
        "",
        '2000-01-01 custom "fava-option" "language" "sv"',
        '2000-01-01 custom "fava-option" "locale" "sv_SE"',
        "; Nämndboks vyer i Fava, och Favas budgetkolumner (räknade av tillägget efter varje laddning).",
        '2000-01-01 custom "fava-extension" "namndbok_fava"',
        "",
        "2000-01-01 commodity SEK",
        "",
    ])


def _kontoplan_text(committee: Committee, sie_header: bytes, name: str) -> str:
    """The kontoplan `namndbok kontoplan` drafts from the SIE file's #KONTO and #OBJEKT."""
    from namndbok.importers.sie.kontoplan import kontoplan_from_sie
    from namndbok.importers.sie.parser import parse_sie

    draft = kontoplan_from_sie(parse_sie(sie_header, name), committee.name, "20", "1")
    return f"# {committee.name} i Prestandakommun (syntetisk, `python -m bench`).\n{draft}"


def generate(folder: Path, count: int, years: list[int], rows: int, verksamheter: int = 12, mode: str = "summerad",
             seed: int = 1, say: Callable[[str], None] = lambda text: None) -> Municipality:
    """Write the municipality into `folder` (see the module docstring) and return what was decided."""
    from namndbok.importers.budgetbok.writer import BudgetDecisionInput, import_budget
    from namndbok.importers.run import run_import
    from namndbok.importers.sie.importer import read_sie
    from namndbok.load_reading import reading_of
    from namndbok.loading import load
    from namndbok.writer_lock import writing
    from bench.journaler import write_journals

    town = Municipality(folder, committees(count, verksamheter, seed), sorted(years), rows, {})
    for committee in town.committees:
        base = folder / committee.slug
        (base / "import").mkdir(parents=True, exist_ok=True)
        ledger = town.ledger(committee)
        with writing(ledger, "python -m bench"):  # one writer at a time, as every writer
            header = write_sie(committee.company(town.years[0]), [])
            atomic_write_text(base / "kontoplan.toml", _kontoplan_text(committee, header, town.sie(committee, town.years[0]).name))
            atomic_write_text(base / "import.toml", IMPORT_TOML)
            atomic_write_text(base / "periodisering.toml", PERIODISERING_TOML)
            atomic_write_text(ledger, main_file(committee))
            for year in town.years:
                budget = decide_budget(committee, year, seed)
                town.budgets[committee.name, year] = budget
                workbook = base / "import" / f"budget-{year}.csv"
                atomic_write_text(workbook, budget_csv(committee, budget))
                decision = BudgetDecisionInput(f"Internbudget {year}", "internbudget", f"{committee.slug.upper()[:3]} {year - 1}-12-15 §1",
                                               year, datetime.date(year - 1, 12, 15))
                import_budget(ledger, workbook, decision)
                export = town.sie(committee, year)
                say(f"{committee.name} {year}: skriver {format_number(rows, 0)} rader till {export.name} …")
                atomic_write_bytes(export, write_sie(committee.company(year), vouchers(committee, year, rows, budget, seed)))
                say(f"{committee.name} {year}: importerar ({mode}) …")
                run_import(ledger, read_sie, "sie", export, mode)
            entries, _, options = load(ledger, fresh=True)  # a generated ledger: not kept
            write_journals(reading_of(entries, options), entries, base, committee.slug)
    return town
