"""plugins.texter: markup in ledger texts is made harmless for Fava's unescaped journal."""

from __future__ import annotations

from beancount.core import data

from conftest import line_of


def test_markup_in_narration_payee_and_metadata_becomes_lookalikes(write_ledger):
    path, entries, errors, _ = write_ledger('plugin "plugins.texter"\n' + """
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
    path, entries, errors, _ = write_ledger('plugin "plugins.texter"\n' + """
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
