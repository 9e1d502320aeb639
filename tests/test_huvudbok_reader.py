"""Huvudbok CSV/XLSX through a column mapping: real files in, exact rows out."""

from __future__ import annotations

import datetime
import io
import textwrap
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from namndbok.importers.huvudbok.mapping import Columns, load_mapping, parse_mapping
from namndbok.importers.huvudbok.reader import read_huvudbok
from namndbok.importers.model import SourceError, SourceRow

MAPPINGS = Path(__file__).resolve().parents[1] / "importers" / "huvudbok" / "mappningar"

COLUMNS = """\
datum = "Datum"
konto = "Konto"
belopp = "Belopp"
text = "Text"
verifikation = "Ver"
"""
DIMENSIONS = """\
verksamhet = "Verksamhet"
ansvar = "Ansvar"
"""


def mapping(settings: str = "", columns: str = COLUMNS, dimensions: str = DIMENSIONS, tecken: str = "", fmt: str = "csv"):
    """A mapping as the economists write it: TOML text."""
    text = f'namn = "Test"\nformat = "{fmt}"\n{settings}\n[kolumner]\n{columns}\n[dimensioner]\n{dimensions}\n'
    if tecken:
        text += f'[tecken]\nbelopp = "{tecken}"\n'
    return parse_mapping(text, "test.toml")


def row(date: str, konto: str, objekt: dict, amount: str, text: str, ver: str | None, line: int, quantity: str | None = None) -> SourceRow:
    return SourceRow(datetime.date.fromisoformat(date), konto, tuple(objekt.items()), Decimal(amount), text, ver,
                     line, Decimal(quantity) if quantity is not None else None)


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode(encoding)


def xlsx_bytes(tmp_path: Path, rows: list[list], title: str = "Blad1", extra_sheets: tuple[str, ...] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    for name in extra_sheets:
        workbook.create_sheet(name, 0)
    sheet = workbook.worksheets[-1]
    sheet.title = title
    for values in rows:
        sheet.append(values)
    path = tmp_path / "huvudbok.xlsx"
    workbook.save(path)
    return path.read_bytes()


def read_error(data: bytes, mapping_, path: str = "huvudbok.csv") -> SourceError:
    with pytest.raises(SourceError) as caught:
        read_huvudbok(data, mapping_, path)
    return caught.value


# --- CSV ----------------------------------------------------------------------


def test_decimal_comma_with_space_thousands_and_every_negative_form():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-03-03;4610;5731;2200;HVB mars;A 12;1 234 567,89
        2025-03-04;3010;5731;2200;Avgift;A 13;\u22121\u00a0234,56
        2025-03-05;4610;5732;;Rättelse;A 14;(1 234,50)
        2025-03-06;4610;5732;2200;Kreditnota;A 15;250,00-
        2025-03-07;4610;;;Utan objekt;;-0,5
        2025-03-08;4610;5732;2200;Narrow;A 16;12\u202f345
    """)
    assert read_huvudbok(data, mapping(), "hb.csv") == [
        row("2025-03-03", "4610", {"verksamhet": "5731", "ansvar": "2200"}, "1234567.89", "HVB mars", "A 12", 2),
        row("2025-03-04", "3010", {"verksamhet": "5731", "ansvar": "2200"}, "-1234.56", "Avgift", "A 13", 3),
        row("2025-03-05", "4610", {"verksamhet": "5732"}, "-1234.50", "Rättelse", "A 14", 4),
        row("2025-03-06", "4610", {"verksamhet": "5732", "ansvar": "2200"}, "-250.00", "Kreditnota", "A 15", 5),
        row("2025-03-07", "4610", {}, "-0.5", "Utan objekt", None, 6),
        row("2025-03-08", "4610", {"verksamhet": "5732", "ansvar": "2200"}, "12345", "Narrow", "A 16", 7),
    ]


def test_dot_thousands_and_point_decimal():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-01-31;4610;5731;2200;Punkt;1;1.234.567,89
    """)
    rows = read_huvudbok(data, mapping('tusentalsavgransare = "."'))
    assert rows[0].amount == Decimal("1234567.89")

    data = csv_bytes("""
        Datum,Konto,Verksamhet,Ansvar,Text,Ver,Belopp
        2025-01-31,4610,5731,2200,Engelskt,1,"1,234.50"
    """)
    rows = read_huvudbok(data, mapping('avgransare = ","\ndecimaltecken = "."\ntusentalsavgransare = ","'))
    assert rows[0].amount == Decimal("1234.50")


def test_debet_and_kredit_columns():
    columns = 'datum = "Datum"\nkonto = "Konto"\ndebet = "Debet"\nkredit = "Kredit"\ntext = "Text"'
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Debet;Kredit
        2025-02-10;4610;5731;2200;Faktura;12 500,00;
        2025-02-10;2440;;;Leverantörsskuld;;12 500,00
        2025-02-11;4610;5731;2200;Båda;100,00;40,00
    """)
    assert read_huvudbok(data, mapping(columns=columns)) == [
        row("2025-02-10", "4610", {"verksamhet": "5731", "ansvar": "2200"}, "12500.00", "Faktura", None, 2),
        row("2025-02-10", "2440", {}, "-12500.00", "Leverantörsskuld", None, 3),
        row("2025-02-11", "4610", {"verksamhet": "5731", "ansvar": "2200"}, "60.00", "Båda", None, 4),
    ]


def test_kredit_positiv_flips_the_sign():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-04-01;4610;5731;2200;Kostnad;B 1;-1 000,00
        2025-04-01;3010;5731;2200;Intäkt;B 2;400,00
    """)
    rows = read_huvudbok(data, mapping(tecken="kredit-positiv"))
    assert [(r.konto, r.amount) for r in rows] == [("4610", Decimal("1000.00")), ("3010", Decimal("-400.00"))]


def test_cp1252_text_with_swedish_letters():
    text = """
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-05-02;4610;5731;2200;Ärende för Östra området, påsk;C 7;980,00
    """
    for settings in ('kodning = "cp1252"', 'kodning = "auto"', ""):
        rows = read_huvudbok(csv_bytes(text, "cp1252"), mapping(settings))
        assert rows == [row("2025-05-02", "4610", {"verksamhet": "5731", "ansvar": "2200"}, "980.00",
                            "Ärende för Östra området, påsk", "C 7", 2)]


def test_utf8_bom_is_not_part_of_the_first_header():
    data = "\ufeffDatum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp\r\n2025-06-30;4610;5731;2200;Lön juni;L 1;1,00\r\n".encode()
    expected = [row("2025-06-30", "4610", {"verksamhet": "5731", "ansvar": "2200"}, "1.00", "Lön juni", "L 1", 2)]
    assert read_huvudbok(data, mapping('kodning = "utf-8"')) == expected
    assert read_huvudbok(data, mapping('kodning = "auto"')) == expected


def test_utf16_from_excel_unicode_text():
    data = "Datum\tKonto\tVerksamhet\tAnsvar\tText\tVer\tBelopp\r\n2025-06-30\t4610\t5731\t2200\tÅtgärd\t1\t5,00\r\n".encode("utf-16")
    rows = read_huvudbok(data, mapping('avgransare = "auto"'))
    assert [(r.text, r.amount) for r in rows] == [("Åtgärd", Decimal("5.00"))]


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_delimiter_is_sniffed_from_the_header(delimiter):
    amount = '"1 234,56"' if delimiter == "," else "1 234,56"
    cells = ["2025-03-03", "4610", "5731", "2200", "Text; med, tecken", "A 1", amount]
    header = ["Datum", "Konto", "Verksamhet", "Ansvar", '"Text"', "Ver", "Belopp"]
    lines = [delimiter.join(header), delimiter.join(f'"{c}"' if c.startswith("Text") else c for c in cells)]
    data = ("\n".join(lines) + "\n").encode()
    assert read_huvudbok(data, mapping('avgransare = "auto"')) == [
        row("2025-03-03", "4610", {"verksamhet": "5731", "ansvar": "2200"}, "1234.56", "Text; med, tecken", "A 1", 2)]


def test_codes_keep_leading_zeros_and_dimension_order_follows_the_mapping():
    dimensions = 'projekt = "Projekt"\nverksamhet = "Verksamhet"\nansvar = "Ansvar"'
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Projekt;Text;Ver;Belopp
        2025-01-15;0123;010;0200;0007;Politik;001;10
    """)
    assert read_huvudbok(data, mapping(dimensions=dimensions)) == [
        row("2025-01-15", "0123", {"projekt": "0007", "verksamhet": "010", "ansvar": "0200"}, "10", "Politik", "001", 2)]


def test_preamble_blank_lines_quantity_date_formats_and_quoted_newlines():
    columns = COLUMNS + 'kvantitet = "Antal"'
    settings = 'rubrikrad = 3\ndatumformat = ["%Y-%m-%d", "%d.%m.%Y", "%Y%m%d"]'
    data = csv_bytes("""
        Huvudbok Socialnämnden 2025-01-01 -- 2025-03-31
        Utskriven 2025-04-02
        datum ; KONTO;Verksamhet;Ansvar;Text;Ver;Belopp;Antal

        2025-01-02;4610;5731;2200;"Två
        rader";A 1;100;3
        ;;;;;;;
        05.02.2025;4610;5731;2200;Vårddygn;A 2;200;1,5
        20250303;4610;5731;2200;Kompakt;A 3;300;
    """)
    assert read_huvudbok(data, mapping(settings, columns)) == [
        row("2025-01-02", "4610", {"verksamhet": "5731", "ansvar": "2200"}, "100", "Två\nrader", "A 1", 5, "3"),
        row("2025-02-05", "4610", {"verksamhet": "5731", "ansvar": "2200"}, "200", "Vårddygn", "A 2", 8, "1.5"),
        row("2025-03-03", "4610", {"verksamhet": "5731", "ansvar": "2200"}, "300", "Kompakt", "A 3", 9),
    ]


# --- XLSX ---------------------------------------------------------------------


def test_xlsx_number_and_date_cells(tmp_path):
    data = xlsx_bytes(tmp_path, [
        ["Huvudbok 2025"],
        [],
        ["Datum", "Konto", "Verksamhet", "Ansvar", "Text", "Ver", "Belopp"],
        [datetime.datetime(2025, 3, 3), 4610, 5731.0, 10, "HVB", 12, 1234.56],
        ["2025-03-04", "4610", "0510", "2200", "Textceller", "A 13", "(1 234,56)"],
        [datetime.date(2025, 3, 5), 4610.0, 5731, None, None, None, -0.1],
        [None, None, None, None, None, None, None],
        [datetime.datetime(2025, 3, 6, 0, 0), 3010, 5731, 2200, "Formel", 14, 0.1 + 0.2],
    ], title="Huvudbok", extra_sheets=("Försättsblad",))
    rows = read_huvudbok(data, mapping('blad = "Huvudbok"\nrubrikrad = 3', fmt="xlsx"), "hb.xlsx")
    assert rows == [
        row("2025-03-03", "4610", {"verksamhet": "5731", "ansvar": "10"}, "1234.56", "HVB", "12", 4),
        row("2025-03-04", "4610", {"verksamhet": "0510", "ansvar": "2200"}, "-1234.56", "Textceller", "A 13", 5),
        row("2025-03-05", "4610", {"verksamhet": "5731"}, "-0.1", "", None, 6),
        row("2025-03-06", "3010", {"verksamhet": "5731", "ansvar": "2200"}, "0.3", "Formel", "14", 8),
    ]


def test_xlsx_reads_the_first_sheet_by_default(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Datum", "Konto", "Verksamhet", "Ansvar", "Text", "Ver", "Belopp"])
    workbook.active.append([datetime.datetime(2025, 1, 2), 4610, 5731, 2200, "Först", 1, 5])
    workbook.create_sheet("Annat").append(["inget"])
    workbook.active = 1
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    rows = read_huvudbok(path.read_bytes(), mapping(fmt="xlsx"))
    assert [(r.text, r.line) for r in rows] == [("Först", 2)]


# --- Errors in the export -----------------------------------------------------


def test_missing_column_names_it_and_the_columns_found():
    data = csv_bytes("""
        Bokf.datum;Konto;Verksamhet;Text;Ver;Belopp
        2025-01-02;4610;5731;x;1;1
    """)
    err = read_error(data, mapping())
    assert err.line == 1
    assert "'Datum'" in err.message and "'Ansvar'" in err.message
    assert "Kolumner i filen: 'Bokf.datum', 'Konto', 'Verksamhet', 'Text', 'Ver', 'Belopp'" in err.message
    assert "test.toml" in err.message


def test_bad_amount_reports_its_line_after_a_multiline_field():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-01-02;4610;5731;2200;"rad ett
        rad två";A 1;100

        2025-01-03;4610;5731;2200;Fel;A 2;12,34,5
    """)
    err = read_error(data, mapping())
    assert (err.path, err.line) == ("huvudbok.csv", 5)
    assert "'12,34,5'" in err.message and "'Belopp'" in err.message
    assert str(err).startswith("huvudbok.csv:5: ")


def test_thousands_separator_must_group_by_three():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-01-03;4610;5731;2200;Fel;A 2;1.5
    """)
    err = read_error(data, mapping('tusentalsavgransare = "."'))
    assert err.line == 2 and "'1.5'" in err.message


def test_bad_date():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-01-02;4610;5731;2200;ok;A 1;1
        2025-02-30;4610;5731;2200;fel;A 2;1
    """)
    err = read_error(data, mapping())
    assert err.line == 3 and "'2025-02-30'" in err.message and "%Y-%m-%d" in err.message


def test_non_numeric_konto():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-01-02;46A0;5731;2200;fel;A 1;1
    """)
    err = read_error(data, mapping())
    assert err.line == 2 and "'46A0'" in err.message and "kontonummer" in err.message


def test_a_row_with_content_but_no_konto_or_amount_is_an_error():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-01-02;4610;5731;2200;ok;A 1;1
        ;;;;Summa konto 4610;;
    """)
    err = read_error(data, mapping())
    assert err.line == 3 and "Kontot saknas" in err.message


def test_missing_amount_is_an_error():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-01-02;4610;5731;2200;tom;A 1;
    """)
    err = read_error(data, mapping())
    assert err.line == 2 and "Beloppet saknas" in err.message


def test_wrong_encoding_suggests_the_right_one():
    text = "Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp\n2025-01-02;4610;5731;2200;Lön;A 1;1\n"
    err = read_error(text.encode("cp1252"), mapping('kodning = "utf-8"'))
    assert err.line == 2 and 'kodning = "cp1252"' in err.message

    err = read_error(text.encode("utf-8"), mapping('kodning = "cp1252"'))
    assert "UTF-8" in err.message and 'kodning = "utf-8"' in err.message


def test_a_row_wider_than_its_header_is_refused():
    data = csv_bytes("""
        Datum,Konto,Verksamhet,Ansvar,Text,Ver,Belopp
        2025-01-02,4610,5731,2200,Utan citattecken,A 1,1234,56
    """)
    err = read_error(data, mapping('avgransare = ","'))
    assert err.line == 2 and "8 fält men rubrikraden 7" in err.message


def test_unclosed_quote_is_a_csv_error_at_its_line():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp
        2025-01-02;4610;5731;2200;ok;A 1;1
        2025-01-03;4610;5731;2200;"aldrig slut;A 2;2
        2025-01-04;4610;5731;2200;sist;A 3;3
    """)
    err = read_error(data, mapping())
    assert err.line == 3 and "citattecknen" in err.message


def test_duplicate_header_of_a_mapped_column():
    data = csv_bytes("""
        Datum;Konto;Verksamhet;Ansvar;Text;Ver;Belopp;konto
        2025-01-02;4610;5731;2200;x;1;1;4620
    """)
    err = read_error(data, mapping())
    assert err.line == 1 and "'Konto' finns flera gånger" in err.message and "B och H" in err.message


def test_empty_file_has_no_header():
    err = read_error(b"", mapping())
    assert "ingen rubrikrad" in err.message


def test_a_file_that_is_not_xlsx(tmp_path):
    err = read_error(b"Datum;Konto\n2025-01-01;4610\n", mapping(fmt="xlsx"), "hb.xlsx")
    assert err.message.startswith("Filen är inte en XLSX-arbetsbok")

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("word/document.xml", "<w/>")
    err = read_error(archive.getvalue(), mapping(fmt="xlsx"), "hb.docx")
    assert err.message.startswith("Filen är inte en XLSX-arbetsbok")

    err = read_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), mapping(fmt="xlsx"), "hb.xls")
    assert ".xls" in err.message

    xlsx = xlsx_bytes(tmp_path, [["Datum"]])
    err = read_error(xlsx, mapping(), "hb.csv")
    assert "XLSX-arbetsbok" in err.message and 'format = "csv"' in err.message


def test_xlsx_missing_sheet(tmp_path):
    data = xlsx_bytes(tmp_path, [["Datum"]], title="Data")
    err = read_error(data, mapping('blad = "Huvudbok"', fmt="xlsx"))
    assert "'Huvudbok'" in err.message and "'Data'" in err.message


def test_xlsx_error_row_number(tmp_path):
    data = xlsx_bytes(tmp_path, [
        ["Datum", "Konto", "Verksamhet", "Ansvar", "Text", "Ver", "Belopp"],
        [datetime.datetime(2025, 1, 2), 4610, 5731, 2200, "ok", 1, 1],
        [],
        [datetime.datetime(2025, 1, 2), 4610, 5731, 2200, "fel", 2, "tio kronor"],
    ])
    err = read_error(data, mapping(fmt="xlsx"))
    assert err.line == 4 and "'tio kronor'" in err.message


# --- The mapping file -----------------------------------------------------------


def mapping_error(text: str) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse_mapping(textwrap.dedent(text).lstrip("\n"), "fel.toml")
    return caught.value


def test_mapping_file_with_an_unknown_key_names_file_and_line(tmp_path):
    path = tmp_path / "fel.toml"
    path.write_text(textwrap.dedent("""\
        # Vår export
        namn = "X"
        format = "csv"
        [kolumner]
        datum = "Datum"
        konto = "Konto"
        belop = "Belopp"
    """), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_mapping(path)
    err = caught.value
    assert (err.path, err.line) == (str(path), 7)
    assert '"belop"' in err.message and "[kolumner]" in err.message
    assert str(err).startswith(f"{path}:7: ")


def test_mapping_bad_values_point_at_their_line():
    base = 'namn = "X"\nformat = "csv"\n{}\n[kolumner]\ndatum = "D"\nkonto = "K"\nbelopp = "B"\n'
    cases = {
        'decimaltecken = ";"': "decimaltecken",
        'kodning = "klingonska"': "klingonska",
        'datumformat = "ÅÅÅÅ-MM-DD"': "ÅÅÅÅ-MM-DD",
        "rubrikrad = 0": "rubrikrad",
        'avgransare = "::"': "avgransare",
        'blad = "Huvudbok"': 'format = "xlsx"',
        'tusentalsavgransare = ","': "samma tecken",
    }
    for line, words in cases.items():
        with pytest.raises(SourceError) as caught:
            parse_mapping(base.format(line), "fel.toml")
        assert caught.value.line == 3, line
        assert words in caught.value.message, line


def test_mapping_missing_required_keys():
    err = mapping_error("""
        namn = "X"
        format = "csv"

        [kolumner]
        konto = "Konto"
        belopp = "Belopp"
    """)
    assert err.line == 4 and "datum" in err.message

    err = mapping_error("""
        namn = "X"
        format = "csv"
        [kolumner]
        datum = "Datum"
        konto = "Konto"
        debet = "Debet"
    """)
    assert err.line == 6 and "kredit" in err.message

    err = mapping_error("""
        namn = "X"
        format = "csv"
        [kolumner]
        datum = "Datum"
        konto = "Konto"
    """)
    assert err.line == 3 and "belopp" in err.message

    err = mapping_error('namn = "X"\n[kolumner]\ndatum = "D"\nkonto = "K"\nbelopp = "B"\n')
    assert "format" in err.message and '"csv" eller "xlsx"' in err.message

    err = mapping_error('format = "csv"\n[kolumner]\ndatum = "D"\nkonto = "K"\nbelopp = "B"\n')
    assert "namn" in err.message


def test_mapping_conflicting_amount_columns_and_sign():
    err = mapping_error("""
        namn = "X"
        format = "csv"
        [kolumner]
        datum = "Datum"
        konto = "Konto"
        belopp = "Belopp"
        kredit = "Kredit"
    """)
    assert err.line == 7 and "antingen belopp eller debet och kredit" in err.message

    err = mapping_error("""
        namn = "X"
        format = "csv"
        [kolumner]
        datum = "Datum"
        konto = "Konto"
        debet = "Debet"
        kredit = "Kredit"
        [tecken]
        belopp = "kredit-positiv"
    """)
    assert err.line == 9


def test_mapping_that_is_not_toml():
    err = mapping_error("""
        namn = "X"
        format = "csv"
        [kolumner]
        datum = Datum
    """)
    assert err.line == 4 and "inte giltig TOML" in err.message


def test_load_mapping_from_file(tmp_path):
    path = tmp_path / "min.toml"
    path.write_text('namn = "Min"\nformat = "xlsx"\n[kolumner]\ndatum = " Datum "\nkonto = "Konto"\nbelopp = "Belopp"\n', encoding="utf-8")
    loaded = load_mapping(path)
    assert loaded.namn == "Min" and loaded.path == str(path)
    assert loaded.kolumner == Columns(datum="Datum", konto="Konto", belopp="Belopp")
    with pytest.raises(SourceError) as caught:
        load_mapping(tmp_path / "finns-inte.toml")
    assert "finns inte" in caught.value.message


# --- The shipped example mappings -----------------------------------------------


def test_every_shipped_mapping_loads():
    names = sorted(path.stem for path in MAPPINGS.glob("*.toml"))
    assert names == ["raindance", "unit4", "visma"]
    for path in MAPPINGS.glob("*.toml"):
        assert load_mapping(path).namn


def test_raindance_sample():
    data = csv_bytes("""
        Bokf.datum;Konto;Ansvar;Verksamhet;Projekt;Verifikationsnr;Text;Antal;Belopp
        2025-03-31;4610;2200;5731;;LF 4711;Köpt vård HVB, mars;31;152 000,00
        2025-03-31;3010;2200;5731;P12;KF 88;Återsökt från Migrationsverket;;-48 250,50
    """, "cp1252")
    assert read_huvudbok(data, load_mapping(MAPPINGS / "raindance.toml"), "raindance.csv") == [
        row("2025-03-31", "4610", {"verksamhet": "5731", "ansvar": "2200"}, "152000.00", "Köpt vård HVB, mars", "LF 4711", 2, "31"),
        row("2025-03-31", "3010", {"verksamhet": "5731", "ansvar": "2200", "projekt": "P12"}, "-48250.50",
            "Återsökt från Migrationsverket", "KF 88", 3),
    ]


def test_unit4_sample(tmp_path):
    data = xlsx_bytes(tmp_path, [
        ["Transaktionsrapport Socialnämnden"],
        ["Period 202503"],
        ["Bilagsnr", "Bokf datum", "Kto", "Ansv", "Vht", "Proj", "Beskrivning", "Belopp"],
        [600123, datetime.datetime(2025, 3, 14), 4610, 2200, 5732, None, "Familjehem", 48000],
        [600124, "20250315", "4540", "0220", "571", None, "Konsulent", "-1 500,25"],
    ], title="Transaktioner", extra_sheets=("Urval",))
    assert read_huvudbok(data, load_mapping(MAPPINGS / "unit4.toml"), "unit4.xlsx") == [
        row("2025-03-14", "4610", {"verksamhet": "5732", "ansvar": "2200"}, "48000", "Familjehem", "600123", 4),
        row("2025-03-15", "4540", {"verksamhet": "571", "ansvar": "0220"}, "-1500.25", "Konsulent", "600124", 5),
    ]


def test_visma_sample():
    data = csv_bytes("""
        Vernr\tDatum\tKonto\tKostnadsställe\tVerksamhet\tProjekt\tTransaktionstext\tKvantitet\tDebet\tKredit
        V1001\t2025-02-28\t4610\t2200\t5739\t\tRåd och stöd\t\t8000,00\t
        V1001\t28.02.2025\t2440\t\t\t\tLeverantör\t\t\t8000,00
    """, "utf-8-sig")
    assert read_huvudbok(data, load_mapping(MAPPINGS / "visma.toml"), "visma.csv") == [
        row("2025-02-28", "4610", {"ansvar": "2200", "verksamhet": "5739"}, "8000.00", "Råd och stöd", "V1001", 2),
        row("2025-02-28", "2440", {}, "-8000.00", "Leverantör", "V1001", 3),
    ]
