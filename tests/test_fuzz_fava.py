"""The Fava extension's query string, fuzzed: every parameter it reads, with odd values.

Real Fava (`fava.application.create_app`) on a copy of the example, through Flask's
test client. Property: no HTTP 500, no traceback in the page, no "Sidan kunde inte
visas" (a page maker's exception shown as its text), an answer within TIME_BOUND
seconds. The parameters are those the extension reads (found in its source:
`args.get("…")`) and Fava's own filter parameters.

What the fuzzing found (each kept in test_time_filters_it_found_are_said_in_swedish):
a `time` that Fava's date parser cannot turn into a date (2026-13, 2026-02-30,
2026-W60, 0000) answered 500, and a time filter in year 1 showed "Sidan kunde
inte visas: year 0 is out of range"; both are now the Swedish refusal of
`namndbok_fava.time_filter`. NAMNDBOK_FUZZ_SCALE multiplies the inputs.
"""

from __future__ import annotations

import re
import shutil
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLE_DIR, EXAMPLE_LEDGER, REPO
from test_fuzz_ledger import fuzz_settings

TIME_BOUND = 10.0  # seconds for one page
EXTENSION = REPO / "namndbok_fava"
READ = re.compile(r"""args\.get\(\s*["']([\w-]+)["']""")
# The parameters the extension reads, from its own source, and Fava's filters (it reads them before our page).
PARAMS = sorted({name for path in EXTENSION.rglob("*.py") for name in READ.findall(path.read_text(encoding="utf-8"))}
                | {"time", "account", "filter", "conversion", "interval"})
ODD = ["", " ", "x", "0", "-5", "2026", "2026-10", "2026-13", "2026-00", "9999-12", "0001-01", "10000", "2026-Q5",
       "2026-W60", "FY2026", "2026-02-30", "2020 - 2026", "year-1", "day", "<b>", "%00", "\x00", "../../kontoplan",
       "driftredovisning", "resultatrakning", "budget", "prognos", "eget-kapital", "nyckeltal", "5731", "010", "9999",
       "Kostnader:Socialnämnden:5731", "Kostnader:X", "any(", "#tag", "^link", "at_cost", "units", "month", "year",
       "ö" * 200, "1" * 5000, "\u202e", "'\"", "radgrupp", "verksamhet", "ansvar", "2200", "tkr", "mnkr", "kr",
       "KF-budget 2026", "Internbudget 2026", "investeringar"]


@pytest.fixture(scope="module")
def fava_client(tmp_path_factory):
    from fava.application import create_app
    from fava.util import slugify

    copy = tmp_path_factory.mktemp("fava") / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy, ignore=shutil.ignore_patterns("rapporter"))
    app = create_app([(copy / EXAMPLE_LEDGER.name).resolve()], load=True)
    ledger = app.config["LEDGERS"].ledgers[0]
    return app.test_client(), slugify(ledger.options["title"])


def get_page(client, slug: str, params: dict):
    """(status, body, seconds) of the extension's page for `params`."""
    started = time.monotonic()
    response = client.get(f"/{slug}/extension/Namndbok/", query_string={**params, "partial": "true"})
    return response.status_code, response.get_data(as_text=True), time.monotonic() - started


def assert_answers(client, slug: str, params: dict) -> None:
    status, body, seconds = get_page(client, slug, params)
    assert status != 500, (params, body[-2000:])
    assert "Traceback" not in body, params
    assert "Sidan kunde inte visas" not in body, (params, re.search(r"Sidan kunde inte visas[^<]*", body).group(0))
    assert seconds < TIME_BOUND, (params, seconds)
    assert status in (200, 302, 400, 404), (params, status)


def test_the_parameters_are_found_in_the_extensions_source():
    assert {"sida", "time", "layout", "radgrupp", "verksamhet"} <= set(PARAMS), PARAMS


@fuzz_settings(150)
@given(params=st.dictionaries(st.sampled_from(PARAMS), st.one_of(st.sampled_from(ODD), st.text(max_size=12)), max_size=4),
       sida=st.sampled_from(["oversikt", "budget", "prognos", "eget-kapital", "nyckeltal", "prognossakerhet", "lamna-prognos", "x", ""]))
def test_any_query_string_gets_a_page(fava_client, params, sida):
    params = {"sida": sida, **params}
    client, slug = fava_client
    assert_answers(client, slug, params)


FOUND = [  # (time filter, how it failed before namndbok_fava.time_filter refused it)
    ("2026-13", "500: ValueError: month must be in 1..12"),
    ("2026-00", "500: ValueError: month must be in 1..12"),
    ("2026-02-30", "500: ValueError: day is out of range for month"),
    ("2026-W60", "500: ValueError: time data '2026-W60-1' does not match format '%G-W%V-%w'"),
    ("0000", "500: ValueError: year 0 is out of range"),
    ("2026-13 - 2027", "500: ValueError: month must be in 1..12"),
    ("0001-01", "200 with 'Sidan kunde inte visas: year 0 is out of range' (budget, prognos, nyckeltal)"),
]


@pytest.mark.parametrize("value, failure", FOUND)
def test_time_filters_it_found_are_said_in_swedish(fava_client, value, failure):
    client, slug = fava_client
    for sida in ("budget", "prognos", "eget-kapital", "nyckeltal"):
        assert_answers(client, slug, {"sida": sida, "time": value})
        assert f"Tidsfiltret ”{value}”" in get_page(client, slug, {"sida": sida, "time": value})[1]
