"""The Fava extension's query string, fuzzed: every parameter it reads, with odd values.

Real Fava (`fava.application.create_app`) on a copy of the example, through Flask's
test client. Property: no HTTP 500, no traceback in the page, no "Sidan kunde inte
visas" (a page maker's exception shown as its text), an answer within TIME_BOUND
seconds. The parameters are those the extension reads (found in its source:
`args.get("…")`) and Fava's own filter parameters.

Known failures, being fixed in another branch (namndbok_fava/pages.py, the time
filter): a `time` that Fava's date parser cannot turn into a date (2026-13,
2026-02-30, 2026-W60, 0000) answers 500, and a time filter in year 1 shows
"Sidan kunde inte visas: year 0 is out of range". The fuzz test leaves those
classes out (`known_failure`); test_known_failing_time_filters names each and is
xfail until the fix is merged. NAMNDBOK_FUZZ_SCALE multiplies the inputs.
"""

from __future__ import annotations

import re
import shutil
import time

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import EXAMPLE_DIR, EXAMPLE_LEDGER, REPO
from test_fuzz_ledger import fuzz_settings

TIME_BOUND = 10.0  # seconds for one page
EXTENSION = REPO / "namndbok_fava"
READ = re.compile(r"""args\.get\(\s*["']([\w-]+)["']""")
# The parameters the extension reads, from its own source, and Fava's filters (it reads them before our page).
PARAMS = sorted({name for path in EXTENSION.glob("*.py") for name in READ.findall(path.read_text(encoding="utf-8"))}
                | {"time", "account", "filter", "conversion", "interval"})
ODD = ["", " ", "x", "0", "-5", "2026", "2026-10", "2026-13", "2026-00", "9999-12", "0001-01", "10000", "2026-Q5",
       "2026-W60", "FY2026", "2026-02-30", "2020 - 2026", "year-1", "day", "<b>", "%00", "\x00", "../../kontoplan",
       "driftredovisning", "resultatrakning", "budget", "prognos", "eget-kapital", "nyckeltal", "5731", "010", "9999",
       "Kostnader:Socialnämnden:5731", "Kostnader:X", "any(", "#tag", "^link", "at_cost", "units", "month", "year",
       "ö" * 200, "1" * 5000, "\u202e", "'\"", "radgrupp", "verksamhet", "ansvar"]


def known_failure(params: dict) -> str | None:
    """Which known failure a query string meets (see the module's text), else None."""
    from fava.util.date import parse_date

    value = params.get("time")
    if not value:
        return None
    try:
        _, end = parse_date(value)
    except ValueError:
        return "time-500"  # Fava's parser raises instead of answering 'cannot read' (TimeFilterParseError)
    if end is not None and end.year <= 2:
        return "year-0"  # the pages reach back a year before year 1
    return None


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
       sida=st.sampled_from(["budget", "prognos", "eget-kapital", "nyckeltal", "x", ""]))
def test_any_query_string_gets_a_page(fava_client, params, sida):
    params = {"sida": sida, **params}
    assume(known_failure(params) is None)
    client, slug = fava_client
    assert_answers(client, slug, params)


KNOWN_FAILING = [  # (time filter, the failure on main at the time of writing)
    ("2026-13", "500: ValueError: month must be in 1..12"),
    ("2026-00", "500: ValueError: month must be in 1..12"),
    ("2026-02-30", "500: ValueError: day is out of range for month"),
    ("2026-W60", "500: ValueError: time data '2026-W60-1' does not match format '%G-W%V-%w'"),
    ("0000", "500: ValueError: year 0 is out of range"),
    ("2026-13 - 2027", "500: ValueError: month must be in 1..12"),
    ("0001-01", "200 with 'Sidan kunde inte visas: year 0 is out of range' (budget, prognos, nyckeltal)"),
]


@pytest.mark.xfail(strict=False, reason="time filters Fava cannot read crash the pages; fixed in another branch "
                   "(namndbok_fava, the time filter): un-xfail after merging")
@pytest.mark.parametrize("value, failure", KNOWN_FAILING)
def test_known_failing_time_filters(fava_client, value, failure):
    client, slug = fava_client
    assert known_failure({"time": value})
    for sida in ("budget", "prognos", "eget-kapital", "nyckeltal"):
        assert_answers(client, slug, {"sida": sida, "time": value})
