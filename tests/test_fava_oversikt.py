"""Read at a glance (issue 21): the Översikt landing page, avvikelser signed and coloured by the
committee's sign convention on every table of our pages, and period labels that say the period.

In real Fava and Debian's Chromium, on the example ledger; the figures are compared with
what the CLI prints for the same date.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from conftest import EXAMPLE_LEDGER
from test_fava_extension import TIMEOUT_MS, Visit, _ours, fava_base  # noqa: F401 - fixtures

GREEN, RED = "rgb(27, 122, 58)", "rgb(176, 0, 32)"  # #1b7a3a, #b00020
# Columns that hold an avvikelse amount, by their header (the nyckeltal's effects add up to its avvikelse).
AMOUNT_HEADER = re.compile(r"^(Avvikelse( helår| mot budget helår| okt 2026)?|Förra, \w+|Volymeffekt|Priseffekt)$")
PERCENT_HEADER = re.compile(r"^(Avvikelse.*) %$")


def cli(*args: str) -> str:
    from click.testing import CliRunner

    from namndbok.scripts.cli import main

    result = CliRunner().invoke(main, [*args])
    assert result.exit_code == 0, result.output
    return result.output


def cli_csv(*args: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(cli(*args, "--format", "csv")), delimiter=";") if row]


def unsigned(text: str) -> str:
    """A web cell as the CLI's CSV prints it: no leading +, no thousands spaces, no space before %."""
    from namndbok.export.csv_excel import excel_cell

    return excel_cell(text.removeprefix("+"))


def table_cells(page, selector: str) -> list[dict]:
    """Every table matching `selector`: its headers and, per row, each cell's text and colour."""
    return page.eval_on_selector_all(selector, """tables => tables.map(t => ({
        id: t.id,
        headers: Array.from(t.querySelectorAll('thead th')).map(h => h.textContent.trim().replace(/\\s+/g, ' ')),
        rows: Array.from(t.querySelectorAll('tbody tr')).map(r => Array.from(r.querySelectorAll('td')).map(c => ({
            text: (c.firstChild && c.firstChild.nodeType === 3 ? c.firstChild.textContent : (c.querySelector('a') || c).textContent).trim(),
            color: getComputedStyle(c).color,
            note: c.querySelector('.kommentar') ? c.querySelector('.kommentar').textContent.trim() : null,
        }))),
    }))""")


def column(table: dict, header: str) -> list[dict]:
    i = table["headers"].index(header)
    return [row[i] for row in table["rows"]]


def by_label(table: dict, header: str) -> dict[str, str]:
    return {row[0]["text"]: row[table["headers"].index(header)]["text"] for row in table["rows"]}


# ---------------------------------------------------------------------------
# The landing page


@pytest.mark.slow
def test_the_landing_page_is_the_first_tab_and_the_default(browser, fava_base):
    visit = Visit(browser, f"{fava_base}/extension/Namndbok/")
    try:
        visit.heading("Nämndbok – Översikt")
        tabs = visit.page.locator(".namndbok nav.flikar a")
        assert tabs.first.inner_text() == "Översikt"
        assert tabs.first.get_attribute("aria-current") == "page"
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_the_landing_pages_figures_are_the_clis(browser, fava_base):
    ledger = str(EXAMPLE_LEDGER)
    uppfoljning = cli_csv("uppfoljning", ledger, "--per", "2026-10")
    eget_kapital = cli_csv("eget-kapital", ledger, "--per", "2026-10")
    avvikelser = cli("avvikelser", ledger, "--per", "2026-10").splitlines()
    listing = cli("eget-kapital", ledger, "--per", "2026-10", "--beslut").splitlines()
    planned = {line.split()[-2]: line.split()[-1] for line in listing if re.fullmatch(r"\s+20\d\d\s+-?[\d ]+,\d", line)}

    visit = Visit(browser, _ours(fava_base, "oversikt", time="2026-10"))
    try:
        visit.heading("Nämndbok – Översikt")
        page = visit.page
        [helar] = table_cells(page, "#oversikt-prognos")
        [ek] = table_cells(page, "#oversikt-eget-kapital")
        [avv] = table_cells(page, "#oversikt-avvikelser")

        # Helårsprognos against budget per radgrupp, and the total: `namndbok uppfoljning`'s cells.
        head, *rows = uppfoljning
        assert [r[0]["text"] for r in helar["rows"]] == [r[0] for r in rows]
        for web, cli_header in (("Budget helår", "Budget helår"), ("Prognos helår", "Prognos helår"),
                                ("Avvikelse", "Avvikelse helår"), ("Avvikelse %", "Avvikelse %")):
            assert [unsigned(c["text"]) for c in column(helar, web)] == [r[head.index(cli_header)] for r in rows], web
        total = dict(zip(head, rows[-1]))
        figures = [unsigned(t) for t in page.locator("#oversikt-tal strong").all_inner_texts()]
        assert figures[:3] == [total["Prognos helår"], total["Budget helår"], total["Avvikelse helår"]]

        # Eget kapital this year (hittills, budget, prognos): `namndbok eget-kapital`'s last three columns
        # before the plan years' ("2027 plan": the repayment plan's later years, not on the landing page).
        head, *rows = [r for r in eget_kapital if not r[0].startswith("Kolumnerna ”ÅR plan”")]  # the note, on stderr
        plan_columns = sum(1 for h in head if h.endswith(" plan"))
        head, rows = head[:len(head) - plan_columns], [r[:len(r) - plan_columns] for r in rows]
        assert ek["headers"][1:] == head[-3:]
        this_year = [[r[0], *r[-3:]] for r in rows if any(r[-3:])]  # earlier years' decisions are not this year's rows
        assert [[unsigned(c["text"]) for c in r] for r in ek["rows"]] == this_year
        closing = dict(zip(head, rows[-1]))
        assert figures[3] == closing["2026 prognos"]
        # The council's plan from this year on: `namndbok eget-kapital --beslut`'s years 2026 and later.
        plan = page.locator("#oversikt-plan").inner_text()
        assert plan == ("Plan enligt beslut: Återbetalning av underskott 2024 (KF 2025-02-17 §14): "
                        f"2026: {planned['2026']} mnkr, 2027: {planned['2027']} mnkr.")

        # The largest avvikelser: `namndbok avvikelser`'s first lines, with their comments.
        assert len(avvikelser) > len(avv["rows"]) == 5
        for line, row in zip(avvikelser, avv["rows"]):
            label, amount, before, comment = row[0]["text"], row[1]["text"], row[2]["text"], row[0]["note"]
            expected = f"- {label} {amount.removeprefix('+')} mnkr (sep {before.removeprefix('+')} mnkr)"
            assert line == expected + (f". {comment}" if comment else ""), (line, row)
        assert any(r[0]["note"] for r in avv["rows"])
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_the_landing_page_fits_one_screen(browser, fava_base):
    visit = Visit(browser, _ours(fava_base, "oversikt", time="2026-10"))
    try:
        page = visit.page
        page.set_viewport_size({"width": 1400, "height": 900})
        visit.heading("Nämndbok – Översikt")
        page.locator(".namndbok-diagram .main-svg").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        page.wait_for_timeout(300)
        box = page.evaluate("""() => {
            const r = document.querySelector('.namndbok').getBoundingClientRect();
            const scrolled = Array.from(document.querySelectorAll('*')).filter(
                e => e.scrollHeight > e.clientHeight + 1 && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY));
            return {bottom: r.bottom, right: r.right, width: window.innerWidth, height: window.innerHeight,
                    scrolled: scrolled.map(e => e.tagName + '.' + e.className)};
        }""")
        assert box["bottom"] <= box["height"] and box["right"] <= box["width"], box
        assert box["scrolled"] == [], box
        for selector in ("#oversikt-tal", "#oversikt-prognos", "#oversikt-eget-kapital", "#oversikt-avvikelser",
                         ".namndbok-diagram .main-svg"):
            part = page.locator(selector).first.bounding_box()
            assert part["y"] + part["height"] <= 900 and part["x"] + part["width"] <= 1400, (selector, part)
        visit.assert_clean()
    finally:
        visit.close()


# ---------------------------------------------------------------------------
# Avvikelser: signed, coloured by the committee's sign, with a legend, on every page


TONED_PAGES = {
    "oversikt": {},
    "budget": {},
    "budget, radgrupp": {"radgrupp": "Barn- och ungdomsvård"},
    "budget, verksamhet": {"verksamhet": "5731"},
    "budget, resultaträkning": {"layout": "resultatrakning"},
    "prognos": {},
    "nyckeltal": {},
}


def _is_zero(text: str) -> bool:
    return not text.strip("-+0, %")


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TONED_PAGES))
def test_avvikelser_are_signed_and_coloured_by_their_sign_with_a_legend(browser, fava_base, name):
    sida = name.split(",")[0]
    visit = Visit(browser, _ours(fava_base, sida, time="2026-10", **TONED_PAGES[name]))
    try:
        page = visit.page
        page.get_by_role("heading", name=re.compile("^Nämndbok – ")).wait_for(timeout=TIMEOUT_MS)
        legend = page.locator(".teckenforklaring")
        assert legend.count() == 1 and legend.is_visible()
        assert "bättre än budget" in legend.inner_text() and "sämre" in legend.inner_text()
        assert page.locator(".teckenforklaring .bra").first.evaluate("e => getComputedStyle(e).color") == GREEN
        assert page.locator(".teckenforklaring .dalig").first.evaluate("e => getComputedStyle(e).color") == RED
        seen = {"+": 0, "-": 0}
        for table in table_cells(page, "table.namndbok-tabell"):
            if table["id"] in ("eget-kapital", "beslut", "oversikt-eget-kapital"):
                continue
            amounts = [h for h in table["headers"] if AMOUNT_HEADER.match(h)]
            assert amounts, (name, table["id"], table["headers"])
            for header in amounts:
                for cell in column(table, header):
                    text, color = cell["text"], cell["color"]
                    if not text:
                        continue
                    if _is_zero(text):
                        assert text[0] not in "+-" and color not in (GREEN, RED), (name, header, cell)
                        continue
                    assert text[0] in "+-", (name, header, cell)  # a sign on every avvikelse
                    assert color == (GREEN if text[0] == "+" else RED), (name, header, cell)
                    seen[text[0]] += 1
            for header in table["headers"]:
                match = PERCENT_HEADER.match(header)
                if not match:
                    continue
                # The percentage keeps the committee's print (no +) and takes its amount's colour.
                for pct, amount in zip(column(table, header), column(table, match.group(1))):
                    assert not pct["text"].startswith("+"), (name, header, pct)
                    if pct["text"]:
                        assert pct["color"] == amount["color"], (name, header, pct, amount)
        assert seen["+"] and seen["-"], (name, seen)  # the example has both on every page
        visit.assert_clean()
    finally:
        visit.close()


def test_a_good_avvikelse_with_a_negative_percentage_is_green(fava_client_oversikt):
    """Fixture 003's convention: avvikelse / budget keeps the budget's sign, so a cost below budget
    reads -4 %; the colour and the signed amount carry the meaning (571 in the example)."""
    body = fava_client_oversikt("prognos", "2026-10")
    row = re.search(r"<tr>\s*<td>571 Missbrukarvård för vuxna</td>(.*?)</tr>", body, re.S).group(1)
    cells = re.findall(r'<td class="([^"]*)">([^<]*)', row)
    assert ("num bra", "+6,0") in cells and ("num bra", "-4 %") in cells, cells


@pytest.fixture(scope="module")
def fava_client_oversikt():
    from fava.application import create_app
    from fava.util import slugify

    app = create_app([EXAMPLE_LEDGER.resolve()], load=True)
    slug = slugify(app.config["LEDGERS"].ledgers[0].options["title"])
    client = app.test_client()

    def body(sida: str, time_filter: str = "") -> str:
        response = client.get(f"/{slug}/extension/Namndbok/?sida={sida}&time={time_filter}&partial=true")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return body


def test_the_tone_follows_the_committees_sign_and_the_printed_rounding():
    from namndbok.engine import Measures
    from namndbok_fava.tone import look

    def m(value):
        return Measures(avvikelse_helar=Decimal(value), avvikelse_helar_pct=Decimal("-0.04"))

    assert look(m(8_200_000), "avvikelse_helar", "8,2") == ("+8,2", "bra")
    assert look(m(-4_800_000), "avvikelse_helar", "-4,8") == ("-4,8", "dalig")
    assert look(m(40_000), "avvikelse_helar", "0,0") == ("0,0", None)  # prints 0,0: neither
    assert look(m(8_200_000), "avvikelse_helar_pct", "-4 %") == ("-4 %", "bra")  # by its amount, unsigned
    assert look(m(8_200_000), "avvikelse_helar", "8,2", turned=True) == ("+8,2", "dalig")  # vand_tecken row
    assert look(m(8_200_000), "prognos", "8,2") == ("8,2", None)


# ---------------------------------------------------------------------------
# Period labels


@pytest.mark.slow
@pytest.mark.parametrize("time_filter, period, day", [("", "jan–okt 2026", "31 oktober 2026"),
                                                      ("2026-03", "jan–mar 2026", "31 mars 2026")])
def test_period_labels_say_the_period(browser, fava_base, time_filter, period, day):
    params = {"time": time_filter} if time_filter else {}
    visit = Visit(browser, _ours(fava_base, "budget", **params))
    try:
        visit.heading("Nämndbok – Budgetuppföljning")
        page = visit.page
        headers = [h.strip().replace("\n", " ") for h in page.locator("#rapport thead th").all_inner_texts()]
        assert f"Utfall {period}" in headers and f"Budget {period}" in headers, headers
        assert period in page.locator("#fordjupning caption").inner_text()
        note = page.locator(".rapportdatum").inner_text()
        assert f"Rapportdatum {day}" in note and period in note and "fältet Tid uppe till höger" in note, note
        assert ("slutet av perioden i fältet Tid" if time_filter else "sista dagen med bokfört utfall") in note
        visit.assert_clean()
    finally:
        visit.close()


def test_a_comment_file_that_cannot_be_read_is_named_and_the_page_still_shows(example_copy):
    """kommentarer/2026-10.toml broken: the landing page shows its figures and says which file and line."""
    from fava.application import create_app
    from fava.util import slugify

    (example_copy.parent / "kommentarer" / "2026-10.toml").write_text('[verksamhet]\n"571" = 5\n', encoding="utf-8")
    app = create_app([example_copy], load=True)
    slug = slugify(app.config["LEDGERS"].ledgers[0].options["title"])
    body = app.test_client().get(f"/{slug}/extension/Namndbok/?time=2026-10&partial=true").get_data(as_text=True)
    assert "Sidan kunde inte visas" not in body
    assert 'id="oversikt-prognos"' in body and 'id="oversikt-avvikelser"' in body
    assert "Kommentarerna kunde inte läsas: kommentarer/2026-10.toml:" in body, body
    assert str(example_copy.parent) not in body
