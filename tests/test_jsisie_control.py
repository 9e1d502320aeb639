"""Issue 18: SIE files from other finance systems (../shared/sie/jsisie) are imported only as their own
control figures prove, the reading is named, and real-world faults are read with a warning naming the line.

Each test reads a real file (or a copy with one change, said where it is made) and imports it through the
real CLI into a ledger drafted from the file, as a new user would.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from namndbok.importers.sie.control import BREAKDOWN, DISJOINT, NO_FIGURES, checked_rows, control_figures
from namndbok.importers.sie.parser import check_control_totals, parse_sie

from conftest import SHARED
from test_import_shared_sie import konto_totals, make_ledger, run
from test_sie_parser import test_every_shared_file_reads_the_same_fast_and_summed as same_fast_and_summed

JSISIE = SHARED / "sie" / "jsisie"
pytestmark = pytest.mark.skipif(not JSISIE.is_dir(), reason="../shared/sie/jsisie (real SIE files) is not here")
D = Decimal


def jsisie(name: str) -> Path:
    return JSISIE / name


def copy_with(tmp_path: Path, source: Path, old: bytes, new: bytes, name: str | None = None) -> Path:
    """A copy of a real file with one change (the old bytes occur exactly once)."""
    data = source.read_bytes()
    assert data.count(old) == 1, old
    path = tmp_path / "export" / (name or source.name)
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data.replace(old, new))
    return path


def imported(tmp_path: Path, path: Path, *options: str, plan_extra: str = ""):
    """(exit code, output, ledger) of `namndbok import` into a fresh ledger drafted from the file."""
    sie = parse_sie(path.read_bytes(), str(path))
    ledger = make_ledger(tmp_path, sie)
    if plan_extra:
        plan = tmp_path / "kontoplan.toml"
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace("[verksamheter]", plan_extra + "\n[verksamheter]", 1), encoding="utf-8")
    code, out = run("import", path, ledger, "--format", "sie", *options)
    return code, out, ledger


def expected_totals(sie) -> dict[str, Decimal]:
    """Each account's year as the file's own figures say (#RES, or #UB − #IB), zeros left out."""
    return {konto: amount for konto, (amount, _) in control_figures(sie).items() if amount}


def utfall_files(ledger: Path) -> list[Path]:
    return sorted(ledger.parent.rglob("utfall/*.beancount"))


# ---------------------------------------------------------------- case 1: #RTRANS with its copy at another date


@pytest.mark.parametrize("name", sorted(p.name for p in JSISIE.glob("*") if p.suffix.lower() in (".se", ".si")))
def test_the_fast_path_and_the_summed_reading_agree_on_every_jsisie_file(name):
    """The #RTRANS pairing, the empty vouchers and the names read to the line's end are the tokenizer's on both paths."""
    same_fast_and_summed(jsisie(name))


def test_rtrans_and_its_copy_at_another_date_count_once():
    """BL writes the #TRANS copy of an #RTRANS with the voucher's date, not the #RTRANS's: before, the pair
    was counted twice and the file was refused as unbalanced (500,00 on 1930 and 3010)."""
    sie = parse_sie(jsisie("BL0001_typ4.SE").read_bytes(), "BL0001_typ4.SE")
    assert check_control_totals(sie) == []
    assert len(expected_totals(sie)) == 29  # accounts with a change in the year (45 have figures)
    found: dict[str, Decimal] = defaultdict(Decimal)
    for row in checked_rows(sie, summed=False).rows:
        found[row.konto] += row.amount
    assert {k: v for k, v in found.items() if v} == expected_totals(sie)


def test_rtrans_row_is_booked_in_the_month_type_3_has_it():
    """The same company's type 3 file has 3010's -500 (the #RTRANS pair of voucher A 25) in January, the
    copy's month, not March (the #RTRANS's date): the type 4 months equal type 3's #PSALDO."""
    typ4 = parse_sie(jsisie("BL0001_typ4.SE").read_bytes(), "BL0001_typ4.SE")
    typ3 = parse_sie(jsisie("BL0001_typ3.SE").read_bytes(), "BL0001_typ3.SE")
    months: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in typ4.rows:
        months[(row.konto, f"{row.date:%Y%m}")] += row.amount
    start, end = typ3.rar[0]
    psaldo = {(t.konto, t.period): t.amount for t in typ3.psaldo
              if t.label.startswith("#PSALDO 0 ") and not t.objekt and f"{start:%Y%m}" <= t.period <= f"{end:%Y%m}"}
    assert psaldo[("3010", "201001")] == D("-7200") == months[("3010", "201001")]
    assert {k: v for k, v in months.items() if v} == {k: v for k, v in psaldo.items() if v}


# ---------------------------------------------------------------- case 7: calendar years


@pytest.mark.parametrize("name", ["BL0001_typ2.SE", "BL0001_typ3.SE", "BL0001_typ4.SE"])
def test_a_fiscal_year_that_is_not_a_calendar_year_is_refused_with_its_years(tmp_path, name):
    path = jsisie(name)
    code, out, ledger = imported(tmp_path, path)
    assert code == 1, out
    assert f"{path}:11: Räkenskapsåret i filen (#RAR 0) är 2009-07-01–2010-06-30, inte ett kalenderår" in out
    assert "2009 och 2010" in out
    assert "stämmer inte" not in out  # the file itself is whole: only the year is refused
    assert "--brutet-rakenskapsar" in out
    assert utfall_files(ledger) == []


@pytest.mark.parametrize("name", ["BL0001_typ2.SE", "BL0001_typ3.SE", "BL0001_typ4.SE", "Bokslut_Norstedts_SIE_4E.se"])
def test_a_fiscal_year_imports_month_by_month_when_asked_and_equals_its_figures(tmp_path, name):
    """Cases 1 and 5 on their own files: with --brutet-rakenskapsar the July–June year is booked in its own
    months, and every account equals the file's #UB − #IB / #RES; the output says what was done; again: nothing."""
    path = jsisie(name)
    code, out, ledger = imported(tmp_path, path, "--brutet-rakenskapsar")
    assert code == 0, out
    assert ("Räkenskapsåret i filen (#RAR 0) är 2009-07-01–2010-06-30, inte ett kalenderår: det går över två år, "
            "2009 och 2010. Inläst ändå (--brutet-rakenskapsar): varje belopp i sin egen månad, 2009-07–2010-06") in out
    assert "utan #UB/#RES" not in out  # every account is proven (Norstedts' 2941 and 2943 by #IB and no #UB)
    sie = parse_sie(path.read_bytes(), str(path))
    assert konto_totals(ledger) == expected_totals(sie)
    months = [p.stem for p in utfall_files(ledger)]
    assert months[0] == "2009-07" and months[-1] == "2010-06"
    code, out = run("import", path, ledger, "--format", "sie", "--brutet-rakenskapsar")
    assert code == 0 and "Inget nytt" in out, out


def test_an_account_without_ub_closes_at_zero_and_is_checked():
    """SIE leaves zero balances out: Norstedts' 2941 has #IB 0 -17 240 and no #UB 0, so the year moved it +17 240,
    which its vouchers do; a changed #IB on it is refused, naming the #IB's line."""
    path = jsisie("Bokslut_Norstedts_SIE_4E.se")
    sie = parse_sie(path.read_bytes(), str(path))
    assert control_figures(sie)["2941"][0] == D("17240") and control_figures(sie)["2941"][1].line == 394
    data = path.read_bytes()
    assert data.count(b"#IB\t0\t2941\t    -17240") == 1
    changed = parse_sie(data.replace(b"#IB\t0\t2941\t    -17240", b"#IB\t0\t2941\t    -17250"), "norstedts.se")
    assert check_control_totals(changed) == [
        "Konto 2941: #IB + verifikationer = -10,00 men #UB (ingen rad: 0) = 0,00 (skillnad -10,00; rad 394)."]


# ---------------------------------------------------------------- case 2 and the rule: #PSALDO against #UB/#RES


@pytest.mark.parametrize("name", ["sie_3.SE", "objektsaldo_ovnbolag.se"])
def test_disjoint_object_rows_import_as_the_files_own_totals(tmp_path, name):
    """Avendo's object rows are parts without a total row: every account equals #RES or #UB − #IB to the öre."""
    path = jsisie(name)
    code, out, ledger = imported(tmp_path, path)
    assert code == 0, out
    assert f"{DISJOINT}, eftersom det är den läsning som stämmer med filens #UB/#IB/#RES." in out
    sie = parse_sie(path.read_bytes(), str(path))
    assert konto_totals(ledger) == expected_totals(sie)
    code, out = run("import", path, ledger, "--format", "sie")
    assert code == 0 and "Inget nytt" in out, out


def test_the_avrakning_advice_never_leads_to_wrong_numbers(tmp_path):
    """Before, with an avräkningskonto (the refusal's advice), 4010 got 3 972,50 (its #RES is 1 013 297,70)
    and 1690 a plug of -999 106,26, with exit 0. Now the plug takes nothing: the proven reading balances."""
    path = jsisie("objektsaldo_ovnbolag.se")
    code, out, ledger = imported(tmp_path, path, plan_extra='avrakningskonto = "1690"')
    assert code == 0, out
    totals = konto_totals(ledger)
    assert totals["4010"] == D("1013297.70")
    assert "1690" not in totals  # neither in the file's year nor a plug
    assert totals == expected_totals(parse_sie(path.read_bytes(), str(path)))


def test_a_difference_against_the_files_figures_is_refused_even_with_an_avrakning(tmp_path):
    """One object row of 4010 removed: no reading equals #RES, so nothing is written (before: the avräkning took it)."""
    path = copy_with(tmp_path, jsisie("objektsaldo_ovnbolag.se"), b'#PSALDO 0 201102 4010 {"7" "4"} 239690.00\n', b"")
    code, out, ledger = imported(tmp_path, path, plan_extra='avrakningskonto = "1690"')
    assert code == 1, out
    assert "Periodsaldona (#PSALDO) stämmer inte med filens egna #UB/#IB/#RES, hur objektraderna än läses" in out
    assert "Närmast kommer läsningen där alla rader räknas; den skiljer på 1 konto:" in out
    assert "Konto 4010: #RES = 1 013 297,70 (rad 1912); bara totalraderna ({}) ger 3 972,50; alla rader ger 773 607,70." in out
    assert utfall_files(ledger) == []


def test_breakdown_object_rows_are_named(tmp_path):
    """Edison's object rows break down the {} rows: counted once, and the output says which reading was taken."""
    path = jsisie("typ3.se")
    code, out, ledger = imported(tmp_path, path)
    assert code == 0, out
    assert f"{BREAKDOWN}, eftersom det är den läsning som stämmer med filens #UB/#IB/#RES." in out
    assert "Periodsaldona stämmer med filens #UB/#IB/#RES för alla 62 konton." in out
    # 2099 has #IB 0 and no #UB 0 (SIE leaves the zero out): checked; 1511 and 2441 have neither
    assert "Konton med periodsaldon men utan #UB/#RES att kontrollera mot: 1511 (rad 761), 2441 (rad 779).\n" in out
    sie = parse_sie(path.read_bytes(), str(path))
    found = konto_totals(ledger)
    assert {k: v for k, v in found.items() if k in control_figures(sie)} == expected_totals(sie)
    assert found["7010"] == D("76000.00")  # not 152 000,00 ({} + objects)


def test_a_type_2_file_is_checked_against_its_figures(tmp_path):
    """A type 2 file was never checked: a changed period balance was imported with exit 0."""
    path = copy_with(tmp_path, jsisie("periodsaldo_ovnbolag.se"), b"#PSALDO 0 201101 3051 {} -402570.00",
                     b"#PSALDO 0 201101 3051 {} -402507.00")
    code, out, ledger = imported(tmp_path, path)
    assert code == 1, out
    assert "Konto 3051: #RES = " in out and "periodsaldona ger " in out
    assert utfall_files(ledger) == []


def test_a_file_without_control_figures_says_so(tmp_path):
    path = SHARED / "sie" / "BLBLOV_SIE4.SI"
    code, out, _ = imported(tmp_path, path)
    assert code == 0, out
    assert NO_FIGURES in out


def test_a_proven_import_says_what_it_proved(tmp_path):
    code, out, _ = imported(tmp_path, jsisie("transaktioner_ovnbolag.se"))
    assert code == 0, out
    assert "Verifikationerna stämmer med filens #UB/#IB/#RES för alla 82 konton." in out


# ---------------------------------------------------------------- case 5: real-world leniency, said with the line


def test_empty_vouchers_are_read_with_a_warning_naming_them():
    """Norstedts' three annulled vouchers were refused; they carry no amount, and the file balances without them."""
    sie = parse_sie(jsisie("Bokslut_Norstedts_SIE_4E.se").read_bytes(), "norstedts.se")
    empty = [w for w in sie.warnings if "saknar rader (#TRANS)" in w]
    assert [w.split(": Verifikationen ")[0] for w in empty] == ["norstedts.se:1149", "norstedts.se:1476", "norstedts.se:1479"]
    assert "B 17 (2010-06-30)" in empty[0] and "D 12" in empty[1] and "D 13" in empty[2]
    assert check_control_totals(sie) == []
    assert len(sie.vouchers) == 174


def test_an_empty_voucher_imports_with_its_warning(tmp_path):
    """The same in a calendar-year file (BLBLOV_SIE4_UTF_8_1 with an annulled voucher added): imported, said."""
    path = copy_with(tmp_path, SHARED / "sie" / "BLBLOV_SIE4_UTF_8_1.SE", b'#VER "A" 2 ',
                     b'#VER "A" 99 20170105 "Makulerad"\r\n{\r\n}\r\n#VER "A" 2 ')
    code, out, ledger = imported(tmp_path, path)
    assert code == 0, out
    assert "Verifikationen A 99 (2017-01-05) saknar rader (#TRANS) och har inget belopp" in out
    assert utfall_files(ledger)


def test_a_name_with_an_unmatched_quote_is_read_to_the_line_end():
    """SoftOne XE line 220: `#KONTO 1684 "Fordringar hos leverant"r"` refused the whole file."""
    sie = parse_sie(jsisie("XE_SIE_3_20151125094952.SE").read_bytes(), "xe.se")
    assert sie.konton["1684"] == 'Fordringar hos leverant"r'
    assert sie.konton["2440"] == 'Leverant"rsskulder'  # unquoted, with a quote inside
    assert sie.konton["1930"] == "Bank differans"
    warning = next(w for w in sie.warnings if "citattecken" in w)
    assert warning.startswith("xe.se:220: ") and 'rad 220 #KONTO "Fordringar hos leverant"r"' in warning


def test_pc8_label_on_utf8_and_latin1_bytes_is_read_right_and_said():
    pc8 = parse_sie((SHARED / "sie" / "BLBLOV_SIE4.SE").read_bytes(), "pc8.se")
    for name, encoding, said in (("BLBLOV_SIE4_UTF_8_1.SE", "utf-8", "UTF-8"),
                                 ("BLBLOV_SIE4_ISO_8859_15.SE", "iso-8859-15", "ISO 8859-15")):
        sie = parse_sie((SHARED / "sie" / name).read_bytes(), name)
        assert sie.encoding == encoding and sie.konton == pc8.konton
        assert f"{name}:3: #FORMAT PC8 anger teckenkoden CP437, men filens bytes är {said}" in "\n".join(sie.warnings)
    assert not any("#FORMAT" in w for w in pc8.warnings)


def test_mixed_encodings_are_read_line_by_line(tmp_path):
    """A CP437 file with one line in UTF-8 gave `Kaffebr├╢d` and no word about it."""
    data = (SHARED / "sie" / "BLBLOV_SIE4.SE").read_bytes()
    old = next(line for line in data.split(b"\n") if line.startswith(b"#KONTO 6071 "))
    mixed = data.replace(old, '#KONTO 6071 "Kaffebröd och fika"'.encode("utf-8"))
    line = data.split(b"\n").index(old) + 1
    sie = parse_sie(mixed, "blandad.se")
    assert sie.konton["6071"] == "Kaffebröd och fika"
    assert sie.konton["1119"] == "Ackumulerade avskrivningar på byggnader"  # the CP437 lines as before
    assert f"blandad.se:{line}: Filen blandar teckenkodningar: rad {line} är UTF-8, resten CP437" in "\n".join(sie.warnings)


# ---------------------------------------------------------------- case 6: #KSUMMA


def test_norstedts_checksum_is_verified():
    """The one real file with a #KSUMMA: it matches, and a changed name breaks it."""
    path = jsisie("Bokslut_Norstedts_SIE_4E.se")
    sie = parse_sie(path.read_bytes(), "norstedts.se")
    assert sie.ksumma == 854227682 and sie.checksum_error is None
    changed = path.read_bytes().replace(b'"Balanserade utgifter"', b'"Balanserade utgifterna"', 1)
    assert parse_sie(changed, "norstedts.se").checksum_error.line == 1819


def test_a_wrong_checksum_is_refused_unless_accepted(tmp_path):
    source = SHARED / "sie" / "BLBLOV_SIE4_UTF_8_1.SE"
    data = source.read_bytes()
    path = copy_with(tmp_path, source, b"#FLAGGA 0\n", b"#FLAGGA 0\n#KSUMMA\n")
    path.write_bytes(path.read_bytes() + b"#KSUMMA 12345\n")
    last = data.count(b"\n") + 2  # the file ends with a line break
    code, out, ledger = imported(tmp_path, path)
    assert code == 1, out
    assert f"{path}:{last}: #KSUMMA 12345 stämmer inte med filens innehåll" in out
    assert "Filen är skadad" in out and "--godta-fel-ksumma" in out
    assert utfall_files(ledger) == []
    code, out = run("import", path, ledger, "--format", "sie", "--godta-fel-ksumma")
    assert code == 0, out
    assert "Fel kontrollsumma godtogs (--godta-fel-ksumma)" in out
    assert utfall_files(ledger)


@pytest.mark.parametrize("flag, label", [("--godta-fel-ksumma", "#KSUMMA"), ("--brutet-rakenskapsar", "#RAR")])
def test_the_sie_flags_are_refused_on_a_huvudbok(example_copy, tmp_path, flag, label):
    export = tmp_path / "huvudbok.csv"
    export.write_text("Datum;Konto;Belopp\n2026-11-03;4610;100,00\n", encoding="utf-8")
    code, out = run("import", export, example_copy, flag)
    assert code == 1 and f"{flag} gäller bara SIE-filer ({label})." in out, out
