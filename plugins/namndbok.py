"""Nämndbok's checks and entries, every stage on one plugin line over one reading of the ledger.

    plugin "namndbok.plugins.namndbok" "kontoplan=kontoplan.toml; periodisering=periodisering.toml"

The settings, each optional (separated by `;`, paths relative to the main file):

    kontoplan=      the kontoplan file (several nämnder: files separated by commas;
                    default kontoplan.toml)
    periodisering=  the periodisering file (default: even months)
    fava=           the budget decision Fava's budget columns show (default: the last)

The stages, in order (each module's docstring says what it does):

1. skrivlas      — refuse a load that may have read the ledger while a writer changed it
2. texter        — make ledger texts harmless in Fava
3. las           — refuse changes inside closed periods
4. eget_kapital  — carry each year's result into eget kapital, apply the council's decisions
5. kontoplan     — refuse accounts outside the kontoplan, open the ones inside it
6. budget        — check budget and prognos directives
7. volymer       — check volumes

The ledger is read once (`ledgerdata.read_ledger`, after texter and las, which
change no amounts), and that reading is changed explicitly for the entries
eget_kapital adds (`ledgerdata.with_entries`); kontoplan, budget and volymer
work from it. Beancount sorts the entries once, after the plugin. The reading
is left in the load's options map for the CLI and the Fava extension
(`namndbok.load_reading`).

The single-stage lines (`plugin "namndbok.plugins.texter"`, … `plugin "namndbok.plugins.volymer"`)
still work, each reading the ledger afresh; this line replaces all seven. Put
it after any plugin of your own that adds entries (the CLI and Fava reuse its
reading only when it is the last plugin line).
"""

from __future__ import annotations

import time

from namndbok.collector import paused_plugin
from namndbok.kontoplan import KontoplanUnusable
from namndbok.ledgerdata import read_ledger
from namndbok.load_reading import leave
from namndbok.plugins import budget, eget_kapital, kontoplan, las, skrivlas, texter, volymer

__plugins__ = ("namndbok",)


@paused_plugin
def namndbok(entries, options_map, config=None):
    clock = _Clock()
    _, errors = skrivlas.skrivlas(entries, options_map)
    clock.lap("skrivlas")
    entries, found = texter.texter(entries, options_map)
    errors += found
    clock.lap("texter")
    entries, found = las.las(entries, options_map)
    errors += found
    clock.lap("las")
    reading = read_ledger(entries, options_map)  # the settings from this plugin line (`ledgerdata.plugin_settings`)
    entries, found, reading = eget_kapital.stage(entries, reading)
    errors += found
    clock.lap("eget_kapital")  # with the reading, as when eget_kapital read first on its own line
    unusable = reading.kontoplan_errors
    plans = None if unusable else reading.kontoplaner
    entries, found = kontoplan.check_accounts(
        entries, options_map, plans, reading.sums,
        KontoplanUnusable(unusable[0].source, unusable[0].message, None) if unusable else None)
    errors += found
    clock.lap("kontoplan")
    errors += budget.check(reading)
    clock.lap("budget")
    if not unusable:
        errors += volymer.check(entries, reading.roots, reading.kontoplaner)
    clock.lap("volymer")
    leave(options_map, entries, reading, clock.ms)
    return entries, errors


class _Clock:
    """Each stage's ms, for `namndbok prestanda laddning` (Beancount times the plugin line as a whole)."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.ms[stage] = (now - self.last) * 1000
        self.last = now
