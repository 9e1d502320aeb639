"""Issue 18, cases 3, 4 and 7 (import-budget) on the real files of ../shared/sie/jsisie.

* `import-budget` from #PBUDGET counts each amount once: a `{}` row is the account's
  total, object rows that add up to it are its breakdown; an account budgeted only per
  object gets the objects' sum (Briljant Test4.SE, Edison typ2/typ3.se).
* A detailed import of a file without vouchers says so and offers summerad; vouchers
  without a number are separate vouchers; the month of an amount does not depend on the mode.
* A budget file of another year than `--ar`, or of a year that is not a calendar year, is refused.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data as bc_data

from namndbok.accounts import Roots, parse_account
from namndbok.importers.model import SourceError
from namndbok.importers.sie.parser import parse_sie

from conftest import SHARED
from test_import_shared_sie import make_ledger, run

JSISIE = SHARED / "sie" / "jsisie"
pytestmark = pytest.mark.skipif(not JSISIE.is_dir(), reason="../shared/sie/jsisie saknas (de delade SIE-filerna)")


def file_budget(path: Path) -> dict[tuple[str, int], Decimal]:
    """The file's own budget per konto and month: the `{}` rows where the month has one, else the object rows' sum."""
    sie = parse_sie(path.read_bytes(), str(path))
    plain: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    objects: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for total in sie.pbudget:
        if total.label.startswith("#PBUDGET 0 ") and total.konto[:1] not in "12":
            key = (total.konto, int(total.period[4:]))
            (objects if total.objekt else plain)[key] += total.amount
    merged = {**objects, **plain}
    return {k: v for k, v in merged.items() if v}


def ledger_budget(ledger: Path) -> dict[tuple[str, int], Decimal]:
    """The imported budget per konto and month, read back through Beancount (debit positive, as in the file)."""
    entries, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    found: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for entry in entries:
        if not isinstance(entry, bc_data.Custom) or entry.type != "budgetrad":
            continue
        konto = parse_account(entry.values[1].value, Roots()).konto
        amount = entry.values[2].value.number
        weights = [Decimal(w) for w in entry.meta["nyckel"].removeprefix("vikter: ").split()]
        for month, weight in enumerate(weights, 1):
            found[(konto, month)] += amount * weight / sum(weights)
    return {k: v for k, v in found.items() if v}


def import_budget(path: Path, tmp_path: Path, year: int):
    folder = tmp_path / path.stem
    folder.mkdir()
    ledger = make_ledger(folder, parse_sie(path.read_bytes(), str(path)))
    code, out = run("import-budget", path, ledger, "--namn", "Budget ur SIE", "--beslut", "SN §1", "--ar", year,
                    "--datum", f"{year - 1}-12-01")
    return ledger, code, out


def test_test4_budget_counts_the_total_once_and_puts_it_on_its_object(tmp_path):
    """Briljant writes each month twice: `{}` and `{1 "0"}` with the same amount. Once, on object 0 (used
    on the rows without an #OBJEKT; the drafted kontoplan has it)."""
    path = JSISIE / "Test4.SE"
    ledger, code, out = import_budget(path, tmp_path, 2008)
    assert code == 0, out
    expected = file_budget(path)
    assert expected[("3010", 1)] == Decimal("-208000.00")
    assert ledger_budget(ledger) == expected
    text = (ledger.parent / "2008" / "budget.beancount").read_text(encoding="utf-8")
    assert "Intäkter:Företaget:0:3010 " in text and "Intäkter:Företaget:000:3010 " not in text
    assert "{}-raden är kontots budget; objektraderna som summerar till den är dess fördelning" in out


def test_edison_type3_budget_equals_type2_and_objects_only_accounts_get_their_sum(tmp_path):
    typ2, typ3 = JSISIE / "typ2.se", JSISIE / "typ3.se"
    ledger2, code, out = import_budget(typ2, tmp_path, 2012)
    assert code == 0, out
    ledger3, code, out3 = import_budget(typ3, tmp_path, 2012)
    assert code == 0, out3
    budget2, budget3 = ledger_budget(ledger2), ledger_budget(ledger3)
    assert budget2 == file_budget(typ2)
    assert budget3 == file_budget(typ3)
    # The same company: every account type 2 carries has the same budget in type 3 ...
    assert {k: v for k, v in budget3.items() if k[0] in {konto for konto, _ in budget2}} == budget2
    # ... and the five accounts type 3 budgets only per object (type 2 has no objects) get their objects' sum, once.
    only_objects = sorted({konto for konto, _ in budget3} - {konto for konto, _ in budget2})
    assert only_objects == ["3020", "6212", "7010", "7220", "7610"]
    assert sum(v for (konto, _), v in budget3.items() if konto == "3020") == Decimal("-2360001.00")  # 36 object rows, summed by hand
    assert "konton med budget bara per objekt får objektradernas summa (5 konton: 3020, 6212, 7010, 7220, 7610)" in out3


def test_a_budget_of_another_year_than_asked_is_refused_with_both_years(tmp_path):
    path = JSISIE / "typ3.se"
    ledger, code, out = import_budget(path, tmp_path, 2027)
    assert code == 1
    assert f"{path}:10: Filens budgetår (#RAR 0) är 2012, men --ar är 2027." in out, out
    assert not (ledger.parent / "2027").exists()


def test_a_budget_of_a_year_that_is_not_a_calendar_year_is_refused_with_its_years(tmp_path):
    path = JSISIE / "BL0001_typ4.SE"
    ledger, code, out = import_budget(path, tmp_path, 2010)
    assert code == 1
    assert "Räkenskapsåret i #RAR 0 är 2009-07-01–2010-06-30 (2009/2010), inte ett kalenderår" in out, out
    assert not (ledger.parent / "2010").exists()


def test_object_rows_that_contradict_the_total_are_named_and_the_total_is_taken(tmp_path):
    """A `{}` row of 1 000 whose cost centres add up to 900: the total is the file's own word, the gap is named.
    A breakdown by projekt (not a mapped dimension) that agrees adds nothing."""
    base = (JSISIE / "typ2.se").read_bytes().split(b"#PBUDGET", 1)[0].decode("cp437")
    rows = ['#PBUDGET 0 201201 5010 {} 1000.00', '#PBUDGET 0 201201 5010 {1 "AO"} 600.00', '#PBUDGET 0 201201 5010 {1 "IB"} 300.00',
            '#PBUDGET 0 201201 5010 {6 "P1"} 1000.00', '#PBUDGET 0 201202 5020 {6 "P1"} 50.00', '#PBUDGET 0 201202 5020 {6 "P2"} 25.00']
    path = tmp_path / "budget.se"
    path.write_bytes((base + "\r\n".join(rows) + "\r\n").encode("cp437"))
    ledger, code, out = import_budget(path, tmp_path, 2012)
    assert code == 0, out
    assert ledger_budget(ledger) == {("5010", 1): Decimal("1000.00"), ("5020", 2): Decimal("75.00")}
    assert ("#PBUDGET: konto 5010: objektraderna summerar inte till samma belopp (2012-01: dimension 1 900,00, {}-raden 1 000,00); "
            "budgeten tar {}-raden.") in out
    text = (ledger.parent / "2012" / "budget.beancount").read_text(encoding="utf-8")
    assert "Kostnader:Företaget:000:5010 " in text and "Kostnader:Företaget:000:5020 " in text
    assert "konto 5020" not in out  # its two projects are its whole budget: nothing to name


# ---------------------------------------------------------------- case 4: detaljerad


def import_file(path: Path, folder: Path, mode: str, *options: str):
    folder.mkdir()
    try:
        sie = parse_sie(path.read_bytes(), str(path))
    except SourceError:  # refused by the reader (issue 18's other cases): the import says so in both modes
        sie = None
    ledger = make_ledger(folder, sie)
    code, out = run("import", path, ledger, "--format", "sie", "--lage", mode, *options)
    return ledger, code, out


def month_totals(ledger: Path) -> dict[tuple[str, str], Decimal]:
    """(YYYY-MM, account) → amount of every transaction in the ledger, read back through Beancount."""
    entries, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for entry in bc_data.filter_txns(entries):
        for posting in entry.postings:
            totals[(f"{entry.date:%Y-%m}", posting.account)] += posting.units.number
    return {k: v for k, v in totals.items() if v}


@pytest.mark.parametrize("name", ["typ2.se", "typ3.se", "sie_3.SE", "periodsaldo_ovnbolag.se"])
def test_a_detailed_import_of_a_file_without_vouchers_says_so_and_offers_summerad(tmp_path, name):
    path = JSISIE / name
    ledger, code, out = import_file(path, tmp_path / "l", "detaljerad")
    assert code == 1
    assert f"{path}: Filen {name} (SIE typ " in out and "har inga verifikationer" in out and "--lage summerad" in out, out
    assert "Exporten har rader" not in out and "Fel: :" not in out
    assert sorted(p.name for p in ledger.parent.rglob("*.beancount")) == ["main.beancount"]


def test_vouchers_without_a_number_are_vouchers_of_their_own(tmp_path):
    """BL's cash register writes `#VER "K" ""`: two sales, two vouchers (today one voucher of six rows)."""
    path = SHARED / "sie" / "BLBLOV_SIE4_UTF_8.SI"
    ledger, code, out = import_file(path, tmp_path / "l", "detaljerad")
    assert code == 0, out
    entries, errors, _ = loader.load_file(str(ledger))
    txns = list(bc_data.filter_txns(entries))
    assert [(t.narration, len(t.postings)) for t in txns] == [
        ("K utan nummer 2018-05-02/1: Försäljning 25% (DF:157)", 3),
        ("K utan nummer 2018-05-02/2: Försäljning 12% (DF:158)", 3),
    ]
    before = {p: p.read_bytes() for p in ledger.parent.rglob("*.beancount")}
    code, out = run("import", path, ledger, "--format", "sie", "--lage", "detaljerad")
    assert code == 0 and "Inget nytt" in out, out
    assert {p: p.read_bytes() for p in ledger.parent.rglob("*.beancount")} == before


def test_unnumbered_vouchers_keep_their_own_dates(tmp_path):
    """The same file with the second sale in June (and one without a series): May's amount in May, June's in June."""
    text = (SHARED / "sie" / "BLBLOV_SIE4_UTF_8.SI").read_text(encoding="utf-8")
    text = text.replace('#VER "K" "" 20180502 "Försäljning 12%', '#VER "" "" 20180615 "Försäljning 12%')
    path = tmp_path / "kassa.si"
    path.write_text(text, encoding="utf-8")
    for mode in ("detaljerad", "summerad"):
        ledger, code, out = import_file(path, tmp_path / mode, mode)
        assert code == 0, out
        totals = month_totals(ledger)
        assert totals[("2018-05", "Intäkter:Företaget:000:3010")] == Decimal("-80.00")
        assert ("2018-05", "Intäkter:Företaget:000:3020") not in totals
        assert totals[("2018-06", "Intäkter:Företaget:000:3020")] == Decimal("-446.43")


TYPE4 = sorted(p.name for p in JSISIE.iterdir() if p.suffix.lower() == ".se" and b"#VER" in p.read_bytes()) if JSISIE.is_dir() else []


@pytest.mark.parametrize("name", TYPE4)
def test_the_month_of_an_amount_does_not_depend_on_the_mode(tmp_path, name):
    """BL's and Norstedts' July–June years too (--brutet-rakenskapsar; on a calendar year the flag changes nothing)."""
    path = JSISIE / name
    summed, code_s, out_s = import_file(path, tmp_path / "summerad", "summerad", "--brutet-rakenskapsar")
    detailed, code_d, out_d = import_file(path, tmp_path / "detaljerad", "detaljerad", "--brutet-rakenskapsar")
    assert code_s == code_d, (out_s, out_d)
    if code_s:
        pytest.skip(f"{name} vägras i båda lägena: {out_s.splitlines()[0]}")
    assert month_totals(detailed) == month_totals(summed)


def test_edison_voucher_spread_over_three_months_follows_its_rows_dates(tmp_path):
    """typ4.se voucher 5101 7 books 5910 on 2012-01-23, -02-01 and -03-01 (the rows' own transdat);
    the same company's type 3 file (#PSALDO) has 5910 in January, February and March."""
    path = JSISIE / "typ4.se"
    ledger, code, out = import_file(path, tmp_path / "l", "detaljerad")
    assert code == 0, out
    totals = month_totals(ledger)
    typ3 = parse_sie((JSISIE / "typ3.se").read_bytes(), "typ3.se")
    psaldo = {t.period: t.amount for t in typ3.psaldo if t.konto == "5910" and not t.objekt and t.label.startswith("#PSALDO 0 ")}
    for month in ("01", "02", "03"):
        assert totals[(f"2012-{month}", "Kostnader:Företaget:000:5910")] == psaldo[f"2012{month}"]
    code, out = run("import", path, ledger, "--format", "sie", "--lage", "detaljerad")
    assert code == 0 and "Inget nytt" in out, out  # each date's part has its own importid, found again


def test_unnumbered_vouchers_merged_by_an_older_import_are_not_counted_again(tmp_path):
    """A ledger that imported the cash register file before holds both sales as one voucher `kalla/K`:
    reading them as two vouchers now must not add them again (it would double the money) — it says what to do."""
    path = SHARED / "sie" / "BLBLOV_SIE4_UTF_8.SI"
    ledger, code, out = import_file(path, tmp_path / "l", "detaljerad")
    assert code == 0, out
    month = ledger.parent / "2018" / "utfall" / "2018-05.beancount"
    text = month.read_text(encoding="utf-8")
    kalla = re.search(r'kalla: "([^"]+)"', text).group(1)
    # The older import's form: one transaction with the six rows, importid kalla/K.
    second = re.search(r'\n\n2018-05-02 \* "K utan nummer 2018-05-02/2[^\n]*\n  kalla: [^\n]*\n  importid: [^\n]*\n', text)
    text = text[:second.start()] + "\n" + text[second.end():]
    text = text.replace("K utan nummer 2018-05-02/1: ", "K: ").replace(f'"{kalla}/K utan nummer 2018-05-02/1"', f'"{kalla}/K"')
    month.write_text(text, encoding="utf-8")
    entries, errors, _ = loader.load_file(str(ledger))
    assert errors == [] and len(list(bc_data.filter_txns(entries))) == 1
    before = {p: p.read_bytes() for p in ledger.parent.rglob("*.beancount")}
    code, out = run("import", path, ledger, "--format", "sie", "--lage", "detaljerad")
    assert code == 1
    assert f"{path}:10: Liggaren har {kalla}/K ({month}:" in out and "räkna pengarna två gånger" in out, out
    assert {p: p.read_bytes() for p in ledger.parent.rglob("*.beancount")} == before


def test_a_voucher_booked_on_one_date_by_an_older_import_is_refused_with_its_rows_dates(tmp_path):
    """typ4.se 5101 7 as an older import booked it, all rows on 2012-01-23: the import says why and what to do."""
    path = JSISIE / "typ4.se"
    ledger, code, out = import_file(path, tmp_path / "l", "detaljerad")
    assert code == 0, out
    utfall = ledger.parent / "2012" / "utfall"
    moved = []
    for name in ("2012-02.beancount", "2012-03.beancount"):
        blocks = (utfall / name).read_text(encoding="utf-8").split("\n\n")
        part = next(b for b in blocks if '/5101 7/2012-0' in b)
        moved += [line for line in part.splitlines() if re.match(r"  [^ :]+:\S+ +-?[\d.]+ SEK$", line)]
        (utfall / name).write_text("\n\n".join(b for b in blocks if b is not part), encoding="utf-8")
    january = utfall / "2012-01.beancount"
    blocks = january.read_text(encoding="utf-8").split("\n\n")
    index = next(i for i, b in enumerate(blocks) if b.startswith('2012-01-23 * "5101 7:'))
    blocks[index] = blocks[index].rstrip("\n") + "\n" + "\n".join(moved)
    january.write_text("\n\n".join(blocks), encoding="utf-8")
    entries, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    code, out = run("import", path, ledger, "--format", "sie", "--lage", "detaljerad")
    assert code == 1
    assert "bokförd på 2012-01-23 av en äldre import, men dess rader har egna datum (2012-01-23, 2012-02-01, 2012-03-01)" in out, out
