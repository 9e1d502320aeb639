"""The SIE parser against the real files in shared/sie and crafted edge cases."""

from __future__ import annotations

import datetime
import random
import zlib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

from namndbok.importers.model import SourceError
from namndbok.importers.sie.parser import check_control_totals, decode_sie, parse_sie, tokenize

from conftest import SHARED, needs_shared, read_both_ways, shared_files, shared_missing

SIE_DIR = SHARED / "sie"
D = Decimal


def real(name: str) -> bytes:
    """A real export of ../shared/sie; the test is skipped, with the reason, where it is not there."""
    if shared_missing("sie"):
        pytest.skip(shared_missing("sie"))
    return (SIE_DIR / name).read_bytes()


def sie_text(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


# UTF-8 bytes: a "#FORMAT PC8" label here would be warned about (issue 18, case 5)
HEAD = ("#FLAGGA 0", '#PROGRAM "Test" 1', "#SIETYP 4", '#FNAMN "Socialnämnden"', "#RAR 0 20250101 20251231")


def parse_lines(*lines: str):
    return parse_sie(sie_text(*HEAD, *lines), "test.se")


def refusal(*lines: str) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse_lines(*lines)
    return caught.value


# ---------------------------------------------------------------- every real file


class Parsed(NamedTuple):
    warnings: tuple[str, ...] = ()  # a fragment of each expected warning, in order
    balanced: bool = True  # check_control_totals finds nothing


class Refused(NamedTuple):
    line: int
    fragment: str


PC8 = "#FORMAT PC8 anger teckenkoden CP437"  # a file labelled PC8 whose bytes are UTF-8 or Latin-1: read right, said

OUTCOMES = {
    "Arousells_Visning_AB.SE": Parsed(("ersättningstecken", PC8), balanced=False),  # only 10 of the year's vouchers; � in names
    "BLBLOV_SIE1.SE": Parsed(),
    "BLBLOV_SIE1_copy.SE": Parsed(),
    "BLBLOV_SIE1_erroneous_leap_year.SE": Refused(10, "slutar (2020-02-28) före det börjar (2021-03-01)"),
    "BLBLOV_SIE1_file_is_read.SE": Parsed(("#FLAGGA 1",)),
    "BLBLOV_SIE2.SE": Parsed(),
    "BLBLOV_SIE2_UTF_8_with_errors.SE": Refused(218, 'Kontonumret "11AF" är inte ett nummer'),  # #SRU 11AF
    "BLBLOV_SIE2_UTF_8_with_multiple_errors.SE": Refused(218, 'Kontonumret "11AF"'),
    "BLBLOV_SIE2_UTF_8_with_non_numeric_account_number.SE": Refused(16, 'Kontonumret "11AF"'),  # #KONTO 11AF
    "BLBLOV_SIE3.SE": Parsed(),
    "BLBLOV_SIE3_UTF_8_with_vouchers.SE": Parsed(("#SIETYP 3 ska inte innehålla verifikationer", "saknar #KONTO", PC8)),
    "BLBLOV_SIE4.SE": Parsed(),
    "BLBLOV_SIE4.SI": Parsed(),
    "BLBLOV_SIE4_ISO_8859_15.SE": Parsed(("#PBUDGET har konto före period på 276 rader", PC8)),
    "BLBLOV_SIE4_ISO_8859_15.SI": Parsed((PC8,)),
    "BLBLOV_SIE4_UTF_8.SI": Parsed((PC8,)),
    "BLBLOV_SIE4_UTF_8_1.SE": Parsed((PC8,)),
    "BLBLOV_SIE4_UTF_8_IMBALANCED.SI": Refused(8, "Verifikationen K (2018-05-02) balanserar inte: raderna summerar till 0,55"),
    "BLBLOV_SIE4_UTF_8_MISSING_ACCOUNTS.SE": Parsed(("saknar #KONTO (namn): 1119 (rad 421), 2350", PC8)),
    "BLBLOV_SIE4_UTF_8_WITH_FAULTY_ADDRESS.SI": Parsed((PC8,)),  # #ADRESS without telephone: not read
    "BLBLOV_SIE4_UTF_8_with_12_digit_cid.SI": Parsed((PC8,)),  # #ORGNR is kept as written
    "BLBLOV_SIE4_UTF_8_with_8-4_digit_cid.SI": Parsed((PC8,)),
    "BLBLOV_SIE4_UTF_8_with_8_digit_account_number.SE": Parsed((PC8,)),  # any digits make an account
    "BLBLOV_SIE4_UTF_8_with_critical_voucher_date_error.SI": Refused(8, '"rappakalja" är inget datum'),
    # an empty (annulled) voucher carries no amount: read with a warning naming it (issue 18, case 5), no longer refused
    # and since its rows were cut out of an export (BLBLOV_SIE4_UTF_8_1 has them), the control totals say so
    "BLBLOV_SIE4_UTF_8_with_empty_voucher.SE": Parsed(("Verifikationen A 2 (2017-01-01) saknar rader", PC8), balanced=False),
    "BLBLOV_SIE4_UTF_8_with_empty_voucher_date.SI": Refused(8, "Verifikationsdatumet saknas"),
    "BLBLOV_SIE4_UTF_8_with_erroneous_taxar.SE": Parsed((PC8,)),  # "#TAXAR 2018 ÅRL": an extra field is tolerated
    "BLBLOV_SIE4_UTF_8_with_erroneous_voucher_numbers.SI": Parsed((PC8,)),  # 110000157 is a voucher number
    "BLBLOV_SIE4_UTF_8_with_errors.SE": Refused(218, 'Kontonumret "11AF"'),
    "BLBLOV_SIE4_UTF_8_with_faulty_transaction.SI": Refused(10, "För få fält"),  # "#TRANS 1930", no amount
    "BLBLOV_SIE4_UTF_8_with_iso_voucher_date.SI": Refused(8, '"2018-05-01" är skrivet med bindestreck'),
    "BLBLOV_SIE4_UTF_8_with_missing_account_balance.SE": Refused(426, "Saldot saknas"),  # #IB 0 1119 ""
    "BLBLOV_SIE4_UTF_8_with_missing_account_numbers.SE": Refused(14, "Kontonummer saknas"),  # #KONTO ""
    "BLBLOV_SIE4_UTF_8_with_missing_account_numbers_in_transaction.SI": Refused(10, "Kontonummer saknas"),
    "BLBLOV_SIE4_UTF_8_with_missing_company_name.SI": Parsed(("Företagsnamn (#FNAMN) saknas", PC8)),
    "BLBLOV_SIE4_UTF_8_with_missing_sru_code.SE": Parsed(("SRU-kod saknas för konto 1110", PC8)),
    "BLBLOV_SIE4_UTF_8_with_missing_voucher_date.SI": Refused(8, "Verifikationsdatumet saknas"),  # #VER "K" ""
    "BLBLOV_SIE4_UTF_8_with_missing_voucher_series.SE": Refused(821, "troligen saknas serien"),  # #VER  1 20170101 …
    "BLBLOV_SIE4_UTF_8_with_non_numeric_account_number.SE": Refused(16, 'Kontonumret "11AF"'),
    "BLBLOV_SIE4_UTF_8_with_unparseable_taxar.SE": Parsed(('#TAXAR "CCMXVIII" är inget årtal', PC8)),
    "CC2-foretaget.SE": Parsed(),
    "CC3.SI": Parsed(),  # a chart with balances, no vouchers
    "Quotes_test.si": Parsed((PC8,)),
    "SIE_test_av_KST_projekt_Testbolaget_e - kopia.SE": Parsed(),
    "SIE_with_long_voucher_series_number.SE": Parsed(balanced=False),  # a generator's random #UB/#RES
    "SIE_with_missing_program_version.se": Parsed(),
}


@needs_shared("sie")
def test_every_shared_file_has_an_outcome():
    """Every SIE file beside the README (the jsisie/ folder of other systems' files has its own tests)."""
    assert sorted(p.name for p in SIE_DIR.iterdir() if p.is_file() and p.name != "README.md") == sorted(OUTCOMES)


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_real_file_is_parsed_or_refused(name):
    outcome = OUTCOMES[name]
    if isinstance(outcome, Refused):
        with pytest.raises(SourceError) as caught:
            parse_sie(real(name), name)
        error = caught.value
        assert (error.path, error.line) == (name, outcome.line)
        assert str(error).startswith(f"{name}:{outcome.line}: ")
        assert outcome.fragment in error.message
        assert "Rätta" in error.message  # says what to do
        return
    sie = parse_sie(real(name), name)
    assert len(sie.warnings) == len(outcome.warnings), sie.warnings
    for warning, fragment in zip(sie.warnings, outcome.warnings):
        assert warning.startswith(f"{name}:") and fragment in warning
    assert (check_control_totals(sie) == []) is outcome.balanced


# ---------------------------------------------------------------- real values


def test_blblov_sie4_pc8():
    sie = parse_sie(real("BLBLOV_SIE4.SE"), "BLBLOV_SIE4.SE")
    assert (sie.encoding, sie.format, sie.sietyp, sie.flagga) == ("cp437", "PC8", 4, 0)
    assert sie.fnamn == "Övningsföretaget AB"
    assert sie.program == "BL Administration 2018.2.101"
    assert (sie.gen, sie.orgnr, sie.kptyp, sie.taxar) == (datetime.date(2018, 5, 7), "1655710918", "EUBAS97", 2018)
    assert sie.rar == {0: (datetime.date(2017, 1, 1), datetime.date(2017, 12, 31)),
                       -1: (datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))}
    assert sie.konton["1119"] == "Ackumulerade avskrivningar på byggnader"
    assert sie.sru["1110"] == "7214" and sie.ktyp == {}  # BL writes no #KTYP
    assert len(sie.vouchers) == 20 and len(sie.rows) == 74

    first = sie.vouchers[0]
    assert (first.series, first.number, first.date, first.regdate, first.sign) == (
        "A", "1", datetime.date(2017, 1, 1), datetime.date(2017, 1, 19), "#6 Linda Henriksson")
    assert first.text == "Representation måltid utan alkohol"
    assert [(r.konto, r.amount) for r in first.rows] == [("1930", D("-1000.00")), ("6072", D("928.00")), ("2640", D("72.00"))]
    assert {(r.ver, r.text, r.date, r.objekt) for r in first.rows} == {
        ("A 1", "Representation måltid utan alkohol", datetime.date(2017, 1, 1), ())}  # transtext "" → the voucher's

    depreciation = next(v for v in sie.vouchers if (v.series, v.number) == ("B", "1"))
    assert depreciation.rows[0].text == "1110\\1002 Hus 1:1"  # a backslash before a digit is kept
    assert depreciation.rows[0].line == depreciation.line + 2

    ub_1930 = next(t for t in sie.ub if t.konto == "1930" and t.period == "0")
    assert (ub_1930.amount, ub_1930.label) == (D("984091.74"), "#UB 0")
    assert next(t for t in sie.res if t.konto == "3010" and t.period == "-1").amount == D("-85064.80")


def test_encodings_give_the_same_names():
    pc8 = parse_sie(real("BLBLOV_SIE4.SE"))
    latin = parse_sie(real("BLBLOV_SIE4_ISO_8859_15.SE"))
    utf8 = parse_sie(real("BLBLOV_SIE4_UTF_8_1.SE"))
    assert (pc8.encoding, latin.encoding, utf8.encoding) == ("cp437", "iso-8859-15", "utf-8")
    assert pc8.konton == latin.konton == utf8.konton
    assert sum("å" in name or "ä" in name or "ö" in name for name in pc8.konton.values()) > 20
    assert [r.text for r in latin.rows] == [r.text for r in utf8.rows] == [r.text for r in pc8.rows]
    assert latin.pbudget == pc8.pbudget  # read in spite of its konto-before-period order


def test_import_files_in_three_encodings():
    files = ["BLBLOV_SIE4.SI", "BLBLOV_SIE4_ISO_8859_15.SI", "BLBLOV_SIE4_UTF_8.SI"]
    parsed = [parse_sie(real(name)) for name in files]
    assert [sie.encoding for sie in parsed] == ["cp437", "iso-8859-15", "utf-8"]
    for sie in parsed:
        assert sie.fnamn == "Övningsbolaget AB"  # unquoted, with a blank
        assert [v.text for v in sie.vouchers] == ["Försäljning 25% (DF:157)", "Försäljning 12% (DF:158)"]
        # series without number: two vouchers, each named by series, date and place
        assert [r.ver for r in sie.rows] == ["K utan nummer 2018-05-02/1"] * 3 + ["K utan nummer 2018-05-02/2"] * 3
        assert sie.rows[0].date == datetime.date(2018, 5, 2)


def test_quotes_inside_a_field():
    sie = parse_sie(real("Quotes_test.si"))
    assert sie.program == 'Kassasystem 1.0 - "Oblique Ozelot" - alpha'
    assert sie.vouchers[0].text == 'Försäljning 25% "DF:157"'


def test_objects_of_the_kst_file():
    sie = parse_sie(real("SIE_test_av_KST_projekt_Testbolaget_e - kopia.SE"))
    assert sie.dims == {"1": "Kostnadsställe", "2": "Kostnadsbärare", "6": "Projekt"}
    assert sie.objekt[("6", "1234567891234567999")] == "TEST"
    assert sie.rows[0].objekt == (("1", "100000"), ("2", "100000"), ("6", "1234567891234567999"))
    assert sie.oub[0].objekt == (("1", "100000"),) and sie.oub[0].label == "#OUB 0"


def test_long_accounts_and_numbers():
    sie = parse_sie(real("BLBLOV_SIE4_UTF_8_with_8_digit_account_number.SE"))
    assert sie.konton["11100111"] == "Byggnader"
    numbers = parse_sie(real("BLBLOV_SIE4_UTF_8_with_erroneous_voucher_numbers.SI"))
    assert [v.number for v in numbers.vouchers] == ["110000157", "110000158"]
    assert numbers.rows[0].ver == "K 110000157"


# ---------------------------------------------------------------- control totals


def replace_line(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1
    return data.replace(old, new)


def test_control_totals_name_a_changed_account(tmp_path):
    name = "BLBLOV_SIE4_UTF_8_1.SE"
    data = real(name)
    # move 28.00 from 6072 to 2640 inside voucher A 1: it still balances, the totals do not
    data = replace_line(data, b'#TRANS 6072 {} 928.00 20170101 ""', b'#TRANS 6072 {} 900.00 20170101 ""')
    data = replace_line(data, b'#TRANS 2640 {} 72.00 20170101 ""', b'#TRANS 2640 {} 100.00 20170101 ""')
    path = tmp_path / name
    path.write_bytes(data)
    messages = check_control_totals(parse_sie(path.read_bytes(), str(path)))
    assert len(messages) == 2
    assert messages[0].startswith("Konto 2640: #IB + verifikationer = ")
    assert "(skillnad 28,00;" in messages[0]
    assert messages[1] == "Konto 6072: verifikationer = 1 808,00 men #RES = 1 836,00 (skillnad -28,00; rad 531)."


def test_a_changed_amount_unbalances_its_voucher(tmp_path):
    data = replace_line(real("BLBLOV_SIE4_UTF_8_1.SE"), b'#TRANS 6072 {} 928.00 20170101 ""', b'#TRANS 6072 {} 938.00 20170101 ""')
    with pytest.raises(SourceError) as caught:
        parse_sie(data, "kopia.SE")
    ver_line = next(n for n, line in enumerate(data.splitlines(), 1) if line.startswith(b'#VER "A" 1 '))
    assert caught.value.line == ver_line
    assert "Verifikationen A 1 (2017-01-01) balanserar inte: raderna summerar till 10,00. Rätta exporten i ekonomisystemet." in str(caught.value)


def with_psaldo() -> bytes:
    """The type 4 export with the #PSALDO records of the same company's type 3 export."""
    psaldo = [line for line in real("BLBLOV_SIE3.SE").splitlines() if line.startswith(b"#PSALDO")]
    return real("BLBLOV_SIE4.SE").replace(b"#VER", b"\n".join(psaldo) + b"\n#VER", 1)


def test_psaldo_is_the_periods_change():
    """Real data decides the reading: the vouchers of each month equal that month's #PSALDO."""
    sie = parse_sie(with_psaldo())
    year0 = [t for t in sie.psaldo if t.period.startswith("2017")]
    assert len(year0) == 216 and year0[0].label == "#PSALDO 0 201701"
    assert check_control_totals(sie) == []
    months = defaultdict(Decimal)
    for total in year0:
        months[total.konto] += total.amount
    ib = {t.konto: t.amount for t in sie.ib if t.period == "0"}
    ub = {t.konto: t.amount for t in sie.ub if t.period == "0"}
    assert months["1930"] == ub["1930"] - ib["1930"] == D("-25124.76")  # the year's change, not a balance


def test_psaldo_difference_is_reported():
    data = with_psaldo().replace(b"#PSALDO 0 201701 1930 {} -26874.76", b"#PSALDO 0 201701 1930 {} -26800.76")
    assert check_control_totals(parse_sie(data)) == [
        "Konto 1930, period 2017-01: verifikationer = -26 874,76 men #PSALDO = -26 800,76 (skillnad -74,00; rad 857)."]


def test_only_year_zero_and_accounts_with_totals_are_checked():
    sie = parse_lines(
        "#IB 0 1930 100.00", "#UB 0 1930 150.00", "#RES 0 3010 -50.00",
        '#VER A 1 20250301 "Inom året"', "{", "#TRANS 1930 {} 50.00", "#TRANS 3010 {} -50.00", "}",
        '#VER A 2 20260105 "Nästa år"', "{", "#TRANS 1930 {} 7.00", "#TRANS 3010 {} -7.00", "}",
        '#VER A 3 20250401 "Konton utan kontrollsumma"', "{", "#TRANS 4000 {} 9.00", "#TRANS 2440 {} -9.00", "}",
    )
    assert check_control_totals(sie) == []


# ---------------------------------------------------------------- tokens and encodings


def test_tokenize():
    assert tokenize('#VER A 1 20250101 "Text med \\"citat\\" och  mellanslag"') == [
        "#VER", "A", "1", "20250101", 'Text med "citat" och  mellanslag']
    assert tokenize('#TRANS 4610 {1 "5731" 6 "P 1"} -12.50') == ["#TRANS", "4610", (("1", "5731"), ("6", "P 1")), "-12.50"]
    assert tokenize("#TRANS 4610 {} 1.00 20250101 \"\"") == ["#TRANS", "4610", (), "1.00", "20250101", ""]
    assert tokenize("#TRANS\t4610\t{1 5731}\t1.00") == ["#TRANS", "4610", (("1", "5731"),), "1.00"]
    assert tokenize('#OBJEKT 1 "A}B" "{namn}"') == ["#OBJEKT", "1", "A}B", "{namn}"]
    assert tokenize('#TRANS 1 {2 "x}y"} 3') == ["#TRANS", "1", (("2", "x}y"),), "3"]
    assert tokenize('#X "a\\\\" "c:\\temp"') == ["#X", "a\\", "c:\\temp"]


@pytest.mark.parametrize("line, fragment", [
    ('#VER A 1 20250101 "utan slut', "citattecken"),
    ("#TRANS 1930 {1 5731 1.00", "saknar sin avslutande }"),
    ("#TRANS 1930 1 5731} 1.00", "började aldrig med {"),
    ("#TRANS 1930 {1 {5731}} 1.00", "inne i en annan objektlista"),
    ("#TRANS 1930 {1} 1.00", "dimension utan objekt"),
])
def test_malformed_tokens(line, fragment):
    error = refusal('#VER A 1 20250101 "x"', "{", line, "#TRANS 1930 {} -1.00", "}")
    assert error.line == 8 and fragment in error.message and error.message.startswith(line.split()[0])


def test_decode():
    assert decode_sie("#FNAMN Åsa".encode("utf-8")) == ("#FNAMN Åsa", "utf-8")
    assert decode_sie(b"\xef\xbb\xbf#FNAMN \xc3\x85sa") == ("#FNAMN Åsa", "utf-8")
    assert decode_sie("#FNAMN Växjö".encode("cp437")) == ("#FNAMN Växjö", "cp437")
    assert decode_sie("#FORMAT PC8\n#FNAMN Växjö".encode("latin-1")) == ("#FORMAT PC8\n#FNAMN Växjö", "iso-8859-15")
    assert decode_sie(b"#FNAMN \x80") == ("#FNAMN Ç", "cp437")  # nothing to tell by: PC8


def test_bom_and_cr_line_endings():
    data = b"\xef\xbb\xbf" + "\r".join([*HEAD, '#VER A 1 20250102 "Lön"', "{", "#TRANS 7010 {} 10.00", "#TRANS 1930 {} -10.00", "}"]).encode()
    sie = parse_sie(data)
    assert (sie.sietyp, sie.fnamn, sie.encoding) == (4, "Socialnämnden", "utf-8")
    assert [(r.konto, r.line, r.text) for r in sie.rows] == [("7010", 8, "Lön"), ("1930", 9, "Lön")]


# ---------------------------------------------------------------- vouchers


def test_rows_inherit_or_override_voucher_fields():
    sie = parse_lines(
        "#KTYP 4610 k", "#ENHET 4610 tim", '#DIM 20 "Verksamhet"', '#UNDERDIM 21 "Delverksamhet" 20', '#OBJEKT 20 "5731" "Hemtjänst"',
        '#VER "" "" 20250115 "Faktura" 20250116 "Eva"', "{",
        '  #TRANS 4610 {20 "5731" 21 "A"} 1234.50 20250110 "Rad med text" 2.5 "Per"',
        "  #TRANS 2440 {} -1234.50",
        "}",
    )
    assert (sie.vouchers[0].series, sie.vouchers[0].number, sie.vouchers[0].sign) == ("", "", "Eva")
    first, second = sie.rows
    assert first.ver == "utan nummer 2025-01-15/1" and first.objekt == (("20", "5731"), ("21", "A"))
    assert (first.date, first.text, first.quantity) == (datetime.date(2025, 1, 10), "Rad med text", D("2.5"))
    assert (second.date, second.text, second.quantity) == (datetime.date(2025, 1, 15), "Faktura", None)
    assert sie.dims == {"20": "Verksamhet", "21": "Delverksamhet"} and sie.underdim == {"21": "20"}
    assert sie.objekt == {("20", "5731"): "Hemtjänst"}
    assert (sie.ktyp, sie.enhet) == ({"4610": "K"}, {"4610": "tim"})


def test_rtrans_counts_once_and_btrans_not_at_all():
    sie = parse_lines(
        '#VER A 1 20250115 "Rättad"', "{",
        "#TRANS 4610 {} 100.00",
        "#BTRANS 1930 {} -100.00",
        '#RTRANS 2440 {} -100.00 20250120 "Rättad rad"',
        '#TRANS 2440 {} -100.00 20250120 "Rättad rad"',
        "}",
        '#VER A 2 20250116 "Ny läsare"', "{",
        "#TRANS 4610 {} 5.00",
        "#RTRANS 2440 {} -5.00",  # without the copy for old readers
        "}",
    )
    first, second = sie.vouchers
    assert [(r.konto, r.amount) for r in first.rows] == [("4610", D("100.00")), ("2440", D("-100.00"))]
    assert first.removed == 1 and second.removed == 0
    assert [(r.konto, r.amount) for r in second.rows] == [("4610", D("5.00")), ("2440", D("-5.00"))]


def test_unknown_records_are_ignored():
    sie = parse_lines(
        '#BKOD 8411', '#NYPOST "x" {1 "2"}', "#NYBLOCK 1", "{", "#RAD 1", "}",
        '#VER A 1 20250115 "x"', "{", "#TRANS 4610 {} 1.00", "#NYRAD 3", "#TRANS 1930 {} -1.00", "}",
    )
    assert len(sie.rows) == 2 and sie.warnings == []


@pytest.mark.parametrize("lines, line, fragment", [
    (('#VER A 12 20230229 "x"', "{", "#TRANS 1930 {} 1.00", "#TRANS 2440 {} -1.00", "}"), 6, "20230229 finns inte i kalendern"),
    (('#VER A 12 20250304 "x"', "{", "#TRANS 1930 {} 10.00", "#TRANS 2440 {} -0.00", "}"), 6,
     "Verifikationen A 12 (2025-03-04) balanserar inte: raderna summerar till 10,00. Rätta exporten i ekonomisystemet."),
    # an empty voucher is read with a warning since issue 18 (tests/test_jsisie_control.py)
    (('#VER A 1 20250101 "x"', "{", "#TRANS 1930 {} 12,50"), 8, 'decimalkomma; SIE kräver decimalpunkt, t.ex. 12.50'),
    (('#VER A 1 20250101 "x"', "{", "#TRANS 1930 {} 1e3"), 8, 'är inget belopp'),
    (('#VER A 1 20250101 "x"', "{", "#TRANS 1930 {} +5.00"), 8, 'är inget belopp'),
    (('#VER A 1 20250101 "x"', "{", "#TRANS 19A0 {} 5.00"), 8, 'Kontonumret "19A0" är inte ett nummer'),
    (('#VER A 1 20250101 "x"', "{", "#TRANS 1930 {} 5.00 2025-01-01"), 8, "bindestreck; SIE kräver ÅÅÅÅMMDD, alltså 20250101"),
    (("#TRANS 1930 {} 5.00",), 6, "#TRANS står utanför en verifikation"),
    (('#VER A 1 20250101 "x"', "{", "#TRANS 1930 {} 5.00", "#TRANS 1930 {} -5.00"), 6, "saknar avslutande }"),
    (('#VER A 1 20250101 "x"',), 6, "saknar avslutande { … }"),
    (('#VER A 1 20250101 "x"', "#TRANS 1930 {} 5.00"), 7, "ska vara {"),
    (("}",), 6, "avslutar ingenting"),
    (("{",), 6, "hör inte till någon #VER"),
    (('#VER A 1 20250101 "x"', "{", '#KONTO 1930 "Bank"'), 8, "#KONTO står inne i verifikationen från rad 6"),
    (("#VER A 1",), 6, "Verifikationsdatumet saknas"),
    (('#KONTO 1930',), 6, "För få fält"),
    (("#KTYP 1930 X",), 6, 'Kontotypen "X" är okänd'),
    (("#IB 0 1930 100,00",), 6, "decimalkomma"),
    (("#IB x 1930 1.00",), 6, 'Årsnumret "x"'),
    (("#PSALDO 0 202513 1930 {} 1.00",), 6, 'Perioden "202513"'),
    (("#RAR -1 20241231 20240101",), 6, "slutar (2024-01-01) före det börjar"),
    (("#SIETYP 5",), 6, 'SIE-typen "5"'),
    (("Detta är ingen post",), 6, "Raden är ingen SIE-post"),
])
def test_malformed_records_are_refused(lines, line, fragment):
    error = refusal(*lines)
    assert error.line == line and error.path == "test.se"
    assert fragment in error.message, error.message


def test_harmless_faults_are_warnings():
    sie = parse_lines('#SRU 1930 ""', "#GEN 2025", "#TAXAR 20x5", "#FLAGGA 1", "#RAR -1 20240101 20241230")
    expected = ["SRU-kod saknas för konto 1930", '#GEN: Datumet "2025" är inget datum', '#TAXAR "20x5" är inget årtal',
                "#FLAGGA 1: filen är markerad som redan inläst", "räkenskapsåret slutar 2024-12-30, inte på månadens sista dag"]
    assert len(sie.warnings) == len(expected)
    for number, (warning, fragment) in enumerate(zip(sie.warnings, expected), 6):
        assert warning.startswith(f"test.se:{number}: ") and fragment in warning, warning
    assert sie.rar[-1] == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 30))


def test_not_a_sie_file():
    for data in (b"", b"\r\n  \r\n"):
        with pytest.raises(SourceError, match="inga SIE-poster"):
            parse_sie(data, "tom.se")
    with pytest.raises(SourceError) as caught:
        parse_sie("Datum;Konto;Belopp\n2025-01-01;1930;1,00\n".encode(), "huvudbok.csv")
    assert caught.value.line == 1 and "ingen SIE-post" in caught.value.message


def test_damaged_files_are_read_or_refused_never_crash():
    """Random damage to real files: a SieFile or a SourceError, no other exception."""
    randomness = random.Random(20250101)
    originals = [real("BLBLOV_SIE4_UTF_8_1.SE"), real("Quotes_test.si"), real("BLBLOV_SIE4.SE")]
    pieces = [b'"', b"{", b"}", b"\\", b" ", b"\r", b"\n", b"#TRANS", b"#VER", b"#RTRANS 1930 {} 1", b"-", b",", b"\x86", b"\xff"]
    for _ in range(300):
        data = bytearray(randomness.choice(originals))
        for _ in range(randomness.randint(1, 3)):
            position = randomness.randrange(len(data))
            if randomness.random() < 0.5:
                del data[position:position + randomness.randint(1, 5)]
            else:
                data[position:position] = randomness.choice(pieces)
        try:
            check_control_totals(parse_sie(bytes(data), "skadad.se"))
        except SourceError as error:
            assert error.message


# ---------------------------------------------------------------- checksum


def with_checksum(lines: list[str], value: int | None = None) -> bytes:
    """The lines between an opening and a closing #KSUMMA, with the CRC-32 the specification describes."""
    crc = 0
    for line in lines:
        if line not in ("{", "}"):
            fields = tokenize(line)
            text = "".join(d + o for field in fields for d, o in (field if isinstance(field, tuple) else [(field, "")]))
            crc = zlib.crc32(text.encode("cp437"), crc)
    return sie_text("#FLAGGA 0", "#KSUMMA", *lines, f"#KSUMMA {crc if value is None else value}")


KSUMMA_BODY = ["#SIETYP 4", '#FNAMN "Nämnden"', '#VER A 1 20250101 "Hyra"', "{",
               '#TRANS 5010 {1 "57"} 100.00', "#TRANS 1930 {} -100.00", "}"]


def test_ksumma_verified():
    sie = parse_sie(with_checksum(KSUMMA_BODY))
    assert sie.ksumma is not None and sie.warnings == []
    changed = parse_sie(with_checksum(KSUMMA_BODY, value=12345))
    assert changed.ksumma == 12345 and "#KSUMMA 12345 stämmer inte" in changed.warnings[0]


# ---------------------------------------------------------------- a large file


def test_large_file(tmp_path):
    """200 000 rows over 50 000 vouchers, with objects, quoted texts and control totals."""
    lines = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#FNAMN "Socialnämnden"', "#RAR 0 20250101 20251231"]
    body, totals = [], defaultdict(int)  # öre per account
    for number in range(1, 50_001):
        month = number % 12 + 1
        body += [f'#VER A {number} 2025{month:02d}15 "Faktura {number} från leverantör"', "{"]
        cents = [(number * 7919 + row * 104729) % 10_000_000 for row in range(3)]
        for row, amount in enumerate(cents):
            konto = f"46{row}{number % 10}"
            body.append(f'   #TRANS {konto} {{1 "57{row}1" 6 "P{number % 50}"}} {amount // 100}.{amount % 100:02d} 2025{month:02d}15 "Rad {row}"')
            totals[konto] += amount
        body += [f"   #TRANS 2440 {{}} -{sum(cents) // 100}.{sum(cents) % 100:02d}", "}"]
        totals["2440"] -= sum(cents)
    for konto, amount in sorted(totals.items()):
        sign, amount = ("-" if amount < 0 else ""), abs(amount)
        lines.append(f"#{'UB' if konto == '2440' else 'RES'} 0 {konto} {sign}{amount // 100}.{amount % 100:02d}")
    path = tmp_path / "stor.se"
    path.write_bytes(("\r\n".join(lines + body) + "\r\n").encode("cp437"))

    sie = parse_sie(path.read_bytes(), str(path))
    assert len(sie.vouchers) == 50_000 and len(sie.rows) == 200_000
    assert sie.rows[0].objekt == (("1", "5701"), ("6", "P1"))
    assert sie.rows[0].objekt is sie.rows[200].objekt  # object lists are shared, not copied per row
    assert sum(row.amount for row in sie.rows) == 0
    assert check_control_totals(sie) == []


# ---------------------------------------------------------------- the fast path and summed rows


def summed_by_hand(rows) -> list[tuple]:
    """(konto, objects, month's last day, amount, first line, count) per konto, objects and month, in order of first row."""
    amount, first, count = defaultdict(Decimal), {}, defaultdict(int)
    for row in rows:
        end = (row.date.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
        key = (row.konto, row.objekt, end)
        amount[key] += row.amount
        first.setdefault(key, row.line)
        count[key] += 1
    return [(*key, amount[key], first[key], count[key]) for key in first]


def as_tuples(summed) -> list[tuple]:
    return [(r.konto, r.objekt, r.date, r.amount, r.line, r.count) for r in summed]


FAST_PATH_LINES = (
    '#VER A 1 20250115 "Blandat"', "{",
    '   #TRANS 4610 {1 "5731"} 100.00',  # the tokenizer reads the object list the first time
    '   #TRANS 4610 {1 "5731"} 50.5 20250320',  # the fast path from here on
    '   #TRANS 4610 {1 "5731"} 25 "" "Egen text"',
    '\t#TRANS\t4610\t{1 "5731"}\t-0.50\t20250228\t"Tabbar"',
    '   #TRANS 4610 {1 "5731"} 10.00 20250101 "Text {med} klamrar"',  # the tokenizer: braces in the text
    '   #TRANS "4610" {1 "5731"} 10.00',  # the tokenizer: a quoted account
    '   #TRANS 4610 {1 "5731"} 10.00 20250101 "" 3',  # the tokenizer: a quantity
    '   #trans 4610 {1 "5731"} 1.00',  # the tokenizer: a lower-case label
    '   #RTRANS 1930 {} -1.00', '   #TRANS 1930 {} -1.00',  # counted once
    '   #BTRANS 1930 {} -999.00',
    '   #TRANS 1930 {} -205.00 20250228',
    "}",
)


def test_the_fast_path_reads_every_line_as_the_tokenizer_does():
    fast, slow = read_both_ways(sie_text(*HEAD, *FAST_PATH_LINES))
    assert fast == slow
    assert [(r.konto, r.amount, r.date.month, r.text, r.line) for r in fast.rows] == [
        ("4610", D("100.00"), 1, "Blandat", 8), ("4610", D("50.5"), 3, "Blandat", 9), ("4610", D("25"), 1, "Egen text", 10),
        ("4610", D("-0.50"), 2, "Tabbar", 11), ("4610", D("10.00"), 1, "Text {med} klamrar", 12), ("4610", D("10.00"), 1, "Blandat", 13),
        ("4610", D("10.00"), 1, "Blandat", 14), ("4610", D("1.00"), 1, "Blandat", 15), ("1930", D("-1.00"), 1, "Blandat", 16),
        ("1930", D("-205.00"), 2, "Blandat", 19)]
    assert fast.row_count == 10 and fast.vouchers[0].removed == 1


@pytest.mark.parametrize("lines, line, message", [
    (('   #TRANS 4610 {1 "5731"} 100.00 20250231',), 10, "Transaktionsdatumet 20250231 finns inte i kalendern"),
    (('   #TRANS 4610 {1 "5731} 100.00',), 10, "saknar sitt avslutande citattecken"),
    (('   #TRANS 4610 {1 "5731" 2} 100.00',), 10, "har en dimension utan objekt"),
    (('   #TRANS 4610 {1 "5731"} 100,00',), 10, "har decimalkomma"),
    (('   #TRANS 4610 {1 "5731"} 100.00', '   #TRANS 1930 {} -99.00'), 6, "balanserar inte: raderna summerar till 1,00"),
])
def test_a_faulty_row_gets_the_same_message_from_either_reading(lines, line, message):
    fast, slow = read_both_ways(sie_text(*HEAD, '#VER A 1 20250115 "V"', "{", '   #TRANS 4610 {1 "5731"} 1.00',
                                         '   #TRANS 4610 {1 "5731"} -1.00', *lines, "}"))
    assert fast == slow
    assert fast.startswith(f"test.se:{line}: ") and message in fast, fast


@pytest.mark.parametrize("path", shared_files("sie"), ids=lambda p: p.name)
def test_every_shared_file_reads_the_same_fast_and_summed(path):
    fast, slow = read_both_ways(path.read_bytes(), str(path))
    assert fast == slow
    if isinstance(fast, str):
        return
    summed = parse_sie(path.read_bytes(), str(path), summed=True)
    assert as_tuples(summed.summed) == summed_by_hand(fast.rows)
    assert summed.row_count == fast.row_count == len(fast.rows)
    assert summed.row_sums == fast.row_sums and summed.warnings == fast.warnings
    assert check_control_totals(summed) == check_control_totals(fast)


def test_summed_rows_of_a_large_file_keep_every_amount(tmp_path):
    from namndbok.kontoplan import load_kontoplan
    from namndbok.importers.sie.writer import generate_sie

    from conftest import EXAMPLE_DIR

    path = tmp_path / "stor.se"
    generate_sie(path, 20_000, load_kontoplan(EXAMPLE_DIR / "kontoplan.toml"))
    rows = parse_sie(path.read_bytes(), str(path)).rows
    summed = parse_sie(path.read_bytes(), str(path), summed=True)
    assert summed.vouchers[0].rows == [] and summed.row_count == len(rows) == 20_000
    assert as_tuples(summed.summed) == summed_by_hand(rows)
    assert sum(row.count for row in summed.summed) == 20_000 and sum(row.amount for row in summed.summed) == 0
    assert check_control_totals(summed) == []


# Voucher shapes a summerad reading with the fast path must read as the tokenizer does, line by line:
# plain, a new object list, quoted series, a registration date, empty, a blank line, #RTRANS, no number,
# rows with their own dates, a } with blanks; and each faulty one refused at its line.
BLOCK_SHAPES = (
    '#VER A 1 20250115 "Ny objektlista"', "{", '   #TRANS 4610 {1 "5731"} 100.00', '   #TRANS 1930 {} -100.00', "}",
    '#VER A 2 20250116 "Vanlig"', "{", '   #TRANS 4610 {1 "5731"} 40.00', '   #TRANS 4610 {1 "5731"} 2.50',
    '   #TRANS 1930 {} -42.50', "}",
    '#VER "B" "3" 20250117 "Citerad serie"', "{", '   #TRANS 4610 {1 "5731"} 7.00 20250320', '   #TRANS 1930 {} -7.00', "}",
    '#VER A 4 20250118 "Registrerad" 20250120', "{", '   #TRANS 4610 {1 "5731"} 3.00', '   #TRANS 1930 {} -3.00', "}",
    '#VER A 6 20250120 "Tom"', "{", "}",
    '#VER A 7 20250121 "Tomrad"', "{", '   #TRANS 4610 {1 "5731"} 5.00', "", '   #TRANS 1930 {} -5.00', "}",
    '#VER A 8 20250122 "Rättad"', "{", '   #TRANS 4610 {1 "5731"} 6.00', '   #RTRANS 1930 {} -6.00',
    '   #TRANS 1930 {} -6.00', "}",
    '#VER "K" "" 20250123 "Utan nummer"', "{", '   #TRANS 4610 {1 "5731"} 9.00', '   #TRANS 1930 {} -9.00', "}",
    '#VER A 9 20250124 "Egen dag"', "{", '   #TRANS 4610 {1 "5731"} 8.00 20250124', '   #TRANS 1930 {} -8.00 20250201', "}",
    '#VER A 5 20250119 "Ny lista"', "{", '   #TRANS 4610 {2 "9"} 1.00', '   #TRANS 1930 {} -1.00', "}",
    '#VER A 11 20250119 "Klammer med blank"', "{", '   #TRANS 4610 {2 "9"} 1.00', '   #TRANS 1930 {} -1.00', "  }",
    '#VER A 12 20250119 "Efter den"', "{", '   #TRANS 4610 {2 "9"} 1.00', '   #TRANS 1930 {} -1.00', "}",
)


def read_summed_both_ways(data: bytes):
    """(the summed reading with the fast path, the summed reading by the tokenizer), as comparable values."""
    found = []
    for fast in (True, False):
        try:
            sie = parse_sie(data, "test.se", summed=True, fast=fast)
        except SourceError as err:
            found.append(str(err))
            continue
        found.append((as_tuples(sie.summed), sie.row_count, sie.row_sums, sie.warnings,
                      [voucher._replace(rows=[]) for voucher in sie.vouchers]))
    return found


def test_every_voucher_shape_reads_summed_as_the_tokenizer_reads_it():
    data = sie_text(*HEAD, '#DIM 2 "Projekt"', '#OBJEKT 2 "9" "Nio"', *BLOCK_SHAPES)
    fast, slow = read_summed_both_ways(data)
    assert fast == slow
    detailed = parse_sie(data, "test.se")
    assert fast[0] == summed_by_hand(detailed.rows)
    assert fast[1] == 23 and len(fast[4]) == 11  # the #RTRANS and its copy are one row; the empty voucher is skipped
    assert "Verifikationen A 6 (2025-01-20) saknar rader" in "\n".join(fast[3])


@pytest.mark.parametrize("row, message", [
    ('   #TRANS 4610 {1 "5731"} 1.00 20250231', "test.se:{line}: #TRANS: Transaktionsdatumet 20250231 finns inte i kalendern"),
    ('   #TRANS 4610 {1 "5731"} 2.00', "test.se:{ver}: Verifikationen A 10 (2025-01-25) balanserar inte"),
])
def test_a_faulty_plain_voucher_is_refused_at_its_line_either_way(row, message):
    lines = (*BLOCK_SHAPES, '#VER A 10 20250125 "Fel"', "{", '   #TRANS 1930 {} -1.00', row, "}")
    fast, slow = read_summed_both_ways(sie_text(*HEAD, '#DIM 2 "Projekt"', '#OBJEKT 2 "9" "Nio"', *lines))
    assert fast == slow
    ver = len(HEAD) + 2 + len(BLOCK_SHAPES) + 1
    assert fast.startswith(message.format(line=ver + 3, ver=ver)), fast
