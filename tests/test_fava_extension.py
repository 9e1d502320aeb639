"""The Nämndbok extension in real Fava, seen through a real browser (Debian's Chromium).

Each of our pages and Fava's own main reports load without console errors,
every request stays on 127.0.0.1, the budgetuppföljning shows exactly the
CLI's cells, a hostile narration is shown as text, and a screenshot of each
of our pages is taken (kept in docs/skarmbilder/ when NAMNDBOK_SKARMBILDER=1).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, EXAMPLE_DIR, EXAMPLE_LEDGER, REPO, start_fava  # noqa: E402,F401

SCREENSHOTS = REPO / "docs" / "skarmbilder"
TIMEOUT_MS = 60_000
OUR_PAGES = {
    "oversikt": ("oversikt", "Nämndbok – Översikt"),
    "budgetuppfoljning": ("budget", "Nämndbok – Budgetuppföljning"),
    "prognos": ("prognos", "Nämndbok – Prognos"),
    "eget-kapital": ("eget-kapital", "Nämndbok – Eget kapital"),
    "nyckeltal": ("nyckeltal", "Nämndbok – Nyckeltal"),
    "budgetarbete": ("budgetarbete", "Nämndbok – Budgetarbete"),
}
XSS = "<script>alert(1)</script>"
HOSTILE_NAME = "<img src=x onerror=alert(3)>"
EVENT_HANDLER = "<img src=x onerror=alert(4)>"




def _base(income_statement_url: str) -> str:
    return income_statement_url.rsplit("/income_statement/", 1)[0]




@pytest.fixture(scope="module")
def fava_base(fava_url):
    return _base(fava_url)


class Visit:
    """One page in a fresh browser context, with what it logged, requested and opened."""

    def __init__(self, browser, url: str, init_script: str | None = None, width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.set_default_timeout(TIMEOUT_MS)
        if init_script:
            self.context.add_init_script(init_script)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(url, timeout=TIMEOUT_MS)
        self.page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def heading(self, text: str) -> None:
        self.page.get_by_role("heading", name=text, exact=True).wait_for(state="visible", timeout=TIMEOUT_MS)

    def close(self) -> None:
        self.context.close()

    def assert_clean(self) -> None:
        assert self.errors == []
        foreign = [u for u in self.requests
                   if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"]
        assert foreign == [], f"requests outside 127.0.0.1: {foreign}"
        assert self.requests, "the page made no requests at all?"


def _ours(base: str, sida: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"sida": sida, **params}.items())
    return f"{base}/extension/Namndbok/?{query}"


@pytest.mark.parametrize("name", list(OUR_PAGES))
@pytest.mark.slow
def test_our_pages_load_clean_local_and_screenshot(browser, fava_base, name, tmp_path):
    sida, heading = OUR_PAGES[name]
    visit = Visit(browser, _ours(fava_base, sida))
    try:
        visit.heading(heading)
        # Tables and the charts, every one drawn by plotly (its svg) from the figure the server computed.
        assert visit.page.locator("table.namndbok-tabell").count() >= 1
        charts = visit.page.locator(".namndbok-diagram")
        assert len(_drawn(visit.page)) == charts.count() == (2 if sida == "budget" else 1)
        assert visit.page.locator(".namndbok-diagram .main-svg").count() >= charts.count()
        visit.assert_clean()
        _screenshot(visit, name, tmp_path)
    finally:
        visit.close()


def _screenshot(visit: Visit, name: str, tmp_path: Path) -> None:
    """The page as it stands, whole (Fava scrolls inside its article, so the window is made as tall
    as the content), written to docs/skarmbilder/NAME.png: the docs' pictures are renewed by every
    test run (taken in a temporary file, then moved in place, so a picture is never half written)."""
    page = visit.page
    page.set_viewport_size({"width": 1400, "height": 900})
    height = page.evaluate("() => Math.max(900, ...Array.from(document.querySelectorAll('article'),"
                           " a => a.getBoundingClientRect().top + a.scrollHeight))")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 20, 4000)})
    page.wait_for_timeout(500)  # plotly redraws its charts at the new size
    taken = tmp_path / f"{name}.png"
    page.screenshot(path=str(taken))
    assert taken.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.move(str(taken), str(SCREENSHOTS / f"{name}.png"))


# Views beyond our pages' first screen, for the docs: (picture, address below the ledger, what to wait for).
MORE_VIEWS = {
    "budget-verksamhet-5731": ("extension/Namndbok/?sida=budget&radgrupp=Barn-+och+ungdomsv%C3%A5rd&verksamhet=5731",
                               ".namndbok-diagram[data-ritat]"),
    "budget-per-ansvar": ("extension/Namndbok/?sida=budget&per=ansvar", ".namndbok-diagram[data-ritat]"),
    "fava-resultatrakning": ("income_statement/?time=2026", ".chart-wrapper svg g"),
    "fava-konto-andringar": ("account/Kostnader:Socialn%C3%A4mnden:5731/?r=changes&time=2026", ".chart-wrapper svg g"),
}


@pytest.mark.parametrize("name", list(MORE_VIEWS))
@pytest.mark.slow
def test_more_views_load_clean_and_are_pictured(browser, fava_base, name, tmp_path):
    path, ready = MORE_VIEWS[name]
    visit = Visit(browser, f"{fava_base}/{path}")
    try:
        visit.page.locator(ready).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        visit.page.wait_for_timeout(300)  # our browser module has put Fava's words in Swedish
        visit.assert_clean()
        _screenshot(visit, name, tmp_path)
    finally:
        visit.close()


@pytest.mark.parametrize("report, heading", [
    ("income_statement", "Resultaträkning"),
    ("balance_sheet", "Balansräkning"),
    ("journal", "Huvudbok"),
])
@pytest.mark.slow
def test_favas_own_reports_load_clean(browser, fava_base, report, heading):
    visit = Visit(browser, f"{fava_base}/{report}/")
    try:
        visit.page.locator("article").wait_for(state="visible", timeout=TIMEOUT_MS)
        visit.page.get_by_role("heading").filter(has_text=heading).first.wait_for(timeout=TIMEOUT_MS)
        visit.assert_clean()
    finally:
        visit.close()


def _table_texts(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"{selector} tr",
        "rows => rows.map(r => Array.from(r.querySelectorAll('th, td')).map(c => c.textContent.trim()))",
    )


@pytest.mark.slow
def test_budgetuppfoljning_equals_cli(browser, fava_base):
    from click.testing import CliRunner

    from namndbok.scripts.cli import main

    from namndbok.export.csv_excel import excel_cell

    result = CliRunner().invoke(main, ["rapport", "driftredovisning", str(EXAMPLE_LEDGER), "--per", "2026-10", "--format", "csv"])
    assert result.exit_code == 0, result.output
    expected = [row for row in csv.reader(io.StringIO(result.output), delimiter=";") if row]

    visit = Visit(browser, _ours(fava_base, "budget", time="2026-10"))
    try:
        visit.heading("Nämndbok – Budgetuppföljning")
        shown = _table_texts(visit.page, "#rapport")
        assert len(shown) == len(expected)
        for shown_row, expected_row in zip(shown, expected):
            # The CSV has no thousands spaces; the web names the year to date ("Utfall jan–okt 2026") and
            # signs an avvikelse (+8,2) where the CLI prints the committee's table ("Utfall okt 2026", 8,2).
            assert [excel_cell(cell.removeprefix("+")).replace("jan–okt", "okt") for cell in shown_row] == expected_row
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_drill_down_and_layout_select(browser, fava_base):
    visit = Visit(browser, _ours(fava_base, "budget", time="2026-10"))
    try:
        visit.heading("Nämndbok – Budgetuppföljning")
        page = visit.page
        page.locator("#fordjupning a", has_text="Barn- och ungdomsvård").click()
        page.locator("#fordjupning caption", has_text="per verksamhet").wait_for(timeout=TIMEOUT_MS)
        page.locator("#fordjupning a", has_text="5731").click()
        page.locator("#fordjupning caption", has_text="per konto").wait_for(timeout=TIMEOUT_MS)
        assert "4610" in page.locator("#fordjupning").inner_text()
        # … and from the konto to Fava's own account page, with its journal.
        page.locator("#fordjupning a", has_text="4610").click()
        page.wait_for_url(re.compile(r"/account/Kostnader:Socialn"), timeout=TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        assert "Kostnader:Socialnämnden:5731:4610" in page.url.replace("%C3%A4", "ä")
        page.go_back()
        page.locator("#fordjupning caption", has_text="per konto").wait_for(timeout=TIMEOUT_MS)
        page.select_option("#namndbok-layout", "resultatrakning")
        page.locator("form.val button").click()
        page.locator("#rapport caption", has_text="Resultaträkning").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        visit.assert_clean()
    finally:
        visit.close()


@pytest.fixture(scope="module")
def hostile_fava(tmp_path_factory):
    """A copy of the example whose narration and verksamhet name are markup."""
    copy = tmp_path_factory.mktemp("hostile") / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy, ignore=shutil.ignore_patterns("rapporter"))
    main_file = copy / "socialnamnden.beancount"
    with main_file.open("a", encoding="utf-8") as out:
        out.write(f'\n2026-10-15 * "{XSS}"\n'
                  "  Kostnader:Socialnämnden:5731:4610:2200   1.00 SEK\n"
                  "  Tillgångar:Socialnämnden:1690           -1.00 SEK\n")
        out.write(f'\n2026-10-16 * "{EVENT_HANDLER}"\n'
                  "  Kostnader:Socialnämnden:5731:4610:2200   1.00 SEK\n"
                  "  Tillgångar:Socialnämnden:1690           -1.00 SEK\n")
    plan = copy / "kontoplan.toml"
    text = plan.read_text(encoding="utf-8")
    old = '"5731" = { namn = "Institutionsvård (HVB) barn och unga"'
    assert old in text
    plan.write_text(text.replace(old, f'"5731" = {{ namn = "{HOSTILE_NAME}"'), encoding="utf-8")
    proc, url, _ = start_fava(str(main_file))
    yield _base(url)
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.slow
def test_script_in_narration_runs_nothing(browser, hostile_fava):
    visit = Visit(browser, f"{hostile_fava}/journal/?time=2026-10-15")
    try:
        visit.page.locator(".journal .transaction").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        visit.page.wait_for_timeout(500)
        assert visit.dialogs == []
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_script_in_narration_shows_as_text(browser, hostile_fava):
    """Fava 1.30 renders its journal unescaped; namndbok.plugins.texter turns < > into ‹ › so it shows as text."""
    visit = Visit(browser, f"{hostile_fava}/journal/?time=2026-10-15")
    try:
        visit.page.get_by_text(XSS.translate(str.maketrans("<>", "‹›")), exact=True).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert visit.dialogs == []
        assert visit.page.locator("script:has-text('alert(1)')").count() == 0
    finally:
        visit.close()


@pytest.mark.slow
def test_event_handler_in_narration_runs_nothing(browser, hostile_fava):
    visit = Visit(browser, f"{hostile_fava}/journal/?time=2026-10-16")
    try:
        visit.page.locator(".journal .transaction").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        visit.page.wait_for_timeout(500)
        assert visit.dialogs == []
        assert visit.page.locator("img[onerror]").count() == 0
    finally:
        visit.close()


@pytest.mark.slow
def test_markup_in_kontoplan_name_is_text_on_our_pages(browser, hostile_fava):
    """Our pages escape every label: a verksamhet named like markup prints as that text."""
    for url in (_ours(hostile_fava, "budget", radgrupp="Barn- och ungdomsvård"), _ours(hostile_fava, "prognos")):
        visit = Visit(browser, url)
        try:
            visit.page.get_by_role("heading", name=re.compile("^Nämndbok – ")).wait_for(timeout=TIMEOUT_MS)
            visit.page.get_by_text(f"5731 {HOSTILE_NAME}", exact=True).first.wait_for(state="visible", timeout=TIMEOUT_MS)
            if "sida=budget" in url:  # the avvikelse chart names the verksamhet as text too
                _drawn(visit.page)
                assert f"5731 {HOSTILE_NAME}" in _texts(visit.page.locator(".namndbok-diagram").nth(1), ".ytick text")
            visit.page.wait_for_timeout(300)
            assert visit.dialogs == []
            assert visit.page.locator(".namndbok img").count() == 0
            visit.assert_clean()
        finally:
            visit.close()


# ---------------------------------------------------------------------------
# Without a browser: every page for many time filters, through Flask's test client.


@pytest.fixture(scope="module")
def fava_client():
    from fava.application import create_app
    from fava.util import slugify

    app = create_app([(EXAMPLE_DIR / "socialnamnden.beancount").resolve()], load=True)
    ledger = app.config["LEDGERS"].ledgers[0]
    assert not [e for e in ledger.errors if "namndbok_fava" in str(e.message)]
    return app.test_client(), slugify(ledger.options["title"])


@pytest.mark.parametrize("time_filter, date", [
    ("", "2026-10-31"), ("2026-10", "2026-10-31"), ("2026-03-15", "2026-03-15"), ("2026-Q3", "2026-09-30"),
    ("2025", "2025-12-31"), ("2023-06", "2023-06-30"), ("2020", "2020-12-31"), ("2027", "2027-12-31"),
])
def test_every_page_renders_at_any_report_date(fava_client, time_filter, date):
    client, slug = fava_client
    for sida, _ in OUR_PAGES.values():
        response = client.get(f"/{slug}/extension/Namndbok/?sida={sida}&time={time_filter}&partial=true")
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f'data-rapportdatum="{date}"' in body
        assert "Sidan kunde inte visas" not in body, body


def test_a_time_filter_that_cannot_be_read_is_said_in_swedish_on_every_page(fava_client):
    client, slug = fava_client
    for sida, _ in OUR_PAGES.values():
        response = client.get(f"/{slug}/extension/Namndbok/?sida={sida}&time=xyz&partial=true")
        body = response.get_data(as_text=True)
        assert response.status_code == 200, sida
        assert "Tidsfiltret ”xyz” går inte att läsa. Skriv till exempel 2026-10" in body, body


@pytest.mark.parametrize("value", ["2026-13", "2026-00", "2026-02-30", "2026-W60"])
def test_a_time_that_names_no_date_is_said_in_swedish_on_every_page(fava_client, value):
    """Fava reads these as a month, day or week and fails building the date: no 500, the same message as for text."""
    client, slug = fava_client
    for sida, _ in OUR_PAGES.values():
        response = client.get(f"/{slug}/extension/Namndbok/?sida={sida}&time={value}&partial=true")
        body = response.get_data(as_text=True)
        assert response.status_code == 200, (sida, value)
        assert f"Tidsfiltret ”{value}” går inte att läsa. Skriv till exempel 2026-10" in body, body
        assert str(EXAMPLE_DIR.resolve()) not in body


@pytest.mark.parametrize("broken, shown", [
    ("layouter/driftredovisning.toml", "layouter/driftredovisning.toml:1: Layouten är inte giltig TOML"),
    ("nyckeltal.toml", "nyckeltal.toml:1: "),
])
def test_a_page_that_cannot_be_shown_names_the_file_inside_the_ledgers_folder(example_copy, broken, shown):
    from fava.application import create_app
    from fava.util import slugify

    (example_copy.parent / broken).write_text("[[kolumner\n", encoding="utf-8")
    app = create_app([example_copy], load=True)
    slug = slugify(app.config["LEDGERS"].ledgers[0].options["title"])
    sida = "nyckeltal" if broken == "nyckeltal.toml" else "budget"
    body = app.test_client().get(f"/{slug}/extension/Namndbok/?sida={sida}&partial=true").get_data(as_text=True)
    assert f"Sidan kunde inte visas: {shown}" in body, body
    assert str(example_copy.parent) not in body


def test_parameters_are_chosen_from_known_values(fava_client):
    """A layout, radgrupp or verksamhet not in the ledger's folders or kontoplan falls back to the default."""
    client, slug = fava_client
    body = client.get(f"/{slug}/extension/Namndbok/?sida=budget&layout=../../kontoplan&radgrupp=%3Cb%3E"
                      "&verksamhet=9999&partial=true").get_data(as_text=True)
    assert "Driftsredovisning per 31 oktober 2026" in body
    assert "Nettokostnader per radgrupp" in body
    assert "<b>" not in body


def test_the_browser_gets_our_files_by_name_and_nothing_else(fava_client):
    """`statisk` serves plotly.js from its package and our module; a path or an unknown name is a 404."""
    import plotly

    client, slug = fava_client
    plotly_js = client.get(f"/{slug}/extension/Namndbok/statisk?fil=plotly.min.js")
    assert plotly_js.status_code == 200
    assert plotly_js.get_data() == (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    assert "max-age=86400" in plotly_js.headers["Cache-Control"]
    module = client.get(f"/{slug}/extension_js_module/Namndbok.js")
    assert module.status_code == 200 and b"onExtensionPageLoad" in module.get_data()
    for name in ("../__init__.py", "..%2F__init__.py", "Namndbok.js", "static_files.py", "", "x.js"):
        assert client.get(f"/{slug}/extension/Namndbok/statisk?fil={name}").status_code == 404, name


def _figures(body: str) -> list[dict]:
    """The plotly figures a page hands to diagram.js (`data-figur`, JSON escaped into an attribute)."""
    import html
    import json

    return [json.loads(html.unescape(found)) for found in re.findall(r'<div class="namndbok-diagram" data-figur="([^"]*)"', body)]


def _mnkr(amount) -> float:
    from decimal import ROUND_HALF_UP, Decimal

    return float((amount / Decimal(1_000_000)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _monthly_from_engine(data, date, where=None) -> list[tuple[float, float]]:
    """(utfall, budget) in mnkr per month through `date`, each month alone, asked of the engine itself."""
    import datetime

    from namndbok.accounts import NETTO
    from namndbok.engine import compute
    from namndbok.periodisering import month_end

    out = []
    for m in range(1, date.month + 1):
        total = compute(data, month_end(date.year, m), kinds=NETTO, where=where, period_start=datetime.date(date.year, m, 1),
                        budget_known_at=date).total.measures
        out.append((_mnkr(total.utfall), _mnkr(total.budget)))
    return out


def test_charts_are_plotly_figures_with_the_engines_numbers(fava_client, example_ledger):
    """Each page hands diagram.js plotly figures computed on the server: the monthly bars are the
    engine's monthly utfall against periodised budget (for the drill-down's selection), the
    avvikelse bars its avvikelse helår per verksamhet coloured by sign, the prognos points sit at
    their follow-up's month, and the eget kapital line has a marker per decision; every text is Swedish."""
    import datetime

    from namndbok.accounts import NETTO
    from namndbok.chart_series import prognos_by_follow_up
    from namndbok.eget_kapital import decision_listing, parse_decisions
    from namndbok.engine import compute
    from namndbok.ledgerdata import read_ledger

    client, slug = fava_client
    entries, _, options = example_ledger
    data = read_ledger(entries, options)
    march, october = datetime.date(2026, 3, 31), datetime.date(2026, 10, 31)

    def figures(query: str) -> list[dict]:
        return _figures(client.get(f"/{slug}/extension/Namndbok/?{query}&partial=true").get_data(as_text=True))

    monthly, deviations = figures("sida=budget&time=2026-03")
    bars, budget = monthly["data"]
    assert (bars["type"], bars["name"], budget["name"]) == ("bar", "Utfall", "Periodiserad budget")
    assert bars["x"] == budget["x"] == ["jan", "feb", "mar"]
    assert list(zip(bars["y"], budget["y"])) == _monthly_from_engine(data, march)
    assert all(y < 0 for y in bars["y"])  # nettokostnader, as the tables sign them
    assert monthly["layout"]["separators"] == ", " and monthly["layout"]["yaxis"]["tickformat"] == ",.1f"
    assert bars["customdata"][2] == f"Utfall mars 2026: {str(bars['y'][2]).replace('.', ',')} mnkr"
    assert budget["customdata"][0].startswith("Periodiserad budget januari 2026: ")

    # The drill-down: a verksamhet's page charts that verksamhet's months.
    monthly, _ = figures("sida=budget&time=2026-10&verksamhet=5731")
    assert "5731" in monthly["layout"]["title"]["text"]
    assert list(zip(*(t["y"] for t in monthly["data"]))) == _monthly_from_engine(data, october, {"verksamhet": "5731"})
    assert _monthly_from_engine(data, october, {"verksamhet": "5731"}) != _monthly_from_engine(data, october)

    # Avvikelse helår per verksamhet, diverging: green better than budget, red worse, each bar a link down.
    [bars] = deviations["data"]
    rows = compute(data, march, group_by=("verksamhet",), kinds=NETTO).rows
    assert bars["orientation"] == "h" and bars["y"] == [r.label for r in reversed(rows)]
    assert bars["x"] == [_mnkr(r.measures.avvikelse_helar) for r in reversed(rows)]
    assert {x > 0 for x in bars["x"]} == {True, False}
    assert bars["marker"]["color"] == ["#1b7a3a" if x >= 0 else "#b00020" for x in bars["x"]]
    link = dict(zip(bars["ids"], (url for _, url in bars["customdata"])))["5731"]
    assert "verksamhet=5731" in link and "sida=budget" in link

    # Prognos: one point per follow-up, at its own date, ticked with its Swedish month.
    [prognos] = figures("sida=prognos&time=2026-10")
    points = prognos_by_follow_up(data, october)
    lines = {t["name"]: t for t in prognos["data"]}
    assert set(lines) == {"Prognos årets resultat", "Budget helår", "Bästa fall", "Sämsta fall"}
    assert lines["Prognos årets resultat"]["x"] == [p.date.isoformat() for p in points]
    assert lines["Prognos årets resultat"]["y"] == [_mnkr(p.prognos) for p in points]
    assert lines["Sämsta fall"]["y"] == [_mnkr(p.samsta) for p in points]
    ticks = dict(zip(prognos["layout"]["xaxis"]["tickvals"], prognos["layout"]["xaxis"]["ticktext"]))
    assert ticks["2026-04-30"] == "apr" and ticks[points[-1].date.isoformat()] == "okt"

    # Eget kapital: the line year by year, a marker per decision of the council.
    [ek] = figures("sida=eget-kapital&time=2026-10")
    decisions = decision_listing(parse_decisions(entries, data.currency)[0])
    [marks] = [t for t in ek["data"] if t["name"] == "Beslut om eget kapital"]
    assert len(decisions) >= 2 and marks["x"] == [d.date.isoformat() for d in decisions]
    assert all(d.beslut in text for d, text in zip(decisions, marks["customdata"]))

    [trend] = figures("sida=nyckeltal&time=2026-10")
    assert len(trend["data"]) >= 1 and all(len(t["x"]) == 10 and t["x"][-1] == "okt" for t in trend["data"])
    assert trend["layout"]["yaxis"]["title"]["text"] == "tkr"
    assert figures("sida=prognos&time=2026-01") == []  # no follow-up yet: no chart


def _drawn(page) -> list[dict]:
    """What plotly drew in each chart div: its traces' names and values, as plotly holds them."""
    page.locator(".namndbok-diagram .main-svg").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    # Until every div is marked drawn (a selector, not a polled script: the page's policy forbids eval).
    page.locator(".namndbok-diagram:not([data-ritat])").first.wait_for(state="detached", timeout=TIMEOUT_MS)
    return page.eval_on_selector_all(".namndbok-diagram", "divs => divs.map(d => d.data.map(t => ({name: t.name, x: t.x, y: t.y})))")


def _texts(where, selector: str) -> list[str]:
    """The texts of `selector` under `where` (a page or a locator)."""
    return where.locator(selector).all_text_contents()


def _center(box) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _on_screen(element) -> tuple[float, float]:
    """The middle of `element`, scrolled into view (where the mouse can reach it)."""
    element.scroll_into_view_if_needed()
    return _center(element.bounding_box())


@pytest.mark.slow
def test_budget_charts_in_the_browser_read_swedish_and_follow_the_drill_down(browser, fava_base, example_ledger):
    """The budget page's charts as a reader sees them: a legend naming utfall and budget, Swedish months
    and decimal commas on the axes, a tooltip that says which series; a click on a verksamhet's
    avvikelse bar drills down, and that page's chart is the engine's months for the verksamhet."""
    import datetime

    from namndbok.ledgerdata import read_ledger

    visit = Visit(browser, _ours(fava_base, "budget", time="2026-10"))
    try:
        page = visit.page
        visit.heading("Nämndbok – Budgetuppföljning")
        assert len(_drawn(page)) == 2
        monthly = page.locator(".namndbok-diagram").first
        assert _texts(monthly, ".legendtext") == ["Utfall", "Periodiserad budget"]
        assert _texts(monthly, ".xtick text") == ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt"]
        y_ticks = _texts(monthly, ".ytick text")
        assert y_ticks and all(re.fullmatch(r"[−-]?\d+,\d", t) for t in y_ticks), y_ticks
        april = monthly.locator(".barlayer .point path").nth(3)
        page.mouse.move(*_on_screen(april))
        tooltip = monthly.locator(".hoverlayer .hovertext")
        tooltip.first.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert re.fullmatch(r"Utfall april 2026: -\d+,\d mnkr", tooltip.first.text_content()), tooltip.first.text_content()

        deviations = page.locator(".namndbok-diagram").nth(1)
        labels = _texts(deviations, ".ytick text")
        index = next(i for i, t in enumerate(labels) if t.startswith("5731 "))
        bar = deviations.locator(".barlayer .point path").nth(index)
        page.mouse.click(*_on_screen(bar))
        page.wait_for_url(re.compile(r"verksamhet=5731"), timeout=TIMEOUT_MS)
        page.locator("#fordjupning caption", has_text="per konto").wait_for(timeout=TIMEOUT_MS)
        drawn = _drawn(page)[0]
        entries, _, options = example_ledger
        expected = _monthly_from_engine(read_ledger(entries, options), datetime.date(2026, 10, 31), {"verksamhet": "5731"})
        assert [t["name"] for t in drawn] == ["Utfall", "Periodiserad budget"]
        assert list(zip(drawn[0]["y"], drawn[1]["y"])) == expected
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_prognos_points_sit_at_their_follow_up_month(browser, fava_base, example_ledger):
    """Each follow-up's point stands above its own month's tick (April's at "apr", not under May)."""
    import datetime

    from namndbok.chart_series import prognos_by_follow_up
    from namndbok.ledgerdata import read_ledger
    from namndbok.swedish import MONTHS_SHORT

    entries, _, options = example_ledger
    follow_ups = [p.date for p in prognos_by_follow_up(read_ledger(entries, options), datetime.date(2026, 10, 31))]
    visit = Visit(browser, _ours(fava_base, "prognos", time="2026-10"))
    try:
        page = visit.page
        [traces] = _drawn(page)
        chart = page.locator(".namndbok-diagram")
        assert "Prognos årets resultat" in _texts(chart, ".legendtext")
        ticks = {t: _center(chart.locator(".xtick text", has_text=re.compile(f"^{t}$")).bounding_box())[0]
                 for t in _texts(chart, ".xtick text")}
        assert list(ticks) == [MONTHS_SHORT[d.month - 1] for d in follow_ups]
        index = [t["name"] for t in traces].index("Prognos årets resultat")
        markers = chart.locator(".scatterlayer .trace").nth(index).locator(".points path")
        assert markers.count() == len(follow_ups)
        for i, date in enumerate(follow_ups):
            x = _center(markers.nth(i).bounding_box())[0]
            nearest = min(ticks, key=lambda t: abs(ticks[t] - x))
            assert nearest == MONTHS_SHORT[date.month - 1] and abs(ticks[nearest] - x) < 2, (date, nearest)
        assert "apr" in ticks
        # plotly's own buttons in Swedish, and none that would send the figure to Plotly's cloud.
        titles = page.eval_on_selector_all(".modebar-btn", "els => els.map(e => e.getAttribute('data-title'))")
        assert titles == ["Spara diagrammet som PNG", "Zooma", "Panorera", "Zooma in", "Zooma ut", "Återställ axlarna"]
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_eget_kapital_chart_marks_each_decision(browser, fava_base, example_ledger):
    from namndbok.eget_kapital import decision_listing, parse_decisions
    from namndbok.ledgerdata import read_ledger

    entries, _, options = example_ledger
    decisions = decision_listing(parse_decisions(entries, read_ledger(entries, options).currency)[0])
    visit = Visit(browser, _ours(fava_base, "eget-kapital", time="2026-10"))
    try:
        page = visit.page
        [traces] = _drawn(page)
        chart = page.locator(".namndbok-diagram")
        index = [t["name"] for t in traces].index("Beslut om eget kapital")
        markers = chart.locator(".scatterlayer .trace").nth(index).locator(".points path")
        assert markers.count() == len(decisions) >= 2
        page.mouse.move(*_on_screen(markers.nth(0)))
        tooltip = chart.locator(".hoverlayer .hovertext").first
        tooltip.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert decisions[0].name in tooltip.text_content() and decisions[0].beslut in tooltip.text_content()
        assert any(t.startswith("31 dec ") for t in _texts(chart, ".xtick text"))
        visit.assert_clean()
    finally:
        visit.close()
