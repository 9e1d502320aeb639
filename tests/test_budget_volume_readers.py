"""Budget workbooks and volume lists (CSV/XLSX): real files in, exact rows out, errors at their line."""

from __future__ import annotations

import datetime
import io
import textwrap
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from namndbok.importers.budgetbok.reader import BudgetRow, read_budget_workbook
from namndbok.importers.model import SourceError
from namndbok.importers.volymer.reader import VolumeRow, read_volume_list

D = Decimal
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode(encoding)


def xlsx_bytes(tmp_path: Path, rows: list[list], title: str = "Blad1", extra_sheets: tuple[str, ...] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for values in rows:
        workbook.active.append(values)
    for name in extra_sheets:
        workbook.create_sheet(name, 0).append(["Annat blad"])
    path = tmp_path / "bok.xlsx"
    workbook.save(path)
    return path.read_bytes()


def budget(verksamhet, konto, amount, line, ansvar=None, nyckel=None, months=None) -> BudgetRow:
    monthly = tuple(D(m) for m in months) if months is not None else None
    return BudgetRow(verksamhet, konto, ansvar, D(amount), monthly, nyckel, line)


def volume(verksamhet, month: str, enhet, antal, line, ansvar=None) -> VolumeRow:
    return VolumeRow(verksamhet, ansvar, datetime.date.fromisoformat(month), enhet, D(antal), line)


def budget_error(data: bytes, path: str = "budget.csv", **options) -> SourceError:
    with pytest.raises(SourceError) as caught:
        read_budget_workbook(data, path, **options)
    return caught.value


def volume_error(data: bytes, path: str = "volymer.csv", **options) -> SourceError:
    with pytest.raises(SourceError) as caught:
        read_volume_list(data, path, **options)
    return caught.value


# --- Budget: yearly ---------------------------------------------------------------


def test_yearly_budget_csv_codes_kommunbidrag_signs_and_skipped_rows():
    data = csv_bytes("""
        Internbudget 2026 Socialnämnden;;;;;
        ;;;;;
         verksamhet ;KONTO;Ansvar;Kontonamn;Årsbudget;Nyckel
        010;4010;0100;Arvoden;\u22121\u00a0234,56;jämn
        5731;4610;2200;Köp av HVB;1.234,56-;fjolår
        5731;3010;2200;Statsbidrag;1 500 000,50;semester

        5731;KOMMUNBIDRAG;;;(1 234,56);
        5732;kommunbidrag;;;+2500;
        5732;4610;;Tom rad;;
        Summa;;;;999;
        5733;Totalt;;;999;
    """)
    assert read_budget_workbook(data, "budget.csv") == [
        budget("010", "4010", "-1234.56", 4, ansvar="0100", nyckel="jämn"),
        budget("5731", "4610", "-1234.56", 5, ansvar="2200", nyckel="fjolår"),
        budget("5731", "3010", "1500000.50", 6, ansvar="2200", nyckel="semester"),
        budget("5731", "Kommunbidrag", "-1234.56", 8),
        budget("5732", "Kommunbidrag", "2500", 9),
        budget("5732", "4610", "0", 10),
    ]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_sniffed_and_belopp_or_helar_names_the_yearly_column(delimiter):
    rows = [["Verksamhet", "Konto", "Helår"], ["5731", "4610", '"-1 000,50"' if delimiter == "," else "-1 000,50"]]
    data = "\n".join(delimiter.join(row) for row in rows).encode()
    assert read_budget_workbook(data, "b.csv") == [budget("5731", "4610", "-1000.50", 2)]


def test_cp1252_and_utf8_bom():
    text = "Verksamhet;Konto;Ansvar;Belopp;Nyckel\n5731;4610;Öppenvård;-100;jämn\n"
    expected = [budget("5731", "4610", "-100", 2, ansvar="Öppenvård", nyckel="jämn")]
    assert read_budget_workbook(text.encode("cp1252"), "b.csv") == expected
    assert read_budget_workbook(text.encode("utf-8-sig"), "b.csv") == expected


def test_yearly_budget_xlsx_numeric_codes_floats_and_a_chosen_sheet(tmp_path):
    data = xlsx_bytes(tmp_path, [
        ["Budget 2026"],
        [],
        ["Verksamhet", "Konto", "Ansvar", "Belopp", "Nyckel"],
        [5731, 4610.0, 2200, -12_000_000, "jämn"],
        ["010", "4010", "0100", 0.1 + 0.2, None],
        [5731, "Kommunbidrag", None, 10_500_000.5, None],
        [None, None, None, None, None],
        ["Summa", None, None, -1_499_999.2, None],
    ], title="Internbudget", extra_sheets=("Försättsblad",))
    assert read_budget_workbook(data, "b.xlsx", sheet="Internbudget") == [
        budget("5731", "4610", "-12000000", 4, ansvar="2200", nyckel="jämn"),
        budget("010", "4010", "0.3", 5, ansvar="0100"),
        budget("5731", "Kommunbidrag", "10500000.5", 6),
    ]


# --- Budget: monthly --------------------------------------------------------------


def test_monthly_budget_csv_sums_the_months():
    header = ";".join(["Verksamhet", "Konto", "Ansvar", "Januari", "februari", "MARS", "april", "maj", "juni",
                       "juli", "augusti", "september", "oktober", "november", "december", "Nyckel"])
    data = csv_bytes(f"""
        {header}
        5731;4610;2200;-100;-100;-100;-100;-100;-100;-50,5;-50,5;-100;-100;-100;-100;
        5731;Kommunbidrag;;1 000;1 000;1 000;1 000;1 000;1 000;1 000;1 000;1 000;1 000;1 000;1 000;
        5732;4610;;;;;;;;;;;;;-12;
    """)
    assert read_budget_workbook(data, "b.csv") == [
        budget("5731", "4610", "-1101.0", 2, ansvar="2200",
               months=["-100"] * 6 + ["-50.5", "-50.5"] + ["-100"] * 4),
        budget("5731", "Kommunbidrag", "12000", 3, months=["1000"] * 12),
        budget("5732", "4610", "-12", 4, months=["0"] * 11 + ["-12"]),
    ]


def test_monthly_budget_with_iso_headers_and_a_matching_helar_column():
    header = ";".join(["Verksamhet", "Konto", *(f"2026-{m:02d}" for m in range(1, 13)), "Helår"])
    data = csv_bytes(f"""
        {header}
        5731;4610;{';'.join(['-10'] * 12)};-120
        5731;4620;{';'.join(['-10'] * 12)};
    """)
    rows = read_budget_workbook(data, "b.csv")
    assert [(row.year_amount, row.months) for row in rows] == [(D(-120), (D(-10),) * 12)] * 2


def test_monthly_budget_xlsx_with_date_headers(tmp_path):
    data = xlsx_bytes(tmp_path, [
        ["Verksamhet", "Konto", *(datetime.datetime(2026, m, 1) for m in range(1, 13))],
        [5731, 4610, *range(1, 13)],
    ])
    assert read_budget_workbook(data, "b.xlsx") == [budget("5731", "4610", "78", 2, months=[str(m) for m in range(1, 13)])]


# --- Budget: errors ---------------------------------------------------------------


def test_missing_required_column_names_it_and_the_columns_found():
    err = budget_error(csv_bytes("""
        Verksamhet;Kto;Belopp
        5731;4610;1
    """))
    assert (err.path, err.line) == ("budget.csv", 1)
    assert "saknar kolumnen 'Konto'" in err.message and "Kolumner i filen: 'Verksamhet', 'Kto', 'Belopp'" in err.message


def test_no_verksamhet_column_anywhere_shows_the_first_row():
    err = budget_error(csv_bytes("""
        Vht;Kto;Belopp
        5731;4610;1
    """))
    assert err.line == 1 and "kolumnerna 'Verksamhet' och 'Konto'" in err.message and "'Vht', 'Kto', 'Belopp'" in err.message


def test_neither_belopp_nor_twelve_months():
    err = budget_error(csv_bytes("""
        Verksamhet;Konto;Summa
        5731;4610;1
    """))
    assert err.line == 1 and "varken en kolumn för helårsbeloppet" in err.message and "'Summa'" in err.message

    header = ";".join(["Verksamhet", "Konto", "Belopp", *MONTHS[:3], *MONTHS[5:]])
    err = budget_error(csv_bytes(f"""
        {header}
    """))
    assert err.line == 1 and "saknar Apr, Maj" in err.message


def test_months_of_two_years_and_a_month_twice():
    header = ";".join(["Verksamhet", "Konto", *(f"2025-{m:02d}" for m in range(1, 7)), *(f"2026-{m:02d}" for m in range(7, 13))])
    assert "olika år (2025, 2026)" in budget_error(csv_bytes(header)).message

    header = ";".join(["Verksamhet", "Konto", *MONTHS, "2026-01"])
    err = budget_error(csv_bytes(header))
    assert "Samma månad har två kolumner: 'Jan' (kolumn C) och '2026-01' (kolumn O)" in err.message


def test_two_yearly_columns_are_refused():
    err = budget_error(csv_bytes("Verksamhet;Konto;Belopp;Helår\n5731;4610;1;1\n"))
    assert err.line == 1 and "flera kolumner för 'Belopp': 'Belopp' (kolumn C) och 'Helår' (kolumn D)" in err.message


def test_bad_amount_reports_line_and_value_after_a_multiline_field():
    err = budget_error(csv_bytes("""
        Verksamhet;Konto;Kommentar;Belopp
        5731;4610;"två
        rader";1

        5731;4620;;12,34,5
    """))
    assert (err.line, str(err)) == (5, err.path + ":5: " + err.message)
    assert "'12,34,5'" in err.message and "'Belopp'" in err.message


def test_bad_month_amount_in_xlsx_reports_its_row(tmp_path):
    data = xlsx_bytes(tmp_path, [
        ["Verksamhet", "Konto", *MONTHS],
        [5731, 4610, *[1] * 12],
        [],
        [5731, 4620, *[1] * 11, "tolv"],
    ])
    err = budget_error(data, "b.xlsx")
    assert (err.path, err.line) == ("b.xlsx", 4) and "'tolv' i kolumnen 'Dec'" in err.message


def test_yearly_column_that_differs_from_the_months():
    header = ";".join(["Verksamhet", "Konto", *MONTHS, "Helår"])
    err = budget_error(csv_bytes(f"{header}\n5731;4610;{';'.join(['1'] * 12)};12,5\n"))
    assert err.line == 2 and "'Helår' är 12,5 men månaderna summerar till 12" in err.message


def test_non_numeric_konto_and_missing_codes():
    err = budget_error(csv_bytes("""
        Verksamhet;Konto;Belopp
        5731;4610;1
        5731;Löner;1
    """))
    assert err.line == 3 and "'Löner'" in err.message and "Kommunbidrag" in err.message

    err = budget_error(csv_bytes("Verksamhet;Konto;Belopp\n;4610;1\n"))
    assert err.line == 2 and "Verksamheten saknas i kolumnen 'Verksamhet'" in err.message
    err = budget_error(csv_bytes("Verksamhet;Konto;Belopp\n5731;;1\n"))
    assert err.line == 2 and "Kontot saknas" in err.message


def test_duplicate_row_names_both_lines():
    err = budget_error(csv_bytes("""
        Verksamhet;Konto;Ansvar;Belopp
        5731;4610;2200;1
        5731;4610;;1
        5731;4610;2200;2
    """))
    assert err.line == 4 and "verksamhet 5731, konto 4610 och ansvar 2200 från rad 2" in err.message

    err = budget_error(csv_bytes("""
        Verksamhet;Konto;Belopp
        5731;Kommunbidrag;1
        5731;KOMMUNBIDRAG;2
    """))
    assert err.line == 3 and "konto Kommunbidrag utan ansvar från rad 2" in err.message


def test_csv_row_wider_than_its_header():
    err = budget_error(b"Verksamhet,Konto,Belopp\n5731,4610,-1234,50\n")
    assert err.line == 2 and "4 fält men rubrikraden 3" in err.message


def test_files_that_are_neither_csv_nor_xlsx(tmp_path):
    assert budget_error(b"").message.startswith("Filen är tom")
    assert ".xls" in budget_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "b.xls").message
    assert budget_error(b"%PDF-1.7\n\x00\x01\x02", "b.pdf").message.startswith("Filen är varken en XLSX-arbetsbok eller en CSV-fil")
    err = budget_error(b"Budget 2026\nVerksamhet Konto Belopp\n", "b.txt")
    assert err.line == 1 and "varken semikolon, komma eller tabb" in err.message

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("word/document.xml", "<w/>")
    assert "ingen XLSX-arbetsbok" in budget_error(archive.getvalue(), "b.docx").message


def test_missing_sheet_and_empty_sheet(tmp_path):
    data = xlsx_bytes(tmp_path, [["Verksamhet", "Konto", "Belopp"]], title="Budget")
    err = budget_error(data, "b.xlsx", sheet="Internbudget")
    assert "'Internbudget' finns inte" in err.message and "'Budget'" in err.message
    assert "ingen rubrikrad" in budget_error(xlsx_bytes(tmp_path, []), "b.xlsx").message


# --- Volumes: long layout ---------------------------------------------------------


def test_long_volume_list_csv_every_month_form():
    data = csv_bytes("""
        Verksamhet;Ansvar;Månad;Enhet;Antal
        5731;2200;2026-03;Vårddygn ;412
        5731;2200;mars 2026;Placeringar;14,5
        5731;;2026-04-15;vårddygn;1 020
        5732;;202602;VÅRDTAGARE;0
        5732;;Feb 2026;ärenden;3
        Summa;;;;1449,5
    """)
    assert read_volume_list(data, "v.csv") == [
        volume("5731", "2026-03-31", "vårddygn", "412", 2, ansvar="2200"),
        volume("5731", "2026-03-31", "placeringar", "14.5", 3, ansvar="2200"),
        volume("5731", "2026-04-30", "vårddygn", "1020", 4),
        volume("5732", "2026-02-28", "vårdtagare", "0", 5),
        volume("5732", "2026-02-28", "ärenden", "3", 6),
    ]


def test_long_volume_list_xlsx_with_date_cells_and_bare_months_given_a_year(tmp_path):
    data = xlsx_bytes(tmp_path, [
        ["Verksamhet", "Månad", "Enhet", "Antal"],
        [5731, datetime.datetime(2024, 2, 1), "vårddygn", 29],
        [5731, datetime.date(2026, 12, 31), "vårddygn", 30.5],
        ["571", "maj", "Vårddygn", "7"],
    ])
    assert read_volume_list(data, "v.xlsx", year=2026) == [
        volume("5731", "2024-02-29", "vårddygn", "29", 2),
        volume("5731", "2026-12-31", "vårddygn", "30.5", 3),
        volume("571", "2026-05-31", "vårddygn", "7", 4),
    ]


# --- Volumes: wide layout ---------------------------------------------------------


def test_wide_volume_list_with_bare_months_and_the_callers_year():
    data = csv_bytes(f"""
        Verksamhet;Ansvar;Enhet;{';'.join(MONTHS)}
        5731;2200;vårddygn;398;371;412;;;;;;;;;
        5732;;Placeringar;1,5;;2;;;;;;;;;
        5733;;ärenden;;;;;;;;;;;;
    """)
    assert read_volume_list(data, "v.csv", year=2026) == [
        volume("5731", "2026-01-31", "vårddygn", "398", 2, ansvar="2200"),
        volume("5731", "2026-02-28", "vårddygn", "371", 2, ansvar="2200"),
        volume("5731", "2026-03-31", "vårddygn", "412", 2, ansvar="2200"),
        volume("5732", "2026-01-31", "placeringar", "1.5", 3),
        volume("5732", "2026-03-31", "placeringar", "2", 3),
    ]


def test_wide_volume_list_xlsx_with_dated_headers_across_a_year_end(tmp_path):
    data = xlsx_bytes(tmp_path, [
        ["Verksamhet", "Enhet", datetime.datetime(2025, 12, 1), "2026-01", "feb 2026"],
        [5731, "vårddygn", 31, 30, None],
    ])
    assert read_volume_list(data, "v.xlsx") == [
        volume("5731", "2025-12-31", "vårddygn", "31", 2),
        volume("5731", "2026-01-31", "vårddygn", "30", 2),
    ]


# --- Volumes: errors --------------------------------------------------------------


def test_volume_missing_columns():
    err = volume_error(csv_bytes("Verksamhet;Månad;Enhet\n5731;2026-03;vårddygn\n"))
    assert err.line == 1 and "saknar kolumnen 'Antal'" in err.message and "'Verksamhet', 'Månad', 'Enhet'" in err.message

    err = volume_error(csv_bytes("Verksamhet;Enhet;Vårddygn\n5731;vårddygn;3\n"))
    assert err.line == 1 and "varken 'Månad' och 'Antal'" in err.message and "'Vårddygn'" in err.message

    err = volume_error(csv_bytes("Verksamhet;2026-01\n5731;3\n"))
    assert err.line == 1 and "saknar kolumnen 'Enhet'" in err.message


def test_wide_bare_months_need_a_year():
    err = volume_error(csv_bytes(f"""
        Volymer 2026;;
        Verksamhet;Enhet;{';'.join(MONTHS)}
        5731;vårddygn;1;;;;;;;;;;;
    """))
    assert err.line == 2 and "ange året" in err.message


def test_wide_month_twice():
    err = volume_error(csv_bytes("Verksamhet;Enhet;Jan;2026-01\n"), year=2026)
    assert "Samma månad har två kolumner: 'Jan' (kolumn C) och '2026-01' (kolumn D)" in err.message


def test_bad_month_and_a_bare_month_without_year():
    err = volume_error(csv_bytes("""
        Verksamhet;Månad;Enhet;Antal
        5731;2026-03;vårddygn;1
        5731;2026-13;vårddygn;1
    """))
    assert err.line == 3 and "Månaden '2026-13'" in err.message

    err = volume_error(csv_bytes("Verksamhet;Månad;Enhet;Antal\n5731;Mars;vårddygn;1\n"))
    assert err.line == 2 and "'Mars'" in err.message and "saknar år" in err.message

    err = volume_error(csv_bytes("Verksamhet;Månad;Enhet;Antal\n5731;;vårddygn;1\n"))
    assert err.line == 2 and "Månaden saknas" in err.message


def test_negative_non_numeric_and_missing_antal():
    err = volume_error(csv_bytes("Verksamhet;Månad;Enhet;Antal\n5731;2026-03;vårddygn;1\n5731;2026-04;vårddygn;\u22123\n"))
    assert err.line == 3 and "Antalet -3 i kolumnen 'Antal' är negativt" in err.message

    err = volume_error(csv_bytes("Verksamhet;Enhet;Jan;Feb\n5731;vårddygn;1;två\n"), year=2026)
    assert err.line == 2 and "'två' i kolumnen 'Feb'" in err.message

    err = volume_error(csv_bytes("Verksamhet;Månad;Enhet;Antal\n5731;2026-03;vårddygn;\n"))
    assert err.line == 2 and "Antalet saknas" in err.message

    err = volume_error(csv_bytes("Verksamhet;Månad;Enhet;Antal\n5731;2026-03;;1\n"))
    assert err.line == 2 and "Enheten saknas" in err.message


def test_volume_twice_names_both_lines():
    err = volume_error(csv_bytes("""
        Verksamhet;Ansvar;Månad;Enhet;Antal
        5731;2200;2026-03;vårddygn;1
        5731;;2026-03;vårddygn;1
        5731;2200;mars 2026;Vårddygn;2
    """))
    assert err.line == 4 and "verksamhet 5731, ansvar 2200, mars 2026 och enhet vårddygn från rad 2" in err.message

    err = volume_error(csv_bytes("Verksamhet;Enhet;2026-01;2026-02\n5731;vårddygn;1;\n5731;vårddygn;;2\n5731;vårddygn;;3\n"))
    assert err.line == 4 and "februari 2026" in err.message and "från rad 3" in err.message


# --- Large files ------------------------------------------------------------------


def test_large_files_are_read_linearly():
    """50 000 budget rows and 50 000 volumes, each in well under a couple of seconds."""
    def swedish(number: int) -> str:
        return f"{number:,}".replace(",", " ")

    budget_lines = ["Verksamhet;Konto;Ansvar;Belopp;Nyckel"]
    budget_lines += [f"57{n % 100:02d};{4000 + n // 100};{n % 7};{swedish(-(n * 1000 + 234))},50;jämn" for n in range(50_000)]
    volume_lines = ["Verksamhet;Ansvar;Månad;Enhet;Antal"]
    volume_lines += [f"57{n % 100:02d};{n // 300};2026-{n % 12 + 1:02d};vårddygn;{n},5" for n in range(50_000)]

    started = time.perf_counter()
    budget_rows = read_budget_workbook("\n".join(budget_lines).encode(), "stor.csv")
    volume_rows = read_volume_list("\n".join(volume_lines).encode(), "stora.csv")
    elapsed = time.perf_counter() - started

    assert len(budget_rows) == len(volume_rows) == 50_000
    assert budget_rows[-1] == budget("5799", "4499", "-49999234.50", 50_001, ansvar="5", nyckel="jämn")
    assert volume_rows[-1] == volume("5799", "2026-08-31", "vårddygn", "49999.5", 50_001, ansvar="166")
    assert elapsed < 10  # linear: about a second; a quadratic reader would take minutes
