"""Prognossäkerhet (namndbok.prognossakerhet, `namndbok prognossakerhet`, the Fava page) on the
example with 2026 closed: the example's own generator writes November and December, and
`namndbok bokslut 2026` closes the year, so its eight follow-ups (three with bästa and sämsta
fall) are measured against a final utfall. (The example's committed closed years 2023–2025
have no prognoses, and cannot get any: their locks fingerprint every entry of the year, and
a lock file changed in git history breaks the lock.)

Every expected figure is summed here from the raw Beancount entries (postings, budgetrader,
prognos lines), by the rules written in namndbok.prognos and namndbok.budget, not through
our engine."""

from __future__ import annotations

import datetime
import html
import json
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from beancount import loader
from beancount.core import data

from conftest import EXAMPLE_DIR, EXAMPLE_LEDGER, REPO, run, start_fava

YEAR = 2026
NAMND = "Socialnämnden"
MAIN_FOLLOW_UPS = [datetime.date(2026, m, d) for m, d in ((2, 28), (3, 31), (4, 30), (5, 31), (6, 30), (8, 31),
                                                          (9, 30), (10, 31))]


@pytest.fixture(scope="module")
def closed(tmp_path_factory):
    """A copy of the example with all of 2026 booked (by the example's generator) and closed by
    `namndbok bokslut 2026`: its main file."""
    from namndbok.kontoplan import load_kontoplan
    from namndbok.ledgerfile import canonical
    from namndbok.scripts.exempel.utfall import plan, render_month, utfall_path

    root = tmp_path_factory.mktemp("sakerhet") / "exempel"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns("rapporter"))
    kontoplan, year_plan = load_kontoplan(root / "kontoplan.toml"), plan(YEAR)
    for month in (11, 12):
        utfall_path(root, YEAR, month).write_text(canonical(render_month(YEAR, month, year_plan, kontoplan)), encoding="utf-8")
    code, output = run("bokslut", YEAR, root / EXAMPLE_LEDGER.name)
    assert code == 0, output
    return root / EXAMPLE_LEDGER.name


# --- by hand, from the raw entries -------------------------------------------------------------

def _unit(account: str) -> tuple[str | None, str] | None:
    """(verksamhet, typ) of a result account, read from its name: Kostnader:Socialnämnden:<verksamhet>:…,
    Intäkter:Socialnämnden:Kommunbidrag[:<verksamhet>], Intäkter:Socialnämnden:<verksamhet>:…"""
    parts = account.split(":")
    if parts[0] not in ("Intäkter", "Kostnader") or parts[1] != NAMND:
        return None
    if parts[0] == "Intäkter" and len(parts) > 2 and parts[2] == "Kommunbidrag":
        return (parts[3] if len(parts) > 3 else None, "kommunbidrag")
    return (parts[2] if len(parts) > 2 else None, "intäkt" if parts[0] == "Intäkter" else "kostnad")


class Raw:
    def __init__(self, ledger):
        entries, errors, _ = loader.load_file(str(ledger))
        assert not [e for e in errors if "Obs" not in str(e.message)], errors[:3]
        self.postings = [(t.date, p.account, p.units.number) for t in entries if isinstance(t, data.Transaction)
                         for p in t.postings]
        customs = [e for e in entries if isinstance(e, data.Custom)]
        self.decisions = {e.values[0].value: e for e in customs if e.type == "budgetbeslut"}
        self.budget = [(e.values[0].value, e.date, e.values[1].value, e.values[2].value.number)
                       for e in customs if e.type == "budgetrad"]
        self.prognos = [(e.date, e.values[0].value, e.values[1].value.number, e.meta.get("fall"))
                        for e in customs if e.type == "prognos"]
        self.bokslut = next(e for e in customs if e.type == "bokslut" and e.values[0].value == str(YEAR))

    def utfall(self, keep) -> Decimal:
        """The year's utfall of the units `keep` accepts, committee's sign."""
        return -sum((n for d, a, n in self.postings if d.year == YEAR and _unit(a) and keep(_unit(a))), Decimal(0))

    def budget_at(self, at: datetime.date) -> list[tuple[str, Decimal]]:
        """The budget lines of the year as decided by `at`: decisions taken by then, less the versions a
        decision taken by then replaces (`ersatter`)."""
        taken = {name for name, d in self.decisions.items() if d.date <= at and d.meta.get("status") != "förslag"}
        replaced = {self.decisions[name].meta.get("ersatter") for name in taken}
        return [(account, amount) for name, date, account, amount in self.budget
                if name in taken and name not in replaced and date.year == YEAR]

    def prognos_at(self, at: datetime.date, keep, fall=None) -> Decimal:
        """The prognos of the units `keep` accepts at follow-up `at`, committee's sign: per unit the
        lines of its latest follow-up up to `at` (in `fall` where that follow-up gives it), and
        its budget where no follow-up has forecast it."""
        main = [(d, a, n) for d, a, n, f in self.prognos if d.year == YEAR and d <= at and f is None and _unit(a)]
        latest = {}
        for d, a, _ in main:
            latest[_unit(a)] = max(latest.get(_unit(a), d), d)
        total = Decimal(0)
        for unit, when in latest.items():
            if not keep(unit):
                continue
            lines = [n for d, a, n, f in self.prognos if d == when and _unit(a) == unit and f == fall]
            if not lines:  # the follow-up gives no such fall here: the main prognos
                lines = [n for d, a, n in main if d == when and _unit(a) == unit]
            total -= sum(lines, Decimal(0))
        for account, amount in self.budget_at(at):
            unit = _unit(account)
            if unit and unit not in latest and keep(unit):
                total -= amount
        return total


def result(unit) -> bool:
    return True


def netto_of(verksamhet):
    return lambda unit: unit[1] in ("intäkt", "kostnad") and unit[0] == verksamhet


@pytest.fixture(scope="module")
def raw(closed):
    return Raw(closed)


@pytest.fixture(scope="module")
def reading(closed):
    from namndbok.load_reading import reading_of
    from namndbok.loading import faults, load

    entries, errors, options = load(closed)
    assert not faults(errors)
    return reading_of(entries, options)


def test_the_hand_sums_agree_with_the_bokslut_itself(raw):
    assert raw.utfall(result) == raw.bokslut.meta["arets_resultat"].number == Decimal("-11151400.00")


def test_arets_resultat_at_each_follow_up_against_the_hand_sums(reading, raw):
    from namndbok.prognossakerhet import calculate_prognossakerhet

    year = calculate_prognossakerhet(reading, YEAR)
    final = raw.utfall(result)
    nettokostnad = raw.utfall(lambda unit: unit[1] in ("intäkt", "kostnad"))
    assert (year.arets_resultat, year.nettokostnad) == (final, nettokostnad)
    assert [r.uppfoljning for r in year.rows] == MAIN_FOLLOW_UPS
    for row in year.rows:
        prognos = raw.prognos_at(row.uppfoljning, result)
        assert (row.prognos, row.utfall) == (prognos, final), row.uppfoljning
        assert row.avvikelse == prognos - final  # positive: the prognos promised a better result
        assert row.andel == (prognos - final) / abs(nettokostnad)
    # February: a better result was promised than came (too optimistic); May: a worse one.
    assert year.rows[0].avvikelse > 0 > year.rows[3].avvikelse
    # The bands: April, August and October gave bästa and sämsta fall, the other follow-ups none.
    with_band = [r.uppfoljning.month for r in year.rows if r.band is not None]
    assert with_band == [4, 8, 10]
    for row in year.rows:
        if row.band is None:
            continue
        basta, samsta = raw.prognos_at(row.uppfoljning, result, "bästa"), raw.prognos_at(row.uppfoljning, result, "sämsta")
        assert (row.band.basta, row.band.samsta) == (basta, samsta)
        assert row.band.inom == (samsta <= final <= basta)


def test_per_verksamhet_against_the_hand_sums(reading, raw):
    from namndbok.prognossakerhet import calculate_prognossakerhet

    year = calculate_prognossakerhet(reading, YEAR)
    codes = [v.verksamhet for v in year.verksamheter]
    assert "5731" in codes and None in codes  # None: the unallocated saving on the nämnd
    for v in year.verksamheter:
        keep = netto_of(v.verksamhet)
        final = raw.utfall(keep)
        for row in v.rows:
            prognos = raw.prognos_at(row.uppfoljning, keep)
            assert (row.prognos, row.utfall, row.avvikelse) == (prognos, final, prognos - final), (v.label, row.uppfoljning)
            assert row.andel == ((prognos - final) / abs(final) if final else None)
    # The sum row: the nämnd's nettokostnad, prognos − utfall.
    whole = lambda unit: unit[1] in ("intäkt", "kostnad")  # noqa: E731
    assert [r.avvikelse for r in year.netto] == [raw.prognos_at(at, whole) - raw.utfall(whole) for at in MAIN_FOLLOW_UPS]


def _mnkr(amount: Decimal) -> str:
    from decimal import ROUND_HALF_UP

    return f"{(amount / 1_000_000).quantize(Decimal('0.1'), ROUND_HALF_UP)}".replace(".", ",").replace("-0,0", "0,0")


def test_the_cli_from_another_folder_with_a_relative_path(closed, raw, tmp_path):
    elsewhere = tmp_path / "annan"
    elsewhere.mkdir()
    relative = subprocess.run(["realpath", "--relative-to", str(elsewhere), str(closed)], capture_output=True,
                              text=True, check=True).stdout.strip()
    assert relative.startswith("..")
    done = subprocess.run([sys.executable, "-m", "namndbok.scripts.cli", "prognossakerhet", relative, "--format", "csv"],
                          cwd=elsewhere, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("Uppföljning;Prognos årets resultat;Utfall årets resultat;Avvikelse prognos − utfall;"
                        "i % av nettokostnad;Bästa fall;Sämsta fall;Utfallet inom bästa–sämsta")
    final = raw.utfall(result)
    february = raw.prognos_at(MAIN_FOLLOW_UPS[0], result)
    assert lines[1].split(";")[:4] == ["februari 2026", _mnkr(february), _mnkr(final), _mnkr(february - final)]
    assert len(lines) == 1 + len(MAIN_FOLLOW_UPS)
    assert lines[3].endswith(";ja")  # April: the outcome fell inside bästa–sämsta


def test_the_cli_refuses_an_open_year_and_years_without_prognos(closed, example_copy):
    code, output = run("prognossakerhet", closed, "--ar", "2027")
    assert code == 1 and "År 2027 är inte stängt (inget bokslut)" in output and "namndbok bokslut 2027" in output
    code, output = run("prognossakerhet", closed, "--ar", "2025")
    assert code == 1 and "År 2025 har inga uppföljningar med prognos" in output and "Stängda år med prognoser: 2026" in output
    code, output = run("prognossakerhet", example_copy)  # the committed example: 2023–2025 closed, no prognoses
    assert code == 1 and "De stängda åren (2023, 2024, 2025) har inga prognoser" in output
    assert "Traceback" not in output


def test_the_cli_per_verksamhet_and_xlsx(closed, raw, tmp_path):
    from openpyxl import load_workbook

    code, output = run("prognossakerhet", closed, "--per-verksamhet", "--format", "csv", "--enhet", "tkr", "--decimaler", "0")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith("Verksamhet;Utfall nettokostnad 2026;februari 2026;mars 2026")
    row = next(line.split(";") for line in lines if line.startswith("5731 "))
    keep = netto_of("5731")
    final = raw.utfall(keep)
    october = raw.prognos_at(MAIN_FOLLOW_UPS[-1], keep)
    assert row[1] == str(int((final / 1000).quantize(Decimal("1"))))
    assert row[-1] == str(int(((october - final) / 1000).quantize(Decimal("1"))))
    target = tmp_path / "sakerhet.xlsx"
    code, output = run("prognossakerhet", closed, "--format", "xlsx", "--ut", target)
    assert code == 0 and target.exists(), output
    sheet = load_workbook(target).active
    february = raw.prognos_at(MAIN_FOLLOW_UPS[0], result)
    assert sheet["A2"].value == "februari 2026"
    assert sheet["D2"].value == pytest.approx(float((february - raw.utfall(result)) / 1_000_000))
    assert sheet["E2"].number_format == "0.0%"


class _Tables(HTMLParser):
    """The cells of each <table id=…> of a page."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.current = attrs.get("id")
            self.tables[self.current] = []
        elif tag == "tr" and self.current:
            self.row = []
            self.tables[self.current].append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.current = self.row = None

    def handle_data(self, text):
        if self.cell is not None:
            self.cell.append(text)


def test_the_fava_page_shows_the_cli_cells_and_a_line_per_year(closed):
    code, output = run("prognossakerhet", closed, "--format", "csv")
    assert code == 0, output
    cli = [line.split(";") for line in output.splitlines()]
    code, output = run("prognossakerhet", closed, "--format", "csv", "--per-verksamhet")
    cli_verksamhet = [line.split(";") for line in output.splitlines()]
    proc, url, _ = start_fava(str(closed))
    try:
        base = urllib.parse.quote(url.split("/income_statement")[0], safe=":/")
        with urllib.request.urlopen(f"{base}/extension/Namndbok/?sida=prognossakerhet", timeout=60) as response:
            page = response.read().decode("utf-8")
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert 'aria-current="page">Prognossäkerhet</a>' in page
    parser = _Tables()
    parser.feed(page)
    from namndbok.export.csv_excel import excel_cell

    assert [[excel_cell(c) for c in row] for row in parser.tables["prognossakerhet"]] == cli
    assert [[excel_cell(c) for c in row] for row in parser.tables["prognossakerhet-verksamhet"]] == cli_verksamhet
    figure = json.loads(html.unescape(re.search(r'data-figur="([^"]*)"', page).group(1)))
    assert [trace["name"] for trace in figure["data"]] == ["2026"]
    assert figure["data"][0]["x"] == ["feb", "mar", "apr", "maj", "jun", "aug", "sep", "okt"]
    assert [f"{y:.1f}".replace(".", ",") for y in figure["data"][0]["y"]] == [row[3] for row in cli[1:]]


def test_the_fava_page_on_the_committed_example_says_why_it_is_empty(fava_url):
    base = urllib.parse.quote(fava_url.split("/income_statement")[0], safe=":/")
    with urllib.request.urlopen(f"{base}/extension/Namndbok/?sida=prognossakerhet", timeout=60) as response:
        page = html.unescape(response.read().decode("utf-8"))
    assert 'id="prognossakerhet-sida"' in page
    assert "De stängda åren per 2026-10-31 (2023, 2024, 2025) har inga prognoser" in page
    assert "Sidan kunde inte visas" not in page


@pytest.mark.parametrize("query, shown", [
    ("", "Prognos och utfall av årets resultat 2026"),
    ("&time=2027", "Prognos och utfall av årets resultat 2026"),
    ("&ar=2023", "Prognos och utfall av årets resultat 2026"),  # a year without prognoses: the last with
    ("&ar=x%3Cb%3E", "Prognos och utfall av årets resultat 2026"),
    ("&ar=%C2%B2", "Prognos och utfall av årets resultat 2026"),  # "²": a digit to str.isdigit, not to int()
    # Before the bokslut of 2026 no closed year has prognoses: said, not a table of a year still open.
    ("&time=2026-06", "De stängda åren per 2026-06-30 (2023, 2024, 2025) har inga prognoser"),
    ("&time=2020", "Liggaren har inget stängt år per 2020-12-31 (inget bokslut)"),
])
def test_the_page_at_any_report_date_and_year_choice(closed, query, shown):
    from fava.application import create_app
    from fava.util import slugify

    app = create_app([closed.resolve()], load=True)
    ledger = app.config["LEDGERS"].ledgers[0]
    client = app.test_client()
    response = client.get(f"/{slugify(ledger.options['title'])}/extension/Namndbok/?sida=prognossakerhet{query}&partial=true")
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert shown in body and "Sidan kunde inte visas" not in body, body[-3000:]
    assert "<b>" not in body


LAYOUT = """\
namn = "Prognossäkerhet"
slag = "prognossakerhet"
rubrik = "Uppföljning {ar}"

[[kolumner]]
rubrik = "Prognos årets resultat"
matt = "prognos"

[[kolumner]]
rubrik = "Utfall årets resultat"
matt = "utfall"

[[kolumner]]
rubrik = "Avvikelse prognos − utfall"
matt = "avvikelse"

[[kolumner]]
rubrik = "i % av nettokostnad"
matt = "avvikelse_helar_pct"
decimaler = 1

[[kolumner]]
rubrik = "Bästa fall"
matt = "prognos_basta"

[[kolumner]]
rubrik = "Sämsta fall"
matt = "prognos_samsta"
"""


def test_a_prognossakerhet_layout_prints_the_commands_cells(closed, tmp_path):
    layout = tmp_path / "prognossakerhet.toml"
    layout.write_text(LAYOUT, encoding="utf-8")
    code, output = run("prognossakerhet", closed, "--format", "csv")
    assert code == 0, output
    cli = [line.split(";") for line in output.splitlines()]
    code, output = run("rapport", layout, closed, "--per", "2026-12", "--format", "csv")
    assert code == 0, output
    report = [line.split(";") for line in output.splitlines()]
    assert report[0] == ["Uppföljning 2026", *cli[0][1:7]]
    assert [row for row in report[1:]] == [row[:7] for row in cli[1:]]
    # At a report date before the year's bokslut there is no closed year with prognoses: said, naming the layout.
    code, output = run("rapport", layout, closed, "--per", "2026-10", "--format", "csv")
    assert code == 1 and f"{layout}: De stängda åren per 2026-10-31 (2023, 2024, 2025) har inga prognoser" in output
    assert "Traceback" not in output
    target = tmp_path / "rapport.xlsx"
    code, output = run("rapport", layout, closed, "--per", "2026-12", "--format", "xlsx", "--ut", target)
    assert code == 0, output
    from openpyxl import load_workbook

    sheet = load_workbook(target).active
    assert sheet["E2"].number_format == "0.0%" and sheet["B2"].number_format == "#,##0.0"


@pytest.mark.parametrize("change, line, said", [
    ('\n[[rader]]\nnamn = "Årets resultat"\n', 30, 'En layout med slag = "prognossakerhet" har en rad per uppföljning; ta bort [[rader]].'),
    ('\n[[kolumner]]\nmatt = "budget_helar"\n', 30, 'matt = "budget_helar", som en prognossäkerhetslayout inte visar'),
    ('\n[[kolumner]]\nmatt = "prognos"\nper = "08"\n', 30, "En prognossäkerhetslayouts kolumner har varken per eller typ"),
    ('\n[[kolumner]]\nmatt = "prognos"\ndecimaler = 5\n', 30, "decimaler ska vara ett heltal 0–3."),
])
def test_a_prognossakerhet_layout_that_cannot_be_used_is_refused_at_its_line(tmp_path, change, line, said):
    from namndbok.layout import LayoutError, load_layout

    layout = tmp_path / "prognossakerhet.toml"
    layout.write_text(LAYOUT + change, encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(layout)
    assert str(caught.value).startswith(f"{layout}:{line}: ") and said in str(caught.value)


def test_the_docs_example_layout_runs(closed, tmp_path):
    doc = (REPO / "docs" / "prognossakerhet.md").read_text(encoding="utf-8")
    layout = tmp_path / "fran-dokumentet.toml"
    layout.write_text(re.search(r"```toml\n(.*?)```", doc, re.S).group(1), encoding="utf-8")
    code, output = run("rapport", layout, closed, "--per", "2026-12", "--format", "csv")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "Uppföljning 2026;Prognos årets resultat;Utfall årets resultat;Avvikelse prognos − utfall;i % av nettokostnad"
    assert len(lines) == 1 + len(MAIN_FOLLOW_UPS) and lines[1].startswith("februari 2026;")


def test_the_chart_is_drawn_in_chromium_a_line_per_year(closed):
    """The page in real chromium: plotly draws the error chart (one line, 2026, by follow-up month), no console error."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    from test_fava_extension import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed")
    proc, url, _ = start_fava(str(closed))
    try:
        with playwright_api.sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = chromium.new_page()
                errors = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(url.split("/income_statement")[0] + "/extension/Namndbok/?sida=prognossakerhet", timeout=TIMEOUT_MS)
                page.locator(".namndbok-diagram .main-svg").first.wait_for(state="visible", timeout=TIMEOUT_MS)
                page.locator(".namndbok-diagram:not([data-ritat])").first.wait_for(state="detached", timeout=TIMEOUT_MS)
                drawn = page.eval_on_selector_all(".namndbok-diagram", "divs => divs.map(d => d.data.map(t => ({name: t.name, x: t.x})))")
                assert drawn == [[{"name": "2026", "x": ["feb", "mar", "apr", "maj", "jun", "aug", "sep", "okt"]}]]
                assert page.locator("table#prognossakerhet tbody tr").count() == len(MAIN_FOLLOW_UPS)
                assert errors == []
            finally:
                chromium.close()
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
