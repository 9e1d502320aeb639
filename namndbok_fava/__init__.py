"""Nämndbok i Fava: the committee's tables beside Fava's own reports.

The extension only presents. Every number comes from the engine
(the load's reading, `namndbok.load_reading.reading_of`, once per ledger load, then
`namndbok.report`, `namndbok.engine`, `namndbok.eget_kapital`,
`namndbok.nyckeltal`) and is printed by `namndbok.swedish.format_measure` or
`namndbok.swedish.format_amount`, so the pages show exactly what the CLI prints.

The browser side is `Namndbok.js` (Fava imports it on every page), which loads
its parts from `static/` through the extension's `statisk` endpoint.

Declared in a ledger with

    2025-01-01 custom "fava-extension" "namndbok_fava"

One report, "Nämndbok", with sub-pages chosen by the query parameter `sida`
(budget, prognos, eget-kapital, nyckeltal, budgetarbete, lamna-prognos). The report date is the end of
Fava's time filter, or the last utfall date when there is none.

After each load the extension also answers for Fava's own budget module
(`namndbok_fava.budgets`), so that Fava's account reports and charts show our
engine's budget beside utfall, only where every figure Fava prints from it is
right (the rules: `namndbok.fava_budget`).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from fava.ext import FavaExtensionBase, extension_endpoint

from namndbok_fava import pages
from namndbok_fava.locks import hold_ledger_locks

__all__ = ["Namndbok"]

class Namndbok(FavaExtensionBase):
    """Budgetuppföljning, prognos, eget kapital and nyckeltal from the engine."""

    report_title = "Nämndbok"
    has_js_module = True  # Namndbok.js: Fava runs it on every page


    def __init__(self, ledger, config: str | None = None) -> None:
        super().__init__(ledger, config)
        self._data: Any = None
        self._data_of: Any = None  # the entries list `_data` was read from (held, so never another list's)
        self._cache: dict = {}
        self._receipts: dict[str, str] = {}  # what a prognos submission did, for the page it returns to
        hold_ledger_locks(ledger)  # reloads and edits under the ledger's locks, as our commands

    # -- the ledger, read once per load ------------------------------------

    def after_load_file(self) -> None:
        from fava.ext import FavaExtensionError

        from namndbok_fava.budgets import give_fava_budgets

        self._data = None
        self._data_of = None
        self._cache = {}
        self._check_locks()
        try:
            give_fava_budgets(self.ledger, self.data)  # the budget beside utfall on Fava's own pages
        except Exception as err:  # noqa: BLE001 - a fault of ours must not keep Fava from showing the ledger
            self.ledger.extensions.errors.append(FavaExtensionError(None, (
                f"Nämndbok kunde inte ge Fava budgeten ({type(err).__name__}: {err}), så Favas budgetkolumner "
                "saknas. Kör `namndbok kontrollera` på liggaren; visar den inget fel är felet Nämndboks: skicka "
                "det här meddelandet till den som förvaltar Nämndbok hos er."), None))

    def _check_locks(self) -> None:
        """The locks checked from outside the ledger's text (`namndbok.las.anchor`), shown among Fava's errors."""
        from namndbok.las.anchor import lock_anchor_errors

        self.ledger.extensions.errors.extend(
            lock_anchor_errors(Path(self.ledger.beancount_file_path), self.ledger.all_entries, self.ledger.options))

    def broken_locks(self) -> list:
        """The errors that say a lock on a closed period does not hold (the pages then show no numbers).

        The lock files and git are checked again at each page (a few ms): Fava reloads
        when a ledger file changes, but it does not watch the lock files or git."""
        from namndbok.las import LockBreach
        from namndbok.las.anchor import lock_anchor_errors
        from namndbok.loading import faults

        now = lock_anchor_errors(Path(self.ledger.beancount_file_path), self.ledger.all_entries, self.ledger.options)
        return faults([e for e in (*self.ledger.load_errors, *now) if isinstance(e, LockBreach)])

    @property
    def data(self):
        from namndbok.load_reading import reading_of

        entries = self.ledger.all_entries
        if self._data is None or self._data_of is not entries:  # a load Fava made since (or still makes)
            self._data = reading_of(entries, self.ledger.options)
            self._data_of = entries
            self._cache = {}
        return self._data

    def cached(self, key, make):
        """A value computed once per ledger load (charts, tables)."""
        data = self.data  # refreshes the cache when the ledger changed
        if key not in self._cache:
            self._cache[key] = make(data)
        return self._cache[key]

    @property
    def ledger_dir(self) -> Path:
        return Path(self.ledger.beancount_file_path).parent

    # -- the request --------------------------------------------------------

    @extension_endpoint("statisk")
    def static_file(self):
        """One of the browser's files (`?fil=NAME`): ours in static/, or plotly.js from its package.
        Only names that exist there are served; browsers keep them a day."""
        from flask import abort, request, send_file

        from namndbok_fava.static_files import static_path

        path = static_path(request.args.get("fil", ""))
        if path is None:
            return abort(404)
        return send_file(path, max_age=86400)

    @extension_endpoint("lamna_prognos", methods=["POST"])
    def submit_prognos(self):
        """The form of the page "Lämna prognos" (`namndbok_fava.prognos_form`)."""
        from namndbok_fava.prognos_form import handle

        return handle(self)

    def read_only(self) -> bool:
        """Fava runs read-only (`namndbok fava --skrivskyddad`, `fava --read-only`): Fava then refuses every
        request but GET with its own filter, which is how the extension knows."""
        from flask import current_app

        return any(getattr(f, "__name__", "") == "_read_only" for f in current_app.before_request_funcs.get(None, ()))

    def prognos_error(self) -> str | None:
        """Why the submission of this request was refused (set by `namndbok_fava.prognos_form`)."""
        from flask import g

        return getattr(g, "namndbok_prognos_error", None)

    def keep_receipt(self, text: str) -> str:
        """Keep what a submission did for the page it is sent back to; the key for `?kvitto=`."""
        import secrets

        if len(self._receipts) > 256:
            self._receipts.clear()
        key = secrets.token_urlsafe(8)
        self._receipts[key] = text
        return key

    def receipt(self, key: str) -> str | None:
        return self._receipts.get(key)

    def report_date(self) -> datetime.date | None:
        """The end of Fava's time filter, else the last utfall date.

        The filter is parsed as Fava parses it (its `TimeFilter`; one it cannot read
        raises `time_filter.UnreadableTime`), but not applied: Fava's filtered ledger
        (`g.filtered`) would clamp every entry to the period, which our pages do not
        use and which costs more than the page.
        """
        from flask import request

        from namndbok_fava.time_filter import read_time

        value = request.args.get("time", "")
        if value:
            return read_time(self.ledger, value).date_range.end_inclusive
        return self.cached("sista utfall", pages.last_utfall)

    def page(self) -> pages.Page:
        from flask import request

        return pages.build(self, request.args)
