"""namndbok.plugins.texter: markup in ledger texts is made harmless for Fava's unescaped journal."""

from __future__ import annotations

from beancount.core import data

from conftest import line_of


def test_markup_in_narration_payee_and_metadata_becomes_lookalikes(write_ledger):
    path, entries, errors, _ = write_ledger('plugin "namndbok.plugins.texter"\n' + """
2026-01-31 * "<b>Leverantör</b>" "Faktura <img src=x onerror=alert(1)>"
  kommentar: "mindre än <10"
  Kostnader:Socialnämnden:5731:4610:2200   100.00 SEK
  Tillgångar:Socialnämnden:1690
2026-02-28 * "Vanlig text"
  Kostnader:Socialnämnden:5731:4610:2200   100.00 SEK
  Tillgångar:Socialnämnden:1690
""")
    (txn, plain) = [e for e in entries if isinstance(e, data.Transaction)]
    assert txn.payee == "‹b›Leverantör‹/b›"
    assert txn.narration == "Faktura ‹img src=x onerror=alert(1)›"
    assert txn.meta["kommentar"] == "mindre än ‹10"
    assert plain.narration == "Vanlig text"
    assert [(e.source["lineno"], e.message.split(";")[0]) for e in errors] == [
        (line_of(path, "<b>Leverantör"), "Varning: texten innehöll < eller >, som Fava visar som HTML")]


def test_every_kind_of_text_is_looked_at(write_ledger):
    """The quick look skips only what cannot hold free text; each kind with text is cleaned."""
    path, entries, errors, _ = write_ledger('plugin "namndbok.plugins.texter"\n' + """
2026-01-02 open Kostnader:Socialnämnden:5731:4611:2200
  kommentar: "öppnat <i>i dag</i>"
2026-01-31 * "Faktura"
  Kostnader:Socialnämnden:5731:4610:2200   100.00 SEK
    notering: "<script>x</script>"
  Tillgångar:Socialnämnden:1690
2026-02-01 custom "prognos" Kostnader:Socialnämnden:5731 -100.00 SEK
  kommentar: "vanlig"
2026-02-02 note Kostnader:Socialnämnden:5731:4610:2200 "Se <a href=x>här</a>"
2026-02-03 custom "anteckning" "<b>fet</b>"
2026-02-04 * "Ren" "Helt vanlig"
  Kostnader:Socialnämnden:5731:4610:2200   1.00 SEK
  Tillgångar:Socialnämnden:1690
""")
    opened = next(e for e in entries if isinstance(e, data.Open) and e.account.endswith("4611:2200"))
    assert opened.meta["kommentar"] == "öppnat ‹i›i dag‹/i›"
    faktura = next(e for e in entries if isinstance(e, data.Transaction) and e.narration == "Faktura")
    assert faktura.postings[0].meta["notering"] == "‹script›x‹/script›"
    note = next(e for e in entries if isinstance(e, data.Note))
    assert note.comment == "Se ‹a href=x›här‹/a›"
    custom = next(e for e in entries if isinstance(e, data.Custom) and e.type == "anteckning")
    assert custom.values[0].value == "‹b›fet‹/b›"
    warned = sorted(e.source["lineno"] for e in errors if e.message.startswith("Varning: texten"))
    assert warned == sorted(line_of(path, text) for text in ("open Kostnader:Socialnämnden:5731:4611", '"Faktura"',
                                                             "Se <a href", '"anteckning"'))


# ---------------------------------------------------------------------------
# The whole class: every kind of field a ledger can carry and Fava shows.

import textwrap  # noqa: E402

import pytest  # noqa: E402
from beancount.parser import parser  # noqa: E402

from namndbok.plugins import texter  # noqa: E402

LOOKALIKE = str.maketrans("<>", "‹›")


def test_the_table_names_every_field_of_every_directive_type():
    """A directive type or field Beancount adds fails here until someone says what kind it is."""
    assert set(texter.FIELDS) == set(data.ALL_DIRECTIVES)
    for kind in data.ALL_DIRECTIVES:
        assert set(texter.FIELDS[kind]) == set(kind._fields), kind.__name__
    assert set(texter.POSTING_FIELDS) == set(data.Posting._fields)
    assert set(texter.COST_FIELDS) == set(data.Cost._fields) | set(data.CostSpec._fields)
    kinds = {kind for fields in (*texter.FIELDS.values(), texter.POSTING_FIELDS, texter.COST_FIELDS)
             for kind in fields.values()}
    assert kinds <= {texter.TEXT, texter.ATTRIBUTE, texter.PATH, texter.META, texter.POSTINGS, texter.VALUES,
                     texter.COST, texter.GRAMMAR, texter.INERT}


def test_a_directive_type_the_table_does_not_know_is_cleaned_not_skipped():
    from typing import NamedTuple

    class Later(NamedTuple):  # what a later Beancount might add
        meta: dict
        date: object
        label: str
        number: int

    entry = Later({"filename": "x.beancount", "lineno": 3}, None, "x' onclick='y' <b>", 1)
    assert texter._needs_cleaning(entry)
    cleaned = texter.clean_entry(entry)
    assert cleaned.entry.label == "x’ onclick=’y’ ‹b›" and cleaned.entry.number == 1


@pytest.mark.parametrize("where, text", [
    ("an account", "2026-01-01 open Assets:A<b>\n"),
    ("an account", "2026-01-01 open Assets:A'b\n"),
    ("a currency", "2026-01-01 commodity A<B\n"),
    ("a currency", "2026-01-01 commodity A>B\n"),
    ("a tag", '2026-01-01 * "x" #t<b\n  Assets:A  1 SEK\n  Assets:B\n'),
    ("a tag", '2026-01-01 * "x" #t\'b\n  Assets:A  1 SEK\n  Assets:B\n'),
    ("a link", '2026-01-01 * "x" ^l<b\n  Assets:A  1 SEK\n  Assets:B\n'),
    ("a link", '2026-01-01 * "x" ^l\'b\n  Assets:A  1 SEK\n  Assets:B\n'),
    ("a metadata key", '2026-01-01 * "x"\n  k<b: "v"\n  Assets:A  1 SEK\n  Assets:B\n'),
    ("a metadata key", '2026-01-01 * "x"\n  k\'b: "v"\n  Assets:A  1 SEK\n  Assets:B\n'),
    ("a flag", '2026-01-01 < "x"\n  Assets:A  1 SEK\n  Assets:B\n'),
    ("a posting's flag", '2026-01-01 * "x"\n  < Assets:A  1 SEK\n  Assets:B\n'),
])
def test_the_grammar_lets_no_markup_into_names(where, text):
    """The fields texter leaves to Beancount's grammar cannot hold < > or ' (a currency can hold ', below)."""
    entries, errors, _ = parser.parse_string(text)
    assert errors, f"{where}: {text!r} parsed"


def test_a_currency_may_hold_an_apostrophe():
    """Documented in texter: a currency may hold ' (and only A–Z 0–9 ' . _ -), which Fava escapes
    where it could end an attribute."""
    entries, errors, _ = parser.parse_string("2026-01-01 commodity A'B\n")
    assert not errors and entries[0].currency == "A'B"


def test_a_payload_in_every_kind_of_field(write_ledger, tmp_path):
    document = "kvitto<img src=x onerror=alert(1)>.pdf"
    (tmp_path / document).write_bytes(b"%PDF-1.4\n")
    (tmp_path / "vanligt kvitto.pdf").write_bytes(b"%PDF-1.4\n")
    x = "<img src=x onerror=alert(1)>"
    path, entries, errors, options = write_ledger('plugin "namndbok.plugins.texter"\n' + textwrap.dedent(f"""\
        2026-01-02 commodity KR
          name: "Kronor {x}"
        2026-01-03 pad Tillgångar:Socialnämnden:1690 Kostnader:Socialnämnden:5731:4610:2200
          kommentar: "pad {x}"
        2026-01-04 balance Tillgångar:Socialnämnden:1690 5.00 SEK
          kommentar: "balance {x}"
        2026-01-05 * "payee {x}" "narration {x}"
          kommentar: "entry {x}"
          Tillgångar:Socialnämnden:1690   1 KR {{1.00 SEK, "label {x}"}}
            notering: "posting {x}"
          Tillgångar:Socialnämnden:1690  -1.00 SEK
        2026-01-06 note Tillgångar:Socialnämnden:1690 "note {x}"
        2026-01-07 event "typ' onclick='{x}" "description {x}"
        2026-01-08 query "query {x}" "SELECT account WHERE number < 0"
        2026-01-09 document Tillgångar:Socialnämnden:1690 "{document}"
        2026-01-09 document Tillgångar:Socialnämnden:1690 "vanligt kvitto.pdf"
        2026-01-10 custom "typ' onclick='{x}" "value {x}" 1.00 KR TRUE
          kommentar: "custom {x}"
        2026-01-11 price KR 1.00 SEK
          kommentar: "price {x}"
        2026-12-31 close Kostnader:Socialnämnden:5731:4610:2200
          kommentar: "close {x}"
        """))
    seen = x.translate(LOOKALIKE)
    one = {type(e).__name__: e for e in entries if e.meta.get("filename") == str(path)}
    assert one["Commodity"].meta["name"] == f"Kronor {seen}"
    assert one["Pad"].meta["kommentar"] == f"pad {seen}"
    assert one["Balance"].meta["kommentar"] == f"balance {seen}"
    txn = one["Transaction"]
    assert (txn.payee, txn.narration, txn.meta["kommentar"]) == (f"payee {seen}", f"narration {seen}", f"entry {seen}")
    assert txn.postings[0].cost.label == f"label {seen}" and txn.postings[0].meta["notering"] == f"posting {seen}"
    assert one["Note"].comment == f"note {seen}"
    assert (one["Event"].type, one["Event"].description) == (f"typ’ onclick=’{seen}", f"description {seen}")
    assert one["Query"].name == f"query {seen}"
    assert one["Query"].query_string == "SELECT account WHERE number < 0"  # BQL: left as it is
    custom = one["Custom"]
    assert custom.type == f"typ’ onclick=’{seen}" and custom.values[0].value == f"value {seen}"
    assert [v.value for v in custom.values[1:]] == [data.Amount(data.D("1.00"), "KR"), True]
    assert custom.meta["kommentar"] == f"custom {seen}"
    assert one["Price"].meta["kommentar"] == f"price {seen}"
    assert one["Close"].meta["kommentar"] == f"close {seen}"
    # A document's path must stay a real file: refused, left out; the plain one stays.
    documents = [e.filename for e in entries if isinstance(e, data.Document)]
    assert documents == [str(tmp_path / "vanligt kvitto.pdf")]
    # Every one at its file and line: the texts warned, the document an error (a fault).
    lines = lambda texts: sorted(line_of(path, t) for t in texts)  # noqa: E731
    warned = sorted(e.source["lineno"] for e in errors if e.message.startswith("Varning: t"))
    assert warned == lines(["commodity KR", "pad Tillgångar", "balance Tillgångar", '"payee', "note Tillgångar",
                            "event ", "query ", "custom ", "price KR", "close Kostnader"])
    from namndbok.loading import faults
    wrong = faults(errors)
    assert [(e.source["lineno"], e.message.split(";")[0]) for e in wrong] == [
        (line_of(path, "kvitto<img"), "Dokumentets filnamn innehåller < eller >, som Fava skulle visa som HTML")]
    both = next(e for e in errors if e.source["lineno"] == line_of(path, "event "))
    assert both.message.endswith("Typens ' visas som ’.")


def test_an_apostrophe_alone_is_cleaned_only_where_it_ends_an_attribute(write_ledger):
    path, entries, errors, _ = write_ledger('plugin "namndbok.plugins.texter"\n' + textwrap.dedent("""\
        2026-01-07 event "Kalle's" "Kalle's fest"
        2026-01-08 * "Kalle's" "Kalle's faktura"
          Kostnader:Socialnämnden:5731:4610:2200   1.00 SEK
          Tillgångar:Socialnämnden:1690
        """))
    event = next(e for e in entries if isinstance(e, data.Event))
    txn = next(e for e in entries if isinstance(e, data.Transaction) and e.payee == "Kalle's")
    assert (event.type, event.description, txn.narration) == ("Kalle’s", "Kalle's fest", "Kalle's faktura")
    assert [(e.source["lineno"], e.message) for e in errors if "typen" in e.message] == [
        (line_of(path, "event "), texter.QUOTE)]


def test_the_title_is_cleaned_at_its_line(write_ledger):
    path, entries, errors, options = write_ledger('plugin "namndbok.plugins.texter"\noption "title" "Nämnd <b>x</b>"\n')
    assert options["title"] == "Nämnd ‹b›x‹/b›"
    assert [(e.source["filename"], e.source["lineno"]) for e in errors if e.message.startswith("Varning: texten")] == [
        (str(path), line_of(path, 'option "title"'))]


def test_a_clean_ledger_comes_back_as_it_came():
    entries, _, options = parser.parse_string('2026-01-01 event "Ort" "Malmö"\n2026-01-02 query "q" "SELECT 1 < 2"\n')
    out, warnings = texter.texter(entries, options)
    assert out is entries and warnings == []


def test_the_manuals_example_is_what_the_plugin_does(write_ledger, tmp_path):
    """texter's docstring shows a ledger before and after: loading the first gives the second."""
    from beancount.parser import printer

    doc = texter.__doc__
    block = lambda head: textwrap.dedent(doc.split(head, 1)[1].split("\n\n", 2)[1])  # noqa: E731
    before, after = block("Before (a line of an export):"), block("After (what Fava and every other plugin see):")
    (tmp_path / "kvitto<1>.pdf").write_bytes(b"%PDF-1.4\n")
    path, entries, errors, _ = write_ledger('plugin "namndbok.plugins.texter"\n' + before)
    shown = "".join(printer.format_entry(e) for e in entries if e.meta.get("filename") == str(path))
    squeeze = lambda text: [" ".join(line.split()) for line in text.strip().splitlines()]  # noqa: E731
    assert squeeze(shown) == squeeze(after)
    assert [e.source["lineno"] for e in errors if e.message.startswith("Varning: texten")] == [line_of(path, "Leverantör")]
    assert [e.source["lineno"] for e in errors if e.message.startswith("Dokumentets")] == [line_of(path, "document")]
