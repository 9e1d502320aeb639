"""The reading of a load, made once by namndbok.plugins.namndbok and handed to the CLI and Fava.

namndbok.plugins.namndbok reads the ledger once (`ledgerdata.read_ledger`), changes that
reading explicitly for the entries its stages add, and leaves it in the load's
own options map (`leave`) — not in module state, so nothing outlives the load.
After the load, `reading_of(entries, options_map)` returns it only when it is
provably the reading of the final entries: namndbok.plugins.namndbok is the ledger's
last plugin line (a later plugin may change entries, even in place) and the
entries a reading depends on (transactions, budget and prognos directives) are
the very ones it returned, in order (Beancount's own last plugins, pad and
balance, may add some). Otherwise the entries are read afresh.
"""

from __future__ import annotations

import operator

from namndbok.ledgerdata import PIPELINE_PLUGIN, LedgerData, is_read, read_ledger

KEY = "namndbok_lasning"  # the options map's key (Fava's options page lists it, as LoadReading's repr)


class LoadReading:
    """The entries namndbok.plugins.namndbok returned and its reading of them."""

    __slots__ = ("entries", "reading", "stage_ms")

    def __init__(self, entries: list, reading: LedgerData, stage_ms: dict | None = None) -> None:
        self.entries, self.reading, self.stage_ms = entries, reading, stage_ms or {}

    def __getstate__(self):
        return (self.entries, self.reading, self.stage_ms)

    def __setstate__(self, state) -> None:
        self.entries, self.reading, self.stage_ms = state

    def __repr__(self) -> str:  # short: Fava's options page prints every option
        return f"<Nämndboks läsning av {len(self.entries)} poster>"


def leave(options_map: dict, entries: list, reading: LedgerData, stage_ms: dict | None = None) -> None:
    """Leave the reading of `entries` (and each stage's ms, for the benchmarks) in the load's options."""
    options_map[KEY] = LoadReading(entries, reading, stage_ms)


def reading_of(entries, options_map: dict) -> LedgerData:
    """The reading of a load's final `entries`: namndbok.plugins.namndbok's when it is provably
    theirs (see the module), else one made afresh."""
    held = options_map.get(KEY)
    if held is not None and is_for(held, entries, options_map):
        return held.reading
    return read_ledger(entries, options_map)


def is_for(held: LoadReading, entries, options_map: dict) -> bool:
    plugins = options_map.get("plugin") or []
    if not plugins or plugins[-1][0] != PIPELINE_PLUGIN or held.reading.options is not options_map:
        return False
    if held.entries is entries:
        return True
    mine = [e for e in held.entries if is_read(e)]
    final = [e for e in entries if is_read(e)]
    return len(mine) == len(final) and all(map(operator.is_, mine, final))
