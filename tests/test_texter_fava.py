"""namndbok.plugins.texter in real Fava, through real Chromium: no text a ledger can carry runs in the browser.

A copy of the example gets a file (`payloads.beancount`) with a payload in every kind
of field Fava shows: payee, narration, entry and posting metadata, a cost label, the
metadata of open/close/pad/balance/commodity/price/custom entries, a commodity's name,
a note, an event's type and description, a query's name and text, a document's file
name, a custom entry's type and string value. A text payload is an `<img onerror>`
(Fava's journal is rendered with autoescape off and inserted into the page); an
attribute payload is a `'` that ends Fava's single-quoted attribute and adds an
`onanimationstart` handler that runs with no click (it borrows the keyframes of
Fava's own spinner). Each payload that runs adds its name to `self.hit`; the test
reads it with page.evaluate, and listens for dialogs, on every page that shows the
entries, in a read-only (`--skrivskyddad`) and a writable Fava.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE_DIR, line_of, run, start_fava
from test_fava_extension import TIMEOUT_MS, Visit  # noqa: F401  (browser is a fixture)

ACCOUNT = "Tillgångar:Socialnämnden:1699"
KEYFRAMES = "svelte-1ifuyh2-spinner"  # Fava 1.30's spinner; the attribute payloads borrow it


def text(name: str) -> str:
    """Markup that runs when Fava puts it into the page as HTML."""
    return f"<img src=x onerror=self.hit=[self.hit,'{name}']>"


def attribute(name: str) -> str:
    """A text that ends Fava's single-quoted attribute and runs with no click."""
    return (f"x' style='display:block;animation:{KEYFRAMES} 1ms' "
            f"onanimationstart='self.hit=[self.hit,/{name}/]")


DOCUMENT = f"kvitto{text('document')}.pdf"

PAYLOADS = f"""\
option "name_assets" "Tillgångar"
option "name_liabilities" "Skulder"
option "name_equity" "Eget-kapital"
option "name_income" "Intäkter"
option "name_expenses" "Kostnader"

2026-10-01 open {ACCOUNT} SEK,KR
  kommentar: "{text('open')}"
  kod: "{attribute('openattr')}"
2026-10-01 commodity KR
  name: "{attribute('commodityname')}"
  kommentar: "{text('commodity')}"
2026-10-02 pad {ACCOUNT} Tillgångar:Socialnämnden:1690
  kommentar: "{text('pad')}"
2026-10-03 balance {ACCOUNT} 5.00 SEK
  kommentar: "{text('balance')}"
2026-10-04 * "{text('payee')}" "{text('narration')}"
  kommentar: "{attribute('entrymeta')}"
  Tillgångar:Socialnämnden:1699   1 KR {{1.00 SEK, "{text('label')}"}}
    notering: "{text('postingmeta')}"
    kod: "{attribute('postingattr')}"
  Tillgångar:Socialnämnden:1690  -1.00 SEK
2026-10-05 note {ACCOUNT} "{text('note')}"
2026-10-06 event "{attribute('eventtype')}" "{text('eventdescription')}"
2026-10-07 query "{text('queryname')}" "SELECT account WHERE narration = '{text('querytext')}'"
2026-10-08 document {ACCOUNT} "{DOCUMENT}"
2026-10-09 custom "{attribute('customtype')}" "{text('customvalue')}" 1.00 KR
  kommentar: "{text('custommeta')}"
2026-10-10 price KR 1.00 SEK
  kommentar: "{text('price')}"
2026-10-30 close {ACCOUNT}
  kommentar: "{text('close')}"
"""

# Fava's pages that show the entries above, each with an element that is there once it has drawn.
PAGES = {
    "journal": ("journal/?time=2026-10", ".journal li"),
    "account": (f"account/{ACCOUNT}/?time=2026-10", ".journal li"),
    "documents": ("documents/", "article"),
    "query": ("query/", "article"),
    "events": ("events/", "article"),
    "commodities": ("commodities/", "article"),
    "errors": ("errors/", "article"),
    "options": ("options/", "article"),
    "statistics": ("statistics/", "article"),
}


# Every kind of journal entry shown, with its metadata and postings (events have no button in Fava 1.30).
SHOW_ALL = ("localStorage.setItem('fava-journal-show', JSON.stringify(['balance', 'budget', 'cleared', 'close', "
            "'custom', 'discovered', 'document', 'event', 'linked', 'metadata', 'note', 'open', 'other', 'pad', "
            "'pending', 'postings', 'query', 'statement', 'transaction']));")


def payload_copy(folder: Path) -> Path:
    """A copy of the example (report sets left out) that includes payloads.beancount: its main file."""
    copy = folder / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy, ignore=shutil.ignore_patterns("rapporter"))
    (copy / "payloads.beancount").write_text(PAYLOADS, encoding="utf-8")
    (copy / DOCUMENT).write_bytes(b"%PDF-1.4\n")
    plan = copy / "kontoplan.toml"
    old = '"1690" = { namn = "Avräkning med kommunstyrelsen" }'
    text_ = plan.read_text(encoding="utf-8")
    assert old in text_
    plan.write_text(text_.replace(old, old + '\n"1699" = { namn = "Provkonto" }'), encoding="utf-8")
    main = copy / "socialnamnden.beancount"
    with main.open("a", encoding="utf-8") as out:
        out.write('\ninclude "payloads.beancount"\n')
    return main


@pytest.fixture(scope="module")
def payload_ledger(tmp_path_factory):
    return payload_copy(tmp_path_factory.mktemp("payloads"))


@pytest.fixture(scope="module", params=["--skrivskyddad", "skrivbar"])
def payload_fava(request, payload_ledger):
    args = [request.param] if request.param.startswith("--") else []
    proc, url, _ = start_fava(*args, str(payload_ledger))
    yield url.rsplit("/income_statement/", 1)[0]
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()


def test_favas_spinner_keyframes_still_exist():
    """The attribute payloads run only if Fava's CSS has these keyframes (else they would prove nothing)."""
    import fava

    css = (Path(fava.__file__).parent / "static" / "app.css").read_text(encoding="utf-8")
    assert f"@keyframes {KEYFRAMES}" in css


@pytest.mark.slow
@pytest.mark.parametrize("page", list(PAGES))
def test_no_payload_runs_on_favas_pages(browser, payload_fava, page):  # noqa: F811
    path, drawn = PAGES[page]
    visit = Visit(browser, f"{payload_fava}/{path}", SHOW_ALL)
    try:
        visit.page.locator(drawn).first.wait_for(state="attached", timeout=TIMEOUT_MS)
        visit.page.wait_for_timeout(1000)  # the broken images' onerror and the animations
        hit = visit.page.evaluate("self.hit === undefined ? [] : String(self.hit).split(',').filter(x => x && x !== 'undefined')")
        assert hit == [], f"payloads that ran on {page}: {hit}"
        assert visit.dialogs == []
        assert visit.page.title() != "XSS"
    finally:
        visit.close()


@pytest.mark.slow
def test_the_journal_shows_the_payloads_as_text(browser, payload_fava):  # noqa: F811
    """The payloads are there, shown as text (the test above would pass on a journal that hid them)."""
    visit = Visit(browser, f"{payload_fava}/journal/?time=2026-10", SHOW_ALL)
    try:
        visit.page.locator(".journal li").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        journal = visit.page.locator("ol.journal.show-transaction").inner_text()
        for name in ("payee", "narration", "note", "label", "customvalue", "queryname"):
            assert text(name).translate(str.maketrans("<>", "‹›")) in journal, name
        assert visit.page.locator(".journal img").count() == 0
    finally:
        visit.close()


def test_kontrollera_lists_every_payload_at_its_line(payload_ledger):
    code, output = run("kontrollera", payload_ledger)
    payloads = payload_ledger.parent / "payloads.beancount"
    warned = {int(line.split(":")[1]) for line in output.splitlines()
              if line.startswith(f"{payloads}:") and "Varning: texten" in line}
    expected = {line_of(payloads, needle) for needle in (
        "open Tillgångar", "commodity KR", "pad Tillgångar", "balance Tillgångar", '2026-10-04 *',
        "note Tillgångar", "event ", "query ", "custom ", "price KR", "close Tillgångar")}
    assert warned == expected
    refused = [line for line in output.splitlines() if line.startswith(f"{payloads}:{line_of(payloads, 'document ')}:")]
    assert len(refused) == 1 and "filnamn" in refused[0] and not refused[0].split(": ", 1)[1].startswith("Varning")
    assert code != 0
