"""The page "Kommun" in real Fava serving a kommun's ledgers (`namndbok fava --kommun-katalog KATALOG`), seen through
real Chromium: the same cells as `namndbok kommun`, each nämnd linked to its own ledger's pages; and no such
page when Fava serves one ledger."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote, unquote

import pytest
from click.testing import CliRunner

from conftest import start_fava
from kommun_builder import add_finans, build_kommun

from namndbok.scripts.cli import main

PER = "2026-10"


@pytest.fixture(scope="module")
def kommun_fava(tmp_path_factory):
    folder = build_kommun(tmp_path_factory.mktemp("kommun"))
    add_finans(folder, Decimal("1857697200.00"), Decimal("1548081000.02"))
    proc, url, printed = start_fava("--kommun-katalog", str(folder), timeout=120)
    yield folder, url, printed
    proc.terminate()
    proc.wait(timeout=10)


def markdown_cells(text: str) -> list[list[str]]:
    """The body rows of `namndbok kommun --format markdown`, bold marks taken off."""
    rows = [line for line in text.splitlines() if line.startswith("| ")][2:]  # after the header and the rule
    return [[cell.strip().strip("*") for cell in row.strip().strip("|").split(" | ")] for row in rows]


def test_the_kommun_page_shows_the_clis_cells_and_links_each_nämnds_pages(browser, kommun_fava):
    folder, url, printed = kommun_fava
    assert "/extension/Namndbok/?sida=kommun" in url
    assert "Fava med kommunen: http://" in printed
    result = CliRunner().invoke(main, ["kommun", str(folder), "--per", PER, "--format", "markdown"])
    assert result.exit_code == 0, result.stderr
    expected = markdown_cells(result.stdout)
    page = browser.new_page()
    try:
        page.goto(f"{url}&time={PER}")
        table = page.locator("table#kommun")
        shown = table.locator("tbody tr").evaluate_all(
            "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))")
        # the web signs a positive avvikelse (+1,0), as on every page of ours (namndbok_fava.tone)
        assert [[c[1:] if i == 5 and c.startswith("+") else c for i, c in enumerate(row)] for row in shown] == expected
        assert any(row[5].startswith("+") for row in shown)
        tabs = page.locator("nav.flikar a").all_inner_texts()
        assert "Kommun" in tabs
        page.locator("table#kommun a", has_text="Socialnämnden").click()  # Fava's router: the other ledger's page
        page.wait_for_url(lambda address: "/socialnämnden-testkommun/extension/Namndbok/" in unquote(address))
        page.locator("h2", has_text="Nämndbok – Översikt").wait_for()
        assert "time=2026-10" in page.url  # Fava's filter kept
        assert "Socialnämnden – Testkommun" in page.title()
    finally:
        page.close()


def test_one_ledger_has_no_kommun_page(browser, fava_url):
    page = browser.new_page()
    try:
        base = fava_url.split("/income_statement/")[0]
        page.goto(f"{base}/extension/Namndbok/?sida=kommun")
        assert "Kommun" not in page.locator("nav.flikar a").all_inner_texts()
        assert page.locator("table#kommun").count() == 0
        assert page.locator("h2", has_text="Nämndbok – Översikt").count() == 1  # an unknown page is the first one
    finally:
        page.close()


def test_the_kommun_page_names_a_nämnd_whose_ledger_has_errors_and_shows_no_figures(tmp_path):
    import urllib.request

    from conftest import line_of

    folder = build_kommun(tmp_path)
    add_finans(folder, Decimal(0), Decimal(0))
    ledger = folder / "socialnamnden" / "socialnamnden.beancount"
    with ledger.open("a", encoding="utf-8") as f:
        f.write('\n2026-10-15 * "Felbokning"\n  Kostnader:Socialnämnden:999:4610  100.00 SEK\n'
                "  Tillgångar:Socialnämnden:1690\n")
    line = line_of(ledger, "Kostnader:Socialnämnden:999:4610")
    proc, url, _ = start_fava("--kommun-katalog", str(folder), timeout=120)
    try:
        html = urllib.request.urlopen(f"{quote(url, safe=':/?=&')}&time={PER}", timeout=60).read().decode("utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
    assert "id=\"kommun\"" not in html
    message = html.split('<p class="meddelande">', 1)[1].split("</p>", 1)[0]
    assert str(tmp_path) not in message  # no server paths in our text
    assert (f"Nämnden i socialnamnden kan inte läsas: Liggaren har 1 fel (socialnamnden/socialnamnden.beancount:{line}: "
            "Okänd verksamhet &#39;999&#39;") in message
