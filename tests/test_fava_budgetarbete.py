"""The Budgetarbete page of the Nämndbok extension (issue 22, points 2 and 5): real Fava on the
example committee (and copies of it), compared with the real CLI `namndbok budget ram`."""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest

from conftest import EXAMPLE_LEDGER, run


def _client(ledger):
    from fava.application import create_app
    from fava.util import slugify

    app = create_app([ledger.resolve()], load=True)
    return app.test_client(), slugify(app.config["LEDGERS"].ledgers[0].options["title"])


def _page(ledger, **params) -> str:
    client, slug = _client(ledger)
    query = "&".join(f"{k}={v}" for k, v in {"sida": "budgetarbete", **params, "partial": "true"}.items())
    response = client.get(f"/{slug}/extension/Namndbok/?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


class _Tables(HTMLParser):
    """The cells of each table by its id: header row first."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _tables(body: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(body)
    return parser.tables


def _cli_rows(ledger, fmt: str, *more) -> list[list[str]]:
    code, out = run("budget", "ram", "2027", "-f", ledger, "--format", fmt, *more)
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.startswith(("|", "Tkr;")) or ";" in line]
    if fmt == "csv":
        return [row for row in csv.reader([line for line in lines if ";" in line], delimiter=";")]
    return [[cell.strip().strip("*") for cell in line.strip("|").split("|")] for line in lines
            if line.startswith("|") and not line.startswith("| ---")]


def _figures(body: str) -> list[dict]:
    return [json.loads(html.unescape(found)) for found in re.findall(r'<div class="namndbok-diagram" data-figur="([^"]*)"', body)]


def test_the_page_shows_the_clis_ramberakning_cell_by_cell():
    """The example's 2027 (the year after the report date, 31 October 2026): every cell as the CLI
    prints it (markdown), and the same numbers as its CSV."""
    body = _page(EXAMPLE_LEDGER)
    page = _tables(body)["ramberakning"]
    assert page == _cli_rows(EXAMPLE_LEDGER, "markdown")
    as_csv = [[row[0], *(re.sub(r"\s", "", cell) for cell in row[1:])] for row in page]
    assert as_csv == _cli_rows(EXAMPLE_LEDGER, "csv")
    assert page[0] == ["Tkr", "2027", "2028", "2029"] and page[-2][0] == "Summa rambudget"
    assert "Ram året före 2027: liggarens kommunbidrag 2026 efter årets budgetbeslut." in body
    assert '<option value="2027" selected>2027</option>' in body


def test_the_chart_is_each_years_ram_as_a_waterfall(example_ledger):
    from namndbok.ledgerdata import read_ledger
    from namndbok.ram_ledger import ram_for
    from namndbok.ramberakning import assumptions_path, parse_assumptions

    body = _page(EXAMPLE_LEDGER)
    (figure,) = _figures(body)
    (trace,) = figure["data"]
    assert trace["type"] == "waterfall"
    entries, _, options = example_ledger
    data = read_ledger(entries, options)
    table = ram_for(data, parse_assumptions(assumptions_path(EXAMPLE_LEDGER, 2027)), 2027, 2)
    mnkr = [float((v / Decimal(10**6)).quantize(Decimal("0.1"), ROUND_HALF_UP)) for v in table.row("Summa rambudget").values]
    totals = [y for y, kind in zip(trace["y"], trace["measure"]) if kind == "total"]
    assert totals == mnkr
    # each year's steps add up from its ram before to its Summa rambudget (kronor before rounding: within 0,2 mnkr)
    for index in range(len(table.years)):
        start, *steps, total = trace["y"][index * 5:(index + 1) * 5]
        assert abs(start + sum(steps) - total) < 0.2
    assert trace["x"][1][:5] == ["Ram före", "Uppräkning", "Volymer", "Förändringar", "Summa"]
    assert trace["x"][0] == [str(year) for year in table.years for _ in range(5)]
    assert "2027: Volymer +3 300 tkr" in trace["customdata"]


def test_the_decided_changes_list_the_files_and_the_ledgers_with_their_decisions():
    tables = _tables(_page(EXAMPLE_LEDGER))
    rows = {row[0]: row[1:] for row in tables["forandringar"]}
    assert rows["Förstärkt familjehemsvård"] == ["satsning", "KF 2026-06-15 §80", "2 000", "", ""]
    assert rows["Återbetalning av underskott 2024"] == ["återbetalningsplan (liggaren)", "KF 2025-02-17 §14",
                                                        "-10 000", "", ""]
    ram = {row[0]: row[1:] for row in tables["ramberakning"]}
    assert ram["Återbetalning av underskott 2024"][0] == "-10 000"


def test_plan_kommunbidrag_is_a_row_of_its_own_never_the_decided_budget():
    tables = _tables(_page(EXAMPLE_LEDGER))
    header, decided, plan = tables["kommunbidrag-plan"]
    assert header == ["", "2026", "2027", "2028", "2029"]
    assert decided[0].startswith("Beslutat hittills") and plan[0].startswith("Plan:")
    ram = {row[0]: row[1:] for row in tables["ramberakning"]}
    assert plan[2:] == ram["Summa rambudget"]  # the plan years: the ramberäkning's Summa rambudget
    assert plan[1] == ""  # the year before: decided, not planned
    assert decided[1] == ram["Ram året före"][0]  # the ledger's kommunbidrag 2026 is 2027's ram before


def test_the_year_is_chosen_among_the_files(example_copy):
    budget = example_copy.parent / "budget"
    (budget / "2029.toml").write_text("ram_aret_fore = 1000000\n" + "".join(
        f"[upprakning.{year}]\ngenerell = 2.0\n" for year in (2029, 2030, 2031)), encoding="utf-8")
    assert '<option value="2027" selected>' in _page(example_copy)  # the year after the report date
    chosen = _page(example_copy, ar="2029")
    assert '<option value="2029" selected>' in chosen and "Ramberäkning 2029–2031 (tkr)" in chosen
    assert '<option value="2027" selected>' in _page(example_copy, ar="1999")  # not a file's year: the default
    assert '<option value="2029" selected>' in _page(example_copy, time="2020")  # no budget/2021.toml: the latest


def test_no_assumptions_file_says_where_to_put_one(example_copy):
    shutil.rmtree(example_copy.parent / "budget")
    body = _page(example_copy)
    assert "lägg en antagandefil budget/ÅR.toml (t.ex. budget/2027.toml) bredvid liggaren" in body
    assert "docs/budgetarbete.md" in body
    assert "Sidan kunde inte visas" not in body


def test_a_bad_assumptions_file_shows_its_swedish_error_with_file_and_line(example_copy):
    path = example_copy.parent / "budget" / "2027.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("po = 0.2", "po = 200"), encoding="utf-8")
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("po = 200"))
    body = _page(example_copy)
    code, out = run("budget", "ram", "2027", "-f", example_copy)
    assert code != 0
    assert f"budget/2027.toml:{line}: po ska vara" in body
    assert str(example_copy.parent) not in body and "Traceback" not in body and "Sidan kunde inte visas" not in body
    assert '<option value="2027" selected>' in body  # another year can still be chosen


def test_a_waiting_proposal_is_named_under_the_decided_row_and_not_counted_in_it(example_copy):
    """After `namndbok budget fordela 2027` the page names the förslag Internbudget 2027 with its
    kommunbidrag (as `namndbok budgetbeslut` lists it) and how to decide it; the decided row is as before."""
    before = _tables(_page(example_copy))["kommunbidrag-plan"]
    code, out = run("budget", "fordela", "2027", "-f", example_copy)
    assert code == 0, out
    body = html.unescape(_page(example_copy))
    assert _tables(body)["kommunbidrag-plan"] == before
    code, out = run("budgetbeslut", "-f", example_copy, "--ar", "2027", "--format", "csv", "--enhet", "tkr", "--decimaler", "0")
    assert code == 0, out
    [listed] = [row for row in csv.reader(out.splitlines(), delimiter=";") if row[2:3] == ["internbudget (förslag)"]]
    found = re.search(r"Förslag för 2027, ej beslutat: Internbudget 2027 \(internbudget, (\S+)\), kommunbidrag ([^a-z]+) tkr\. "
                      r"Förslaget 'Internbudget 2027' är inte beslutat och ingår inte i raden "
                      r"”Beslutat hittills \(budgetbeslut i liggaren\)”\. "
                      r'Besluta det med `namndbok budget fordela 2027 --beslut "…"`', body)
    assert found, body
    assert [found.group(1), re.sub(r"\s", "", found.group(2))] == [listed[0], listed[4]]
