"""Bad input to every export reader: mutated, truncated, mis-encoded and oversized files.

Property: a reader either returns rows or raises `SourceError`, whose text is
`fil:rad: meddelande` in Swedish — never any other exception (a traceback for
the economist). Hypothesis mutates a real, valid file of each kind; the runs
are derandomized so CI is stable, and `pytest --hypothesis-show-statistics`
prints how many inputs each reader got.
"""

from __future__ import annotations

import io
import os
from collections import defaultdict
from decimal import Decimal
import tempfile
import textwrap
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from namndbok.importers.budgetbok.reader import read_budget_workbook
from namndbok.importers.config import load_import_config
from namndbok.importers.huvudbok.mapping import parse_mapping
from namndbok.importers.huvudbok.reader import read_huvudbok
from namndbok.importers.model import SourceError
from namndbok.importers.sie.importer import read_sie
from namndbok.importers.sie.parser import parse_sie
from namndbok.importers.volymer.reader import read_volume_list
from namndbok.kontoplan import KontoplanError, load_kontoplan
from namndbok.layout import LayoutError, load_layout
from namndbok.nyckeltal import NyckeltalError, load_specs
from namndbok.ramberakning import RamError, calculate_ram, parse_assumptions
from namndbok.periodisering import PeriodiseringError, load_periodisering

from conftest import EXAMPLE_DIR, REPO, read_both_ways

FUZZ = settings(max_examples=int(os.environ.get("NAMNDBOK_FUZZ_EXAMPLES", "300")), derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def csv(text: str) -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode("utf-8")


HUVUDBOK = csv("""
    Datum;Konto;Verksamhet;Ansvar;Belopp;Text;Ver
    2026-03-05;4610;5731;2200;1 234,50;Köp av HVB;A1
    2026-03-05;1690;;;-1 234,50;Avräkning;A1
    2026-03-31;4010;010;0100;-200,00;Arvoden;A2
    2026-03-31;1690;;;200,00;Avräkning;A2
""")
MAPPING = parse_mapping(
    'namn = "Test"\nformat = "csv"\n[kolumner]\ndatum = "Datum"\nkonto = "Konto"\nbelopp = "Belopp"\n'
    'text = "Text"\nverifikation = "Ver"\n[dimensioner]\nverksamhet = "Verksamhet"\nansvar = "Ansvar"\n', "test.toml")
BUDGET = csv("""
    Internbudget 2026 Socialnämnden;;;;;
    verksamhet;Konto;Ansvar;Kontonamn;Årsbudget;Nyckel
    010;4010;0100;Arvoden;-1 234,56;jämn
    5731;4610;2200;Köp av HVB;1.234,56-;fjolår
    5731;kommunbidrag;;;+2500;
""")
VOLUMES = csv("""
    Verksamhet;Ansvar;Månad;Enhet;Antal
    5731;2200;2026-03;Vårddygn;412
    5731;;mars 2026;vårddygn;14,5
    5732;;202602;vårdtagare;3
""")


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VOLUMES_XLSX = xlsx([["Verksamhet", "Månad", "Enhet", "Antal"], [5731, "2026-03", "vårddygn", 29], ["571", "2026-04", "Vårddygn", "7"]])
SIE = (EXAMPLE_DIR / "import" / "sie-2026-11.se").read_bytes()
SIE_CONFIG = load_import_config(EXAMPLE_DIR).sie


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """`seed` after a few edits: cut, overwrite, insert, repeat, re-encode."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["cut", "overwrite", "insert", "repeat", "encode", "nul", "long"]))
        at = draw(st.integers(0, len(data)))
        if op == "cut":
            data = data[:at]
        elif op == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=8))
            data[at:at + len(chunk)] = chunk
        elif op == "insert":
            data[at:at] = draw(st.sampled_from([b";", b"\n", b'"', b"\r", b"#", b"{", b"}", b"\xff\xfe", b"-", b",", b" ", b"\t"]))
        elif op == "repeat":
            end = draw(st.integers(at, min(len(data), at + 200)))
            data[at:at] = data[at:end] * draw(st.integers(1, 50))
        elif op == "encode":
            text = bytes(data).decode("utf-8", errors="replace")
            data = bytearray(text.encode(draw(st.sampled_from(["utf-16", "cp1252", "latin-1", "utf-8-sig"])), errors="replace"))
        elif op == "nul":
            data[at:at] = b"\x00"
        else:  # a very long field
            data[at:at] = b"9" * draw(st.integers(100, 5000))
    return bytes(data)


def refused_cleanly(read, data: bytes, path: str) -> None:
    try:
        read(data, path)
    except SourceError as err:
        text = str(err)
        assert text.startswith(path + ":"), text
        assert err.message and "Traceback" not in text


READERS = {  # the name a file is read under: (a valid file, its reader)
    "export.se": (SIE, lambda d, p: read_sie(d, p, SIE_CONFIG)),
    "huvudbok.csv": (HUVUDBOK, lambda d, p: read_huvudbok(d, MAPPING, p)),
    "budget.csv": (BUDGET, read_budget_workbook),
    "volymer.csv": (VOLUMES, read_volume_list),
    "volymer.xlsx": (VOLUMES_XLSX, read_volume_list),
}


@pytest.mark.parametrize("path", READERS)
@FUZZ
@given(data=st.data())
def test_reader(path, data):
    seed, read = READERS[path]
    refused_cleanly(read, data.draw(mutated(seed)), path)


@FUZZ
@given(mutated(SIE))
def test_sie_fast_path_and_summed_rows_read_as_the_tokenizer(data):
    """The parser's fast path for #TRANS lines gives what the tokenizer gives, errors included;
    summed rows keep the same amounts and the same refusals."""
    fast, slow = read_both_ways(data, "export.se")
    try:
        summed = parse_sie(data, "export.se", summed=True)
    except SourceError as err:
        summed = str(err)
    assert fast == slow
    if isinstance(slow, str):
        assert summed == slow
        return
    totals = defaultdict(Decimal)
    for row in slow.rows:
        totals[(row.konto, row.objekt, f"{row.date:%Y-%m}")] += row.amount
    for row in summed.summed:
        totals[(row.konto, row.objekt, f"{row.date:%Y-%m}")] -= row.amount
    assert not any(totals.values())
    assert (summed.row_count, summed.row_sums, summed.warnings) == (slow.row_count, slow.row_sums, slow.warnings)


@pytest.mark.parametrize("path", READERS)
def test_the_valid_seeds_read_and_an_empty_file_is_refused(path):
    seed, read = READERS[path]
    assert read(seed, path)
    with pytest.raises(SourceError) as err:
        read(b"", path)
    assert str(err.value).startswith(path + ":")


# --- The TOML files economists write: kontoplan and report layouts ----------------

KONTOPLAN = (EXAMPLE_DIR / "kontoplan.toml").read_bytes()
LAYOUT = (EXAMPLE_DIR / "layouter" / "driftredovisning.toml").read_bytes()
PLAN = load_kontoplan(EXAMPLE_DIR / "kontoplan.toml")


def refused_cleanly_from_file(load, data: bytes, name: str, error: type) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            load(path)
        except error as err:
            assert str(err).startswith(str(path) + ":"), str(err)
            assert err.message


FILE_READERS = {  # the file's name: (a valid file, its reader, the error the reader refuses with)
    "kontoplan.toml": (KONTOPLAN, load_kontoplan, KontoplanError),
    "layout.toml": (LAYOUT, lambda p: load_layout(p, PLAN), LayoutError),
    "periodisering.toml": ((EXAMPLE_DIR / "periodisering.toml").read_bytes(), load_periodisering, PeriodiseringError),
    "nyckeltal.toml": ((EXAMPLE_DIR / "nyckeltal.toml").read_bytes(), lambda p: load_specs(p, PLAN), NyckeltalError),
    "import.toml": ((EXAMPLE_DIR / "import.toml").read_bytes(), lambda p: load_import_config(p.parent), SourceError),
    # The ramberäkning's assumptions (budget/ÅR.toml), read and computed; the volumes inline (no CSV beside it).
    "2014.toml": ((REPO / "tests" / "fixtures" / "ramberakning-2014" / "budget" / "2014.toml").read_bytes().replace(
        b'fil = "aldre.csv"', b"volymer = { 2013 = 10000, 2014 = 10087, 2015 = 10175, 2016 = 10229 }"),
        lambda p: calculate_ram(parse_assumptions(p), 2014, 2, None), RamError),
}


@pytest.mark.parametrize("name", FILE_READERS)
@FUZZ
@given(data=st.data())
def test_file_reader(name, data):
    seed, load, error = FILE_READERS[name]
    refused_cleanly_from_file(load, data.draw(mutated(seed)), name, error)


def test_a_layout_that_is_not_utf8_is_refused_at_its_line(tmp_path):
    # Found by test_file_reader[layout.toml]: this was a UnicodeDecodeError traceback.
    path = tmp_path / "layout.toml"
    assert b"Nettokostnad" in LAYOUT
    path.write_bytes(LAYOUT.replace(b"Nettokostnad", b"Nettokostnad \xe4r", 1))
    with pytest.raises(LayoutError) as err:
        load_layout(path, PLAN)
    assert "är inte UTF-8" in str(err.value) and str(err.value).startswith(f"{path}:")
    assert err.value.line == path.read_bytes()[: path.read_bytes().index(b"\xe4")].count(b"\n") + 1


@pytest.mark.parametrize("method, says", [
    (99, "komprimerad eller krypterad"),  # a method zipfile does not know: a sound workbook it cannot unpack
    (14, "ingen XLSX-arbetsbok"),  # LZMA-in-zip as some tools write it (here: broken, a bad CRC)
])
def test_a_workbook_with_a_compression_zip_cannot_read_is_refused(method, says):
    # Found by atheris (tests/fuzz_atheris.py volymer-xlsx): a NotImplementedError traceback.
    data = bytearray(VOLUMES_XLSX)
    at = data.find(b"PK\x01\x02")  # every central directory entry: its compression method
    while at >= 0:
        data[at + 10:at + 12] = method.to_bytes(2, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    with pytest.raises(SourceError) as err:
        read_volume_list(bytes(data), "volymer.xlsx")
    assert str(err.value).startswith("volymer.xlsx: ") and "Excel" in str(err.value)
    assert says in str(err.value)


@pytest.mark.parametrize("name, text, line, message", [
    # Found by atheris (tests/fuzz_atheris.py layout, periodisering): each was a TypeError traceback.
    ("layout.toml", 'enhet = true\n', 1, 'enhet = true finns inte; välj "kr", "tkr" eller "mnkr".'),
    ("layout.toml", 'namn = "x"\nenhet = ["kr"]\n', 2, 'enhet = ["kr"] finns inte'),
    ("layout.toml", 'kolumner = 5\n', 1, "kolumner skrivs som tabeller, var och en under en rad [[kolumner]] (två hakparenteser)."),
    ("layout.toml", '[kolumner]\nmatt = "utfall"\n', 1, "kolumner skrivs som tabeller"),
    ("layout.toml", 'rader = [1]\n\n[[kolumner]]\nmatt = "utfall"\n', 1, "rader skrivs som tabeller"),
    ("layout.toml", '[[kolumner]]\nmatt = "utfall"\n\n[[rader]]\nnamn = "x"\nutom_verksamhet = 5\n', 4, "Verksamhet '5' finns inte i kontoplanen"),
    ("layout.toml", '[[kolumner]]\nmatt = "utfall"\n\n[[rader]]\nnamn = ["Kostnader"]\n', 4, 'namn = ["Kostnader"]: radens namn ska vara en text'),
    ("periodisering.toml", '[nycklar]\n"konto:5020" = ["semester"]\n', 2, "Nyckeln '['semester']' för 'konto:5020' finns inte"),
    ("periodisering.toml", 'standard = ["jämn"]\n', 1, "är ingen känd nyckel"),
    ("periodisering.toml", 'profiler = 5\n', 1, "[profiler] ska vara en tabell: skriv raden [profiler]"),
    ("periodisering.toml", 'nycklar = [1]\n', 1, "[nycklar] ska vara en tabell: skriv raden [nycklar]"),
])
def test_settings_with_values_of_the_wrong_kind_are_refused_at_their_line(tmp_path, name, text, line, message):
    _, load, error = FILE_READERS[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error) as err:
        load(path)
    assert str(err.value).startswith(f"{path}:{line}: ") and message in str(err.value), str(err.value)
