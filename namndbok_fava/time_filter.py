"""Fava's time filter (`?time=`), read as Fava reads it, refused in Swedish when it cannot be read.

Fava 1.30 parses `2026-13`, `2026-00`, `2026-02-30` or `2026-W60` as a month,
day or week and then fails building the date (a ValueError, HTTP 500 on every
API call and on our pages); only text it does not recognise at all (`xyz`)
becomes its own `FilterError` (HTTP 400). `read_time` makes both one
`UnreadableTime`, a `FilterError` whose message says in Swedish what to write.

`refuse_unreadable_time(app)` checks the filter before each request to Fava
(`namndbok.scripts.fava_server` installs it): Fava's API then answers 400 with the
message (its own handler of `FilterError`), its pages 400 with the message in
Fava's layout; our report shows the message in its page.
"""

from __future__ import annotations

from fava.core.filters import FilterError, TimeFilter

EXTENSION_REPORT = "extension_report"


# The years a report can be about: the pages compare with the year before, and Python's dates end at 9999.
FIRST_YEAR, LAST_YEAR = 1900, 9998


class UnreadableTime(FilterError):
    """A time filter Fava cannot read, or one outside the years a report can be about; the message is Swedish."""

    def __init__(self, value: str, reason: str = "går inte att läsa") -> None:
        super().__init__("time", f"Tidsfiltret ”{value}” {reason}. Skriv till exempel 2026-10 (en månad), "
                                 "2026-Q3 (ett kvartal) eller 2026 (ett år) i fältet Tid.")


def read_time(ledger, value: str) -> TimeFilter:
    """Fava's TimeFilter of `value` for this Fava ledger; UnreadableTime if it cannot be read
    or lies outside FIRST_YEAR … LAST_YEAR."""
    try:
        time_filter = TimeFilter(ledger.options, ledger.fava_options, value)
    except (FilterError, ValueError, OverflowError):
        raise UnreadableTime(value) from None
    span = time_filter.date_range
    if span is not None and not (FIRST_YEAR <= span.begin.year and span.end.year <= LAST_YEAR + 1):
        raise UnreadableTime(value, f"ligger utanför åren {FIRST_YEAR}–{LAST_YEAR}")
    return time_filter


def refuse_unreadable_time(app) -> None:
    """Before each request to `app` (Fava's Flask app), read its `time`; answer 400 when it cannot be read."""
    from flask import g, render_template, request

    @app.before_request
    def _check_time() -> None:
        value = request.args.get("time", "")
        ledger = getattr(g, "ledger", None)
        if value and ledger is not None and request.endpoint != EXTENSION_REPORT:
            read_time(ledger, value)

    @app.errorhandler(UnreadableTime)
    def _unreadable(error: UnreadableTime):
        return render_template("_layout.html", page_title="Fel", content=error.message), 400
