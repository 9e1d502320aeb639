"""The Nämndbok pages in Fava: numbers that do not mislead, and what the CLI has that the web had not.

Through Fava's test client (the real app on the example ledger) and, for what a browser
decides (where a link lands, what fits on the screen), real chromium.
"""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from conftest import EXAMPLE_DIR, EXAMPLE_LEDGER
from test_fava_extension import Visit  # noqa: F401 - browser is the shared fixture

PERIOD = "2026-01-01 - 2026-10-31"  # the report's period at the example's last utfall


@pytest.fixture(scope="module")
def client():
    from fava.application import create_app
    from fava.util import slugify

    app = create_app([(EXAMPLE_DIR / "socialnamnden.beancount").resolve()], load=True)
    ledger = app.config["LEDGERS"].ledgers[0]
    test_client = app.test_client()

    def get(**params) -> str:
        response = test_client.get(f"/{slugify(ledger.options['title'])}/extension/Namndbok/",
                                   query_string={**params, "partial": "true"})
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "Sidan kunde inte visas" not in body, body
        return body

    return get


def cells(body: str, css_id: str) -> list[list[str]]:
    """The table's rows as the reader sees them: each cell's text (a comment beside it after " | ")."""
    table = re.search(rf'<table class="namndbok-tabell" id="{css_id}">(.*?)</table>', body, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        out = []
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S):
            cell = re.sub(r'<span class="kommentar">(.*?)</span>', r" | \1", cell)
            out.append(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip())
        rows.append(out)
    return rows


def row_of(rows: list[list[str]], start: str) -> dict[str, str]:
    headers = rows[0]
    found = [r for r in rows[1:] if r[0].startswith(start)]
    assert len(found) == 1, (start, [r[0] for r in rows])
    return dict(zip(headers, found[0]))


def notes(body: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<p class="tabellnot">(.*?)</p>', body, re.S)]


def links(body: str, css_id: str) -> dict[str, str]:
    table = re.search(rf'<table class="namndbok-tabell" id="{css_id}">(.*?)</table>', body, re.S).group(1)
    return {html.unescape(text).strip(): html.unescape(href) for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', table)}


def cli_csv(*args: str) -> list[list[str]]:
    from click.testing import CliRunner

    from namndbok.scripts.cli import main

    result = CliRunner().invoke(main, [*args, "-f", str(EXAMPLE_LEDGER), "--format", "csv"])
    assert result.exit_code == 0, result.output
    return [row for row in csv.reader(io.StringIO(result.output), delimiter=";") if row]


# -- point 2: numbers that do not mislead ------------------------------------------------------


def test_a_prognos_per_verksamhet_is_not_compared_with_a_budget_per_konto(client):
    """Before: the row "(ej fördelat)" under 5731 showed prognos −233,6 and avvikelse helår −233,6."""
    body = client(sida="budget", time="2026-10", verksamhet="5731")
    rows = cells(body, "fordjupning")
    unallocated = row_of(rows, "(ej fördelat)")
    assert unallocated["Prognos helår"] == "-233,6"
    assert unallocated["Avvikelse helår"] == "" and unallocated["Avvikelse helår %"] == ""
    assert unallocated["Budget helår"] == ""  # empty, not 0,0
    konto = row_of(rows, "4610")
    assert konto["Avvikelse"] == "+3,3" and konto["Avvikelse helår"] == ""  # per konto too, signed (better than budget)
    said = notes(body)
    assert len(said) == 1, said
    assert "prognosen görs inte per konto" in said[0] and "(-233,6 mnkr)" in said[0]
    assert "för hela 5731 Institutionsvård (HVB) barn och unga -2,0 mnkr" in said[0]
    # The level above says the same -2,0, and has no note.
    above = client(sida="budget", time="2026-10", radgrupp="Barn- och ungdomsvård")
    assert row_of(cells(above, "fordjupning"), "5731")["Avvikelse helår"].startswith("-2,0")
    assert notes(above) == []


@pytest.mark.parametrize("time", ["2026-10", ""])
def test_a_konto_links_to_its_journal_for_the_reports_period_with_favas_filters(client, time):
    """Before: /account/Kostnader:Socialnämnden:5731:4610/ with no time (2023–2026, balance 458 mnkr),
    or time=2026-10 (October alone) when that was Fava's filter."""
    params = {"sida": "budget", "verksamhet": "5731", "filter": "#x", "conversion": "at_cost"}
    if time:
        params["time"] = time
    href = links(client(**params), "fordjupning")["4610 Köp av institutionsvård (HVB)"]
    url = urlsplit(href)
    assert unquote(url.path).endswith("/account/Kostnader:Socialnämnden:5731:4610/")
    assert parse_qs(url.query) == {"time": [PERIOD], "filter": ["#x"], "conversion": ["at_cost"]}


def test_every_drill_down_link_keeps_favas_filters_and_the_readers_choices(client):
    body = client(sida="budget", time="2026-10", account="Kostnader", enhet="tkr", budgetversion="KF-budget 2026")
    for label, href in links(body, "fordjupning").items():
        query = parse_qs(urlsplit(href).query)
        assert query["time"] == ["2026-10"] and query["account"] == ["Kostnader"], label
        assert query["enhet"] == ["tkr"] and query["budgetversion"] == ["KF-budget 2026"], label


@pytest.mark.parametrize("sida", ["budget", "prognos", "nyckeltal", "eget-kapital"])
def test_the_konto_filter_is_said_not_to_apply_to_our_tables(client, sida):
    """Before: Fava's Konto box was silently ignored; the tables looked filtered and were the whole nämnd's."""
    body = client(sida=sida, time="2026-10", account="Kostnader:Socialnämnden:5731")
    said = re.search(r'<p class="notis" role="note">(.*?)</p>', body, re.S)
    assert said is not None
    text = html.unescape(said.group(1))
    assert "Kontofiltret ”Kostnader:Socialnämnden:5731” gäller Favas egna rapporter, inte Nämndboks tabeller" in text
    assert "verksamheten 5731 Institutionsvård (HVB) barn och unga" in text
    target = parse_qs(urlsplit(re.search(r'<a href="([^"]+)">visa 5731', text).group(1)).query)
    assert (target["sida"], target["verksamhet"], target["radgrupp"]) == (["budget"], ["5731"], ["Barn- och ungdomsvård"])
    assert '<p class="notis"' not in client(sida=sida, time="2026-10")


# -- point 4: what the CLI has ------------------------------------------------------------------


def test_comments_stand_beside_their_avvikelse_as_namndbok_avvikelser_shows_them(client):
    """The comment file's (550, 572) before the prognos lines' kommentar: (5731), as `namndbok avvikelser` prints them."""
    from click.testing import CliRunner

    from namndbok.scripts.cli import main

    result = CliRunner().invoke(main, ["avvikelser", "-f", str(EXAMPLE_LEDGER), "--per", "2026-10", "--troskel", "0"])
    assert result.exit_code == 0, result.output
    printed = {line.split()[1]: line for line in result.output.splitlines() if line.startswith("- ")}
    drill = cells(client(sida="budget", time="2026-10", radgrupp="Barn- och ungdomsvård"), "fordjupning")
    prognos = cells(client(sida="prognos", time="2026-10"), "prognos")
    for rows, codes in ((drill, ("5731", "5732")), (prognos, ("550", "572", "5731"))):
        for code in codes:
            shown = row_of(rows, code)["Avvikelse helår"]
            assert " | " in shown, (code, shown)
            comment = shown.split(" | ", 1)[1]
            assert printed[code].endswith(f". {comment}"), (code, comment, printed[code])
    assert row_of(prognos, "550")["Avvikelse helår"].endswith("| Två nya ärenden med personlig assistans från våren; "
                                                               "kostnaden saknar budget eftersom verksamheten budgeteras till noll.")
    assert " | " not in row_of(drill, "5733")["Avvikelse helår"]  # no comment: none shown


def test_the_drill_down_per_ansvar_names_the_units_and_leads_to_their_accounts(client):
    body = client(sida="budget", time="2026-10", per="ansvar")
    rows = cells(body, "fordjupning")
    assert rows[0][0] == "Ansvar"
    unit = row_of(rows, "2200 Placeringsenhet")
    assert unit["Utfall"] == "-222,4"
    assert unit["Avvikelse"] == "" and unit["Budget"] == ""  # budgeted per konto, not per ansvar: nothing to compare
    assert any("budgeten är inte fördelad per ansvar" in n for n in notes(body))
    href = links(body, "fordjupning")["2200 Placeringsenhet"]
    assert parse_qs(urlsplit(href).query)["per"] == ["ansvar"]
    deeper = client(sida="budget", time="2026-10", per="ansvar", ansvar="2200")
    assert "Nettokostnader per verksamhet och konto" in deeper
    account = links(deeper, "fordjupning")["5731 Institutionsvård (HVB) barn och unga / 4610 Köp av institutionsvård (HVB)"]
    assert unquote(urlsplit(account).path).endswith("/account/Kostnader:Socialnämnden:5731:4610:2200/")


def test_tkr_and_a_budget_version_are_the_clis(client):
    """The drill-down's totals equal `namndbok uppfoljning --enhet tkr --budgetversion …`."""
    version = "KF-budget 2026"
    cli = cli_csv("uppfoljning", "--per", "2026-10", "--enhet", "tkr", "--budgetversion", version)
    expected = dict(zip(cli[0], cli[-1]))
    body = client(sida="budget", time="2026-10", enhet="tkr", budgetversion=version)
    total = row_of(cells(body, "fordjupning"), "Summa nettokostnader")
    assert total["Budget helår"].replace(" ", "").replace("\u2009", "") == expected["Budget helår"]
    assert total["Utfall"].replace(" ", "") == expected["Utfall okt 2026"]
    assert "(tkr)" in body and f'<option value="{version}" selected>' in body
    report = cells(body, "rapport")
    assert report[0][0] == "Tkr" and row_of(report, "Nettokostnader")["Utfall jan–okt 2026"] == total["Utfall"]
    assert total["Budget helår"] != row_of(cells(client(sida="budget", time="2026-10", enhet="tkr"), "fordjupning"),
                                          "Summa nettokostnader")["Budget helår"]  # the version makes a difference
    prognos = client(sida="prognos", time="2026-10", enhet="tkr", budgetversion=version)
    assert row_of(cells(prognos, "prognos"), "Summa nettokostnader")["Budget helår 2026"].replace(" ", "") == expected["Budget helår"]


def test_layouts_are_chosen_by_title_and_investeringar_has_no_nettokostnad_drill_down(client):
    body = client(sida="budget", time="2026-10")
    assert '<option value="driftredovisning" selected>Driftsredovisning</option>' in body
    assert '<option value="nettokostnader">Verksamhetens nettokostnader</option>' in body
    investeringar = client(sida="budget", time="2026-10", layout="investeringar")
    assert "Investeringar per 31 oktober 2026" in investeringar
    assert "Fördjupning" not in investeringar and 'id="fordjupning"' not in investeringar
    assert "Utfall per månad mot periodiserad budget" not in investeringar


def test_nyckeltal_name_their_verksamheter_with_the_text_columns_first(client):
    rows = cells(client(sida="nyckeltal", time="2026-10"), "nyckeltal")
    assert rows[0][:3] == ["Verksamhet", "Mått", "Enhet"]
    assert row_of(rows, "5731 Institutionsvård")["Mått"] == "Kostnad per vårddygn på institution"
    assert row_of(rows, "5731 extern: Institutionsvård (HVB) barn och unga")["Enhet"] == "vårddygn"


# -- in a browser -------------------------------------------------------------------------------


@pytest.mark.slow
def test_in_chromium_a_konto_opens_its_journal_for_the_period(browser, fava_url):
    """Before: the journal ran 2023–2026 to a balance of 458 mnkr."""
    base = fava_url.rsplit("/income_statement/", 1)[0]
    visit = Visit(browser, f"{base}/extension/Namndbok/?sida=budget&verksamhet=5731", width=1400)
    try:
        page = visit.page
        utfall = page.locator("#fordjupning tr", has_text="4610 Köp av").locator("td").nth(1).inner_text()
        assert utfall == "-100,5"
        page.locator("#fordjupning a", has_text="4610").click()
        page.wait_for_url(re.compile(r"/account/"), timeout=60_000)
        page.wait_for_load_state("networkidle", timeout=60_000)
        assert parse_qs(urlsplit(page.url).query)["time"] == [PERIOD]
        journal = page.locator("article").inner_text().replace("\xa0", " ")
        assert "2025-12-31" not in journal and "2026-10-31" in journal
        assert "100 468 267,84" in journal  # the running balance at 31 October: the table's −100,5 mnkr
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_in_chromium_the_nyckeltal_fit_1400_px_with_text_left(browser, fava_url):
    """Before: the nyckeltal table ran past the page's edge at 1 400 px (Priseffekt cut off)."""
    base = fava_url.rsplit("/income_statement/", 1)[0]
    visit = Visit(browser, f"{base}/extension/Namndbok/?sida=nyckeltal&time=2026-10", width=1400)
    try:
        page = visit.page
        page.locator("#nyckeltal").wait_for(timeout=60_000)
        fits = page.evaluate("""() => {
            const t = document.querySelector('#nyckeltal');
            let box = t.parentElement;
            while (box && getComputedStyle(box).overflowX === 'visible' && box !== document.body) box = box.parentElement;
            return [t.getBoundingClientRect().right, box.getBoundingClientRect().right, box.scrollWidth, box.clientWidth];
        }""")
        assert fits[0] <= fits[1] + 0.5 and fits[2] <= fits[3], fits
        aligned = page.eval_on_selector_all("#nyckeltal tbody tr:first-child td",
                                            "cells => cells.map(c => getComputedStyle(c).textAlign)")
        assert set(aligned[:3]) <= {"left", "start"} and set(aligned[3:]) == {"right"}, aligned
        visit.assert_clean()
    finally:
        visit.close()
