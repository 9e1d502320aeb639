"""Our Fava pages' response time against Fava's own income statement.

Serves a ledger in real Fava (the cheroot server `namndbok fava` uses) on
127.0.0.1 at a free port in this process, and times full HTTP GETs from the
outside: each of our report's pages with the default filter, budgetuppföljning
with a month's time filter, and Fava's income statement and balance sheet. Fava
renders those two in the browser, so their time is the page and the JSON the
browser then fetches for it (`/api/income_statement`), both timed together.
Every response must be 200 and contain the page's own table (Fava's: the
example's accounts in its JSON), so that a time is never that of an error page.
Each page is requested once to warm up, then the median of `repeat` rounds
(pages interleaved) is printed with its ratio to the income statement under
the same time filter: warm, and with what a reload empties emptied before each
request (`forget`). Figures, not pass/fail.
"""

from __future__ import annotations

import contextlib
import statistics
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote
from typing import Iterator, NamedTuple

MONTH = "2026-03"  # the time filter of the filtered pages: a month of the example's current year
INCOME = "Resultaträkning (Fava)"
INCOME_MONTH = f"Resultaträkning (Fava), {MONTH}"
GOAL = 1.5  # our pages within 1.5 × Fava's income statement


class Request(NamedTuple):
    path: str  # after the ledger's base URL
    marker: str  # text the response must contain


class Sida(NamedTuple):
    label: str
    requests: tuple[Request, ...]
    reference: str  # the Fava page it is compared with (its own label for Fava's pages)
    ours: bool


def _ours(label: str, sida: str, marker: str, time_filter: str = "", reference: str = INCOME) -> Sida:
    query = f"?sida={sida}" + (f"&time={time_filter}" if time_filter else "")
    return Sida(label, (Request(f"extension/Namndbok/{query}", f'id="{marker}"'),), reference, True)


def _fava(label: str, report: str, marker: str, time_filter: str = "") -> Sida:
    """Fava's report: its page (the shell with the ledger's data) and the JSON its script fetches."""
    query = f"?time={time_filter}" if time_filter else ""
    return Sida(label, (Request(f"{report}/{query}", 'id="ledger-data"'), Request(f"api/{report}{query}", marker)),
                INCOME_MONTH if time_filter else INCOME, False)


SIDOR = (
    _ours("Översikt", "oversikt", "oversikt-prognos"),
    _ours("Budgetuppföljning", "budget", "rapport"),
    _ours(f"Budgetuppföljning, {MONTH}", "budget", "rapport", MONTH, INCOME_MONTH),
    _ours("Prognos", "prognos", "prognos"),
    _ours("Eget kapital", "eget-kapital", "eget-kapital"),
    _ours("Nyckeltal", "nyckeltal", "nyckeltal"),
    _ours("Prognossäkerhet", "prognossakerhet", "prognossakerhet-sida"),
    _ours("Budgetarbete", "budgetarbete", "ramberakning"),
    _ours("Lämna prognos", "lamna-prognos", "prognosstatus"),
    # The JSON escapes non-ASCII: the example's kommunbidrag and its avräkning konto 1690.
    _fava(INCOME, "income_statement", ':Kommunbidrag"'),
    _fava(INCOME_MONTH, "income_statement", ':Kommunbidrag"', MONTH),
    _fava("Balansräkning (Fava)", "balance_sheet", ':1690"'),
)


class Timing(NamedTuple):
    label: str
    ms: float  # warm: the median with everything Fava and we cache per load in place
    ratio: float  # to the reference (1 for the income statement itself)
    cold_ms: float  # the first request after a load: the median with those caches emptied before it
    # (for our pages, with our extension's own work at the end of the load: its reading and Fava's budgets)
    cold_ratio: float
    ours: bool


class LedgerTimings(NamedTuple):
    label: str
    entries: int
    timings: list[Timing]


class PageError(Exception):
    """A page did not answer 200 with its own table."""


@contextlib.contextmanager
def serving(ledger: Path) -> Iterator[tuple[str, object]]:
    """Fava on 127.0.0.1 at a free port: (the ledger's base URL, Fava's ledger)."""
    from cheroot.wsgi import Server
    from fava.application import create_app

    from namndbok.scripts.fava_server import ledger_slug

    app = create_app([ledger.resolve()], load=True, read_only=True)
    fava_ledger = app.config["LEDGERS"].ledgers[0]
    server = Server(("127.0.0.1", 0), app)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.bind_addr[1]}/{quote(ledger_slug(fava_ledger))}/", fava_ledger
    finally:
        server.stop()
        thread.join(timeout=10)


def forget(fava_ledger) -> None:
    """Empty what Fava and our extension keep per load, as a reload does, without reading
    the files again: Fava's filtered ledgers and entry lookups, and our extension's cache."""
    fava_ledger.get_filtered.cache_clear()
    fava_ledger.get_entry.cache_clear()
    fava_ledger.extensions.after_load_file()


def fetch(url: str, marker: str) -> None:
    """GET the whole response; refuse one that is not 200 or lacks `marker`."""
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            body = response.read().decode("utf-8")
            status = response.status
    except urllib.error.HTTPError as err:
        raise PageError(f"{url} svarade {err.code}.") from None
    if status != 200 or marker not in body:
        raise PageError(f"{url} svarade {status} utan {marker!r}.")


def time_page(base: str, sida: Sida) -> float:
    """Milliseconds for all of the page's requests, one after the other."""
    start = time.perf_counter()
    for request in sida.requests:
        fetch(base + request.path, request.marker)
    return (time.perf_counter() - start) * 1000


def time_ledger(ledger: Path, label: str, repeat: int = 7, sidor: tuple[Sida, ...] = SIDOR) -> LedgerTimings:
    """Warm each page up once, then the median of `repeat` rounds, pages interleaved;
    then as many rounds again with the per-load caches emptied before each request (our
    pages' time counts our extension's work at the end of a load too)."""
    with serving(ledger) as (base, fava_ledger):
        for sida in sidor:
            time_page(base, sida)
        warm = [[time_page(base, sida) for sida in sidor] for _ in range(repeat)]
        cold = []
        for _ in range(repeat):
            cold.append([])
            for sida in sidor:
                start = time.perf_counter()
                forget(fava_ledger)
                # Our extension reads the ledger (and gives Fava its budgets) when a load
                # ends: counted in our pages' time after a load, as when the first request read it.
                extension_ms = (time.perf_counter() - start) * 1000 if sida.ours else 0
                cold[-1].append(time_page(base, sida) + extension_ms)
        entries = len(fava_ledger.all_entries)

    def medians(rounds):
        return {sida.label: statistics.median(r[i] for r in rounds) for i, sida in enumerate(sidor)}

    w, c = medians(warm), medians(cold)
    timings = [Timing(s.label, w[s.label], w[s.label] / w[s.reference], c[s.label], c[s.label] / c[s.reference], s.ours)
               for s in sidor]
    return LedgerTimings(label, entries, timings)
