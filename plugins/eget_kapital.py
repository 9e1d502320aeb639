"""Carry each year's result into eget kapital, apply the council's decisions, guard closed years.

See `namndbok.eget_kapital` for the directives and what they become. A ledger
runs it as a stage of `plugin "namndbok.plugins.namndbok"` (before the kontoplan's, so
that the entries it adds are checked and opened); the single-stage line
`plugin "namndbok.plugins.eget_kapital"` (before namndbok.plugins.kontoplan) still works.

The kontoplan names the konton it uses:

    eget_kapital_konto = "2011"      # ackumulerat resultat
    avrakningskonto = "1690"         # avräkning med kommunen (write-offs, caps)

Example: a deficit of 7,5 mnkr at the end of 2023, written off by the council,

    2024-04-22 custom "eget-kapital" "Avskrivning av negativt eget kapital 2023"
      typ: "avskrivning"
      beslut: "KF 2024-04-22 §61"
      ar: 2023

becomes (besides the carry of 2023's result on 2024-01-01)

    2024-04-22 * "Avskrivning av negativt eget kapital 2023 (KF 2024-04-22 §61)" #eget-kapital
      Eget-kapital:Socialnämnden:2011   -7500000.00 SEK
      Tillgångar:Socialnämnden:1690      7500000.00 SEK

and once 2025 is closed (`namndbok bokslut 2025`), any later change to 2025's
result is refused at the `custom "bokslut"` line.
"""

from __future__ import annotations

import bisect

from beancount.core import data

from namndbok.collector import paused_plugin
from namndbok.accounts import RESULT_KINDS
from namndbok.eget_kapital import check_bokslut, generated_entries, parse_decisions, results_by_year
from namndbok.las import MARKER
from namndbok.ledgerdata import read_ledger, with_entries

__plugins__ = ("eget_kapital",)


@paused_plugin
def eget_kapital(entries, options_map, config=None):
    """The single-stage plugin line (namndbok.plugins.namndbok runs `stage` in its pipeline)."""
    entries, errors, _ = stage(entries, read_ledger(entries, options_map))
    return entries, errors


def stage(entries, ledger):
    """(entries, errors, reading): `entries` with the carries and decisions added, and
    `ledger` (the reading of `entries`) changed for them (`with_entries`)."""
    if ledger.kontoplan_errors:
        return entries, [], ledger  # namndbok.plugins.kontoplan says why; without the kontoplan's konton nothing is carried
    decisions, closes, errors = parse_decisions(entries, ledger.currency)
    generated, generation_errors = generated_entries(ledger, decisions)
    after = ledger
    if generated:
        # A few entries into a sorted list: each put in its place (the reading's order
        # is the entries'), without computing every entry's sort key.
        entries = list(entries)
        for entry in generated:
            bisect.insort(entries, entry, key=data.entry_sortkey)
        after = with_entries(ledger, entries, added=generated)
    errors += generation_errors
    if closes:
        # A referenced correction (korrigering:) in a closed year is allowed by namndbok.plugins.las
        # and does not unsettle the year's bokslut, which states the year as closed.
        as_closed, corrections = [], []
        for entry in entries:
            (corrections if MARKER in entry.meta else as_closed).append(entry)
        closed = with_entries(after, as_closed, removed=corrections)
        # The generated entries (carries, decisions) post on eget kapital and the balance
        # sheet; unless they or the corrections left out touch a result account, the
        # years' results are those already summed for the first reading.
        touched = any(_is_result(closed, posting.account) for entry in (*generated, *corrections)
                      if isinstance(entry, data.Transaction) for posting in entry.postings)
        errors += check_bokslut(closed, closes, None if touched else results_by_year(ledger))
    return entries, errors, after


def _is_result(ledger, account: str) -> bool:
    ref = ledger.refs.get(account)
    return ref is None or ref.kind in RESULT_KINDS  # an account that does not parse: sum anew
