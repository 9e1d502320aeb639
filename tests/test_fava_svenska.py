"""Fava in Swedish throughout, seen through a real browser (issue 21, point 5).

With `language sv` Fava 1.30 still shows English: strings its Swedish catalog lacks, the
journal's entry types, and d3's English locale on the charts. Our extension's browser module
(namndbok_fava/static/svenska.js, run by Namndbok.js after every page load) translates them and
hides Innehav and Handelsvaror from the menu. These tests visit Fava's own pages and one of ours
and look for English in the visible text, the placeholders and titles, the chart axes and a
chart tooltip.
"""

from __future__ import annotations

import re

import pytest

from test_fava_extension import TIMEOUT_MS, Visit, fava_base  # noqa: F401  (fixtures)

ENGLISH = [
    "Filter by", "Net Worth", "Other", "Account Balance", "Last entry", "Add Journal Entry",
    "Show keyboard shortcuts", "Toggle", "Stacked Bars", "Single Bars",
    "Open", "Close", "Transaction", "Balance", "Note", "Document", "Pad", "Query", "Custom",
    "Commodity", "Event", "Price", "Postings", "cus",
    "January", "February", "March", "April", "June", "July", "August", "September", "October",
    "November", "December", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
    "Nov", "Dec", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
]
ENGLISH_WORD = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w-])")
SWEDISH_MONTHS = ("januari februari mars april maj juni juli augusti september oktober november december "
                  "jan feb apr aug sep okt nov dec").split()
SWEDISH_WEEKDAYS = "mån tis ons tor fre lör sön".split()
# d3's ".3s" the Swedish way: "−80,0 mn", "900 mn", "0,00", "−10,0", "5,00 mn".
SWEDISH_AXIS_NUMBER = re.compile(r"^−?\d+(,\d+)?(\u00a0(tn|mn|md|bn))?$")

ACCOUNT = "account/Kostnader:Socialnämnden:5731/"
PAGES = {  # page: whether it has a chart
    "income_statement/": True,
    "balance_sheet/": True,
    "balance_sheet/?time=2026-10": True,  # one month: d3 names the day ("Sat 31")
    "journal/": False,
    ACCOUNT: True,
    f"{ACCOUNT}?r=changes": True,
    "statistics/": False,
    "extension/Namndbok/?sida=budget": True,
}

TEXTS = """() => ({
  body: document.body.innerText,
  attributes: Array.from(document.querySelectorAll('[placeholder], [title], [aria-label]'))
    .flatMap(e => ['placeholder', 'title', 'aria-label'].map(a => e.getAttribute(a)).filter(v => v)),
  svg: Array.from(document.querySelectorAll('svg text')).map(t => t.textContent),
  // Fava's own charts (d3), or the first of ours (plotly: months against amounts)
  y_ticks: Array.from(document.querySelectorAll('svg g.y .tick text')).concat(Array.from(
    document.querySelector('.namndbok-diagram')?.querySelectorAll('.ytick text') ?? [])).map(t => t.textContent),
  x_ticks: Array.from(document.querySelectorAll('svg g:not(.y) > .tick text')).concat(Array.from(
    document.querySelector('.namndbok-diagram')?.querySelectorAll('.xtick text') ?? [])).map(t => t.textContent),
})"""


def _open(browser, fava_base, page: str, chart: bool) -> Visit:
    visit = Visit(browser, f"{fava_base}/{page}")
    visit.page.locator("article").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    if chart:  # Fava's own charts (d3) or ours (plotly)
        visit.page.locator("svg g.y .tick text, .namndbok-diagram .ytick text").first.wait_for(
            state="visible", timeout=TIMEOUT_MS)
    _settle(visit.page)
    return visit


def _settle(page) -> None:
    """Let the module load and the page finish drawing (two animation frames after the network)."""
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _english(texts: list[str]) -> list[str]:
    """Each English word found, with what surrounds it."""
    return sorted({f"{m.group(0)!r} in …{t[max(0, m.start() - 30):m.end() + 30]!r}…"
                   for t in texts for m in ENGLISH_WORD.finditer(t)})


def _assert_swedish_axes(texts: dict) -> None:
    y_ticks, x_ticks = texts["y_ticks"], texts["x_ticks"]
    assert y_ticks, "no y-axis ticks found"
    assert [t for t in y_ticks if not SWEDISH_AXIS_NUMBER.match(t)] == [], y_ticks
    assert any("," in t for t in y_ticks), y_ticks  # decimal commas ("0,00" at least)
    assert any(t.split(" ")[0] in SWEDISH_MONTHS + SWEDISH_WEEKDAYS for t in x_ticks), x_ticks
    assert _english(x_ticks) == []


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.slow
def test_page_shows_no_english(browser, fava_base, page):
    visit = _open(browser, fava_base, page, PAGES[page])
    try:
        texts = visit.page.evaluate(TEXTS)
        assert _english([texts["body"]]) == []
        assert _english(texts["attributes"]) == []
        assert _english(texts["svg"]) == []
        assert [t for t in texts["svg"] if re.search(r"\d\.\d", t)] == []  # no decimal points on charts
        if PAGES[page]:
            _assert_swedish_axes(texts)
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.parametrize("page", [f"{ACCOUNT}?time=2026", "income_statement/?time=2026", "balance_sheet/"])
@pytest.mark.slow
def test_the_wider_swedish_axis_labels_are_not_cut(browser, fava_base, page):
    """ "−80,0 mn" is wider than d3's "−80.0M": every y tick must be whole on the screen (not cut at
    the chart's edge, where "80,0" read as "30,0")."""
    visit = _open(browser, fava_base, page, True)
    try:
        cut = visit.page.evaluate("""() => Array.from(document.querySelectorAll('svg g.y .tick text')).filter(t => {
            const svg = t.closest('svg'), text = t.getBoundingClientRect();
            const edge = getComputedStyle(svg).overflow === 'visible' ? svg.closest('article') : svg;
            return text.width > 0 && text.left < edge.getBoundingClientRect().left;
        }).map(t => t.textContent)""")
        assert cut == []
        assert any(" mn" in t or "\u00a0mn" in t for t in visit.page.evaluate(TEXTS)["y_ticks"])
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_menu_hides_holdings_and_commodities(browser, fava_base):
    visit = _open(browser, fava_base, "income_statement/", chart=False)
    try:
        aside = visit.page.locator("aside")
        menu = aside.inner_text()
        assert "Resultaträkning" in menu and "Huvudbok" in menu and "Nämndbok" in menu
        assert "Innehav" not in menu and "Handelsvaror" not in menu
        for report in ("holdings", "commodities"):
            link = aside.locator(f'a[href*="/{report}/"]')
            assert link.count() == 1  # Fava still has it, we hide it
            assert link.is_hidden()
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_journal_entry_types_and_last_entry_in_swedish(browser, fava_base):
    visit = _open(browser, fava_base, "journal/", chart=False)
    try:
        buttons = visit.page.locator("form.flex-row button").all_inner_texts()
        for swedish in ("Öppning", "Stängning", "Transaktion", "Saldo", "Anteckning", "Dokument", "Anpassad"):
            assert swedish in buttons
        title = visit.page.locator("form.flex-row button", has_text="Öppning").get_attribute("title")
        assert title == "Visa eller dölj inlägg av typen Öppning"
        assert "Anp" in visit.page.locator(".journal .custom .flag").first.inner_text()
        placeholder = visit.page.locator("aside input, header input").evaluate_all(
            "inputs => inputs.map(i => i.placeholder)")
        assert "Filtrera på etikett, mottagare, …" in placeholder
    finally:
        visit.close()
    visit = _open(browser, fava_base, ACCOUNT, chart=True)
    try:
        assert "(Senaste inlägg: 2026-10-31)" in visit.page.locator("header").inner_text()
    finally:
        visit.close()


def _hover_tooltip(page, selector: str) -> str:
    target = page.locator(selector).first
    target.hover(force=True)
    tooltip = page.locator(".tooltip").first
    page.wait_for_function("() => Array.from(document.querySelectorAll('.tooltip'))"
                           ".some(t => getComputedStyle(t).opacity === '1' && t.textContent)", timeout=TIMEOUT_MS)
    return tooltip.inner_text()


@pytest.mark.slow
def test_chart_tooltip_and_redrawn_axes_stay_swedish(browser, fava_base):
    """Tooltips appear on hover and the axes are drawn again on resize: both after our first pass."""
    visit = _open(browser, fava_base, "income_statement/", chart=True)
    try:
        text = _hover_tooltip(visit.page, "svg .group")
        assert re.search(r"\b(jan|feb|mars|apr|maj|juni|juli|aug|sep|okt|nov|dec) \d{4}\b", text), text
        assert _english([text]) == []
        visit.page.set_viewport_size({"width": 900, "height": 900})
        _settle(visit.page)
        _assert_swedish_axes(visit.page.evaluate(TEXTS))
        visit.assert_clean()
    finally:
        visit.close()
    visit = _open(browser, fava_base, "trial_balance/", chart=False)
    try:
        visit.page.locator("svg").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        text = _hover_tooltip(visit.page, "svg g rect")
        assert re.search(r"\(\d+,\d\d\u00a0%\)", text), text  # "(100,00 %)", not "(100.00%)"
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_swedish_after_navigating_inside_fava_and_no_loop(browser, fava_base):
    """Fava swaps pages without a reload: the next page is Swedish too, and once the page has
    settled nothing keeps changing it (our own edits do not feed the observer back)."""
    visit = _open(browser, fava_base, "statistics/", chart=False)
    try:
        visit.page.locator("aside a", has_text="Balansräkning").click()
        visit.page.get_by_role("heading").filter(has_text="Balansräkning").first.wait_for(timeout=TIMEOUT_MS)
        visit.page.locator("svg g.y .tick text").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        _settle(visit.page)
        texts = visit.page.evaluate(TEXTS)
        assert _english([texts["body"], *texts["attributes"], *texts["svg"]]) == []
        _assert_swedish_axes(texts)
        mutations = visit.page.evaluate("""() => new Promise(resolve => {
            let count = 0;
            const observer = new MutationObserver(records => { count += records.length; });
            observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
            setTimeout(() => { observer.disconnect(); resolve(count); }, 1500);
        })""")
        assert mutations == 0
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.slow
def test_editor_keeps_typed_text_and_completions(browser, fava_base):
    """The query editor's placeholder is Swedish; what is typed and BQL's completions are not touched."""
    visit = _open(browser, fava_base, "query/", chart=False)
    try:
        page = visit.page
        assert page.locator(".cm-placeholder").inner_text() == "…skriv en BQL-fråga. 'help' listar kommandona."
        page.locator(".cm-content").first.click()
        page.keyboard.type("SELECT account")
        completions = page.locator(".cm-tooltip-autocomplete")
        completions.wait_for(state="visible", timeout=TIMEOUT_MS)
        _settle(page)
        assert "account" in completions.inner_text().split("\n")
        assert "konto" not in completions.inner_text()
        assert page.locator(".cm-content").first.inner_text() == "SELECT account"
        visit.assert_clean()
    finally:
        visit.close()
