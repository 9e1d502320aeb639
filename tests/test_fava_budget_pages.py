"""Fava's own pages print no budget figure our engine would not (issue 21, point 2).

Real Fava (`namndbok fava`) on the example committee (utfall booked per ansvar, below
the budgeted konto, through 31 October 2026) and on a committee made from a real SIE
file (`namndbok ny --fran`, `import`, `import-budget`: utfall and budget per
verksamhet:konto), seen in Debian's Chromium: every budget difference Fava shows in
an account's interval tables ("utfall (±avvikelse)", the budget as its tooltip) and
every budget in the charts the browser is given is the engine's, for the same
accounts and days; a period not booked in full (November, December, the year 2026)
shows none.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from urllib.parse import quote

import pytest

from conftest import EXAMPLE_LEDGER, SHARED, needs_shared, run, start_fava  # noqa: F401 (browser)
from namndbok.accounts import KIND_KOSTNAD, parse_account
from namndbok.engine import compute
from namndbok.ledgerdata import read_ledger

D = Decimal
ONE_DAY = datetime.timedelta(days=1)
CENT = D("0.011")  # Fava prints öre: a figure and its rounding
SIE_FILE = SHARED / "sie" / "BLBLOV_SIE4_UTF_8_1.SE"  # 2017, with #PBUDGET; no dimensions: verksamhet 000
TIMEOUT_MS = 60_000

# Each row of an interval table: its account, the header's periods, and per cell the
# spans Fava prints (utfall, then "(±avvikelse)" with the budget as title).
READ_TABLE = """() => {
  const table = document.querySelector('ol.tree-table-new');
  const periods = [...table.querySelectorAll('li.head span.num')].map(s => s.innerText.trim());
  const rows = [...table.querySelectorAll('li > p')].filter(p => p.querySelector('[data-account-name]')).map(p => ({
    account: p.querySelector('[data-account-name]').getAttribute('data-account-name'),
    cells: [...p.querySelectorAll(':scope > span.num')].map(cell =>
      [...cell.querySelectorAll(':scope > span')].map(s => ({text: s.innerText.trim(), title: s.getAttribute('title')})))
  }));
  return {periods, rows};
}"""


def number(text: str) -> Decimal:
    """A figure as Fava prints it in Swedish ("−1 234,56 SEK", "(+0,05)")."""
    cleaned = re.sub(r"[^0-9,+\-−]", "", text).replace("−", "-").replace(",", ".").lstrip("+")
    return D(cleaned)


class Engine:
    """Our engine's utfall and budget of an account and its sub-accounts for a period, Beancount sign."""

    def __init__(self, ledger_path):
        from beancount import loader

        entries, errors, options = loader.load_file(str(ledger_path))
        self.data = read_ledger(entries, options)
        self.last = self.data.utfall_span()[1]
        self.version = self.data.decisions[-1].name  # Fava shows the budget after the last decision
        self._cache: dict = {}

    def _to(self, account: str, day: datetime.date) -> tuple[Decimal, Decimal | None]:
        key = (account, day)
        if key not in self._cache:
            ref = parse_account(account, self.data.roots)
            where = {dim: getattr(ref, field) for dim, field in
                     (("nämnd", "namnd"), ("verksamhet", "verksamhet"), ("konto", "konto"), ("ansvar", "ansvar"))
                     if getattr(ref, field) is not None}
            kinds = (KIND_KOSTNAD,) if ref.kind == KIND_KOSTNAD else ("intäkt", "kommunbidrag", "disposition")
            total = compute(self.data, day, kinds=kinds, where=where, budget_version=self.version).total.measures
            self._cache[key] = (-(total.utfall or 0), None if total.budget is None else -total.budget)
        return self._cache[key]

    def period(self, account: str, begin: datetime.date, end: datetime.date) -> tuple[Decimal, Decimal | None]:
        """(utfall, budget) from `begin` to `end` (inclusive), both in one year."""
        assert begin.year == end.year
        utfall, budget = self._to(account, end)
        if begin.month == 1 and begin.day == 1:
            return utfall, budget
        utfall_before, budget_before = self._to(account, begin - ONE_DAY)
        return utfall - utfall_before, None if budget is None else budget - (budget_before or 0)


def period_range(label: str) -> tuple[datetime.date, datetime.date]:
    """A column header ("2026-10", "2026") as its first and last day."""
    if re.fullmatch(r"\d{4}", label):
        return datetime.date(int(label), 1, 1), datetime.date(int(label), 12, 31)
    year, month = map(int, label.split("-"))
    first = datetime.date(year, month, 1)
    return first, datetime.date(year + month // 12, month % 12 + 1, 1) - ONE_DAY




class Page:
    """One Fava page in a fresh browser context, with the JSON its frontend fetched from Fava's API."""

    def __init__(self, browser, url: str, api: str):
        self.context = browser.new_context(viewport={"width": 1600, "height": 1000})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.api: list[dict] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("response", lambda r: self.api.append(r) if f"/api/{api}" in r.url else None)
        self.page.goto(url, timeout=TIMEOUT_MS)
        self.page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        self.page.locator("article").wait_for(state="visible", timeout=TIMEOUT_MS)

    def data(self) -> dict:
        assert self.api, "the page fetched no report"
        return self.api[-1].json()["data"]

    def close(self):
        self.context.close()


def check_charts(engine: Engine, charts: list[tuple[dict, str, int]], interval: str = "month") -> int:
    """Every budget behind a bar (chart, its account, its sign) is the engine's for the bar's period;
    none for a period that ends after the last utfall. Returns how many bars carried a budget."""
    with_budget = 0
    for chart, account, sign in charts:
        assert chart["type"] == "bar"
        for bar in chart["data"]:
            end = datetime.date.fromisoformat(bar["date"])
            begin = end.replace(day=1) if interval == "month" else end.replace(month=1, day=1)
            where = (chart["label"], bar["date"], bar["budgets"])
            if end > engine.last:
                assert bar["budgets"] == {}, where
                continue
            _, budget = engine.period(account, begin, end)
            if budget is None:
                assert bar["budgets"] == {}, where
                continue
            assert abs(D(str(bar["budgets"]["SEK"])) - sign * budget) < CENT, (where, budget)
            with_budget += 1
    return with_budget


def check_interval_table(engine: Engine, table: dict, accumulate: bool) -> dict[str, int]:
    """Every "utfall (±avvikelse)" Fava prints equals the engine's for the row's account and the
    column's days (from the first column's start when the table accumulates); no difference in a
    column that ends after the last utfall. Returns, per row, how many differences it showed."""
    periods = [period_range(label) for label in table["periods"]]
    start = min(begin for begin, _ in periods)
    shown: dict[str, int] = {}
    for row in table["rows"]:
        account = row["account"]
        shown[account] = 0
        for (begin, end), spans in zip(periods, row["cells"], strict=True):
            diffs = [i for i, span in enumerate(spans) if span["text"].startswith("(")]
            where = f"{account} {begin}–{end}: {spans}"
            if end > engine.last:
                assert diffs == [], "a budget difference for days without utfall: " + where
                continue
            for i in diffs:
                utfall_shown, budget_shown = number(spans[i - 1]["text"]), number(spans[i]["title"])
                utfall, budget = engine.period(account, start if accumulate else begin, end)
                assert budget is not None, "a budget where the engine has none: " + where
                assert abs(budget_shown - budget) < CENT, f"budget {budget} in the engine: " + where
                assert abs(utfall_shown - utfall) < CENT, f"utfall {utfall} in the engine, beside the budget: " + where
                assert abs(number(spans[i]["text"]) - (budget_shown - utfall_shown)) < CENT, where
                shown[account] += 1
    return shown


def account_page(browser, base: str, engine: Engine, account: str, report: str, time: str, interval: str = "month"):
    """Open an account's interval table in Chromium and check it and its charts; the differences per row."""
    url = f"{base}/account/{quote(account, safe=':')}/?r={report}&time={quote(time)}&interval={interval}"
    page = Page(browser, url, "account_report")
    try:
        page.page.locator("ol.tree-table-new li.head").wait_for(state="visible", timeout=TIMEOUT_MS)
        table = page.page.evaluate(READ_TABLE)
        assert table["rows"] and table["rows"][0]["account"] == account
        shown = check_interval_table(engine, table, accumulate=report == "balances")
        changes = page.data()["charts"][1]  # the bar chart of the account's changes (the first is its balance)
        check_charts(engine, [(changes, account, 1)], interval)
        assert page.errors == []
        return shown, table
    finally:
        page.close()


def income_statement(browser, base: str, engine: Engine, time: str, inverted: bool) -> int:
    page = Page(browser, f"{base}/income_statement/?time={time}", "income_statement")
    try:
        page.page.locator("ol.tree-table-new, ol.flex-table").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        roots = engine.data.roots
        _, income, expenses = page.data()["charts"]  # Fava's: net profit, income, expenses (inverted: the income)
        bars = check_charts(engine, [(income, roots.intakter, -1 if inverted else 1), (expenses, roots.kostnader, 1)])
        assert page.errors == []
        return bars
    finally:
        page.close()


# -- the example: utfall per ansvar below the budgeted konto, through October 2026 ----------

@pytest.fixture(scope="module")
def example():
    proc, url, _ = start_fava(str(EXAMPLE_LEDGER), timeout=90)
    try:
        yield url.rsplit("/income_statement/", 1)[0], Engine(EXAMPLE_LEDGER)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.parametrize("time, bars", [("2026", 20), ("2026-10", 2)])
def test_example_income_statement_charts_show_the_engines_budget_and_none_after_the_last_utfall(browser, example, time, bars):
    base, engine = example
    assert engine.last == datetime.date(2026, 10, 31)
    assert income_statement(browser, base, engine, time, inverted=True) == bars  # Intäkter and Kostnader, Jan–Oct


@pytest.mark.slow
@pytest.mark.parametrize("report", ["changes", "balances"])
def test_example_konto_with_ansvar_below_compares_the_ansvar_sums_with_the_budget(browser, example, report):
    base, engine = example
    konto = "Kostnader:Socialnämnden:5731:4610"
    shown, table = account_page(browser, base, engine, konto, report, "2026")
    assert table["periods"][0] == "2026-12" and len(table["periods"]) == 12
    assert shown[konto] == 10  # January–October: the konto's budget against the sum of its ansvar
    assert len(shown) > 1 and all(shown[a] == 0 for a in shown if a != konto)  # an ansvar has no budget of its own


@pytest.mark.slow
@pytest.mark.parametrize("report, time, interval, differences", [
    ("changes", "2026", "month", 10),
    ("balances", "2026", "month", 10),
    ("changes", "2026-10", "month", 1),
    ("changes", "2026", "year", 0),  # 2026 is not booked in full: no budget for the year
    ("changes", "2023 - 2026", "year", 3),  # 2023–2025 are
])
def test_example_verksamhet_shows_the_engines_budget_on_every_row(browser, example, report, time, interval, differences):
    base, engine = example
    verksamhet = "Kostnader:Socialnämnden:5731"
    shown, _ = account_page(browser, base, engine, verksamhet, report, time, interval)
    assert shown[verksamhet] == differences
    kontos = [a for a in shown if a.count(":") == 3]
    assert kontos and all(shown[k] == differences for k in kontos), shown  # each konto: its ansvar's sums


# -- a committee made from a real SIE file: utfall and budget per verksamhet:konto, 2017 -----

@pytest.fixture(scope="module")
def from_sie(tmp_path_factory):
    if not SIE_FILE.exists():
        pytest.skip(f"{SIE_FILE} saknas")
    folder = tmp_path_factory.mktemp("sie") / "barn"
    code, out = run("ny", folder, "--fran", SIE_FILE, "--namnd", "Barnnämnden")
    assert code == 0, out
    main = folder / "barn.beancount"
    code, out = run("import", SIE_FILE, "-f", main)
    assert code == 0, out
    code, out = run("import-budget", SIE_FILE, "-f", main, "--namn", "Budget 2017", "--beslut", "BN 2016-12-10 §1",
                    "--ar", "2017", "--datum", "2016-12-10")
    assert code == 0 and "12 rader" in out, out
    proc, url, _ = start_fava(str(main), timeout=90)
    try:
        yield url.rsplit("/income_statement/", 1)[0], Engine(main), main
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_sie_committee_income_statement_and_account_pages(browser, from_sie):
    base, engine, main = from_sie
    assert engine.last == datetime.date(2017, 12, 31)
    inverted = '"invert-income-liabilities-equity" "true"' in main.read_text(encoding="utf-8")
    assert income_statement(browser, base, engine, "2017", inverted) == 24  # every month has a budget line
    verksamhet = "Kostnader:Barnnämnden:000"
    for report in ("changes", "balances"):
        shown, _ = account_page(browser, base, engine, verksamhet, report, "2017")
        assert shown[verksamhet] == 12
        assert shown["Kostnader:Barnnämnden:000:7010"] == 12  # utfall booked on the budgeted konto itself
    shown, _ = account_page(browser, base, engine, "Kostnader:Barnnämnden:000:7010", "changes", "2017")
    assert shown == {"Kostnader:Barnnämnden:000:7010": 12}
    # A year after the last utfall (and the last budget) shows utfall alone, not "0,00 SEK (−0,00)".
    shown, table = account_page(browser, base, engine, verksamhet, "changes", "2017 - 2018", "year")
    assert table["periods"] == ["2018", "2017"] and shown[verksamhet] == 1
