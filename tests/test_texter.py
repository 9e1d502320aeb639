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
