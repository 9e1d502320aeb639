"""Refuse volumes that cannot be right: a volume on an unknown verksamhet or with an unknown unit.

    2026-03-31 custom "volym" Kostnader:Socialnämnden:5731 "vårddygn" 2712
    2026-01-01 custom "volymbudget" Kostnader:Socialnämnden:5731 "vårddygn" 32000

The account must be a verksamhet of the kontoplan (namndbok.plugins.kontoplan checks
the code), the unit one of the kontoplan's `enheter`, the number not negative;
an `ansvar:` must be in the kontoplan. Each fault is reported at its file and
line, in Swedish. See `namndbok.nyckeltal`.

    plugin "namndbok.plugins.volymer"

(or as a stage of namndbok.plugins.namndbok, which needs no line of its own).
"""

from __future__ import annotations

from pathlib import Path

from namndbok.accounts import Roots
from namndbok.collector import paused_plugin
from namndbok.kontoplan import KontoplanError, load_kontoplaner
from namndbok.ledgerdata import KONTOPLAN_PLUGIN, plugin_config
from namndbok.nyckeltal import parse_volumes

__plugins__ = ("volymer",)


@paused_plugin
def volymer(entries, options_map, config=None):
    """The single-stage plugin line (namndbok.plugins.namndbok runs `check` in its pipeline)."""
    try:
        plans = load_kontoplaner(Path(options_map.get("filename") or ".").parent, plugin_config(options_map, KONTOPLAN_PLUGIN))
    except KontoplanError:
        return entries, []  # namndbok.plugins.kontoplan reports it
    return entries, check(entries, Roots.from_options(options_map), plans)


def check(entries, roots: Roots, plans) -> list:
    """The errors of the volumes in `entries` against the kontoplaner `plans`."""
    return parse_volumes(entries, roots, plans)[1]
